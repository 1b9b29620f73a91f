//! Headquarters: the list query (status derived from dates as of a day), batch lookups
//! by unit, and writes (record a building, move it through its states, close it).

use chrono::NaiveDate;
use entity::headquarters as hq;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, QueryTrait, Select,
    sea_query::{Expr, ExprTrait, SimpleExpr},
};

use super::error::check_range;
use super::keyset::{Listing, order_name};
use super::page::{DateRange, IntRange, SortDirection, date_range, eq_in, int_range, sorted};
use super::{Result, ServiceError, plausible, scope, units, version};
use crate::auth::Scope;
use crate::domain::{HqModel, HqStatus};

/// A building read for its model and status alone, with the keys to place it: what a
/// unit's `headquarters { model status }` needs, seven of a row's thirteen columns.
/// [`STATUS_COLUMNS`] are its fields, in order.
#[derive(Clone, Debug, PartialEq, FromQueryResult, serde::Deserialize)]
pub struct HqStatusRow {
    /// Record id.
    pub id: i32,
    /// The holding unit's code.
    pub unit_code: String,
    /// Model code.
    pub model: String,
    /// The dates its status is derived from ([`StatusDates`]).
    pub approved_on: Option<NaiveDate>,
    /// See [`StatusDates`].
    pub construction_started_on: Option<NaiveDate>,
    /// See [`StatusDates`].
    pub in_use_on: Option<NaiveDate>,
    /// See [`StatusDates`].
    pub closed_on: Option<NaiveDate>,
}

/// The columns of a [`HqStatusRow`], in the order of its fields.
pub const STATUS_COLUMNS: [hq::Column; 7] = [
    hq::Column::Id,
    hq::Column::UnitCode,
    hq::Column::Model,
    hq::Column::ApprovedOn,
    hq::Column::ConstructionStartedOn,
    hq::Column::InUseOn,
    hq::Column::ClosedOn,
];

/// The dates a building's status is derived from.
#[derive(Clone, Copy, Debug)]
pub struct StatusDates {
    /// Approved.
    pub approved_on: Option<NaiveDate>,
    /// Construction started.
    pub construction_started_on: Option<NaiveDate>,
    /// Came into use.
    pub in_use_on: Option<NaiveDate>,
    /// Closed.
    pub closed_on: Option<NaiveDate>,
}

impl From<&hq::Model> for StatusDates {
    fn from(r: &hq::Model) -> Self {
        Self {
            approved_on: r.approved_on,
            construction_started_on: r.construction_started_on,
            in_use_on: r.in_use_on,
            closed_on: r.closed_on,
        }
    }
}

impl From<&HqStatusRow> for StatusDates {
    fn from(r: &HqStatusRow) -> Self {
        Self {
            approved_on: r.approved_on,
            construction_started_on: r.construction_started_on,
            in_use_on: r.in_use_on,
            closed_on: r.closed_on,
        }
    }
}

/// The status of a headquarters on `day`, from its dates.
pub fn status_on(row: StatusDates, day: NaiveDate) -> HqStatus {
    let reached = |d: Option<NaiveDate>| d.is_some_and(|d| d <= day);
    if reached(row.closed_on) {
        HqStatus::Closed
    } else if reached(row.in_use_on) {
        HqStatus::InUse
    } else if reached(row.construction_started_on) {
        HqStatus::UnderConstruction
    } else if reached(row.approved_on) {
        HqStatus::Approved
    } else {
        HqStatus::Planned
    }
}

/// The SQL condition equivalent to `status_on(row, day) == status`.
pub fn status_condition(status: HqStatus, day: NaiveDate) -> Condition {
    use hq::Column as C;
    let reached = |c: C| Condition::all().add(c.lte(day));
    let not_reached = |c: C| Condition::any().add(c.is_null()).add(c.gt(day));
    let open = not_reached(C::ClosedOn);
    match status {
        HqStatus::Closed => reached(C::ClosedOn),
        HqStatus::InUse => Condition::all().add(open).add(reached(C::InUseOn)),
        HqStatus::UnderConstruction => Condition::all()
            .add(open)
            .add(not_reached(C::InUseOn))
            .add(reached(C::ConstructionStartedOn)),
        HqStatus::Approved => Condition::all()
            .add(open)
            .add(not_reached(C::InUseOn))
            .add(not_reached(C::ConstructionStartedOn))
            .add(reached(C::ApprovedOn)),
        HqStatus::Planned => Condition::all()
            .add(open)
            .add(not_reached(C::InUseOn))
            .add(not_reached(C::ConstructionStartedOn))
            .add(not_reached(C::ApprovedOn)),
    }
}

