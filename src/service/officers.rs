//! Officers: the list query, batch lookups for the DataLoaders, and validated writes
//! (post an officer, change rank or position, end a posting).

use chrono::{Datelike, NaiveDate, Utc};
use entity::officer;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, QueryTrait,
    sea_query::{Expr, ExprTrait, SimpleExpr},
};

use super::error::check_range;
use super::keyset::{Listing, order_name};
use super::page::{DateRange, IntRange, SortDirection, date_range, eq_in, int_range, sorted};
use super::{Result, ServiceError, plausible, scope, units, version};
use crate::auth::Scope;
use crate::domain::{Gender, Position, Rank};
use crate::text::{fold, like_pattern};

/// Filters of the `officers` query.
#[derive(Clone, Debug, Default)]
pub struct OfficerFilter {
    /// Officers of this unit.
    pub unit_code: Option<String>,
    /// Officers of any of these units.
    pub unit_code_in: Option<Vec<String>>,
    /// Officers of units in this district.
    pub district_code: Option<String>,
    /// Position.
    pub position: Option<Position>,
    /// Any of these positions.
    pub position_in: Option<Vec<Position>>,
    /// Lowest rank included.
    pub rank_min: Option<Rank>,
    /// Highest rank included.
    pub rank_max: Option<Rank>,
    /// Gender.
    pub gender: Option<Gender>,
    /// Birth year range (personal data: analysts and admins only).
    pub birth_year: Option<IntRange>,
    /// Posting start date range.
    pub posted_from: Option<DateRange>,
    /// Only officers in post on this day.
    pub active_on: Option<NaiveDate>,
    /// Words of the name, ignoring case and diacritics (personal data: analysts and admins only).
    pub search: Option<String>,
}

impl OfficerFilter {
    /// Whether the filter reads personal data (and so needs an analyst or admin).
    pub fn uses_personal_data(&self) -> bool {
        self.birth_year.is_some() || self.search.is_some()
    }
}

/// Fields the `officers` query can sort by.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum OfficerSortField {
    /// Record id.
    #[default]
    Id,
    /// Unit code.
    Unit,
    /// Rank.
    Rank,
    /// Posting start date.
    PostedFrom,
}

/// Sort order of the `officers` query.
#[derive(Clone, Copy, Debug, Default)]
pub struct OfficerSort {
    /// Field to sort by.
    pub field: OfficerSortField,
    /// Direction.
    pub direction: SortDirection,
}

/// The filtered, scoped and sorted query behind `officers`.
pub fn query(scope: &Scope, filter: OfficerFilter, sort: OfficerSort) -> Listing<officer::Entity> {
    use officer::Column as C;
    let select = scope::apply(officer::Entity::find(), scope);
    let select = eq_in(select, C::UnitCode, filter.unit_code, filter.unit_code_in);
    let positions = filter
        .position_in
        .map(|ps| ps.into_iter().map(|p| p.code()).collect());
    let select = eq_in(
        select,
        C::Position,
        filter.position.map(Position::code),
        positions,
    );
    let select = eq_in(select, C::Gender, filter.gender.map(Gender::code), None);
    let select = int_range(select, C::BirthYear, filter.birth_year);
    let select = date_range(select, C::PostedFrom, filter.posted_from);
    let select = select
        .apply_if(filter.district_code, |s, d| {
            s.filter(C::UnitCode.in_subquery(scope::unit_codes_of(&d)))
        })
        .apply_if(filter.rank_min, |s, r| s.filter(C::Rank.gte(r.ordinal())))
        .apply_if(filter.rank_max, |s, r| s.filter(C::Rank.lte(r.ordinal())))
        .apply_if(filter.active_on, |s, day| s.filter(in_post_on(day)))
        .apply_if(filter.search, |s, q| {
            s.filter(C::SearchName.like(like_pattern(&q)))
        });
    let col = match sort.field {
        OfficerSortField::Id => C::Id,
        OfficerSortField::Unit => C::UnitCode,
        OfficerSortField::Rank => C::Rank,
        OfficerSortField::PostedFrom => C::PostedFrom,
    };
    let order = order_name(&sort.field, sort.direction);
    Listing::new("officers", order, select, (col, C::Id), sort.direction)
}

