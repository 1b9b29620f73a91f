//! `coso bench scope`: what an area scope costs at the dataset load and in the engine,
//! on whatever database `COSO_DATABASE_URL` names (meant for the national tier on
//! PostgreSQL: `coso seed --synthetic l`). The baseline, measured in the same run, is
//! the unscoped load of a province or national admin (`Scope::all()`; an admin's token
//! carries no area). Against it: a token of a 2024 district area (the area that
//! carries the district on after 1/7/2025) and a token of a custom area of about 100
//! units. Each: the load (median), the rows it brings, all indicators with all
//! breakdowns as of a 2024 day and a day after 1/7/2025 (median), and the ratios.
//!
//! The custom area is created for the run (code `bench-scope-custom`) and deleted after
//! it, even when a measurement fails; both bump the area's scope version, nothing else.

use std::time::Duration;

use chrono::NaiveDate;
use entity::{area, area_member, unit_period};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use super::{median, ms, peak_memory_mib};
use crate::auth::Scope;
use crate::indicators::{self, EngineConfig, GroupBy};
use crate::service::areas;
use crate::{dataset, db};

/// The custom area's code.
const CUSTOM: &str = "bench-scope-custom";

/// Options of the benchmark.
#[derive(clap::Args, Debug, Clone)]
pub struct Options {
    /// A day of the 2024 structure.
    #[arg(long, default_value = "2024-12-31")]
    pub as_of: NaiveDate,
    /// A day after 1/7/2025.
    #[arg(long, default_value = "2026-11-30")]
    pub after: NaiveDate,
    /// The district area (a 2024 district code); by default the one with most members.
    #[arg(long)]
    pub district: Option<String>,
    /// Units of the custom area (units in force on `--after`, every day held).
    #[arg(long, default_value_t = 100)]
    pub custom_units: usize,
    /// Repetitions of each measurement (the median is printed).
    #[arg(long, default_value_t = 5)]
    pub repeat: usize,
}

/// One scope's figures.
struct Figures {
    label: String,
    load: Duration,
    unit_periods: usize,
    officers: usize,
    compute_2024: Duration,
    compute_after: Duration,
}

/// Runs the benchmark and prints its figures.
pub async fn run(database_url: &str, opts: &Options) -> anyhow::Result<()> {
    let (conn, _) = db::connect(database_url, 4).await?;
    println!("database: {}", conn.get_database_backend().as_str());
    let district = match &opts.district {
        Some(d) => d.clone(),
        None => largest_district(&conn).await?,
    };
    let members = area_member::Entity::find()
        .filter(area_member::Column::AreaCode.eq(district.as_str()))
        .count(&conn)
        .await?;
    let custom = make_custom(&conn, opts).await?;
    let measured = measure_all(&conn, opts, &district, members, custom).await;
    areas::delete(&conn, CUSTOM)
        .await
        .map_err(|e| anyhow::anyhow!("deleting the custom area: {e}"))?;
    let figures = measured?;
    let Some(base) = figures.first() else {
        return Ok(());
    };
    println!(
        "{:<46} {:>10} {:>8} {:>9} {:>10} {:>10}",
        "scope", "load ms", "periods", "officers", "2024 ms", "after ms"
    );
    for f in &figures {
        println!(
            "{:<46} {:>10.1} {:>8} {:>9} {:>10.1} {:>10.1}",
            f.label,
            ms(f.load),
            f.unit_periods,
            f.officers,
            ms(f.compute_2024),
            ms(f.compute_after)
        );
    }
    println!("ratios to the unscoped admin (same run):");
    for f in figures.iter().skip(1) {
        println!(
            "  {:<44} load {:.2}x, rows {:.3}x, compute {:.2}x (2024) / {:.2}x (after)",
            f.label,
            r(f.load, base.load),
            f.officers as f64 / base.officers.max(1) as f64,
            r(f.compute_2024, base.compute_2024),
            r(f.compute_after, base.compute_after)
        );
    }
    if let Some(peak) = peak_memory_mib() {
        println!("peak memory (VmHWM): {peak:.1} MiB");
    }
    Ok(())
}

