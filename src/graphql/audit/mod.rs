//! Audit at the GraphQL boundary. An extension sees every top-level field and every
//! officer's personal field, and records:
//! - each mutation, with its arguments and outcome (`ok` or the error code), including
//!   ones refused by a guard before they start. A mutation that runs in a transaction
//!   writes its `ok` row inside that transaction ([`record_in_txn`], called by
//!   `in_txn!` before commit), so no committed write lacks its row; every other
//!   outcome is written right after the resolver returns;
//! - each `analyticsQuery`;
//! - each top-level field under which officers' names or birth years were read (or
//!   refused), once per operation, with the field's arguments.
//!
//! An audit row that cannot be written outside a transaction is logged and counted
//! (`coso_audit_write_failures_total`); the caller's answer is not changed.

mod extension;

pub use extension::AuditFactory;

use std::collections::HashSet;
use std::sync::Mutex;

use async_graphql::extensions::ExtensionContext;
use async_graphql::{Context, Name, ServerError, ServerResult, Value};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::context::{Ctx, RequestData};
use crate::service::audit::{self, Entry};
use crate::telemetry::metrics;

/// Response keys of the mutations whose `ok` row was written in their transaction.
#[derive(Debug, Default)]
pub struct AuditMarks(Mutex<HashSet<String>>);

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
    audit::record(txn, entry).await?;
    if let Ok(mut marks) = request.audit.0.lock() {
        marks.insert(field.alias().unwrap_or(field.name()).to_owned());
    }
    Ok(())
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

async fn write(
    ctx: &ExtensionContext<'_>,
    kind: &'static str,
    operation: String,
    args: serde_json::Value,
    outcome: String,
) {
    let (Some(request), Some(db)) = (
        ctx.data_opt::<RequestData>(),
        ctx.data_opt::<DatabaseConnection>(),
    ) else {
        return;
    };
    let entry = Entry::by(
        &request.principal,
        Some(&request.request_id),
        kind,
        operation,
        args,
    )
    .outcome(outcome);
    if let Err(e) = audit::record(db, entry).await {
        tracing::error!(error = ?e, kind, "could not write an audit row");
        metrics::record_audit_failure(kind);
    }
}
