//! The first step of an import: the uploaded bytes to a [`Table`] of cells, after the
//! checks that keep a hostile file cheap: what the bytes are (an XLSX zip, an
//! encrypted or legacy Office container, text), how much a workbook unpacks to (every
//! zip part counted while inflating into nothing, stopped at the bound, before calamine
//! reads anything: a zip bomb costs at most the bound), and how many rows a sheet holds.
//! Formulas are never evaluated: calamine returns the value Excel cached.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, SheetType, SheetVisible, Xlsx};

use super::cell::{Cell, Problem, from_serial};
use super::kind::{Kind, META_SHEET};

/// The bounds a file is read within (from [`crate::config::Limits`]).
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    /// Most data rows.
    pub max_rows: usize,
    /// Most bytes a workbook's zip parts may unpack to.
    pub max_unpacked_bytes: u64,
    /// How long the whole import may take (`IMPORT_TIMEOUT` past it).
    pub timeout: std::time::Duration,
    /// Days the bytes of applied files are kept (0: forever).
    pub keep_days: u32,
}

impl Bounds {
    /// The bounds the settings give.
    pub fn of(limits: &crate::config::Limits) -> Self {
        Self {
            max_rows: limits.import_max_rows,
            max_unpacked_bytes: limits.import_max_unpacked_bytes,
            timeout: std::time::Duration::from_secs(limits.import_timeout_secs.max(1)),
            keep_days: limits.import_keep_days,
        }
    }
}

/// A CSV file's text encoding, when the sender says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (with or without a byte-order mark).
    Utf8,
    /// Windows-1258, the Vietnamese code page.
    Cp1258,
}

impl Encoding {
    /// Parses `utf-8` / `utf8` or `cp1258` / `windows-1258`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Some(Self::Utf8),
            "cp1258" | "windows-1258" | "1258" => Some(Self::Cp1258),
            _ => None,
        }
    }
}

/// What a workbook's hidden sheet says it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    /// The kind code.
    pub kind: String,
    /// The template version.
    pub version: i64,
}

/// One sheet's cells.
#[derive(Clone, Debug)]
pub struct Table {
    /// The sheet's name (`CSV` for a CSV file).
    pub sheet: String,
    /// The rows, each with its 1-based line number in the sheet; the first is the header.
    pub rows: Vec<(u32, Vec<Cell>)>,
    /// The template's own statement of its kind and version (XLSX made by coso).
    pub meta: Option<Meta>,
    /// `xlsx` or `csv`.
    pub format: &'static str,
    /// The CSV's encoding, when it was a CSV.
    pub encoding: Option<Encoding>,
}

