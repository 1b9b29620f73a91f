//! Timing of report rendering (a benchmark, never a timed test): the province report
//! (173 units, 12 districts) and a national-size one (700 districts, 10,595 units),
//! whole and by stage. Run: `cargo test --release --lib report -- --ignored --nocapture`.

use std::time::Duration;

use super::data::ReportData;
use super::error::ReportError;
use super::{charts, csv_file, render, workbook};
use crate::bench::{median, ms};

/// Median timings of one report size.
#[derive(Clone, Debug)]
pub struct Timing {
    /// Which report.
    pub name: &'static str,
    /// Districts in the table.
    pub districts: usize,
    /// Units in the gap lists.
    pub gap_units: usize,
    /// The whole of [`render`].
    pub total: Duration,
    /// Drawing and encoding the charts.
    pub charts: Duration,
    /// Writing the workbook.
    pub workbook: Duration,
    /// Writing the CSV.
    pub csv: Duration,
    /// Sizes: HTML, text, PNGs together, XLSX (bytes).
    pub sizes: [usize; 4],
}

/// Times the province and the national report, `runs` times each (median).
pub fn bench(runs: usize) -> Result<Vec<Timing>, ReportError> {
    let samples = [
        ("province (Quảng Ngãi)", ReportData::sample()),
        ("national (700 districts)", ReportData::national_sample()),
    ];
    samples
        .iter()
        .map(|(name, data)| time(name, data, runs))
        .collect()
}

fn time(name: &'static str, data: &ReportData, runs: usize) -> Result<Timing, ReportError> {
    let (total, out) = median(runs, || render(data));
    let out = out.ok_or_else(|| ReportError::InvalidData("no run".into()))??;
    let (charts, drawn) = median(runs, || charts::draw_all(data));
    drawn.transpose()?;
    let (workbook, _) = median(runs, || workbook::workbook(data));
    let (csv, _) = median(runs, || csv_file::headlines_csv(data));
    let xlsx = out.attachments.first().map_or(0, |a| a.bytes.len());
    Ok(Timing {
        name,
        districts: data.districts.len(),
        gap_units: data.gaps.iter().map(|g| g.units.len()).sum(),
        total,
        charts,
        workbook,
        csv,
        sizes: [
            out.html.len(),
            out.text.len(),
            out.inline_images.iter().map(|i| i.png.len()).sum(),
            xlsx,
        ],
    })
}

/// Prints timings, one line each.
pub fn print(timings: &[Timing]) {
    for t in timings {
        println!(
            "report {:<26} districts {:>4}  gap units {:>6}  render {:>8.1} ms  \
             (charts {:>7.1} ms, workbook {:>7.1} ms, csv {:>5.2} ms)  \
             html {} kB, text {} kB, png {} kB, xlsx {} kB",
            t.name,
            t.districts,
            t.gap_units,
            ms(t.total),
            ms(t.charts),
            ms(t.workbook),
            ms(t.csv),
            t.sizes[0] / 1024,
            t.sizes[1] / 1024,
            t.sizes[2] / 1024,
            t.sizes[3] / 1024,
        );
    }
}