/// Officers in post on `day`: a date, or a date column of an enclosing statement.
pub fn in_post_on(day: impl Into<SimpleExpr>) -> Condition {
    use officer::Column as C;
    let day = day.into();
    Condition::all()
        .add(Expr::col((officer::Entity, C::PostedFrom)).lte(day.clone()))
        .add(
            Condition::any()
                .add(C::PostedTo.is_null())
                .add(Expr::col((officer::Entity, C::PostedTo)).gt(day)),
        )
}

/// Officers in post in the unit of the enclosing statement's `unit_period` row, as the
/// unit's nested fields take them ([`in_post`] for the unit's day, `units::day_of`):
/// now (no end date) for a period in force, on its last day for one that ended.
pub fn in_post_in_period() -> Condition {
    units::now_or_last_day(
        Condition::all().add(officer::Column::PostedTo.is_null()),
        in_post_on,
    )
}

/// Officers in post (no end date) in these units, chiefs first (one statement).
pub async fn in_post_by_units(
    db: &impl ConnectionTrait,
    scope: &Scope,
    units: &[String],
    on: Option<NaiveDate>,
) -> Result<Vec<officer::Model>> {
    Ok(scope::apply(in_post(units, on), scope).all(db).await?)
}

/// An officer read for the rank alone, with the keys to place it: what a unit's
/// `officers { id rank }` needs, three of an officer row's ten columns (the rest are
/// neither read from the database nor decoded). [`RANKED_COLUMNS`] are its fields, in
/// order.
#[derive(Clone, Debug, PartialEq, FromQueryResult, serde::Deserialize)]
pub struct RankedOfficer {
    /// Record id.
    pub id: i32,
    /// The unit's code.
    pub unit_code: String,
    /// Ordinal of the rank.
    pub rank: i32,
}

impl RankedOfficer {
    /// The rank row of a whole row.
    pub fn of(row: &officer::Model) -> Self {
        Self {
            id: row.id,
            unit_code: row.unit_code.clone(),
            rank: row.rank,
        }
    }
}

/// The columns of a [`RankedOfficer`], in the order of its fields.
pub const RANKED_COLUMNS: [officer::Column; 3] = [
    officer::Column::Id,
    officer::Column::UnitCode,
    officer::Column::Rank,
];

/// The condition narrowing officers to the chiefs.
pub fn chief_condition() -> SimpleExpr {
    officer::Column::Position.eq(Position::Chief.code())
}

/// [`in_post_by_units`] narrowed to the columns of [`RankedOfficer`] (one statement).
pub async fn ranks_in_post_by_units(
    db: &impl ConnectionTrait,
    scope: &Scope,
    units: &[String],
    on: Option<NaiveDate>,
) -> Result<Vec<RankedOfficer>> {
    Ok(ranked(in_post(units, on), scope).all(db).await?)
}

/// [`chiefs_by_units`] narrowed to the columns of [`RankedOfficer`] (one statement).
pub async fn chief_ranks_by_units(
    db: &impl ConnectionTrait,
    scope: &Scope,
    units: &[String],
    on: Option<NaiveDate>,
) -> Result<Vec<RankedOfficer>> {
    Ok(ranked(chiefs(units, on), scope).all(db).await?)
}

/// `select`, scoped, read as [`RankedOfficer`]s: three columns.
fn ranked(
    select: sea_orm::Select<officer::Entity>,
    scope: &Scope,
) -> sea_orm::Selector<sea_orm::SelectModel<RankedOfficer>> {
    scope::apply(select, scope)
        .select_only()
        .columns(RANKED_COLUMNS)
        .into_model::<RankedOfficer>()
}

/// The chiefs in post in `units` (now when `on` is `None`, else on that day), by id:
/// [`in_post_by_units`] narrowed in SQL to the chiefs, so that a unit's chief does not
/// cost every officer row of the unit (one statement).
pub async fn chiefs_by_units(
    db: &impl ConnectionTrait,
    scope: &Scope,
    units: &[String],
    on: Option<NaiveDate>,
) -> Result<Vec<officer::Model>> {
    Ok(scope::apply(chiefs(units, on), scope).all(db).await?)
}

/// The chiefs in post in `units`, now (`on` none) or on a day, by id.
fn chiefs(units: &[String], on: Option<NaiveDate>) -> sea_orm::Select<officer::Entity> {
    in_post(units, on).filter(chief_condition())
}

