//! What passes between the server and its analytics worker process. Request on the
//! worker's stdin: one JSON line (the SQL, the row limit, each table's columns and kinds
//! and its byte length), then each table as CSV with a header (polars' writer and
//! reader, with the schema given, so types come back exactly). Reply on its stdout: one
//! JSON [`Reply`].

use std::io::Cursor;

use polars::prelude::*;
use polars_io::prelude::{CsvReadOptions, CsvReader, CsvWriter, SerReader, SerWriter};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The column kinds a table may have on the wire.
const KINDS: &[(&str, DataType)] = &[
    ("str", DataType::String),
    ("i32", DataType::Int32),
    ("i64", DataType::Int64),
    ("f64", DataType::Float64),
    ("bool", DataType::Boolean),
    ("date", DataType::Date),
];

/// The first line of a request.
#[derive(Serialize, Deserialize)]
pub struct Header {
    /// The query (already through the gate).
    pub sql: String,
    /// Rows to return at most.
    pub limit: usize,
    /// The tables that follow, in order.
    pub tables: Vec<TableHeader>,
}

/// One table of a request.
#[derive(Serialize, Deserialize)]
pub struct TableHeader {
    /// Its name in the query.
    pub name: String,
    /// Column name and kind (see `KINDS`).
    pub columns: Vec<(String, String)>,
    /// Length of its CSV, in bytes.
    pub bytes: usize,
}

/// The worker's answer.
#[derive(Serialize, Deserialize, Debug)]
pub enum Reply {
    /// The result.
    Rows {
        /// Column name and polars type name.
        columns: Vec<(String, String)>,
        /// One JSON value per cell.
        rows: Vec<Vec<Value>>,
        /// Whether more rows were cut off.
        truncated: bool,
    },
    /// The engine refused or failed: a stable code, a short message for the client and
    /// the engine's full text for the log.
    Failed {
        /// Stable code.
        code: String,
        /// For the client.
        message: String,
        /// For the log only.
        detail: String,
    },
}

fn kind_of(dtype: &DataType) -> PolarsResult<&'static str> {
    KINDS
        .iter()
        .find(|(_, t)| t == dtype)
        .map(|(k, _)| *k)
        .ok_or_else(|| polars_err!(ComputeError: "no wire kind for {}", dtype))
}

/// One table in its wire form: column names and kinds, and its CSV.
pub struct Encoded {
    /// Column name and kind.
    pub columns: Vec<(String, String)>,
    /// The table as CSV with a header row.
    pub csv: Vec<u8>,
}

/// A table in its wire form.
pub fn encode_table(frame: &DataFrame) -> PolarsResult<Encoded> {
    let mut frame = frame.clone();
    let mut csv = Vec::new();
    CsvWriter::new(&mut csv).finish(&mut frame)?;
    let columns = frame
        .columns()
        .iter()
        .map(|c| Ok((c.name().to_string(), kind_of(c.dtype())?.to_owned())))
        .collect::<PolarsResult<_>>()?;
    Ok(Encoded { columns, csv })
}

/// The request bytes for `sql` over `tables` (already encoded).
pub fn request(sql: &str, limit: usize, tables: &[(&str, &Encoded)]) -> PolarsResult<Vec<u8>> {
    let header = Header {
        sql: sql.to_owned(),
        limit,
        tables: tables
            .iter()
            .map(|(name, t)| TableHeader {
                name: (*name).to_owned(),
                columns: t.columns.clone(),
                bytes: t.csv.len(),
            })
            .collect(),
    };
    let mut out = serde_json::to_vec(&header)
        .map_err(|e| polars_err!(ComputeError: "request header: {}", e))?;
    out.push(b'\n');
    for (_, t) in tables {
        out.extend_from_slice(&t.csv);
    }
    Ok(out)
}

/// The header and tables of request bytes.
pub fn decode(bytes: &[u8]) -> PolarsResult<(Header, Vec<(String, DataFrame)>)> {
    let line = bytes
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(bytes.len());
    let header: Header = serde_json::from_slice(&bytes[..line])
        .map_err(|e| polars_err!(ComputeError: "request header: {}", e))?;
    let mut at = line + 1;
    let mut tables = Vec::with_capacity(header.tables.len());
    for table in &header.tables {
        let body = bytes
            .get(at..at + table.bytes)
            .ok_or_else(|| polars_err!(ComputeError: "request cut short"))?;
        at += table.bytes;
        tables.push((table.name.clone(), read_table(table, body)?));
    }
    Ok((header, tables))
}

fn read_table(table: &TableHeader, body: &[u8]) -> PolarsResult<DataFrame> {
    let mut schema = Schema::with_capacity(table.columns.len());
    for (name, kind) in &table.columns {
        let dtype = KINDS
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, t)| t.clone())
            .ok_or_else(|| polars_err!(ComputeError: "unknown wire kind {}", kind))?;
        schema.with_column(name.as_str().into(), dtype);
    }
    let reader: CsvReader<_> = CsvReadOptions::default()
        .with_has_header(true)
        .with_schema(Some(Arc::new(schema)))
        .into_reader_with_file_handle(Cursor::new(body));
    reader.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_cross_with_their_types_nulls_and_empty_strings() {
        let frame = df!(
            "code" => [Some("a,\"b\"\nc"), Some(""), None],
            "n" => [Some(1i32), None, Some(3)],
            "big" => [1i64, 2, 3],
            "x" => [Some(0.1f64), Some(1e300), None],
            "ok" => [Some(true), None, Some(false)],
        )
        .unwrap();
        let dates = Column::new("d".into(), [Some(19_000i32), None, Some(-1)])
            .cast(&DataType::Date)
            .unwrap();
        let frame = frame.hstack(&[dates]).unwrap();
        let bytes = request("SELECT 1", 5, &[("t", &encode_table(&frame).unwrap())]).unwrap();
        let (header, tables) = decode(&bytes).unwrap();
        assert_eq!((header.sql.as_str(), header.limit), ("SELECT 1", 5));
        assert_eq!(tables[0].0, "t");
        assert!(tables[0].1.equals_missing(&frame), "{:?}", tables[0].1);
    }
}
