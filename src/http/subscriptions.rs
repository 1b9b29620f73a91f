//! Live updates over WebSocket on `GET /graphql` (`graphql-transport-ws`, and the older
//! `graphql-ws`): the socket is authenticated at `connection_init` (the token in the
//! payload, `{"Authorization": "Bearer <token>"}`, since a browser cannot set headers
//! on a WebSocket), rate-limited like a request, and bounded: at most
//! `COSO_WS_MAX_CONNECTIONS` sockets in all (`503 TOO_MANY_SUBSCRIBERS` past it) and
//! `COSO_WS_MAX_PER_TOKEN` per token (the init is refused past it); a socket that does
//! not authenticate within [`INIT_TIMEOUT`] is closed. Only subscriptions run here:
//! queries and mutations go by HTTP, through its limits and audit.
//!
//! A revoked token's sockets are closed with [`REVOKED`] (4401) within about a second:
//! at once when this process revokes it (the token cache announces it), and through
//! [`watch_revocations`] (one lookup a second of the tokens holding sockets, only while
//! some are open) when another replica or `coso token revoke` did.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WsMessage};
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{Data, Executor, ServerError};
use async_graphql_poem::GraphQLProtocol;
use futures_util::SinkExt;
use futures_util::stream::{self, BoxStream, StreamExt};
use poem::http::StatusCode;
use poem::web::websocket::{Message, WebSocket, WebSocketStream};
use poem::{IntoResponse, Response};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use tokio::sync::broadcast::error::RecvError;

use super::{AppState, request_error};
use crate::graphql::AppSchema;
use crate::graphql::error::coded;
use crate::service::token_cache::TokenCache;
use crate::service::tokens;

/// How long a socket may stay open without a successful `connection_init`.
pub const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// How often an open socket is pinged.
pub const PING_EVERY: Duration = Duration::from_secs(20);
/// How often [`watch_revocations`] looks for revoked tokens holding sockets.
pub const REVOCATION_POLL: Duration = Duration::from_secs(1);
/// The close code and reason of a socket whose token was revoked (4401 is
/// `graphql-transport-ws`'s "Unauthorized").
pub const REVOKED: (u16, &str) = (4401, "token revoked");

/// The open sockets, in all and per token.
#[derive(Default)]
pub struct Sockets {
    inner: Mutex<Counts>,
}

#[derive(Default)]
struct Counts {
    total: usize,
    per_token: HashMap<i32, usize>,
}

/// A place among the open sockets, given back when dropped.
pub struct Slot {
    sockets: Arc<Sockets>,
    token: Option<i32>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.sockets.inner.lock().unwrap_or_else(|p| p.into_inner());
        match self.token {
            None => counts.total = counts.total.saturating_sub(1),
            Some(t) => {
                if let Some(n) = counts.per_token.get_mut(&t) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        counts.per_token.remove(&t);
                    }
                }
            }
        }
    }
}

impl Sockets {
    /// A place for one more socket, if fewer than `max` are open.
    fn open(self: &Arc<Self>, max: usize) -> Option<Slot> {
        let mut counts = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        (counts.total < max).then(|| {
            counts.total += 1;
            Slot {
                sockets: self.clone(),
                token: None,
            }
        })
    }

    /// The tokens holding sockets.
    fn tokens(&self) -> Vec<i32> {
        let counts = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        counts.per_token.keys().copied().collect()
    }

    /// A place for one more socket of `token`, if fewer than `max` are open.
    fn for_token(self: &Arc<Self>, token: i32, max: usize) -> Option<Slot> {
        let mut counts = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let n = counts.per_token.entry(token).or_default();
        (*n < max).then(|| {
            *n += 1;
            Slot {
                sockets: self.clone(),
                token: Some(token),
            }
        })
    }
}

/// Upgrades `GET /graphql` to a subscription socket.
pub fn upgrade(ws: WebSocket, protocol: GraphQLProtocol, state: &AppState) -> Response {
    let Some(slot) = state.sockets.open(state.limits.ws_max_connections) else {
        let msg = "too many subscription sockets are open; retry later";
        return request_error(StatusCode::SERVICE_UNAVAILABLE, "TOO_MANY_SUBSCRIBERS", msg);
    };
    let state = state.clone();
    ws.protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            let _slot = slot;
            // The token once `connection_init` authenticated it (0 before).
            let token = Arc::new(AtomicI32::new(0));
            let executor = SubscriptionsOnly(state.schema.clone());
            let revoked = revoked(state.tokens.revocations(), state.db.clone(), token.clone());
            let init = {
                let token = token.clone();
                move |payload| connection_init(state, payload, token)
            };
            let serve = serve(socket, executor, protocol, init, revoked);
            let unauthenticated = async {
                tokio::time::sleep(INIT_TIMEOUT).await;
                if token.load(Ordering::Acquire) != 0 {
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                () = serve => {}
                () = unauthenticated => tracing::debug!("subscription socket closed: no connection_init"),
            }
        })
        .into_response()
}

