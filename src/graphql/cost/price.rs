//! The price of the fields that compute, added to async-graphql's complexity (which
//! counts lists by their page size) before anything runs. A field's price reflects its
//! work and its answer: the values it yields times the fields asked of each value.
//!
//! | field | price |
//! |---|---|
//! | `indicators` | codes × breakdown rows (at most `groupCodes` × breakdowns when given) × fields per value |
//! | `indicatorSeries` | periods × breakdown rows × fields per value |
//! | `indicatorGaps` | units in scope + units listed × fields per unit |
//! | `hqTrajectory` | 2 × units in scope (a month grid over every unit) |
//! | `indicatorCategories` | units in scope + 100 × fields per category |
//! | `analyticsQuery` | [`ANALYTICS`] + `limit` |
//! | `previewReport`, `runReportNow`, `refreshIndicators` | [`RENDER`] |
//! | `reportRuns` | `first` × fields per run (a list) |
//! | `reportArchive` | [`ARCHIVE`] |
//! | `__schema` | nothing for the first of an operation (introspection is bounded by the schema), [`SCHEMA`] for each further one |
//! | `areas` | the areas the caller sees beyond the [`AREAS_COUNTED`] its complexity counts × fields per area, where an area's `members` and `units` count [`AREA_LIST`] × their fields (nested lists multiply) |
//!
//! Breakdown rows: 1 for `PROVINCE` (and when none is asked), the districts in scope
//! for `DISTRICT`, 3 for `KIND`, the units in scope for `UNIT`.

use async_graphql::parser::types::{ExecutableDocument, Field, SelectionSet, VariableDefinition};
use async_graphql::{Name, Positioned, Value, Variables};
use chrono::NaiveDate;

use super::walk;
use crate::indicators::{self, MAX_PERIODS, Period};
use crate::service::sizes::Sizes;

/// A fixed price for a report rendered (charts, workbook, HTML).
pub const RENDER: u64 = 25_000;
/// The fixed part of an analytics query's price (loading its tables, planning).
pub const ANALYTICS: u64 = 10_000;
/// An archived report read back (its HTML, text and files in base64).
pub const ARCHIVE: u64 = 1_000;
/// A whole-schema introspection answer.
pub const SCHEMA: u64 = 2_000;
/// Kinds of unit (xã, phường, thị trấn).
const KINDS: u64 = 3;
/// The areas the `areas` field's own complexity counts (`50 * child_complexity`).
pub const AREAS_COUNTED: u64 = 50;
/// The entries an area's `members` or `units` count (their `100 * child_complexity`).
pub const AREA_LIST: u64 = 100;

/// The root fields whose price depends on the size of the caller's data.
const SIZED: [&str; 6] = [
    "indicators",
    "indicatorSeries",
    "indicatorGaps",
    "hqTrajectory",
    "indicatorCategories",
    "areas",
];

/// An operation's variables as the client sent them, with the defaults it declared.
pub struct Vars<'a> {
    /// The request's variables.
    pub given: &'a Variables,
    /// The operation's declarations (for defaults).
    pub defs: &'a [Positioned<VariableDefinition>],
}

impl Vars<'_> {
    fn arg(&self, field: &Field, name: &str) -> Option<async_graphql::Value> {
        let value = field.get_argument(name)?.node.clone();
        value
            .into_const_with(|var: Name| {
                self.given
                    .get(&var)
                    .cloned()
                    .or_else(|| {
                        self.defs
                            .iter()
                            .find(|d| d.node.name.node == var)
                            .and_then(|d| d.node.default_value.as_ref())
                            .map(|v| v.node.clone())
                    })
                    .ok_or(())
            })
            .ok()
            .filter(|v| *v != Value::Null)
    }
}

/// Whether any root field of `set` is priced by the caller's data size.
pub fn needs_sizes(doc: &ExecutableDocument, set: &SelectionSet) -> bool {
    walk::fields(doc, set)
        .iter()
        .any(|f| SIZED.contains(&f.node.name.node.as_str()))
}

/// The price of the root selection `set` (0 for fields that do not compute), and the
/// complexity to take off for the operation's first `__schema`: the standard
/// introspection query is bounded by the schema, so it is free; each further
/// `__schema` costs [`SCHEMA`].
pub fn root(
    doc: &ExecutableDocument,
    set: &SelectionSet,
    vars: &Vars<'_>,
    sizes: Sizes,
) -> (u64, u64) {
    let fields = walk::fields(doc, set);
    let first_schema = fields.iter().find(|f| f.node.name.node == "__schema");
    let free = first_schema.map_or(0, |f| 1 + weight(doc, &f.node.selection_set.node));
    let price = fields
        .iter()
        .map(|f| field(doc, &f.node, vars, sizes))
        .fold(0, u64::saturating_add);
    let price = price.saturating_sub(if first_schema.is_some() { SCHEMA } else { 0 });
    (price, free)
}

