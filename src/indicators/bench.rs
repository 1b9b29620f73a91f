//! Timings of the engine on the national synthetic tier (10,595 units, about 70k
//! officers, 72 months), and on the same merged three into one on 1/7/2025 (a day after
//! the change, a series across it, each against the 2024 figures of the same run),
//! ignored by default: run with
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

#[test]
#[ignore = "benchmark: run in release with --ignored --nocapture"]
fn national_tier_across_a_merger() {
    let rows = bench_rows(&Synthetic::national_merged());
    let frames = Frames::from_rows(&rows).unwrap();
    let c = EngineConfig::default();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let (before, after) = (day(2024, 12, 31), day(2026, 11, 30));
    let in_force = |d: NaiveDate| {
        rows.units
            .iter()
            .filter(|u| u.valid_from <= d && u.valid_to.is_none_or(|t| t > d))
            .count()
    };
    println!(
        "merged tier: {} unit periods; {} units on {before}, {} on {after}; {} officer rows",
        rows.units.len(),
        in_force(before),
        in_force(after),
        rows.officers.len()
    );
    let (b, _) = time(21, || {
        compute(&frames, before, &[], &GroupBy::ALL, &c).unwrap()
    });
    let (a, _) = time(21, || {
        compute(&frames, after, &[], &GroupBy::ALL, &c).unwrap()
    });
    println!(
        "compute, all indicators, 4 breakdowns: best {b:?} on {before}, {a:?} on {after} ({:.2}x)",
        a.as_secs_f64() / b.as_secs_f64()
    );
    let by = [GroupBy::Province, GroupBy::District];
    let (s72, _) = time(3, || {
        series(
            &frames,
            &[],
            day(2019, 1, 1),
            before,
            Period::Month,
            &by,
            &c,
        )
        .unwrap()
    });
    let (across, _) = time(3, || {
        series(&frames, &[], day(2024, 1, 1), after, Period::Month, &by, &c).unwrap()
    });
    println!(
        "series, province + district: 72 months to {before} best {s72:?}; 35 months across the merger best {across:?} ({:.2}x a month)",
        (across.as_secs_f64() / 35.0) / (s72.as_secs_f64() / 72.0)
    );
}
