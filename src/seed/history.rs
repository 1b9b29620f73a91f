//! The administrative history, a side input of the seed flow: the embedded
//! restructuring CSVs (`data/units/restructuring/`) and the 2024 lists parsed into
//! editions, unit periods and lineage links, checked, then written once into
//! `unit_edition`, `unit_period` and `unit_lineage` (read by `service::history`).
//! Reference data only: the `unit` table and the facts still use the 2024 units.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use entity::{unit_edition, unit_lineage, unit_period};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, PaginatorTrait};
use serde::Deserialize;

use super::error::SeedError;
use super::insert;
use super::reference::{self, ReferenceSet};
use crate::domain::UnitKind;

const TO_2025_01: &str = include_str!("../../data/units/restructuring/qn_2024_to_2025-01-01.csv");
const TO_2025_07: &str =
    include_str!("../../data/units/restructuring/qn_2025-01-01_to_2025-07-01.csv");
const UNITS_2025_07: &str = include_str!("../../data/units/restructuring/qn_units_2025-07-01.csv");

/// Tỉnh Quảng Ngãi (also the merged province since 1 Jul 2025).
pub const QUANG_NGAI: &str = "51";
/// Tỉnh Kon Tum (until 30 Jun 2025).
pub const KON_TUM: &str = "62";

fn day(y: i32, m: u32, d: u32) -> Result<NaiveDate, SeedError> {
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| SeedError::InvalidReference(format!("bad date {y}-{m}-{d}")))
}

/// An edition as declared here: province, first day, last day (inclusive), the act.
type EditionDef = (&'static str, NaiveDate, Option<NaiveDate>, &'static str);

/// The editions. Their unit counts come from the data, not from here.
fn edition_defs() -> Result<[EditionDef; 4], SeedError> {
    Ok([
        // 173 units since Resolution 867/NQ-UBTVQH14 took effect (1 Feb 2020).
        (
            QUANG_NGAI,
            day(2020, 2, 1)?,
            Some(day(2024, 12, 31)?),
            "867/NQ-UBTVQH14",
        ),
        // Kon Tum's 102 units: from the date of the national list they come from.
        (
            KON_TUM,
            day(2024, 5, 1)?,
            Some(day(2025, 6, 30)?),
            "GSO list of 2024-05-01 (1013/NQ-UBTVQH15)",
        ),
        (
            QUANG_NGAI,
            day(2025, 1, 1)?,
            Some(day(2025, 6, 30)?),
            "1279/NQ-UBTVQH15",
        ),
        (
            QUANG_NGAI,
            day(2025, 7, 1)?,
            None,
            "1677/NQ-UBTVQH15; 202/2025/QH15",
        ),
    ])
}

/// Everything the loader writes.
#[derive(Debug, Default)]
pub(crate) struct History {
    pub editions: Vec<unit_edition::Model>,
    pub periods: Vec<unit_period::Model>,
    pub links: Vec<unit_lineage::Model>,
}

#[derive(Deserialize)]
struct Row2025Jan {
    code_2024: String,
    code_2025_01_01: String,
    share: String,
    change: String,
    resolution: String,
    effective_date: NaiveDate,
    note: String,
}

#[derive(Deserialize)]
struct Row2025Jul {
    code_2025_01_01: String,
    name_2025_01_01: String,
    district_code: String,
    district_name: String,
    code_2025_07_01: String,
    share: String,
    resolution: String,
    clause: String,
    effective_date: NaiveDate,
}

#[derive(Deserialize)]
struct RowUnit2025 {
    code_2025_07_01: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    from_old_province: String,
    predecessor_codes: String,
    clause_1677: String,
}

fn rows<T: for<'de> Deserialize<'de>>(csv_text: &str, file: &str) -> Result<Vec<T>, SeedError> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .deserialize::<T>()
        .enumerate()
        .map(|(i, r)| {
            r.map_err(|e| SeedError::InvalidReference(format!("{file} data row {}: {e}", i + 1)))
        })
        .collect()
}

fn invalid(why: String) -> SeedError {
    SeedError::InvalidReference(why)
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn share(s: &str) -> Result<&'static str, SeedError> {
    match s {
        "full" => Ok("whole"),
        "part" => Ok("part"),
        other => Err(invalid(format!("unknown share `{other}`"))),
    }
}

fn kind(label: &str, what: &str) -> Result<String, SeedError> {
    UnitKind::from_vi(label)
        .map(|k| k.code().to_owned())
        .ok_or_else(|| invalid(format!("{what}: unknown unit type `{label}`")))
}

