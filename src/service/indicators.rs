//! Indicators as the API serves them: the caller's dataset goes through the polars
//! engine off the async runtime; province-wide values for today come from the stored
//! table when it holds the current data version; `refresh` stores a new snapshot.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use entity::indicator_value;
use polars::prelude::*;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

use super::{Result, ServiceError};
use crate::auth::Scope;
use crate::dataset::{Dataset, DatasetCache};
use crate::indicators::{self, EngineConfig, Frames, GroupBy};

/// Values as the snapshot or the engine gave them, shared: kept in memory per data
/// version, an answer is the same rows for every request that asks (no copy of each).
pub type Values = Arc<[IndicatorValue]>;

/// Values and how fresh they are, as kept per data version.
type Answer = (Values, Freshness);

/// One indicator for one group, as of one day.
#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorValue {
    /// Indicator code.
    pub code: String,
    /// `province`, `district`, `kind` or `unit`.
    pub group_kind: String,
    /// Code of the group.
    pub group_code: String,
    /// Name of the group.
    pub group_name: String,
    /// Numerator.
    pub numerator: f64,
    /// Denominator, for rates and ratios.
    pub denominator: Option<f64>,
    /// Value (rates in percent), rounded to the indicator's decimals.
    pub value: f64,
    /// The day it is taken on.
    pub as_of: NaiveDate,
    /// In a series: the group holds other units than at its previous point (a
    /// restructuring in between; the denominator changed). False otherwise.
    pub structure_changed: bool,
}

/// Which units a series counts at each point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The units in force at each point (the denominator changes at a restructuring).
    AsWas,
    /// The units in force on this day at every point, the records of earlier units
    /// moved to them through the lineage (see `indicators::rebase`).
    CurrentUnits(NaiveDate),
}

/// How fresh an answer is.
#[derive(Clone, Copy, Debug)]
pub struct Freshness {
    /// The data version computed from.
    pub data_version: i64,
    /// When that data version was written.
    pub data_as_of: Option<DateTime<Utc>>,
    /// When the values were computed.
    pub computed_at: DateTime<Utc>,
}

/// Where and for whom an indicator request runs.
#[derive(Clone, Copy)]
pub struct Ask<'a> {
    /// The pool.
    pub db: &'a DatabaseConnection,
    /// The province-wide dataset cache.
    pub cache: &'a DatasetCache,
    /// The caller's scope.
    pub scope: &'a Scope,
    /// Engine settings.
    pub config: EngineConfig,
}

/// Checks indicator codes against the registry.
pub fn check_codes(codes: &[String]) -> Result<()> {
    for code in codes {
        if indicators::find(code).is_none() {
            let known: Vec<&str> = indicators::registry().iter().map(|d| d.code).collect();
            return Err(ServiceError::invalid(
                "codes",
                format!("unknown indicator `{code}`; known: {}", known.join(", ")),
            ));
        }
    }
    Ok(())
}

/// Runs engine work on the blocking pool.
async fn blocking<T: Send + 'static>(
    dataset: Arc<Dataset>,
    work: impl FnOnce(Frames) -> PolarsResult<T> + Send + 'static,
) -> Result<T> {
    let joined = tokio::task::spawn_blocking(move || dataset.frames().and_then(work)).await;
    match joined {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(ServiceError::Internal(format!("indicator engine: {e}"))),
        Err(e) => Err(ServiceError::Internal(format!("indicator worker: {e}"))),
    }
}

fn freshness(dataset: &Dataset) -> Freshness {
    Freshness {
        data_version: dataset.age.version,
        data_as_of: dataset.age.changed_at,
        // Microseconds: what PostgreSQL keeps, so a stored snapshot reads back equal.
        computed_at: Utc::now().trunc_subsecs(6),
    }
}

