//! Spreadsheet routes (`crate::intake`): `GET /imports/templates/{kind}.xlsx` (any
//! token; `?lang=en` for English headers), `POST /imports` (admins; an area admin for its
//! own units only) taking a multipart upload (`file`, and `kind`, `dryRun`, `complete`,
//! `day`, `encoding` as fields or query parameters) or the raw file with
//! `?kind=...&fileName=...`, and `GET /exports/{kind}.xlsx?asOf=` (analysts and admins:
//! officers' names are personal data), audited as an export.
//!
//! A refused import answers 422 with the errors as JSON, or, with `?errors=xlsx`, the
//! error copy of the file (bad cells filled red with a note each).

use poem::http::{StatusCode, header};
use poem::web::{Data, Json, Path, Query};
use poem::{Body, IntoResponse, Request, Response, handler};
use serde::Deserialize;
use serde_json::json;

use super::request_id::RequestId;
use super::{AppState, auth, request_error};
use crate::format::parse_day;
use crate::intake::{self, Caller, Encoding, Kind, Outcome};
use crate::service::{ServiceError, audit};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Query parameters of the spreadsheet routes.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Params {
    kind: Option<String>,
    file_name: Option<String>,
    dry_run: Option<String>,
    complete: Option<String>,
    day: Option<String>,
    as_of: Option<String>,
    encoding: Option<String>,
    lang: Option<String>,
    errors: Option<String>,
}

fn truthy(v: Option<&str>) -> bool {
    matches!(v.map(str::trim), Some("true" | "1" | "yes" | "on"))
}

fn english(p: &Params) -> bool {
    p.lang.as_deref() == Some("en")
}

/// The kind of a `{kind}.xlsx` path segment.
fn kind_of_file(file: &str) -> Option<Kind> {
    Kind::from_code(file.strip_suffix(".xlsx")?)
}

/// An XLSX answer, as a download named `name`.
pub(super) fn xlsx(bytes: Vec<u8>, name: &str, status: StatusCode) -> Response {
    Response::builder()
        .status(status)
        .content_type(XLSX)
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        )
        .body(bytes)
}

fn internal(e: &dyn std::fmt::Debug) -> Response {
    tracing::error!(error = ?e, "spreadsheet route failed");
    request_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL",
        "internal error",
    )
}

fn not_found(file: &str) -> Response {
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.code()).collect();
    request_error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        &format!("no template {file}; kinds: {}", kinds.join(", ")),
    )
}

/// `GET /imports/templates/{kind}.xlsx`.
#[handler]
pub async fn template(
    req: &Request,
    Path(file): Path<String>,
    Query(params): Query<Params>,
    Data(state): Data<&AppState>,
) -> Response {
    if let Err(resp) = auth::authorize(req, state, "/imports/templates").await {
        return resp;
    }
    let Some(kind) = kind_of_file(&file) else {
        return not_found(&file);
    };
    let en = english(&params);
    match tokio::task::spawn_blocking(move || intake::sheet::template(kind, en)).await {
        Ok(Ok(bytes)) => xlsx(
            bytes,
            &format!("coso-{}-template.xlsx", kind.code()),
            StatusCode::OK,
        ),
        Ok(Err(e)) => internal(&e),
        Err(e) => internal(&e),
    }
}