/// Parses and checks the embedded history (no database involved).
pub(crate) fn parse() -> Result<History, SeedError> {
    let defs = edition_defs()?;
    let [qn_2024, kt_2024, qn_2025_01, qn_2025_07] = defs;
    let mut h = History::default();
    let period = |code: &str,
                  def: &EditionDef,
                  name: &str,
                  kind: String,
                  district: Option<(String, String)>| unit_period::Model {
        id: 0,
        code: code.to_owned(),
        valid_from: def.1,
        valid_to: def.2,
        name: name.to_owned(),
        name_en: UnitKind::from_code(&kind)
            .map_or_else(|| crate::text::ascii_name(name), |k| k.english_name(name)),
        search_name: crate::text::fold(name),
        kind,
        district_code: district.as_ref().map(|d| d.0.clone()),
        district_name: district.map(|d| d.1),
        province_code: def.0.to_owned(),
    };

    // 2024: Quảng Ngãi's 173 and Kon Tum's 102, from the 2024 lists.
    let national = reference::load(ReferenceSet::National)?;
    let qn = reference::load(ReferenceSet::QuangNgai)?;
    for (def, list) in [(&qn_2024, &qn), (&kt_2024, &national)] {
        for p in list.iter().filter(|p| p.code == def.0) {
            for d in &p.districts {
                for u in &d.units {
                    h.periods.push(period(
                        &u.code,
                        def,
                        &u.name,
                        u.kind.code().to_owned(),
                        Some((d.code.clone(), d.name.clone())),
                    ));
                }
            }
        }
    }

    // 1 Jan 2025: the 170 units (names and districts from the 170 -> 96 file).
    let jul = rows::<Row2025Jul>(TO_2025_07, "qn_2025-01-01_to_2025-07-01.csv")?;
    let mut seen = BTreeSet::new();
    for r in jul.iter().filter(|r| !r.code_2025_01_01.is_empty()) {
        if seen.insert(r.code_2025_01_01.clone()) {
            let k = UnitKind::from_name(&r.name_2025_01_01)
                .ok_or_else(|| invalid(format!("no kind in name `{}`", r.name_2025_01_01)))?;
            h.periods.push(period(
                &r.code_2025_01_01,
                &qn_2025_01,
                &r.name_2025_01_01,
                k.code().to_owned(),
                Some((r.district_code.clone(), r.district_name.clone())),
            ));
        }
    }

    // 1 Jul 2025: the 96 units of the merged province (no district level).
    let units = rows::<RowUnit2025>(UNITS_2025_07, "qn_units_2025-07-01.csv")?;
    for u in &units {
        let k = kind(&u.kind, &u.code_2025_07_01)?;
        h.periods
            .push(period(&u.code_2025_07_01, &qn_2025_07, &u.name, k, None));
    }

    // Lineage 173 -> 170 (Resolution 1279/NQ-UBTVQH15).
    for r in rows::<Row2025Jan>(TO_2025_01, "qn_2024_to_2025-01-01.csv")? {
        let to = opt(&r.code_2025_01_01);
        h.links.push(unit_lineage::Model {
            id: 0,
            from_code: Some(r.code_2024),
            from_valid_from: Some(qn_2024.1),
            from_district_code: None,
            to_valid_from: to.as_ref().map(|_| qn_2025_01.1),
            to_code: to,
            share: share(&r.share)?.to_owned(),
            change: r.change,
            resolution: opt(&r.resolution),
            clause: None,
            effective_on: r.effective_date,
            note: opt(&r.note),
        });
    }

    // Lineage 170 (and Lý Sơn district) -> 56, and Kon Tum's 102 -> 40 (1677/NQ-UBTVQH15).
    let mut links_1677 = Vec::new();
    for r in &jul {
        let from_unit = opt(&r.code_2025_01_01);
        links_1677.push(unit_lineage::Model {
            id: 0,
            from_valid_from: from_unit.as_ref().map(|_| qn_2025_01.1),
            from_district_code: match from_unit {
                Some(_) => None,
                None => Some(r.district_code.clone()),
            },
            from_code: from_unit,
            to_code: Some(r.code_2025_07_01.clone()),
            to_valid_from: Some(qn_2025_07.1),
            share: share(&r.share)?.to_owned(),
            change: String::new(),
            resolution: opt(&r.resolution),
            clause: opt(&r.clause),
            effective_on: r.effective_date,
            note: None,
        });
    }
    for u in units.iter().filter(|u| u.from_old_province == KON_TUM) {
        for p in u.predecessor_codes.split(';') {
            let (code, part) = match p.strip_suffix("(part)") {
                Some(code) => (code, true),
                None => (p, false),
            };
            links_1677.push(unit_lineage::Model {
                id: 0,
                from_code: Some(code.trim().to_owned()),
                from_valid_from: Some(kt_2024.1),
                from_district_code: None,
                to_code: Some(u.code_2025_07_01.clone()),
                to_valid_from: Some(qn_2025_07.1),
                share: if part { "part" } else { "whole" }.to_owned(),
                change: String::new(),
                resolution: Some("1677/NQ-UBTVQH15".to_owned()),
                clause: opt(&u.clause_1677),
                effective_on: qn_2025_07.1,
                note: None,
            });
        }
    }
    // The change of a 1677 link follows from the data: a district that became a unit,
    // a split unit, a merger (several predecessors) or a unit carried on alone.
    let mut inbound: BTreeMap<String, usize> = BTreeMap::new();
    for l in &links_1677 {
        if let Some(to) = &l.to_code {
            *inbound.entry(to.clone()).or_default() += 1;
        }
    }
    for mut l in links_1677 {
        l.change = if l.from_district_code.is_some() {
            "district_to_unit"
        } else if l.share == "part" {
            "split"
        } else if l.to_code.as_ref().and_then(|t| inbound.get(t)).copied() > Some(1) {
            "merged"
        } else {
            "continued"
        }
        .to_owned();
        h.links.push(l);
    }

    // Editions, counted from the periods.
    for (province, from, to, act) in defs {
        let count = h
            .periods
            .iter()
            .filter(|p| p.province_code == province && p.valid_from == from)
            .count();
        h.editions.push(unit_edition::Model {
            id: 0,
            province_code: province.to_owned(),
            valid_from: from,
            valid_to: to,
            act: act.to_owned(),
            unit_count: i32::try_from(count).map_err(|_| invalid("too many units".into()))?,
        });
    }
    check(&h)?;
    for (i, p) in h.periods.iter_mut().enumerate() {
        p.id = id(i)?;
    }
    for (i, l) in h.links.iter_mut().enumerate() {
        l.id = id(i)?;
    }
    for (i, e) in h.editions.iter_mut().enumerate() {
        e.id = id(i)?;
    }
    Ok(h)
}

