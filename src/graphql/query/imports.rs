//! `imports`: the record of spreadsheet imports (`POST /imports`, `coso import`), newest
//! first; admins only, an area admin its own area's.

use async_graphql::{ComplexObject, Context, ID, Object, Result, SimpleObject};

use crate::graphql::node::{Kind, global};
use chrono::{DateTime, Utc};

use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::graphql::guards::AdminGuard;
use crate::intake::record::{self, Listed};

/// Most records one `imports` query returns.
const MAX_IMPORTS: i32 = 200;

/// One spreadsheet import (the file's bytes stay on the server).
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ImportRecord {
    /// Record id (increasing).
    pub db_id: i32,
    /// When.
    pub at: DateTime<Utc>,
    /// The token (null for the command line).
    pub token_id: Option<i32>,
    /// The token's name.
    pub token_name: String,
    /// The caller's area, when limited to one.
    pub area_code: Option<String>,
    /// `officers`, `seats`, `headquarters`, ...
    pub kind: String,
    /// The file's name, as sent.
    pub file_name: String,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// Size of the file.
    pub size_bytes: i64,
    /// A dry run (nothing written).
    pub dry_run: bool,
    /// The file was declared complete (missing records ended).
    pub complete: bool,
    /// Data rows read.
    pub rows: i32,
    /// Records created.
    pub created: i32,
    /// Records updated.
    pub updated: i32,
    /// Records the file held unchanged.
    pub unchanged: i32,
    /// Records ended.
    pub ended: i32,
    /// Row errors.
    pub error_count: i32,
    /// `ok`, `dry_run` or the stable error code.
    pub outcome: String,
}

#[ComplexObject]
impl ImportRecord {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::ImportRecord, self.db_id)
    }
}

impl From<Listed> for ImportRecord {
    fn from(r: Listed) -> Self {
        Self {
            db_id: r.id,
            at: r.at,
            token_id: r.token_id,
            token_name: r.token_name,
            area_code: r.area_code,
            kind: r.kind,
            file_name: r.file_name,
            sha256: r.sha256,
            size_bytes: r.size_bytes,
            dry_run: r.dry_run,
            complete: r.complete,
            rows: r.rows,
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            ended: r.ended,
            error_count: r.error_count,
            outcome: r.outcome,
        }
    }
}

/// Import queries.
#[derive(Default)]
pub struct ImportQuery;

#[Object]
impl ImportQuery {
    /// The latest spreadsheet imports (at most 200), newest first: every one for a
    /// province admin, an area admin's area's own.
    #[graphql(
        guard = "AdminGuard",
        complexity = "i64::from(limit.unwrap_or(50).clamp(1, 200)) as usize * child_complexity"
    )]
    async fn imports(&self, ctx: &Context<'_>, limit: Option<i32>) -> Result<Vec<ImportRecord>> {
        let limit = limit.unwrap_or(50).clamp(1, MAX_IMPORTS);
        let rows = record::list(ctx.db(), ctx.scope(), limit as u64)
            .await
            .gql()?;
        Ok(rows.into_iter().map(ImportRecord::from).collect())
    }
}