/// The row is held by its unit on `day` (a date, or a date column of an enclosing
/// statement): a building passed by a restructuring has a row per holder, with
/// `[held_from, held_to)` (null: no bound; see `restructure` and migration
/// m20261202_000012).
pub fn held_on(day: impl Into<SimpleExpr>) -> Condition {
    use hq::Column as C;
    let day = day.into();
    Condition::all()
        .add(
            Condition::any()
                .add(C::HeldFrom.is_null())
                .add(Expr::col((hq::Entity, C::HeldFrom)).lte(day.clone())),
        )
        .add(
            Condition::any()
                .add(C::HeldTo.is_null())
                .add(Expr::col((hq::Entity, C::HeldTo)).gt(day)),
        )
}

/// The buildings held by the unit of the enclosing statement's `unit_period` row, as
/// the unit's `headquarters` field takes them ([`by_units`] for the unit's day,
/// `units::day_of`): those held now for a period in force, on its last day for one
/// that ended.
pub fn held_in_period() -> Condition {
    units::now_or_last_day(Condition::all().add(hq::Column::HeldTo.is_null()), held_on)
}

/// Filters of the `headquarters` query.
#[derive(Clone, Debug, Default)]
pub struct HeadquartersFilter {
    /// Buildings of this unit.
    pub unit_code: Option<String>,
    /// Buildings of any of these units.
    pub unit_code_in: Option<Vec<String>>,
    /// Buildings of units in this district.
    pub district_code: Option<String>,
    /// Model.
    pub model: Option<HqModel>,
    /// Any of these models.
    pub model_in: Option<Vec<HqModel>>,
    /// Status on `statusOn` (today by default).
    pub status: Option<HqStatus>,
    /// Day the status is taken on.
    pub status_on: Option<NaiveDate>,
    /// Date it came into use.
    pub in_use_on: Option<DateRange>,
    /// Target date.
    pub target_date: Option<DateRange>,
    /// Budget, in million VND.
    pub budget_million_vnd: Option<IntRange>,
    /// Rows whose unit held the building on this day (`heldFrom` <= day < `heldTo`): after
    /// a restructuring, the predecessor's row before the change, the successor's from it.
    /// A `status` filter always takes the rows held on `statusOn`.
    pub held_on: Option<NaiveDate>,
}

/// Fields the `headquarters` query can sort by.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum HeadquartersSortField {
    /// Record id.
    #[default]
    Id,
    /// Unit code.
    Unit,
    /// Target date.
    TargetDate,
    /// Date it came into use.
    InUseOn,
    /// Budget.
    Budget,
}

/// Sort order of the `headquarters` query.
#[derive(Clone, Copy, Debug, Default)]
pub struct HeadquartersSort {
    /// Field to sort by.
    pub field: HeadquartersSortField,
    /// Direction.
    pub direction: SortDirection,
}

/// The filtered, scoped and sorted query behind `headquarters`.
pub fn query(
    scope: &Scope,
    filter: HeadquartersFilter,
    sort: HeadquartersSort,
    today: NaiveDate,
) -> Listing<hq::Entity> {
    use hq::Column as C;
    let select = scope::apply(hq::Entity::find(), scope);
    let select = eq_in(select, C::UnitCode, filter.unit_code, filter.unit_code_in);
    let models = filter
        .model_in
        .map(|ms| ms.into_iter().map(|m| m.code()).collect());
    let select = eq_in(select, C::Model, filter.model.map(HqModel::code), models);
    let select = date_range(select, C::InUseOn, filter.in_use_on);
    let select = date_range(select, C::TargetDate, filter.target_date);
    let day = filter.status_on.unwrap_or(today);
    let select = int_range(select, C::BudgetMillionVnd, filter.budget_million_vnd)
        .apply_if(filter.district_code, |s, d| {
            s.filter(C::UnitCode.in_subquery(scope::unit_codes_of(&d)))
        })
        .apply_if(filter.status, |s, st| {
            s.filter(status_condition(st, day)).filter(held_on(day))
        })
        .apply_if(filter.held_on, |s, d| s.filter(held_on(d)));
    let col = match sort.field {
        HeadquartersSortField::Id => C::Id,
        HeadquartersSortField::Unit => C::UnitCode,
        HeadquartersSortField::TargetDate => C::TargetDate,
        HeadquartersSortField::InUseOn => C::InUseOn,
        HeadquartersSortField::Budget => C::BudgetMillionVnd,
    };
    let order = order_name(&sort.field, sort.direction);
    Listing::new("headquarters", order, select, (col, C::Id), sort.direction)
}