/// The indicators `codes` (all when empty) as of `as_of`, by the breakdowns asked for.
pub async fn values(
    ask: Ask<'_>,
    codes: Vec<String>,
    as_of: NaiveDate,
    group_by: Vec<GroupBy>,
) -> Result<(Values, Freshness)> {
    check_codes(&codes)?;
    if ask.scope.area.is_none()
        && let Some(stored) = stored(ask, &codes, as_of, &group_by).await?
    {
        return Ok(stored);
    }
    let config = ask.config;
    let dataset = ask.cache.get(ask.db, ask.scope).await?;
    // The same question on the same data gets the answer computed the first time.
    let key = format!(
        "values|{:?}|{as_of}|{codes:?}|{group_by:?}|{config:?}",
        ask.scope.area
    );
    if let Some(answer) = ask.cache.derived::<Answer>(&key, dataset.version) {
        return Ok(answer.as_ref().clone());
    }
    let version = dataset.version;
    let fresh = freshness(&dataset);
    let frame = blocking(dataset, move |f| {
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        indicators::compute(&f, as_of, &codes, &group_by, &config)
    })
    .await?;
    let answer: Answer = (rows(&frame, Some(as_of))?.into(), fresh);
    ask.cache.keep(key, version, Arc::new(answer.clone()));
    Ok(answer)
}

/// The values of a series: each period evaluated on its last day.
pub async fn series(
    ask: Ask<'_>,
    code: String,
    range: (NaiveDate, NaiveDate),
    period: indicators::Period,
    group_by: Vec<GroupBy>,
    basis: Basis,
) -> Result<(Vec<IndicatorValue>, Freshness)> {
    let config = ask.config;
    check_codes(std::slice::from_ref(&code))?;
    if range.1 < range.0 {
        return Err(ServiceError::InvalidDateRange {
            field: "to",
            start: range.0,
            end: range.1,
        });
    }
    let dataset = ask.cache.get(ask.db, ask.scope).await?;
    let fresh = freshness(&dataset);
    let lineage = dataset
        .lineage()
        .map_err(|e| ServiceError::Internal(format!("lineage: {e}")))?
        .clone();
    let frame = blocking(dataset, move |f| {
        let f = match basis {
            Basis::AsWas => f,
            Basis::CurrentUnits(day) => indicators::rebase(&f, &lineage, day)?,
        };
        indicators::series(
            &f,
            &[code.as_str()],
            range.0,
            range.1,
            period,
            &group_by,
            &config,
        )
    })
    .await?;
    Ok((rows(&frame, None)?, fresh))
}

/// Reads the value rows of an engine frame (`period_end` gives the day in series).
fn rows(frame: &DataFrame, as_of: Option<NaiveDate>) -> Result<Vec<IndicatorValue>> {
    let read = || -> PolarsResult<Vec<IndicatorValue>> {
        let code = frame.column("code")?.str()?;
        let kind = frame.column("group_kind")?.str()?;
        let gcode = frame.column("group_code")?.str()?;
        let gname = frame.column("group_name")?.str()?;
        let num = frame.column("numerator")?.f64()?;
        let den = frame.column("denominator")?.f64()?;
        let value = frame.column("value")?.f64()?;
        let ends = match as_of {
            Some(_) => None,
            None => Some(frame.column("period_end")?.date()?.clone()),
        };
        let changed = match frame.column("structure_changed") {
            Ok(c) => Some(c.bool()?.clone()),
            Err(_) => None,
        };
        let mut out = Vec::with_capacity(frame.height());
        for i in 0..frame.height() {
            let day = match (&ends, as_of) {
                (_, Some(d)) => d,
                (Some(e), None) => e.phys.get(i).map(days_to_date).unwrap_or_default(),
                (None, None) => NaiveDate::default(),
            };
            out.push(IndicatorValue {
                code: code.get(i).unwrap_or_default().to_owned(),
                group_kind: kind.get(i).unwrap_or_default().to_owned(),
                group_code: gcode.get(i).unwrap_or_default().to_owned(),
                group_name: gname.get(i).unwrap_or_default().to_owned(),
                numerator: num.get(i).unwrap_or_default(),
                denominator: den.get(i),
                value: value.get(i).unwrap_or_default(),
                as_of: day,
                structure_changed: changed.as_ref().and_then(|c| c.get(i)).unwrap_or(false),
            });
        }
        Ok(out)
    };
    read().map_err(|e| ServiceError::Internal(format!("reading engine output: {e}")))
}

