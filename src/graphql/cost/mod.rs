//! The cost checks of a GraphQL operation, run at validation, before any resolver:
//! depth ([`depth`]: introspection is bounded by the schema and not counted) and
//! complexity (async-graphql's count, where lists cost their page size, plus the
//! [`price`] of the fields that compute, sized by the caller's data). Over a limit, the
//! operation is refused with `QUERY_TOO_DEEP` or `QUERY_TOO_COMPLEX`. Before validation,
//! a document whose fragments expand past the complexity limit is refused ([`expansion`]);
//! once parsed, one holding a NUL character is refused `INVALID_TEXT` ([`super::nul`]).
//! What a document passed with is kept ([`validated`]): sent again with the same operation
//! and declared variables' values, it skips the rules and the price.

mod depth;
mod expansion;
mod price;
mod validated;
mod walk;

use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, FieldHooks, NextParseQuery, NextPrepareRequest,
    NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{
    ErrorExtensionValues, Request, ServerError, ServerResult, ValidationResult, Variables,
};
use sea_orm::DatabaseConnection;

pub use depth::MAX_INTROSPECTION_DEPTH;
pub use price::{ANALYTICS, RENDER, SCHEMA};
use validated::{Checked, Validations};

use super::context::RequestData;
use super::error::to_gql;
use super::parsed::Documents;
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

/// Creates one [`Cost`] extension per request, over the schema's kept validations and
/// parsed documents.
pub struct CostFactory {
    kept: Arc<Validations>,
    documents: Arc<Documents>,
}

impl CostFactory {
    /// The check over the schema's parsed `documents`.
    pub fn new(documents: Arc<Documents>) -> Self {
        Self {
            kept: Arc::default(),
            documents,
        }
    }
}

impl ExtensionFactory for CostFactory {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Cost {
            kept: self.kept.clone(),
            documents: self.documents.clone(),
            operation: Mutex::new(None),
            stash: Mutex::new(None),
        })
    }
}

/// One request's cost check: the operation's name (from the request), then what parsing
/// learnt for validation to use.
struct Cost {
    kept: Arc<Validations>,
    documents: Arc<Documents>,
    operation: Mutex<Option<String>>,
    stash: Mutex<Option<Stash>>,
}

/// What validation needs of a parsed document: what it passed with before, if kept;
/// otherwise (or when its price depends on the caller's data) the document and its
/// variables; the key to keep it under.
struct Stash {
    known: Option<Checked>,
    parsed: Option<(ExecutableDocument, Variables)>,
    key: Option<String>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for Cost {
    /// No field hook: fields resolve on the executor's fast path.
    fn field_hooks(&self) -> FieldHooks {
        FieldHooks::None
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if let Ok(mut slot) = self.operation.lock() {
            slot.clone_from(&request.operation_name);
        }
        next.run(ctx, request).await
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
        // A kept document passed this check before it was kept.
        if let Some(limits) = ctx.data_opt::<Limits>()
            && query.contains("...")
            && !self.documents.contains(query)
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
        let operation = self.operation.lock().ok().and_then(|mut o| o.take());
        let key = validated::key(query, operation.as_deref(), &doc, variables);
        let known = key.as_deref().and_then(|k| self.kept.get(k));
        let parsed = match known {
            Some(Checked {
                priced: Some(_), ..
            }) => None,
            _ => Some((doc.clone(), variables.clone())),
        };
        if let Ok(mut slot) = self.stash.lock() {
            *slot = Some(Stash { known, parsed, key });
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let stash = self.stash.lock().ok().and_then(|mut slot| slot.take());
        let (Some(stash), Some(limits)) = (stash, ctx.data_opt::<Limits>()) else {
            return next.run(ctx).await;
        };
        let parsed = stash.parsed.as_ref();
        let checked = match stash.known {
            Some(known) => known,
            None => {
                // The validation rules first: what follows walks a document without cycles.
                let result = next.run(ctx).await?;
                let Some((doc, variables)) = parsed else {
                    return Ok(result);
                };
                depth::check(doc, limits.max_depth)
                    .map_err(|e| vec![refusal("QUERY_TOO_DEEP", e.to_string())])?;
                let priced = (!needs_sizes(doc))
                    .then(|| price_all(doc, variables, Sizes::default(), result.complexity));
                let checked = Checked { result, priced };
                if let Some(key) = stash.key {
                    self.kept.keep(key, checked);
                }
                checked
            }
        };
        let priced = match (checked.priced, parsed) {
            (Some(priced), _) => priced,
            (None, Some((doc, variables))) => {
                let sizes = sizes_if_needed(ctx, doc).await?;
                price_all(doc, variables, sizes, checked.result.complexity)
            }
            (None, None) => return Ok(checked.result),
        };
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
            ..checked.result
        })
    }
}

/// Whether a field priced by the caller's data sizes is asked for.
fn needs_sizes(doc: &ExecutableDocument) -> bool {
    doc.operations
        .iter()
        .any(|(_, op)| price::needs_sizes(doc, &op.node.selection_set.node))
}

/// The price of every operation of `doc`: async-graphql's `complexity`, less what it
/// counts of the fields coso prices itself, plus their price.
fn price_all(
    doc: &ExecutableDocument,
    variables: &Variables,
    sizes: Sizes,
    complexity: usize,
) -> u64 {
    let (added, free) = doc
        .operations
        .iter()
        .map(|(_, op)| {
            let vars = price::Vars {
                given: variables,
                defs: &op.node.variable_definitions,
            };
            price::root(doc, &op.node.selection_set.node, &vars, sizes)
        })
        .fold((0, 0), |(a, f), (da, df)| {
            (u64::saturating_add(a, da), u64::saturating_add(f, df))
        });
    (complexity as u64)
        .saturating_sub(free)
        .saturating_add(added)
}

/// The caller's data sizes, looked up only when a field priced by them is asked for.
async fn sizes_if_needed(
    ctx: &ExtensionContext<'_>,
    doc: &ExecutableDocument,
) -> Result<Sizes, Vec<ServerError>> {
    let Some(db) = ctx
        .data_opt::<DatabaseConnection>()
        .filter(|_| needs_sizes(doc))
    else {
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
