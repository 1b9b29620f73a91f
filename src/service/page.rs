//! Pages and sorting shared by every list query: a page is "the rows after this key"
//! and a limit (keyset pagination, see [`super::keyset`]; the API wraps the key in an
//! opaque cursor), and every sort ends with the primary key so that the order is stable.

use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, IdenStatic, Iterable,
    Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Statement,
};

use super::Result;
use super::carry::{self, Carried};
use super::keyset::{Key, Listing};

/// Which slice of a list to return.
#[derive(Clone, Debug)]
pub struct PageRequest {
    /// The key of the row the page starts after (checked by [`Listing::parse_key`]).
    pub after: Option<Key>,
    /// Rows to return.
    pub limit: u64,
}

/// One page of rows and whether more follow.
pub struct Page<M> {
    /// The rows.
    pub rows: Vec<M>,
    /// Whether rows follow this page.
    pub has_next: bool,
}

/// Sort direction.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum SortDirection {
    /// Ascending.
    #[default]
    Asc,
    /// Descending.
    Desc,
}

impl SortDirection {
    /// The sea-orm order.
    pub fn order(self) -> Order {
        match self {
            Self::Asc => Order::Asc,
            Self::Desc => Order::Desc,
        }
    }
}

/// An inclusive range of dates; either end may be open.
#[derive(Clone, Copy, Debug, Default)]
pub struct DateRange {
    /// First day included.
    pub from: Option<NaiveDate>,
    /// Last day included.
    pub to: Option<NaiveDate>,
}

/// An inclusive range of integers; either end may be open.
#[derive(Clone, Copy, Debug, Default)]
pub struct IntRange {
    /// Smallest value included.
    pub min: Option<i64>,
    /// Largest value included.
    pub max: Option<i64>,
}

/// Applies an optional date range to a column.
pub fn date_range<E: EntityTrait, C: ColumnTrait>(
    select: Select<E>,
    col: C,
    range: Option<DateRange>,
) -> Select<E> {
    let Some(r) = range else { return select };
    select
        .apply_if(r.from, |s, d| s.filter(col.gte(d)))
        .apply_if(r.to, |s, d| s.filter(col.lte(d)))
}

/// Applies an optional integer range to a column.
pub fn int_range<E: EntityTrait, C: ColumnTrait>(
    select: Select<E>,
    col: C,
    range: Option<IntRange>,
) -> Select<E> {
    let Some(r) = range else { return select };
    select
        .apply_if(r.min, |s, v| s.filter(col.gte(v)))
        .apply_if(r.max, |s, v| s.filter(col.lte(v)))
}

/// Applies `col = v` and `col IN (vs)` filters for an optional value and list.
pub fn eq_in<E: EntityTrait, C: ColumnTrait, V: Into<sea_orm::Value> + Clone>(
    select: Select<E>,
    col: C,
    one: Option<V>,
    many: Option<Vec<V>>,
) -> Select<E> {
    select
        .apply_if(one, |s, v| s.filter(col.eq(v)))
        .apply_if(many, |s, vs| s.filter(col.is_in(vs)))
}

/// Sorts by `col` then by the tie-breaking primary key `pk`.
pub fn sorted<E: EntityTrait, C: ColumnTrait, P: ColumnTrait>(
    select: Select<E>,
    col: C,
    direction: SortDirection,
    pk: P,
) -> Select<E> {
    select
        .order_by(col, direction.order())
        .order_by(pk, direction.order())
}

/// Fetches one page (one statement: asks for one row more than the limit).
///
/// The page size is written into the statement as a literal, not bound as a parameter:
/// with `LIMIT $n`, PostgreSQL's generic plan of the prepared statement cannot know how
/// few rows are asked, prices it above the custom plans, and so plans the statement
/// again on every execution (the national district list: 0.70 ms of the database's CPU
/// a page, 0.35 with one plan). A literal lets it keep one plan per page size; each size
/// is a statement of its own in the connection's statement cache, which sqlx bounds
/// (the oldest is closed), so a client cycling through sizes costs plans, not memory.
pub async fn fetch<E: EntityTrait>(
    db: &impl ConnectionTrait,
    listing: &Listing<E>,
    page: PageRequest,
) -> Result<Page<E::Model>> {
    let select = page_select(listing, &page);
    let statement = limited(select.build(db.get_database_backend()), page.limit);
    let rows = select.from_raw_sql(statement).all(db).await?;
    Ok(Page::of(rows, page.limit))
}