fn field(doc: &ExecutableDocument, f: &Field, vars: &Vars<'_>, sizes: Sizes) -> u64 {
    let each = weight(doc, &f.selection_set.node).max(1);
    match f.name.node.as_str() {
        "indicators" => {
            // No codes, or an empty list, asks for every indicator (`service::indicators::values`).
            let codes = match vars.arg(f, "codes") {
                Some(Value::List(codes)) if !codes.is_empty() => codes.len() as u64,
                _ => indicators::registry().len() as u64,
            };
            // `groupCodes` keeps at most that many rows per breakdown asked.
            let rows = match vars.arg(f, "groupCodes") {
                Some(Value::List(keep)) => {
                    let breakdowns = match vars.arg(f, "groupBy") {
                        Some(Value::List(g)) => (g.len() as u64).max(1),
                        _ => 1,
                    };
                    rows(vars.arg(f, "groupBy"), sizes)
                        .min((keep.len() as u64).saturating_mul(breakdowns))
                }
                _ => rows(vars.arg(f, "groupBy"), sizes),
            };
            codes.saturating_mul(rows).saturating_mul(each)
        }
        "indicatorSeries" => periods(f, vars)
            .saturating_mul(rows(vars.arg(f, "groupBy"), sizes))
            .saturating_mul(each),
        "indicatorGaps" => {
            let first = match vars.arg(f, "first") {
                Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
                _ => 200,
            };
            sizes
                .units
                .saturating_add(first.min(sizes.units).saturating_mul(each))
        }
        "hqTrajectory" => sizes.units.saturating_mul(2),
        "indicatorCategories" => sizes.units.saturating_add(100 * each),
        "analyticsQuery" => {
            let limit = match vars.arg(f, "limit") {
                Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
                _ => crate::analytics::DEFAULT_ROWS as u64,
            };
            ANALYTICS.saturating_add(limit.min(crate::analytics::MAX_ROWS as u64))
        }
        "previewReport" | "runReportNow" | "refreshIndicators" => RENDER,
        "reportRuns" => {
            let first = match vars.arg(f, "first") {
                Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
                _ => 20,
            };
            first.saturating_mul(each)
        }
        "reportArchive" => ARCHIVE,
        "__schema" => SCHEMA,
        "areas" => sizes
            .areas
            .saturating_sub(AREAS_COUNTED)
            .saturating_mul(area_weight(doc, &f.selection_set.node).max(1)),
        _ => 0,
    }
}

/// The complexity of one area's selection: its nested `members` and `units` lists count
/// [`AREA_LIST`] entries each, as their own complexity does.
fn area_weight(doc: &ExecutableDocument, set: &SelectionSet) -> u64 {
    walk::fields(doc, set)
        .into_iter()
        .map(|f| {
            let children = weight(doc, &f.node.selection_set.node);
            match f.node.name.node.as_str() {
                "members" | "units" => 1 + AREA_LIST.saturating_mul(children.max(1)),
                _ => 1 + children,
            }
        })
        .fold(0, u64::saturating_add)
}

/// Rows of the breakdowns asked for (repeats count once; none means the province).
fn rows(group_by: Option<Value>, sizes: Sizes) -> u64 {
    let mut asked: Vec<String> = match group_by {
        Some(Value::List(items)) => items.iter().map(|v| v.to_string()).collect(),
        Some(one) => vec![one.to_string()],
        None => Vec::new(),
    };
    asked.sort();
    asked.dedup();
    let rows = asked
        .iter()
        .map(|g| match g.trim_matches('"') {
            "DISTRICT" => sizes.districts,
            "KIND" => KINDS,
            "UNIT" => sizes.units,
            _ => 1,
        })
        .fold(0, u64::saturating_add);
    rows.max(1)
}

/// Periods of a series; one when the range is invalid or over [`MAX_PERIODS`] (the
/// resolver refuses those with `INVALID_INPUT`, before any work).
fn periods(f: &Field, vars: &Vars<'_>) -> u64 {
    let date = |name| match vars.arg(f, name) {
        Some(Value::String(s)) => s.parse::<NaiveDate>().ok(),
        _ => None,
    };
    let period = match vars.arg(f, "period") {
        Some(v) => match v.to_string().trim_matches('"') {
            "QUARTER" => Period::Quarter,
            "YEAR" => Period::Year,
            _ => Period::Month,
        },
        None => Period::Month,
    };
    match (date("from"), date("to")) {
        (Some(from), Some(to)) => period
            .count(from, to)
            .filter(|n| *n <= MAX_PERIODS)
            .map_or(1, |n| n as u64),
        _ => 1,
    }
}