fn refuse(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Problem {
    Problem::new(code, vi, en)
}

fn not_a_spreadsheet() -> Problem {
    refuse(
        "IMPORT_NOT_A_SPREADSHEET",
        "tệp không phải là bảng tính XLSX hoặc CSV",
        "the file is not an XLSX or CSV spreadsheet",
    )
}

/// Reads `bytes` (an XLSX workbook or a CSV file) for `kind`.
pub fn read(
    bytes: &[u8],
    kind: Kind,
    declared: Option<Encoding>,
    bounds: Bounds,
) -> Result<Table, Problem> {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(b"PK\x03\x04") {
        check_unpacked(bytes, bounds.max_unpacked_bytes)?;
        return read_xlsx(bytes, kind, bounds);
    }
    if bytes.starts_with(OLE) {
        return Err(ole(bytes));
    }
    read_csv(bytes, declared, bounds)
}

/// An Office container that is not a zip: a password-protected workbook (its
/// `EncryptionInfo` stream), or an Excel 97-2003 file.
fn ole(bytes: &[u8]) -> Problem {
    let marker: Vec<u8> = "EncryptionInfo"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    if memchr::memmem::find(bytes, &marker).is_some() {
        refuse(
            "IMPORT_ENCRYPTED",
            "bảng tính được đặt mật khẩu; hãy bỏ mật khẩu rồi gửi lại",
            "the workbook is password-protected; remove the password and send it again",
        )
    } else {
        refuse(
            "IMPORT_NOT_A_SPREADSHEET",
            "tệp Excel 97-2003 (.xls): hãy lưu thành .xlsx rồi gửi lại",
            "an Excel 97-2003 file (.xls): save it as .xlsx and send it again",
        )
    }
}

/// Inflates every part of the zip into nothing, counting, and stops past `max` (the
/// sizes a zip declares are not trusted, they are only a first, cheap check).
fn check_unpacked(bytes: &[u8], max: u64) -> Result<(), Problem> {
    let too_large = || {
        refuse(
            "IMPORT_TOO_LARGE",
            format!("bảng tính giải nén ra hơn {max} byte (COSO_IMPORT_MAX_UNPACKED_BYTES)"),
            format!(
                "the workbook unpacks to more than {max} bytes (COSO_IMPORT_MAX_UNPACKED_BYTES)"
            ),
        )
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_a_spreadsheet())?;
    if zip.len() > 10_000 {
        return Err(too_large());
    }
    let declared: u64 = (0..zip.len())
        .filter_map(|i| zip.by_index_raw(i).ok().map(|f| f.size()))
        .fold(0u64, u64::saturating_add);
    if declared > max {
        return Err(too_large());
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut part = match zip.by_index(i) {
            Ok(part) => part,
            Err(zip::result::ZipError::UnsupportedArchive(_)) => {
                return Err(refuse(
                    "IMPORT_ENCRYPTED",
                    "bảng tính được mã hóa; hãy bỏ mật khẩu rồi gửi lại",
                    "the workbook is encrypted; remove the password and send it again",
                ));
            }
            Err(_) => return Err(not_a_spreadsheet()),
        };
        let left = max - total;
        let read = std::io::copy(&mut (&mut part).take(left + 1), &mut std::io::sink())
            .map_err(|_| not_a_spreadsheet())?;
        total += read;
        if total > max {
            return Err(too_large());
        }
    }
    Ok(())
}

fn read_xlsx(bytes: &[u8], kind: Kind, bounds: Bounds) -> Result<Table, Problem> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| not_a_spreadsheet())?;
    let sheets = book.sheets_metadata().to_vec();
    let meta = if sheets.iter().any(|s| s.name == META_SHEET) {
        book.worksheet_range(META_SHEET).ok().map(|r| read_meta(&r))
    } else {
        None
    };
    let wanted = [kind.sheet_name(false), kind.sheet_name(true)];
    let data_sheets: Vec<_> = sheets
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet && s.name != META_SHEET)
        .collect();
    let chosen = data_sheets
        .iter()
        .find(|s| wanted.contains(&s.name.as_str()))
        .or_else(|| {
            data_sheets
                .iter()
                .find(|s| s.visible == SheetVisible::Visible)
        })
        .ok_or_else(not_a_spreadsheet)?;
    let name = chosen.name.clone();
    for hidden in data_sheets
        .iter()
        .filter(|s| s.visible != SheetVisible::Visible && s.name != name)
    {
        let holds_data = book
            .worksheet_range(&hidden.name)
            .is_ok_and(|r| r.used_cells().any(|(_, _, v)| !matches!(v, Data::Empty)));
        if holds_data {
            return Err(refuse(
                "IMPORT_HIDDEN_SHEET",
                format!(
                    "trang tính ẩn \"{}\" có dữ liệu; hãy bỏ ẩn và chuyển dữ liệu vào trang \"{name}\", hoặc xóa trang đó",
                    hidden.name
                ),
                format!(
                    "the hidden sheet \"{}\" holds data; unhide it and move the data to \"{name}\", or delete it",
                    hidden.name
                ),
            ));
        }
    }
    let range = book
        .worksheet_range(&name)
        .map_err(|_| not_a_spreadsheet())?;
    let merged = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
    if let Some(dims) = merged.first() {
        let cells = format!(
            "{}{}:{}{}",
            super::sheet::column_letter(dims.start.1 as u16),
            dims.start.0 + 1,
            super::sheet::column_letter(dims.end.1 as u16),
            dims.end.0 + 1
        );
        return Err(refuse(
            "IMPORT_MERGED_CELLS",
            format!(
                "ô gộp {cells} trên trang \"{name}\" ({} vùng gộp): hãy bỏ gộp ô, mỗi ô một giá trị",
                merged.len()
            ),
            format!(
                "merged cells {cells} on sheet \"{name}\" ({} merged range(s)): unmerge them, one value a cell",
                merged.len()
            ),
        ));
    }
    let (row0, col0) = range.start().unwrap_or((0, 0));
    if range.height().saturating_sub(1) > bounds.max_rows {
        return Err(too_many_rows(bounds.max_rows));
    }
    let mut rows = Vec::with_capacity(range.height());
    for (i, row) in range.rows().enumerate() {
        let mut cells = vec![Cell::Empty; col0 as usize];
        cells.extend(row.iter().map(cell));
        if i > 0 && cells.iter().all(Cell::is_blank) {
            continue;
        }
        rows.push((row0 + i as u32 + 1, cells));
    }
    Ok(Table {
        sheet: name,
        rows,
        meta,
        format: "xlsx",
        encoding: None,
    })
}

