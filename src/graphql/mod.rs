//! The GraphQL API: schema assembly, request context, errors with stable codes,
//! pagination, DataLoaders, and one query and one mutation object per domain,
//! merged. Resolvers are a few lines each: they call a `service` function.

pub mod audit;
mod carry;
pub mod context;
pub mod cost;
pub mod error;
pub mod guards;
pub mod input;
pub mod live;
pub mod loaders;
mod mirror;
pub mod mutation;
pub mod node;
mod nul;
pub mod operation;
pub mod pagination;
pub mod parsed;
pub mod plain;
pub mod query;
pub mod types;

use std::sync::Arc;

use async_graphql::Schema;
use sea_orm::DatabaseConnection;

use crate::config::Limits;
use crate::dataset::DatasetCache;

/// The schema type served at `/graphql`.
pub type AppSchema = Schema<query::Query, mutation::Mutation, live::Subscription>;

/// What the resolvers share across requests (the schema's data).
pub struct Shared {
    /// The pool.
    pub db: DatabaseConnection,
    /// Request limits.
    pub limits: Limits,
    /// The province-wide dataset cache.
    pub datasets: DatasetCache,
    /// The report scheduler.
    pub scheduler: crate::scheduler::Scheduler,
    /// The analytics workers.
    pub analytics: crate::analytics::runner::Runner,
    /// The indicator engine's settings.
    pub engine: crate::indicators::EngineConfig,
    /// Tokens verified from memory (a revocation forgets its token here).
    pub tokens: crate::service::token_cache::TokenCache,
    /// The data version as `dataChanged` subscribers follow it.
    pub changes: live::Changes,
}

/// Builds the schema with its limits; everything in `shared` is shared by every request.
pub fn build_schema(shared: Shared) -> AppSchema {
    let Shared {
        db,
        limits,
        datasets,
        scheduler,
        analytics,
        engine,
        tokens,
        changes,
    } = shared;
    let documents = Arc::new(parsed::Documents::default());
    Schema::build(
        query::Query::default(),
        mutation::Mutation::default(),
        live::Subscription,
    )
    .data(changes)
    .data(db)
    .data(datasets)
    .data(scheduler)
    .data(analytics)
    .data(limits)
    .data(engine)
    .data(tokens)
    .extension(cost::CostFactory::new(documents.clone()))
    .extension(operation::OperationsFactory)
    .extension(audit::AuditFactory)
    .extension(parsed::ParsedFactory::new(documents))
    .finish()
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(
        query::Query::default(),
        mutation::Mutation::default(),
        live::Subscription,
    )
    .finish()
    .sdl()
}
