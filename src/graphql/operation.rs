//! What the HTTP layer learns about each GraphQL operation once it is parsed: its name
//! and type, for the metrics, the request span and the slow-request log. An extension
//! fills an [`OperationInfo`] slot that the handler put in the request data.

use std::sync::{Arc, Mutex, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, FieldHooks, NextExecute, NextParseQuery,
};
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{Response, ServerResult, Variables};

/// The name (`anonymous` when it has none) and type (`query`, `mutation`) of an
/// operation; empty until it parses.
#[derive(Debug, Default)]
pub struct OperationInfo(OnceLock<(String, &'static str)>);

impl OperationInfo {
    /// The name and type, when the document parsed.
    pub fn get(&self) -> Option<(&str, &'static str)> {
        self.0.get().map(|(n, t)| (n.as_str(), *t))
    }
}

/// Creates one [`Operations`] extension per request.
pub struct OperationsFactory;

impl ExtensionFactory for OperationsFactory {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Operations::default())
    }
}

/// Remembers the document's operations at parse time and fills the slot when the one
/// to run is chosen.
#[derive(Default)]
struct Operations(Mutex<Vec<(Option<String>, &'static str)>>);

#[async_graphql::async_trait::async_trait]
impl Extension for Operations {
    /// No field hook: fields resolve on the executor's fast path.
    fn field_hooks(&self) -> FieldHooks {
        FieldHooks::None
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let ops = doc
            .operations
            .iter()
            .map(|(name, op)| (name.map(|n| n.to_string()), kind(op.node.ty)))
            .collect();
        if let Ok(mut slot) = self.0.lock() {
            *slot = ops;
        }
        Ok(doc)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let chosen = self.0.lock().ok().and_then(|ops| {
            ops.iter()
                .find(|(n, _)| operation_name.is_none() || n.as_deref() == operation_name)
                .cloned()
        });
        if let (Some((name, ty)), Some(info)) = (chosen, ctx.data_opt::<Arc<OperationInfo>>()) {
            let _ = info.0.set((name.unwrap_or_else(|| "anonymous".into()), ty));
        }
        next.run(ctx, operation_name).await
    }
}

fn kind(ty: OperationType) -> &'static str {
    match ty {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    }
}
