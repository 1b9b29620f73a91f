//! The GraphQL API: schema assembly, request context, errors with stable codes,
//! pagination, DataLoaders, and one query and one mutation object per domain,
//! merged. Resolvers are a few lines each: they call a `service` function.

pub mod audit;
pub mod context;
pub mod cost;
pub mod error;
pub mod guards;
pub mod live;
pub mod loaders;
pub mod mutation;
pub mod operation;
pub mod pagination;
pub mod query;
pub mod types;

use async_graphql::Schema;
use sea_orm::DatabaseConnection;

use crate::config::Limits;
use crate::dataset::DatasetCache;

/// The schema type served at `/graphql`.
pub type AppSchema = Schema<query::Query, mutation::Mutation, live::Subscription>;

/// Builds the schema with its limits; `db` and `limits` are shared by every request.
pub fn build_schema(
    db: DatabaseConnection,
    limits: Limits,
    datasets: DatasetCache,
    scheduler: crate::scheduler::Scheduler,
    analytics: crate::analytics::runner::Runner,
    engine: crate::indicators::EngineConfig,
    tokens: crate::service::token_cache::TokenCache,
    changes: live::Changes,
) -> AppSchema {
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
    .extension(cost::CostFactory)
    .extension(operation::OperationsFactory)
    .extension(audit::AuditFactory)
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
