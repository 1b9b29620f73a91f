//! The template context, between the validated [`ReportData`] and the templates: every
//! figure already formatted in the report's language, so the templates only lay out.

use serde::Serialize;

use super::charts::{Chart, Placement};
use super::data::{DistrictRow, GapList, Headline, Language, ReportData, StructureChange};
use super::labels::{kind_label, label, labels, short_name};
use super::locale::Locale;
use crate::indicators::{Status, Trajectory};

/// Rows of a gap list shown in the mail body; the workbook holds them all.
pub const GAP_ROWS_IN_BODY: usize = 200;

/// Everything the templates read.
#[derive(Debug, Serialize)]
pub(crate) struct View {
    lang: &'static str,
    t: std::collections::BTreeMap<&'static str, &'static str>,
    heading: String,
    title: String,
    period: String,
    scope: String,
    report_date: String,
    data_version: String,
    data_as_of: String,
    schedule_name: Option<String>,
    headlines: Vec<HeadlineView>,
    structure_change: Option<String>,
    trajectory: Option<TrajectoryView>,
    district_columns: Vec<String>,
    districts: Vec<DistrictView>,
    gaps: Vec<GapView>,
    chart_districts: Option<ChartView>,
    series_charts: Vec<ChartView>,
    attachments: Vec<String>,
}

#[derive(Debug, Serialize)]
struct HeadlineView {
    code: String,
    name: String,
    display: String,
    target: Option<String>,
    status_label: &'static str,
    status_fg: &'static str,
    status_bg: &'static str,
    previous: Option<String>,
    change: Option<String>,
}

#[derive(Debug, Serialize)]
struct TrajectoryView {
    current: String,
    missing: String,
    target: String,
    target_date: String,
    time_left: String,
    overdue: bool,
    required: String,
    achieved: String,
    achieved_12: String,
    projected: Option<String>,
    on_track: bool,
    verdict: &'static str,
    verdict_fg: &'static str,
}

#[derive(Debug, Serialize)]
struct DistrictView {
    name: String,
    cells: Vec<String>,
}

#[derive(Debug, Serialize)]
struct GapView {
    name: String,
    count: String,
    empty: bool,
    units: Vec<GapUnitView>,
    more: Option<String>,
}

#[derive(Debug, Serialize)]
struct GapUnitView {
    rank: usize,
    code: String,
    name: String,
    district: String,
    kind: String,
    detail: String,
}

#[derive(Clone, Debug, Serialize)]
struct ChartView {
    cid: String,
    title: String,
    width: u32,
    height: u32,
}

/// The context of `data`, whose charts and attachment names are already made.
pub(crate) fn build(data: &ReportData, charts: &[Chart], attachments: Vec<String>) -> View {
    let lang = data.language;
    let loc = Locale(lang);
    let title = report_title(data);
    let period = loc.period(data.period);
    let chart_view = |c: &Chart| ChartView {
        cid: c.cid.clone(),
        title: c.title.clone(),
        width: c.width,
        height: c.height,
    };
    let (columns, districts) = district_table(data);
    View {
        lang: lang.code(),
        t: labels(lang),
        heading: format!("{} {period}", label(lang, "report")),
        title,
        period,
        scope: data.scope.name.clone(),
        report_date: loc.date(data.report_date),
        data_version: data.data_version.to_string(),
        data_as_of: loc.moment(data.data_as_of),
        schedule_name: data.schedule_name.clone(),
        headlines: data.headlines.iter().map(|h| headline(lang, h)).collect(),
        structure_change: data
            .structure_change
            .as_ref()
            .map(|c| structure_change(lang, c)),
        trajectory: data.trajectory.as_ref().map(|t| trajectory(lang, t)),
        district_columns: columns,
        districts,
        gaps: data.gaps.iter().map(|g| gap_list(lang, g)).collect(),
        chart_districts: charts
            .iter()
            .find(|c| c.placement == Placement::Districts)
            .map(chart_view),
        series_charts: charts
            .iter()
            .filter(|c| c.placement == Placement::Series)
            .map(chart_view)
            .collect(),
        attachments,
    }
}

/// The sentence saying that the changes since the previous report cross a
/// restructuring.
fn structure_change(lang: Language, c: &StructureChange) -> String {
    let loc = Locale(lang);
    let acts: Vec<String> = c
        .changes
        .iter()
        .map(|(day, act)| match lang {
            Language::Vi => format!("ngày {} theo Nghị quyết {act}", loc.date(*day)),
            Language::En => format!("on {} under Resolution {act}", loc.date(*day)),
        })
        .collect();
    let (before, after) = (loc.count(c.units_before), loc.count(c.units_after));
    match lang {
        Language::Vi => format!(
            "Lưu ý: từ báo cáo kỳ trước (số liệu ngày {}) đến nay đã sắp xếp đơn vị hành chính ({}); số đơn vị từ {before} thành {after}. Mức thay đổi so với kỳ trước phản ánh cả việc sắp xếp này.",
            loc.date(c.since),
            acts.join("; ")
        ),
        Language::En => format!(
            "Note: since the previous report (figures of {}) the units were restructured ({}); from {before} units to {after}. The changes since the previous report reflect this restructuring too.",
            loc.date(c.since),
            acts.join("; ")
        ),
    }
}

