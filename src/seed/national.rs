//! The administrative history of the synthetic tiers, the last stage of their seed flow
//! (after the 2024 facts and the code registry are written, in the same transaction):
//! the tier's units go through the 2025 restructurings with the same operation a
//! province admin runs (`crate::restructure`), so the facts follow the units exactly as
//! in the demo (postings at an abolished unit end the day before and start at its
//! successor, one chief per successor, seats ended, headquarters passed).
//!
//! - Tier S (Quảng Ngãi): the demo's own steps: 173 → 170 on 1/1/2025 (Resolution
//!   1279/NQ-UBTVQH15), the officers of 1/3/2025, 170 + Kon Tum → 96 on 1/7/2025, then
//!   the months since July 2025 up to [`UNTIL`].
//! - Tier L (the country): 10,595 units of 2024 in 63 provinces, with districts →
//!   10,047 units of early 2025 on 1/1/2025 → 3,321 units in 34 provinces, without
//!   districts, on 1/7/2025 (the national mapping `vn_2025_to_2025-07-01_dvhcvn.csv`).
//!   **The 1/1/2025 step is generated** outside Quảng Ngãi (which uses its real mapping):
//!   no public national mapping exists for it (see RESTRUCTURING.md §5). The 2024 list
//!   and the mapping's early-2025 list differ by 563 codes gone and 15 codes new; the
//!   generated plan ([`plan_2025_01`]) merges each code gone into the nearest code of its
//!   district still present (the previous one in the list, else the next), and makes each
//!   new code the renumbering of the nearest gone code of its province. Deterministic,
//!   plausible in size, not the real late-2024 resolutions. Then every unit in force on
//!   1/3/2025 is brought up to the 2025 staffing (the demo's rule).
//! - Tiers M and XL keep the 2024 structure: their provinces are not whole new
//!   provinces (M) or their codes are clones (XL), so no mapping applies.
//!
//! Deterministic: no step reads the wall clock; the tier's history ends on [`UNTIL`].

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use entity::{unit_edition, unit_period};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, DatabaseTransaction, EntityTrait,
    QueryFilter, Set,
};
use serde::Deserialize;

use super::SeedReport;
use super::dates::const_date;
use super::error::SeedError;
use super::history::{KON_TUM, QUANG_NGAI};
use super::profile::SYNTHETIC;
use super::reference::{self, RefProvince, ReferenceSet};
use super::tier::Tier;
use super::{insert, present, restructure};

/// The national mapping of 1/7/2025: 10,047 communes and 5 commune-less districts of
/// early 2025 → the 3,321 units of the 34 provinces (dvhcvn/20250701, corrected).
const MAPPING_2025_07: &str =
    include_str!("../../data/units/restructuring/vn_2025_to_2025-07-01_dvhcvn.csv");

/// The last day of the synthetic tiers' history (pinned, so a tier does not change with
/// the day it is seeded; the demo's history, by contrast, runs to the province's today).
pub const UNTIL: NaiveDate = const_date(2026, 11, 30);
/// The generated step of early 2025.
pub const STEP_2025_01: NaiveDate = const_date(2025, 1, 1);
/// The national step.
pub const STEP_2025_07: NaiveDate = const_date(2025, 7, 1);

/// The audit log's operation for the tier's steps.
const TIER_OPERATION: &str = "seed synthetic tier: restructure apply";
/// The act named on the generated links.
const GENERATED_ACT: &str =
    "generated for the benchmark tier (no public national mapping of the late-2024 mergers)";
/// The acts of the national step.
const ACT_2025_07: &str = "1654-1687/NQ-UBTVQH15; 202/2025/QH15";

/// One line of the national mapping (the columns used here).
#[derive(Deserialize)]
struct MapRow {
    old_province_code: String,
    old_district_code: String,
    old_code: String,
    old_name: String,
    new_code: String,
    new_name: String,
    new_province_code: String,
    share: String,
}

/// The districts without a commune that became special zones on 1/7/2025 (Bạch Long Vĩ,
/// Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo): code, name and province of early 2025, from the
/// national mapping (the lists of communes do not hold them).
pub(crate) fn communeless_districts() -> Result<Vec<(String, String, String)>, SeedError> {
    Ok(mapping()?
        .into_iter()
        .filter(|r| r.old_code.is_empty())
        .map(|r| (r.old_district_code, r.old_name, r.old_province_code))
        .collect())
}

fn mapping() -> Result<Vec<MapRow>, SeedError> {
    csv::Reader::from_reader(MAPPING_2025_07.as_bytes())
        .deserialize::<MapRow>()
        .enumerate()
        .map(|(i, r)| {
            r.map_err(|e| {
                SeedError::InvalidReference(format!(
                    "vn_2025_to_2025-07-01_dvhcvn.csv data row {}: {e}",
                    i + 1
                ))
            })
        })
        .collect()
}

