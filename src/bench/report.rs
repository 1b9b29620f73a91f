//! `coso bench report`: how long a monthly report takes to make. Rendering alone on the
//! province sample (173 units) and a national-size one (10,595 units), then, on the
//! configured database, the whole path a scheduled run takes for the province scope:
//! load and compute the figures (cold, then warm), render charts, workbook and CSV.

use std::time::Instant;

use chrono::NaiveDate;

use super::{median, ms, peak_memory_mib};
use crate::dataset::DatasetCache;
use crate::db;
use crate::report::{self, Language};
use crate::scheduler::compose::{Request, compose};

/// Options of `coso bench report`.
#[derive(clap::Args, Debug)]
pub struct Options {
    /// The report day for the database path.
    #[arg(long, default_value = "2024-12-31")]
    pub as_of: NaiveDate,
    /// Repetitions of each measurement (the median is printed).
    #[arg(long, default_value_t = 5)]
    pub repeat: usize,
}

/// Runs the benchmark and prints its figures.
pub async fn run(database_url: &str, opts: &Options) -> anyhow::Result<()> {
    let repeat = opts.repeat.max(1);
    println!("rendering only (fixed figures, no database), median of {repeat}:");
    let timings = tokio::task::spawn_blocking(move || report::bench::bench(repeat)).await??;
    report::bench::print(&timings);

    let (conn, _) = db::connect(database_url, 4).await?;
    db::migrate(&conn).await?;
    if crate::seed::is_empty(&conn).await? {
        println!("database is empty: no end-to-end figures (seed it first)");
        return Ok(());
    }
    println!(
        "end to end on {} (the whole database, as of {}):",
        conn.get_database_backend().as_str(),
        opts.as_of
    );
    let datasets = DatasetCache::default();
    let request = || Request {
        db: &conn,
        datasets: &datasets,
        district: None,
        as_of: opts.as_of,
        config: crate::indicators::EngineConfig::default(),
        language: Language::Vi,
        schedule_name: Some("bench".into()),
        previous: Default::default(),
    };
    let started = Instant::now();
    let data = compose(request()).await?;
    let cold = started.elapsed();
    let mut warm = Vec::new();
    for _ in 0..repeat {
        let started = Instant::now();
        compose(request()).await?;
        warm.push(started.elapsed());
    }
    warm.sort();
    let units = data
        .headlines
        .first()
        .and_then(|h| h.denominator)
        .unwrap_or(0.0);
    let gap_units: usize = data.gaps.iter().map(|g| g.units.len()).sum();
    let (render, out) = median(repeat, || report::render(&data));
    let out = out.transpose()?.map(|r| r.attachments.len()).unwrap_or(0);
    println!(
        "figures: units {units}  districts {}  gap units {gap_units}  attachments {out}",
        data.districts.len()
    );
    println!(
        "compose cold (load + compute) {:>8.1} ms   warm (median) {:>8.1} ms   render (median) {:>8.1} ms",
        ms(cold),
        ms(warm[warm.len() / 2]),
        ms(render)
    );
    println!(
        "whole report: cold {:>8.1} ms   warm {:>8.1} ms",
        ms(cold + render),
        ms(warm[warm.len() / 2] + render)
    );
    if let Some(peak) = peak_memory_mib() {
        println!("peak memory: {peak:.0} MiB");
    }
    Ok(())
}
