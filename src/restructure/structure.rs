//! The units' side of a restructuring (after `check`): the successor periods the plan
//! describes are created, the predecessor periods still open end on D-1 (inclusive,
//! like every `valid_to`), the lineage links not stored yet are added, and the
//! province's edition of D is created (the previous one ending on D-1) when the plan
//! created units. What is stored already is used as is, so a second run adds nothing.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use entity::{unit_edition, unit_lineage, unit_period};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, sea_query::Expr,
};

use super::check::Resolved;
use super::plan::{PlanLine, Share};
use crate::service::Result;

/// What the units' side changes (or would change).
#[derive(Clone, Debug, Default)]
pub struct StructureChanges {
    /// Successor periods created: `code name`.
    pub periods_created: Vec<String>,
    /// Predecessor periods ended on D-1.
    pub periods_ended: Vec<String>,
    /// Lineage links added.
    pub links_added: usize,
    /// Editions created (province codes).
    pub editions_created: Vec<String>,
    /// Editions ended on D-1 (province codes).
    pub editions_ended: Vec<String>,
}

impl StructureChanges {
    /// Whether anything changes.
    pub fn any(&self) -> bool {
        !(self.periods_created.is_empty()
            && self.periods_ended.is_empty()
            && self.links_added == 0
            && self.editions_created.is_empty()
            && self.editions_ended.is_empty())
    }
}

type LinkKey = (
    Option<String>,
    Option<NaiveDate>,
    Option<String>,
    Option<String>,
    Option<NaiveDate>,
);

fn key_of(l: &unit_lineage::Model) -> LinkKey {
    (
        l.from_code.clone(),
        l.from_valid_from,
        l.from_district_code.clone(),
        l.to_code.clone(),
        l.to_valid_from,
    )
}

/// The link a plan line stands for.
fn link(r: &Resolved, l: &PlanLine, inbound: &BTreeMap<&str, usize>) -> unit_lineage::Model {
    let change = l.change.clone().unwrap_or_else(|| {
        if l.from.is_none() {
            "district_to_unit"
        } else if l.share == Share::Part {
            "split"
        } else if l.to.as_deref().and_then(|t| inbound.get(t)).copied() > Some(1) {
            "merged"
        } else {
            "continued"
        }
        .to_owned()
    });
    unit_lineage::Model {
        id: 0,
        from_code: l.from.clone(),
        from_valid_from: l
            .from
            .as_ref()
            .and_then(|f| r.preds.get(f))
            .map(|p| p.valid_from),
        from_district_code: l.from_district.clone(),
        to_code: l.to.clone(),
        to_valid_from: l.to.as_ref().map(|_| r.day),
        share: l.share.code().to_owned(),
        change,
        resolution: l.resolution.clone(),
        clause: l.clause.clone(),
        effective_on: r.day,
        note: l.note.clone(),
    }
}