/// Follows the tier's units through 2025 (see the module doc). Returns the rows added.
pub(crate) async fn follow(txn: &DatabaseTransaction, tier: Tier) -> Result<SeedReport, SeedError> {
    match tier {
        Tier::S => quang_ngai(txn).await,
        Tier::L => country(txn).await,
        Tier::M | Tier::Xl => Ok(SeedReport::default()),
    }
}

/// Tier S: the demo's steps on the tier's facts.
async fn quang_ngai(txn: &DatabaseTransaction) -> Result<SeedReport, SeedError> {
    insert::advance_sequences(txn).await?;
    restructure::on_2025_01_01(txn).await?;
    let mut report = present::march_2025(txn).await?;
    insert::advance_sequences(txn).await?;
    restructure::on_2025_07_01(txn).await?;
    report.absorb(present::since_july_2025(txn, UNTIL).await?);
    Ok(report)
}

/// Tier L: editions of 2024, the generated step of 1/1/2025 (Quảng Ngãi's real one),
/// the officers of 1/3/2025, the national step of 1/7/2025, the district areas, then
/// the months since 1/7/2025 in every province as in the demo (up to [`UNTIL`]).
async fn country(txn: &DatabaseTransaction) -> Result<SeedReport, SeedError> {
    let started = std::time::Instant::now();
    let stage = |name: &str| {
        let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        tracing::info!(stage = name, elapsed_ms = ms, "national tier");
    };
    let national = reference::load(ReferenceSet::National)?;
    let rows = mapping()?;
    from_the_first_day(txn).await?;
    editions_2024(txn, &national).await?;
    insert::advance_sequences(txn).await?;
    let plan = plan_2025_01(&national, &rows)?;
    restructure::apply_as(
        txn,
        TIER_OPERATION,
        "generated 2024 -> 2025-01-01",
        &plan,
        STEP_2025_01,
    )
    .await?;
    restructure::on_2025_01_01(txn).await?;
    stage("1/1/2025 applied");
    let units = in_force(txn, present::MARCH_2025).await?;
    let report = present::march_2025_units(txn, &units).await?;
    stage("officers of 1/3/2025 written");
    insert::advance_sequences(txn).await?;
    let plan = plan_2025_07(&rows)?;
    restructure::apply_as(
        txn,
        TIER_OPERATION,
        "vn_2025_to_2025-07-01_dvhcvn.csv",
        &plan,
        STEP_2025_07,
    )
    .await?;
    stage("1/7/2025 applied");
    crate::service::areas::ensure_district_areas(txn).await?;
    stage("district areas");
    let mut report = report;
    // The facts of the months point at the code registry: the special zones made from
    // commune-less districts have no registry row until it is brought in step.
    super::registry::sync(txn).await?;
    let units = in_force(txn, STEP_2025_07).await?;
    report.absorb(present::since_july_2025_in(txn, &units, UNTIL).await?);
    stage("months since 1/7/2025 written");
    Ok(report)
}

/// Quảng Ngãi's and Kon Tum's 2024 units, as the history writes them, begin on the
/// demo's dates (1/2/2020, 1/5/2024); in the tier they exist, as every other unit and as
/// their facts do, from the tier's first day: their periods, editions and the lineage
/// links out of them are moved there.
async fn from_the_first_day(txn: &DatabaseTransaction) -> Result<(), SeedError> {
    use entity::unit_lineage;
    use sea_orm::sea_query::Expr;
    let first = SYNTHETIC.valid_from;
    for (province, from) in [
        (QUANG_NGAI, const_date(2020, 2, 1)),
        (KON_TUM, const_date(2024, 5, 1)),
    ] {
        let codes: Vec<String> = unit_period::Entity::find()
            .filter(unit_period::Column::ProvinceCode.eq(province))
            .filter(unit_period::Column::ValidFrom.eq(from))
            .all(txn)
            .await?
            .into_iter()
            .map(|p| p.code)
            .collect();
        unit_period::Entity::update_many()
            .col_expr(unit_period::Column::ValidFrom, Expr::value(first))
            .filter(unit_period::Column::ProvinceCode.eq(province))
            .filter(unit_period::Column::ValidFrom.eq(from))
            .exec(txn)
            .await?;
        unit_edition::Entity::update_many()
            .col_expr(unit_edition::Column::ValidFrom, Expr::value(first))
            .filter(unit_edition::Column::ProvinceCode.eq(province))
            .filter(unit_edition::Column::ValidFrom.eq(from))
            .exec(txn)
            .await?;
        for chunk in codes.chunks(500) {
            unit_lineage::Entity::update_many()
                .col_expr(unit_lineage::Column::FromValidFrom, Expr::value(first))
                .filter(unit_lineage::Column::FromCode.is_in(chunk.iter().map(String::as_str)))
                .filter(unit_lineage::Column::FromValidFrom.eq(from))
                .exec(txn)
                .await?;
        }
    }
    Ok(())
}

