//! Charts of a report, drawn from the validated [`ReportData`] before the templates run:
//! PNG images whose geometry (grid, bars, lines) plotters draws on an in-memory bitmap
//! and whose text `glyphs` paints with the bundled font, encoded with `png`.

use ab_glyph::FontRef;
use plotters::backend::RGBPixel;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{Language, ReportData, Series};
use super::error::ReportError;
use super::glyphs::{self, Anchor, Label, TEXT_SIZE, text_width};
use super::labels::label;
use super::locale::Locale;
use super::view::name_in;

/// The indicator whose coverage by district is drawn as bars.
pub const HQ_CODE: &str = "hq_new_model_coverage";
/// Most bars in the chart by district (the lowest districts are kept beyond that).
pub const MAX_BARS: usize = 30;
/// Chart width in pixels.
const WIDTH: u32 = 760;
const BLUE: RGBColor = RGBColor(0x0b, 0x3d, 0x91);
const AXIS: RGBColor = RGBColor(0x52, 0x60, 0x6d);
const GRID: RGBColor = RGBColor(0xe3, 0xe7, 0xeb);
const GREY_TEXT: [u8; 3] = [0x52, 0x60, 0x6d];
/// Space above the plot, for the title.
const TOP: u32 = 46;

/// The drawing area of a chart.
type Area<'a> = DrawingArea<BitMapBackend<'a, RGBPixel>, Shift>;

/// Where a chart goes in the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Placement {
    /// Beside the table by district.
    Districts,
    /// In the monthly trend section.
    Series,
}

/// A drawn chart.
#[derive(Clone, Debug)]
pub(crate) struct Chart {
    /// Content-ID the HTML references (`cid:...`).
    pub cid: String,
    /// Title (also the image's alt text).
    pub title: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Where it goes.
    pub placement: Placement,
    /// PNG bytes.
    pub png: Vec<u8>,
}

/// Every chart of `data`: the headquarters coverage by district (when the districts
/// have it) and one line chart per non-empty series.
pub(crate) fn draw_all(data: &ReportData) -> Result<Vec<Chart>, ReportError> {
    let font = glyphs::font()?;
    let mut charts = Vec::new();
    if let Some(chart) = district_bars(font, data)? {
        charts.push(chart);
    }
    for series in data.series.iter().filter(|s| !s.points.is_empty()) {
        charts.push(series_line(font, data.language, series)?);
    }
    Ok(charts)
}

