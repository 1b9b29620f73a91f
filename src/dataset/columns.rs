//! Column builders: turn the fields of loaded rows into polars columns (codes as
//! strings, dates as polars `Date`).

use chrono::NaiveDate;
use polars::prelude::*;

/// Days from 1970-01-01, polars' representation of a date.
fn days(d: NaiveDate) -> i32 {
    (d - NaiveDate::default()).num_days() as i32
}

/// A string column.
pub fn text<T>(name: &str, rows: &[T], f: impl Fn(&T) -> &str) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
}

/// A nullable string column.
pub fn text_opt<T>(name: &str, rows: &[T], f: impl Fn(&T) -> Option<&str>) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
}

/// An i32 column.
pub fn int<T>(name: &str, rows: &[T], f: impl Fn(&T) -> i32) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
}

/// A nullable i64 column.
pub fn big_opt<T>(name: &str, rows: &[T], f: impl Fn(&T) -> Option<i64>) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
}

/// A nullable f64 column.
pub fn float_opt<T>(name: &str, rows: &[T], f: impl Fn(&T) -> Option<f64>) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
}

/// A boolean column.
pub fn flag<T>(name: &str, rows: &[T], f: impl Fn(&T) -> bool) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
}

/// A date column.
pub fn date<T>(name: &str, rows: &[T], f: impl Fn(&T) -> NaiveDate) -> PolarsResult<Column> {
    let values: Vec<i32> = rows.iter().map(|r| days(f(r))).collect();
    Column::new(name.into(), values).cast(&DataType::Date)
}

/// A nullable date column.
pub fn date_opt<T>(
    name: &str,
    rows: &[T],
    f: impl Fn(&T) -> Option<NaiveDate>,
) -> PolarsResult<Column> {
    let values: Vec<Option<i32>> = rows.iter().map(|r| f(r).map(days)).collect();
    Column::new(name.into(), values).cast(&DataType::Date)
}