/// The unit periods in force on `day`, by province then code.
async fn in_force(
    txn: &DatabaseTransaction,
    day: NaiveDate,
) -> Result<Vec<unit_period::Model>, SeedError> {
    let mut rows = unit_period::Entity::find()
        .filter(unit_period::Column::ValidFrom.lte(day))
        .filter(
            sea_orm::Condition::any()
                .add(unit_period::Column::ValidTo.is_null())
                .add(unit_period::Column::ValidTo.gte(day)),
        )
        .all(txn)
        .await?;
    rows.sort_by(|a, b| (&a.province_code, &a.code).cmp(&(&b.province_code, &b.code)));
    Ok(rows)
}

/// An edition of 2024 for each province the history does not hold already (all but
/// Quảng Ngãi and Kon Tum), from the tier's first day, so that the steps end them.
async fn editions_2024(
    txn: &DatabaseTransaction,
    national: &[RefProvince],
) -> Result<(), SeedError> {
    let have: BTreeSet<String> = unit_edition::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|e| e.province_code)
        .collect();
    for p in national.iter().filter(|p| !have.contains(&p.code)) {
        let count: usize = p.districts.iter().map(|d| d.units.len()).sum();
        unit_edition::ActiveModel {
            id: NotSet,
            province_code: Set(p.code.clone()),
            valid_from: Set(SYNTHETIC.valid_from),
            valid_to: Set(None),
            act: Set("GSO list of 2024-05-01 (synthetic tier: in force from its first day)".into()),
            unit_count: Set(i32::try_from(count).unwrap_or(i32::MAX)),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// A plain plan (`from_code,from_district_code,to_code,to_name,to_province_code,share,
/// resolution,note`) as CSV text.
struct PlanText(csv::Writer<Vec<u8>>);

impl PlanText {
    fn new() -> Result<Self, SeedError> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "from_code",
            "from_district_code",
            "to_code",
            "to_name",
            "to_province_code",
            "share",
            "resolution",
            "note",
        ])
        .map_err(bad)?;
        Ok(Self(w))
    }

    fn line(&mut self, fields: [&str; 8]) -> Result<(), SeedError> {
        self.0.write_record(fields).map_err(bad)
    }

    fn finish(self) -> Result<String, SeedError> {
        let bytes = self.0.into_inner().map_err(|e| bad_text(&e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| bad_text(&e.to_string()))
    }
}

fn bad(e: csv::Error) -> SeedError {
    bad_text(&e.to_string())
}

fn bad_text(e: &str) -> SeedError {
    SeedError::InvalidReference(format!("national plan: {e}"))
}

/// The generated plan of 1/1/2025 (see the module doc): for every province but Quảng
/// Ngãi and Kon Tum (whose history is real and preloaded), each 2024 code absent from
/// the mapping's early-2025 list goes whole to the nearest code of its district that is
/// in it (previous in the list, else next), which continues under its early-2025 name;
/// each code of the early-2025 list absent from 2024 is the renumbering of the
/// numerically nearest code gone from its province (lowest code on a tie), taken first.
fn plan_2025_01(national: &[RefProvince], rows: &[MapRow]) -> Result<String, SeedError> {
    let early: BTreeMap<&str, &MapRow> = rows
        .iter()
        .filter(|r| !r.old_code.is_empty())
        .map(|r| (r.old_code.as_str(), r))
        .collect();
    let in_2024: BTreeSet<&str> = national
        .iter()
        .flat_map(|p| &p.districts)
        .flat_map(|d| &d.units)
        .map(|u| u.code.as_str())
        .collect();
    let mut plan = PlanText::new()?;
    let note = "generated: nearest code of the district still listed in early 2025";
    for p in national
        .iter()
        .filter(|p| p.code != QUANG_NGAI && p.code != KON_TUM)
    {
        let gone: Vec<&str> = p
            .districts
            .iter()
            .flat_map(|d| &d.units)
            .map(|u| u.code.as_str())
            .filter(|c| !early.contains_key(c))
            .collect();
        // New codes of the province: each renumbers the nearest code gone.
        let mut renumbered: BTreeMap<&str, &str> = BTreeMap::new();
        for new in early
            .iter()
            .filter(|(c, r)| r.old_province_code == p.code && !in_2024.contains(*c))
            .map(|(c, _)| *c)
        {
            let n = number(new)?;
            let from = gone
                .iter()
                .filter(|g| !renumbered.values().any(|v| v == *g))
                .min_by_key(|g| (number(g).map_or(i64::MAX, |k| (k - n).abs()), **g))
                .ok_or_else(|| {
                    bad_text(&format!("no code gone in province {} for {new}", p.code))
                })?;
            renumbered.insert(new, from);
        }
        for (new, from) in &renumbered {
            let r = early[new];
            plan.line([
                from,
                "",
                new,
                &r.old_name,
                &p.code,
                "full",
                GENERATED_ACT,
                "generated: renumbered",
            ])?;
        }
        let taken: BTreeSet<&str> = renumbered.values().copied().collect();
        for d in &p.districts {
            let codes: Vec<&str> = d.units.iter().map(|u| u.code.as_str()).collect();
            let mut receivers: BTreeSet<&str> = BTreeSet::new();
            for (i, code) in codes.iter().enumerate() {
                if early.contains_key(code) || taken.contains(code) {
                    continue;
                }
                let present = |c: &&&str| early.contains_key(**c);
                let to = codes[..i]
                    .iter()
                    .rev()
                    .find(present)
                    .or_else(|| codes[i + 1..].iter().find(present))
                    .ok_or_else(|| bad_text(&format!("district {} keeps no code", d.code)))?;
                if receivers.insert(to) {
                    plan.line([
                        to,
                        "",
                        to,
                        &early[to].old_name,
                        &p.code,
                        "full",
                        GENERATED_ACT,
                        note,
                    ])?;
                }
                plan.line([
                    code,
                    "",
                    to,
                    &early[to].old_name,
                    &p.code,
                    "full",
                    GENERATED_ACT,
                    note,
                ])?;
            }
        }
    }
    plan.finish()
}

