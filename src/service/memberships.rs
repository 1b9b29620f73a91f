//! Party committee memberships: the list query, batch lookups by unit and by officer,
//! and writes (seat an officer, end a seat).

use chrono::NaiveDate;
use entity::party_membership as membership;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryTrait,
};

use super::error::check_range;
use super::keyset::{Listing, order_name};
use super::page::{DateRange, SortDirection, date_range, eq_in, sorted};
use super::{Result, ServiceError, officers, plausible, scope, version};
use crate::auth::Scope;
use crate::domain::PartyBody;

/// Filters of the `partyMemberships` query.
#[derive(Clone, Debug, Default)]
pub struct MembershipFilter {
    /// Seats of officers of this unit.
    pub unit_code: Option<String>,
    /// Seats in units of this district.
    pub district_code: Option<String>,
    /// One officer's seats.
    pub officer_id: Option<i32>,
    /// Executive or standing committee.
    pub body: Option<PartyBody>,
    /// Term, e.g. "2020-2025".
    pub term: Option<String>,
    /// Start date range.
    pub started_on: Option<DateRange>,
    /// Only seats held on this day.
    pub active_on: Option<NaiveDate>,
}

/// The filtered, scoped query behind `partyMemberships`, sorted by id.
pub fn query(
    scope: &Scope,
    filter: MembershipFilter,
    direction: SortDirection,
) -> Listing<membership::Entity> {
    use membership::Column as C;
    let select = scope::apply(membership::Entity::find(), scope);
    let select = eq_in(select, C::UnitCode, filter.unit_code, None);
    let select = eq_in(select, C::OfficerId, filter.officer_id, None);
    let select = eq_in(select, C::Body, filter.body.map(PartyBody::code), None);
    let select = eq_in(select, C::Term, filter.term, None);
    let select = date_range(select, C::StartedOn, filter.started_on)
        .apply_if(filter.district_code, |s, d| {
            s.filter(C::UnitCode.in_subquery(scope::unit_codes_of(&d)))
        })
        .apply_if(filter.active_on, |s, day| s.filter(held_on(day)));
    let order = order_name(&"Id", direction);
    Listing::new("partyMemberships", order, select, (C::Id, C::Id), direction)
}

/// Seats held on `day`.
pub fn held_on(day: NaiveDate) -> Condition {
    Condition::all()
        .add(membership::Column::StartedOn.lte(day))
        .add(
            Condition::any()
                .add(membership::Column::EndedOn.is_null())
                .add(membership::Column::EndedOn.gt(day)),
        )
}

/// Current seats (no end date) in these units (one statement).
pub async fn current_by_units(
    db: &impl ConnectionTrait,
    scope: &Scope,
    units: &[String],
    on: Option<NaiveDate>,
) -> Result<Vec<membership::Model>> {
    use membership::Column as C;
    let select = membership::Entity::find().filter(C::UnitCode.is_in(units.iter().cloned()));
    let select = match on {
        None => select.filter(C::EndedOn.is_null()),
        Some(day) => select.filter(C::StartedOn.lte(day)).filter(
            Condition::any()
                .add(C::EndedOn.is_null())
                .add(C::EndedOn.gt(day)),
        ),
    };
    let select = sorted(
        select,
        membership::Column::Id,
        SortDirection::Asc,
        membership::Column::Id,
    );
    Ok(scope::apply(select, scope).all(db).await?)
}

/// All seats of these officers (one statement).
pub async fn by_officers(
    db: &impl ConnectionTrait,
    scope: &Scope,
    ids: &[i32],
) -> Result<Vec<membership::Model>> {
    let select =
        membership::Entity::find().filter(membership::Column::OfficerId.is_in(ids.iter().copied()));
    let select = sorted(
        select,
        membership::Column::Id,
        SortDirection::Asc,
        membership::Column::Id,
    );
    Ok(scope::apply(select, scope).all(db).await?)
}

