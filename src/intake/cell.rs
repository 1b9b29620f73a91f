//! One cell, as read from an XLSX or CSV file, and its conversion to the value a column
//! wants: dates (dd/mm/yyyy text, ISO text, Excel date serials and date cells), codes
//! (text, or a number Excel made of it: 21010, and 1 for "00001"), whole numbers,
//! numbers, choices (the Vietnamese label or the stored code) and text (NFC, checked for
//! legacy-font garbage and invisible characters). A failure is a [`Problem`]: a stable
//! code and the message in Vietnamese and English.

use chrono::{Duration, NaiveDate};
use unicode_normalization::UnicodeNormalization;

use super::kind::{ColType, Column};
use crate::text::fold;

/// A cell's value before conversion.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text (also every CSV cell).
    Text(String),
    /// A number (also an Excel date serial in a cell without a date format).
    Number(f64),
    /// A date cell.
    Date(NaiveDate),
    /// TRUE / FALSE.
    Bool(bool),
    /// An error value (#REF!, #DIV/0!...), a formula's cached result.
    Error(String),
}

impl Cell {
    /// Whether the cell is empty or blank text.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The value as a person sees it (for the error workbook).
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => number_text(*n),
            Cell::Date(d) => d.format("%d/%m/%Y").to_string(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
            Cell::Error(e) => e.clone(),
        }
    }
}

/// A number as text: whole numbers without a decimal point.
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Why a cell was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Stable code (`IMPORT_*`).
    pub code: &'static str,
    /// Vietnamese message.
    pub vi: String,
    /// English message.
    pub en: String,
}

impl Problem {
    /// A problem with its two messages.
    pub fn new(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            code,
            vi: vi.into(),
            en: en.into(),
        }
    }
}

/// A converted value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// No value (an optional cell left empty).
    None,
    /// Text or a code.
    Text(String),
    /// A day.
    Date(NaiveDate),
    /// A whole number.
    Int(i64),
    /// A number.
    Number(f64),
    /// A choice: the stored code.
    Choice(&'static str),
}

/// Converts `cell` for `column`; an empty required cell is `IMPORT_REQUIRED`.
pub fn convert(column: &Column, cell: &Cell) -> Result<Value, Problem> {
    if let Cell::Error(e) = cell {
        return Err(Problem::new(
            "IMPORT_BAD_VALUE",
            format!("ô chứa lỗi {e}"),
            format!("the cell holds the error {e}"),
        ));
    }
    if cell.is_blank() {
        return if column.required {
            Err(Problem::new(
                "IMPORT_REQUIRED",
                format!("thiếu \"{}\"", column.vi),
                format!("\"{}\" is required", column.en),
            ))
        } else {
            Ok(Value::None)
        };
    }
    match column.ty {
        ColType::Text => text(cell).map(Value::Text),
        ColType::Code => code(column, cell).map(Value::Text),
        ColType::Date => date(cell).map(Value::Date),
        ColType::Int => int(cell).map(Value::Int),
        ColType::Number => number(cell).map(Value::Number),
        ColType::Choice(options) => choice(&options(), cell).map(Value::Choice),
    }
}

/// Text: NFC, whitespace runs made one space, no control or invisible characters, not
/// legacy-font garbage.
pub fn text(cell: &Cell) -> Result<String, Problem> {
    let raw = match cell {
        Cell::Number(n) => number_text(*n),
        other => other.display(),
    };
    let nfc: String = raw.nfc().collect();
    // Legacy-font garbage first: TCVN3 writes ư as U+00AD, an invisible character.
    if super::legacy::looks_garbled(&nfc) {
        return Err(Problem::new(
            "IMPORT_LEGACY_FONT",
            format!(
                "\"{nfc}\" có vẻ được gõ bằng phông TCVN3/VNI; hãy chuyển sang Unicode (dựng sẵn) rồi gửi lại"
            ),
            format!(
                "\"{nfc}\" looks typed in a TCVN3/VNI font; convert it to Unicode and send it again"
            ),
        ));
    }
    if nfc
        .chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t') || crate::text::is_invisible(c))
    {
        return Err(Problem::new(
            "IMPORT_BAD_TEXT",
            "chứa ký tự điều khiển hoặc ký tự ẩn",
            "holds a control or invisible character",
        ));
    }
    let line = nfc.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 500 {
        return Err(Problem::new(
            "IMPORT_BAD_TEXT",
            "dài quá 500 ký tự",
            "longer than 500 characters",
        ));
    }
    Ok(line)
}

/// A code: text as typed; a number Excel made of a unit code is written back with its
/// five digits (1 was "00001").
fn code(column: &Column, cell: &Cell) -> Result<String, Problem> {
    let bad = || {
        Problem::new(
            "IMPORT_BAD_CODE",
            format!("\"{}\" không phải là mã hợp lệ", cell.display()),
            format!("\"{}\" is not a valid code", cell.display()),
        )
    };
    let code = match cell {
        Cell::Number(n) if n.fract() == 0.0 && *n >= 0.0 && *n < 1e12 => {
            let digits = format!("{}", *n as i64);
            if column.key.ends_with("unit_code") && digits.len() < 5 {
                format!("{digits:0>5}")
            } else {
                digits
            }
        }
        Cell::Text(t) => t.trim().trim_start_matches('\'').to_owned(),
        _ => return Err(bad()),
    };
    let ok = !code.is_empty()
        && code.len() <= 32
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok { Ok(code) } else { Err(bad()) }
}

