//! Nested rows carried by a page's own statement. A nested field (a building's `unit`,
//! the unit's `district`) is answered from a DataLoader, and each loader batch is a
//! statement of its own. When the selection asks for such a field, the page's statement
//! can instead carry, for each row, the rows that batch would have fetched for the row's
//! key: a correlated subquery per nested table building them into one JSON text column
//! (`json_array` on SQLite, `json_build_array` on PostgreSQL), filtered by the nested
//! table's own scope rule ([`scope::condition`], the same as the loader's statement), so
//! scoping stays in SQL. A list (a unit's buildings, its officers' ranks) is aggregated
//! here (`json_group_array` / `json_agg`); one row (a record's unit on its day with its
//! district, a record's officer or session, a unit's district) is [`row`]'s. A scalar
//! subquery in the select list runs for the page's rows alone, after its `ORDER BY` and
//! `LIMIT` (SQLite evaluates it for output rows; PostgreSQL's plan computes it above the
//! sort).
//!
//! JSON rather than joined columns: decoding a joined row through sqlx and sea-orm
//! (a copy of every value, a column name formatted and looked up per value, dates parsed
//! with a format string) cost 22,000 instructions a row against about 7,000 for serde
//! reading the same row from a JSON array (callgrind, 100 committee seats with their
//! unit and officer).
//!
//! Data flow: the GraphQL list resolver chooses what to carry from its selection
//! (`graphql::carry`), [`super::page::fetch_carrying`] runs the page with these columns,
//! [`rows`] and [`row::one`] decode a column, and the resolver feeds the loader's cache:
//! the nested fields then find their rows there and cost no statement.

pub mod row;

