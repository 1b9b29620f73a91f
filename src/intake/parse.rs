//! The second step: a [`Table`] to typed rows of a kind. The header row says where each
//! column is (Vietnamese or English headers, in any order); the hidden sheet, when
//! there is one, must name this kind and the current template version. Each cell is
//! converted ([`super::cell::convert`]); every problem is recorded, the row kept with an
//! empty value, so one pass finds them all.

use unicode_normalization::UnicodeNormalization;

use super::cell::{Cell, Problem, Value, convert};
use super::errors::Errors;
use super::kind::{Column, Kind, TEMPLATE_VERSION};
use super::read::Table;
use crate::text::fold;

/// A data row: its line and its values in the kind's column order.
#[derive(Clone, Debug)]
pub struct Row {
    /// 1-based row of the sheet.
    pub line: u32,
    /// Values, in [`Kind::columns`] order.
    pub values: Vec<Value>,
}

/// Where each of a kind's columns is in the sheet.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Sheet column of each kind column (None: absent, an optional column).
    pub at: Vec<Option<u16>>,
}

impl Layout {
    /// The sheet column and definition of the kind column `key`.
    pub fn place(&self, kind: Kind, key: &str) -> Option<(u16, &'static Column)> {
        let i = kind.columns().iter().position(|c| c.key == key)?;
        Some((self.at[i]?, &kind.columns()[i]))
    }
}

fn normal(header: &str) -> String {
    let nfc: String = header.nfc().collect();
    fold(nfc.trim())
}

/// Checks the template's kind and version and finds the columns.
pub fn layout(table: &Table, kind: Kind) -> Result<Layout, Problem> {
    if let Some(meta) = &table.meta {
        if meta.kind != kind.code() {
            return Err(Problem::new(
                "IMPORT_WRONG_TEMPLATE",
                format!(
                    "đây là mẫu \"{}\", không phải mẫu \"{}\"",
                    meta.kind,
                    kind.code()
                ),
                format!(
                    "this is the \"{}\" template, not the \"{}\" one",
                    meta.kind,
                    kind.code()
                ),
            ));
        }
        if meta.version != TEMPLATE_VERSION {
            return Err(Problem::new(
                "IMPORT_OLD_TEMPLATE",
                format!(
                    "mẫu phiên bản {} đã cũ; hãy tải mẫu mới (phiên bản {TEMPLATE_VERSION})",
                    meta.version
                ),
                format!(
                    "template version {} is out of date; download the current one (version {TEMPLATE_VERSION})",
                    meta.version
                ),
            ));
        }
    }
    let header: Vec<String> = table
        .rows
        .first()
        .map(|(_, cells)| cells.iter().map(|c| normal(&c.display())).collect())
        .unwrap_or_default();
    let mut at = Vec::new();
    let mut missing = Vec::new();
    for c in kind.columns() {
        let found = header
            .iter()
            .position(|h| *h == normal(c.vi) || *h == normal(c.en) || *h == c.key);
        if found.is_none() && c.required {
            missing.push(c);
        }
        at.push(found.map(|i| i as u16));
    }
    if !missing.is_empty() {
        let vi = missing.iter().map(|c| c.vi).collect::<Vec<_>>().join(", ");
        let en = missing.iter().map(|c| c.en).collect::<Vec<_>>().join(", ");
        return Err(Problem::new(
            "IMPORT_WRONG_TEMPLATE",
            format!(
                "dòng tiêu đề thiếu cột: {vi} (hãy dùng mẫu \"{}\")",
                kind.code()
            ),
            format!(
                "the header row lacks: {en} (use the \"{}\" template)",
                kind.code()
            ),
        ));
    }
    Ok(Layout { at })
}

/// Converts every data row, recording each bad cell in `errors`.
pub fn rows(table: &Table, kind: Kind, layout: &Layout, errors: &mut Errors) -> Vec<Row> {
    let columns = kind.columns();
    let empty = Cell::Empty;
    table
        .rows
        .iter()
        .skip(1)
        .map(|(line, cells)| {
            let values = columns
                .iter()
                .zip(&layout.at)
                .map(|(column, at)| {
                    let cell = at.and_then(|i| cells.get(i as usize)).unwrap_or(&empty);
                    match convert(column, cell) {
                        Ok(v) => v,
                        Err(p) => {
                            errors.at(*line, at.map(|i| (i, column)), p);
                            Value::None
                        }
                    }
                })
                .collect();
            Row {
                line: *line,
                values,
            }
        })
        .collect()
}

impl Row {
    fn get(&self, kind: Kind, key: &str) -> &Value {
        kind.columns()
            .iter()
            .position(|c| c.key == key)
            .and_then(|i| self.values.get(i))
            .unwrap_or(&Value::None)
    }

    /// Text or code value of `key`.
    pub fn text(&self, kind: Kind, key: &str) -> Option<String> {
        match self.get(kind, key) {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// Date value of `key`.
    pub fn date(&self, kind: Kind, key: &str) -> Option<chrono::NaiveDate> {
        match self.get(kind, key) {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// Whole-number value of `key`.
    pub fn int(&self, kind: Kind, key: &str) -> Option<i64> {
        match self.get(kind, key) {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// Number value of `key`.
    pub fn number(&self, kind: Kind, key: &str) -> Option<f64> {
        match self.get(kind, key) {
            Value::Number(n) => Some(*n),
            Value::Int(n) => Some(*n as f64),
            _ => None,
        }
    }

    /// Choice value (stored code) of `key`.
    pub fn choice(&self, kind: Kind, key: &str) -> Option<&'static str> {
        match self.get(kind, key) {
            Value::Choice(c) => Some(c),
            _ => None,
        }
    }
}
