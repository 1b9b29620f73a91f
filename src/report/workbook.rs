//! The XLSX attachment, made from the validated [`ReportData`] beside the mail body: a
//! sheet per section (indicators, by district, trajectory, monthly series, one per gap
//! list, about), numbers stored as numbers with number formats (rates as fractions with
//! a percent format), formatted headers, fixed column widths, frozen header rows; text
//! that would run as a formula is written as text with the quote prefix.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::data::{GapList, Headline, Language, ReportData};
use super::labels::{gap_sheet_name, kind_label, label, short_name, unit_label};
use super::locale::Locale;
use super::view::{coverage_pct, district_codes, name_in, report_title, status_style};
use crate::indicators::Trajectory;

/// The cell formats of the workbook.
struct Styles {
    header: Format,
    text: Format,
    date: Format,
    month: Format,
}

impl Styles {
    fn new() -> Self {
        Styles {
            header: Format::new()
                .set_bold()
                .set_font_color(Color::White)
                .set_background_color(Color::RGB(0x0b3d91))
                .set_border(FormatBorder::Thin)
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter),
            text: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            date: Format::new().set_num_format("dd/mm/yyyy"),
            month: Format::new().set_num_format("mm/yyyy"),
        }
    }
}

/// The number format of a value in `unit` with `decimals` (rates are stored as
/// fractions: 32.9% as 0.329); `signed` for changes.
pub(crate) fn number_format(unit: &str, decimals: u32, signed: bool) -> Format {
    let frac = if decimals > 0 {
        format!(".{}", "0".repeat(decimals as usize))
    } else {
        String::new()
    };
    let body = if unit == "%" {
        format!("0{frac}%")
    } else {
        format!("#,##0{frac}")
    };
    let code = if signed {
        format!("+{body};-{body};{body}")
    } else {
        body
    };
    Format::new().set_num_format(code)
}

/// A value as stored: rates as fractions.
fn stored(unit: &str, value: f64) -> f64 {
    if unit == "%" { value / 100.0 } else { value }
}

/// The workbook of `data`, as bytes.
pub(crate) fn workbook(data: &ReportData) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let styles = Styles::new();
    let lang = data.language;
    let mut names = SheetNames::default();
    indicators_sheet(
        named(&mut book, &mut names, label(lang, "sheet_indicators"))?,
        data,
        &styles,
    )?;
    if !data.districts.is_empty() {
        districts_sheet(
            named(&mut book, &mut names, label(lang, "sheet_districts"))?,
            data,
            &styles,
        )?;
    }
    if let Some(t) = &data.trajectory {
        trajectory_sheet(
            named(&mut book, &mut names, label(lang, "sheet_trajectory"))?,
            lang,
            t,
            &styles,
        )?;
    }
    if data.series.iter().any(|s| !s.points.is_empty()) {
        series_sheet(
            named(&mut book, &mut names, label(lang, "sheet_series"))?,
            data,
            &styles,
        )?;
    }
    for list in &data.gaps {
        let name = gap_sheet_name(lang, &list.code).map_or_else(
            || format!("{} {}", label(lang, "sheet_gaps"), list.code),
            str::to_string,
        );
        gap_sheet(named(&mut book, &mut names, &name)?, lang, list, &styles)?;
    }
    info_sheet(
        named(&mut book, &mut names, label(lang, "sheet_info"))?,
        data,
        &styles,
    )?;
    book.save_to_buffer()
}

/// Adds a worksheet named `name` (made valid and unique).
fn named<'a>(
    book: &'a mut Workbook,
    names: &mut SheetNames,
    name: &str,
) -> Result<&'a mut Worksheet, XlsxError> {
    let name = names.unique(name);
    book.add_worksheet().set_name(name)
}

/// Sheet names already used (case-insensitive, as Excel compares them).
#[derive(Default)]
struct SheetNames(HashSet<String>);

impl SheetNames {
    /// `name` without the characters Excel forbids, at most 31 characters, unique.
    fn unique(&mut self, name: &str) -> String {
        let clean: String = name
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
            .collect();
        let clean = clean.trim().trim_matches('\'').to_string();
        let base: String = if clean.is_empty() {
            "Sheet".to_string()
        } else {
            clean
        };
        let mut n = 1;
        loop {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!(" ({n})")
            };
            let keep = 31 - suffix.chars().count();
            let candidate = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
            if self.0.insert(candidate.to_lowercase()) {
                return candidate;
            }
            n += 1;
        }
    }
}