fn days_to_date(days: i32) -> NaiveDate {
    NaiveDate::default() + chrono::Duration::days(i64::from(days))
}

/// Stored values for the current data version and `as_of`, if a snapshot holds them.
///
/// A snapshot never changes once stored (one per data version and day), so the rows read
/// for a question are kept in memory under the data version: the same question again
/// costs the version lookup only.
async fn stored(
    ask: Ask<'_>,
    codes: &[String],
    as_of: NaiveDate,
    group_by: &[GroupBy],
) -> Result<Option<Answer>> {
    let db = ask.db;
    let Some(version) = ask.cache.version(db).await? else {
        return Ok(None);
    };
    let key = format!("stored|{as_of}|{codes:?}|{group_by:?}");
    if let Some(answer) = ask.cache.derived::<Answer>(&key, version.version) {
        return Ok(Some(answer.as_ref().clone()));
    }
    let kinds: Vec<&str> = match group_by {
        [] => vec![GroupBy::Province.code()],
        gs => gs.iter().map(|g| g.code()).collect(),
    };
    let mut select = indicator_value::Entity::find()
        .filter(indicator_value::Column::DataVersion.eq(version.version))
        .filter(indicator_value::Column::AsOf.eq(as_of))
        .filter(indicator_value::Column::GroupKind.is_in(kinds))
        .order_by_asc(indicator_value::Column::Id);
    if !codes.is_empty() {
        select = select.filter(indicator_value::Column::Indicator.is_in(codes.iter().cloned()));
    }
    let found = select.all(db).await?;
    let Some(first) = found.first() else {
        return Ok(None);
    };
    let fresh = Freshness {
        data_version: version.version,
        data_as_of: Some(version.changed_at),
        computed_at: first.computed_at,
    };
    let values = found.into_iter().map(|r| IndicatorValue {
        code: r.indicator,
        group_kind: r.group_kind,
        group_code: r.group_code,
        group_name: r.group_name,
        numerator: r.numerator,
        denominator: r.denominator,
        value: r.value,
        as_of: r.as_of,
        structure_changed: false,
    });
    let answer = (values.collect(), fresh);
    ask.cache
        .keep(key, version.version, Arc::new(answer.clone()));
    Ok(Some(answer))
}

/// What a refresh did.
#[derive(Clone, Copy, Debug)]
pub struct RefreshReport {
    /// Rows stored (0 when the snapshot already existed).
    pub rows: u64,
    /// The data version computed from.
    pub data_version: i64,
    /// When.
    pub computed_at: DateTime<Utc>,
}

