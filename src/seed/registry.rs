//! The code registry and the unit periods kept in step, the last stage of the seed flow
//! before commit. The unit of record is the period (`unit_period`: a code over a period);
//! the `unit` table is the registry of every code ever used, which the facts' foreign
//! keys point at. So: every generated unit (a synthetic tier's, or a demo unit the
//! history does not hold) gets a period, and every code of the history gets a registry
//! row (Kon Tum's 2024 units, a code first used in 2025), with its province and district.

use std::collections::{BTreeMap, BTreeSet};

use entity::{district, province, unit, unit_lineage, unit_period};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter,
};

use super::error::SeedError;
use super::insert;
use super::reference::{self, ReferenceSet};
use crate::domain::UnitKind;
use crate::text::fold;

/// Brings `unit` and `unit_period` in step (idempotent). Returns the rows written.
pub(crate) async fn sync(txn: &DatabaseTransaction) -> Result<u64, SeedError> {
    let units = unit::Entity::find().all(txn).await?;
    let periods = unit_period::Entity::find().all(txn).await?;
    let known: BTreeSet<&str> = periods.iter().map(|p| p.code.as_str()).collect();
    let next = periods.iter().map(|p| p.id).max().unwrap_or(0);
    let new_periods: Vec<unit_period::Model> = units
        .iter()
        .filter(|u| !known.contains(u.code.as_str()))
        .zip(next + 1..)
        .map(|(u, id)| unit_period::Model {
            id,
            code: u.code.clone(),
            valid_from: u.valid_from,
            // the registry's end is the first day out of force; a period's, the last in force
            valid_to: u.valid_to.and_then(|d| d.pred_opt()),
            name: u.name.clone(),
            name_en: u.name_en.clone(),
            search_name: u.search_name.clone(),
            kind: u.kind.clone(),
            district_code: Some(u.district_code.clone()),
            district_name: None,
            province_code: u.province_code.clone(),
        })
        .collect();
    let registered: BTreeSet<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let missing: BTreeMap<&str, &unit_period::Model> = periods
        .iter()
        .filter(|p| !registered.contains(p.code.as_str()))
        .fold(BTreeMap::new(), |mut first, p| {
            // the code's earliest period describes it in the registry
            let e = first.entry(p.code.as_str()).or_insert(p);
            if p.valid_from < e.valid_from {
                *e = p;
            }
            first
        });
    let written = (new_periods.len() + missing.len()) as u64;
    if !missing.is_empty() {
        let rows = registry_rows(txn, &missing).await?;
        ensure_places(txn, &rows).await?;
        insert::insert_all::<unit::Entity>(txn, rows).await?;
    }
    if !new_periods.is_empty() {
        insert::insert_all::<unit_period::Entity>(txn, new_periods).await?;
        if txn.get_database_backend() == DbBackend::Postgres {
            insert::advance_sequence(txn, unit_period::Entity).await?;
        }
    }
    Ok(written)
}

/// Registry rows for codes only the history knows: the district is the period's own, or
/// (a unit of 1 Jul 2025, without districts) that of its first predecessor, or the
/// district it was made from (Lý Sơn).
async fn registry_rows(
    txn: &DatabaseTransaction,
    missing: &BTreeMap<&str, &unit_period::Model>,
) -> Result<Vec<unit::Model>, SeedError> {
    let codes: Vec<String> = missing.keys().map(|c| (*c).to_owned()).collect();
    let links = unit_lineage::Entity::find()
        .filter(unit_lineage::Column::ToCode.is_in(codes))
        .all(txn)
        .await?;
    let periods = unit_period::Entity::find().all(txn).await?;
    let district_of = |code: &str, from: chrono::NaiveDate| -> Option<String> {
        periods
            .iter()
            .find(|p| p.code == code && p.valid_from == from)
            .and_then(|p| p.district_code.clone())
    };
    missing
        .values()
        .map(|p| {
            let district = p.district_code.clone().or_else(|| {
                let mut ls: Vec<&unit_lineage::Model> = links
                    .iter()
                    .filter(|l| l.to_code.as_deref() == Some(&p.code))
                    .filter(|l| l.to_valid_from == Some(p.valid_from))
                    .collect();
                ls.sort_by_key(|l| (l.from_code.clone(), l.id));
                ls.iter()
                    .find_map(|l| match (&l.from_code, l.from_valid_from) {
                        (Some(c), Some(f)) => district_of(c, f),
                        _ => l.from_district_code.clone(),
                    })
            });
            let district = district.ok_or_else(|| {
                SeedError::InvalidReference(format!("unit {} has no district to register", p.code))
            })?;
            Ok(unit::Model {
                code: p.code.clone(),
                district_code: district,
                province_code: p.province_code.clone(),
                name: p.name.clone(),
                name_en: UnitKind::from_code(&p.kind)
                    .map_or_else(|| p.name.clone(), |k| k.english_name(&p.name)),
                search_name: fold(&p.name),
                kind: p.kind.clone(),
                valid_from: p.valid_from,
                valid_to: None,
            })
        })
        .collect()
}

/// The provinces and districts the registry rows point at (Kon Tum's, from the national
/// list), added when absent.
async fn ensure_places(txn: &DatabaseTransaction, rows: &[unit::Model]) -> Result<(), SeedError> {
    let have_d: BTreeSet<String> = district::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|d| d.code)
        .collect();
    let need: BTreeSet<&str> = rows
        .iter()
        .map(|r| r.district_code.as_str())
        .filter(|d| !have_d.contains(*d))
        .collect();
    if need.is_empty() {
        return Ok(());
    }
    let have_p: BTreeSet<String> = province::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|p| p.code)
        .collect();
    let national = reference::load(ReferenceSet::National)?;
    let valid_from = rows.iter().map(|r| r.valid_from).min().unwrap_or_default();
    let (mut provinces, mut districts) = (Vec::new(), Vec::new());
    for p in &national {
        let ds: Vec<_> = p
            .districts
            .iter()
            .filter(|d| need.contains(d.code.as_str()))
            .collect();
        if ds.is_empty() {
            continue;
        }
        if !have_p.contains(&p.code) {
            provinces.push(province::Model {
                code: p.code.clone(),
                name: p.name.clone(),
                kind: p.kind.clone(),
            });
        }
        for d in ds {
            districts.push(district::Model {
                code: d.code.clone(),
                province_code: p.code.clone(),
                name: d.name.clone(),
                kind: d.kind.clone(),
                valid_from,
                valid_to: None,
            });
        }
    }
    for (code, name, province) in super::national::communeless_districts()? {
        if need.contains(code.as_str()) && !districts.iter().any(|d| d.code == code) {
            let listed = have_p.contains(&province) || provinces.iter().any(|p| p.code == province);
            if let (false, Some(p)) = (listed, national.iter().find(|p| p.code == province)) {
                provinces.push(province::Model {
                    code: p.code.clone(),
                    name: p.name.clone(),
                    kind: p.kind.clone(),
                });
            }
            districts.push(district::Model {
                code,
                province_code: province,
                name,
                kind: "huyện".to_owned(),
                valid_from,
                valid_to: None,
            });
        }
    }
    insert::insert_all::<province::Entity>(txn, provinces).await?;
    insert::insert_all::<district::Entity>(txn, districts).await?;
    Ok(())
}
