//! `POST /bench/floor`: the floor of `coso bench graphql`. The same answers as a few
//! GraphQL requests, each produced by one hand-written SQL statement whose rows are
//! written straight into the JSON shape of the GraphQL answer, through the same HTTP
//! stack (request id, metrics, token, rate limit). The route exists only when the server
//! is started with `COSO_BENCH_FLOOR=1` (the bench does), and answers admin tokens only:
//! its statements are province-wide, with no scope rule.
//!
//! Body: `{"request": "<name>", "district": "...", "day": "YYYY-MM-DD"}`; the names
//! are those of [`FloorRequest`].

use chrono::NaiveDate;
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Body, Request, Response, handler};
use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement, Value as SqlValue};
use serde_json::{Map, Value, json};

use super::{AppState, auth, request_error};

mod facts;
use crate::domain::{Rank, Role};
use crate::graphql::node::{Kind, global};

/// The requests the floor answers (the GraphQL documents are in `crate::bench::graphql`).
#[derive(serde::Deserialize, Clone, Copy, Debug)]
#[serde(rename_all = "snake_case")]
pub enum FloorRequest {
    /// 50 units of a district on a day: name, district, chief's rank, headquarters.
    UnitsOfDistrict,
    /// 100 units of `day` (default today) with their district and every officer (id, rank).
    UnitsWithOfficers,
    /// The stored snapshot of `staffing_ratio` by district, today.
    StaffingByDistrict,
    /// 100 officers with their unit and its district.
    OfficersWithUnits,
    /// 100 headquarters with their status today and their unit.
    HeadquartersWithUnits,
    /// 50 districts.
    Districts,
    /// 100 directives (`facts`).
    Directives,
    /// 100 union activities with their unit and its district (`facts`).
    UnionActivities,
    /// 100 dialogue questions with their session and asking unit (`facts`).
    DialogueQuestions,
    /// 100 awards with their unit and officer (`facts`).
    Awards,
    /// 100 Party committee seats with their officer and unit (`facts`).
    PartyMemberships,
}

/// The body of `POST /bench/floor`.
#[derive(serde::Deserialize)]
struct FloorBody {
    request: FloorRequest,
    district: Option<String>,
    day: Option<NaiveDate>,
}

/// Unit periods of the provinces the data covers (`service::units::territory`).
const TERRITORY: &str = "(EXISTS (SELECT 1 FROM unit_period t WHERE t.province_code = u.province_code AND t.valid_to IS NULL) \
     OR EXISTS (SELECT 1 FROM unit_period t WHERE t.province_code = u.province_code \
     AND t.valid_from = (SELECT MIN(valid_from) FROM unit_period)))";
/// Officer `o` in post in unit `u` now (a unit in force) or on its last day.
const IN_POST: &str = "((u.valid_to IS NULL AND o.posted_to IS NULL) OR (u.valid_to IS NOT NULL \
     AND o.posted_from <= u.valid_to AND (o.posted_to IS NULL OR o.posted_to > u.valid_to)))";
/// Building `h` held by unit `u` now or on its last day.
const HELD: &str = "((u.valid_to IS NULL AND h.held_to IS NULL) OR (u.valid_to IS NOT NULL \
     AND (h.held_from IS NULL OR h.held_from <= u.valid_to) AND (h.held_to IS NULL OR h.held_to > u.valid_to)))";
/// The status of building `h` on `$1` (`service::headquarters::status_on`), as GraphQL names it.
const STATUS: &str = "CASE WHEN h.closed_on <= $1 THEN 'CLOSED' WHEN h.in_use_on <= $1 THEN 'IN_USE' \
     WHEN h.construction_started_on <= $1 THEN 'UNDER_CONSTRUCTION' WHEN h.approved_on <= $1 THEN 'APPROVED' \
     ELSE 'PLANNED' END";