/// Draws the geometry with plotters on a white bitmap, paints the labels it returns,
/// encodes the PNG.
fn draw_png(
    font: &FontRef<'static>,
    name: &str,
    size: (u32, u32),
    draw: impl FnOnce(&Area<'_>) -> Result<Vec<Label>, String>,
) -> Result<Vec<u8>, ReportError> {
    let fail = |e: &dyn std::fmt::Display| ReportError::chart(name, e);
    let mut pixels = vec![255u8; (size.0 * size.1 * 3) as usize];
    let labels = {
        let backend = BitMapBackend::<RGBPixel>::with_buffer_and_format(&mut pixels, size)
            .map_err(|e| fail(&e))?;
        let root = backend.into_drawing_area();
        let labels = draw(&root).map_err(|e| fail(&e))?;
        root.present().map_err(|e| fail(&e))?;
        labels
    };
    for l in &labels {
        glyphs::paint(font, &mut pixels, size, l);
    }
    encode_png(&pixels, size).map_err(|e| fail(&e))
}

fn encode_png(rgb: &[u8], (width, height): (u32, u32)) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

/// A straight line between two pixel points of the whole canvas.
fn rule(root: &Area<'_>, from: (i32, i32), to: (i32, i32), color: RGBColor) -> Result<(), String> {
    root.draw(&PathElement::new(vec![from, to], color.stroke_width(1)))
        .map_err(|e| e.to_string())
}

/// (district name, coverage %) of the districts that have a value, highest first; the
/// lowest [`MAX_BARS`] when there are more.
fn district_coverage(data: &ReportData) -> (Vec<(String, f64)>, bool) {
    let mut bars: Vec<(String, f64)> = data
        .districts
        .iter()
        .filter_map(|d| {
            let v = d.values.iter().find(|v| v.code == HQ_CODE)?.value?;
            Some((d.name.clone(), v))
        })
        .collect();
    bars.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let cut = bars.len() > MAX_BARS;
    if cut {
        bars.drain(..bars.len() - MAX_BARS);
    }
    (bars, cut)
}

/// Horizontal bars of the headquarters coverage by district.
fn district_bars(font: &FontRef<'static>, data: &ReportData) -> Result<Option<Chart>, ReportError> {
    let (bars, cut) = district_coverage(data);
    if bars.is_empty() {
        return Ok(None);
    }
    let lang = data.language;
    let mut title = label(lang, "chart_hq_by_district").to_string();
    if cut {
        title = format!("{title} ({MAX_BARS} {})", label(lang, "lowest_districts"));
    }
    let height = 90 + 26 * bars.len() as u32;
    let png = draw_png(font, "hq-by-district", (WIDTH, height), |root| {
        bar_chart(root, font, lang, &title, &bars)
    })?;
    Ok(Some(Chart {
        cid: "hq-by-district@coso".to_string(),
        title,
        width: WIDTH,
        height,
        placement: Placement::Districts,
        png,
    }))
}

fn bar_chart(
    root: &Area<'_>,
    font: &FontRef<'static>,
    lang: Language,
    title: &str,
    bars: &[(String, f64)],
) -> Result<Vec<Label>, String> {
    let loc = Locale(lang);
    let n = bars.len() as f64;
    let names = bars
        .iter()
        .map(|b| text_width(font, &b.0, TEXT_SIZE))
        .fold(0f32, f32::max);
    let chart = ChartBuilder::on(root)
        .margin_top(TOP)
        .margin_bottom(52)
        .margin_left((names as u32 + 18).clamp(60, 320))
        .margin_right(56)
        .build_cartesian_2d(0f64..100f64, 0f64..n)
        .map_err(|e| e.to_string())?;
    let at = |x: f64, y: f64| chart.backend_coord(&(x, y));
    let mut labels = vec![Label::title(title, root.dim_in_pixel().0)];
    for tick in (0..=10).map(|k| f64::from(k) * 10.0) {
        let (x, bottom) = at(tick, 0.0);
        rule(root, (x, at(0.0, n).1), (x, bottom), GRID)?;
        labels.push(tick_below(
            root,
            (x, bottom),
            format!("{}%", loc.number(tick, 0)),
        )?);
    }
    for (i, (name, value)) in bars.iter().enumerate() {
        labels.extend(bar(
            root,
            &at,
            n - 1.0 - i as f64,
            name,
            loc.value("%", *value, 1),
            *value,
        )?);
    }
    axes(root, at(0.0, n), at(0.0, 0.0), at(100.0, 0.0))?;
    labels.push(axis_title(
        label(lang, "axis_share"),
        at(0.0, 0.0),
        at(100.0, 0.0),
    ));
    Ok(labels)
}

/// One bar at `row` (its bottom in data units), with its name on the left and its value
/// at its end: inside it in white when the bar is long.
fn bar(
    root: &Area<'_>,
    at: &dyn Fn(f64, f64) -> (i32, i32),
    row: f64,
    name: &str,
    shown: String,
    value: f64,
) -> Result<[Label; 2], String> {
    let (x0, y0) = at(0.0, row + 0.8);
    let (x1, y1) = at(value.clamp(0.0, 100.0), row + 0.2);
    root.draw(&Rectangle::new(
        [(x0, y0), (x1.max(x0 + 1), y1)],
        BLUE.filled(),
    ))
    .map_err(|e| e.to_string())?;
    let middle = (y0 + y1) / 2;
    let value_label = if value > 85.0 {
        Label::left_of(shown, (x1 - 5, middle)).colored([255, 255, 255])
    } else {
        Label::right_of(shown, (x1 + 5, middle))
    };
    Ok([Label::left_of(name, (x0 - 8, middle)), value_label])
}

/// A tick mark under the x axis at `at` and its label.
fn tick_below(root: &Area<'_>, (x, y): (i32, i32), text: String) -> Result<Label, String> {
    rule(root, (x, y), (x, y + 4), AXIS)?;
    Ok(Label::below(text, (x, y + 7)))
}

/// The title of the x axis, centred under the plot from `left` to `right`.
fn axis_title(text: &str, left: (i32, i32), right: (i32, i32)) -> Label {
    Label::below(text, ((left.0 + right.0) / 2, left.1 + 27)).colored(GREY_TEXT)
}

/// The left and bottom axis lines, from the top-left, bottom-left and bottom-right
/// corners of the plot.
fn axes(
    root: &Area<'_>,
    top: (i32, i32),
    origin: (i32, i32),
    right: (i32, i32),
) -> Result<(), String> {
    rule(root, top, origin, AXIS)?;
    rule(root, origin, right, AXIS)
}

/// A value axis: bounds, tick step and the decimals its labels need.
#[derive(Clone, Copy, Debug, PartialEq)]
struct ValueAxis {
    lo: f64,
    hi: f64,
    step: f64,
    decimals: u32,
}

/// A round step giving about `ticks` intervals over `span`: 1, 2, 2.5 or 5 times a
/// power of ten.
fn nice_step(span: f64, ticks: f64) -> f64 {
    let raw = (span / ticks).max(1e-9);
    let magnitude = 10f64.powf(raw.log10().floor());
    let m = match raw / magnitude {
        r if r <= 1.0 => 1.0,
        r if r <= 2.0 => 2.0,
        r if r <= 2.5 => 2.5,
        r if r <= 5.0 => 5.0,
        _ => 10.0,
    };
    m * magnitude
}

impl ValueAxis {
    /// The axis of a series: from 0 for rates, a padded band around the values otherwise.
    fn of(series: &Series) -> Self {
        let (lo, hi) = series
            .points
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, v)| {
                (lo.min(*v), hi.max(*v))
            });
        let (lo, hi) = if series.unit == "%" {
            (0.0, (hi * 1.15).max(10.0))
        } else {
            let pad = ((hi - lo) * 0.2)
                .max(hi.abs() * 0.01)
                .max(10f64.powi(-(series.decimals as i32)));
            (lo - pad, hi + pad)
        };
        let step = nice_step(hi - lo, 5.0);
        let decimals = (0..6)
            .find(|d| ((step * 10f64.powi(*d)).fract()).abs() < 1e-6)
            .unwrap_or(6) as u32;
        let mut hi = (hi / step).ceil() * step;
        if series.unit == "%" && hi > 100.0 && lo >= 0.0 {
            hi = hi.max(100.0);
        }
        ValueAxis {
            lo: (lo / step).floor() * step,
            hi,
            step,
            decimals,
        }
    }

    /// The tick values, low to high.
    fn ticks(self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step).round() as i64;
        (0..=n).map(|k| self.lo + k as f64 * self.step).collect()
    }
}

