//! Numbers, dates and periods as the report's reader writes them, between the data and
//! the templates: Vietnamese through `crate::format` ("6,61", "1.144", "27/11/2026"),
//! English here ("6.61", "1,144", "27 Nov 2026"); and ASCII file-name slugs.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::data::{Language, ReportPeriod};
use crate::format::{date_vi, number_vi};

/// Vietnam's time zone offset (UTC+7, no daylight saving).
const VN_OFFSET_SECS: i32 = 7 * 3600;

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_EN_LONG: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A number the English way: a point for decimals, commas between thousands:
/// 1144.0 → "1,144", 6.6127 → "6.61".
pub fn number_en(value: f64, decimals: u32) -> String {
    number_vi(value, decimals)
        .chars()
        .map(|c| match c {
            '.' => ',',
            ',' => '.',
            c => c,
        })
        .collect()
}

/// A date the English way: "27 Nov 2026".
pub fn date_en(day: NaiveDate) -> String {
    format!("{} {} {}", day.day(), month_abbr(day.month()), day.year())
}

fn month_abbr(month: u32) -> &'static str {
    MONTHS_EN[(month.clamp(1, 12) - 1) as usize]
}

/// Formats for one language.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Locale(pub Language);

impl Locale {
    /// A number with `decimals` decimals.
    pub fn number(self, value: f64, decimals: u32) -> String {
        match self.0 {
            Language::Vi => number_vi(value, decimals),
            Language::En => number_en(value, decimals),
        }
    }

    /// A whole count ("1.144" / "1,144").
    pub fn count(self, value: impl Into<f64>) -> String {
        self.number(value.into(), 0)
    }

    /// A day.
    pub fn date(self, day: NaiveDate) -> String {
        match self.0 {
            Language::Vi => date_vi(day),
            Language::En => date_en(day),
        }
    }

    /// The month of a day, for chart axes ("11/2026" / "Nov 2026").
    pub fn month(self, day: NaiveDate) -> String {
        match self.0 {
            Language::Vi => format!("{:02}/{}", day.month(), day.year()),
            Language::En => format!("{} {}", month_abbr(day.month()), day.year()),
        }
    }

    /// A moment in Vietnam's time ("27/11/2026 08:00 (UTC+7)").
    pub fn moment(self, at: DateTime<Utc>) -> String {
        let Some(offset) = FixedOffset::east_opt(VN_OFFSET_SECS) else {
            return at.to_rfc3339();
        };
        let local = at.with_timezone(&offset);
        format!(
            "{} {} (UTC+7)",
            self.date(local.date_naive()),
            local.format("%H:%M")
        )
    }

    /// A value in its unit: "32,9%" for rates, "6,61" otherwise.
    pub fn value(self, unit: &str, value: f64, decimals: u32) -> String {
        let shown = self.number(value, decimals);
        if unit == "%" {
            format!("{shown}%")
        } else {
            shown
        }
    }

    /// A value with what it is made of: "57/173 (32,9%)" for a rate, "6,61 (1.144/173)"
    /// for a ratio, "16" for a count.
    pub fn display(
        self,
        unit: &str,
        numerator: f64,
        denominator: Option<f64>,
        value: f64,
        decimals: u32,
    ) -> String {
        let shown = self.value(unit, value, decimals);
        match denominator {
            Some(den) if unit == "%" => {
                format!("{}/{} ({shown})", self.count(numerator), self.count(den))
            }
            Some(den) => format!(
                "{shown} ({}/{})",
                self.number(numerator, 0),
                self.count(den)
            ),
            None => shown,
        }
    }

    /// A signed change: "+1,1 điểm %" for rates, "+0,03" otherwise; none when nil.
    pub fn change(self, unit: &str, delta: f64, decimals: u32) -> Option<String> {
        let step = 0.5 * 10f64.powi(-(decimals as i32));
        if delta.abs() < step {
            return None;
        }
        let sign = if delta > 0.0 { "+" } else { "−" };
        let shown = self.number(delta.abs(), decimals);
        Some(match (unit, self.0) {
            ("%", Language::Vi) => format!("{sign}{shown} điểm %"),
            ("%", Language::En) => format!("{sign}{shown} pts"),
            _ => format!("{sign}{shown}"),
        })
    }

