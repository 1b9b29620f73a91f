//! Composing a report: the figures of a [`ReportData`] taken from the indicator service
//! for one recipient scope (the province, or one district) as of the report day, with
//! the values the previous report of the same schedule showed. Sits between the run
//! (which decides scope, day and period) and rendering.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use entity::{area, province};
use sea_orm::{DatabaseConnection, EntityTrait};

use crate::auth::Scope;
use crate::dataset::DatasetCache;
use crate::indicators::{EngineConfig, GroupBy, IndicatorDef, Measure, Period, find};
use crate::report::{
    DistrictRow, DistrictValue, GapList, GapUnit, Headline, Language, ReportData, ReportPeriod,
    ReportScope, ScopeLevel, Series, StructureChange,
};
use crate::service::indicators::{self as service, Ask, IndicatorValue};
use crate::service::{Result, ServiceError};

/// The indicators shown in the table by district (and the district chart).
const DISTRICT_CODES: [&str; 4] = [
    "party_executive_committee_rate",
    "party_standing_committee_rate",
    "staffing_ratio",
    "hq_new_model_coverage",
];

/// The rate indicators that get a gap list.
const GAP_CODES: [&str; 4] = [
    "party_executive_committee_rate",
    "party_standing_committee_rate",
    "units_below_staffing_floor",
    "hq_new_model_coverage",
];

/// The indicators drawn as 12-month line charts.
const SERIES_CODES: [&str; 3] = [
    "hq_new_model_coverage",
    "party_standing_committee_rate",
    "staffing_ratio",
];

/// What to compose.
pub struct Request<'a> {
    /// The pool.
    pub db: &'a DatabaseConnection,
    /// The dataset cache.
    pub datasets: &'a DatasetCache,
    /// Province-wide (`None`) or one district.
    pub district: Option<&'a str>,
    /// The day the figures are taken on; the report is about its month (the run picks
    /// the last day of the last full month, see [`super::period`]).
    pub as_of: NaiveDate,
    /// The indicator engine's settings.
    pub config: EngineConfig,
    /// The language.
    pub language: Language,
    /// The schedule's name (footer), if any.
    pub schedule_name: Option<String>,
    /// The previous report of the same schedule and scope.
    pub previous: Previous,
}

/// What the previous report of a schedule and scope showed.
#[derive(Clone, Debug, Default)]
pub struct Previous {
    /// The day its figures were taken on (none: no previous report).
    pub day: Option<NaiveDate>,
    /// Its values, by indicator code.
    pub values: HashMap<String, f64>,
}

/// The monthly report's figures for the request's scope.
pub async fn compose(req: Request<'_>) -> Result<ReportData> {
    let scope = Scope {
        area: req.district.map(str::to_owned),
    };
    let ask = Ask {
        db: req.db,
        cache: req.datasets,
        scope: &scope,
        config: req.config,
    };
    let groups = vec![GroupBy::Province, GroupBy::District];
    let (values, fresh) = service::values(ask, Vec::new(), req.as_of, groups).await?;
    let headlines = headlines(&values, &req.previous.values)?;
    let structure_change = structure_change(ask, req.previous.day, req.as_of, &values).await?;
    let (trajectory, _) = service::trajectory(ask, req.as_of).await?;
    let mut gaps = Vec::new();
    for code in GAP_CODES {
        gaps.push(gap_list(ask, code, req.as_of).await?);
    }
    let mut series = Vec::new();
    for code in SERIES_CODES {
        series.push(monthly_series(ask, code, req.as_of).await?);
    }
    Ok(ReportData {
        language: req.language,
        title: None,
        schedule_name: req.schedule_name,
        period: ReportPeriod::Month {
            year: req.as_of.year(),
            month: req.as_of.month(),
        },
        report_date: req.as_of,
        scope: report_scope(req.db, req.district, &values).await?,
        data_version: fresh.data_version,
        data_as_of: fresh.data_as_of.unwrap_or(fresh.computed_at),
        headlines,
        trajectory: Some(trajectory),
        districts: district_rows(&values),
        gaps,
        series,
        structure_change,
    })
}