/// The officers in post in `units`, now (`on` none) or on a day, by id.
fn in_post(units: &[String], on: Option<NaiveDate>) -> sea_orm::Select<officer::Entity> {
    use officer::Column as C;
    let select = officer::Entity::find().filter(C::UnitCode.is_in(units.iter().cloned()));
    let select = match on {
        None => select.filter(C::PostedTo.is_null()),
        Some(day) => select.filter(in_post_on(day)),
    };
    sorted(
        select,
        officer::Column::Id,
        SortDirection::Asc,
        officer::Column::Id,
    )
}

/// Officers by id that the scope can see (one statement).
pub async fn by_ids(
    db: &impl ConnectionTrait,
    scope: &Scope,
    ids: &[i32],
) -> Result<Vec<officer::Model>> {
    let select = officer::Entity::find().filter(officer::Column::Id.is_in(ids.iter().copied()));
    Ok(scope::apply(select, scope).all(db).await?)
}

/// [`by_ids`] narrowed to the columns of [`RankedOfficer`] (one statement).
pub async fn ranks_by_ids(
    db: &impl ConnectionTrait,
    scope: &Scope,
    ids: &[i32],
) -> Result<Vec<RankedOfficer>> {
    let select = officer::Entity::find().filter(officer::Column::Id.is_in(ids.iter().copied()));
    Ok(ranked(select, scope).all(db).await?)
}

/// One officer the scope can see, or NOT_FOUND.
pub async fn require(db: &impl ConnectionTrait, scope: &Scope, id: i32) -> Result<officer::Model> {
    by_ids(db, scope, &[id])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ServiceError::not_found("officer", id))
}

/// A new posting.
#[derive(Clone, Debug)]
pub struct CreateOfficerInput {
    /// Unit the officer is posted to.
    pub unit_code: String,
    /// Full name.
    pub full_name: String,
    /// Gender.
    pub gender: Gender,
    /// Year of birth.
    pub birth_year: i32,
    /// Rank (a commune police rank: at most Trung tá).
    pub rank: Rank,
    /// Position (one chief in post per unit).
    pub position: Position,
    /// First day of the posting.
    pub posted_from: NaiveDate,
    /// Last day of the posting, if known.
    pub posted_to: Option<NaiveDate>,
}

/// Changes to an officer; absent fields are left as they are.
#[derive(Clone, Debug, Default)]
pub struct UpdateOfficerInput {
    /// Full name.
    pub full_name: Option<String>,
    /// Gender.
    pub gender: Option<Gender>,
    /// Year of birth.
    pub birth_year: Option<i32>,
    /// Rank.
    pub rank: Option<Rank>,
    /// Position.
    pub position: Option<Position>,
}

/// Posts an officer, after validating every field.
pub async fn create(
    db: &impl ConnectionTrait,
    scope: &Scope,
    input: CreateOfficerInput,
) -> Result<officer::Model> {
    let name = clean_name(&input.full_name)?;
    check_birth_year(input.birth_year)?;
    check_rank(input.rank, input.position)?;
    plausible::date("postedFrom", input.posted_from)?;
    plausible::optional_date("postedTo", input.posted_to)?;
    check_range("postedTo", input.posted_from, input.posted_to)?;
    units::require(db, scope, &input.unit_code, input.posted_from).await?;
    version::touch(db, &[Some(&input.unit_code)]).await?;
    if input.position == Position::Chief && input.posted_to.is_none() {
        ensure_no_chief(db, &input.unit_code, None).await?;
    }
    let row = officer::ActiveModel {
        unit_code: Set(input.unit_code.clone()),
        search_name: Set(fold(&name)),
        full_name: Set(name),
        gender: Set(input.gender.code().to_owned()),
        birth_year: Set(input.birth_year),
        rank: Set(input.rank.ordinal()),
        position: Set(input.position.code().to_owned()),
        posted_from: Set(input.posted_from),
        posted_to: Set(input.posted_to),
        ..Default::default()
    };
    let row = insert_checked(db, row, &input.unit_code).await?;
    scope::check_written(db, scope, officer::Entity::find_by_id(row.id)).await?;
    Ok(row)
}

