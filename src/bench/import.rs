//! `coso bench import`: a national-sized officer workbook (78,000 rows by default: the
//! national tier's officers) made with the import template, then, on whatever database
//! `COSO_DATABASE_URL` names (the units in force on `--day` must be there: `coso seed
//! --synthetic l`): reading it alone (no database), a dry run, the import (every row
//! new), and the same file again (every row unchanged: the idempotent path). Prints the
//! time of each, rows per second, the cost per 10,000 rows, and the peak memory.
//! Baseline in the same run: the read alone, against which the database phases are
//! given as ratios.
//!
//! The officers it creates carry the name prefix `Bench ` and are deleted at the end
//! (one transaction, bumping the data version), even after a failed phase.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use entity::{officer, unit_period};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{ms, peak_memory_mib};
use crate::config::Settings;
use crate::intake::{self, Bounds, Caller, Kind, Outcome, Request, cell::Value};
use crate::{db, service};

/// Options of the benchmark.
#[derive(clap::Args, Debug, Clone)]
pub struct Options {
    /// Rows of the workbook.
    #[arg(long, default_value_t = 78_000)]
    pub rows: usize,
    /// The units in force on this day receive the officers.
    #[arg(long, default_value = "2026-11-30")]
    pub day: NaiveDate,
}

fn per_10k(d: Duration, rows: usize) -> f64 {
    ms(d) * 10_000.0 / rows.max(1) as f64
}

fn line(label: &str, d: Duration, rows: usize, base: Duration) {
    println!(
        "{label:<34} {:>9.0} ms  {:>9.0} rows/s  {:>7.0} ms per 10,000 rows  {:>5.1}x the read",
        ms(d),
        rows as f64 / d.as_secs_f64().max(1e-9),
        per_10k(d, rows),
        d.as_secs_f64() / base.as_secs_f64().max(1e-9),
    );
}

/// Runs the benchmark and prints its figures.
pub async fn run(settings: &Settings, opts: &Options) -> anyhow::Result<()> {
    let (conn, _) = db::connect(settings.database_url(), 4).await?;
    db::migrate(&conn).await?;
    let units: Vec<unit_period::Model> = unit_period::Entity::find()
        .filter(service::units::active_on(opts.day))
        .all(&conn)
        .await?;
    anyhow::ensure!(
        !units.is_empty(),
        "no unit in force on {}: seed the database first (coso seed --synthetic l)",
        opts.day
    );
    println!(
        "database: {}; {} units in force on {}",
        conn.get_database_backend().as_str(),
        units.len(),
        opts.day
    );
    let started = Instant::now();
    let rows = workbook_rows(&units, opts.rows);
    let bytes = intake::sheet::filled(Kind::Officers, false, &rows)?;
    drop(rows);
    println!(
        "workbook: {} rows, {:.1} MiB, made in {:.0} ms",
        opts.rows,
        bytes.len() as f64 / (1024.0 * 1024.0),
        ms(started.elapsed())
    );
    let bounds = Bounds {
        max_rows: opts.rows.max(settings.limits.import_max_rows),
        ..Bounds::of(&settings.limits)
    };
    let started = Instant::now();
    let table = intake::read::read(&bytes, Kind::Officers, None, bounds)
        .map_err(|p| anyhow::anyhow!("{}: {}", p.code, p.en))?;
    let layout = intake::parse::layout(&table, Kind::Officers)
        .map_err(|p| anyhow::anyhow!("{}: {}", p.code, p.en))?;
    let mut errors = intake::errors::Errors::new(&table.sheet);
    let parsed = intake::parse::rows(&table, Kind::Officers, &layout, &mut errors);
    let read = started.elapsed();
    anyhow::ensure!(
        !errors.any(),
        "the bench workbook has errors: {:?}",
        errors.list.first()
    );
    drop((table, parsed));
    line("read and convert (no database)", read, opts.rows, read);
    let result = phases(&conn, &bytes, opts, bounds, read).await;
    let cleaned = cleanup(&conn).await;
    result?;
    println!("removed {} bench officers", cleaned?);
    if let Some(peak) = peak_memory_mib() {
        println!("peak memory of this process (VmHWM): {peak:.0} MiB");
    }
    Ok(())
}

async fn phases(
    conn: &sea_orm::DatabaseConnection,
    bytes: &[u8],
    opts: &Options,
    bounds: Bounds,
    read: Duration,
) -> anyhow::Result<()> {
    let request = |dry_run| Request {
        kind: Kind::Officers,
        file_name: "bench-officers.xlsx".into(),
        bytes: bytes.to_vec(),
        dry_run,
        complete: false,
        day: opts.day,
        encoding: None,
    };
    let caller = Caller::command_line();
    for (label, dry) in [
        ("dry run (read, check, compare)", true),
        ("import (every row new)", false),
        ("import again (every row unchanged)", false),
    ] {
        let started = Instant::now();
        let outcome = intake::run(conn, &caller, request(dry), bounds).await?;
        let took = started.elapsed();
        match outcome {
            Outcome::Done(report) => {
                line(label, took, opts.rows, read);
                println!("{:<34} {}", "", report.summary);
            }
            Outcome::Refused(r) => {
                anyhow::bail!(
                    "{}: {} ({:?})",
                    r.problem.code,
                    r.problem.en,
                    r.errors.first()
                )
            }
        }
    }
    Ok(())
}

/// Officers spread over the units, named `Bench <Vietnamese name> <n>`, posted on the
/// later of the unit's first day and 1/1/2020.
fn workbook_rows(units: &[unit_period::Model], n: usize) -> Vec<Vec<Value>> {
    const FAMILY: [&str; 6] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ"];
    const GIVEN: [&str; 6] = [
        "Văn An",
        "Thị Bình",
        "Quốc Hưng",
        "Minh Đức",
        "Thu Hằng",
        "Ngọc Lan",
    ];
    const RANKS: [&str; 4] = ["trung_si", "thieu_uy", "trung_uy", "dai_uy"];
    let floor = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or(NaiveDate::MIN);
    (0..n)
        .map(|i| {
            let unit = &units[i % units.len()];
            vec![
                Value::Text(unit.code.clone()),
                Value::Text(format!(
                    "Bench {} {} {i}",
                    FAMILY[i % FAMILY.len()],
                    GIVEN[(i / 7) % GIVEN.len()]
                )),
                Value::Choice(if i % 3 == 0 { "female" } else { "male" }),
                Value::Int(1970 + (i % 30) as i64),
                Value::Choice(RANKS[i % RANKS.len()]),
                Value::Choice("officer"),
                Value::Date(unit.valid_from.max(floor)),
                Value::None,
            ]
        })
        .collect()
}

/// Deletes the bench's officers.
async fn cleanup(conn: &sea_orm::DatabaseConnection) -> anyhow::Result<u64> {
    let txn = service::begin(conn).await?;
    let deleted = officer::Entity::delete_many()
        .filter(officer::Column::SearchName.starts_with("bench "))
        .exec(&txn)
        .await?;
    service::commit(txn).await?;
    Ok(deleted.rows_affected)
}