fn too_many_rows(max: usize) -> Problem {
    refuse(
        "IMPORT_TOO_MANY_ROWS",
        format!("tệp có hơn {max} dòng dữ liệu (COSO_IMPORT_MAX_ROWS); hãy chia nhỏ"),
        format!("the file has more than {max} data rows (COSO_IMPORT_MAX_ROWS); split it"),
    )
}

/// The hidden sheet: `kind` / `version` in the first two columns.
fn read_meta(range: &calamine::Range<Data>) -> Meta {
    let mut meta = Meta {
        kind: String::new(),
        version: 0,
    };
    for row in range.rows() {
        match (row.first(), row.get(1)) {
            (Some(Data::String(k)), Some(v)) if k == "kind" => meta.kind = v.to_string(),
            (Some(Data::String(k)), Some(v)) if k == "version" => {
                meta.version = match v {
                    Data::Int(n) => *n,
                    Data::Float(f) => *f as i64,
                    Data::String(s) => s.trim().parse().unwrap_or(0),
                    _ => 0,
                }
            }
            _ => {}
        }
    }
    meta
}

fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(n) => Cell::Number(*n as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => {
            from_serial(dt.as_f64()).map_or(Cell::Number(dt.as_f64()), Cell::Date)
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}

/// Decodes a CSV file: UTF-8 (a byte-order mark is dropped), UTF-16 with its mark
/// (Excel's "Unicode text"), or Windows-1258 when declared or when the bytes are not
/// UTF-8. Text that holds NUL bytes or other binary is not a spreadsheet.
pub fn decode(bytes: &[u8], declared: Option<Encoding>) -> Result<(String, Encoding), Problem> {
    use encoding_rs::{UTF_8, UTF_16LE, WINDOWS_1258};
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let (text, _, bad) = UTF_16LE.decode(rest);
        if bad {
            return Err(not_a_spreadsheet());
        }
        return Ok((text.into_owned(), Encoding::Utf8));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let (text, encoding) = match declared {
        Some(Encoding::Cp1258) => (
            WINDOWS_1258.decode_without_bom_handling(bytes).0,
            Encoding::Cp1258,
        ),
        Some(Encoding::Utf8) => {
            match UTF_8.decode_without_bom_handling_and_without_replacement(bytes) {
                Some(text) => (text, Encoding::Utf8),
                None => {
                    return Err(refuse(
                        "IMPORT_BAD_ENCODING",
                        "tệp CSV không phải UTF-8 như đã khai; hãy khai encoding=cp1258 nếu tệp dùng bảng mã Windows-1258",
                        "the CSV is not UTF-8 as declared; declare encoding=cp1258 for a Windows-1258 file",
                    ));
                }
            }
        }
        None => match std::str::from_utf8(bytes) {
            Ok(text) => (text.into(), Encoding::Utf8),
            Err(_) => (
                WINDOWS_1258.decode_without_bom_handling(bytes).0,
                Encoding::Cp1258,
            ),
        },
    };
    let binary = text
        .chars()
        .any(|c| c == '\0' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t')));
    if binary || text.trim().is_empty() {
        return Err(not_a_spreadsheet());
    }
    // Windows-1258 writes tones as combining marks: one form for every name.
    use unicode_normalization::UnicodeNormalization;
    Ok((text.nfc().collect(), encoding))
}

fn read_csv(bytes: &[u8], declared: Option<Encoding>, bounds: Bounds) -> Result<Table, Problem> {
    let (text, encoding) = decode(bytes, declared)?;
    let first = text.lines().next().unwrap_or_default();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|_| not_a_spreadsheet())?;
        if rows.len() > bounds.max_rows {
            return Err(too_many_rows(bounds.max_rows));
        }
        let cells: Vec<Cell> = record
            .iter()
            .map(|s| {
                if s.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s.to_owned())
                }
            })
            .collect();
        if i > 0 && cells.iter().all(Cell::is_blank) {
            continue;
        }
        let line = record.position().map_or(i as u64 + 1, |p| p.line()) as u32;
        rows.push((line, cells));
    }
    Ok(Table {
        sheet: "CSV".into(),
        rows,
        meta: None,
        format: "csv",
        encoding: Some(encoding),
    })
}
