//! Column decoding: each column of a table arrives from the database as one JSON array
//! (see `fetch`); here it becomes a polars column (codes as strings, dates as polars
//! `Date`, ids as `Int32`).

use std::borrow::Cow;

use chrono::NaiveDate;
use polars::prelude::*;
use serde::Deserialize;

/// How a column is stored in its frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// String (nullable or not: the database decides).
    Text,
    /// Int32.
    Int,
    /// Int64.
    Big,
    /// Float64.
    Float,
    /// Boolean (sent as 0/1, the one encoding both databases share).
    Flag,
    /// Date.
    Date,
}

/// One column of a table: its name (in the database and in the frame) and kind.
pub type Spec = (&'static str, Kind);

/// A JSON string, borrowed from the text when it has no escapes.
#[derive(Deserialize)]
struct Str<'a>(#[serde(borrow)] Cow<'a, str>);

fn parse<'a, T: Deserialize<'a>>(json: &'a str) -> PolarsResult<Vec<Option<T>>> {
    serde_json::from_str(json).map_err(|e| polars_err!(ComputeError: "decoding a column: {e}"))
}

/// The polars column of `name` from `json`, a JSON array of its values in row order.
pub fn decode(name: &str, kind: Kind, json: &str) -> PolarsResult<Column> {
    let name: PlSmallStr = name.into();
    Ok(match kind {
        Kind::Text => {
            let values = parse::<Str>(json)?;
            let refs: Vec<Option<&str>> =
                values.iter().map(|v| v.as_ref().map(|s| &*s.0)).collect();
            Column::new(name, refs)
        }
        Kind::Int => Column::new(name, parse::<i32>(json)?),
        Kind::Big => Column::new(name, parse::<i64>(json)?),
        Kind::Float => Column::new(name, parse::<f64>(json)?),
        Kind::Flag => {
            let values = parse::<i32>(json)?;
            let flags: Vec<Option<bool>> = values.iter().map(|v| v.map(|n| n != 0)).collect();
            Column::new(name, flags)
        }
        Kind::Date => {
            let values = parse::<Str>(json)?;
            let days = values
                .iter()
                .map(|v| v.as_ref().map(|s| days(&s.0)).transpose())
                .collect::<PolarsResult<Vec<Option<i32>>>>()?;
            Column::new(name, days).cast(&DataType::Date)?
        }
    })
}

/// Days from 1970-01-01 (polars' representation of a date) of an ISO date `YYYY-MM-DD`.
fn days(text: &str) -> PolarsResult<i32> {
    let date = fast_date(text.as_bytes())
        .or_else(|| text.parse::<NaiveDate>().ok())
        .ok_or_else(|| polars_err!(ComputeError: "not a date: '{text}'"))?;
    Ok((date - NaiveDate::default()).num_days() as i32)
}

/// `YYYY-MM-DD` read digit by digit (what both databases send), without chrono's
/// general parser.
fn fast_date(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_decode_with_nulls_and_escapes() {
        let text = decode("t", Kind::Text, r#"["a", null, "x\"y", "Đà Nẵng"]"#).unwrap();
        let text = text.str().unwrap();
        assert_eq!(text.get(1), None);
        assert_eq!(text.get(2), Some("x\"y"));
        assert_eq!(text.get(3), Some("Đà Nẵng"));
        let dates = decode("d", Kind::Date, r#"["1970-01-02", null, "2024-12-31"]"#).unwrap();
        assert_eq!(dates.dtype(), &DataType::Date);
        let days = dates.cast(&DataType::Int32).unwrap();
        let days: Vec<Option<i32>> = days.i32().unwrap().iter().collect();
        assert_eq!(days, vec![Some(1), None, Some(20088)]);
        let flags = decode("f", Kind::Flag, "[1, 0, null]").unwrap();
        let flags: Vec<Option<bool>> = flags.bool().unwrap().iter().collect();
        assert_eq!(flags, vec![Some(true), Some(false), None]);
        let floats = decode("x", Kind::Float, "[1, 2.5, null]").unwrap();
        assert_eq!(floats.f64().unwrap().get(1), Some(2.5));
        assert!(decode("d", Kind::Date, r#"["31/12/2024"]"#).is_err());
        assert_eq!(decode("e", Kind::Int, "[]").unwrap().len(), 0);
    }
}
