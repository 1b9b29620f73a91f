//! Writing workbooks: a kind's template (headers in Vietnamese or English, a dropdown
//! for every choice, dates as dd/mm/yyyy, codes as text, one example row, a hidden sheet
//! with the kind and version, widths, a frozen header), the same filled with data (an
//! export), and the error copy of a refused file (its cells as read, the bad ones filled
//! red with a note, and a sheet listing every error). Text that a spreadsheet would run
//! as a formula gets the quote prefix (`report::workbook::text_with`, shared with the
//! report workbooks).

use rust_xlsxwriter::{
    Color, DataValidation, ExcelDateTime, Format, FormatBorder, Formula, Note, Workbook, Worksheet,
    XlsxError,
};

use super::cell::{Cell, Value, convert};
use super::errors::RowError;
use super::kind::{ColType, Column, Kind, META_SHEET, TEMPLATE_VERSION};
use crate::report::workbook::text_with;

/// Last row a dropdown and the column formats reach (Excel's last row).
const LAST_ROW: u32 = 1_048_575;

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_font_color(Color::White)
        .set_background_color(Color::RGB(0x0b3d91))
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
}

fn date_format() -> Format {
    Format::new().set_num_format("dd/mm/yyyy")
}

fn code_format() -> Format {
    Format::new().set_num_format("@")
}

/// The example row of a template, converted as an import would read it.
fn example(kind: Kind) -> Vec<Value> {
    kind.columns()
        .iter()
        .map(|c| convert(c, &Cell::Text(c.example.to_owned())).unwrap_or(Value::None))
        .collect()
}

/// A kind's empty template (with its example row).
pub fn template(kind: Kind, english: bool) -> Result<Vec<u8>, XlsxError> {
    filled(kind, english, &[example(kind)])
}

/// A kind's template filled with `rows` (values in column order).
pub fn filled(kind: Kind, english: bool, rows: &[Vec<Value>]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let columns = kind.columns();
    let ws = book.add_worksheet();
    ws.set_name(kind.sheet_name(english))?;
    let header = header_format();
    for (i, c) in columns.iter().enumerate() {
        let col = i as u16;
        ws.write_string_with_format(0, col, c.header(english), &header)?;
        ws.set_column_width(col, c.width)?;
        match c.ty {
            ColType::Date => drop(ws.set_column_format(col, &date_format())?),
            ColType::Code | ColType::Text => drop(ws.set_column_format(col, &code_format())?),
            _ => {}
        }
    }
    ws.set_freeze_panes(1, 0)?;
    let text = code_format();
    let date = date_format();
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (i, (c, v)) in columns.iter().zip(row).enumerate() {
            write_value(ws, r, i as u16, c, v, english, &text, &date)?;
        }
    }
    // The lists of the dropdowns live on the hidden sheet (a list typed into the rule
    // is limited to 255 characters).
    let mut lists = Vec::new();
    for (i, c) in columns.iter().enumerate() {
        if let ColType::Choice(options) = c.ty {
            let values: Vec<&str> = options()
                .iter()
                .map(|(code, vi)| if english { *code } else { *vi })
                .collect();
            lists.push((i as u16, values));
        }
    }
    for (n, (col, values)) in lists.iter().enumerate() {
        let letter = column_letter(2 + n as u16);
        let rule = DataValidation::new()
            .allow_list_formula(Formula::new(format!(
                "='{META_SHEET}'!${letter}$1:${letter}${}",
                values.len()
            )))
            .set_error_title(if english {
                "Not in the list"
            } else {
                "Không có trong danh sách"
            })?
            .set_error_message(if english {
                "Choose a value from the list."
            } else {
                "Hãy chọn một giá trị trong danh sách."
            })?;
        ws.add_data_validation(1, *col, LAST_ROW, *col, &rule)?;
    }
    let meta = book.add_worksheet();
    meta.set_name(META_SHEET)?;
    meta.write_string(0, 0, "kind")?;
    meta.write_string(0, 1, kind.code())?;
    meta.write_string(1, 0, "version")?;
    meta.write_number(1, 1, TEMPLATE_VERSION as f64)?;
    for (n, (_, values)) in lists.iter().enumerate() {
        for (r, v) in values.iter().enumerate() {
            meta.write_string(r as u32, 2 + n as u16, *v)?;
        }
    }
    meta.set_hidden(true);
    book.save_to_buffer()
}