fn r(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}

/// The three scopes, measured one after the other.
async fn measure_all(
    conn: &DatabaseConnection,
    opts: &Options,
    district: &str,
    members: u64,
    custom: usize,
) -> anyhow::Result<Vec<Figures>> {
    let scopes = [
        (
            "province / national admin (no area)".to_owned(),
            Scope::all(),
        ),
        (
            format!("district area {district} ({members} member rows)"),
            Scope::area(district),
        ),
        (
            format!("custom area of {custom} units"),
            Scope::area(CUSTOM),
        ),
    ];
    let mut out = Vec::new();
    for (label, scope) in scopes {
        out.push(measure(conn, opts, label, &scope).await?);
    }
    Ok(out)
}

/// The load and the engine for one scope.
async fn measure(
    conn: &DatabaseConnection,
    opts: &Options,
    label: String,
    scope: &Scope,
) -> anyhow::Result<Figures> {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..opts.repeat.max(1) {
        let started = std::time::Instant::now();
        last = Some(dataset::load(conn, scope).await?);
        times.push(started.elapsed());
    }
    times.sort();
    let ds = last.ok_or_else(|| anyhow::anyhow!("nothing loaded"))?;
    let frames = ds.frames()?;
    let config = EngineConfig::default();
    let all = |day: NaiveDate| indicators::compute(&frames, day, &[], &GroupBy::ALL, &config);
    let (compute_2024, _) = median(opts.repeat, || all(opts.as_of));
    let (compute_after, _) = median(opts.repeat, || all(opts.after));
    Ok(Figures {
        label,
        load: times[times.len() / 2],
        unit_periods: frames.units.height(),
        officers: frames.officers.height(),
        compute_2024,
        compute_after,
    })
}

/// The district area with most member rows (lowest code on a tie).
async fn largest_district(conn: &DatabaseConnection) -> anyhow::Result<String> {
    let districts = area::Entity::find()
        .filter(area::Column::Kind.eq(areas::DISTRICT))
        .all(conn)
        .await?;
    let members = area_member::Entity::find().all(conn).await?;
    let mut counts: std::collections::BTreeMap<&str, usize> =
        districts.iter().map(|a| (a.code.as_str(), 0)).collect();
    for m in &members {
        if let Some(n) = counts.get_mut(m.area_code.as_str()) {
            *n += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(code, n)| (*n, std::cmp::Reverse(*code)))
        .map(|(code, _)| code.to_owned())
        .ok_or_else(|| anyhow::anyhow!("no district area: seed the database first"))
}

/// Creates the custom area: the first `custom_units` codes in force on `after` (by
/// code), held every day. Returns how many it holds.
async fn make_custom(conn: &DatabaseConnection, opts: &Options) -> anyhow::Result<usize> {
    use sea_orm::QueryOrder;
    let units: Vec<unit_period::Model> = unit_period::Entity::find()
        .filter(unit_period::Column::ValidFrom.lte(opts.after))
        .filter(
            sea_orm::Condition::any()
                .add(unit_period::Column::ValidTo.is_null())
                .add(unit_period::Column::ValidTo.gte(opts.after)),
        )
        .order_by_asc(unit_period::Column::Code)
        .all(conn)
        .await?;
    let members: Vec<areas::Member> = units
        .iter()
        .take(opts.custom_units.min(areas::MAX_MEMBERS))
        .map(|u| areas::Member {
            unit_code: u.code.clone(),
            valid_from: None,
            valid_to: None,
        })
        .collect();
    let n = members.len();
    let failed = |e: crate::service::ServiceError| anyhow::anyhow!("custom area: {e}");
    if area::Entity::find_by_id(CUSTOM.to_owned())
        .one(conn)
        .await?
        .is_none()
    {
        areas::create(conn, CUSTOM, "Benchmark: custom area")
            .await
            .map_err(failed)?;
    }
    areas::set_members(conn, CUSTOM, members)
        .await
        .map_err(failed)?;
    Ok(n)
}