/// Completes when the socket's token (once known) is revoked.
async fn revoked(
    mut forgotten: tokio::sync::broadcast::Receiver<i32>,
    db: DatabaseConnection,
    token: Arc<AtomicI32>,
) {
    loop {
        let id = match forgotten.recv().await {
            Ok(id) => id,
            // Missed some: ask the database about this socket's token.
            Err(RecvError::Lagged(_)) => token.load(Ordering::Acquire),
            Err(RecvError::Closed) => std::future::pending().await,
        };
        let mine = token.load(Ordering::Acquire);
        if mine != 0 && id == mine && !matches!(live(&db, &[mine]).await, Ok(l) if l == [mine]) {
            return;
        }
    }
}

/// Which of `ids` are tokens not revoked.
async fn live(db: &DatabaseConnection, ids: &[i32]) -> Result<Vec<i32>, sea_orm::DbErr> {
    use entity::api_token::{Column, Entity};
    Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(Column::RevokedAt.is_null())
        .into_tuple()
        .all(db)
        .await
}

/// Follows revocations made elsewhere (another replica, the command line) while sockets
/// are open: once every [`REVOCATION_POLL`], the tokens holding sockets that are no longer
/// live are forgotten, which closes their sockets.
pub async fn watch_revocations(sockets: Arc<Sockets>, db: DatabaseConnection, cache: TokenCache) {
    loop {
        tokio::time::sleep(REVOCATION_POLL).await;
        let open = sockets.tokens();
        if open.is_empty() {
            continue;
        }
        match live(&db, &open).await {
            Ok(live) => open
                .into_iter()
                .filter(|t| !live.contains(t))
                .for_each(|t| cache.forget(t)),
            Err(e) => tracing::warn!(error = ?e, "revocation watch: lookup failed"),
        }
    }
}

/// Runs the protocol on `socket` until either side closes it, or `close` completes (the
/// token was revoked: the socket is closed with [`REVOKED`]), with a WebSocket ping
/// every [`PING_EVERY`] (the browser answers with a pong), so that a socket waiting for
/// changes is not closed as idle (`COSO_IDLE_TIMEOUT_SECS`) nor by a proxy.
async fn serve<Init, InitFut>(
    socket: WebSocketStream,
    executor: SubscriptionsOnly,
    protocol: GraphQLProtocol,
    init: Init,
    close: impl std::future::Future<Output = ()>,
) where
    Init: FnOnce(serde_json::Value) -> InitFut + Send + 'static,
    InitFut: std::future::Future<Output = async_graphql::Result<Data>> + Send + 'static,
{
    let (mut sink, incoming) = socket.split();
    let incoming = incoming
        .take_while(|m| std::future::ready(m.is_ok()))
        .filter_map(|m| {
            std::future::ready(match m {
                Ok(m) if m.is_text() || m.is_binary() => Some(m.into_bytes()),
                _ => None,
            })
        });
    let outgoing = async_graphql::http::WebSocket::new(executor, incoming, protocol.0)
        .on_connection_init(init)
        .map(|msg| match msg {
            WsMessage::Text(text) => Message::text(text),
            WsMessage::Close(code, reason) => Message::close_with(code, reason),
        });
    futures_util::pin_mut!(outgoing);
    futures_util::pin_mut!(close);
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    loop {
        let message = tokio::select! {
            message = outgoing.next() => match message {
                Some(m) => m,
                None => break,
            },
            _ = ping.tick() => Message::Ping(Vec::new()),
            () = &mut close => {
                tracing::debug!("subscription socket closed: its token was revoked");
                let _ = sink.send(Message::close_with(REVOKED.0, REVOKED.1)).await;
                break;
            }
        };
        if sink.send(message).await.is_err() {
            break;
        }
    }
}