/// A new seat on a committee.
#[derive(Clone, Debug)]
pub struct CreateMembershipInput {
    /// The officer (the seat is recorded against the officer's unit).
    pub officer_id: i32,
    /// Executive or standing committee.
    pub body: PartyBody,
    /// Term, e.g. "2020-2025".
    pub term: String,
    /// First day on the committee.
    pub started_on: NaiveDate,
    /// Last day, if known.
    pub ended_on: Option<NaiveDate>,
}

/// Seats an officer on a committee.
pub async fn create(
    db: &impl ConnectionTrait,
    scope: &Scope,
    input: CreateMembershipInput,
) -> Result<membership::Model> {
    check_term(&input.term)?;
    plausible::date("startedOn", input.started_on)?;
    plausible::optional_date("endedOn", input.ended_on)?;
    check_range("endedOn", input.started_on, input.ended_on)?;
    let officer = officers::require(db, scope, input.officer_id).await?;
    ensure_no_overlap(db, &officer, &input).await?;
    version::touch(db, &[Some(&officer.unit_code)]).await?;
    let row = membership::ActiveModel {
        officer_id: Set(officer.id),
        unit_code: Set(officer.unit_code),
        body: Set(input.body.code().to_owned()),
        term: Set(input.term.trim().to_owned()),
        started_on: Set(input.started_on),
        ended_on: Set(input.ended_on),
        ..Default::default()
    };
    let row = row.insert(db).await.map_err(|e| match e.sql_err() {
        // The unique seat index: a concurrent identical seat.
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => duplicate(input.officer_id),
        _ => ServiceError::from(e),
    })?;
    scope::check_written(db, scope, membership::Entity::find_by_id(row.id)).await?;
    Ok(row)
}

/// Refuses a seat the officer already holds: same body and term, periods overlapping.
async fn ensure_no_overlap(
    db: &impl ConnectionTrait,
    officer: &entity::officer::Model,
    input: &CreateMembershipInput,
) -> Result<()> {
    super::serialise(db, 7_260_002, officer.id).await?;
    let mut overlap = Condition::all()
        .add(membership::Column::OfficerId.eq(officer.id))
        .add(membership::Column::Body.eq(input.body.code()))
        .add(membership::Column::Term.eq(input.term.trim()))
        .add(
            Condition::any()
                .add(membership::Column::EndedOn.is_null())
                .add(membership::Column::EndedOn.gte(input.started_on)),
        );
    if let Some(end) = input.ended_on {
        overlap = overlap.add(membership::Column::StartedOn.lte(end));
    }
    let existing = membership::Entity::find().filter(overlap).one(db).await?;
    match existing {
        Some(_) => Err(duplicate(officer.id)),
        None => Ok(()),
    }
}

fn duplicate(officer_id: i32) -> ServiceError {
    ServiceError::DuplicateMembership(format!(
        "officer {officer_id} already holds that seat (same body and term) for an overlapping period"
    ))
}

/// Ends a seat on `ended_on`.
pub async fn end(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: i32,
    ended_on: NaiveDate,
) -> Result<membership::Model> {
    let select = membership::Entity::find_by_id(id);
    let current = scope::apply(select, scope)
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::not_found("party membership", id))?;
    plausible::date("endedOn", ended_on)?;
    check_range("endedOn", current.started_on, Some(ended_on))?;
    version::touch(db, &[Some(&current.unit_code)]).await?;
    let mut row: membership::ActiveModel = current.into();
    row.ended_on = Set(Some(ended_on));
    Ok(row.update(db).await?)
}

/// A term is two years, "YYYY-YYYY", the second after the first.
fn check_term(term: &str) -> Result<()> {
    let years: Vec<i32> = term
        .trim()
        .split('-')
        .filter_map(|y| y.parse().ok())
        .collect();
    match years.as_slice() {
        [a, b] if (1990..2100).contains(a) && b > a => Ok(()),
        _ => Err(ServiceError::invalid("term", "must look like 2020-2025")),
    }
}