/// `GET /exports/{kind}.xlsx?asOf=YYYY-MM-DD`.
#[handler]
pub async fn export(
    req: &Request,
    Path(file): Path<String>,
    Query(params): Query<Params>,
    Data(state): Data<&AppState>,
) -> Response {
    let principal = match auth::authorize(req, state, "/exports").await {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let request_id = req.data::<RequestId>().map(|r| r.0.as_str());
    let entry = audit::Entry::by(
        &principal,
        request_id,
        "export",
        "exports",
        json!({ "file": file, "asOf": params.as_of }),
    );
    let (resp, outcome) = export_answer(state, &principal, &file, &params).await;
    crate::graphql::audit::append(&state.db, entry.outcome(outcome)).await;
    resp
}

async fn export_answer(
    state: &AppState,
    principal: &crate::auth::Principal,
    file: &str,
    params: &Params,
) -> (Response, &'static str) {
    if !principal.can_read_personal_data() {
        let msg = "exports hold officers' personal data: an analyst or admin token is needed";
        return (
            request_error(StatusCode::FORBIDDEN, "FORBIDDEN", msg),
            "FORBIDDEN",
        );
    }
    let Some(kind) = kind_of_file(file) else {
        return (not_found(file), "NOT_FOUND");
    };
    let day = match params.as_of.as_deref().map(|d| parse_day(d).ok_or(())) {
        None => state.today(),
        Some(Ok(d)) => d,
        Some(Err(_)) => {
            let msg = "asOf must be a day, YYYY-MM-DD";
            return (
                request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", msg),
                "BAD_REQUEST",
            );
        }
    };
    match intake::export::workbook(&state.db, &principal.scope, kind, day, english(params)).await {
        Ok(Some(bytes)) => {
            let name = format!("coso-{}-{day}.xlsx", kind.code());
            (xlsx(bytes, &name, StatusCode::OK), "ok")
        }
        Ok(None) => (not_found(file), "NOT_FOUND"),
        Err(crate::service::ServiceError::Forbidden(msg)) => (
            request_error(StatusCode::FORBIDDEN, "FORBIDDEN", &msg),
            "FORBIDDEN",
        ),
        Err(e) => (internal(&e), "INTERNAL"),
    }
}

/// What an upload carried.
struct Upload {
    bytes: Vec<u8>,
    file_name: String,
    fields: Params,
}

/// Why an upload could not be taken.
enum Unread {
    TooLarge,
    Bad(&'static str),
}

async fn read_upload(
    req: &Request,
    body: Body,
    max: usize,
    query: Params,
) -> Result<Upload, Unread> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if !content_type.starts_with("multipart/") {
        let bytes = body.into_bytes_limit(max).await.map_err(|e| match e {
            poem::error::ReadBodyError::PayloadTooLarge => Unread::TooLarge,
            _ => Unread::Bad("the body could not be read"),
        })?;
        let file_name = query.file_name.clone().unwrap_or_else(|| "upload".into());
        return Ok(Upload {
            bytes: bytes.to_vec(),
            file_name,
            fields: query,
        });
    }
    let boundary = multer::parse_boundary(&content_type)
        .map_err(|_| Unread::Bad("a multipart body needs its boundary"))?;
    let limits = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(max as u64 + 64 * 1024)
            .per_field(max as u64),
    );
    let mut form = multer::Multipart::with_constraints(body.into_bytes_stream(), boundary, limits);
    let mut fields = query;
    let mut file: Option<(Vec<u8>, String)> = None;
    let too_large = |e: &multer::Error| {
        matches!(
            e,
            multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. }
        )
    };
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if too_large(&e) => return Err(Unread::TooLarge),
            Err(_) => return Err(Unread::Bad("the multipart body could not be read")),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let data = match field.bytes().await {
            Ok(d) => d,
            Err(e) if too_large(&e) => return Err(Unread::TooLarge),
            Err(_) => return Err(Unread::Bad("the multipart body could not be read")),
        };
        if name == "file" {
            file = Some((data.to_vec(), file_name.unwrap_or_else(|| "upload".into())));
            continue;
        }
        let value = String::from_utf8_lossy(&data).trim().to_owned();
        match name.as_str() {
            "kind" => fields.kind = Some(value),
            "dryRun" => fields.dry_run = Some(value),
            "complete" => fields.complete = Some(value),
            "day" => fields.day = Some(value),
            "encoding" => fields.encoding = Some(value),
            "errors" => fields.errors = Some(value),
            "lang" => fields.lang = Some(value),
            _ => {}
        }
    }
    let (bytes, file_name) = file.ok_or(Unread::Bad("the upload has no `file` field"))?;
    if bytes.len() > max {
        return Err(Unread::TooLarge);
    }
    Ok(Upload {
        bytes,
        file_name,
        fields,
    })
}

/// `POST /imports`.
#[handler]
pub async fn import(
    req: &Request,
    body: Body,
    Query(params): Query<Params>,
    Data(state): Data<&AppState>,
) -> Response {
    let principal = match auth::authorize(req, state, "/imports").await {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let request_id = req.data::<RequestId>().map(|r| r.0.as_str());
    let base = audit::Entry::by(&principal, request_id, "mutation", "import", json!({}));
    if !principal.is_admin() {
        let msg = "imports need an admin token";
        record_refusal(state, base.clone().outcome("FORBIDDEN")).await;
        return request_error(StatusCode::FORBIDDEN, "FORBIDDEN", msg);
    }
    let max = state.limits.import_max_bytes;
    let upload = match read_upload(req, body, max, params).await {
        Ok(u) => u,
        Err(Unread::TooLarge) => {
            record_refusal(state, base.clone().outcome("IMPORT_TOO_LARGE")).await;
            let msg = format!("the file is larger than {max} bytes (COSO_IMPORT_MAX_BYTES)");
            return request_error(StatusCode::PAYLOAD_TOO_LARGE, "IMPORT_TOO_LARGE", &msg);
        }
        Err(Unread::Bad(msg)) => {
            record_refusal(state, base.clone().outcome("BAD_REQUEST")).await;
            return request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", msg);
        }
    };
    let f = &upload.fields;
    let Some(kind) = f.kind.as_deref().and_then(Kind::from_code) else {
        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.code()).collect();
        let msg = format!("`kind` must be one of: {}", kinds.join(", "));
        return request_error(StatusCode::BAD_REQUEST, "IMPORT_UNKNOWN_KIND", &msg);
    };
    let day = match f.day.as_deref().map(|d| parse_day(d).ok_or(())) {
        None => state.today(),
        Some(Ok(d)) => d,
        Some(Err(_)) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "`day` must be YYYY-MM-DD",
            );
        }
    };
    let encoding = match f.encoding.as_deref() {
        None | Some("") | Some("auto") => None,
        Some(e) => match Encoding::parse(e) {
            Some(e) => Some(e),
            None => {
                let msg = "`encoding` must be utf-8 or cp1258";
                return request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", msg);
            }
        },
    };
    let want_workbook = f.errors.as_deref() == Some("xlsx");
    let en = english(f);
    let request = intake::Request {
        kind,
        file_name: upload.file_name,
        bytes: upload.bytes,
        dry_run: truthy(f.dry_run.as_deref()),
        complete: truthy(f.complete.as_deref()),
        day,
        encoding,
    };
    let caller = Caller {
        entry: base,
        scope: principal.scope.clone(),
    };
    let bounds = intake::Bounds::of(&state.limits);
    match intake::run(&state.db, &caller, request, bounds).await {
        Ok(Outcome::Done(report)) => Json(*report).into_response(),
        Ok(Outcome::Refused(r)) => refused(*r, want_workbook, en).await,
        Err(ServiceError::Unavailable(m)) => {
            tracing::error!(error = %m, "import: database unavailable");
            request_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "DATABASE_UNAVAILABLE",
                "the database cannot be reached; retry",
            )
        }
        Err(e) => internal(&e),
    }
}