/// The complexity of a selection set by async-graphql's default rule: each field 1
/// plus its children.
fn weight(doc: &ExecutableDocument, set: &SelectionSet) -> u64 {
    walk::fields(doc, set)
        .into_iter()
        .map(|f| 1 + weight(doc, &f.node.selection_set.node))
        .fold(0, u64::saturating_add)
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    const SIZES: Sizes = Sizes {
        units: 173,
        districts: 12,
        areas: 250,
    };

    fn price_of(query: &str, variables: serde_json::Value) -> (u64, u64) {
        let doc = parse_query(query).unwrap();
        let given = Variables::from_json(variables);
        let (_, op) = doc.operations.iter().next().unwrap();
        let vars = Vars {
            given: &given,
            defs: &op.node.variable_definitions,
        };
        root(&doc, &op.node.selection_set.node, &vars, SIZES)
    }

    #[test]
    fn indicators_cost_codes_times_rows_times_fields() {
        let q = "{ indicators(groupBy: [UNIT, UNIT, DISTRICT]) { code } }";
        assert_eq!(price_of(q, serde_json::json!({})), (10 * 185, 0));
        let q = r#"{ indicators(codes: ["a", "b"]) { code group { code } } }"#;
        assert_eq!(price_of(q, serde_json::json!({})), (2 * 3, 0));
        // An empty list asks for every indicator, and is priced so (it was priced 0).
        let q = "{ indicators(codes: [], groupBy: [UNIT]) { code } }";
        assert_eq!(price_of(q, serde_json::json!({})), (10 * 173, 0));
        let q = "query($c: [String!]) { indicators(codes: $c, groupBy: [UNIT]) { code } }";
        assert_eq!(price_of(q, serde_json::json!({ "c": [] })), (10 * 173, 0));
        // groupCodes bounds the rows: one unit of 173, two codes over two breakdowns.
        let q = r#"{ indicators(groupBy: [UNIT], groupCodes: ["21010"]) { code } }"#;
        assert_eq!(price_of(q, serde_json::json!({})), (10, 0));
        let q =
            r#"{ indicators(groupBy: [UNIT, DISTRICT], groupCodes: ["21010", "522"]) { code } }"#;
        assert_eq!(price_of(q, serde_json::json!({})), (10 * 4, 0));
        let q = "query($g: [IndicatorGroupBy!] = [KIND]) { indicators(groupBy: $g) { code } }";
        assert_eq!(price_of(q, serde_json::json!({})), (10 * 3, 0));
        assert_eq!(
            price_of(q, serde_json::json!({ "g": ["UNIT"] })),
            (10 * 173, 0)
        );
    }

    #[test]
    fn series_cost_periods_and_the_first_schema_is_free() {
        let q = r#"{ indicatorSeries(code: "x", from: "2020-01-01", to: "2024-12-31", period: QUARTER) { asOf value } }"#;
        assert_eq!(price_of(q, serde_json::json!({})), (20 * 2, 0));
        let q = r#"{ indicatorSeries(code: "x", from: "1000-01-01", to: "2024-12-31") { value } }"#;
        assert_eq!(
            price_of(q, serde_json::json!({})),
            (1, 0),
            "refused by the resolver"
        );
        let q = "{ a: __schema { types { name } } b: __schema { types { name } } }";
        assert_eq!(price_of(q, serde_json::json!({})), (SCHEMA, 3));
        let q = "{ reportRuns(first: 100) { id status } }";
        assert_eq!(price_of(q, serde_json::json!({})), (200, 0));
    }

    #[test]
    fn areas_beyond_those_counted_cost_their_nested_lists() {
        // 250 areas, 50 counted by the field's complexity: 200 more, each with a code
        // and 100 members of two fields.
        let q = "{ areas { code members { unitCode validTo } } }";
        assert_eq!(
            price_of(q, serde_json::json!({})),
            (200 * (1 + 1 + 100 * 2), 0)
        );
        let q = "{ areas { code units(on: \"2025-07-01\") { code } members { unitCode } } }";
        assert_eq!(
            price_of(q, serde_json::json!({})),
            (200 * (1 + 101 + 101), 0)
        );
        let q = r#"{ area(code: "522") { members { unitCode } } }"#;
        assert_eq!(price_of(q, serde_json::json!({})), (0, 0));
    }
}
