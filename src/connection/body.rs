//! The request body's deadline: a middleware that reads the body (up to one byte past
//! the size limit, which the handlers then refuse) within the configured time before
//! the handler runs, and answers `408 REQUEST_TIMEOUT` to a client that trickles it.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use poem::http::{StatusCode, header};
use poem::web::Json;
use poem::{Endpoint, IntoResponse, Request, Response};
use serde_json::json;

/// Reads `req`'s body within `timeout` (at most `max + 1` bytes kept), then calls `ep`.
pub async fn read_within<E: Endpoint>(
    ep: Arc<E>,
    mut req: Request,
    timeout: Duration,
    max: usize,
) -> poem::Result<Response> {
    let mut stream = req.take_body().into_bytes_stream();
    let read = async {
        let mut body = bytes::BytesMut::new();
        while let Some(chunk) = stream.next().await {
            body.extend_from_slice(&chunk?);
            if body.len() > max {
                break;
            }
        }
        Ok::<_, std::io::Error>(body.freeze())
    };
    match tokio::time::timeout(timeout, read).await {
        Ok(Ok(body)) => {
            req.set_body(body);
            Ok(ep.call(req).await?.into_response())
        }
        Ok(Err(_)) => Ok(refuse(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "could not read the request body".into(),
        )),
        Err(_) => Ok(refuse(
            StatusCode::REQUEST_TIMEOUT,
            "REQUEST_TIMEOUT",
            format!(
                "the request body did not arrive within {} s",
                timeout.as_secs()
            ),
        )),
    }
}

/// A refusal in the GraphQL error shape; the connection closes after it.
fn refuse(status: StatusCode, code: &str, message: String) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    let mut resp = Json(body).with_status(status).into_response();
    resp.headers_mut().insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
    resp
}