fn id(i: usize) -> Result<i32, SeedError> {
    i32::try_from(i + 1).map_err(|_| invalid("too many rows".into()))
}

/// Every link's ends are periods (or a district / an unknown successor); every period but
/// the latest edition's has a successor link, every period but the first ones a predecessor.
fn check(h: &History) -> Result<(), SeedError> {
    let keys: BTreeSet<(&str, NaiveDate)> = h
        .periods
        .iter()
        .map(|p| (p.code.as_str(), p.valid_from))
        .collect();
    if keys.len() != h.periods.len() {
        return Err(invalid("a unit period appears twice".into()));
    }
    let mut has_next = BTreeSet::new();
    let mut has_prev = BTreeSet::new();
    for l in &h.links {
        if let (Some(c), Some(d)) = (&l.from_code, l.from_valid_from) {
            if !keys.contains(&(c.as_str(), d)) {
                return Err(invalid(format!("lineage from unknown unit {c} of {d}")));
            }
            has_next.insert((c.as_str(), d));
        }
        if let (Some(c), Some(d)) = (&l.to_code, l.to_valid_from) {
            if !keys.contains(&(c.as_str(), d)) {
                return Err(invalid(format!("lineage to unknown unit {c} of {d}")));
            }
            has_prev.insert((c.as_str(), d));
        }
    }
    for p in &h.periods {
        let key = (p.code.as_str(), p.valid_from);
        if p.valid_to.is_some() && !has_next.contains(&key) {
            return Err(invalid(format!(
                "{} of {} has no successor",
                p.code, p.valid_from
            )));
        }
        let first = h
            .editions
            .iter()
            .filter(|e| e.province_code == p.province_code)
            .map(|e| e.valid_from)
            .min();
        if first != Some(p.valid_from) && p.province_code == QUANG_NGAI && !has_prev.contains(&key)
        {
            return Err(invalid(format!(
                "{} of {} has no predecessor",
                p.code, p.valid_from
            )));
        }
    }
    Ok(())
}

/// Writes the history unless it is there already (idempotent). Returns the periods written.
pub(crate) async fn ensure(txn: &DatabaseTransaction) -> Result<u64, SeedError> {
    if unit_edition::Entity::find().count(txn).await? > 0 {
        return fill_names(txn).await;
    }
    let h = parse()?;
    let written = h.periods.len() as u64;
    insert::insert_all::<unit_edition::Entity>(txn, h.editions).await?;
    insert::insert_all::<unit_period::Entity>(txn, h.periods).await?;
    insert::insert_all::<unit_lineage::Entity>(txn, h.links).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        insert::advance_sequence(txn, unit_edition::Entity).await?;
        insert::advance_sequence(txn, unit_period::Entity).await?;
        insert::advance_sequence(txn, unit_lineage::Entity).await?;
    }
    Ok(written)
}