#[handler]
pub async fn floor(req: &Request, body: Body, Data(state): Data<&AppState>) -> Response {
    let principal = match auth::authorize(req, state, "/bench/floor").await {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    if principal.role != Role::Admin {
        let msg = "the bench floor needs an admin token";
        return request_error(StatusCode::FORBIDDEN, "FORBIDDEN", msg);
    }
    let parsed = match body.into_bytes_limit(state.limits.max_body_bytes).await {
        Ok(bytes) => serde_json::from_slice::<FloorBody>(&bytes).ok(),
        Err(_) => None,
    };
    let Some(body) = parsed else {
        let msg = "expected {\"request\": name, \"district\": code, \"day\": date}";
        return request_error(StatusCode::BAD_REQUEST, "INVALID_INPUT", msg);
    };
    match answer(state, &body).await {
        Ok(data) => {
            let bytes = serde_json::to_vec(&json!({ "data": data })).unwrap_or_default();
            Response::builder()
                .content_type("application/json")
                .body(bytes)
        }
        Err(AnswerError::Input(msg)) => {
            request_error(StatusCode::BAD_REQUEST, "INVALID_INPUT", msg)
        }
        Err(AnswerError::Db(e)) => {
            tracing::error!(error = %e, "bench floor statement failed");
            request_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error",
            )
        }
    }
}

enum AnswerError {
    Input(&'static str),
    Db(sea_orm::DbErr),
}

impl From<sea_orm::DbErr> for AnswerError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Db(e)
    }
}

/// Runs one statement; `$n` placeholders are rewritten for SQLite.
async fn rows(
    db: &impl ConnectionTrait,
    sql: String,
    values: Vec<SqlValue>,
) -> Result<Vec<QueryResult>, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => sql.replace('$', "?"),
        _ => sql,
    };
    db.query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await
}

/// The code and name of the unit period `r.unit_id` (an index lookup each).
const UNIT_COLUMNS: &str = "(SELECT u.code FROM unit_period u WHERE u.id = r.unit_id) AS u_code, \
     (SELECT u.name FROM unit_period u WHERE u.id = r.unit_id) AS u_name";
/// The code and name of the district of the unit period `r.unit_id`.
const DISTRICT_COLUMNS: &str = "(SELECT d.code FROM unit_period u JOIN district d ON d.code = u.district_code \
     WHERE u.id = r.unit_id) AS d_code, (SELECT d.name FROM unit_period u JOIN district d \
     ON d.code = u.district_code WHERE u.id = r.unit_id) AS d_name";

/// The GraphQL name of a domain enum's value, or null.
fn named<T: async_graphql::InputType>(value: Option<T>) -> Value {
    match value.map(|v| v.to_value()) {
        Some(async_graphql::Value::Enum(name)) => Value::String(name.to_string()),
        _ => Value::Null,
    }
}

/// The GraphQL name of a stored rank ordinal.
fn rank_name(ordinal: i32) -> Value {
    named(Rank::from_ordinal(ordinal))
}

/// The page's rows `r` (the statement `page`, 100 rows at most) with `unit_id`: the id
/// of the period of the unit whose code is in `code` that each belongs to
/// (`units::period_on`): the latest whose start `on` admits (a condition over
/// `q.valid_from`), else the code's first. Computed on the limited rows (the outer
/// `LIMIT` also keeps PostgreSQL from folding it into the enclosing statement) and read by
/// [`UNIT_COLUMNS`] and [`DISTRICT_COLUMNS`]: joined on instead, PostgreSQL hashed all
/// 14,560 unit periods of the national tier for a page.
fn with_unit(page: &str, code: &str, on: &str) -> String {
    format!(
        "(SELECT r.*, COALESCE((SELECT q.id FROM unit_period q WHERE q.code = {code} AND {on} \
         ORDER BY q.valid_from DESC LIMIT 1), \
         (SELECT q.id FROM unit_period q WHERE q.code = {code} ORDER BY q.valid_from LIMIT 1)) \
         AS unit_id FROM ({page}) r LIMIT 100) r"
    )
}

/// The condition of [`with_unit`] for a record held until the end date in column `end`
/// (none: still held): its last day, or today (`$1`) when that is earlier.
fn until(end: &str) -> String {
    format!("q.valid_from <= $1 AND (r.{end} IS NULL OR q.valid_from < r.{end})")
}

/// `{code, name}` of a district, or null.
fn district(row: &QueryResult) -> Result<Value, sea_orm::DbErr> {
    let code: Option<String> = row.try_get("", "d_code")?;
    Ok(match code {
        Some(code) => json!({ "code": code, "name": row.try_get::<String>("", "d_name")? }),
        None => Value::Null,
    })
}

/// A connection of these nodes.
fn edges(nodes: Vec<Value>) -> Value {
    let edges: Vec<Value> = nodes.into_iter().map(|n| json!({ "node": n })).collect();
    json!({ "edges": edges })
}

