//! Indicator output types: a value with its definition, group, status and freshness.

use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use crate::indicators::{self, EngineConfig, IndicatorDef};
use crate::service::indicators::{Freshness, IndicatorValue};

/// A breakdown of the indicators.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum IndicatorGroupBy {
    /// The whole scope (the province, or the token's area).
    Province,
    /// Each district; after 1 Jul 2025 (no districts) each district area, which carries
    /// its district on.
    District,
    /// Each kind of unit (xã, phường, thị trấn, đặc khu).
    Kind,
    /// Each unit.
    Unit,
    /// Each province the units came from: Quảng Ngãi or Kon Tum for the units of 1 Jul
    /// 2025 (by their 2024 predecessors); before, a unit's own province.
    FormerProvince,
    /// Each area the caller may see (district areas and custom ones; not one-unit
    /// areas): a unit counts in every area holding it on the day, so areas may overlap.
    Area,
}

impl From<IndicatorGroupBy> for indicators::GroupBy {
    fn from(g: IndicatorGroupBy) -> Self {
        match g {
            IndicatorGroupBy::Province => Self::Province,
            IndicatorGroupBy::District => Self::District,
            IndicatorGroupBy::Kind => Self::Kind,
            IndicatorGroupBy::Unit => Self::Unit,
            IndicatorGroupBy::FormerProvince => Self::FormerProvince,
            IndicatorGroupBy::Area => Self::Area,
        }
    }
}

/// Red, amber or green against the indicator's thresholds.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum IndicatorStatus {
    /// Meets the goal.
    Green,
    /// Close to it.
    Amber,
    /// Far from it.
    Red,
    /// The indicator has no thresholds.
    None,
}

impl From<indicators::Status> for IndicatorStatus {
    fn from(s: indicators::Status) -> Self {
        match s {
            indicators::Status::Green => Self::Green,
            indicators::Status::Amber => Self::Amber,
            indicators::Status::Red => Self::Red,
            indicators::Status::None => Self::None,
        }
    }
}

/// The group a value belongs to.
#[derive(SimpleObject)]
pub struct IndicatorGroup {
    /// `province`, `district`, `kind`, `unit`, `former_province` or `area`.
    pub kind: String,
    /// Code of the province, district, kind (`xa`, `phuong`, `thi_tran`, `dac_khu`),
    /// unit, former province or area.
    pub code: String,
    /// Its name.
    pub name: String,
}

/// An indicator's definition, from the registry.
pub struct IndicatorDefinition(pub &'static IndicatorDef);

#[Object]
impl IndicatorDefinition {
    /// Stable code, e.g. `party_standing_committee_rate`.
    async fn code(&self) -> &str {
        self.0.code
    }
    /// Vietnamese name.
    async fn name(&self) -> &str {
        self.0.name_vi
    }
    /// English name.
    async fn name_en(&self) -> &str {
        self.0.name_en
    }
    /// What it measures.
    async fn description(&self) -> &str {
        self.0.description
    }
    /// Unit of the value (`%`, `officers/unit`, ...).
    async fn unit(&self) -> &str {
        self.0.unit
    }
    /// How the numerator is counted.
    async fn numerator(&self) -> &str {
        self.0.numerator
    }
    /// How the denominator is counted, for rates and ratios.
    async fn denominator(&self) -> Option<&str> {
        self.0.denominator
    }
    /// Decimals shown.
    async fn decimals(&self) -> u32 {
        self.0.decimals
    }
    /// Target value, if any.
    async fn target(&self) -> Option<f64> {
        self.0.target
    }
    /// Date the target should be met by.
    async fn target_date(&self) -> Option<NaiveDate> {
        self.0.target_date
    }
    /// The configured rule its figures depend on, with every dated step, e.g.
    /// `staffing floor 5, 12 from 2025-03-01` (`COSO_STAFFING_FLOOR`); null when none.
    async fn rule(&self, ctx: &Context<'_>) -> Option<String> {
        indicators::rule_of(self.0, ctx.data_unchecked::<EngineConfig>())
    }
}

/// One indicator value.
pub struct IndicatorValueObject {
    /// The value.
    pub value: IndicatorValue,
    /// Its definition.
    pub def: &'static IndicatorDef,
    /// How fresh it is.
    pub freshness: Freshness,
}

impl IndicatorValueObject {
    /// Wraps values with their definitions (values of unknown codes are dropped).
    pub fn wrap(values: Vec<IndicatorValue>, freshness: Freshness) -> Vec<Self> {
        values
            .into_iter()
            .filter_map(|value| {
                indicators::find(&value.code).map(|def| Self {
                    value,
                    def,
                    freshness,
                })
            })
            .collect()
    }
}

#[Object(name = "IndicatorValue")]
impl IndicatorValueObject {
    /// Indicator code.
    async fn code(&self) -> &str {
        &self.value.code
    }
    /// Vietnamese name.
    async fn name(&self) -> &str {
        self.def.name_vi
    }
    /// English name.
    async fn name_en(&self) -> &str {
        self.def.name_en
    }
    /// Unit of the value.
    async fn unit(&self) -> &str {
        self.def.unit
    }
    /// The value (rates in percent), rounded to the indicator's decimals.
    async fn value(&self) -> f64 {
        self.value.value
    }
    /// Numerator.
    async fn numerator(&self) -> f64 {
        self.value.numerator
    }
    /// Denominator, for rates and ratios.
    async fn denominator(&self) -> Option<f64> {
        self.value.denominator
    }
    /// As a leader reads it in Vietnamese, e.g. "57/173 (32,9%)" or "6,61".
    async fn display(&self) -> String {
        crate::format::display_vi(
            self.def,
            self.value.numerator,
            self.value.denominator,
            self.value.value,
        )
    }
    /// Target value, if any.
    async fn target(&self) -> Option<f64> {
        self.def.target
    }
    /// Date the target should be met by.
    async fn target_date(&self) -> Option<NaiveDate> {
        self.def.target_date
    }
    /// Red, amber or green.
    async fn status(&self) -> IndicatorStatus {
        indicators::status(self.def, Some(self.value.value)).into()
    }
    /// The group.
    async fn group(&self) -> IndicatorGroup {
        IndicatorGroup {
            kind: self.value.group_kind.clone(),
            code: self.value.group_code.clone(),
            name: self.value.group_name.clone(),
        }
    }
    /// The day the value is taken on (the period's last day in a series).
    async fn as_of(&self) -> NaiveDate {
        self.value.as_of
    }
    /// In a series: the group holds other units than at its previous point, because of
    /// a restructuring in between (the denominator changed: the break to mark on a
    /// chart). False at a group's first point, outside series, and on the
    /// `CURRENT_UNITS` basis (whose units do not change).
    async fn structure_changed(&self) -> bool {
        self.value.structure_changed
    }
    /// The step of the configured rule that applied on that day, e.g. `staffing floor
    /// 12 from 2025-03-01` (`staffing floor 5 from the beginning` before); null for
    /// indicators without a rule.
    async fn rule(&self, ctx: &Context<'_>) -> Option<String> {
        let config = ctx.data_unchecked::<EngineConfig>();
        indicators::rule_on(self.def, self.value.as_of, config)
    }
    /// When the data it was computed from was last changed.
    async fn data_as_of(&self) -> Option<DateTime<Utc>> {
        self.freshness.data_as_of
    }
    /// The data version it was computed from.
    async fn data_version(&self) -> i64 {
        self.freshness.data_version
    }
    /// When it was computed.
    async fn computed_at(&self) -> DateTime<Utc> {
        self.freshness.computed_at
    }
}
