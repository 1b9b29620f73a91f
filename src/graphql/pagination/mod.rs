//! Relay cursor pagination for every list query: `first`/`after`, `edges { cursor node }`,
//! `pageInfo`, and a `totalCount` that runs its COUNT statement only when selected.
//! Cursors are opaque keys of the last row seen (keyset pagination, see [`cursor`]).

mod cursor;

pub use cursor::RowCursor;

use std::sync::Arc;

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{Context, Object, OutputType, Result};
use futures_util::future::BoxFuture;
use sea_orm::EntityTrait;

use super::carry::Carry;
use super::context::Ctx;
use super::error::{GqlResult, coded};
use crate::service::keyset::Listing;
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
pub type Page<N> = Connection<RowCursor, N, TotalCount, EmptyFields>;

/// Runs `listing` for the page `first`/`after` describes and wraps the rows.
pub async fn connection<E, N>(
    ctx: &Context<'_>,
    listing: Listing<E>,
    first: Option<i32>,
    after: Option<String>,
    node: impl Fn(E::Model) -> N,
) -> Result<Page<N>>
where
    E: EntityTrait,
    E::Model: Sync,
    N: OutputType,
{
    connection_carrying(ctx, listing, first, after, node, Carry::none()).await
}

/// [`connection`] whose page's statement carries rows for its nodes' nested fields
/// (`carry`, chosen from the selection), fed to the loader before the nodes resolve.
pub async fn connection_carrying<E, N>(
    ctx: &Context<'_>,
    listing: Listing<E>,
    first: Option<i32>,
    after: Option<String>,
    node: impl Fn(E::Model) -> N,
    mut carry: Carry<E::Model>,
) -> Result<Page<N>>
where
    E: EntityTrait,
    E::Model: Sync,
    N: OutputType,
{
    let request = page_request(ctx, &listing, first, after)?;
    let has_previous = request.after.is_some();
    let rows = if carry.is_empty() {
        page::fetch(ctx.db(), &listing, request).await.gql()?
    } else {
        let page = page::fetch_carrying(ctx.db(), &listing, request, carry.take_columns())
            .await
            .gql()?;
        carry.feed(ctx, &page.rows).await?;
        page::Page {
            rows: page.rows.into_iter().map(|r| r.row).collect(),
            has_next: page.has_next,
        }
    };
    let mut edges = Vec::with_capacity(rows.rows.len());
    let order: Arc<str> = Arc::from(listing.order.as_str());
    for row in rows.rows {
        let key = listing.key_of(&row).ok_or_else(|| {
            tracing::error!(list = listing.list, "a row's sort key has no cursor form");
            coded("INTERNAL", "internal error")
        })?;
        let cursor = RowCursor::of_row(listing.list, order.clone(), key);
        edges.push(Edge::new(cursor, node(row)));
    }
    let db = ctx.db().clone();
    let select = listing.select;
    let count: CountFn = Arc::new(move || {
        let (db, select) = (db.clone(), select.clone());
        Box::pin(async move { page::count(&db, select).await })
    });
    let mut conn =
        Connection::with_additional_fields(has_previous, rows.has_next, TotalCount(count));
    conn.edges = edges;
    Ok(conn)
}

fn page_request<E: EntityTrait>(
    ctx: &Context<'_>,
    listing: &Listing<E>,
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
    let after = match after {
        None => None,
        Some(c) => Some(cursor::decode(listing, &c).ok_or_else(|| {
            coded(
                "INVALID_CURSOR",
                format!(
                    "after: not a cursor of `{}` in this order (cursors come from `endCursor` or `edges.cursor` of the same list and orderBy)",
                    listing.list
                ),
            )
        })?),
    };
    Ok(PageRequest { after, limit })
}