/// The buildings these units hold now (`None`: a holding with no end) or on a day (one
/// statement): a building passed by a restructuring shows at its holder of the day.
pub async fn by_units(
    db: &impl ConnectionTrait,
    scope: &Scope,
    units: &[String],
    on: Option<NaiveDate>,
) -> Result<Vec<hq::Model>> {
    Ok(held_by_units(scope, units, on).all(db).await?)
}

/// [`by_units`] narrowed to the columns of [`HqStatusRow`] (one statement).
pub async fn statuses_by_units(
    db: &impl ConnectionTrait,
    scope: &Scope,
    units: &[String],
    on: Option<NaiveDate>,
) -> Result<Vec<HqStatusRow>> {
    Ok(held_by_units(scope, units, on)
        .select_only()
        .columns(STATUS_COLUMNS)
        .into_model::<HqStatusRow>()
        .all(db)
        .await?)
}

/// The buildings `units` hold (now when `on` is `None`, else on that day) that the
/// scope can see, by id.
fn held_by_units(scope: &Scope, units: &[String], on: Option<NaiveDate>) -> Select<hq::Entity> {
    let select = hq::Entity::find().filter(hq::Column::UnitCode.is_in(units.iter().cloned()));
    let select = match on {
        None => select.filter(hq::Column::HeldTo.is_null()),
        Some(day) => select.filter(held_on(day)),
    };
    let select = sorted(select, hq::Column::Id, SortDirection::Asc, hq::Column::Id);
    scope::apply(select, scope)
}

/// A building, or a plan for one.
#[derive(Clone, Debug)]
pub struct CreateHeadquartersInput {
    /// The unit.
    pub unit_code: String,
    /// Model.
    pub model: HqModel,
    /// Address.
    pub address: Option<String>,
    /// Budget, in million VND.
    pub budget_million_vnd: Option<i64>,
    /// Floor area, in m².
    pub floor_area_m2: Option<f64>,
    /// Date it should be in use.
    pub target_date: Option<NaiveDate>,
    /// Date the project was approved.
    pub approved_on: Option<NaiveDate>,
    /// Date construction started.
    pub construction_started_on: Option<NaiveDate>,
    /// Date it came into use.
    pub in_use_on: Option<NaiveDate>,
}

/// Changes to a building's dates and figures; absent fields are left as they are.
#[derive(Clone, Debug, Default)]
pub struct UpdateHeadquartersInput {
    /// Address.
    pub address: Option<String>,
    /// Budget, in million VND.
    pub budget_million_vnd: Option<i64>,
    /// Floor area, in m².
    pub floor_area_m2: Option<f64>,
    /// Date it should be in use.
    pub target_date: Option<NaiveDate>,
    /// Date the project was approved.
    pub approved_on: Option<NaiveDate>,
    /// Date construction started.
    pub construction_started_on: Option<NaiveDate>,
    /// Date it came into use.
    pub in_use_on: Option<NaiveDate>,
}

