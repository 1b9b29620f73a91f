//! Spreadsheets in and out: where the records departments keep in XLSX or CSV files
//! enter coso, and where they come back out. The flow of an import:
//! bytes → [`read`] (what the file is, bounded: size, unpacked size, rows) →
//! [`parse`] (template kind and version, header, every cell converted) → a kind's
//! `plan` (rows checked against the database, compared by natural key) → nothing
//! written if any row failed (the errors as JSON and as an [`sheet::error_copy`]),
//! else one transaction applying every change, bumping the data version, recording the
//! import ([`record`]) and an audit row. Exports ([`export`]) write the same templates
//! ([`sheet`]) filled with the caller's scope on a day, so an export imports back
//! unchanged. Called by `POST /imports`, `GET /imports/templates/...`,
//! `GET /exports/...` (`http::intake`) and `coso import` / `coso export`.

pub mod activities;
pub mod areas;
pub mod awards;
pub mod cell;
pub mod check;
pub mod command;
pub mod directives;
pub mod errors;
pub mod export;
pub mod headquarters;
pub mod keyed;
pub mod kind;
mod legacy;
pub mod officers;
pub mod parse;
pub mod questions;
pub mod read;
pub mod record;
pub mod seats;
pub mod sheet;

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use cell::Problem;
pub use check::{Counts, Samples};
pub use errors::RowError;
pub use kind::Kind;
pub use read::{Bounds, Encoding, Table};

use crate::auth::Scope;
use crate::service::{self, Result, audit};

/// Who imports: the audit entry's caller fields, the scope and area.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The audit entry for this caller (operation and arguments are filled in).
    pub entry: audit::Entry,
    /// What the caller may write.
    pub scope: Scope,
}

impl Caller {
    /// A province-wide caller on the command line.
    pub fn command_line() -> Self {
        Self {
            entry: audit::Entry::command_line("mutation", "import", serde_json::Value::Null),
            scope: Scope::all(),
        }
    }
}

/// One import.
#[derive(Clone, Debug)]
pub struct Request {
    /// The kind of record.
    pub kind: Kind,
    /// The file's name, as sent.
    pub file_name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Report the difference, write nothing.
    pub dry_run: bool,
    /// The file is the complete list for the caller's scope on `day`: records missing
    /// from it are ended that day.
    pub complete: bool,
    /// The day a complete file speaks for (today by default).
    pub day: NaiveDate,
    /// A CSV file's declared encoding.
    pub encoding: Option<Encoding>,
}

/// What an accepted import did (or, dry, would do).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The import record.
    pub import_id: i32,
    /// Kind code.
    pub kind: &'static str,
    /// File name.
    pub file_name: String,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// `xlsx` or `csv`.
    pub format: &'static str,
    /// A CSV's encoding (`utf-8` or `cp1258`).
    pub encoding: Option<&'static str>,
    /// Nothing was written.
    pub dry_run: bool,
    /// Missing records were ended.
    pub complete: bool,
    /// The day of a complete file.
    pub day: NaiveDate,
    /// Data rows read.
    pub rows: usize,
    /// What changed.
    pub counts: Counts,
    /// "0 created, 0 updated, 1.144 unchanged".
    pub summary: String,
    /// A few of each change.
    pub samples: Samples,
}

/// A refused file: the file-level reason and every row error.
#[derive(Clone, Debug)]
pub struct Refusal {
    /// The import record.
    pub import_id: Option<i32>,
    /// Why (`IMPORT_INVALID_ROWS` when rows failed).
    pub problem: Problem,
    /// The row errors (at most [`errors::MAX_LISTED`]).
    pub errors: Vec<RowError>,
    /// How many row errors there were.
    pub error_count: usize,
    /// The file as read, for the error workbook.
    pub table: Option<Table>,
}

/// The outcome of an import.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Accepted (applied, or a dry run).
    Done(Box<Report>),
    /// Refused; nothing written but the record of the attempt.
    Refused(Box<Refusal>),
}

/// "0 created, 0 updated, 1.144 unchanged" (and ended, for a complete file).
pub fn summary(c: &Counts, complete: bool) -> String {
    let n = |v: usize| crate::format::number_vi(v as f64, 0);
    let mut s = format!(
        "{} created, {} updated, {} unchanged",
        n(c.created),
        n(c.updated),
        n(c.unchanged)
    );
    if complete {
        s.push_str(&format!(", {} ended", n(c.ended)));
    }
    s
}

