//! Plausibility checks of what a write stores, run by the create and update functions
//! before any SQL: free text without control, bidirectional or invisible characters
//! (and NFC-normalised, so one name is stored one way), and dates in the window a
//! record of the commune police can have.

use chrono::{Datelike, NaiveDate, Utc};
use unicode_normalization::UnicodeNormalization;

use super::{Result, ServiceError};
use crate::text::is_invisible;

/// The first plausible day of a record: the People's Public Security was founded on
/// 19 August 1945.
pub const FIRST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(1945, 8, 19) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// How many years ahead a date may be (targets and planned ends).
pub const YEARS_AHEAD: i32 = 10;

/// One line of text (a name, a title, a number): trimmed, inner whitespace runs made one
/// space, 1 to `max` characters, no control or invisible characters.
pub fn line(field: &'static str, text: &str, max: usize) -> Result<String> {
    let text: String = text.nfc().collect();
    check_chars(field, &text, false)?;
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    check_length(field, &text, max)?;
    Ok(text)
}

/// An optional line: absent or blank is None, otherwise as [`line`].
pub fn optional_line(
    field: &'static str,
    text: Option<&str>,
    max: usize,
) -> Result<Option<String>> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => line(field, t, max).map(Some),
    }
}

/// Free text that may hold line breaks and tabs (a question, an answer, a reason):
/// trimmed, 1 to `max` characters, no other control or invisible characters.
pub fn paragraph(field: &'static str, text: &str, max: usize) -> Result<String> {
    let text: String = text.nfc().collect();
    check_chars(field, &text, true)?;
    let text = text.trim().to_owned();
    check_length(field, &text, max)?;
    Ok(text)
}

/// A date between [`FIRST_DAY`] and the end of the year [`YEARS_AHEAD`] from now.
pub fn date(field: &'static str, day: NaiveDate) -> Result<()> {
    let last_year = Utc::now().year() + YEARS_AHEAD;
    let last = NaiveDate::from_ymd_opt(last_year, 12, 31).unwrap_or(NaiveDate::MAX);
    if day < FIRST_DAY || day > last {
        return Err(ServiceError::DateOutOfRange {
            field,
            date: day,
            from: FIRST_DAY,
            to: last,
        });
    }
    Ok(())
}

/// [`date`] for an optional date.
pub fn optional_date(field: &'static str, day: Option<NaiveDate>) -> Result<()> {
    day.map_or(Ok(()), |d| date(field, d))
}

fn check_length(field: &'static str, text: &str, max: usize) -> Result<()> {
    let n = text.chars().count();
    if n == 0 || n > max {
        return Err(ServiceError::invalid(
            field,
            format!("must be 1 to {max} characters"),
        ));
    }
    Ok(())
}

fn check_chars(field: &'static str, text: &str, multi_line: bool) -> Result<()> {
    let bad = text.chars().find(|&c| {
        let allowed_space = c == ' ' || (multi_line && matches!(c, '\n' | '\r' | '\t'));
        !allowed_space && (c.is_control() || is_invisible(c))
    });
    match bad {
        Some(c) => Err(ServiceError::InvalidText {
            field,
            message: format!(
                "contains U+{:04X} ({}), which has no place in text",
                u32::from(c),
                describe(c)
            ),
        }),
        None => Ok(()),
    }
}

fn describe(c: char) -> &'static str {
    match c {
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => "a bidirectional control",
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => "a zero-width character",
        c if c.is_control() => "a control character",
        _ => "an invisible character",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_vietnamese_and_lose_invisible_tricks() {
        assert_eq!(
            line("n", "  Nguyễn   Văn  An ", 120).unwrap(),
            "Nguyễn Văn An"
        );
        // Decomposed input is stored composed.
        assert_eq!(line("n", "Nguye\u{302}\u{303}n", 120).unwrap(), "Nguyễn");
        for bad in [
            "A\0B",
            "A\u{7}B",
            "A\u{202E}B",
            "A\u{200B}B",
            "A\u{FEFF}",
            "A\nB",
            "A\u{2028}B",
        ] {
            let e = line("n", bad, 120).unwrap_err();
            assert_eq!(e.code(), "INVALID_TEXT", "{bad:?}");
        }
        assert_eq!(
            paragraph("q", "dòng 1\ndòng 2", 100).unwrap(),
            "dòng 1\ndòng 2"
        );
        assert_eq!(
            paragraph("q", "A\u{202E}B", 100).unwrap_err().code(),
            "INVALID_TEXT"
        );
    }

    #[test]
    fn dates_stay_in_their_window() {
        let ok = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        assert!(date("d", ok).is_ok());
        for y in [0, 1900, 9999] {
            let d = NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
            assert_eq!(date("d", d).unwrap_err().code(), "DATE_OUT_OF_RANGE");
        }
    }
}
