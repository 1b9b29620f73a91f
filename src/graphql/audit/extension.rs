//! The audit extension: watches the top-level fields of one GraphQL operation (the only
//! fields it hooks) and writes the rows described in the parent module, with the
//! personal reads the officers' field guard noted in the request's [`AuditState`].
//!
//! [`AuditState`]: super::AuditState

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, FieldHooks, NextExecute, NextParseQuery,
    NextResolve, ResolveInfo,
};
use async_graphql::parser::types::{ExecutableDocument, Field};
use async_graphql::{Response, ServerResult, Value, Variables};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::{append, args_json, entry, mutation_kind, outcome, write};
use crate::graphql::context::RequestData;

/// Creates one [`Audit`] extension per request.
pub struct AuditFactory;

impl ExtensionFactory for AuditFactory {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Audit::default())
    }
}

#[derive(Default)]
struct Audit {
    variables: Mutex<Variables>,
    /// Top-level query fields: response key → (field name, arguments).
    roots: Mutex<BTreeMap<String, (String, serde_json::Value)>>,
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
        if info.path_node.parent.is_some() {
            return next.run(ctx, info).await;
        }
        let key = info.alias.unwrap_or(info.name).to_owned();
        let name = info.name.to_owned();
        let args = self.arguments(info.field);
        let mutation = info.parent_type == "Mutation";
        if !mutation {
            self.note_root(ctx, &key, &name, &args);
        }
        if name == "analyticsQuery" {
            start_analytics(ctx, &key, &name, args.clone());
        }
        let result = next.run(ctx, info).await;
        if mutation {
            self.write_mutation(ctx, &key, &name, args, &result).await;
        } else if name == "analyticsQuery" {
            finish_analytics(ctx, &key, &result).await;
        }
        result
    }

    fn field_hooks(&self) -> FieldHooks {
        FieldHooks::Root
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

    fn note_root(
        &self,
        ctx: &ExtensionContext<'_>,
        key: &str,
        name: &str,
        args: &serde_json::Value,
    ) {
        if let Ok(mut roots) = self.roots.lock() {
            roots.insert(key.to_owned(), (name.to_owned(), args.clone()));
        }
        // Filtering officers by name or birth year reads personal data too.
        let filter = &args["filter"];
        if name == "officers"
            && (!filter["search"].is_null() || !filter["birthYear"].is_null())
            && let Some(request) = ctx.data_opt::<RequestData>()
        {
            request.audit.note_personal(key, "filter", true);
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
        let committed = ctx
            .data_opt::<RequestData>()
            .is_some_and(|r| r.audit.is_committed(key));
        if committed {
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
        let Some(request) = ctx.data_opt::<RequestData>() else {
            return;
        };
        let personal = request.audit.take_personal();
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

/// Registers the row of an analytics query before it runs (so a timeout records it).
fn start_analytics(ctx: &ExtensionContext<'_>, key: &str, name: &str, args: serde_json::Value) {
    if let (Some(request), Some(entry)) = (
        ctx.data_opt::<RequestData>(),
        entry(ctx, "analytics", name.to_owned(), args),
    ) {
        request.audit.start(key, entry);
    }
}

async fn finish_analytics(
    ctx: &ExtensionContext<'_>,
    key: &str,
    result: &ServerResult<Option<Value>>,
) {
    let pending = ctx
        .data_opt::<RequestData>()
        .and_then(|r| r.audit.finish(key));
    if let (Some(entry), Some(db)) = (pending, ctx.data_opt::<DatabaseConnection>()) {
        append(db, entry.outcome(outcome(result))).await;
    }
}