use entity::{headquarters, officer, unit_period};
use sea_orm::sea_query::{
    Alias, Condition, Expr, ExprTrait, Func, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{DbBackend, EntityTrait, IdenStatic, Iterable};
use serde::de::DeserializeOwned;

use super::page::{LeftOut, SortDirection};
use super::{Result, ServiceError, officers, scope};
use crate::auth::Scope;

/// One carried column: its alias in the page's statement and its expression.
#[derive(Clone, Debug)]
pub struct Carried {
    /// The column's alias (unique in the statement).
    pub alias: &'static str,
    /// The correlated subquery.
    pub expr: SimpleExpr,
    /// The page row's columns (table and column names) the subquery depends on alone,
    /// when it names them: rows that share them carry the same text, so
    /// [`once_per_run`] may leave it to the first.
    pub key: Vec<Column>,
}

/// `expr` on the first row of each run of rows with the same `key` columns in the
/// page's order (by its primary key `pk`, a column of the key's table, in `direction`),
/// NULL on the others. A page of officers by id names a few units one after the other
/// (100 officers of the demo: 7), and SQLite and PostgreSQL run a correlated subquery
/// for every row: this runs it once a run. The reader takes a NULL after a row of the
/// same key as "the same as that row"; were a run split, its key would still be carried
/// by its first row, so the answer does not depend on it. PostgreSQL's pages only
/// (`page::fetch_carrying`): SQLite's window copies every row of the page into a
/// temporary table first, which cost more than the subqueries it saved.
pub fn once_per_run(
    expr: SimpleExpr,
    key: &[Column],
    pk: &'static str,
    direction: SortDirection,
) -> SimpleExpr {
    let direction = match direction {
        SortDirection::Asc => "ASC",
        SortDirection::Desc => "DESC",
    };
    let mut same = Condition::all();
    for (table, column) in key {
        // identifiers from the entities' definitions, quoted alike by SQLite and
        // PostgreSQL; `IS NOT DISTINCT FROM`: a NULL end date equals a NULL
        same = same.add(Expr::cust(format!(
            "\"{table}\".\"{column}\" IS NOT DISTINCT FROM \
             LAG(\"{table}\".\"{column}\") OVER (ORDER BY \"{table}\".\"{pk}\" {direction})"
        )));
    }
    SimpleExpr::Case(Box::new(Expr::case(same, Expr::null()).finally(expr)))
}

/// A column of the page's table: table and column names, from an entity's definition.
pub type Column = (&'static str, &'static str);

/// `columns` of `E` (every column when none), as a JSON array per row in that order,
/// aggregated into one JSON array (text) over the rows `select` finds. serde decodes a
/// struct from an array of its fields in order, so a row decodes into `E::Model` (whose
/// field order `E::Column::iter()` follows) or into a struct of those columns; arrays,
/// not objects, because SQLite spends a third less building them (no key text per
/// value).
fn aggregated<E: EntityTrait>(
    backend: DbBackend,
    select: SelectStatement,
    columns: &[E::Column],
) -> SimpleExpr {
    let values = columns_of::<E>(columns);
    let aggregate = match backend {
        DbBackend::Postgres => "json_agg",
        _ => "json_group_array",
    };
    let rows = Func::cust(Alias::new(aggregate)).arg(json_array(backend, values));
    scalar(select, text(backend, rows.into()))
}

/// `json_array(args)` (SQLite) / `json_build_array(args)` (PostgreSQL, a `json` value).
fn json_array(backend: DbBackend, args: Vec<SimpleExpr>) -> SimpleExpr {
    let name = match backend {
        DbBackend::Postgres => "json_build_array",
        _ => "json_array",
    };
    Func::cust(Alias::new(name)).args(args).into()
}

/// A JSON value as text (PostgreSQL's `json` cast; SQLite's are text already).
fn text(backend: DbBackend, json: SimpleExpr) -> SimpleExpr {
    match backend {
        DbBackend::Postgres => Func::cast_as(json, Alias::new("TEXT")).into(),
        _ => json,
    }
}

/// `columns` of `E` in that order, or every column in the model's field order when none
/// (serde decodes the model, or a struct of those columns, from an array of them).
fn columns_of<E: EntityTrait>(columns: &[E::Column]) -> Vec<SimpleExpr> {
    let column = |c: E::Column| Expr::col((E::default(), c));
    match columns.is_empty() {
        true => E::Column::iter().map(column).collect(),
        false => columns.iter().copied().map(column).collect(),
    }
}

/// Every column of `E` in the model's field order, those `left_out` as `''` (NULL when
/// nullable), as a page leaves them out (`page::LeftOut`): the row still decodes into
/// `E::Model`.
fn columns_leaving_out<E: EntityTrait>(left_out: &[LeftOut]) -> Vec<SimpleExpr> {
    E::Column::iter()
        .map(|c| match left_out.iter().find(|l| l.column == c.as_str()) {
            Some(l) if l.nullable => Expr::null(),
            Some(_) => Expr::val(""),
            None => Expr::col((E::default(), c)),
        })
        .collect()
}

/// The scalar subquery `select` with `value` as its column.
fn scalar(mut select: SelectStatement, value: SimpleExpr) -> SimpleExpr {
    select.expr(value);
    SimpleExpr::SubQuery(None, Box::new(select.into()))
}

/// The column `alias` carrying `columns` of the rows of `E` that `select` finds and the
/// scope may see (the table's rule, as the loader applies it).
fn carried<E: scope::Scoped>(
    backend: DbBackend,
    scope: &Scope,
    alias: &'static str,
    mut select: SelectStatement,
    columns: &[E::Column],
) -> Carried {
    if let Some(condition) = scope::condition::<E>(scope) {
        select.cond_where(condition);
    }
    Carried {
        alias,
        expr: aggregated::<E>(backend, select, columns),
        key: Vec::new(),
    }
}

/// The unit code column of the enclosing statement's `unit_period` row (a page of units).
fn period_code() -> SimpleExpr {
    Expr::col((unit_period::Entity, unit_period::Column::Code))
}

/// For a page of units: the officers in post in each (`officers::in_post_in_period`),
/// read for their rank alone (`officers::RANKED_COLUMNS`), chiefs only when `chiefs`:
/// the rows of `OfficerRanksOfUnit` and `ChiefRankOfUnit`, in no order.
pub fn officer_ranks_of_unit(
    backend: DbBackend,
    scope: &Scope,
    alias: &'static str,
    chiefs: bool,
) -> Carried {
    let mut select = Query::select();
    select
        .from(officer::Entity)
        .and_where(Expr::col((officer::Entity, officer::Column::UnitCode)).eq(period_code()))
        .cond_where(officers::in_post_in_period());
    if chiefs {
        select.and_where(officers::chief_condition());
    }
    carried::<officer::Entity>(backend, scope, alias, select, &officers::RANKED_COLUMNS)
}

/// For a page of units: the buildings each holds (`headquarters::held_in_period`), the
/// rows of `HeadquartersOfUnit` (every column), or of `HeadquartersStatusOfUnit`
/// (`columns`: `headquarters::STATUS_COLUMNS`), in no order.
pub fn headquarters_of_unit(
    backend: DbBackend,
    scope: &Scope,
    alias: &'static str,
    columns: &[headquarters::Column],
) -> Carried {
    let mut select = Query::select();
    select
        .from(headquarters::Entity)
        .and_where(
            Expr::col((headquarters::Entity, headquarters::Column::UnitCode)).eq(period_code()),
        )
        .cond_where(super::headquarters::held_in_period());
    carried::<headquarters::Entity>(backend, scope, alias, select, columns)
}

/// Decodes a carried column: the rows, none for a NULL (PostgreSQL's `json_agg` over no
/// rows). A column that does not decode is an internal error (the statement and the
/// model disagree), reported without its text.
pub fn rows<M: DeserializeOwned>(text: Option<&str>) -> Result<Vec<M>> {
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    serde_json::from_str(text).map_err(|e| {
        tracing::error!(error = %e, "a carried column does not decode");
        ServiceError::Internal("a carried column does not decode".into())
    })
}