/// A row of a page with the text of each carried column (see [`super::carry`]), in the
/// order they were asked.
pub struct CarryingRow<M> {
    /// The row.
    pub row: M,
    /// Each carried column's JSON text (None: NULL).
    pub carried: Vec<Option<String>>,
}

/// A text column of a page's table that the page leaves out, because no field the
/// query asks for reads it (a question's text, a building's address, the folded search
/// columns no field reads): the statement selects an empty text in its place, or NULL
/// where the column may be NULL, so the row still decodes into the model. Chosen from the
/// selection by `graphql::carry`; never the sort or primary key column (the cursor reads
/// them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeftOut {
    /// The column's name.
    pub column: &'static str,
    /// Whether the column may be NULL (then NULL stands in, else `''`).
    pub nullable: bool,
}

/// Fetches one page like [`fetch`], its statement carrying `carried` columns beside the
/// row's own and leaving out the `left_out` ones (one statement still).
pub async fn fetch_carrying<E: EntityTrait>(
    db: &impl ConnectionTrait,
    listing: &Listing<E>,
    page: PageRequest,
    (carried, left_out): (Vec<Carried>, Vec<LeftOut>),
) -> Result<Page<CarryingRow<E::Model>>> {
    let mut select = page_select(listing, &page);
    let backend = db.get_database_backend();
    let kept = |c: &str| c == listing.sort.as_str() || c == listing.pk.as_str();
    let left_out: Vec<&LeftOut> = left_out.iter().filter(|l| !kept(l.column)).collect();
    if !left_out.is_empty() {
        select = select.select_only();
        for c in E::Column::iter() {
            select = match left_out.iter().find(|l| l.column == c.as_str()) {
                Some(l) if l.nullable => select.expr_as(Expr::cust("NULL"), c.as_str()),
                Some(_) => select.expr_as(Expr::cust("''"), c.as_str()),
                None => select.column(c),
            };
        }
    }
    // A page in primary key order: rows sharing a carried key carry it once a run, on
    // PostgreSQL, whose window streams over the ordered rows. SQLite copies every row
    // of the page into a temporary table for the window, its long texts included: a page
    // of 71 dialogue questions took 0.51 ms with it and 0.32 ms without (Python's
    // sqlite3, the same statement), and the bench's CPU per request fell with it (union
    // activities 1.44 → 1.22× the floor, dialogue questions 1.57 → 1.33×), while on
    // PostgreSQL it saves 100 officers' page about a sixth (0.84 against 1.00×).
    let by_pk = listing.sort.as_str() == listing.pk.as_str() && backend == DbBackend::Postgres;
    let aliases: Vec<&'static str> = carried.iter().map(|c| c.alias).collect();
    for c in carried {
        let expr = match c.key.is_empty() || !by_pk {
            true => c.expr,
            false => carry::once_per_run(c.expr, &c.key, listing.pk.as_str(), listing.direction),
        };
        select = select.expr_as(expr, c.alias);
    }
    let statement = limited(select.build(backend), page.limit);
    let results = db.query_all_raw(statement).await?;
    let mut rows = Vec::with_capacity(results.len());
    for r in &results {
        let row = E::Model::from_query_result(r, "")?;
        let carried = aliases
            .iter()
            .map(|alias| r.try_get::<Option<String>>("", alias))
            .collect::<std::result::Result<_, _>>()?;
        rows.push(CarryingRow { row, carried });
    }
    Ok(Page::of(rows, page.limit))
}

impl<M> Page<M> {
    /// The page of `limit` rows from the `limit + 1` a page statement asked for.
    fn of(mut rows: Vec<M>, limit: u64) -> Self {
        let has_next = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        Page { rows, has_next }
    }
}

/// The page's select: the listing after the page's key, or from its start.
fn page_select<E: EntityTrait>(listing: &Listing<E>, page: &PageRequest) -> Select<E> {
    match &page.after {
        Some(key) => listing.after(key),
        None => listing.ordered(),
    }
}

/// The page's statement asking for one row more than `limit`, written as a literal (see
/// [`fetch`]).
fn limited(mut statement: Statement, limit: u64) -> Statement {
    use std::fmt::Write;
    // writing to a `String` cannot fail
    let _ = write!(statement.sql, " LIMIT {}", limit + 1);
    statement
}

/// Counts the rows a query would return (one statement).
pub async fn count<E: EntityTrait>(db: &impl ConnectionTrait, select: Select<E>) -> Result<u64>
where
    E::Model: Sync,
{
    Ok(select.count(db).await?)
}