/// Reads and converts the file (CPU work, off the async threads).
async fn read_and_parse(
    bytes: Vec<u8>,
    kind: Kind,
    encoding: Option<Encoding>,
    bounds: Bounds,
) -> std::result::Result<(Table, parse::Layout, Vec<parse::Row>, errors::Errors), Problem> {
    let job = move || {
        let table = read::read(&bytes, kind, encoding, bounds)?;
        let layout = parse::layout(&table, kind)?;
        let mut errors = errors::Errors::new(&table.sheet);
        let rows = parse::rows(&table, kind, &layout, &mut errors);
        Ok((table, layout, rows, errors))
    };
    tokio::task::spawn_blocking(job).await.unwrap_or_else(|_| {
        Err(Problem::new(
            "IMPORT_NOT_A_SPREADSHEET",
            "không đọc được tệp",
            "the file could not be read",
        ))
    })
}

/// Checks and compares the rows of `kind` (and, when `write` and no row failed,
/// applies them): the kind's [`keyed::Keyed`] implementation.
#[allow(clippy::too_many_arguments)]
async fn plan(
    db: &impl ConnectionTrait,
    scope: &Scope,
    kind: Kind,
    rows: &[parse::Row],
    layout: &parse::Layout,
    errors: &mut errors::Errors,
    complete: Option<NaiveDate>,
    write: bool,
) -> Result<(Counts, Samples, Vec<Option<String>>)> {
    use keyed::import;
    let (s, r, l, e, c, w) = (scope, rows, layout, errors, complete, write);
    match kind {
        Kind::Officers => import::<officers::Officers>(db, s, r, l, e, c, w).await,
        Kind::Seats => import::<seats::Seats>(db, s, r, l, e, c, w).await,
        Kind::Headquarters => import::<headquarters::Headquarters>(db, s, r, l, e, c, w).await,
        Kind::Directives => import::<directives::Directives>(db, s, r, l, e, c, w).await,
        Kind::Activities => import::<activities::Activities>(db, s, r, l, e, c, w).await,
        Kind::Questions => import::<questions::Questions>(db, s, r, l, e, c, w).await,
        Kind::Awards => import::<awards::Awards>(db, s, r, l, e, c, w).await,
        Kind::Areas => import::<areas::Areas>(db, s, r, l, e, c, w).await,
    }
}

/// Runs one import: everything checked first; a refused file writes nothing but its
/// record and audit row; an accepted one is applied in one transaction (or, dry, only
/// reported).
///
/// The whole of it is bounded by `bounds.timeout`: past it the work is dropped (an open
/// transaction with it, which rolls back), and the attempt is recorded as refused with
/// `IMPORT_TIMEOUT`.
/// Records an import must write or end before the planner's statistics are refreshed
/// after it ([`crate::db::refresh_statistics`], in the background: 0.75 s on the
/// national tier in PostgreSQL).
const STATISTICS_AFTER_ROWS: usize = 1_000;

pub async fn run(
    db: &DatabaseConnection,
    caller: &Caller,
    req: Request,
    bounds: Bounds,
) -> Result<Outcome> {
    let sha256 = hex::encode(Sha256::digest(&req.bytes));
    let rec = record::Draft::new(caller, &req, &sha256);
    let limit = bounds.timeout;
    match tokio::time::timeout(limit, attempt(db, caller, req, bounds, rec.clone(), sha256)).await {
        Ok(outcome) => outcome,
        Err(_) => {
            let secs = limit.as_secs();
            tracing::warn!(seconds = secs, "import abandoned past its time bound");
            let problem = Problem::new(
                "IMPORT_TIMEOUT",
                format!(
                    "quá {secs} giây (COSO_IMPORT_TIMEOUT): đã hủy, không có dữ liệu nào được ghi; hãy chia nhỏ tệp"
                ),
                format!(
                    "took longer than {secs} s (COSO_IMPORT_TIMEOUT): abandoned, nothing was written; split the file"
                ),
            );
            refuse(db, caller, rec, problem, None, None).await
        }
    }
}