#[allow(clippy::too_many_arguments)]
fn write_value(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    column: &Column,
    v: &Value,
    english: bool,
    text: &Format,
    date: &Format,
) -> Result<(), XlsxError> {
    match v {
        Value::None => {}
        Value::Text(s) => text_with(ws, r, c, s, text)?,
        Value::Date(d) => {
            use chrono::Datelike;
            let day = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            ws.write_date_with_format(r, c, &day, date)?;
        }
        Value::Int(n) => drop(ws.write_number(r, c, *n as f64)?),
        Value::Number(n) => drop(ws.write_number(r, c, *n)?),
        Value::Choice(code) => {
            let shown = match column.ty {
                ColType::Choice(options) if !english => options()
                    .iter()
                    .find(|(k, _)| k == code)
                    .map_or(*code, |(_, vi)| *vi),
                _ => *code,
            };
            text_with(ws, r, c, shown, text)?;
        }
    }
    Ok(())
}

/// `A`, `B`, ..., `Z`, `AA`, ...
pub fn column_letter(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut s = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        s.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// The refused file, as read, with every bad cell filled red and a note saying why;
/// a second sheet lists the errors. Rows keep their line numbers.
pub fn error_copy(
    sheet: &str,
    rows: &[(u32, Vec<Cell>)],
    errors: &[RowError],
    english: bool,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(safe_sheet_name(sheet))?;
    let plain = Format::new();
    let date = date_format();
    let bad = Format::new()
        .set_background_color(Color::RGB(0xFFC7CE))
        .set_font_color(Color::RGB(0x9C0006));
    let bad_date = bad.clone().set_num_format("dd/mm/yyyy");
    let marked: std::collections::HashMap<(u32, u16), Vec<&RowError>> =
        errors.iter().fold(Default::default(), |mut m, e| {
            if let Some(col) = e.col {
                m.entry((e.row, col)).or_default().push(e);
            }
            m
        });
    for (line, cells) in rows {
        let r = line.saturating_sub(1);
        for (c, cell) in cells.iter().enumerate() {
            let c = c as u16;
            let is_bad = marked.contains_key(&(*line, c));
            let (f, fd) = if is_bad {
                (&bad, &bad_date)
            } else {
                (&plain, &date)
            };
            match cell {
                Cell::Empty if is_bad => drop(ws.write_blank(r, c, f)?),
                Cell::Empty => {}
                Cell::Text(s) | Cell::Error(s) => text_with(ws, r, c, s, f)?,
                Cell::Number(n) => drop(ws.write_number_with_format(r, c, *n, f)?),
                Cell::Bool(b) => drop(ws.write_boolean_with_format(r, c, *b, f)?),
                Cell::Date(d) => {
                    use chrono::Datelike;
                    let day =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    ws.write_date_with_format(r, c, &day, fd)?;
                }
            }
        }
    }
    for ((line, c), errs) in &marked {
        let text = errs
            .iter()
            .map(|e| format!("{}: {}", e.code, if english { &e.en } else { &e.vi }))
            .collect::<Vec<_>>()
            .join("\n");
        let note = Note::new(text).set_author("coso").set_width(320);
        ws.insert_note(line.saturating_sub(1), *c, &note)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let list = book.add_worksheet();
    list.set_name(if english { "Errors" } else { "Loi" })?;
    let header = header_format();
    let titles = if english {
        [
            "sheet",
            "row",
            "column",
            "code",
            "message (vi)",
            "message (en)",
        ]
    } else {
        [
            "trang",
            "dòng",
            "cột",
            "mã lỗi",
            "thông báo",
            "message (en)",
        ]
    };
    for (i, t) in titles.iter().enumerate() {
        list.write_string_with_format(0, i as u16, *t, &header)?;
    }
    for (i, e) in errors.iter().enumerate() {
        let r = i as u32 + 1;
        text_with(list, r, 0, &e.sheet, &plain)?;
        list.write_number(r, 1, f64::from(e.row))?;
        text_with(list, r, 2, e.column.as_deref().unwrap_or(""), &plain)?;
        list.write_string(r, 3, e.code)?;
        text_with(list, r, 4, &e.vi, &plain)?;
        text_with(list, r, 5, &e.en, &plain)?;
    }
    for (i, w) in [12.0, 8.0, 24.0, 26.0, 60.0, 60.0].iter().enumerate() {
        list.set_column_width(i as u16, *w)?;
    }
    list.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}

/// A sheet name Excel accepts (at most 31 characters, none of `[]:*?/\`).
fn safe_sheet_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if clean.trim().is_empty() || clean == META_SHEET {
        "Sheet1".into()
    } else {
        clean
    }
}