/// A line chart of one monthly series.
fn series_line(
    font: &FontRef<'static>,
    lang: Language,
    series: &Series,
) -> Result<Chart, ReportError> {
    let title = name_in(lang, &series.name_vi, &series.name_en);
    let code: String = series
        .code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let name = format!("series-{code}");
    let height = 340;
    let png = draw_png(font, &name, (WIDTH, height), |root| {
        line_chart(root, font, lang, &title, series)
    })?;
    Ok(Chart {
        cid: format!("{name}@coso"),
        title,
        width: WIDTH,
        height,
        placement: Placement::Series,
        png,
    })
}

fn line_chart(
    root: &Area<'_>,
    font: &FontRef<'static>,
    lang: Language,
    title: &str,
    series: &Series,
) -> Result<Vec<Label>, String> {
    let loc = Locale(lang);
    let axis = ValueAxis::of(series);
    let ticks: Vec<(f64, String)> = axis
        .ticks()
        .into_iter()
        .map(|t| (t, loc.value(&series.unit, t, axis.decimals)))
        .collect();
    let widest = ticks
        .iter()
        .map(|(_, text)| text_width(font, text, TEXT_SIZE))
        .fold(0f32, f32::max);
    let last = (series.points.len().saturating_sub(1) as f64).max(1.0);
    let chart = ChartBuilder::on(root)
        .margin_top(TOP)
        .margin_bottom(56)
        .margin_left(widest as u32 + 20)
        .margin_right(30)
        .build_cartesian_2d(0f64..last, axis.lo..axis.hi)
        .map_err(|e| e.to_string())?;
    let at = |x: f64, y: f64| chart.backend_coord(&(x, y));
    let mut labels = vec![Label::title(title, root.dim_in_pixel().0)];
    for (tick, text) in ticks {
        let (left, y) = at(0.0, tick);
        rule(root, (left, y), (at(last, tick).0, y), GRID)?;
        labels.push(Label::left_of(text, (left - 8, y)));
    }
    labels.extend(month_labels(root, &at, series, lang, axis.lo)?);
    axes(root, at(0.0, axis.hi), at(0.0, axis.lo), at(last, axis.lo))?;
    labels.extend(line(root, &at, series, loc)?);
    labels.push(axis_title(
        label(lang, "axis_month"),
        at(0.0, axis.lo),
        at(last, axis.lo),
    ));
    Ok(labels)
}

/// The line and points of a series, and its last value as a label.
fn line(
    root: &Area<'_>,
    at: &dyn Fn(f64, f64) -> (i32, i32),
    series: &Series,
    loc: Locale,
) -> Result<Option<Label>, String> {
    let points: Vec<(i32, i32)> = series
        .points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| at(i as f64, *v))
        .collect();
    root.draw(&PathElement::new(points.clone(), BLUE.stroke_width(3)))
        .map_err(|e| e.to_string())?;
    for p in &points {
        root.draw(&Circle::new(*p, 3, BLUE.filled()))
            .map_err(|e| e.to_string())?;
    }
    let (Some(p), Some((_, v))) = (points.last(), series.points.last()) else {
        return Ok(None);
    };
    let text = loc.value(&series.unit, *v, series.decimals);
    let anchor = (Anchor::End, Anchor::End);
    Ok(Some(
        Label::new(text, (p.0, p.1 - 8), 13.0, anchor).colored(GREY_TEXT),
    ))
}

/// Month labels and tick marks under the x axis: every k-th month so that labels do
/// not touch, the last month always.
fn month_labels(
    root: &Area<'_>,
    at: &dyn Fn(f64, f64) -> (i32, i32),
    series: &Series,
    lang: Language,
    lo: f64,
) -> Result<Vec<Label>, String> {
    let loc = Locale(lang);
    let n = series.points.len();
    let span = (at(n.saturating_sub(1).max(1) as f64, lo).0 - at(0.0, lo).0).max(1) as usize;
    let every = (n * 70).div_ceil(span).max(1);
    let mut labels = Vec::new();
    for (i, (day, _)) in series.points.iter().enumerate() {
        if (n - 1 - i).is_multiple_of(every) {
            labels.push(tick_below(root, at(i as f64, lo), loc.month(*day))?);
        }
    }
    Ok(labels)
}
