//! Areas, the scopes of tokens and report recipients: named sets of unit codes held over
//! day ranges (`area`, `area_member`), read by `service::scope` on every path.
//!
//! Three kinds. `district`: made from the administrative history (`unit_period`,
//! `unit_lineage`) by [`ensure_district_areas`] wherever the history is loaded and at
//! start-up: up to 30/6/2025 a district area holds the periods whose `district_code` is
//! its code; from 1/7/2025 (no districts) it holds the successors most of whose
//! predecessors lay in the district (ties: the district of the predecessor whose code
//! the successor keeps), so the district areas still divide the province: each unit of
//! 1/7/2025 is in exactly one of them. `custom`: defined by a province admin. `unit`: one unit
//! period (a commune police chief's token), code `<unit code>@<first day>`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use entity::{api_token, area, area_member, report_recipient, unit_lineage, unit_period};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use super::{Result, ServiceError, plausible, scope, version};
use crate::auth::Scope;

/// The kinds of area.
pub const DISTRICT: &str = "district";
/// Defined by an admin.
pub const CUSTOM: &str = "custom";
/// One unit period.
pub const UNIT: &str = "unit";

/// The most member rows an area may be given at once.
pub const MAX_MEMBERS: usize = 5_000;

/// One member row as given or derived: a unit code held over inclusive days.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Member {
    /// The unit code.
    pub unit_code: String,
    /// First day held (None: since before the history begins).
    pub valid_from: Option<NaiveDate>,
    /// Last day held (None: still held).
    pub valid_to: Option<NaiveDate>,
}

/// The district areas the history defines: code -> (name, members).
pub fn district_members(
    periods: &[unit_period::Model],
    links: &[unit_lineage::Model],
) -> BTreeMap<String, (String, BTreeSet<Member>)> {
    let first = first_days(periods);
    let by_key: HashMap<(&str, NaiveDate), &unit_period::Model> = periods
        .iter()
        .map(|p| ((p.code.as_str(), p.valid_from), p))
        .collect();
    let mut into: HashMap<(&str, NaiveDate), Vec<&unit_lineage::Model>> = HashMap::new();
    for l in links {
        if let (Some(code), Some(day)) = (&l.to_code, l.to_valid_from) {
            into.entry((code.as_str(), day)).or_default().push(l);
        }
    }
    let mut out: BTreeMap<String, (String, BTreeSet<Member>)> = BTreeMap::new();
    let mut add = |district: &str, name: Option<&str>, m: Member| {
        let entry = out
            .entry(district.to_owned())
            .or_insert_with(|| (name.unwrap_or(district).to_owned(), BTreeSet::new()));
        if entry.0 == district
            && let Some(n) = name
        {
            n.clone_into(&mut entry.0);
        }
        entry.1.insert(m);
    };
    for p in periods {
        let member = Member {
            unit_code: p.code.clone(),
            valid_from: (first.get(p.province_code.as_str()) != Some(&p.valid_from))
                .then_some(p.valid_from),
            valid_to: p.valid_to,
        };
        if let Some(d) = &p.district_code {
            add(d, p.district_name.as_deref(), member);
            continue;
        }
        // No district (from 1/7/2025): the district most of its predecessors lay in.
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        let mut own = None;
        for l in into
            .get(&(p.code.as_str(), p.valid_from))
            .into_iter()
            .flatten()
        {
            let district = match (&l.from_code, l.from_valid_from) {
                (Some(code), Some(day)) => by_key
                    .get(&(code.as_str(), day))
                    .and_then(|q| q.district_code.as_deref()),
                _ => l.from_district_code.as_deref(),
            };
            if let Some(d) = district {
                *counts.entry(d).or_default() += 1;
                if l.from_code.as_deref() == Some(p.code.as_str()) {
                    own = Some(d);
                }
            }
        }
        if let Some(d) = majority(&counts, own) {
            add(d, None, member);
        }
    }
    out
}

