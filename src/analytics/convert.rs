//! Result conversion: polars values to JSON cells (dates as ISO text), in the worker;
//! JSON rows to CSV (text that looks like a formula neutralised), in the server.

use polars::prelude::*;
use serde_json::Value;

/// Column names and polars type names.
pub fn columns(frame: &DataFrame) -> Vec<(String, String)> {
    frame
        .columns()
        .iter()
        .map(|c| (c.name().to_string(), c.dtype().to_string()))
        .collect()
}

/// One JSON value per cell, row by row.
pub fn rows(frame: &DataFrame) -> Vec<Vec<Value>> {
    (0..frame.height())
        .map(|i| {
            frame
                .columns()
                .iter()
                .map(|c| cell(c.get(i).unwrap_or(AnyValue::Null)))
                .collect()
        })
        .collect()
}

fn cell(v: AnyValue<'_>) -> Value {
    match v {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => Value::Bool(b),
        AnyValue::String(s) => Value::String(s.to_owned()),
        AnyValue::StringOwned(s) => Value::String(s.to_string()),
        AnyValue::Int8(n) => n.into(),
        AnyValue::Int16(n) => n.into(),
        AnyValue::Int32(n) => n.into(),
        AnyValue::Int64(n) => n.into(),
        AnyValue::UInt8(n) => n.into(),
        AnyValue::UInt16(n) => n.into(),
        AnyValue::UInt32(n) => n.into(),
        AnyValue::UInt64(n) => n.into(),
        AnyValue::Float32(x) => {
            serde_json::Number::from_f64(f64::from(x)).map_or(Value::Null, Value::Number)
        }
        AnyValue::Float64(x) => serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number),
        AnyValue::Date(days) => Value::String(date_text(days)),
        other => Value::String(other.to_string()),
    }
}

fn date_text(days: i32) -> String {
    chrono::NaiveDate::default()
        .checked_add_signed(chrono::Duration::days(i64::from(days)))
        .map_or_else(|| days.to_string(), |d| d.to_string())
}

/// The result as CSV with a header row; text cells that a spreadsheet would run as a
/// formula get a leading `'` (numbers stay numbers).
pub fn csv(columns: &[(String, String)], rows: &[Vec<Value>]) -> Result<Vec<u8>, csv::Error> {
    use crate::cells::csv_text;
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(columns.iter().map(|(name, _)| csv_text(name).into_owned()))?;
    for row in rows {
        out.write_record(row.iter().map(|v| match v {
            Value::Null => String::new(),
            Value::String(s) => csv_text(s).into_owned(),
            other => other.to_string(),
        }))?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}
