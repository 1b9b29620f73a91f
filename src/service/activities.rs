//! Union activities (youth union, women's association): the list query and writes.
//! An activity with no unit is province-wide, visible to every token.

use chrono::NaiveDate;
use entity::union_activity as activity;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait,
    QueryFilter, QueryTrait,
};

use super::error::check_range;
use super::keyset::{Listing, order_name};
use super::page::{DateRange, SortDirection, date_range, eq_in};
use super::{Result, ServiceError, plausible, scope, units, version};
use crate::auth::Scope;
use crate::domain::{ActivityKind, Organisation};
use crate::text::{fold, like_pattern};

/// Filters of the `unionActivities` query.
#[derive(Clone, Debug, Default)]
pub struct ActivityFilter {
    /// Organisation.
    pub organisation: Option<Organisation>,
    /// Kind.
    pub kind: Option<ActivityKind>,
    /// Any of these kinds.
    pub kind_in: Option<Vec<ActivityKind>>,
    /// Programme name, exactly.
    pub programme: Option<String>,
    /// Activities of this unit.
    pub unit_code: Option<String>,
    /// Activities of units in this district.
    pub district_code: Option<String>,
    /// Only province-wide activities (true) or only unit activities (false).
    pub province_wide: Option<bool>,
    /// Still maintained.
    pub maintained: Option<bool>,
    /// Start date range.
    pub started_on: Option<DateRange>,
    /// Words of the name, ignoring case and diacritics.
    pub search: Option<String>,
}

/// The filtered, scoped query behind `unionActivities`, by start date then id.
pub fn query(
    scope: &Scope,
    filter: ActivityFilter,
    direction: SortDirection,
) -> Listing<activity::Entity> {
    use activity::Column as C;
    let select = scope::apply(activity::Entity::find(), scope);
    let select = eq_in(
        select,
        C::Organisation,
        filter.organisation.map(Organisation::code),
        None,
    );
    let kinds = filter
        .kind_in
        .map(|ks| ks.into_iter().map(|k| k.code()).collect());
    let select = eq_in(select, C::Kind, filter.kind.map(ActivityKind::code), kinds);
    let select = eq_in(select, C::Programme, filter.programme, None);
    let select = eq_in(select, C::UnitCode, filter.unit_code, None);
    let select = eq_in(select, C::Maintained, filter.maintained, None);
    let select = date_range(select, C::StartedOn, filter.started_on)
        .apply_if(filter.district_code, |s, d| {
            s.filter(C::UnitCode.in_subquery(scope::unit_codes_of(&d)))
        })
        .apply_if(filter.province_wide, |s, wide| {
            s.filter(if wide {
                C::UnitCode.is_null()
            } else {
                C::UnitCode.is_not_null()
            })
        })
        .apply_if(filter.search, |s, q| {
            s.filter(C::SearchName.like(like_pattern(&q)))
        });
    let order = order_name(&"StartedOn", direction);
    Listing::new(
        "unionActivities",
        order,
        select,
        (C::StartedOn, C::Id),
        direction,
    )
}

/// An activity, new or changed.
#[derive(Clone, Debug)]
pub struct ActivityInput {
    /// Organisation.
    pub organisation: Organisation,
    /// Kind.
    pub kind: ActivityKind,
    /// Name.
    pub name: String,
    /// Programme it belongs to, e.g. "Mẹ đỡ đầu".
    pub programme: Option<String>,
    /// Unit, or none for a province-wide activity.
    pub unit_code: Option<String>,
    /// Start date.
    pub started_on: NaiveDate,
    /// End date.
    pub ended_on: Option<NaiveDate>,
    /// Still maintained.
    pub maintained: bool,
}

/// Records an activity.
pub async fn create(
    db: &impl ConnectionTrait,
    scope: &Scope,
    input: ActivityInput,
) -> Result<activity::Model> {
    let mut row = <activity::ActiveModel as Default>::default();
    fill(db, scope, &mut row, input).await?;
    let row = row.insert(db).await?;
    scope::check_written(db, scope, activity::Entity::find_by_id(row.id)).await?;
    Ok(row)
}

/// Replaces an activity's fields.
pub async fn update(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: i32,
    input: ActivityInput,
) -> Result<activity::Model> {
    let current = require(db, scope, id).await?;
    version::touch(db, &[current.unit_code.as_deref()]).await?;
    let mut row: activity::ActiveModel = current.into();
    fill(db, scope, &mut row, input).await?;
    let row = row.update(db).await?;
    scope::check_written(db, scope, activity::Entity::find_by_id(row.id)).await?;
    Ok(row)
}

/// Deletes an activity recorded by mistake.
pub async fn delete(db: &impl ConnectionTrait, scope: &Scope, id: i32) -> Result<activity::Model> {
    let row = require(db, scope, id).await?;
    version::touch(db, &[row.unit_code.as_deref()]).await?;
    row.clone().delete(db).await?;
    Ok(row)
}

/// An activity the scope may write: an area token only its area's, never province-wide ones.
async fn require(db: &impl ConnectionTrait, scope: &Scope, id: i32) -> Result<activity::Model> {
    let select = scope::apply(activity::Entity::find_by_id(id), scope);
    let row = select
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::not_found("union activity", id))?;
    if scope.area.is_some() && row.unit_code.is_none() {
        return Err(ServiceError::Forbidden(
            "an area token cannot change province-wide activities".into(),
        ));
    }
    Ok(row)
}

async fn fill(
    db: &impl ConnectionTrait,
    scope: &Scope,
    row: &mut activity::ActiveModel,
    input: ActivityInput,
) -> Result<()> {
    let name = plausible::line("name", &input.name, 300)?;
    let programme = plausible::optional_line("programme", input.programme.as_deref(), 300)?;
    plausible::date("startedOn", input.started_on)?;
    plausible::optional_date("endedOn", input.ended_on)?;
    check_range("endedOn", input.started_on, input.ended_on)?;
    match &input.unit_code {
        Some(code) => drop(units::require(db, scope, code, input.started_on).await?),
        None if scope.area.is_some() => {
            return Err(ServiceError::Forbidden(
                "an area token must give a unit of its area".into(),
            ));
        }
        None => {}
    }
    row.organisation = Set(input.organisation.code().to_owned());
    row.kind = Set(input.kind.code().to_owned());
    row.search_name = Set(fold(&name));
    row.name = Set(name);
    row.programme = Set(programme);
    version::touch(db, &[input.unit_code.as_deref()]).await?;
    row.unit_code = Set(input.unit_code);
    row.started_on = Set(input.started_on);
    row.ended_on = Set(input.ended_on);
    row.maintained = Set(input.maintained);
    Ok(())
}