/// A code's number (codes are digits with leading zeros).
fn number(code: &str) -> Result<i64, SeedError> {
    code.parse()
        .map_err(|_| bad_text(&format!("code `{code}` is not a number")))
}

/// The national plan of 1/7/2025: the mapping, line for line, as a plain plan.
fn plan_2025_07(rows: &[MapRow]) -> Result<String, SeedError> {
    let mut plan = PlanText::new()?;
    for r in rows {
        let district = if r.old_code.is_empty() {
            r.old_district_code.as_str()
        } else {
            ""
        };
        plan.line([
            &r.old_code,
            district,
            &r.new_code,
            &r.new_name,
            &r.new_province_code,
            &r.share,
            ACT_2025_07,
            "",
        ])?;
    }
    plan.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// The (from, to, province) of each line of a plan.
    fn links(text: &str) -> Vec<(String, String, String)> {
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| {
                let r = r.unwrap();
                let from = if r[0].is_empty() {
                    format!("D{}", &r[1])
                } else {
                    r[0].to_owned()
                };
                (from, r[2].to_owned(), r[4].to_owned())
            })
            .collect()
    }

    #[test]
    fn the_generated_step_leads_from_the_2024_list_to_the_early_2025_list() {
        let national = reference::load(ReferenceSet::National).unwrap();
        let rows = mapping().unwrap();
        let lines = links(&plan_2025_01(&national, &rows).unwrap());
        let mut codes: BTreeSet<String> = national
            .iter()
            .flat_map(|p| &p.districts)
            .flat_map(|d| &d.units)
            .map(|u| u.code.clone())
            .collect();
        assert_eq!(codes.len(), 10_595);
        for (from, _, _) in &lines {
            codes.remove(from);
        }
        for (_, to, _) in &lines {
            codes.insert(to.clone());
        }
        // Quảng Ngãi's own step (173 -> 170) is the real one, applied apart.
        for gone in ["21253", "21403", "21286"] {
            codes.remove(gone);
        }
        let early: BTreeSet<String> = rows
            .iter()
            .filter(|r| !r.old_code.is_empty())
            .map(|r| r.old_code.clone())
            .collect();
        assert_eq!(early.len(), 10_047);
        assert_eq!(codes, early);
        // each predecessor goes whole to one successor
        let once: BTreeSet<&str> = lines.iter().map(|l| l.0.as_str()).collect();
        assert_eq!(once.len(), lines.len());
        // deterministic
        assert_eq!(
            plan_2025_01(&national, &rows).unwrap(),
            plan_2025_01(&national, &rows).unwrap()
        );
    }

    #[test]
    fn the_national_step_has_every_line_of_the_mapping() {
        let rows = mapping().unwrap();
        let lines = links(&plan_2025_07(&rows).unwrap());
        assert_eq!(lines.len(), 10_604);
        let successors: BTreeSet<&str> = lines.iter().map(|l| l.1.as_str()).collect();
        assert_eq!(successors.len(), 3_321);
        assert_eq!(lines.iter().filter(|l| l.0.starts_with('D')).count(), 5);
        let provinces: BTreeSet<&str> = lines.iter().map(|l| l.2.as_str()).collect();
        assert_eq!(provinces.len(), 34);
    }
}
