//! Indicator output types: a value with its definition, group, status and freshness.

use async_graphql::parser::types::Field;
use async_graphql::resolver_utils::enum_value;
use async_graphql::{Context, Enum, Object, ScalarType, SimpleObject, Value};
use chrono::{DateTime, NaiveDate, Utc};

use crate::graphql::plain::{PlainObject, Walk};

use crate::indicators::{self, EngineConfig, IndicatorDef};
use crate::service::indicators::{Freshness, IndicatorValue, Values};

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

/// One indicator value: a row of an answer shared by every value of it.
pub struct IndicatorValueObject {
    rows: Values,
    at: usize,
    /// Its definition.
    def: &'static IndicatorDef,
    /// How fresh it is.
    freshness: Freshness,
}

impl IndicatorValueObject {
    /// Wraps the values `keep` keeps with their definitions (values of unknown codes are
    /// dropped).
    pub fn wrap(
        rows: Values,
        freshness: Freshness,
        keep: impl Fn(&IndicatorValue) -> bool,
    ) -> Vec<Self> {
        let mut def: Option<&'static IndicatorDef> = None;
        let mut out = Vec::with_capacity(rows.len());
        for (at, value) in rows.iter().enumerate() {
            if !keep(value) {
                continue;
            }
            // Values come by indicator: the last definition is nearly always this one.
            if def.is_none_or(|d| d.code != value.code) {
                def = indicators::find(&value.code);
            }
            if let Some(def) = def {
                out.push(Self {
                    rows: rows.clone(),
                    at,
                    def,
                    freshness,
                });
            }
        }
        out
    }

    fn row(&self) -> &IndicatorValue {
        &self.rows[self.at]
    }
}