/// The district holding most predecessors; on a tie, the one of the predecessor whose
/// code the successor keeps (`own`), else the lowest code.
fn majority<'a>(counts: &BTreeMap<&'a str, usize>, own: Option<&'a str>) -> Option<&'a str> {
    let most = *counts.values().max()?;
    let top: Vec<&str> = counts
        .iter()
        .filter(|(_, n)| **n == most)
        .map(|(d, _)| *d)
        .collect();
    match own {
        Some(o) if top.contains(&o) => Some(o),
        _ => top.first().copied(),
    }
}

/// The first day of each province's history.
fn first_days(periods: &[unit_period::Model]) -> HashMap<&str, NaiveDate> {
    let mut first: HashMap<&str, NaiveDate> = HashMap::new();
    for p in periods {
        let day = first
            .entry(p.province_code.as_str())
            .or_insert(p.valid_from);
        *day = Ord::min(*day, p.valid_from);
    }
    first
}

/// Creates the district areas the history defines, and fills those that have no member
/// yet (an area a migration made from a district of a database seeded before). Idempotent;
/// returns the areas filled.
pub async fn ensure_district_areas(db: &impl ConnectionTrait) -> std::result::Result<usize, DbErr> {
    let periods = unit_period::Entity::find().all(db).await?;
    if periods.is_empty() {
        return Ok(0);
    }
    let links = unit_lineage::Entity::find().all(db).await?;
    let existing: HashMap<String, area::Model> = area::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.code.clone(), a))
        .collect();
    let filled: BTreeSet<String> = area_member::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.area_code)
        .collect();
    let now = Utc::now();
    let mut done = 0;
    for (code, (name, members)) in district_members(&periods, &links) {
        match existing.get(&code) {
            Some(a) if a.kind != DISTRICT || filled.contains(&code) => continue,
            Some(_) => {}
            None => {
                area::ActiveModel {
                    code: Set(code.clone()),
                    name: Set(name),
                    kind: Set(DISTRICT.to_owned()),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(db)
                .await?;
            }
        }
        insert_members(db, &code, members.into_iter().collect()).await?;
        done += 1;
    }
    Ok(done)
}