/// Periods written before they had an English and a search name get them (once).
async fn fill_names(txn: &DatabaseTransaction) -> Result<u64, SeedError> {
    use sea_orm::{ActiveModelTrait, ColumnTrait, IntoActiveModel, QueryFilter, Set};
    let unnamed = unit_period::Entity::find()
        .filter(unit_period::Column::SearchName.eq(""))
        .all(txn)
        .await?;
    let n = unnamed.len() as u64;
    for p in unnamed {
        let name_en = UnitKind::from_code(&p.kind).map_or_else(
            || crate::text::ascii_name(&p.name),
            |k| k.english_name(&p.name),
        );
        let search = crate::text::fold(&p.name);
        let mut am = p.into_active_model();
        am.name_en = Set(name_en);
        am.search_name = Set(search);
        am.update(txn).await?;
    }
    Ok(n)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn count(h: &History, province: &str, from: NaiveDate) -> usize {
        h.periods
            .iter()
            .filter(|p| p.province_code == province && p.valid_from == from)
            .count()
    }

    #[test]
    fn editions_count_their_units_from_the_data() {
        let h = parse().unwrap();
        let counts: Vec<(String, NaiveDate, i32)> = h
            .editions
            .iter()
            .map(|e| (e.province_code.clone(), e.valid_from, e.unit_count))
            .collect();
        assert_eq!(
            counts,
            [
                ("51".into(), day(2020, 2, 1).unwrap(), 173),
                ("62".into(), day(2024, 5, 1).unwrap(), 102),
                ("51".into(), day(2025, 1, 1).unwrap(), 170),
                ("51".into(), day(2025, 7, 1).unwrap(), 96),
            ]
        );
        assert_eq!(count(&h, "51", day(2025, 7, 1).unwrap()), 96);
    }

    #[test]
    fn the_170_match_the_targets_of_the_first_step() {
        let targets: BTreeSet<String> = rows::<Row2025Jan>(TO_2025_01, "f")
            .unwrap()
            .into_iter()
            .filter_map(|r| opt(&r.code_2025_01_01))
            .collect();
        let h = parse().unwrap();
        let periods: BTreeSet<String> = h
            .periods
            .iter()
            .filter(|p| p.valid_from == day(2025, 1, 1).unwrap())
            .map(|p| p.code.clone())
            .collect();
        assert_eq!(targets, periods);
    }

    #[test]
    fn the_quang_ngai_predecessors_of_the_96_agree_with_the_mapping() {
        let h = parse().unwrap();
        for u in rows::<RowUnit2025>(UNITS_2025_07, "f").unwrap() {
            if u.from_old_province != QUANG_NGAI {
                continue;
            }
            let mut listed: Vec<String> = u
                .predecessor_codes
                .split(';')
                .map(|p| p.replace("(part)", ""))
                .collect();
            listed.sort();
            let mut linked: Vec<String> = h
                .links
                .iter()
                .filter(|l| l.to_code.as_deref() == Some(u.code_2025_07_01.as_str()))
                .filter(|l| l.effective_on == day(2025, 7, 1).unwrap())
                .map(|l| match (&l.from_code, &l.from_district_code) {
                    (Some(c), _) => c.clone(),
                    (None, Some(d)) => format!("D{d}"),
                    (None, None) => String::new(),
                })
                .collect();
            linked.sort();
            assert_eq!(listed, linked, "{}", u.code_2025_07_01);
        }
    }

    #[test]
    fn a_missing_link_or_a_dangling_end_is_refused() {
        let mut h = parse().unwrap();
        assert!(check(&h).is_ok());
        // Xã Trà Bùi's two links out of its 2025-01 period gone: no successor.
        h.links.retain(|l| {
            !(l.from_code.as_deref() == Some("21142") && l.effective_on == day(2025, 7, 1).unwrap())
        });
        let err = check(&h).unwrap_err().to_string();
        assert!(err.contains("21142"), "{err}");
        let mut h = parse().unwrap();
        h.links[0].to_code = Some("99999".into());
        assert!(check(&h).unwrap_err().to_string().contains("99999"));
    }

    #[test]
    fn kinds_come_from_names_where_no_type_is_given() {
        assert_eq!(
            UnitKind::from_name("Thị trấn Tịnh Hà"),
            Some(UnitKind::ThiTran)
        );
        assert_eq!(
            UnitKind::from_name("Đặc khu Lý Sơn"),
            Some(UnitKind::DacKhu)
        );
        assert_eq!(UnitKind::from_name("Huyện Lý Sơn"), None);
        let h = parse().unwrap();
        let tinh_ha = h
            .periods
            .iter()
            .find(|p| p.code == "21220" && p.valid_from == day(2025, 1, 1).unwrap())
            .unwrap();
        assert_eq!(tinh_ha.kind, "thi_tran");
    }
}