/// Records a building.
pub async fn create(
    db: &impl ConnectionTrait,
    scope: &Scope,
    input: CreateHeadquartersInput,
) -> Result<hq::Model> {
    let first_day = [
        input.approved_on,
        input.construction_started_on,
        input.in_use_on,
    ]
    .into_iter()
    .flatten()
    .min();
    match first_day {
        Some(day) => drop(units::require(db, scope, &input.unit_code, day).await?),
        None => drop(units::require_known(db, scope, &input.unit_code).await?),
    }
    let address = plausible::optional_line("address", input.address.as_deref(), 500)?;
    version::touch(db, &[Some(&input.unit_code)]).await?;
    let row = hq::ActiveModel {
        unit_code: Set(input.unit_code),
        model: Set(input.model.code().to_owned()),
        address: Set(address),
        budget_million_vnd: Set(input.budget_million_vnd),
        floor_area_m2: Set(input.floor_area_m2),
        target_date: Set(input.target_date),
        approved_on: Set(input.approved_on),
        construction_started_on: Set(input.construction_started_on),
        in_use_on: Set(input.in_use_on),
        closed_on: Set(None),
        ..Default::default()
    };
    check(&row)?;
    let row = row.insert(db).await?;
    scope::check_written(db, scope, hq::Entity::find_by_id(row.id)).await?;
    Ok(row)
}

/// Updates a building's dates and figures.
pub async fn update(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: i32,
    input: UpdateHeadquartersInput,
) -> Result<hq::Model> {
    let current = require(db, scope, id).await?;
    version::touch(db, &[Some(&current.unit_code)]).await?;
    let input = UpdateHeadquartersInput {
        address: plausible::optional_line("address", input.address.as_deref(), 500)?,
        ..input
    };
    let mut row: hq::ActiveModel = current.into();
    macro_rules! patch {
        ($($f:ident),*) => { $(if input.$f.is_some() { row.$f = Set(input.$f); })* };
    }
    patch!(
        address,
        budget_million_vnd,
        floor_area_m2,
        target_date,
        approved_on,
        construction_started_on,
        in_use_on
    );
    check(&row)?;
    Ok(row.update(db).await?)
}

/// Closes a building on `closed_on` (it stops being used).
pub async fn close(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: i32,
    closed_on: NaiveDate,
) -> Result<hq::Model> {
    let current = require(db, scope, id).await?;
    version::touch(db, &[Some(&current.unit_code)]).await?;
    let mut row: hq::ActiveModel = current.into();
    row.closed_on = Set(Some(closed_on));
    check(&row)?;
    Ok(row.update(db).await?)
}

async fn require(db: &impl ConnectionTrait, scope: &Scope, id: i32) -> Result<hq::Model> {
    scope::apply(hq::Entity::find_by_id(id), scope)
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::not_found("headquarters", id))
}

/// Dates follow approval, construction, use, closure; figures are positive.
fn check(row: &hq::ActiveModel) -> Result<()> {
    let get = |v: &sea_orm::ActiveValue<Option<NaiveDate>>| v.try_as_ref().copied().flatten();
    for (field, day) in [
        ("targetDate", get(&row.target_date)),
        ("approvedOn", get(&row.approved_on)),
        ("constructionStartedOn", get(&row.construction_started_on)),
        ("inUseOn", get(&row.in_use_on)),
        ("closedOn", get(&row.closed_on)),
    ] {
        plausible::optional_date(field, day)?;
    }
    let steps = [
        (
            "constructionStartedOn",
            get(&row.approved_on),
            get(&row.construction_started_on),
        ),
        (
            "inUseOn",
            get(&row.construction_started_on),
            get(&row.in_use_on),
        ),
        ("inUseOn", get(&row.approved_on), get(&row.in_use_on)),
        ("closedOn", get(&row.in_use_on), get(&row.closed_on)),
    ];
    for (field, start, end) in steps {
        if let Some(start) = start {
            check_range(field, start, end)?;
        }
    }
    if row
        .budget_million_vnd
        .try_as_ref()
        .copied()
        .flatten()
        .is_some_and(|b| b < 0)
    {
        return Err(ServiceError::invalid(
            "budgetMillionVnd",
            "must not be negative",
        ));
    }
    if row
        .floor_area_m2
        .try_as_ref()
        .copied()
        .flatten()
        .is_some_and(|a| !(a > 0.0 && a < 100_000.0))
    {
        return Err(ServiceError::invalid(
            "floorAreaM2",
            "must be between 0 and 100,000",
        ));
    }
    Ok(())
}