/// The topic: the given title or the default one of the language.
pub(crate) fn report_title(data: &ReportData) -> String {
    data.title
        .clone()
        .unwrap_or_else(|| label(data.language, "default_title").to_string())
}

/// The indicator name in the report's language.
pub(crate) fn name_in(lang: Language, vi: &str, en: &str) -> String {
    match lang {
        Language::En if !en.trim().is_empty() => en.to_string(),
        _ => vi.to_string(),
    }
}

/// Label and colours (text, background) of a status.
pub(crate) fn status_style(
    lang: Language,
    status: Status,
) -> (&'static str, &'static str, &'static str) {
    match status {
        Status::Green => (label(lang, "status_green"), "#1b5e20", "#e8f5e9"),
        Status::Amber => (label(lang, "status_amber"), "#7a4f00", "#fff4d6"),
        Status::Red => (label(lang, "status_red"), "#b71c1c", "#fdecea"),
        Status::None => (label(lang, "status_none"), "#52606d", "#ffffff"),
    }
}

fn headline(lang: Language, h: &Headline) -> HeadlineView {
    let loc = Locale(lang);
    let (status_label, status_fg, status_bg) = status_style(lang, h.status);
    let change = h.previous.map(|p| {
        loc.change(&h.unit, h.value - p, h.decimals)
            .unwrap_or_else(|| label(lang, "unchanged").to_string())
    });
    HeadlineView {
        code: h.code.clone(),
        name: name_in(lang, &h.name_vi, &h.name_en),
        display: loc.display(&h.unit, h.numerator, h.denominator, h.value, h.decimals),
        target: h.target.map(|v| loc.value(&h.unit, v, h.decimals)),
        status_label,
        status_fg,
        status_bg,
        previous: h.previous.map(|v| loc.value(&h.unit, v, h.decimals)),
        change,
    }
}

/// The coverage in percent of a trajectory, one decimal.
pub(crate) fn coverage_pct(t: &Trajectory) -> f64 {
    if t.units == 0 {
        return 0.0;
    }
    (1000.0 * f64::from(t.covered) / f64::from(t.units)).round() / 10.0
}

fn trajectory(lang: Language, t: &Trajectory) -> TrajectoryView {
    let loc = Locale(lang);
    let (verdict, verdict_fg) = if t.needed == 0 {
        (label(lang, "target_reached"), "#1b5e20")
    } else if t.on_track {
        (label(lang, "on_track"), "#1b5e20")
    } else {
        (label(lang, "off_track"), "#b71c1c")
    };
    TrajectoryView {
        current: loc.display(
            "%",
            f64::from(t.covered),
            Some(f64::from(t.units)),
            coverage_pct(t),
            1,
        ),
        missing: loc.count(t.missing),
        target: loc.value("%", t.target_pct, 0),
        target_date: loc.date(t.target_date),
        time_left: label(lang, "months_left").replace("{n}", &loc.count(t.months_left)),
        overdue: t.needed > 0 && t.as_of > t.target_date,
        required: loc.number(t.required_per_month, 2),
        achieved: loc.number(t.achieved_per_month, 2),
        achieved_12: loc.count(t.achieved_last_12_months),
        projected: t.projected_date.map(|d| loc.date(d)),
        on_track: t.on_track,
        verdict,
        verdict_fg,
    }
}

/// Indicator codes shown in the table by district: those any district has, in
/// headline order.
pub(crate) fn district_codes(data: &ReportData) -> Vec<&Headline> {
    data.headlines
        .iter()
        .filter(|h| {
            data.districts
                .iter()
                .any(|d| d.values.iter().any(|v| v.code == h.code))
        })
        .collect()
}

fn district_table(data: &ReportData) -> (Vec<String>, Vec<DistrictView>) {
    let lang = data.language;
    let codes = district_codes(data);
    let columns = codes
        .iter()
        .map(|h| short_name(lang, &h.code, &name_in(lang, &h.name_vi, &h.name_en)))
        .collect();
    let rows = data
        .districts
        .iter()
        .map(|d| DistrictView {
            name: d.name.clone(),
            cells: codes.iter().map(|h| district_cell(lang, d, h)).collect(),
        })
        .collect();
    (columns, rows)
}

fn district_cell(lang: Language, row: &DistrictRow, h: &Headline) -> String {
    row.values
        .iter()
        .find(|v| v.code == h.code)
        .and_then(|v| {
            let value = v.value?;
            Some(Locale(lang).display(&h.unit, v.numerator, v.denominator, value, h.decimals))
        })
        .unwrap_or_else(|| "—".to_string())
}

fn gap_list(lang: Language, g: &GapList) -> GapView {
    let loc = Locale(lang);
    let shown = g.units.len().min(GAP_ROWS_IN_BODY);
    let more = g.units.len() - shown;
    GapView {
        name: name_in(lang, &g.name_vi, &g.name_en),
        count: loc.count(g.units.len() as f64),
        empty: g.units.is_empty(),
        units: g.units[..shown]
            .iter()
            .enumerate()
            .map(|(i, u)| GapUnitView {
                rank: i + 1,
                code: u.unit_code.clone(),
                name: u.unit_name.clone(),
                district: u.district_name.clone(),
                kind: kind_label(lang, &u.kind),
                detail: u.detail.clone(),
            })
            .collect(),
        more: (more > 0).then(|| loc.count(more as f64)),
    }
}
