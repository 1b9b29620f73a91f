//! `GET /exports/breakdown.xlsx?asOf=&by=&lang=`: the dashboard's breakdown table as a
//! workbook. It asks `service::indicators::values` what the `indicators(asOf:, groupBy:)`
//! query answers the same token (the same scope, cache and engine settings), and writes
//! one row per group (district, area, kind or unit) and one column per indicator:
//! numbers as numbers (rates as fractions with a percent format), text through
//! `report::workbook::text_with` (a name that would run as a formula stays text). Any
//! role may download it (the figures are the indicators'); bounded by the units in the
//! token's scope and by `COSO_QUERY_TIMEOUT_MS`.

use std::collections::BTreeMap;
use std::time::Duration;

use poem::http::StatusCode;
use poem::web::{Data, Query};
use poem::{Request, Response, handler};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::Deserialize;

use super::{AppState, auth, intake::xlsx, request_error};
use crate::format::parse_day;
use crate::indicators::{self, GroupBy, IndicatorDef};
use crate::report::workbook::{number_format, text_with};
use crate::service::indicators::{Ask, IndicatorValue, values};

/// Query parameters.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Params {
    as_of: Option<String>,
    by: Option<String>,
    lang: Option<String>,
}

#[handler]
pub async fn download(
    req: &Request,
    Query(params): Query<Params>,
    Data(state): Data<&AppState>,
) -> Response {
    let principal = match auth::authorize(req, state, "/exports/breakdown.xlsx").await {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let bad = |msg: &str| request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", msg);
    let day = match params.as_of.as_deref().map(|d| parse_day(d).ok_or(())) {
        None => state.today(),
        Some(Ok(d)) => d,
        Some(Err(_)) => return bad("asOf must be a day, YYYY-MM-DD"),
    };
    let Some((by, by_name)) = group_of(params.by.as_deref().unwrap_or("DISTRICT")) else {
        return bad("by must be DISTRICT, AREA, KIND or UNIT");
    };
    let english = params.lang.as_deref() == Some("en");
    let ask = Ask {
        db: &state.db,
        cache: &state.datasets,
        scope: &principal.scope,
        config: state.engine,
    };
    let limit = Duration::from_millis(state.limits.query_timeout_ms);
    let computed = match tokio::time::timeout(limit, values(ask, Vec::new(), day, vec![by])).await {
        Ok(Ok((rows, _))) => rows,
        Ok(Err(e)) => {
            tracing::error!(error = ?e, "breakdown workbook: indicators failed");
            let status = if e.is_internal() {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::BAD_REQUEST
            };
            let msg = if e.is_internal() {
                "internal error".to_owned()
            } else {
                e.to_string()
            };
            return request_error(status, e.code(), &msg);
        }
        Err(_) => {
            let msg = "the breakdown took longer than the query timeout";
            return request_error(StatusCode::SERVICE_UNAVAILABLE, "TIMEOUT", msg);
        }
    };
    match workbook(&computed, english) {
        Ok(bytes) => {
            let name = format!("coso-{}-{day}.xlsx", by_name.to_lowercase());
            xlsx(bytes, &name, StatusCode::OK)
        }
        Err(e) => {
            tracing::error!(error = ?e, "breakdown workbook failed");
            request_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error",
            )
        }
    }
}

/// The breakdowns the page offers.
fn group_of(by: &str) -> Option<(GroupBy, &'static str)> {
    Some(match by {
        "DISTRICT" => (GroupBy::District, "DISTRICT"),
        "AREA" => (GroupBy::Area, "AREA"),
        "KIND" => (GroupBy::Kind, "KIND"),
        "UNIT" => (GroupBy::Unit, "UNIT"),
        _ => return None,
    })
}

/// One sheet: a header row (name, code, each indicator present), then a row per group in
/// the order the values came.
pub fn workbook(rows: &[IndicatorValue], english: bool) -> Result<Vec<u8>, XlsxError> {
    let defs: Vec<&'static IndicatorDef> = indicators::registry()
        .iter()
        .filter(|d| rows.iter().any(|r| r.code == d.code))
        .collect();
    let mut groups: Vec<(&str, &str)> = Vec::new();
    let mut cells: BTreeMap<(&str, &str), &IndicatorValue> = BTreeMap::new();
    for r in rows {
        if !groups.iter().any(|(code, _)| *code == r.group_code) {
            groups.push((&r.group_code, &r.group_name));
        }
        cells.insert((&r.group_code, &r.code), r);
    }
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(if english { "Breakdown" } else { "Chi tiết" })?;
    let header = Format::new().set_bold().set_text_wrap();
    let (name, code) = if english {
        ("Name", "Code")
    } else {
        ("Tên", "Mã")
    };
    text_with(ws, 0, 0, name, &header)?;
    text_with(ws, 0, 1, code, &header)?;
    ws.set_column_width(0, 32)?;
    for (i, def) in defs.iter().enumerate() {
        let col = 2 + i as u16;
        let title = if english { def.name_en } else { def.name_vi };
        text_with(ws, 0, col, title, &header)?;
        ws.set_column_width(col, 16)?;
    }
    ws.set_freeze_panes(1, 2)?;
    for (row, (group, group_name)) in groups.iter().enumerate() {
        let row = 1 + row as u32;
        let shown = if group_name.is_empty() {
            group
        } else {
            group_name
        };
        text_with(ws, row, 0, shown, &Format::new())?;
        text_with(ws, row, 1, group, &Format::new())?;
        for (i, def) in defs.iter().enumerate() {
            if let Some(v) = cells.get(&(*group, def.code)) {
                let (number, format) = number_of(def, v.value);
                ws.write_number_with_format(row, 2 + i as u16, number, &format)?;
            }
        }
    }
    book.save_to_buffer()
}

/// A value as stored: a rate as a fraction with a percent format, else as it is.
fn number_of(def: &IndicatorDef, value: f64) -> (f64, Format) {
    let number = if def.unit == "%" {
        value / 100.0
    } else {
        value
    };
    (number, number_format(def.unit, def.decimals, false))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn a_group_name_that_looks_like_a_formula_stays_text() {
        let rows = vec![IndicatorValue {
            code: indicators::registry()[0].code.to_owned(),
            group_kind: "unit".into(),
            group_code: "21010".into(),
            group_name: "=HYPERLINK(\"x\")".into(),
            numerator: 1.0,
            denominator: Some(2.0),
            value: 50.0,
            as_of: NaiveDate::from_ymd_opt(2024, 12, 31).expect("day"),
            structure_changed: false,
        }];
        let bytes = workbook(&rows, true).expect("workbook");
        assert!(bytes.starts_with(b"PK"), "a zip");
        assert!(group_of("PROVINCE").is_none());
    }
}