/// Changes an officer's name, rank or position, validated as on creation.
pub async fn update(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: i32,
    input: UpdateOfficerInput,
) -> Result<officer::Model> {
    let current = require(db, scope, id).await?;
    let rank = match input.rank {
        Some(r) => r,
        None => Rank::from_ordinal(current.rank).ok_or_else(|| {
            ServiceError::Internal(format!("stored rank {} is not known", current.rank))
        })?,
    };
    let position = match input.position {
        Some(p) => p,
        None => super::error::parse_code("position", &current.position, Position::from_code)?,
    };
    check_rank(rank, position)?;
    if position == Position::Chief
        && current.position != Position::Chief.code()
        && current.posted_to.is_none()
    {
        ensure_no_chief(db, &current.unit_code, Some(id)).await?;
    }
    let unit_code = current.unit_code.clone();
    version::touch(db, &[Some(&unit_code)]).await?;
    let mut row: officer::ActiveModel = current.into();
    if let Some(name) = input.full_name {
        let name = clean_name(&name)?;
        row.search_name = Set(fold(&name));
        row.full_name = Set(name);
    }
    if let Some(year) = input.birth_year {
        check_birth_year(year)?;
        row.birth_year = Set(year);
    }
    if let Some(g) = input.gender {
        row.gender = Set(g.code().to_owned());
    }
    row.rank = Set(rank.ordinal());
    row.position = Set(position.code().to_owned());
    update_checked(db, row, &unit_code).await
}

/// Ends a posting on `posted_to` (the officer leaves the unit).
pub async fn end_posting(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: i32,
    posted_to: NaiveDate,
) -> Result<officer::Model> {
    let current = require(db, scope, id).await?;
    plausible::date("postedTo", posted_to)?;
    check_range("postedTo", current.posted_from, Some(posted_to))?;
    if current.posted_to.is_some() {
        return Err(ServiceError::invalid(
            "id",
            format!("officer {id}'s posting has already ended"),
        ));
    }
    let unit_code = current.unit_code.clone();
    version::touch(db, &[Some(&unit_code)]).await?;
    let mut row: officer::ActiveModel = current.into();
    row.posted_to = Set(Some(posted_to));
    update_checked(db, row, &unit_code).await
}

async fn ensure_no_chief(db: &impl ConnectionTrait, unit: &str, except: Option<i32>) -> Result<()> {
    let chief = officer::Entity::find()
        .filter(officer::Column::UnitCode.eq(unit))
        .filter(officer::Column::Position.eq(Position::Chief.code()))
        .filter(officer::Column::PostedTo.is_null())
        .apply_if(except, |s, id| s.filter(officer::Column::Id.ne(id)))
        .one(db)
        .await?;
    match chief {
        Some(_) => Err(ServiceError::DuplicateChief(unit.to_owned())),
        None => Ok(()),
    }
}

/// Inserts, mapping the one-chief unique index (a concurrent second chief) to DUPLICATE_CHIEF.
async fn insert_checked(
    db: &impl ConnectionTrait,
    row: officer::ActiveModel,
    unit: &str,
) -> Result<officer::Model> {
    row.insert(db).await.map_err(|e| unique_to_chief(e, unit))
}

async fn update_checked(
    db: &impl ConnectionTrait,
    row: officer::ActiveModel,
    unit: &str,
) -> Result<officer::Model> {
    row.update(db).await.map_err(|e| unique_to_chief(e, unit))
}

fn unique_to_chief(e: sea_orm::DbErr, unit: &str) -> ServiceError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            ServiceError::DuplicateChief(unit.to_owned())
        }
        _ => e.into(),
    }
}

fn clean_name(name: &str) -> Result<String> {
    plausible::line("fullName", name, 120)
}

fn check_birth_year(year: i32) -> Result<()> {
    let latest = Utc::now().year() - 18;
    if !(1940..=latest).contains(&year) {
        return Err(ServiceError::invalid(
            "birthYear",
            format!("must be between 1940 and {latest}"),
        ));
    }
    Ok(())
}

/// Commune police ranks stop at Trung tá (the cap on a chief's rank), and a chief holds
/// at least Thiếu úy.
fn check_rank(rank: Rank, position: Position) -> Result<()> {
    if rank > Rank::CHIEF_CAP {
        return Err(ServiceError::RankNotAllowed(format!(
            "rank {} is above {}, the highest rank in commune police",
            rank.label_vi(),
            Rank::CHIEF_CAP.label_vi()
        )));
    }
    if position == Position::Chief && rank < Rank::ThieuUy {
        return Err(ServiceError::RankNotAllowed(format!(
            "a chief must hold at least {}, not {}",
            Rank::ThieuUy.label_vi(),
            rank.label_vi()
        )));
    }
    Ok(())
}
