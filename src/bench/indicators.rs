//! `coso bench indicators`: the polars engine against SQL GROUP BY in the same run, on
//! whatever database `COSO_DATABASE_URL` names (seed it with `coso seed --synthetic l`).
//! Prints: time to load the frames (first with the pool opening its connections, then
//! again with them open); all indicators with all breakdowns as of one day,
//! cold (load included) and warm; the monthly series of every indicator over the range;
//! the SQL path for the same figures, the ratio; whether the two agree; peak memory.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use polars::prelude::*;

use super::{median, ms, peak_memory_mib, sql_path};
use crate::auth::Scope;
use crate::indicators::{self, EngineConfig, GroupBy, Period};
use crate::{dataset, db};

/// Options of the benchmark.
#[derive(clap::Args, Debug, Clone)]
pub struct Options {
    /// The as-of day.
    #[arg(long, default_value = "2024-12-31")]
    pub as_of: NaiveDate,
    /// First day of the series.
    #[arg(long, default_value = "2019-01-01")]
    pub from: NaiveDate,
    /// Repetitions of each warm measurement (the median is printed).
    #[arg(long, default_value_t = 7)]
    pub repeat: usize,
}

/// Runs the benchmark and prints its figures.
pub async fn run(database_url: &str, opts: &Options) -> anyhow::Result<()> {
    let (conn, _) = db::connect(database_url, 4).await?;
    println!("database: {}", conn.get_database_backend().as_str());
    let started = Instant::now();
    let ds = dataset::load(&conn, &Scope::all()).await?;
    let load = started.elapsed();
    let frames = ds.frames()?;
    println!(
        "rows: {} units, {} officers, {} memberships, {} headquarters",
        frames.units.height(),
        frames.officers.height(),
        frames.memberships.height(),
        frames.headquarters.height()
    );
    let config = EngineConfig::default();
    let all =
        |f: &indicators::Frames| indicators::compute(f, opts.as_of, &[], &GroupBy::ALL, &config);
    let started = Instant::now();
    let first = all(&frames)?;
    let cold = load + started.elapsed();
    let (warm, _) = median(opts.repeat, || all(&frames));
    let reload = reload_time(&conn).await?;
    let codes: Vec<&str> = indicators::registry().iter().map(|d| d.code).collect();
    let groups = [GroupBy::Province, GroupBy::District];
    let (series_time, series) = median(3, || {
        indicators::series(
            &frames,
            &codes,
            opts.from,
            opts.as_of,
            Period::Month,
            &groups,
            &config,
        )
    });
    let series_rows = series.transpose()?.map_or(0, |df| df.height());
    let mut sql_times = Vec::new();
    let mut counts = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        counts = sql_path::run(&conn, opts.as_of).await?;
        sql_times.push(started.elapsed());
    }
    sql_times.sort();
    let sql = sql_times[1];
    println!(
        "load frames from the database:          {:>9.1} ms",
        ms(load)
    );
    println!(
        "load again, pool connections open:      {:>9.1} ms (median of 3)",
        ms(reload)
    );
    println!(
        "all indicators x 4 breakdowns, cold:      {:>9.1} ms (load included; {} rows)",
        ms(cold),
        first.height()
    );
    println!(
        "all indicators x 4 breakdowns, warm:      {:>9.1} ms (median of {})",
        ms(warm),
        opts.repeat
    );
    println!(
        "monthly series {}..{}, all indicators, province + district: {:>9.1} ms ({series_rows} rows)",
        opts.from,
        opts.as_of,
        ms(series_time)
    );
    println!(
        "SQL GROUP BY path, same as-of figures:    {:>9.1} ms ({} statements' rows: {})",
        ms(sql),
        sql_path::GROUPS.len() * 12,
        counts.len()
    );
    println!(
        "ratio SQL / polars (warm):                {:>9.1}x",
        sql.as_secs_f64() / warm.as_secs_f64().max(1e-9)
    );
    println!(
        "ratio SQL / polars (cold, load included): {:>9.1}x",
        sql.as_secs_f64() / cold.as_secs_f64().max(1e-9)
    );
    let (agree, compared) = agreement(&first, &counts)?;
    println!("polars and SQL agree on {agree} of {compared} compared figures");
    if let Some(peak) = peak_memory_mib() {
        println!("peak memory (VmHWM):                      {peak:>9.1} MiB");
    }
    Ok(())
}

/// The load once more, median of 3: what a running server pays when the data version
/// moves (its pool's connections are already open; the first load above opened them).
async fn reload_time(conn: &sea_orm::DatabaseConnection) -> anyhow::Result<Duration> {
    let mut times = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        dataset::load(conn, &Scope::all()).await?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times[1])
}

/// Compares the engine's numerators and denominators with the SQL counts they must equal.
fn agreement(engine: &DataFrame, counts: &[sql_path::Count]) -> PolarsResult<(usize, usize)> {
    let sql: HashMap<(&str, &str, &str), i64> = counts
        .iter()
        .map(|c| ((c.group_kind, c.what, c.group.as_str()), c.n))
        .collect();
    let pairs: [(&str, &str, Option<&str>); 5] = [
        (
            "party_executive_committee_rate",
            "executive",
            Some("chiefs"),
        ),
        ("party_standing_committee_rate", "standing", Some("chiefs")),
        ("staffing_ratio", "officers", Some("units")),
        ("hq_new_model_coverage", "hq_new_in_use", Some("units")),
        ("units_below_staffing_floor", "below_floor", Some("units")),
    ];
    let code = engine.column("code")?.str()?;
    let kind = engine.column("group_kind")?.str()?;
    let group = engine.column("group_code")?.str()?;
    let num = engine.column("numerator")?.f64()?;
    let den = engine.column("denominator")?.f64()?;
    let (mut agree, mut compared) = (0, 0);
    for i in 0..engine.height() {
        let (Some(c), Some(k), Some(g)) = (code.get(i), kind.get(i), group.get(i)) else {
            continue;
        };
        let Some((_, what, of)) = pairs.iter().find(|p| p.0 == c) else {
            continue;
        };
        let expect = |w: &str| sql.get(&(k, w, g)).copied().unwrap_or(0) as f64;
        compared += 1;
        let den_ok = of.is_none_or(|w| den.get(i).unwrap_or(0.0) == expect(w));
        if num.get(i).unwrap_or(-1.0) == expect(what) && den_ok {
            agree += 1;
        }
    }
    Ok((agree, compared))
}