/// Computes the units' changes and, when `write`, makes them.
pub async fn apply(
    db: &impl ConnectionTrait,
    r: &Resolved,
    write: bool,
) -> Result<StructureChanges> {
    let eve = r.day.pred_opt().unwrap_or(r.day);
    let mut out = StructureChanges::default();
    // Periods.
    let created: Vec<unit_period::Model> = r.created().cloned().collect();
    out.periods_created = created
        .iter()
        .map(|p| format!("{} {}", p.code, p.name))
        .collect();
    let ending: Vec<&unit_period::Model> =
        r.preds.values().filter(|p| p.valid_to.is_none()).collect();
    out.periods_ended = ending
        .iter()
        .map(|p| format!("{} {}", p.code, p.name))
        .collect();
    // Links.
    let stored: BTreeSet<LinkKey> = unit_lineage::Entity::find()
        .filter(unit_lineage::Column::EffectiveOn.eq(r.day))
        .all(db)
        .await?
        .iter()
        .map(key_of)
        .collect();
    let mut inbound: BTreeMap<&str, usize> = BTreeMap::new();
    for l in &r.lines {
        if let Some(t) = &l.to {
            *inbound.entry(t).or_default() += 1;
        }
    }
    let mut new_links = Vec::new();
    let mut keys = stored;
    for l in &r.lines {
        let m = link(r, l, &inbound);
        if keys.insert(key_of(&m)) {
            new_links.push(m);
        }
    }
    out.links_added = new_links.len();
    // Editions.
    let provinces: BTreeSet<&str> = r
        .succs
        .values()
        .chain(r.preds.values())
        .map(|p| p.province_code.as_str())
        .collect();
    let mut edition_writes = Vec::new();
    for province in provinces {
        let editions = unit_edition::Entity::find()
            .filter(unit_edition::Column::ProvinceCode.eq(province))
            .all(db)
            .await?;
        let in_force = unit_period::Entity::find()
            .filter(unit_period::Column::ProvinceCode.eq(province))
            .filter(unit_period::Column::ValidFrom.lte(r.day))
            .filter(
                sea_orm::Condition::any()
                    .add(unit_period::Column::ValidTo.is_null())
                    .add(unit_period::Column::ValidTo.gte(r.day)),
            )
            .all(db)
            .await?;
        let ended: BTreeSet<i32> = ending.iter().map(|p| p.id).collect();
        let count = in_force.iter().filter(|p| !ended.contains(&p.id)).count()
            + created
                .iter()
                .filter(|p| p.province_code == province)
                .count();
        let has_new = editions.iter().any(|e| e.valid_from == r.day);
        let creates = !has_new && created.iter().any(|p| p.province_code == province);
        if creates {
            out.editions_created.push(province.to_owned());
        }
        let open: Vec<i32> = editions
            .iter()
            .filter(|e| e.valid_from < r.day && e.valid_to.is_none_or(|t| t > eve))
            .map(|e| e.id)
            .collect();
        if !open.is_empty() && (has_new || creates || count == 0) {
            out.editions_ended.push(province.to_owned());
        }
        let act = r.lines.iter().find_map(|l| l.resolution.clone());
        edition_writes.push((
            province.to_owned(),
            creates,
            open,
            has_new || creates || count == 0,
            count,
            act,
        ));
    }
    if !write {
        return Ok(out);
    }
    for p in created {
        register(db, r, &p).await?;
        let mut a = p.into_active_model();
        a.id = NotSet;
        a.insert(db).await?;
    }
    if !ending.is_empty() {
        unit_period::Entity::update_many()
            .col_expr(unit_period::Column::ValidTo, Expr::value(eve))
            .filter(unit_period::Column::Id.is_in(ending.iter().map(|p| p.id)))
            .exec(db)
            .await?;
    }
    for chunk in new_links.chunks(500) {
        let rows = chunk.iter().cloned().map(|m| {
            let mut a = m.into_active_model();
            a.id = NotSet;
            a
        });
        unit_lineage::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    for (province, creates, open, end_open, count, act) in edition_writes {
        if end_open && !open.is_empty() {
            unit_edition::Entity::update_many()
                .col_expr(unit_edition::Column::ValidTo, Expr::value(eve))
                .filter(unit_edition::Column::Id.is_in(open))
                .exec(db)
                .await?;
        }
        if creates {
            let row = unit_edition::ActiveModel {
                id: NotSet,
                province_code: sea_orm::Set(province),
                valid_from: sea_orm::Set(r.day),
                valid_to: sea_orm::Set(None),
                act: sea_orm::Set(act.unwrap_or_else(|| format!("restructuring of {}", r.day))),
                unit_count: sea_orm::Set(i32::try_from(count).unwrap_or(i32::MAX)),
            };
            row.insert(db).await?;
        }
    }
    Ok(out)
}

/// A code used for the first time gets its row in the registry of unit codes (`unit`,
/// which the facts' foreign keys point at): its district is its own, else that of one of
/// its predecessors (a registry row's district is where the code was first known).
async fn register(db: &impl ConnectionTrait, r: &Resolved, p: &unit_period::Model) -> Result<()> {
    use entity::unit;
    if unit::Entity::find_by_id(p.code.clone())
        .one(db)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let from_preds = r
        .lines
        .iter()
        .filter(|l| l.to.as_deref() == Some(p.code.as_str()))
        .filter_map(|l| l.from.as_ref())
        .filter_map(|c| r.preds.get(c));
    let mut district = p.district_code.clone();
    for pred in from_preds {
        if district.is_some() {
            break;
        }
        district = match &pred.district_code {
            Some(d) => Some(d.clone()),
            None => unit::Entity::find_by_id(pred.code.clone())
                .one(db)
                .await?
                .map(|u| u.district_code),
        };
    }
    let Some(district_code) = district else {
        return Ok(());
    };
    use sea_orm::Set;
    unit::ActiveModel {
        code: Set(p.code.clone()),
        district_code: Set(district_code),
        province_code: Set(p.province_code.clone()),
        name: Set(p.name.clone()),
        name_en: Set(p.name_en.clone()),
        search_name: Set(p.search_name.clone()),
        kind: Set(p.kind.clone()),
        valid_from: Set(p.valid_from),
        valid_to: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}
