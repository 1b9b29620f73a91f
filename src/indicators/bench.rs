//! Timings of the engine on the national synthetic tier (10,595 units, about 70k
//! officers, 72 months), ignored by default: run with
//! `cargo test --release --lib indicators::bench -- --ignored --nocapture`.

use std::time::{Duration, Instant};

use chrono::NaiveDate;

use super::*;

/// The best and the median of `n` runs of `f`.
fn time<T>(n: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut runs: Vec<Duration> = (0..n)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    runs.sort();
    (runs[0], runs[n / 2])
}

#[test]
#[ignore = "benchmark: run in release with --ignored --nocapture"]
fn national_tier() {
    let spec = Synthetic::national();
    let start = Instant::now();
    let rows = bench_rows(&spec);
    let frames = Frames::from_rows(&rows).unwrap();
    println!(
        "national: {} units, {} officers, {} memberships, {} headquarters; built in {:?}",
        rows.units.len(),
        rows.officers.len(),
        rows.memberships.len(),
        rows.headquarters.len(),
        start.elapsed()
    );
    let c = EngineConfig::default();
    let day = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
    let (best, median) = time(21, || {
        compute(&frames, day, &[], &GroupBy::ALL, &c).unwrap()
    });
    println!("compute, all indicators, 4 breakdowns: best {best:?}, median {median:?}");
    let from = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap();
    let by = [GroupBy::Province, GroupBy::District];
    let (best, median) = time(3, || {
        series(&frames, &[], from, day, Period::Month, &by, &c).unwrap()
    });
    let rows_out = series(&frames, &[], from, day, Period::Month, &by, &c)
        .unwrap()
        .height();
    println!(
        "series, 72 months, province + district: best {best:?}, median {median:?}, {rows_out} rows"
    );
    let (best, median) = time(3, || {
        series(&frames, &[], from, day, Period::Month, &GroupBy::ALL, &c).unwrap()
    });
    println!("series, 72 months, all 4 breakdowns: best {best:?}, median {median:?}");
    let (best, _) = time(3, || {
        gaps(&frames, "hq_new_model_coverage", day, &c).unwrap()
    });
    println!("gaps hq: best {best:?}");
    let (best, _) = time(3, || hq_trajectory(&frames, day, &c).unwrap());
    println!("trajectory: best {best:?}");
    let (best, _) = time(7, || frames.validate().unwrap());
    println!("validate: best {best:?}");
}