#[Object(name = "IndicatorValue")]
impl IndicatorValueObject {
    /// Indicator code.
    async fn code(&self) -> &str {
        &self.row().code
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
        self.row().value
    }
    /// Numerator.
    async fn numerator(&self) -> f64 {
        self.row().numerator
    }
    /// Denominator, for rates and ratios.
    async fn denominator(&self) -> Option<f64> {
        self.row().denominator
    }
    /// As a leader reads it in Vietnamese, e.g. "57/173 (32,9%)" or "6,61".
    async fn display(&self) -> String {
        crate::format::display_vi(
            self.def,
            self.row().numerator,
            self.row().denominator,
            self.row().value,
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
        indicators::status(self.def, Some(self.row().value)).into()
    }
    /// The group.
    async fn group(&self) -> IndicatorGroup {
        IndicatorGroup {
            kind: self.row().group_kind.clone(),
            code: self.row().group_code.clone(),
            name: self.row().group_name.clone(),
        }
    }
    /// The day the value is taken on (the period's last day in a series).
    async fn as_of(&self) -> NaiveDate {
        self.row().as_of
    }
    /// In a series: the group holds other units than at its previous point, because of
    /// a restructuring in between (the denominator changed: the break to mark on a
    /// chart). False at a group's first point, outside series, and on the
    /// `CURRENT_UNITS` basis (whose units do not change).
    async fn structure_changed(&self) -> bool {
        self.row().structure_changed
    }
    /// The step of the configured rule that applied on that day, e.g. `staffing floor
    /// 12 from 2025-03-01` (`staffing floor 5 from the beginning` before); null for
    /// indicators without a rule.
    async fn rule(&self, ctx: &Context<'_>) -> Option<String> {
        let config = ctx.data_unchecked::<EngineConfig>();
        indicators::rule_on(self.def, self.row().as_of, config)
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

/// The indicator value's fields in one pass (`graphql::plain`): the same values as the
/// resolvers above, field for field (the unit test below selects every one both ways).
impl PlainObject for IndicatorValueObject {
    const TYPE: &'static str = "IndicatorValue";

    fn field(&self, field: &Field, walk: &Walk<'_>) -> Option<Value> {
        let v = self.row();
        let text = |s: &str| Value::String(s.to_owned());
        let number = |x: f64| x.to_value();
        Some(match field.name.node.as_str() {
            "code" => text(&v.code),
            "name" => text(self.def.name_vi),
            "nameEn" => text(self.def.name_en),
            "unit" => text(self.def.unit),
            "value" => number(v.value),
            "numerator" => number(v.numerator),
            "denominator" => v.denominator.map_or(Value::Null, number),
            "display" => Value::String(crate::format::display_vi(
                self.def,
                v.numerator,
                v.denominator,
                v.value,
            )),
            "target" => self.def.target.map_or(Value::Null, number),
            "targetDate" => self.def.target_date.map_or(Value::Null, |d| d.to_value()),
            "status" => enum_value(IndicatorStatus::from(indicators::status(
                self.def,
                Some(v.value),
            ))),
            "group" => return walk.object(&GroupOf(v), field),
            "asOf" => v.as_of.to_value(),
            "structureChanged" => Value::Boolean(v.structure_changed),
            "rule" => {
                let config = walk.ctx().data_unchecked::<EngineConfig>();
                indicators::rule_on(self.def, v.as_of, config).map_or(Value::Null, Value::String)
            }
            "dataAsOf" => self
                .freshness
                .data_as_of
                .map_or(Value::Null, |t| t.to_value()),
            "dataVersion" => self.freshness.data_version.to_value(),
            "computedAt" => self.freshness.computed_at.to_value(),
            _ => return None,
        })
    }
}

/// A value's group as the plain pass reads it (the general way: [`IndicatorGroup`]).
struct GroupOf<'a>(&'a IndicatorValue);

impl PlainObject for GroupOf<'_> {
    const TYPE: &'static str = "IndicatorGroup";

    fn field(&self, field: &Field, _: &Walk<'_>) -> Option<Value> {
        let text = match field.name.node.as_str() {
            "kind" => &self.0.group_kind,
            "code" => &self.0.group_code,
            "name" => &self.0.group_name,
            _ => return None,
        };
        Some(Value::String(text.clone()))
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};

    use super::*;
    use crate::graphql::plain::PlainList;
    use crate::graphql::plain::tests::both_ways;

    struct Query;

    #[Object]
    impl Query {
        async fn values(&self) -> PlainList<IndicatorValueObject> {
            let day = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
            let value = |code: &str, denominator| IndicatorValue {
                code: code.to_owned(),
                group_kind: "district".to_owned(),
                group_code: "341".to_owned(),
                group_name: "Huyện \"Sơn\" Tịnh".to_owned(),
                numerator: 57.0,
                denominator,
                value: 32.95,
                as_of: day,
                structure_changed: denominator.is_none(),
            };
            let freshness = |changed_at| Freshness {
                data_version: 7,
                data_as_of: changed_at,
                computed_at: DateTime::from_timestamp(1_751_000_000, 123_000).unwrap(),
            };
            let rows: Values = vec![
                value("party_standing_committee_rate", Some(173.0)),
                value("staffing_ratio", Some(173.0)),
                value("no_such_indicator", Some(1.0)),
                value("hq_new_model_coverage", None),
            ]
            .into();
            let mut wrapped = IndicatorValueObject::wrap(rows.clone(), freshness(None), |_| true);
            wrapped.extend(IndicatorValueObject::wrap(
                rows,
                freshness(DateTime::from_timestamp(1_750_000_000, 0)),
                |v| v.code != "staffing_ratio",
            ));
            PlainList(wrapped)
        }
    }

    #[tokio::test]
    async fn every_field_of_an_indicator_value_answers_as_its_resolver_does() {
        let schema = Schema::build(Query, EmptyMutation, EmptySubscription)
            .data(EngineConfig::default())
            .finish();
        let every = "code name nameEn unit value numerator denominator display target \
            targetDate status group { kind code name } asOf structureChanged rule dataAsOf \
            dataVersion computedAt";
        let answer = both_ways(
            &schema,
            &format!("{{ values {{ {every} }} }}"),
            serde_json::json!({}),
        )
        .await;
        assert!(
            answer.contains(
                r#""group":{"kind":"district","code":"341","name":"Huyện \"Sơn\" Tịnh"}"#
            ),
            "{answer}"
        );
        assert!(
            answer.contains(r#""status":"#) && answer.contains(r#""dataAsOf":null"#),
            "{answer}"
        );
        both_ways(
            &schema,
            "{ values { group { code } g: group { name } group { kind __typename } value } }",
            serde_json::json!({}),
        )
        .await;
    }
}
