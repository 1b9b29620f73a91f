//! Vietnamese number and date formats, as leaders read them: "6,61", "32,9%",
//! "1.144", "27/11/2026", "57/173 (32,9%)".

use chrono::NaiveDate;

use crate::indicators::IndicatorDef;

/// A day written `YYYY-MM-DD` with a four-digit year, as the API reads days (the
/// `NaiveDate` scalar reads them the same way): chrono's own parsing also takes signed
/// years of any length, "-5000-01-01", which no SQL `date` holds.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let four_digits = text.len() == 10 && text.as_bytes()[0].is_ascii_digit();
    four_digits
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
}

/// A number with `decimals` decimals, a comma as decimal separator and dots between
/// thousands: 1144.0 → "1.144", 6.6127 → "6,61".
pub fn number_vi(value: f64, decimals: u32) -> String {
    let text = format!("{:.*}", decimals as usize, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    match frac {
        "" => format!("{sign}{grouped}"),
        f => format!("{sign}{grouped},{f}"),
    }
}

/// A date as "dd/mm/yyyy".
pub fn date_vi(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

/// An indicator value as a leader reads it: a rate with its numerator and denominator
/// ("57/173 (32,9%)"), a ratio with its decimals ("6,61"), a count ("16").
pub fn display_vi(
    def: &IndicatorDef,
    numerator: f64,
    denominator: Option<f64>,
    value: f64,
) -> String {
    let shown = number_vi(value, def.decimals);
    match (def.unit, denominator) {
        ("%", Some(den)) => format!(
            "{}/{} ({shown}%)",
            number_vi(numerator, 0),
            number_vi(den, 0)
        ),
        ("%", None) => format!("{shown}%"),
        _ => shown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers_the_vietnamese_way() {
        assert_eq!(number_vi(6.6127, 2), "6,61");
        assert_eq!(number_vi(32.947, 1), "32,9");
        assert_eq!(number_vi(1144.0, 0), "1.144");
        assert_eq!(number_vi(1234567.891, 2), "1.234.567,89");
        assert_eq!(number_vi(-0.001, 1), "0,0");
        assert_eq!(number_vi(-1500.0, 0), "-1.500");
        assert_eq!(
            date_vi(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default()),
            "27/11/2026"
        );
    }
}
