//! Composing a report: the figures of a [`ReportData`] taken from the indicator service
//! for one recipient scope (the province, or one district) as of the report day, with
//! the values the previous report of the same schedule showed. Sits between the run
//! (which decides scope, day and period) and rendering.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use entity::{district, province};
use sea_orm::{DatabaseConnection, EntityTrait};

use crate::auth::Scope;
use crate::dataset::DatasetCache;
use crate::indicators::{EngineConfig, GroupBy, Period, find};
use crate::report::{
    DistrictRow, DistrictValue, GapList, GapUnit, Headline, Language, ReportData, ReportPeriod,
    ReportScope, ScopeLevel, Series,
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
    /// The day the figures are taken on.
    pub as_of: NaiveDate,
    /// The language.
    pub language: Language,
    /// The schedule's name (footer), if any.
    pub schedule_name: Option<String>,
    /// Values shown by the previous report of the same schedule and scope, by code.
    pub previous: HashMap<String, f64>,
}

/// The monthly report's figures for the request's scope.
pub async fn compose(req: Request<'_>) -> Result<ReportData> {
    let scope = Scope {
        district: req.district.map(str::to_owned),
    };
    let ask = Ask {
        db: req.db,
        cache: req.datasets,
        scope: &scope,
        config: EngineConfig::default(),
    };
    let groups = vec![GroupBy::Province, GroupBy::District];
    let (values, fresh) = service::values(ask, Vec::new(), req.as_of, groups).await?;
    let headlines = headlines(&values, &req.previous)?;
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
    })
}

/// The headline of every registered indicator, from the scope-wide row.
fn headlines(values: &[IndicatorValue], previous: &HashMap<String, f64>) -> Result<Vec<Headline>> {
    crate::indicators::registry()
        .iter()
        .map(|def| {
            let v = values
                .iter()
                .find(|v| v.group_kind == "province" && v.code == def.code)
                .ok_or_else(|| {
                    ServiceError::Internal(format!("no scope-wide value for `{}`", def.code))
                })?;
            Ok(Headline::from_def(
                def,
                v.numerator,
                v.denominator,
                v.value,
                previous.get(def.code).copied(),
            ))
        })
        .collect()
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
    )
    .await?;
    let mut points: Vec<(NaiveDate, f64)> = values
        .iter()
        .map(|v| (v.as_of.min(as_of), v.value))
        .collect();
    points.sort_by_key(|p| p.0);
    points.dedup_by_key(|p| p.0);
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
        let d = district::Entity::find_by_id(code.to_owned())
            .one(db)
            .await?
            .ok_or_else(|| ServiceError::not_found("district", code))?;
        return Ok(ReportScope {
            code: d.code,
            name: d.name,
            level: ScopeLevel::District,
        });
    }
    let code = values
        .iter()
        .find(|v| v.group_kind == "province")
        .map(|v| v.group_code.clone())
        .unwrap_or_default();
    let p = province::Entity::find_by_id(code.clone()).one(db).await?;
    Ok(ReportScope {
        name: p.map_or_else(|| code.clone(), |p| p.name),
        code,
        level: ScopeLevel::Province,
    })
}
