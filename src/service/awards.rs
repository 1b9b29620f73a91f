//! Awards: the list query, batch lookups by unit, and writes. An award goes to a unit
//! (collective) or to one of its officers (individual), always recorded against the unit.

use chrono::NaiveDate;
use entity::award;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait,
    QueryFilter, QueryTrait,
};

use super::keyset::{Listing, order_name};
use super::page::{DateRange, SortDirection, date_range, eq_in, sorted};
use super::{Result, ServiceError, officers, plausible, scope, units, version};
use crate::auth::Scope;
use crate::domain::{AwardForm, AwardIssuer, RecipientKind};

/// Filters of the `awards` query.
#[derive(Clone, Debug, Default)]
pub struct AwardFilter {
    /// Form.
    pub form: Option<AwardForm>,
    /// Issuer.
    pub issuer: Option<AwardIssuer>,
    /// Collective or individual.
    pub recipient_kind: Option<RecipientKind>,
    /// Awards to this unit or its officers.
    pub unit_code: Option<String>,
    /// Awards in units of this district.
    pub district_code: Option<String>,
    /// Awards to this officer.
    pub officer_id: Option<i32>,
    /// Award date range.
    pub awarded_on: Option<DateRange>,
}

/// The filtered, scoped query behind `awards`, by date then id.
pub fn query(
    scope: &Scope,
    filter: AwardFilter,
    direction: SortDirection,
) -> Listing<award::Entity> {
    use award::Column as C;
    let select = scope::apply(award::Entity::find(), scope);
    let select = eq_in(select, C::Form, filter.form.map(AwardForm::code), None);
    let select = eq_in(
        select,
        C::Issuer,
        filter.issuer.map(AwardIssuer::code),
        None,
    );
    let select = eq_in(
        select,
        C::RecipientKind,
        filter.recipient_kind.map(RecipientKind::code),
        None,
    );
    let select = eq_in(select, C::UnitCode, filter.unit_code, None);
    let select = eq_in(select, C::OfficerId, filter.officer_id, None);
    let select = date_range(select, C::AwardedOn, filter.awarded_on)
        .apply_if(filter.district_code, |s, d| {
            s.filter(C::UnitCode.in_subquery(scope::unit_codes_of(&d)))
        });
    let order = order_name(&"AwardedOn", direction);
    Listing::new("awards", order, select, (C::AwardedOn, C::Id), direction)
}

/// Awards to these units or their officers (one statement).
pub async fn by_units(
    db: &impl ConnectionTrait,
    scope: &Scope,
    units: &[String],
) -> Result<Vec<award::Model>> {
    let select = award::Entity::find().filter(award::Column::UnitCode.is_in(units.iter().cloned()));
    let select = sorted(
        select,
        award::Column::Id,
        SortDirection::Asc,
        award::Column::Id,
    );
    Ok(scope::apply(select, scope).all(db).await?)
}

/// A new award: give `unitCode` for a collective, `officerId` for an individual.
#[derive(Clone, Debug)]
pub struct AwardInput {
    /// Form.
    pub form: AwardForm,
    /// Issuer.
    pub issuer: AwardIssuer,
    /// The unit, for an award to a collective.
    pub unit_code: Option<String>,
    /// The officer, for an award to an individual.
    pub officer_id: Option<i32>,
    /// Award date.
    pub awarded_on: NaiveDate,
    /// Reason.
    pub reason: String,
}

/// Records an award.
pub async fn create(
    db: &impl ConnectionTrait,
    scope: &Scope,
    input: AwardInput,
) -> Result<award::Model> {
    let reason = plausible::paragraph("reason", &input.reason, 1000)?;
    plausible::date("awardedOn", input.awarded_on)?;
    let (kind, unit_code, officer_id) = match (input.unit_code, input.officer_id) {
        (Some(code), None) => (
            RecipientKind::Collective,
            units::require(db, scope, &code, input.awarded_on)
                .await?
                .code,
            None,
        ),
        (None, Some(id)) => {
            let officer = officers::require(db, scope, id).await?;
            (
                RecipientKind::Individual,
                officer.unit_code,
                Some(officer.id),
            )
        }
        _ => {
            return Err(ServiceError::invalid(
                "unitCode",
                "give exactly one of unitCode and officerId",
            ));
        }
    };
    version::touch(db, &[Some(&unit_code)]).await?;
    let row = award::ActiveModel {
        form: Set(input.form.code().to_owned()),
        issuer: Set(input.issuer.code().to_owned()),
        recipient_kind: Set(kind.code().to_owned()),
        unit_code: Set(unit_code),
        officer_id: Set(officer_id),
        awarded_on: Set(input.awarded_on),
        reason: Set(reason),
        ..Default::default()
    };
    let row = row.insert(db).await?;
    scope::check_written(db, scope, award::Entity::find_by_id(row.id)).await?;
    Ok(row)
}

/// Deletes an award recorded by mistake.
pub async fn delete(db: &impl ConnectionTrait, scope: &Scope, id: i32) -> Result<award::Model> {
    let row = scope::apply(award::Entity::find_by_id(id), scope)
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::not_found("award", id))?;
    version::touch(db, &[Some(&row.unit_code)]).await?;
    row.clone().delete(db).await?;
    Ok(row)
}
