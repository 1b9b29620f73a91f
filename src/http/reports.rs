//! `GET /reports/files/{id}` (the file's global id or record id): a file of an archived report (a chart or an attachment),
//! byte for byte as it was sent; province admins only, audited as an export.

use poem::http::{StatusCode, header};
use poem::web::{Data, Path};
use poem::{Request, Response, handler};
use sea_orm::EntityTrait;
use serde_json::json;

use super::request_id::RequestId;
use super::{AppState, auth, request_error};
use crate::service::audit;

#[handler]
pub async fn report_file(
    req: &Request,
    Path(id): Path<String>,
    Data(state): Data<&AppState>,
) -> Response {
    let principal = match auth::authorize(req, state, "/reports/files").await {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let (resp, outcome) = answer(
        state,
        principal.is_admin() && principal.scope.area.is_none(),
        &id,
    )
    .await;
    let request_id = req.data::<RequestId>().map(|r| r.0.as_str());
    let entry = audit::Entry::by(
        &principal,
        request_id,
        "export",
        "reports.file",
        json!({ "id": id }),
    );
    crate::graphql::audit::append(&state.db, entry.outcome(outcome)).await;
    resp
}

async fn answer(state: &AppState, allowed: bool, id: &str) -> (Response, &'static str) {
    if !allowed {
        let msg = "archived reports need a province admin token";
        return (
            request_error(StatusCode::FORBIDDEN, "FORBIDDEN", msg),
            "FORBIDDEN",
        );
    }
    let not_found = || {
        let resp = request_error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such report file");
        (resp, "NOT_FOUND")
    };
    // The file's global id (`ArchivedFile.id`) or its record id (`dbId`).
    let id = async_graphql::ID::from(id);
    let Ok(id) = crate::graphql::node::argument(crate::graphql::node::Kind::ArchivedFile, &id)
    else {
        return not_found();
    };
    match entity::report_archive_file::Entity::find_by_id(id)
        .one(&state.db)
        .await
    {
        Ok(Some(f)) => {
            let disposition = format!(
                "{}; filename=\"{}\"; filename*=UTF-8''{}",
                if f.role == "inline" {
                    "inline"
                } else {
                    "attachment"
                },
                crate::mail::ascii_fallback(&f.name),
                crate::mail::percent_encode(&f.name)
            );
            let resp = Response::builder()
                .content_type(f.content_type.as_str())
                .header(header::CONTENT_DISPOSITION, disposition)
                .body(f.bytes);
            (resp, "ok")
        }
        Ok(None) => not_found(),
        Err(e) => {
            tracing::error!(error = ?e, "report file lookup failed");
            let resp = request_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "INTERNAL",
                "internal error",
            );
            (resp, "INTERNAL")
        }
    }
}