/// Writes text in the default format (see [`text_with`]).
fn text(ws: &mut Worksheet, row: u32, col: u16, s: impl AsRef<str>) -> Result<(), XlsxError> {
    text_with(ws, row, col, s, &Format::new())
}

/// Writes text as a text cell; text a spreadsheet would take as a formula (see
/// [`crate::cells::looks_like_formula`]) also gets Excel's quote prefix, the stored form of
/// a leading `'`: shown as typed, and kept as text even when the cell is edited.
pub(crate) fn text_with(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    s: impl AsRef<str>,
    format: &Format,
) -> Result<(), XlsxError> {
    let s = s.as_ref();
    if crate::cells::looks_like_formula(s) {
        ws.write_string_with_format(row, col, s, &format.clone().set_quote_prefix())?;
    } else {
        ws.write_string_with_format(row, col, s, format)?;
    }
    Ok(())
}

/// Writes a header row at `row` with `widths`, freezes the panes below it.
fn header(
    ws: &mut Worksheet,
    row: u32,
    cells: &[(String, f64)],
    styles: &Styles,
) -> Result<(), XlsxError> {
    for (col, (text, width)) in cells.iter().enumerate() {
        let col = col as u16;
        text_with(ws, row, col, text, &styles.header)?;
        ws.set_column_width(col, *width)?;
    }
    ws.set_freeze_panes(row + 1, 0)?;
    Ok(())
}

/// Writes a number or leaves the cell empty.
fn number_or_blank(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<f64>,
    format: &Format,
) -> Result<(), XlsxError> {
    if let Some(v) = value {
        ws.write_number_with_format(row, col, v, format)?;
    }
    Ok(())
}

fn write_date(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    day: NaiveDate,
    format: &Format,
) -> Result<(), XlsxError> {
    let excel = ExcelDateTime::from_ymd(
        u16::try_from(day.year()).unwrap_or(1900),
        day.month() as u8,
        day.day() as u8,
    )?;
    ws.write_datetime_with_format(row, col, &excel, format)?;
    Ok(())
}

fn cols(lang: Language, keys: &[(&str, f64)]) -> Vec<(String, f64)> {
    keys.iter()
        .map(|(k, w)| (label(lang, k).to_string(), *w))
        .collect()
}

fn indicators_sheet(
    ws: &mut Worksheet,
    data: &ReportData,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let lang = data.language;
    let heads = cols(
        lang,
        &[
            ("code", 30.0),
            ("indicator", 58.0),
            ("unit", 14.0),
            ("numerator", 11.0),
            ("denominator", 11.0),
            ("value", 11.0),
            ("target", 11.0),
            ("previous", 11.0),
            ("change", 11.0),
            ("status", 14.0),
            ("display", 20.0),
        ],
    );
    header(ws, 0, &heads, styles)?;
    for (i, h) in data.headlines.iter().enumerate() {
        indicator_row(ws, i as u32 + 1, lang, h, styles)?;
    }
    ws.autofilter(0, 0, data.headlines.len() as u32, heads.len() as u16 - 1)?;
    Ok(())
}

fn indicator_row(
    ws: &mut Worksheet,
    row: u32,
    lang: Language,
    h: &Headline,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let count = number_format("", 0, false);
    let value = number_format(&h.unit, h.decimals, false);
    let (status, fg, bg) = status_style(lang, h.status);
    let status_format = Format::new()
        .set_bold()
        .set_font_color(Color::RGB(hex(fg)))
        .set_background_color(Color::RGB(hex(bg)));
    text(ws, row, 0, &h.code)?;
    text_with(
        ws,
        row,
        1,
        name_in(lang, &h.name_vi, &h.name_en),
        &styles.text,
    )?;
    text(ws, row, 2, unit_label(lang, &h.unit))?;
    ws.write_number_with_format(row, 3, h.numerator, &count)?;
    number_or_blank(ws, row, 4, h.denominator, &count)?;
    ws.write_number_with_format(row, 5, stored(&h.unit, h.value), &value)?;
    number_or_blank(ws, row, 6, h.target.map(|v| stored(&h.unit, v)), &value)?;
    number_or_blank(ws, row, 7, h.previous.map(|v| stored(&h.unit, v)), &value)?;
    let change = h
        .previous
        .map(|p| stored(&h.unit, round(h.value - p, h.decimals)));
    number_or_blank(
        ws,
        row,
        8,
        change,
        &number_format(&h.unit, h.decimals, true),
    )?;
    text_with(ws, row, 9, status, &status_format)?;
    let shown = Locale(lang).display(&h.unit, h.numerator, h.denominator, h.value, h.decimals);
    text(ws, row, 10, shown)?;
    Ok(())
}

