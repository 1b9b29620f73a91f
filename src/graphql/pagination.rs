//! Relay cursor pagination for every list query: `first`/`after`, `edges { cursor node }`,
//! `pageInfo`, and a `totalCount` that runs its COUNT statement only when selected.
//! Cursors are opaque (base64 of the row's position in the stable order).

use std::sync::Arc;

use async_graphql::connection::{Connection, CursorType, Edge, EmptyFields, OpaqueCursor};
use async_graphql::{Context, Object, OutputType, Result};
use futures_util::future::BoxFuture;
use sea_orm::{EntityTrait, Select};

use super::context::Ctx;
use super::error::{GqlResult, coded};
use crate::service::page::{self, PageRequest};

/// Page size when `first` is not given.
pub const DEFAULT_PAGE_SIZE: u64 = 50;

/// The cost of a list field for the complexity limit: its page size times its children.
pub fn cost(first: Option<i32>, child_complexity: usize) -> usize {
    let size = first.map_or(DEFAULT_PAGE_SIZE as usize, |n| n.max(1) as usize);
    size.saturating_mul(child_complexity.max(1))
}

type CountFn = Arc<dyn Fn() -> BoxFuture<'static, crate::service::Result<u64>> + Send + Sync>;

/// The lazily computed `totalCount` of a connection.
pub struct TotalCount(CountFn);

#[Object]
impl TotalCount {
    /// Number of rows matching the filters (all pages); computed only when selected.
    async fn total_count(&self) -> Result<u64> {
        (self.0)().await.gql()
    }
}

/// A page of `N` as a Relay connection.
pub type Page<N> = Connection<OpaqueCursor<u64>, N, TotalCount, EmptyFields>;

/// Runs `select` for the page `first`/`after` describes and wraps the rows.
pub async fn connection<E, N>(
    ctx: &Context<'_>,
    select: Select<E>,
    first: Option<i32>,
    after: Option<String>,
    node: impl Fn(E::Model) -> N,
) -> Result<Page<N>>
where
    E: EntityTrait,
    E::Model: Sync,
    N: OutputType,
{
    let request = page_request(ctx, first, after)?;
    let rows = page::fetch(ctx.db(), select.clone(), request).await.gql()?;
    let db = ctx.db().clone();
    let count: CountFn = Arc::new(move || {
        let (db, select) = (db.clone(), select.clone());
        Box::pin(async move { page::count(&db, select).await })
    });
    let mut conn =
        Connection::with_additional_fields(request.offset > 0, rows.has_next, TotalCount(count));
    conn.edges.extend(
        rows.rows
            .into_iter()
            .enumerate()
            .map(|(i, row)| Edge::new(OpaqueCursor(request.offset + i as u64), node(row))),
    );
    Ok(conn)
}

fn page_request(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<String>,
) -> Result<PageRequest> {
    let max = ctx.limits().max_page_size;
    let limit = match first {
        None => DEFAULT_PAGE_SIZE.min(max),
        Some(n) if n >= 0 && (n as u64) <= max => n as u64,
        Some(_) => {
            return Err(coded(
                "INVALID_INPUT",
                format!("first: must be between 0 and {max}"),
            ));
        }
    };
    let offset = match after {
        None => 0,
        Some(c) => match OpaqueCursor::<u64>::decode_cursor(&c) {
            Ok(pos) => pos.0 + 1,
            Err(_) => {
                return Err(coded(
                    "INVALID_CURSOR",
                    "after: not a cursor this server made",
                ));
            }
        },
    };
    Ok(PageRequest { offset, limit })
}
