//! The record of each import (`import_record`): who sent which file, its hash, the
//! flags, what it changed and its outcome; the bytes of an applied file are kept. Also
//! the audit row of the import, and the listing behind the `imports` query.

use chrono::Utc;
use entity::import_record;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder, QuerySelect,
};
use serde_json::json;

use super::{Caller, Counts, Request};
use crate::auth::Scope;
use crate::service::{Result, audit};

/// An import record being filled in.
#[derive(Clone, Debug)]
pub struct Draft {
    token_id: Option<i32>,
    token_name: String,
    area_code: Option<String>,
    kind: &'static str,
    file_name: String,
    sha256: String,
    size_bytes: i64,
    dry_run: bool,
    complete: bool,
    day: chrono::NaiveDate,
    /// Data rows read.
    pub rows: usize,
    /// What changed.
    pub counts: Counts,
    /// Row errors.
    pub error_count: usize,
    /// `ok`, `dry_run` or the code.
    pub outcome: String,
}

impl Draft {
    /// A draft for `req` by `caller`.
    pub fn new(caller: &Caller, req: &Request, sha256: &str) -> Self {
        Self {
            token_id: caller.entry.token_id,
            token_name: caller.entry.token_name.clone(),
            area_code: caller.scope.area.clone(),
            kind: req.kind.code(),
            file_name: req.file_name.chars().take(255).collect(),
            sha256: sha256.to_owned(),
            size_bytes: req.bytes.len() as i64,
            dry_run: req.dry_run,
            complete: req.complete,
            day: req.day,
            rows: 0,
            counts: Counts::default(),
            error_count: 0,
            outcome: String::new(),
        }
    }

    /// The audit row of the import.
    pub fn audit(&self, caller: &Caller) -> audit::Entry {
        let mut entry = caller.entry.clone();
        entry.kind = "mutation";
        entry.operation = "import".into();
        entry.arguments = json!({
            "kind": self.kind,
            "fileName": self.file_name,
            "sha256": self.sha256,
            "dryRun": self.dry_run,
            "complete": self.complete,
            "day": self.day,
            "rows": self.rows,
            "counts": self.counts,
            "errors": self.error_count,
        });
        entry.outcome(if self.outcome == "dry_run" {
            "ok"
        } else {
            &self.outcome
        })
    }
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Stores the record (with the file's bytes when given); returns its id.
pub async fn insert(db: &impl ConnectionTrait, d: &Draft, file: Option<Vec<u8>>) -> Result<i32> {
    let row = import_record::ActiveModel {
        at: Set(Utc::now()),
        token_id: Set(d.token_id),
        token_name: Set(d.token_name.clone()),
        area_code: Set(d.area_code.clone()),
        kind: Set(d.kind.to_owned()),
        file_name: Set(d.file_name.clone()),
        sha256: Set(d.sha256.clone()),
        size_bytes: Set(d.size_bytes),
        dry_run: Set(d.dry_run),
        complete: Set(d.complete),
        rows: Set(count(d.rows)),
        created: Set(count(d.counts.created)),
        updated: Set(count(d.counts.updated)),
        unchanged: Set(count(d.counts.unchanged)),
        ended: Set(count(d.counts.ended)),
        error_count: Set(count(d.error_count)),
        outcome: Set(d.outcome.clone()),
        file: Set(file),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Drops the stored bytes of applied files older than `keep_days` (0: keeps them all);
/// their records stay, and `GET /imports/files/{id}` answers 404 for them. Run by each
/// applied import, in its transaction. Returns how many files were dropped.
pub async fn drop_old_files(db: &impl ConnectionTrait, keep_days: u32) -> Result<u64> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};
    if keep_days == 0 {
        return Ok(0);
    }
    let before = Utc::now() - chrono::Duration::days(i64::from(keep_days));
    let done = import_record::Entity::update_many()
        .col_expr(
            import_record::Column::File,
            Expr::value(Option::<Vec<u8>>::None),
        )
        .filter(import_record::Column::At.lt(before))
        .filter(import_record::Column::File.is_not_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// An import record without the file's bytes (what the `imports` query lists).
#[derive(Clone, Debug, sea_orm::FromQueryResult)]
pub struct Listed {
    pub id: i32,
    pub at: chrono::DateTime<Utc>,
    pub token_id: Option<i32>,
    pub token_name: String,
    pub area_code: Option<String>,
    pub kind: String,
    pub file_name: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub dry_run: bool,
    pub complete: bool,
    pub rows: i32,
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub ended: i32,
    pub error_count: i32,
    pub outcome: String,
}

/// The latest `limit` imports, newest first, without the files' bytes: all for a
/// province admin, an area's own for an area admin.
pub async fn list(db: &impl ConnectionTrait, scope: &Scope, limit: u64) -> Result<Vec<Listed>> {
    use import_record::Column as C;
    let mut select = import_record::Entity::find()
        .select_only()
        .columns([
            C::Id,
            C::At,
            C::TokenId,
            C::TokenName,
            C::AreaCode,
            C::Kind,
            C::FileName,
            C::Sha256,
            C::SizeBytes,
            C::DryRun,
            C::Complete,
            C::Rows,
            C::Created,
            C::Updated,
            C::Unchanged,
            C::Ended,
            C::ErrorCount,
            C::Outcome,
        ])
        .order_by_desc(C::Id)
        .limit(limit);
    select = crate::service::scope::apply(select, scope);
    Ok(select.into_model::<Listed>().all(db).await?)
}