async fn record_refusal(state: &AppState, entry: audit::Entry) {
    crate::graphql::audit::append(&state.db, entry).await;
}

async fn refused(r: intake::Refusal, want_workbook: bool, english: bool) -> Response {
    let status = match r.problem.code {
        "IMPORT_TOO_LARGE" | "IMPORT_TOO_MANY_ROWS" => StatusCode::PAYLOAD_TOO_LARGE,
        "IMPORT_OUT_OF_SCOPE" => StatusCode::FORBIDDEN,
        "IMPORT_TIMEOUT" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    if want_workbook && let Some(table) = r.table {
        let errors = r.errors.clone();
        let job = move || intake::sheet::error_copy(&table.sheet, &table.rows, &errors, english);
        return match tokio::task::spawn_blocking(job).await {
            Ok(Ok(bytes)) => xlsx(bytes, "coso-import-errors.xlsx", status),
            Ok(Err(e)) => internal(&e),
            Err(e) => internal(&e),
        };
    }
    let body = json!({
        "errors": [{
            "message": r.problem.en,
            "extensions": { "code": r.problem.code, "vi": r.problem.vi },
        }],
        "importId": r.import_id,
        "errorCount": r.error_count,
        "rowErrors": r.errors,
    });
    Json(body).with_status(status).into_response()
}

/// `GET /imports/files/{id}`: the file of an applied import, byte for byte as it was
/// sent; admins (an area admin: its area's imports), audited as an export.
#[handler]
pub async fn import_file(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
) -> Response {
    let principal = match auth::authorize(req, state, "/imports/files").await {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let request_id = req.data::<RequestId>().map(|r| r.0.as_str());
    let entry = audit::Entry::by(
        &principal,
        request_id,
        "export",
        "imports.file",
        json!({ "id": id }),
    );
    let (resp, outcome) = import_file_answer(state, &principal, &id).await;
    crate::graphql::audit::append(&state.db, entry.outcome(outcome)).await;
    resp
}

async fn import_file_answer(
    state: &AppState,
    principal: &crate::auth::Principal,
    id: &str,
) -> (Response, &'static str) {
    use sea_orm::EntityTrait;
    if !principal.is_admin() {
        let msg = "imported files need an admin token";
        return (
            request_error(StatusCode::FORBIDDEN, "FORBIDDEN", msg),
            "FORBIDDEN",
        );
    }
    let missing = || {
        let resp = request_error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such imported file");
        (resp, "NOT_FOUND")
    };
    let Ok(id) = id.parse::<i32>() else {
        return missing();
    };
    // The table's scope rule: an area admin finds only its own area's imports.
    let find = entity::import_record::Entity::find_by_id(id);
    match crate::service::scope::apply(find, &principal.scope)
        .one(&state.db)
        .await
    {
        Ok(Some(r)) => {
            let Some(bytes) = r.file else {
                return missing();
            };
            let disposition = format!(
                "attachment; filename=\"{}\"; filename*=UTF-8''{}",
                crate::mail::ascii_fallback(&r.file_name),
                crate::mail::percent_encode(&r.file_name)
            );
            let resp = Response::builder()
                .content_type("application/octet-stream")
                .header(header::CONTENT_DISPOSITION, disposition)
                .body(bytes);
            (resp, "ok")
        }
        Ok(None) => missing(),
        Err(e) => (internal(&e), "INTERNAL"),
    }
}