/// Authenticates a socket's `connection_init`: its data is the caller and the caller's
/// place among the sockets.
async fn connection_init(
    state: AppState,
    payload: serde_json::Value,
    token: Arc<AtomicI32>,
) -> async_graphql::Result<Data> {
    let refused = || {
        coded(
            "UNAUTHENTICATED",
            "a valid token is required in the connection_init payload: {\"Authorization\": \"Bearer <token>\"}",
        )
    };
    let secret = token_of(&payload).ok_or_else(refused)?;
    let principal = match tokens::authenticate(&state.db, secret).await {
        Ok(Some(p)) => p,
        Ok(None) => return Err(refused()),
        Err(e) => {
            tracing::error!(error = ?e, "token lookup failed");
            return Err(coded("INTERNAL", "internal error"));
        }
    };
    if let Some(limiter) = &state.limiter
        && limiter.check_key(&principal.token_id).is_err()
    {
        crate::telemetry::metrics::record_rate_limited("/graphql");
        return Err(coded("RATE_LIMITED", "too many requests for this token"));
    }
    let per_token = state.limits.ws_max_per_token;
    let Some(slot) = state.sockets.for_token(principal.token_id, per_token) else {
        let msg = format!("a token may hold {per_token} subscription sockets at once");
        return Err(coded("TOO_MANY_SUBSCRIBERS", msg));
    };
    token.store(principal.token_id, Ordering::Release);
    let mut data = Data::default();
    data.insert(principal);
    data.insert(Arc::new(slot));
    Ok(data)
}

/// The bearer token of a `connection_init` payload (`Authorization`, any case, with or
/// without the `Bearer` scheme; or `token`).
fn token_of(payload: &serde_json::Value) -> Option<&str> {
    let object = payload.as_object()?;
    let value = object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization") || k.as_str() == "token")?
        .1
        .as_str()?
        .trim();
    let secret = match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        _ => value,
    };
    (!secret.is_empty()).then_some(secret)
}

/// The schema, running subscriptions only.
#[derive(Clone)]
struct SubscriptionsOnly(AppSchema);

impl Executor for SubscriptionsOnly {
    async fn execute(&self, _request: async_graphql::Request) -> async_graphql::Response {
        not_a_subscription()
    }

    fn execute_stream(
        &self,
        mut request: async_graphql::Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, async_graphql::Response> {
        let name = request.operation_name.clone();
        // Nested too deep to parse, or not parsed: the schema says why.
        let subscription = crate::graphql::cost::nests_too_deep(&request.query)
            || match request.parsed_query() {
                Err(_) => true,
                Ok(doc) => match (&doc.operations, name) {
                    (DocumentOperations::Single(op), _) => {
                        op.node.ty == OperationType::Subscription
                    }
                    (DocumentOperations::Multiple(ops), Some(n)) => ops
                        .get(n.as_str())
                        .is_none_or(|op| op.node.ty == OperationType::Subscription),
                    (DocumentOperations::Multiple(_), None) => true,
                },
            };
        if !subscription {
            return stream::once(async { not_a_subscription() }).boxed();
        }
        self.0
            .execute_stream_with_session_data(request, session_data.unwrap_or_default())
            .boxed()
    }
}

fn not_a_subscription() -> async_graphql::Response {
    let mut error = ServerError::new(
        "only subscriptions run over the socket; send queries and mutations by HTTP",
        None,
    );
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", "NOT_A_SUBSCRIPTION");
    error.extensions = Some(ext);
    async_graphql::Response::from_errors(vec![error])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_comes_from_the_payload_in_the_usual_spellings() {
        let t = |v: serde_json::Value| token_of(&v).map(str::to_owned);
        assert_eq!(
            t(serde_json::json!({"Authorization": "Bearer abc"})).as_deref(),
            Some("abc")
        );
        assert_eq!(
            t(serde_json::json!({"authorization": "bearer abc"})).as_deref(),
            Some("abc")
        );
        assert_eq!(
            t(serde_json::json!({"token": "abc"})).as_deref(),
            Some("abc")
        );
        assert_eq!(t(serde_json::json!({"Authorization": ""})), None);
        assert_eq!(t(serde_json::json!(null)), None);
    }

    #[test]
    fn slots_are_bounded_and_given_back() {
        let sockets = Arc::new(Sockets::default());
        let a = sockets.open(2).expect("one");
        let _b = sockets.open(2).expect("two");
        assert!(sockets.open(2).is_none());
        drop(a);
        assert!(sockets.open(2).is_some());
        let t1 = sockets.for_token(7, 1).expect("token 7");
        assert!(sockets.for_token(7, 1).is_none());
        assert!(sockets.for_token(8, 1).is_some());
        drop(t1);
        assert!(sockets.for_token(7, 1).is_some());
    }
}