    /// The period in words ("tháng 11/2026" / "November 2026").
    pub fn period(self, period: ReportPeriod) -> String {
        match (period, self.0) {
            (ReportPeriod::Month { year, month }, Language::Vi) => format!("tháng {month}/{year}"),
            (ReportPeriod::Month { year, month }, Language::En) => {
                format!(
                    "{} {year}",
                    MONTHS_EN_LONG[(month.clamp(1, 12) - 1) as usize]
                )
            }
            (ReportPeriod::Quarter { year, quarter }, Language::Vi) => {
                format!("quý {}/{year}", roman(quarter))
            }
            (ReportPeriod::Quarter { year, quarter }, Language::En) => format!("Q{quarter} {year}"),
            (ReportPeriod::Year { year }, Language::Vi) => format!("năm {year}"),
            (ReportPeriod::Year { year }, Language::En) => year.to_string(),
            (ReportPeriod::Range { from, to }, Language::Vi) => {
                format!("từ {} đến {}", self.date(from), self.date(to))
            }
            (ReportPeriod::Range { from, to }, Language::En) => {
                format!("{} to {}", self.date(from), self.date(to))
            }
        }
    }

    /// The ASCII stem of attachment names: "Bao-cao-thang-11-2026" / "Report-2026-11".
    pub fn file_stem(self, period: ReportPeriod) -> String {
        let stem = match (period, self.0) {
            (p, Language::Vi) => format!("Báo cáo {}", self.period(p)),
            (ReportPeriod::Month { year, month }, Language::En) => {
                format!("Report {year} {month:02}")
            }
            (ReportPeriod::Quarter { year, quarter }, Language::En) => {
                format!("Report {year} Q{quarter}")
            }
            (ReportPeriod::Year { year }, Language::En) => format!("Report {year}"),
            (ReportPeriod::Range { from, to }, Language::En) => format!("Report {from} {to}"),
        };
        ascii_slug(&stem)
    }
}

/// Quarters in Roman numerals, as Vietnamese reports write them.
fn roman(quarter: u32) -> &'static str {
    match quarter {
        1 => "I",
        2 => "II",
        3 => "III",
        _ => "IV",
    }
}

/// Text as an ASCII file-name part: diacritics dropped, đ → d, anything else than
/// letters and digits becomes one `-`: "Báo cáo tháng 11/2026" → "Bao-cao-thang-11-2026".
pub fn ascii_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        let c = match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !is_combining_mark(c) && !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_both_languages() {
        let vi = Locale(Language::Vi);
        let en = Locale(Language::En);
        assert_eq!(number_en(1144.0, 0), "1,144");
        assert_eq!(number_en(6.6127, 2), "6.61");
        assert_eq!(number_en(-1234567.891, 2), "-1,234,567.89");
        let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(date_en(day), "27 Nov 2026");
        assert_eq!(
            vi.display("%", 57.0, Some(173.0), 32.9, 1),
            "57/173 (32,9%)"
        );
        assert_eq!(
            en.display("%", 57.0, Some(173.0), 32.9, 1),
            "57/173 (32.9%)"
        );
        assert_eq!(
            vi.display("officers/unit", 1144.0, Some(173.0), 6.61, 2),
            "6,61 (1.144/173)"
        );
        assert_eq!(vi.change("%", 1.1, 1).as_deref(), Some("+1,1 điểm %"));
        assert_eq!(en.change("", -0.03, 2).as_deref(), Some("−0.03"));
        assert_eq!(vi.change("", 0.001, 2), None);
        let at = DateTime::parse_from_rfc3339("2026-11-30T17:05:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(vi.moment(at), "01/12/2026 00:05 (UTC+7)");
    }

    #[test]
    fn periods_and_slugs() {
        let vi = Locale(Language::Vi);
        let en = Locale(Language::En);
        let month = ReportPeriod::Month {
            year: 2026,
            month: 11,
        };
        assert_eq!(vi.period(month), "tháng 11/2026");
        assert_eq!(en.period(month), "November 2026");
        assert_eq!(vi.file_stem(month), "Bao-cao-thang-11-2026");
        assert_eq!(en.file_stem(month), "Report-2026-11");
        assert_eq!(
            vi.period(ReportPeriod::Quarter {
                year: 2026,
                quarter: 4
            }),
            "quý IV/2026"
        );
        assert_eq!(ascii_slug("Huyện Đức Phổ – Tỷ lệ"), "Huyen-Duc-Pho-Ty-le");
    }
}
