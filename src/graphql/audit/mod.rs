//! Audit at the GraphQL boundary. An extension sees every top-level field (it hooks the
//! root fields only: the other fields resolve without an extension in the way), the guard
//! of officers' personal fields notes each read here ([`AuditState::note_personal`]), and
//! the extension records:
//! - each mutation, with its arguments and outcome (`ok` or the error code), including
//!   ones refused by a guard before they start. A mutation that runs in a transaction
//!   writes its `ok` row inside that transaction ([`record_in_txn`], called by
//!   `in_txn!` before commit; [`committed`] after), so no committed write lacks its
//!   row and no rolled-back one has an `ok` row; every other outcome is written right
//!   after the resolver returns;
//! - each `analyticsQuery` (with `TIMEOUT` when the operation is cut by the query
//!   timeout: see [`AuditState`]);
//! - each top-level field under which officers' names or birth years were read (or
//!   refused), once per operation, with the field's arguments.
//!
//! An audit row that cannot be written outside a transaction is logged and counted
//! (`coso_audit_write_failures_total`); the caller's answer is not changed.

mod extension;

pub use extension::AuditFactory;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{Arc, Mutex};

use async_graphql::extensions::ExtensionContext;
use async_graphql::{Context, Name, ServerError, ServerResult, Value};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::context::{Ctx, RequestData};
use crate::service::audit::{self, Entry};
use crate::telemetry::metrics;

/// The audit bookkeeping of one operation, shared with the HTTP handler (clones share
/// it): mutations whose transaction (with its `ok` row) committed, and audited fields
/// still running, whose rows the handler writes with `TIMEOUT` if the operation is cut.
#[derive(Clone, Debug, Default)]
pub struct AuditState(Arc<Mutex<Inner>>);

#[derive(Debug, Default)]
struct Inner {
    committed: HashSet<String>,
    pending: BTreeMap<String, Entry>,
    /// Top-level response keys under which personal data was read: the fields, and
    /// whether any read succeeded.
    personal: Personal,
}

/// Personal fields read under each top-level response key, and whether any read passed.
pub(crate) type Personal = BTreeMap<String, (BTreeSet<&'static str>, bool)>;

impl AuditState {
    /// Whether the mutation answering under `key` committed.
    pub fn is_committed(&self, key: &str) -> bool {
        self.0.lock().is_ok_and(|s| s.committed.contains(key))
    }

    fn mark_committed(&self, key: String) {
        if let Ok(mut s) = self.0.lock() {
            s.committed.insert(key);
        }
    }

    /// Notes that the field under `key` started; its row is `entry`.
    pub fn start(&self, key: &str, entry: Entry) {
        if let Ok(mut s) = self.0.lock() {
            s.pending.insert(key.to_owned(), entry);
        }
    }

    /// The row of the field under `key`, which finished.
    pub fn finish(&self, key: &str) -> Option<Entry> {
        self.0.lock().ok()?.pending.remove(key)
    }

    /// Notes that personal `field` was read (`ok`) or refused under the top-level
    /// response key `root`.
    pub fn note_personal(&self, root: &str, field: &'static str, ok: bool) {
        if let Ok(mut s) = self.0.lock() {
            let entry = s.personal.entry(root.to_owned()).or_default();
            entry.0.insert(field);
            entry.1 |= ok;
        }
    }

    /// The personal reads noted so far (taken: each is written once).
    pub(crate) fn take_personal(&self) -> Personal {
        self.0
            .lock()
            .map(|mut s| std::mem::take(&mut s.personal))
            .unwrap_or_default()
    }

    /// The rows of the fields that never finished.
    pub fn take_pending(&self) -> Vec<Entry> {
        self.0
            .lock()
            .map(|mut s| std::mem::take(&mut s.pending).into_values().collect())
            .unwrap_or_default()
    }
}

/// Writes the `ok` row of the running mutation with `txn` (before it commits).
pub async fn record_in_txn(
    ctx: &Context<'_>,
    txn: &impl ConnectionTrait,
) -> crate::service::Result<()> {
    let field = ctx.field();
    let args = field
        .arguments()
        .map(|a| args_json(a.into_iter()))
        .unwrap_or_default();
    let request = ctx.request();
    let entry = Entry::by(
        &request.principal,
        Some(&request.request_id),
        mutation_kind(field.name()),
        field.name(),
        args,
    );
    audit::record(txn, entry).await
}

/// Notes that the running mutation's transaction committed: its row is written, and
/// the extension writes no other (even if a field of its answer fails later).
pub fn committed(ctx: &Context<'_>) {
    let field = ctx.field();
    let key = field.alias().unwrap_or(field.name()).to_owned();
    ctx.request().audit.mark_committed(key);
}

/// `token` for token changes, `mutation` for the rest.
fn mutation_kind(name: &str) -> &'static str {
    if name.contains("ApiToken") {
        "token"
    } else {
        "mutation"
    }
}

fn args_json(args: impl Iterator<Item = (Name, Value)>) -> serde_json::Value {
    let map: serde_json::Map<String, serde_json::Value> = args
        .map(|(n, v)| (n.to_string(), v.into_json().unwrap_or_default()))
        .collect();
    serde_json::Value::Object(map)
}

/// `ok` or the stable code of the error.
fn outcome(result: &ServerResult<Option<Value>>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(e) => error_code(e),
    }
}

fn error_code(e: &ServerError) -> String {
    e.extensions
        .as_ref()
        .and_then(|x| x.get("code"))
        .and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            _ => None,
        })
        // Errors without a code at this point are argument coercion errors.
        .unwrap_or_else(|| "BAD_USER_INPUT".into())
}

/// Appends `entry`, logging and counting a failure.
pub async fn append(db: &DatabaseConnection, entry: Entry) {
    let kind = entry.kind;
    if let Err(e) = audit::record(db, entry).await {
        tracing::error!(error = ?e, kind, "could not write an audit row");
        metrics::record_audit_failure(kind);
    }
}

/// The row of the caller of this operation.
fn entry(
    ctx: &ExtensionContext<'_>,
    kind: &'static str,
    operation: String,
    args: serde_json::Value,
) -> Option<Entry> {
    let request = ctx.data_opt::<RequestData>()?;
    let principal = &request.principal;
    Some(Entry::by(
        principal,
        Some(&request.request_id),
        kind,
        operation,
        args,
    ))
}

async fn write(
    ctx: &ExtensionContext<'_>,
    kind: &'static str,
    operation: String,
    args: serde_json::Value,
    outcome: String,
) {
    if let (Some(entry), Some(db)) = (
        entry(ctx, kind, operation, args),
        ctx.data_opt::<DatabaseConnection>(),
    ) {
        append(db, entry.outcome(outcome)).await;
    }
}
