//! `coso bench analytics`: what running an analytics query in a worker process costs
//! against running it in this process, in the same run, on the configured database
//! (province-wide tables). Prints per query: the in-process engine time (the baseline),
//! the gate and join estimate, encoding the tables, the whole worker path, and the ratio.

use std::time::{Duration, Instant};

use polars::prelude::DataFrame;

use super::{ms, peak_memory_mib};
use crate::analytics::runner::Runner;
use crate::analytics::settings::AnalyticsSettings;
use crate::analytics::{self, engine, wire::Reply};
use crate::auth::Scope;
use crate::{dataset, db};

/// Options of the benchmark.
#[derive(clap::Args, Debug, Clone)]
pub struct Options {
    /// Repetitions of each measurement (the median is printed).
    #[arg(long, default_value_t = 7)]
    pub repeat: usize,
}

/// The queries measured: name, SQL, row limit.
const QUERIES: &[(&str, &str, usize)] = &[
    ("count units", "SELECT COUNT(*) AS n FROM units", 1_000),
    (
        "officers by district (key join)",
        "SELECT u.district_code, COUNT(*) AS n FROM officers o JOIN units u ON u.code = o.unit_code \
         GROUP BY u.district_code ORDER BY u.district_code",
        1_000,
    ),
    ("10,000 officer rows", "SELECT * FROM officers", 10_000),
];

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// Runs the benchmark and prints its figures.
pub async fn run(
    database_url: &str,
    opts: &Options,
    settings: &AnalyticsSettings,
) -> anyhow::Result<()> {
    let (conn, _) = db::connect(database_url, 4).await?;
    let ds = dataset::load(&conn, &Scope::all()).await?;
    let rows = |t: &str| ds.table(t).map(DataFrame::height).unwrap_or(0);
    println!(
        "database: {}; units {}, officers {}; {} repetitions, medians",
        conn.get_database_backend().as_str(),
        rows("units"),
        rows("officers"),
        opts.repeat
    );
    let runner = Runner::new(settings);
    for (name, sql, limit) in QUERIES {
        let checked = analytics::check(&ds, sql, &runner.bounds())?;
        let tables: Vec<(String, DataFrame)> = ds
            .tables
            .iter()
            .filter(|(n, _)| checked.tables.iter().any(|t| t == n))
            .map(|(n, f)| ((*n).to_owned(), f.clone()))
            .collect();
        let (mut local, mut gate, mut encode, mut worker) = (vec![], vec![], vec![], vec![]);
        let mut warm = vec![];
        for _ in 0..opts.repeat.max(1) {
            let started = Instant::now();
            let reply = engine::execute(sql, *limit, tables.clone());
            local.push(started.elapsed());
            anyhow::ensure!(matches!(reply, Reply::Rows { .. }), "{name}: {reply:?}");

            let started = Instant::now();
            let checked = analytics::check(&ds, sql, &runner.bounds())?;
            analytics::cost::check(
                &checked.statement,
                &analytics::cost::FrameStats::new(&ds),
                settings.analytics_max_join_rows,
            )?;
            gate.push(started.elapsed());
            // A fresh cache each time: the figure includes encoding the tables.
            let fresh = analytics::tables::EncodedTables::default();
            let request =
                analytics::prepare(&ds, &checked, (sql, *limit), u64::MAX, (&fresh, None))?;
            encode.push(started.elapsed() - gate[gate.len() - 1]);
            let reply = runner.run(request).await?;
            worker.push(started.elapsed());
            anyhow::ensure!(matches!(reply, Reply::Rows { .. }), "{name}: {reply:?}");

            // As the server does: the tables kept from the previous query.
            let started = Instant::now();
            let kept = (runner.tables(), None);
            let request = analytics::prepare(&ds, &checked, (sql, *limit), u64::MAX, kept)?;
            let reply = runner.run(request).await?;
            warm.push(started.elapsed());
            anyhow::ensure!(matches!(reply, Reply::Rows { .. }), "{name}: {reply:?}");
        }
        let (local, gate, encode, worker) =
            (median(local), median(gate), median(encode), median(worker));
        let warm = median(warm);
        let ratio = |d: Duration| d.as_secs_f64() / local.as_secs_f64().max(1e-9);
        println!(
            "{name}: in-process {:.1} ms; worker path {:.1} ms (gate and estimate {:.1} ms, \
             encoding {:.1} ms): {:.1}x; with the tables kept {:.1} ms: {:.1}x",
            ms(local),
            ms(worker),
            ms(gate),
            ms(encode),
            ratio(worker),
            ms(warm),
            ratio(warm)
        );
    }
    if let Some(peak) = peak_memory_mib() {
        println!("peak memory of this process: {peak:.0} MiB");
    }
    Ok(())
}