async fn attempt(
    db: &DatabaseConnection,
    caller: &Caller,
    req: Request,
    bounds: Bounds,
    mut rec: record::Draft,
    sha256: String,
) -> Result<Outcome> {
    if req.kind.province_only() && !caller.scope.is_all() {
        let problem = Problem::new(
            "IMPORT_OUT_OF_SCOPE",
            format!(
                "tệp loại \"{}\" là dữ liệu cấp tỉnh: chỉ quản trị cấp tỉnh được nhập",
                req.kind.code()
            ),
            format!(
                "\"{}\" files are province-level: only a province admin imports them",
                req.kind.code()
            ),
        );
        return refuse(db, caller, rec, problem, None, None).await;
    }
    let bytes = req.bytes.clone();
    let (table, layout, rows, mut errors) =
        match read_and_parse(bytes, req.kind, req.encoding, bounds).await {
            Ok(parsed) => parsed,
            Err(problem) => return refuse(db, caller, rec, problem, None, None).await,
        };
    rec.rows = rows.len();
    let complete = req.complete.then_some(req.day);
    if req.dry_run {
        let (counts, samples, _) = plan(
            db,
            &caller.scope,
            req.kind,
            &rows,
            &layout,
            &mut errors,
            complete,
            false,
        )
        .await?;
        if errors.any() {
            return refuse(
                db,
                caller,
                rec,
                invalid_rows(errors.count),
                Some(errors),
                Some(table),
            )
            .await;
        }
        rec.counts = counts;
        rec.outcome = "dry_run".into();
        let id = record::insert(db, &rec, None).await?;
        audit::record(db, rec.audit(caller)).await?;
        return Ok(Outcome::Done(Box::new(report(
            &req, &rec, &table, id, counts, samples, sha256,
        ))));
    }
    let txn = service::begin(db).await?;
    let (counts, samples, touched) = plan(
        &txn,
        &caller.scope,
        req.kind,
        &rows,
        &layout,
        &mut errors,
        complete,
        true,
    )
    .await?;
    if errors.any() {
        txn.rollback().await?;
        return refuse(
            db,
            caller,
            rec,
            invalid_rows(errors.count),
            Some(errors),
            Some(table),
        )
        .await;
    }
    let units: Vec<Option<&str>> = touched.iter().map(Option::as_deref).collect();
    if !units.is_empty() {
        service::version::touch(&txn, &units).await?;
    }
    rec.counts = counts;
    rec.outcome = "ok".into();
    let id = record::insert(&txn, &rec, Some(req.bytes.clone())).await?;
    record::drop_old_files(&txn, bounds.keep_days).await?;
    audit::record(&txn, rec.audit(caller)).await?;
    service::commit(txn).await?;
    if counts.created + counts.updated + counts.ended >= STATISTICS_AFTER_ROWS {
        let db = db.clone();
        tokio::spawn(async move { crate::db::refresh_statistics(&db).await });
    }
    Ok(Outcome::Done(Box::new(report(
        &req, &rec, &table, id, counts, samples, sha256,
    ))))
}

fn invalid_rows(count: usize) -> Problem {
    Problem::new(
        "IMPORT_INVALID_ROWS",
        format!("{count} lỗi trong tệp; không có dữ liệu nào được ghi"),
        format!("{count} error(s) in the file; nothing was written"),
    )
}

fn report(
    req: &Request,
    rec: &record::Draft,
    table: &Table,
    import_id: i32,
    counts: Counts,
    samples: Samples,
    sha256: String,
) -> Report {
    Report {
        import_id,
        kind: req.kind.code(),
        file_name: req.file_name.clone(),
        sha256,
        format: table.format,
        encoding: table.encoding.map(|e| match e {
            Encoding::Utf8 => "utf-8",
            Encoding::Cp1258 => "cp1258",
        }),
        dry_run: req.dry_run,
        complete: req.complete,
        day: req.day,
        rows: rec.rows,
        summary: summary(&counts, req.complete),
        counts,
        samples,
    }
}

async fn refuse(
    db: &DatabaseConnection,
    caller: &Caller,
    mut rec: record::Draft,
    problem: Problem,
    errors: Option<errors::Errors>,
    table: Option<Table>,
) -> Result<Outcome> {
    let (list, count) = errors.map_or((Vec::new(), 0), |e| (e.list, e.count));
    rec.outcome = problem.code.to_owned();
    rec.error_count = count;
    let id = record::insert(db, &rec, None).await?;
    audit::record(db, rec.audit(caller)).await?;
    Ok(Outcome::Refused(Box::new(Refusal {
        import_id: Some(id),
        problem,
        errors: list,
        error_count: count,
        table,
    })))
}