/// The restructurings that took effect after the previous report's day, up to the report
/// day (the unit lists' editions that began then), with the units of the scope before
/// and after; none when there were none or there is no previous report.
async fn structure_change(
    ask: Ask<'_>,
    since: Option<NaiveDate>,
    as_of: NaiveDate,
    values: &[IndicatorValue],
) -> Result<Option<StructureChange>> {
    use entity::unit_edition::{Column as C, Entity as Editions};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    let Some(since) = since.filter(|s| *s < as_of) else {
        return Ok(None);
    };
    let provinces: Vec<&str> = values
        .iter()
        .filter(|v| v.group_kind == "province")
        .map(|v| v.group_code.as_str())
        .collect();
    let editions = Editions::find()
        .filter(C::ProvinceCode.is_in(provinces))
        .filter(C::ValidFrom.gt(since))
        .filter(C::ValidFrom.lte(as_of))
        .order_by_asc(C::ValidFrom)
        .all(ask.db)
        .await?;
    let mut changes: Vec<(NaiveDate, String)> = Vec::new();
    for e in editions {
        let change = (e.valid_from, e.act);
        if !changes.contains(&change) {
            changes.push(change);
        }
    }
    if changes.is_empty() {
        return Ok(None);
    }
    let units = |vs: &[IndicatorValue]| -> u32 {
        vs.iter()
            .filter(|v| v.group_kind == "province" && v.code == UNITS_CODE)
            .filter_map(|v| v.denominator)
            .sum::<f64>() as u32
    };
    let codes = vec![UNITS_CODE.to_owned()];
    let (before, _) = service::values(ask, codes, since, vec![GroupBy::Province]).await?;
    Ok(Some(StructureChange {
        since,
        changes,
        units_before: units(&before),
        units_after: units(values),
    }))
}

/// An indicator whose denominator is the number of units in force.
const UNITS_CODE: &str = "hq_new_model_coverage";

/// The headline of every registered indicator over the whole scope: its province row,
/// or, in a database of several provinces, the provinces added up.
fn headlines(values: &[IndicatorValue], previous: &HashMap<String, f64>) -> Result<Vec<Headline>> {
    crate::indicators::registry()
        .iter()
        .map(|def| {
            let rows: Vec<&IndicatorValue> = values
                .iter()
                .filter(|v| v.group_kind == "province" && v.code == def.code)
                .collect();
            if rows.is_empty() {
                let why = format!("no scope-wide value for `{}`", def.code);
                return Err(ServiceError::Internal(why));
            }
            let (num, den, value) = whole(def, &rows);
            let prev = previous.get(def.code).copied();
            Ok(Headline::from_def(def, num, den, value, prev))
        })
        .collect()
}

/// Numerator, denominator and value over several province rows.
fn whole(def: &IndicatorDef, rows: &[&IndicatorValue]) -> (f64, Option<f64>, f64) {
    if let [one] = rows {
        return (one.numerator, one.denominator, one.value);
    }
    let num: f64 = rows.iter().map(|v| v.numerator).sum();
    let den: Option<f64> = rows.iter().map(|v| v.denominator).sum::<Option<f64>>();
    let scale = 10f64.powi(def.decimals as i32);
    let value = match (def.measure, den) {
        (Measure::Percent, Some(d)) if d > 0.0 => 100.0 * num / d,
        (Measure::Ratio, Some(d)) if d > 0.0 => num / d,
        (Measure::Count, _) => num,
        _ => 0.0,
    };
    (num, den, (value * scale).round() / scale)
}

fn district_rows(values: &[IndicatorValue]) -> Vec<DistrictRow> {
    let mut rows: Vec<DistrictRow> = Vec::new();
    for v in values.iter().filter(|v| v.group_kind == "district") {
        if !DISTRICT_CODES.contains(&v.code.as_str()) {
            continue;
        }
        let value = DistrictValue {
            code: v.code.clone(),
            numerator: v.numerator,
            denominator: v.denominator,
            value: (v.denominator != Some(0.0)).then_some(v.value),
        };
        match rows.iter_mut().find(|r| r.code == v.group_code) {
            Some(row) => row.values.push(value),
            None => rows.push(DistrictRow {
                code: v.group_code.clone(),
                name: v.group_name.clone(),
                values: vec![value],
            }),
        }
    }
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    rows
}

async fn gap_list(ask: Ask<'_>, code: &str, as_of: NaiveDate) -> Result<GapList> {
    let def = find(code).ok_or_else(|| ServiceError::Internal(format!("no `{code}`")))?;
    let (units, _) = service::gaps(ask, code.to_owned(), as_of, (None, None), usize::MAX).await?;
    Ok(GapList {
        code: code.to_owned(),
        name_vi: def.name_vi.to_owned(),
        name_en: def.name_en.to_owned(),
        units: units
            .into_iter()
            .map(|u| GapUnit {
                unit_code: u.unit_code,
                unit_name: u.unit_name,
                district_name: u.district_name.unwrap_or_default(),
                kind: u.kind,
                detail: u.detail,
            })
            .collect(),
    })
}