async fn answer(state: &AppState, body: &FloorBody) -> Result<Value, AnswerError> {
    let db = &state.db;
    let today = state.today();
    Ok(match body.request {
        FloorRequest::UnitsOfDistrict => {
            let (Some(d), Some(day)) = (body.district.clone(), body.day) else {
                return Err(AnswerError::Input(
                    "units_of_district needs district and day",
                ));
            };
            let sql = format!(
                "SELECT u.id, u.code, u.name, d.code AS d_code, d.name AS d_name, \
                 (SELECT o.rank FROM officer o WHERE o.unit_code = u.code AND o.position = 'chief' AND {IN_POST} ORDER BY o.id LIMIT 1) AS chief_rank, \
                 UPPER(h.model) AS h_model, {STATUS} AS h_status \
                 FROM (SELECT u.id, u.code, u.name, u.district_code, u.valid_to FROM unit_period u \
                   WHERE u.district_code = $2 AND u.valid_from <= $3 AND (u.valid_to IS NULL OR u.valid_to >= $3) AND {TERRITORY} \
                   ORDER BY u.code, u.id LIMIT 50) u \
                 LEFT JOIN district d ON d.code = u.district_code \
                 LEFT JOIN headquarters h ON h.unit_code = u.code AND {HELD} \
                 ORDER BY u.code, u.id, h.id"
            );
            let found = rows(db, sql, vec![today.into(), d.into(), day.into()]).await?;
            let mut nodes: Vec<Value> = Vec::new();
            let mut last = None;
            for row in &found {
                let id: i32 = row.try_get("", "id")?;
                if last != Some(id) {
                    last = Some(id);
                    let chief: Option<i32> = row.try_get("", "chief_rank")?;
                    nodes.push(json!({
                        "code": row.try_get::<String>("", "code")?,
                        "name": row.try_get::<String>("", "name")?,
                        "district": district(row)?,
                        "chief": chief.map(|r| json!({ "rank": rank_name(r) })),
                        "headquarters": [],
                    }));
                }
                if let Some(model) = row.try_get::<Option<String>>("", "h_model")?
                    && let Some(Value::Array(hq)) =
                        nodes.last_mut().and_then(|n| n.get_mut("headquarters"))
                {
                    let status: String = row.try_get("", "h_status")?;
                    hq.push(json!({ "model": model, "status": status }));
                }
            }
            json!({ "units": edges(nodes) })
        }
        FloorRequest::UnitsWithOfficers => {
            let sql = format!(
                "SELECT u.id, u.code, d.code AS d_code, d.name AS d_name, o.id AS o_id, o.rank AS o_rank \
                 FROM (SELECT u.id, u.code, u.district_code, u.valid_to FROM unit_period u \
                   WHERE u.valid_from <= $1 AND (u.valid_to IS NULL OR u.valid_to >= $1) AND {TERRITORY} \
                   ORDER BY u.code, u.id LIMIT 100) u \
                 LEFT JOIN district d ON d.code = u.district_code \
                 LEFT JOIN officer o ON o.unit_code = u.code AND {IN_POST} \
                 ORDER BY u.code, u.id, o.id"
            );
            let day = body.day.unwrap_or(today);
            let found = rows(db, sql, vec![day.into()]).await?;
            let mut nodes: Vec<Value> = Vec::new();
            let mut last = None;
            for row in &found {
                let id: i32 = row.try_get("", "id")?;
                if last != Some(id) {
                    last = Some(id);
                    nodes.push(json!({
                        "code": row.try_get::<String>("", "code")?,
                        "district": district(row)?,
                        "officers": [],
                    }));
                }
                if let Some(officer) = row.try_get::<Option<i32>>("", "o_id")?
                    && let Some(Value::Array(list)) =
                        nodes.last_mut().and_then(|n| n.get_mut("officers"))
                {
                    let rank: i32 = row.try_get("", "o_rank")?;
                    let id = global(Kind::Officer, officer).0;
                    list.push(json!({ "id": id, "rank": rank_name(rank) }));
                }
            }
            json!({ "units": edges(nodes) })
        }
        FloorRequest::StaffingByDistrict => {
            let sql = "SELECT indicator, value, numerator, denominator, group_kind, group_code, group_name \
                 FROM indicator_value WHERE data_version = (SELECT version FROM data_version WHERE id = 1) \
                 AND as_of = $1 AND group_kind = 'district' AND indicator = 'staffing_ratio' ORDER BY id";
            let found = rows(db, sql.to_owned(), vec![today.into()]).await?;
            let mut values = Vec::with_capacity(found.len());
            for row in &found {
                values.push(json!({
                    "code": row.try_get::<String>("", "indicator")?,
                    "value": row.try_get::<f64>("", "value")?,
                    "numerator": row.try_get::<f64>("", "numerator")?,
                    "denominator": row.try_get::<Option<f64>>("", "denominator")?,
                    "group": {
                        "kind": row.try_get::<String>("", "group_kind")?,
                        "code": row.try_get::<String>("", "group_code")?,
                        "name": row.try_get::<String>("", "group_name")?,
                    },
                }));
            }
            json!({ "indicators": values })
        }
        FloorRequest::OfficersWithUnits | FloorRequest::HeadquartersWithUnits => {
            // The unit of a record held until `end` (null: still held): the code's
            // period in force on its last day or today (the earlier), else its first.
            let (table, end, extra) = match body.request {
                FloorRequest::OfficersWithUnits => ("officer", "posted_to", "r.rank AS rank"),
                _ => (
                    "headquarters",
                    "closed_on",
                    "UPPER(r.model) AS model, r.closed_on, r.in_use_on, r.construction_started_on, r.approved_on",
                ),
            };
            let status = STATUS.replace("h.", "r.");
            let page = with_unit(
                &format!("SELECT * FROM {table} ORDER BY id LIMIT 100"),
                "r.unit_code",
                &until(end),
            );
            let sql = format!(
                "SELECT r.id, {extra}, {status} AS status, {UNIT_COLUMNS}, {DISTRICT_COLUMNS} \
                 FROM {page} ORDER BY r.id"
            );
            let sql = match body.request {
                // Officers have no status: the expression is dropped.
                FloorRequest::OfficersWithUnits => {
                    sql.replace(&format!(", {status} AS status"), "")
                }
                _ => sql,
            };
            let found = rows(db, sql, vec![today.into()]).await?;
            let mut nodes = Vec::with_capacity(found.len());
            for row in &found {
                let unit = match row.try_get::<Option<String>>("", "u_code")? {
                    Some(code) => json!({
                        "code": code,
                        "name": row.try_get::<String>("", "u_name")?,
                        "district": district(row)?,
                    }),
                    None => Value::Null,
                };
                let mut node = Map::new();
                let kind = match body.request {
                    FloorRequest::OfficersWithUnits => Kind::Officer,
                    _ => Kind::Headquarters,
                };
                let id = global(kind, row.try_get::<i32>("", "id")?).0;
                node.insert("id".into(), id.into());
                match body.request {
                    FloorRequest::OfficersWithUnits => {
                        node.insert("rank".into(), rank_name(row.try_get("", "rank")?));
                    }
                    _ => {
                        node.insert("model".into(), row.try_get::<String>("", "model")?.into());
                        node.insert("status".into(), row.try_get::<String>("", "status")?.into());
                    }
                }
                node.insert("unit".into(), unit);
                nodes.push(Value::Object(node));
            }
            let field = match body.request {
                FloorRequest::OfficersWithUnits => "officers",
                _ => "headquarters",
            };
            json!({ field: edges(nodes) })
        }
        FloorRequest::Districts => {
            let sql = format!(
                "SELECT code, name, kind FROM district WHERE code IN \
                 (SELECT u.district_code FROM unit_period u WHERE u.district_code IS NOT NULL AND {TERRITORY}) \
                 ORDER BY code LIMIT 50"
            );
            let found = rows(db, sql, vec![]).await?;
            let mut nodes = Vec::with_capacity(found.len());
            for row in &found {
                nodes.push(json!({
                    "code": row.try_get::<String>("", "code")?,
                    "name": row.try_get::<String>("", "name")?,
                    "kind": row.try_get::<String>("", "kind")?,
                }));
            }
            json!({ "districts": edges(nodes) })
        }
        FloorRequest::Directives => facts::directives(db).await?,
        FloorRequest::UnionActivities => facts::union_activities(db, today).await?,
        FloorRequest::DialogueQuestions => facts::dialogue_questions(db).await?,
        FloorRequest::Awards => facts::awards(db).await?,
        FloorRequest::PartyMemberships => facts::party_memberships(db, today).await?,
    })
}
