//! The demo's 2025 restructurings, a stage of the demo seed flow after the 2024 facts
//! (and the administrative history) are written: the shipped plans applied by the same
//! operation a province admin runs (`crate::restructure`), in the seed's transaction,
//! each with its audit row. The periods and lineage of 2025 are preloaded by `history`,
//! so the operation uses them as is and moves the facts.
//!
//! - [`on_2025_01_01`]: Resolution 1279/NQ-UBTVQH15 (173 → 170);
//! - [`on_2025_07_01`]: Resolution 1677/NQ-UBTVQH15, old Quảng Ngãi's 170 units (the
//!   170 → 56 mapping file), then old Kon Tum's 102 (the lines of the 96-unit list whose
//!   units came from province 62).

use chrono::NaiveDate;
use sea_orm::DatabaseTransaction;
use serde_json::json;

use super::error::SeedError;
use crate::restructure::{self, Report, RestructureError};
use crate::service::{ServiceError, audit};

const TO_2025_01: &str = include_str!("../../data/units/restructuring/qn_2024_to_2025-01-01.csv");
const TO_2025_07: &str =
    include_str!("../../data/units/restructuring/qn_2025-01-01_to_2025-07-01.csv");
const UNITS_2025_07: &str = include_str!("../../data/units/restructuring/qn_units_2025-07-01.csv");

fn day(y: i32, m: u32, d: u32) -> Result<NaiveDate, SeedError> {
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| SeedError::InvalidPlan(format!("bad date {y}-{m}-{d}")))
}

fn seed_error(e: RestructureError) -> SeedError {
    match e {
        RestructureError::Service(ServiceError::Database(db) | ServiceError::Unavailable(db)) => {
            SeedError::Database(db)
        }
        RestructureError::Rejected(errors) => {
            let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
            SeedError::InvalidPlan(format!("restructuring plan refused: {}", list.join("; ")))
        }
        other => SeedError::InvalidPlan(format!("restructuring: {other}")),
    }
}

/// Applies one shipped plan and writes its audit row.
async fn apply(
    txn: &DatabaseTransaction,
    name: &str,
    plan: &str,
    effective: NaiveDate,
) -> Result<Report, SeedError> {
    let report = restructure::apply(txn, plan, effective, false)
        .await
        .map_err(seed_error)?;
    let args = json!({ "plan": name, "effective": effective, "summary": report.summary() });
    let entry = audit::Entry::command_line("mutation", "seed demo: restructure apply", args);
    audit::record(txn, entry).await.map_err(|e| match e {
        ServiceError::Database(db) => SeedError::Database(db),
        other => SeedError::InvalidPlan(other.to_string()),
    })?;
    Ok(report)
}

/// 1 Jan 2025 (Resolution 1279/NQ-UBTVQH15): two mergers, Nghĩa Mỹ's split.
pub(crate) async fn on_2025_01_01(txn: &DatabaseTransaction) -> Result<Report, SeedError> {
    apply(
        txn,
        "qn_2024_to_2025-01-01.csv",
        TO_2025_01,
        day(2025, 1, 1)?,
    )
    .await
}

/// 1 Jul 2025 (Resolution 1677/NQ-UBTVQH15): old Quảng Ngãi's units, then Kon Tum's.
pub(crate) async fn on_2025_07_01(txn: &DatabaseTransaction) -> Result<[Report; 2], SeedError> {
    let d = day(2025, 7, 1)?;
    let quang_ngai = apply(txn, "qn_2025-01-01_to_2025-07-01.csv", TO_2025_07, d).await?;
    let kon_tum = apply(
        txn,
        "qn_units_2025-07-01.csv (Kon Tum)",
        &kon_tum_plan()?,
        d,
    )
    .await?;
    Ok([quang_ngai, kon_tum])
}

/// The lines of the 96-unit list whose units came from old Kon Tum (province 62).
fn kon_tum_plan() -> Result<String, SeedError> {
    let bad = |e: csv::Error| SeedError::InvalidReference(format!("qn_units_2025-07-01.csv: {e}"));
    let mut reader = csv::Reader::from_reader(UNITS_2025_07.as_bytes());
    let header = reader.headers().map_err(bad)?.clone();
    let origin = header
        .iter()
        .position(|h| h == "from_old_province")
        .ok_or_else(|| SeedError::InvalidReference("no from_old_province column".into()))?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).map_err(bad)?;
    for record in reader.records() {
        let record = record.map_err(bad)?;
        if record.get(origin) == Some(super::history::KON_TUM) {
            writer.write_record(&record).map_err(bad)?;
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| SeedError::InvalidReference(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| SeedError::InvalidReference(e.to_string()))
}
