//! The errors of a refused file: one per bad cell (or row), with the sheet, the row as
//! the spreadsheet numbers it, the column (letter and field), a stable code and the
//! message in Vietnamese and English. Collected for the whole file before anything is
//! written, so a sender fixes every problem in one pass.

use serde::Serialize;

use super::cell::Problem;
use super::kind::Column;
use super::sheet::column_letter;

/// Errors listed per file at most (the count says how many there were).
pub const MAX_LISTED: usize = 1_000;

/// One error.
#[derive(Clone, Debug, Serialize)]
pub struct RowError {
    /// The sheet.
    pub sheet: String,
    /// The row, 1-based as the spreadsheet shows it.
    pub row: u32,
    /// The column letter, when the error is about one cell.
    pub column: Option<String>,
    /// The column's field key.
    pub field: Option<&'static str>,
    /// Stable code (`IMPORT_*`).
    pub code: &'static str,
    /// Vietnamese message.
    pub vi: String,
    /// English message.
    pub en: String,
    /// The column index (0-based), for marking the error workbook.
    #[serde(skip)]
    pub col: Option<u16>,
}

/// Collects the errors of one file.
#[derive(Debug, Default)]
pub struct Errors {
    sheet: String,
    /// The errors, in the order found (at most [`MAX_LISTED`]).
    pub list: Vec<RowError>,
    /// How many there were.
    pub count: usize,
}

impl Errors {
    /// Errors of `sheet`.
    pub fn new(sheet: &str) -> Self {
        Self {
            sheet: sheet.to_owned(),
            ..Default::default()
        }
    }

    /// Records `problem` at (`row`, `col`) of the column `column`.
    pub fn at(&mut self, row: u32, place: Option<(u16, &Column)>, problem: Problem) {
        self.count += 1;
        if self.list.len() >= MAX_LISTED {
            return;
        }
        self.list.push(RowError {
            sheet: self.sheet.clone(),
            row,
            column: place.map(|(c, _)| column_letter(c)),
            field: place.map(|(_, col)| col.key),
            code: problem.code,
            vi: problem.vi,
            en: problem.en,
            col: place.map(|(c, _)| c),
        });
    }

    /// Whether any error was recorded.
    pub fn any(&self) -> bool {
        self.count > 0
    }
}