async fn insert_members(
    db: &impl ConnectionTrait,
    code: &str,
    members: Vec<Member>,
) -> std::result::Result<(), DbErr> {
    for chunk in members.chunks(500) {
        let rows = chunk.iter().map(|m| area_member::ActiveModel {
            area_code: Set(code.to_owned()),
            unit_code: Set(m.unit_code.clone()),
            valid_from: Set(m.valid_from),
            valid_to: Set(m.valid_to),
            ..Default::default()
        });
        area_member::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The areas `scope` may see (an area token: its own), by code.
pub async fn list(db: &impl ConnectionTrait, scope: &Scope) -> Result<Vec<area::Model>> {
    Ok(scope::apply(area::Entity::find(), scope)
        .order_by_asc(area::Column::Code)
        .all(db)
        .await?)
}

/// One area `scope` may see, or NOT_FOUND.
pub async fn require(db: &impl ConnectionTrait, scope: &Scope, code: &str) -> Result<area::Model> {
    scope::apply(area::Entity::find_by_id(code.to_owned()), scope)
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::not_found("area", code))
}

/// An area code that must exist (tokens, recipients), or INVALID_INPUT on `field` (the
/// code an unknown district got before areas).
pub async fn check_exists(
    db: &impl ConnectionTrait,
    code: &str,
    field: &'static str,
) -> Result<()> {
    match area::Entity::find_by_id(code.to_owned()).one(db).await? {
        Some(_) => Ok(()),
        None => Err(ServiceError::invalid(
            field,
            format!("unknown area code `{code}`"),
        )),
    }
}

/// The member rows of an area, by unit code and first day.
pub async fn members(db: &impl ConnectionTrait, code: &str) -> Result<Vec<area_member::Model>> {
    use area_member::Column as C;
    Ok(area_member::Entity::find()
        .filter(C::AreaCode.eq(code))
        .order_by_asc(C::UnitCode)
        .order_by_asc(C::ValidFrom)
        .order_by_asc(C::Id)
        .all(db)
        .await?)
}

/// The unit periods in force on `day` that the area holds on `day`, by code.
pub async fn units_on(
    db: &impl ConnectionTrait,
    code: &str,
    day: NaiveDate,
) -> Result<Vec<unit_period::Model>> {
    use unit_period::Column as P;
    let held = sea_orm::sea_query::Query::select()
        .column(area_member::Column::UnitCode)
        .from(area_member::Entity)
        .and_where(area_member::Column::AreaCode.eq(code))
        .and_where(
            Expr::col(area_member::Column::ValidFrom)
                .is_null()
                .or(Expr::col(area_member::Column::ValidFrom).lte(day)),
        )
        .and_where(
            Expr::col(area_member::Column::ValidTo)
                .is_null()
                .or(Expr::col(area_member::Column::ValidTo).gte(day)),
        )
        .to_owned();
    Ok(unit_period::Entity::find()
        .filter(P::ValidFrom.lte(day))
        .filter(P::ValidTo.is_null().or(P::ValidTo.gte(day)))
        .filter(P::Code.in_subquery(held))
        .order_by_asc(P::Code)
        .all(db)
        .await?)
}

/// The area codes holding any of these unit codes on some day (what a write to them
/// changes, for the per-scope data age).
pub async fn holding(db: &impl ConnectionTrait, units: &[&str]) -> Result<BTreeSet<String>> {
    if units.is_empty() {
        return Ok(BTreeSet::new());
    }
    Ok(area_member::Entity::find()
        .filter(area_member::Column::UnitCode.is_in(units.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.area_code)
        .collect())
}

fn check_code(code: &str) -> Result<String> {
    let code = code.trim();
    let ok = !code.is_empty()
        && code.chars().count() <= 40
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
    if ok {
        Ok(code.to_owned())
    } else {
        Err(ServiceError::invalid(
            "code",
            "must be 1 to 40 letters, digits, `-`, `_`, `.` or `@`",
        ))
    }
}

async fn refuse_taken(db: &impl ConnectionTrait, code: &str) -> Result<()> {
    if area::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .is_some()
    {
        return Err(ServiceError::Rejected {
            code: "DUPLICATE_AREA",
            field: "code",
            message: format!("an area with code `{code}` exists already"),
        });
    }
    Ok(())
}

/// Creates a custom area, with no member yet.
pub async fn create(db: &impl ConnectionTrait, code: &str, name: &str) -> Result<area::Model> {
    let code = check_code(code)?;
    let name = plausible::line("name", name, 200)?;
    refuse_taken(db, &code).await?;
    let now = Utc::now();
    Ok(area::ActiveModel {
        code: Set(code),
        name: Set(name),
        kind: Set(CUSTOM.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// The area of the one unit period of `unit_code` in force on `on` (made on first use):
/// code `<unit code>@<first day of the period>`, the unit's name.
pub async fn unit_area(
    db: &impl ConnectionTrait,
    unit_code: &str,
    on: NaiveDate,
) -> Result<area::Model> {
    use unit_period::Column as P;
    let period = unit_period::Entity::find()
        .filter(P::Code.eq(unit_code))
        .filter(P::ValidFrom.lte(on))
        .filter(P::ValidTo.is_null().or(P::ValidTo.gte(on)))
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::UnknownUnit(format!("{unit_code} on {on}")))?;
    let code = format!("{}@{}", period.code, period.valid_from);
    if let Some(a) = area::Entity::find_by_id(code.clone()).one(db).await? {
        return Ok(a);
    }
    let first = unit_period::Entity::find()
        .filter(P::ProvinceCode.eq(period.province_code.as_str()))
        .filter(P::ValidFrom.lt(period.valid_from))
        .count(db)
        .await?
        == 0;
    let now = Utc::now();
    let row = area::ActiveModel {
        code: Set(code.clone()),
        name: Set(period.name.clone()),
        kind: Set(UNIT.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    let member = Member {
        unit_code: period.code,
        valid_from: (!first).then_some(period.valid_from),
        valid_to: period.valid_to,
    };
    insert_members(db, &code, vec![member]).await?;
    Ok(row)
}

/// Renames an area.
pub async fn rename(db: &impl ConnectionTrait, code: &str, name: &str) -> Result<area::Model> {
    let name = plausible::line("name", name, 200)?;
    let row = require(db, &Scope::all(), code).await?;
    let mut active: area::ActiveModel = row.into();
    active.name = Set(name);
    active.updated_at = Set(Utc::now());
    Ok(active.update(db).await?)
}

/// Replaces a custom area's members. Each member is a unit code with inclusive days, and
/// must name a unit: some period of that code overlaps the days.
pub async fn set_members(
    db: &impl ConnectionTrait,
    code: &str,
    members: Vec<Member>,
) -> Result<area::Model> {
    let row = require(db, &Scope::all(), code).await?;
    if row.kind != CUSTOM {
        return Err(ServiceError::Rejected {
            code: "AREA_NOT_CUSTOM",
            field: "code",
            message: format!(
                "area `{code}` is a {} area, kept from the history; define a custom area",
                row.kind
            ),
        });
    }
    if members.len() > MAX_MEMBERS {
        return Err(ServiceError::invalid(
            "members",
            format!("at most {MAX_MEMBERS} members"),
        ));
    }
    for m in &members {
        if let (Some(from), Some(to)) = (m.valid_from, m.valid_to)
            && to < from
        {
            return Err(ServiceError::InvalidDateRange {
                field: "validTo",
                start: from,
                end: to,
            });
        }
        plausible::optional_date("validFrom", m.valid_from)?;
        plausible::optional_date("validTo", m.valid_to)?;
        check_unit(db, m).await?;
    }
    area_member::Entity::delete_many()
        .filter(area_member::Column::AreaCode.eq(code))
        .exec(db)
        .await?;
    let unique: BTreeSet<Member> = members.into_iter().collect();
    insert_members(db, code, unique.into_iter().collect()).await?;
    touched(db, code).await?;
    let mut active: area::ActiveModel = row.into();
    active.updated_at = Set(Utc::now());
    Ok(active.update(db).await?)
}

/// Refuses a member whose code has no unit period overlapping its days.
async fn check_unit(db: &impl ConnectionTrait, m: &Member) -> Result<()> {
    use unit_period::Column as P;
    let mut q = unit_period::Entity::find().filter(P::Code.eq(m.unit_code.as_str()));
    if let Some(to) = m.valid_to {
        q = q.filter(P::ValidFrom.lte(to));
    }
    if let Some(from) = m.valid_from {
        q = q.filter(P::ValidTo.is_null().or(P::ValidTo.gte(from)));
    }
    if q.count(db).await? == 0 {
        let days = match (m.valid_from, m.valid_to) {
            (None, None) => String::new(),
            (f, t) => format!(
                " between {} and {}",
                f.map_or("the start".into(), |d| d.to_string()),
                t.map_or("today".into(), |d| d.to_string())
            ),
        };
        return Err(ServiceError::UnknownUnit(format!("{}{days}", m.unit_code)));
    }
    Ok(())
}

/// A change of what an area holds: the caches of that area's scope must reload.
async fn touched(db: &impl ConnectionTrait, code: &str) -> Result<()> {
    version::bump_scope(db, code, Utc::now()).await?;
    Ok(())
}

/// Deletes a custom or unit area no token or recipient uses.
pub async fn delete(db: &impl ConnectionTrait, code: &str) -> Result<area::Model> {
    let row = require(db, &Scope::all(), code).await?;
    if row.kind == DISTRICT {
        return Err(ServiceError::Rejected {
            code: "AREA_NOT_CUSTOM",
            field: "code",
            message: format!("area `{code}` is a district area, kept from the history"),
        });
    }
    let tokens = api_token::Entity::find()
        .filter(api_token::Column::AreaCode.eq(code))
        .count(db)
        .await?;
    let recipients = report_recipient::Entity::find()
        .filter(report_recipient::Column::AreaCode.eq(code))
        .count(db)
        .await?;
    if tokens + recipients > 0 {
        return Err(ServiceError::Rejected {
            code: "AREA_IN_USE",
            field: "code",
            message: format!(
                "area `{code}` is the scope of {tokens} token(s) and {recipients} report recipient(s)"
            ),
        });
    }
    area_member::Entity::delete_many()
        .filter(area_member::Column::AreaCode.eq(code))
        .exec(db)
        .await?;
    area::Entity::delete_by_id(code.to_owned()).exec(db).await?;
    touched(db, code).await?;
    Ok(row)
}
