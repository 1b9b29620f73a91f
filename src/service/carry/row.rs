//! One nested row carried by a page row (see [`super`]): a record's unit on its day
//! (with that unit's district), a record's officer or dialogue session, a unit's
//! district. Each is a scalar subquery building the row as a JSON array, NULL when there
//! is none the scope can see.

use chrono::NaiveDate;
use entity::{district, unit_period};
use sea_orm::DbBackend;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Order, Query, SelectStatement, SimpleExpr};
use serde::de::DeserializeOwned;

use super::{Carried, Column, columns_leaving_out, columns_of, json_array, scalar, text};
use crate::auth::Scope;
use crate::service::page::LeftOut;
use crate::service::{Result, ServiceError, scope};

/// The day a record's unit is taken on (the code's period in force that day, as
/// `units::period_on` chooses it), as the record's type declares it.
#[derive(Clone, Copy, Debug)]
pub enum RecordDay<C> {
    /// The date in this column (an award's, a question's).
    On(C),
    /// The record's last day: the day before the end date in this column, or today when
    /// that is earlier or the record still holds (`units::day_until`).
    Until(C),
}

/// `table.column` as an expression.
fn column((table, column): Column) -> SimpleExpr {
    Expr::col((Alias::new(table), Alias::new(column)))
}

/// The period of the unit whose code is in `code` (a column of the page's table) that a
/// record takes on its `day`, among those the scope can see: the latest to start by
/// that day, else the code's first (`units::period_on`, what `PeriodOn` loads), as
/// `[period, district]`: the period's columns, and the district the scope can see whose
/// code it holds (`DistrictByCode`; null when there is none, or when not `with_district`).
/// The period's `unread` columns (no field reads them) stand as `''` or NULL.
/// NULL when the scope sees no period of the code (or, in primary key order on
/// PostgreSQL, when the row before has the same code and day column:
/// [`super::once_per_run`]).
pub fn unit_on_day(
    backend: DbBackend,
    scope: &Scope,
    alias: &'static str,
    (code, day): (Column, RecordDay<Column>),
    today: NaiveDate,
    (with_district, unread): (bool, &[LeftOut]),
) -> Carried {
    use unit_period::Column as P;
    let district = match with_district {
        true => {
            let mut select = Query::select();
            select.from(district::Entity).and_where(
                Expr::col((district::Entity, district::Column::Code))
                    .equals((unit_period::Entity, P::DistrictCode)),
            );
            let json = json_array(backend, columns_of::<district::Entity>(&[]));
            let value = scalar(scoped::<district::Entity>(select, scope), json);
            match backend {
                // SQLite drops the JSON subtype of a subquery's value: `json()` restores
                // it, so the array nests as JSON, not as a string
                DbBackend::Postgres => value,
                _ => Func::cust(Alias::new("json")).arg(value).into(),
            }
        }
        false => Expr::null(),
    };
    let period = text(
        backend,
        json_array(
            backend,
            vec![
                json_array(backend, columns_leaving_out::<unit_period::Entity>(unread)),
                district,
            ],
        ),
    );
    let chosen = |by_day: Option<SimpleExpr>, order: Order| {
        let mut select = Query::select();
        select
            .from(unit_period::Entity)
            .and_where(Expr::col((unit_period::Entity, P::Code)).eq(column(code)))
            .order_by((unit_period::Entity, P::ValidFrom), order)
            .limit(1);
        if let Some(day) = by_day {
            select.and_where(day);
        }
        scalar(scoped::<unit_period::Entity>(select, scope), period.clone())
    };
    let from = || Expr::col((unit_period::Entity, P::ValidFrom));
    let by_day = match day {
        RecordDay::On(on) => from().lte(column(on)),
        RecordDay::Until(end) => from()
            .lte(Expr::val(today))
            .and(column(end).is_null().or(from().lt(column(end)))),
    };
    let day_column = match day {
        RecordDay::On(c) | RecordDay::Until(c) => c,
    };
    Carried {
        alias,
        expr: Func::coalesce([chosen(Some(by_day), Order::Desc), chosen(None, Order::Asc)]).into(),
        // a record's code and the column of its day name its unit
        key: vec![code, day_column],
    }
}

/// The row of `E` the scope can see whose `target` column equals `at` (a column of the
/// page's table), its `columns` (every column when none): the row of a by-key loader
/// (`OfficerById`, `OfficerRankById`, `SessionById`, `DistrictByCode`), NULL when there
/// is none.
pub fn row_of<E: scope::Scoped>(
    backend: DbBackend,
    scope: &Scope,
    alias: &'static str,
    (target, at): (E::Column, Column),
    columns: &[E::Column],
) -> Carried {
    let mut select = Query::select();
    select
        .from(E::default())
        .and_where(Expr::col((E::default(), target)).eq(column(at)));
    let json = text(backend, json_array(backend, columns_of::<E>(columns)));
    Carried {
        alias,
        expr: scalar(scoped::<E>(select, scope), json),
        key: Vec::new(),
    }
}

/// The district the scope can see whose code is in `code` (a column of the page's
/// table: a unit's), NULL when there is none.
pub fn district_of(
    backend: DbBackend,
    scope: &Scope,
    alias: &'static str,
    code: Column,
) -> Carried {
    row_of::<district::Entity>(backend, scope, alias, (district::Column::Code, code), &[])
}

/// `select` with `E`'s scope rule.
fn scoped<E: scope::Scoped>(mut select: SelectStatement, scope: &Scope) -> SelectStatement {
    if let Some(rule) = scope::condition::<E>(scope) {
        select.cond_where(rule);
    }
    select
}

/// Decodes a one-row column: none for a NULL. A column that does not decode is an
/// internal error (the statement and the model disagree), reported without its text.
pub fn one<M: DeserializeOwned>(text: Option<&str>) -> Result<Option<M>> {
    let Some(text) = text else {
        return Ok(None);
    };
    serde_json::from_str(text).map(Some).map_err(|e| {
        tracing::error!(error = %e, "a carried row does not decode");
        ServiceError::Internal("a carried row does not decode".into())
    })
}
