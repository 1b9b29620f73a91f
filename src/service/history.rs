//! The administrative history (read side): editions, unit periods and lineage links as
//! the seed loaded them (`seed::history`). Reference data, the same for every token, so
//! no scope applies; every list is bounded.

use chrono::NaiveDate;
use entity::{unit_edition, unit_lineage, unit_period};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::Result;

/// At most this many periods of one code, editions, or links on one side of a unit.
pub const MAX_SMALL_LIST: u64 = 100;
/// At most this many units in one page of `unitsOn`.
pub const MAX_UNITS_PAGE: u64 = 200;

/// The periods valid on `on`.
fn valid_on(on: NaiveDate) -> Condition {
    Condition::all()
        .add(unit_period::Column::ValidFrom.lte(on))
        .add(
            Condition::any()
                .add(unit_period::Column::ValidTo.is_null())
                .add(unit_period::Column::ValidTo.gte(on)),
        )
}

/// Editions, optionally of one province and in force on one day, oldest first.
pub async fn editions(
    db: &impl ConnectionTrait,
    province_code: Option<String>,
    on: Option<NaiveDate>,
) -> Result<Vec<unit_edition::Model>> {
    use unit_edition::Column as C;
    let mut select = unit_edition::Entity::find();
    if let Some(p) = province_code {
        select = select.filter(C::ProvinceCode.eq(p));
    }
    if let Some(on) = on {
        select = select.filter(C::ValidFrom.lte(on)).filter(
            Condition::any()
                .add(C::ValidTo.is_null())
                .add(C::ValidTo.gte(on)),
        );
    }
    Ok(select
        .order_by_asc(C::ValidFrom)
        .order_by_asc(C::ProvinceCode)
        .limit(MAX_SMALL_LIST)
        .all(db)
        .await?)
}

/// The periods of one edition (its province and first day), any number of them: the
/// caller counts them by kind.
pub async fn kinds_of_edition(
    db: &impl ConnectionTrait,
    edition: &unit_edition::Model,
) -> Result<Vec<String>> {
    use unit_period::Column as C;
    Ok(unit_period::Entity::find()
        .select_only()
        .column(C::Kind)
        .filter(C::ProvinceCode.eq(edition.province_code.clone()))
        .filter(C::ValidFrom.eq(edition.valid_from))
        .into_tuple::<String>()
        .all(db)
        .await?)
}

/// A page of the units valid on `on` (optionally of one province), by code after
/// `after`, and how many there are in all.
pub async fn units_on(
    db: &impl ConnectionTrait,
    on: NaiveDate,
    province_code: Option<String>,
    first: u64,
    after: Option<String>,
) -> Result<(Vec<unit_period::Model>, u64)> {
    use unit_period::Column as C;
    let mut select = unit_period::Entity::find().filter(valid_on(on));
    if let Some(p) = province_code {
        select = select.filter(C::ProvinceCode.eq(p));
    }
    let total = select.clone().count(db).await?;
    if let Some(after) = after {
        select = select.filter(C::Code.gt(after));
    }
    let rows = select
        .order_by_asc(C::Code)
        .limit(first.min(MAX_UNITS_PAGE))
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Every period of a code, oldest first.
pub async fn periods_of(db: &impl ConnectionTrait, code: &str) -> Result<Vec<unit_period::Model>> {
    use unit_period::Column as C;
    Ok(unit_period::Entity::find()
        .filter(C::Code.eq(code))
        .order_by_asc(C::ValidFrom)
        .limit(MAX_SMALL_LIST)
        .all(db)
        .await?)
}

/// The period of `code` valid on `on`.
pub async fn period_on(
    db: &impl ConnectionTrait,
    code: &str,
    on: NaiveDate,
) -> Result<Option<unit_period::Model>> {
    Ok(unit_period::Entity::find()
        .filter(unit_period::Column::Code.eq(code))
        .filter(valid_on(on))
        .one(db)
        .await?)
}

/// A lineage link with the period at its other end (none: a district or an unknown successor).
pub type Link = (unit_lineage::Model, Option<unit_period::Model>);

/// The links into a period (its predecessors) and out of it (its successors).
pub async fn lineage(
    db: &impl ConnectionTrait,
    period: &unit_period::Model,
) -> Result<(Vec<Link>, Vec<Link>)> {
    use unit_lineage::Column as C;
    let before = unit_lineage::Entity::find()
        .filter(C::ToCode.eq(period.code.clone()))
        .filter(C::ToValidFrom.eq(period.valid_from))
        .order_by_asc(C::Id)
        .limit(MAX_SMALL_LIST)
        .all(db)
        .await?;
    let after = unit_lineage::Entity::find()
        .filter(C::FromCode.eq(period.code.clone()))
        .filter(C::FromValidFrom.eq(period.valid_from))
        .order_by_asc(C::Id)
        .limit(MAX_SMALL_LIST)
        .all(db)
        .await?;
    let ends: Vec<(String, NaiveDate)> = before
        .iter()
        .filter_map(|l| Some((l.from_code.clone()?, l.from_valid_from?)))
        .chain(
            after
                .iter()
                .filter_map(|l| Some((l.to_code.clone()?, l.to_valid_from?))),
        )
        .collect();
    let codes: Vec<String> = ends.iter().map(|(c, _)| c.clone()).collect();
    let periods = if codes.is_empty() {
        Vec::new()
    } else {
        unit_period::Entity::find()
            .filter(unit_period::Column::Code.is_in(codes))
            .all(db)
            .await?
    };
    let find = |code: &Option<String>, from: Option<NaiveDate>| {
        periods
            .iter()
            .find(|p| Some(&p.code) == code.as_ref() && Some(p.valid_from) == from)
            .cloned()
    };
    let before = before
        .into_iter()
        .map(|l| {
            let p = find(&l.from_code, l.from_valid_from);
            (l, p)
        })
        .collect();
    let after = after
        .into_iter()
        .map(|l| {
            let p = find(&l.to_code, l.to_valid_from);
            (l, p)
        })
        .collect();
    Ok((before, after))
}
