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

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextResolve,
    ResolveInfo,
};
use async_graphql::parser::types::{ExecutableDocument, Field};
use async_graphql::{Context, Name, Response, ServerError, ServerResult, Value, Variables};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::json;

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

/// Creates one [`Audit`] extension per request.
pub struct AuditFactory;

impl ExtensionFactory for AuditFactory {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Audit::default())
    }
}

/// Officer fields that are personal data.
const PERSONAL_FIELDS: [&str; 2] = ["fullName", "birthYear"];

#[derive(Default)]
struct Audit {
    variables: Mutex<Variables>,
    /// Top-level query fields: response key → (field name, arguments).
    roots: Mutex<BTreeMap<String, (String, serde_json::Value)>>,
    /// Response keys under which personal data was read: the fields, and whether any
    /// read succeeded.
    personal: Mutex<BTreeMap<String, (BTreeSet<&'static str>, bool)>>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for Audit {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if let Ok(mut v) = self.variables.lock() {
            *v = variables.clone();
        }
        next.run(ctx, query, variables).await
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let response = next.run(ctx, operation_name).await;
        self.write_personal(ctx).await;
        response
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if info.parent_type == "Officer" && PERSONAL_FIELDS.contains(&info.name) {
            let result = next.run(ctx, info_clone(&info)).await;
            self.note_personal(&info, result.is_ok());
            return result;
        }
        if info.path_node.parent.is_some() {
            return next.run(ctx, info).await;
        }
        let key = info.alias.unwrap_or(info.name).to_owned();
        let name = info.name.to_owned();
        let args = self.arguments(info.field);
        let mutation = info.parent_type == "Mutation";
        if !mutation {
            self.note_root(&key, &name, &args);
        }
        let result = next.run(ctx, info).await;
        if mutation {
            self.write_mutation(ctx, &key, &name, args, &result).await;
        } else if name == "analyticsQuery" {
            write(ctx, "analytics", name, args, outcome(&result)).await;
        }
        result
    }
}

impl Audit {
    /// The field's arguments with the request's variables substituted.
    fn arguments(&self, field: &Field) -> serde_json::Value {
        let Ok(vars) = self.variables.lock() else {
            return serde_json::Value::Null;
        };
        args_json(field.arguments.iter().map(|(name, value)| {
            let value = value
                .node
                .clone()
                .into_const_with(|n| vars.get(&n).cloned().ok_or(()))
                .unwrap_or(Value::Null);
            (name.node.clone(), value)
        }))
    }

    fn note_root(&self, key: &str, name: &str, args: &serde_json::Value) {
        if let Ok(mut roots) = self.roots.lock() {
            roots.insert(key.to_owned(), (name.to_owned(), args.clone()));
        }
        // Filtering officers by name or birth year reads personal data too.
        let filter = &args["filter"];
        if name == "officers"
            && (!filter["search"].is_null() || !filter["birthYear"].is_null())
            && let Ok(mut p) = self.personal.lock()
        {
            let entry = p.entry(key.to_owned()).or_default();
            entry.0.insert("filter");
            entry.1 = true;
        }
    }

    fn note_personal(&self, info: &ResolveInfo<'_>, ok: bool) {
        let root = std::iter::once(info.path_node)
            .chain(info.path_node.parents())
            .last()
            .map(|n| n.field_name().to_owned())
            .unwrap_or_default();
        let field = if info.name == "fullName" {
            "fullName"
        } else {
            "birthYear"
        };
        if let Ok(mut p) = self.personal.lock() {
            let entry = p.entry(root).or_default();
            entry.0.insert(field);
            entry.1 |= ok;
        }
    }

    async fn write_mutation(
        &self,
        ctx: &ExtensionContext<'_>,
        key: &str,
        name: &str,
        args: serde_json::Value,
        result: &ServerResult<Option<Value>>,
    ) {
        let in_txn = ctx
            .data_opt::<RequestData>()
            .and_then(|r| r.audit.0.lock().ok().map(|m| m.contains(key)))
            .unwrap_or(false);
        if result.is_ok() && in_txn {
            return;
        }
        write(
            ctx,
            mutation_kind(name),
            name.to_owned(),
            args,
            outcome(result),
        )
        .await;
    }

    async fn write_personal(&self, ctx: &ExtensionContext<'_>) {
        let personal = match self.personal.lock() {
            Ok(mut p) => std::mem::take(&mut *p),
            Err(_) => return,
        };
        for (key, (fields, read)) in personal {
            let (name, mut args) = self
                .roots
                .lock()
                .ok()
                .and_then(|r| r.get(&key).cloned())
                .unwrap_or_else(|| (key.clone(), json!({})));
            if let Some(obj) = args.as_object_mut() {
                obj.insert("personalFields".into(), json!(fields));
            }
            let outcome = if read { "ok" } else { "FORBIDDEN" };
            write(ctx, "personal_data", name, args, outcome.into()).await;
        }
    }
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

fn info_clone<'a>(info: &ResolveInfo<'a>) -> ResolveInfo<'a> {
    ResolveInfo {
        path_node: info.path_node,
        parent_type: info.parent_type,
        return_type: info.return_type,
        name: info.name,
        alias: info.alias,
        is_for_introspection: info.is_for_introspection,
        field: info.field,
    }
}
