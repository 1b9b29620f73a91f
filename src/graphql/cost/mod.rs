//! The cost checks of a GraphQL operation, run at validation, before any resolver:
//! depth ([`depth`]: introspection is bounded by the schema and not counted) and
//! complexity (async-graphql's count, where lists cost their page size, plus the
//! [`price`] of the fields that compute, sized by the caller's data). Over a limit, the
//! operation is refused with `QUERY_TOO_DEEP` or `QUERY_TOO_COMPLEX`. Before validation,
//! a document whose fragments expand past the complexity limit is refused ([`expansion`]);
//! once parsed, one holding a NUL character is refused `INVALID_TEXT` ([`super::nul`]).

mod depth;
mod expansion;
mod price;
mod walk;

use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, FieldHooks, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ErrorExtensionValues, ServerError, ServerResult, ValidationResult, Variables};
use sea_orm::DatabaseConnection;

pub use depth::MAX_INTROSPECTION_DEPTH;
pub use price::{ANALYTICS, RENDER, SCHEMA};

use super::context::RequestData;
use super::error::to_gql;
use crate::auth::Scope;
use crate::config::Limits;
use crate::dataset::DatasetCache;
use crate::service::sizes::{self, Sizes};

/// Whether `query` nests brackets deeper than the parser may be given
/// ([`depth::MAX_TEXT_NESTING`]): code that parses a document before the schema does
/// (to tell a query from a mutation or a subscription) leaves such a one to the schema,
/// whose cost check refuses it with `QUERY_TOO_DEEP` before parsing.
pub fn nests_too_deep(query: &str) -> bool {
    depth::text_nesting(query) > depth::MAX_TEXT_NESTING
}

/// Creates one [`Cost`] extension per request.
pub struct CostFactory;

impl ExtensionFactory for CostFactory {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Cost::default())
    }
}

/// Keeps the parsed document and its variables until validation prices them.
#[derive(Default)]
struct Cost(Mutex<Option<(ExecutableDocument, Variables)>>);

#[async_graphql::async_trait::async_trait]
impl Extension for Cost {
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
        // Before async-graphql parses: a document nested deeper than its recursion holds
        // never reaches it.
        let nesting = depth::text_nesting(query);
        if nesting > depth::MAX_TEXT_NESTING {
            let msg = format!(
                "the document nests {nesting} levels of brackets, over the limit of {}",
                depth::MAX_TEXT_NESTING
            );
            return Err(refusal("QUERY_TOO_DEEP", msg));
        }
        // Before async-graphql parses: its recursion check already inlines every spread.
        if let Some(limits) = ctx.data_opt::<Limits>()
            && query.contains("...")
            && let Ok(doc) = async_graphql::parser::parse_query(query)
        {
            let fields = expansion::inlined_fields(&doc);
            let max = limits.max_complexity as u64;
            if fields > max {
                let msg = format!(
                    "the document selects {fields} fields once its fragments are inlined, over the limit of {max}"
                );
                return Err(refusal("QUERY_TOO_COMPLEX", msg));
            }
        }
        let doc = next.run(ctx, query, variables).await?;
        if let Some(at) = super::nul::check(query, &doc, variables) {
            let msg = format!("{at} holds the NUL character (U+0000), which no text may hold");
            return Err(refusal("INVALID_TEXT", msg));
        }
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some((doc.clone(), variables.clone()));
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        // The validation rules first: what follows walks a document without cycles.
        let result = next.run(ctx).await?;
        let parsed = self.0.lock().ok().and_then(|mut slot| slot.take());
        let (Some((doc, variables)), Some(limits)) = (parsed, ctx.data_opt::<Limits>()) else {
            return Ok(result);
        };
        depth::check(&doc, limits.max_depth)
            .map_err(|e| vec![refusal("QUERY_TOO_DEEP", e.to_string())])?;
        let sizes = sizes_if_needed(ctx, &doc).await?;
        let (added, free) = doc
            .operations
            .iter()
            .map(|(_, op)| {
                let vars = price::Vars {
                    given: &variables,
                    defs: &op.node.variable_definitions,
                };
                price::root(&doc, &op.node.selection_set.node, &vars, sizes)
            })
            .fold((0, 0), |(a, f), (da, df)| {
                (u64::saturating_add(a, da), u64::saturating_add(f, df))
            });
        let priced = (result.complexity as u64)
            .saturating_sub(free)
            .saturating_add(added);
        let max = limits.max_complexity as u64;
        if priced > max {
            let msg = format!(
                "the query costs {priced}, over the limit of {max}: ask for fewer values, breakdowns, rows or aliases"
            );
            return Err(vec![refusal("QUERY_TOO_COMPLEX", msg)]);
        }
        let budget = ctx.data_opt::<RequestData>().map(|r| &r.budget);
        if let Some(budget) = budget
            && !budget.spend(priced)
        {
            let left = budget.remaining();
            let msg = format!(
                "the query costs {priced}, over the {left} left of this batch's limit of {max}: the operations of one request share it"
            );
            return Err(vec![refusal("QUERY_TOO_COMPLEX", msg)]);
        }
        Ok(ValidationResult {
            complexity: usize::try_from(priced).unwrap_or(usize::MAX),
            ..result
        })
    }
}

/// The caller's data sizes, looked up only when a field priced by them is asked for.
async fn sizes_if_needed(
    ctx: &ExtensionContext<'_>,
    doc: &ExecutableDocument,
) -> Result<Sizes, Vec<ServerError>> {
    let needed = doc
        .operations
        .iter()
        .any(|(_, op)| price::needs_sizes(doc, &op.node.selection_set.node));
    let Some(db) = ctx.data_opt::<DatabaseConnection>().filter(|_| needed) else {
        return Ok(Sizes::default());
    };
    let all = Scope::all();
    let scope = ctx
        .data_opt::<RequestData>()
        .map_or(&all, |r| &r.principal.scope);
    let counted = match ctx.data_opt::<DatasetCache>() {
        Some(cache) => sizes::sizes_kept(db, cache, scope).await,
        None => sizes::sizes(db, scope).await,
    };
    counted.map_err(|e| {
        let mut error = to_gql(&e).into_server_error(Default::default());
        error.locations.clear();
        vec![error]
    })
}

/// A refusal of the whole document (no location).
fn refusal(code: &'static str, message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut ext = ErrorExtensionValues::default();
    ext.set("code", code);
    error.extensions = Some(ext);
    error
}