/// The scope-wide values of `code` at the last 12 month ends up to `as_of` (the
/// current month is taken on `as_of`).
async fn monthly_series(ask: Ask<'_>, code: &str, as_of: NaiveDate) -> Result<Series> {
    let def = find(code).ok_or_else(|| ServiceError::Internal(format!("no `{code}`")))?;
    let from = as_of
        .with_day(1)
        .and_then(|d| d.checked_sub_months(Months::new(11)))
        .unwrap_or(as_of);
    let (values, _) = service::series(
        ask,
        code.to_owned(),
        (from, as_of),
        Period::Month,
        vec![GroupBy::Province],
        service::Basis::AsWas,
    )
    .await?;
    let mut by_day: std::collections::BTreeMap<NaiveDate, Vec<&IndicatorValue>> =
        Default::default();
    for v in &values {
        by_day.entry(v.as_of.min(as_of)).or_default().push(v);
    }
    let points: Vec<(NaiveDate, f64)> = by_day
        .into_iter()
        .map(|(day, rows)| (day, whole(def, &rows).2))
        .collect();
    Ok(Series {
        code: code.to_owned(),
        name_vi: def.name_vi.to_owned(),
        name_en: def.name_en.to_owned(),
        unit: def.unit.to_owned(),
        decimals: def.decimals,
        points,
    })
}

/// The report's scope: the district, or the province (names as the statistics office
/// writes them: "Tỉnh Quảng Ngãi", "Thành phố Quảng Ngãi").
async fn report_scope(
    db: &DatabaseConnection,
    district: Option<&str>,
    values: &[IndicatorValue],
) -> Result<ReportScope> {
    if let Some(code) = district {
        let d = area::Entity::find_by_id(code.to_owned())
            .one(db)
            .await?
            .ok_or_else(|| ServiceError::not_found("area", code))?;
        return Ok(ReportScope {
            code: d.code,
            name: d.name,
            level: ScopeLevel::District,
        });
    }
    let codes: Vec<&str> = values
        .iter()
        .filter(|v| v.group_kind == "province")
        .map(|v| v.group_code.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if let [code] = codes.as_slice() {
        let p = province::Entity::find_by_id(code.to_string())
            .one(db)
            .await?;
        return Ok(ReportScope {
            name: p.map_or_else(|| code.to_string(), |p| p.name),
            code: code.to_string(),
            level: ScopeLevel::Province,
        });
    }
    Ok(ReportScope {
        code: "VN".into(),
        name: format!("Toàn quốc ({} tỉnh, thành phố)", codes.len()),
        level: ScopeLevel::National,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: &str, num: f64, den: Option<f64>, value: f64) -> IndicatorValue {
        IndicatorValue {
            code: code.into(),
            group_kind: "province".into(),
            group_code: "51".into(),
            group_name: String::new(),
            numerator: num,
            denominator: den,
            value,
            as_of: NaiveDate::from_ymd_opt(2026, 11, 26).expect("day"),
            structure_changed: false,
        }
    }

    #[test]
    fn several_provinces_add_up_before_the_rate_is_taken() {
        let rate = find("party_standing_committee_rate").expect("def");
        let (a, b) = (
            row(rate.code, 57.0, Some(173.0), 32.9),
            row(rate.code, 10.0, Some(20.0), 50.0),
        );
        assert_eq!(whole(rate, &[&a, &b]), (67.0, Some(193.0), 34.7));
        assert_eq!(
            whole(rate, &[&a]),
            (57.0, Some(173.0), 32.9),
            "one province: as computed"
        );
        let ratio = find("staffing_ratio").expect("def");
        let (a, b) = (
            row(ratio.code, 1144.0, Some(173.0), 6.61),
            row(ratio.code, 100.0, Some(20.0), 5.0),
        );
        assert_eq!(whole(ratio, &[&a, &b]).2, 6.45);
        let count = find("directives_issued").expect("def");
        let (a, b) = (
            row(count.code, 16.0, None, 16.0),
            row(count.code, 4.0, None, 4.0),
        );
        assert_eq!(whole(count, &[&a, &b]), (20.0, None, 20.0));
    }
}