/// The day of an Excel serial (the 1900 system; day 60, the 29/02/1900 Excel believes
/// in, does not occur for the dates coso holds).
pub fn from_serial(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_signed(Duration::days(serial.floor() as i64))
}

/// The Excel serial of a day.
pub fn to_serial(day: NaiveDate) -> f64 {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or(NaiveDate::MIN);
    (day - base).num_days() as f64
}

/// A day: a date cell, an Excel serial, or text dd/mm/yyyy (also with `-` or `.`, and
/// d/m/yyyy) or yyyy-mm-dd.
pub fn date(cell: &Cell) -> Result<NaiveDate, Problem> {
    let bad = || {
        Problem::new(
            "IMPORT_BAD_DATE",
            format!("\"{}\" không phải là ngày (dd/mm/yyyy)", cell.display()),
            format!("\"{}\" is not a date (dd/mm/yyyy)", cell.display()),
        )
    };
    match cell {
        Cell::Date(d) => Ok(*d),
        Cell::Number(n) => from_serial(*n).ok_or_else(bad),
        Cell::Text(t) => parse_date_text(t.trim()).ok_or_else(bad),
        _ => Err(bad()),
    }
}

fn parse_date_text(t: &str) -> Option<NaiveDate> {
    // "dd/mm/yyyy hh:mm:ss" from some exports: the day part.
    let t = t.split_whitespace().next()?;
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Some(d);
    }
    let parts: Vec<&str> = t.split(['/', '-', '.']).collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    if y.len() != 4 || d.is_empty() || d.len() > 2 || m.is_empty() || m.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

fn int(cell: &Cell) -> Result<i64, Problem> {
    let bad = || {
        Problem::new(
            "IMPORT_BAD_NUMBER",
            format!("\"{}\" không phải là số nguyên", cell.display()),
            format!("\"{}\" is not a whole number", cell.display()),
        )
    };
    match cell {
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Ok(*n as i64),
        Cell::Text(t) => {
            let digits: String = t.trim().chars().filter(|c| !c.is_whitespace()).collect();
            digits.parse().map_err(|_| bad())
        }
        _ => Err(bad()),
    }
}

fn number(cell: &Cell) -> Result<f64, Problem> {
    let bad = || {
        Problem::new(
            "IMPORT_BAD_NUMBER",
            format!("\"{}\" không phải là số", cell.display()),
            format!("\"{}\" is not a number", cell.display()),
        )
    };
    match cell {
        Cell::Number(n) if n.is_finite() => Ok(*n),
        Cell::Text(t) => {
            let t = t.trim();
            // A decimal comma (Vietnamese usage) when there is no point.
            let t = if t.contains('.') {
                t.to_owned()
            } else {
                t.replace(',', ".")
            };
            t.parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(bad)
        }
        _ => Err(bad()),
    }
}

/// A choice, by its Vietnamese label (case, spacing and tone placement ignored:
/// "Thiếu uý" is "Thiếu úy") or its stored code.
fn choice(options: &[(&'static str, &'static str)], cell: &Cell) -> Result<&'static str, Problem> {
    let typed = cell.display();
    let typed: String = typed.nfc().collect::<String>().trim().to_lowercase();
    let typed = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    let exact = options
        .iter()
        .find(|(code, label)| label.to_lowercase() == typed || *code == typed);
    let found = exact.or_else(|| {
        let folded = fold(&typed);
        let mut matches = options.iter().filter(|(_, label)| fold(label) == folded);
        match (matches.next(), matches.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    });
    found.map(|(code, _)| *code).ok_or_else(|| {
        let list = options
            .iter()
            .map(|(_, l)| *l)
            .collect::<Vec<_>>()
            .join("; ");
        Problem::new(
            "IMPORT_BAD_CHOICE",
            format!("\"{}\" không có trong danh sách: {list}", cell.display()),
            format!("\"{}\" is not one of: {list}", cell.display()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_every_shape() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
        for cell in [
            Cell::Text("05/03/2024".into()),
            Cell::Text("5/3/2024".into()),
            Cell::Text("05-03-2024".into()),
            Cell::Text("2024-03-05".into()),
            Cell::Number(to_serial(day)),
            Cell::Date(day),
        ] {
            assert_eq!(date(&cell), Ok(day), "{cell:?}");
        }
        assert_eq!(to_serial(day), 45356.0);
        assert!(date(&Cell::Text("31/02/2024".into())).is_err());
        assert!(date(&Cell::Text("03/2024".into())).is_err());
    }

    #[test]
    fn codes_typed_as_numbers_keep_their_digits() {
        let unit = super::super::kind::Kind::Officers.columns()[0];
        assert_eq!(code(&unit, &Cell::Number(21010.0)).unwrap(), "21010");
        assert_eq!(code(&unit, &Cell::Number(1.0)).unwrap(), "00001");
        assert_eq!(code(&unit, &Cell::Text(" 00001 ".into())).unwrap(), "00001");
        assert!(code(&unit, &Cell::Number(1.5)).is_err());
        assert!(code(&unit, &Cell::Text("21 010".into())).is_err());
    }
}