/// `#rrggbb` as a number.
fn hex(color: &str) -> u32 {
    u32::from_str_radix(color.trim_start_matches('#'), 16).unwrap_or(0)
}

/// `value` rounded to `decimals` (a difference of rounded values, without float noise).
fn round(value: f64, decimals: u32) -> f64 {
    let scale = 10f64.powi(decimals as i32);
    (value * scale).round() / scale
}

fn districts_sheet(
    ws: &mut Worksheet,
    data: &ReportData,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let lang = data.language;
    let codes = district_codes(data);
    let mut heads = cols(lang, &[("district_code", 10.0), ("district", 26.0)]);
    // (headline, with numerator and denominator columns)
    let mut layout = Vec::new();
    for h in &codes {
        let short = short_name(lang, &h.code, &name_in(lang, &h.name_vi, &h.name_en));
        let parts = data.districts.iter().flat_map(|d| &d.values);
        let with_parts = parts
            .filter(|v| v.code == h.code)
            .any(|v| v.denominator.is_some());
        if with_parts {
            heads.push((format!("{short} – {}", label(lang, "numerator")), 12.0));
            heads.push((format!("{short} – {}", label(lang, "denominator")), 12.0));
        }
        heads.push((short, 14.0));
        layout.push((*h, with_parts));
    }
    header(ws, 0, &heads, styles)?;
    let count = number_format("", 0, false);
    for (i, d) in data.districts.iter().enumerate() {
        let row = i as u32 + 1;
        text(ws, row, 0, &d.code)?;
        text(ws, row, 1, &d.name)?;
        let mut col = 2u16;
        for (h, with_parts) in &layout {
            let v = d.values.iter().find(|v| v.code == h.code);
            if *with_parts {
                number_or_blank(ws, row, col, v.map(|v| v.numerator), &count)?;
                number_or_blank(ws, row, col + 1, v.and_then(|v| v.denominator), &count)?;
                col += 2;
            }
            let value = v.and_then(|v| v.value).map(|x| stored(&h.unit, x));
            number_or_blank(
                ws,
                row,
                col,
                value,
                &number_format(&h.unit, h.decimals, false),
            )?;
            col += 1;
        }
    }
    ws.autofilter(0, 0, data.districts.len() as u32, heads.len() as u16 - 1)?;
    Ok(())
}

fn trajectory_sheet(
    ws: &mut Worksheet,
    lang: Language,
    t: &Trajectory,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let heads = cols(lang, &[("item", 40.0), ("value", 14.0), ("unit", 16.0)]);
    header(ws, 0, &heads, styles)?;
    let rows = trajectory_numbers(lang, t);
    for (i, (key, value, format, unit)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        text(ws, row, 0, label(lang, key))?;
        ws.write_number_with_format(row, 1, *value, format)?;
        text(ws, row, 2, *unit)?;
    }
    let row = rows.len() as u32 + 1;
    text(ws, row, 0, label(lang, "target_date"))?;
    write_date(ws, row, 1, t.target_date, &styles.date)?;
    text(ws, row + 1, 0, label(lang, "projected_date"))?;
    match t.projected_date {
        Some(day) => write_date(ws, row + 1, 1, day, &styles.date)?,
        None => {
            text(ws, row + 1, 1, label(lang, "no_projection"))?;
        }
    }
    let verdict = if t.on_track { "on_track" } else { "off_track" };
    text(ws, row + 2, 0, label(lang, "status"))?;
    text(ws, row + 2, 1, label(lang, verdict))?;
    Ok(())
}