/// Computes every indicator, province-wide, by every breakdown, as of `as_of`, and
/// stores the snapshot (once per data version and day).
pub async fn refresh(
    db: &DatabaseConnection,
    cache: &DatasetCache,
    as_of: NaiveDate,
    config: EngineConfig,
) -> Result<RefreshReport> {
    let dataset = cache.get(db, &Scope::all()).await?;
    let fresh = freshness(&dataset);
    let existing = indicator_value::Entity::find()
        .filter(indicator_value::Column::DataVersion.eq(dataset.version))
        .filter(indicator_value::Column::AsOf.eq(as_of))
        .count(db)
        .await?;
    if existing > 0 {
        return Ok(RefreshReport {
            rows: 0,
            data_version: dataset.version,
            computed_at: fresh.computed_at,
        });
    }
    let frame = blocking(dataset, move |f| {
        indicators::compute(&f, as_of, &[], &GroupBy::EVERY, &config)
    })
    .await?;
    let values = rows(&frame, Some(as_of))?;
    let count = values.len() as u64;
    let txn = super::begin(db).await?;
    for chunk in values.chunks(2_000) {
        let models = chunk.iter().map(|v| indicator_value::ActiveModel {
            indicator: Set(v.code.clone()),
            group_kind: Set(v.group_kind.clone()),
            group_code: Set(v.group_code.clone()),
            group_name: Set(v.group_name.clone()),
            as_of: Set(v.as_of),
            numerator: Set(v.numerator),
            denominator: Set(v.denominator),
            value: Set(v.value),
            computed_at: Set(fresh.computed_at),
            data_version: Set(fresh.data_version),
            ..Default::default()
        });
        indicator_value::Entity::insert_many(models)
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(RefreshReport {
        rows: count,
        data_version: fresh.data_version,
        computed_at: fresh.computed_at,
    })
}

/// A unit that does not meet an indicator.
#[derive(Clone, Debug)]
pub struct IndicatorGap {
    /// Rank in the gap list (1 = furthest from meeting it).
    pub rank: u32,
    /// Unit code.
    pub unit_code: String,
    /// Unit name.
    pub unit_name: String,
    /// District code.
    pub district_code: String,
    /// District name.
    pub district_name: Option<String>,
    /// Unit kind code (`xa`, `phuong`, `thi_tran`).
    pub kind: String,
    /// Officers in post on the day.
    pub officers: u32,
    /// Chiefs in post.
    pub chiefs: u32,
    /// Chiefs on the executive committee.
    pub chiefs_executive: u32,
    /// Chiefs on the standing committee.
    pub chiefs_standing: u32,
    /// Most advanced state of its new-model headquarters (`none`, `planned`, `approved`,
    /// `under_construction`, `in_use`).
    pub hq_status: String,
    /// Earliest target date of its new-model headquarters.
    pub target_date: Option<NaiveDate>,
    /// What is missing, in Vietnamese.
    pub detail: String,
}

/// The units that do not meet indicator `code` as of `as_of`, optionally only those of
/// one district or kind, at most `limit`.
pub async fn gaps(
    ask: Ask<'_>,
    code: String,
    as_of: NaiveDate,
    filter: (Option<String>, Option<String>),
    limit: usize,
) -> Result<(Vec<IndicatorGap>, u64)> {
    let config = ask.config;
    check_codes(std::slice::from_ref(&code))?;
    if !matches!(
        code.as_str(),
        "party_executive_committee_rate"
            | "party_standing_committee_rate"
            | "units_below_staffing_floor"
            | "staffing_ratio"
            | "hq_new_model_coverage"
    ) {
        return Err(ServiceError::invalid(
            "code",
            format!("`{code}` is a count: it has no gap list"),
        ));
    }
    let dataset = ask.cache.get(ask.db, ask.scope).await?;
    let frame = blocking(dataset, move |f| {
        indicators::gaps(&f, &code, as_of, &config)
    })
    .await?;
    gap_rows(&frame, &filter, limit)
        .map_err(|e| ServiceError::Internal(format!("reading gaps: {e}")))
}

fn gap_rows(
    frame: &DataFrame,
    (district, kind): &(Option<String>, Option<String>),
    limit: usize,
) -> PolarsResult<(Vec<IndicatorGap>, u64)> {
    let s = |name: &str| frame.column(name).and_then(|c| c.str().cloned());
    let n = |name: &str| {
        frame
            .column(name)
            .and_then(|c| c.cast(&DataType::UInt32))
            .and_then(|c| c.u32().cloned())
    };
    let (unit_code, unit_name, district_code, district_name, kinds) = (
        s("unit_code")?,
        s("unit_name")?,
        s("district_code")?,
        s("district_name")?,
        s("kind")?,
    );
    let (rank, officers, chiefs, exec, standing) = (
        n("rank")?,
        n("officers")?,
        n("chiefs")?,
        n("chiefs_executive")?,
        n("chiefs_standing")?,
    );
    let (hq_status, detail) = (s("hq_status")?, s("detail")?);
    let targets = frame.column("target_date")?.date()?.phys.clone();
    let mut out = Vec::new();
    let mut total = 0;
    for i in 0..frame.height() {
        let d = district_code.get(i).unwrap_or_default();
        let k = kinds.get(i).unwrap_or_default();
        if district.as_deref().is_some_and(|x| x != d) || kind.as_deref().is_some_and(|x| x != k) {
            continue;
        }
        total += 1;
        if out.len() >= limit {
            continue;
        }
        out.push(IndicatorGap {
            rank: rank.get(i).unwrap_or_default(),
            unit_code: unit_code.get(i).unwrap_or_default().to_owned(),
            unit_name: unit_name.get(i).unwrap_or_default().to_owned(),
            district_code: d.to_owned(),
            district_name: district_name.get(i).map(str::to_owned),
            kind: k.to_owned(),
            officers: officers.get(i).unwrap_or_default(),
            chiefs: chiefs.get(i).unwrap_or_default(),
            chiefs_executive: exec.get(i).unwrap_or_default(),
            chiefs_standing: standing.get(i).unwrap_or_default(),
            hq_status: hq_status.get(i).unwrap_or_default().to_owned(),
            target_date: targets.get(i).map(days_to_date),
            detail: detail.get(i).unwrap_or_default().to_owned(),
        });
    }
    Ok((out, total))
}

/// The headquarters trajectory toward the 100% target, for the caller's scope.
pub async fn trajectory(
    ask: Ask<'_>,
    as_of: NaiveDate,
) -> Result<(indicators::Trajectory, Freshness)> {
    let config = ask.config;
    let dataset = ask.cache.get(ask.db, ask.scope).await?;
    let fresh = freshness(&dataset);
    let t = blocking(dataset, move |f| {
        indicators::hq_trajectory(&f, as_of, &config)
    })
    .await?;
    Ok((t, fresh))
}

/// One category of a count indicator (a dialogue topic, an award form or issuer).
#[derive(Clone, Debug)]
pub struct IndicatorCategory {
    /// `topic`, `form` or `issuer`.
    pub kind: String,
    /// The category's code.
    pub code: String,
    /// How many.
    pub count: u32,
    /// Of which answered (questions only).
    pub answered: Option<u32>,
    /// Share answered, in percent (questions only).
    pub answered_share: Option<f64>,
}

/// The categories of `dialogue_questions` (by topic) or `awards` (by form and issuer).
pub async fn categories(
    ask: Ask<'_>,
    code: String,
    as_of: NaiveDate,
) -> Result<Vec<IndicatorCategory>> {
    if !matches!(code.as_str(), "dialogue_questions" | "awards") {
        return Err(ServiceError::invalid(
            "code",
            "categories exist for dialogue_questions and awards",
        ));
    }
    let dataset = ask.cache.get(ask.db, ask.scope).await?;
    let frame = blocking(dataset, move |f| indicators::categories(&f, &code, as_of)).await?;
    let read = || -> PolarsResult<Vec<IndicatorCategory>> {
        let kind = frame.column("category_kind")?.str()?;
        let code = frame.column("category")?.str()?;
        let count = frame.column("count")?.cast(&DataType::UInt32)?;
        let answered = frame.column("answered")?.cast(&DataType::UInt32)?;
        let share = frame.column("answered_share")?.cast(&DataType::Float64)?;
        let (count, answered, share) = (count.u32()?, answered.u32()?, share.f64()?);
        Ok((0..frame.height())
            .map(|i| IndicatorCategory {
                kind: kind.get(i).unwrap_or_default().to_owned(),
                code: code.get(i).unwrap_or_default().to_owned(),
                count: count.get(i).unwrap_or_default(),
                answered: answered.get(i),
                answered_share: share.get(i),
            })
            .collect())
    };
    read().map_err(|e| ServiceError::Internal(format!("reading categories: {e}")))
}