/// (label key, value, format, unit in words) of the numbers of a trajectory.
fn trajectory_numbers(
    lang: Language,
    t: &Trajectory,
) -> Vec<(&'static str, f64, Format, &'static str)> {
    let units = label(lang, "units_word");
    let pace = label(lang, "units_per_month");
    let count = || number_format("", 0, false);
    let pct = || number_format("%", 1, false);
    let ratio = || number_format("", 2, false);
    let months = label(lang, "months_word");
    vec![
        ("units_total", f64::from(t.units), count(), units),
        ("hq_current", f64::from(t.covered), count(), units),
        ("hq_missing", f64::from(t.missing), count(), units),
        ("coverage", coverage_pct(t) / 100.0, pct(), "%"),
        ("target", t.target_pct / 100.0, pct(), "%"),
        ("needed", f64::from(t.needed), count(), units),
        (
            "months_left_full",
            f64::from(t.months_left),
            count(),
            months,
        ),
        ("required_pace", t.required_per_month, ratio(), pace),
        (
            "achieved_12",
            f64::from(t.achieved_last_12_months),
            count(),
            units,
        ),
        ("achieved_pace", t.achieved_per_month, ratio(), pace),
    ]
}

fn series_sheet(ws: &mut Worksheet, data: &ReportData, styles: &Styles) -> Result<(), XlsxError> {
    let lang = data.language;
    let series: Vec<_> = data
        .series
        .iter()
        .filter(|s| !s.points.is_empty())
        .collect();
    let mut heads = cols(lang, &[("month", 12.0)]);
    heads.extend(series.iter().map(|s| {
        (
            short_name(lang, &s.code, &name_in(lang, &s.name_vi, &s.name_en)),
            16.0,
        )
    }));
    header(ws, 0, &heads, styles)?;
    let mut by_day: BTreeMap<NaiveDate, Vec<Option<f64>>> = BTreeMap::new();
    for (i, s) in series.iter().enumerate() {
        for (day, v) in &s.points {
            by_day
                .entry(*day)
                .or_insert_with(|| vec![None; series.len()])[i] = Some(*v);
        }
    }
    let formats: Vec<Format> = series
        .iter()
        .map(|s| number_format(&s.unit, s.decimals, false))
        .collect();
    for (r, (day, values)) in by_day.iter().enumerate() {
        let row = r as u32 + 1;
        write_date(ws, row, 0, *day, &styles.month)?;
        for (i, v) in values.iter().enumerate() {
            let value = v.map(|x| stored(&series[i].unit, x));
            number_or_blank(ws, row, i as u16 + 1, value, &formats[i])?;
        }
    }
    Ok(())
}

fn gap_sheet(
    ws: &mut Worksheet,
    lang: Language,
    list: &GapList,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let heads = cols(
        lang,
        &[
            ("rank", 6.0),
            ("unit_code", 11.0),
            ("unit_name", 28.0),
            ("district", 24.0),
            ("kind", 11.0),
            ("detail", 60.0),
        ],
    );
    header(ws, 0, &heads, styles)?;
    for (i, u) in list.units.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_number(row, 0, row)?;
        text(ws, row, 1, &u.unit_code)?;
        text(ws, row, 2, &u.unit_name)?;
        text(ws, row, 3, &u.district_name)?;
        text(ws, row, 4, kind_label(lang, &u.kind))?;
        text(ws, row, 5, &u.detail)?;
    }
    ws.autofilter(0, 0, list.units.len() as u32, heads.len() as u16 - 1)?;
    Ok(())
}

fn info_sheet(ws: &mut Worksheet, data: &ReportData, styles: &Styles) -> Result<(), XlsxError> {
    let lang = data.language;
    let loc = Locale(lang);
    header(
        ws,
        0,
        &cols(lang, &[("item", 26.0), ("value", 60.0)]),
        styles,
    )?;
    let mut rows = vec![
        ("title", report_title(data)),
        ("period", loc.period(data.period)),
        ("scope", data.scope.name.clone()),
        ("data_version", data.data_version.to_string()),
        ("updated_at", loc.moment(data.data_as_of)),
    ];
    if let Some(name) = &data.schedule_name {
        rows.push(("schedule", name.clone()));
    }
    for (i, (key, value)) in rows.iter().enumerate() {
        text(ws, i as u32 + 1, 0, label(lang, key))?;
        text(ws, i as u32 + 1, 1, value)?;
    }
    let row = rows.len() as u32 + 1;
    text(ws, row, 0, label(lang, "figures_as_of"))?;
    write_date(ws, row, 1, data.report_date, &styles.date)?;
    Ok(())
}
