//! Error mapping at the API boundary. Every error a client sees carries
//! `extensions.code`, one of the stable codes below; internal failures are logged here,
//! once, with their cause, and reach the client only as "internal error".
//!
//! | code | meaning |
//! |---|---|
//! | `UNAUTHENTICATED` | no or bad token (HTTP 401, no body detail) |
//! | `FORBIDDEN` | the token's role or district does not allow it |
//! | `NOT_FOUND` | no such record, or not visible to the caller |
//! | `UNKNOWN_UNIT` | a unit code that does not exist (or is outside the district) |
//! | `INVALID_DATE_RANGE` | an end date before its start date |
//! | `DUPLICATE_CHIEF` | a unit already has a chief in post |
//! | `RANK_NOT_ALLOWED` | a rank the position does not allow |
//! | `INVALID_INPUT` | any other invalid value |
//! | `INVALID_CURSOR` | an `after` cursor this server did not make |
//! | `BAD_USER_INPUT` | an argument of the wrong type or shape |
//! | `GRAPHQL_VALIDATION_FAILED` | a document that does not parse or validate |
//! | `QUERY_TOO_DEEP`, `QUERY_TOO_COMPLEX` | over the depth or complexity limit |
//! | `BATCH_TOO_LARGE`, `BODY_TOO_LARGE`, `RESPONSE_TOO_LARGE`, `BAD_REQUEST` | request-level limits and shape |
//! | `SQL_SYNTAX`, `SQL_UNKNOWN_TABLE`, `SQL_NOT_ALLOWED`, `SQL_TOO_LARGE`, `SQL_TOO_COMPLEX`, `SQL_TOO_EXPENSIVE`, `SQL_UNKNOWN_COLUMN`, `SQL_TYPE_MISMATCH`, `SQL_UNSUPPORTED`, `SQL_INVALID`, `SQL_RESULT_TOO_LARGE`, `SQL_TIMEOUT`, `SQL_MEMORY_LIMIT`, `BUSY` (with `retryAfter`) | analytics queries (see `analytics`) |
//! | `RATE_LIMITED` | the token made too many requests (HTTP 429 with `Retry-After`) |
//! | `TIMEOUT` | a query ran longer than `COSO_QUERY_TIMEOUT_MS` (mutations are not cut) |
//! | `DATABASE_UNAVAILABLE` | the database cannot be reached right now (HTTP 503 with `Retry-After` before a token could be checked); retry |
//! | `INTERNAL` | a server-side failure |

use std::sync::Arc;

use async_graphql::{ErrorExtensions, ServerError};

use crate::service::ServiceError;

/// Converts a service error, logging internal ones.
pub fn to_gql(e: &ServiceError) -> async_graphql::Error {
    if e.is_internal() {
        tracing::error!(error = ?e, "internal error");
    }
    coded(e.code(), e.to_string())
}

/// An error with a message and a stable code.
pub fn coded(code: &'static str, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, ext| ext.set("code", code))
}

/// `?`-friendly conversion of service results.
pub trait GqlResult<T> {
    /// Maps the error to a coded GraphQL error.
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> GqlResult<T> for Result<T, ServiceError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| to_gql(&e))
    }
}

impl<T> GqlResult<T> for Result<T, Arc<ServiceError>> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| to_gql(&e))
    }
}

/// Gives every error that left async-graphql without a code (parse, validation,
/// limits, argument coercion) a stable one.
pub fn ensure_code(error: &mut ServerError) {
    let has_code = error
        .extensions
        .as_ref()
        .is_some_and(|ext| ext.get("code").is_some());
    if has_code {
        return;
    }
    let code = if error.message.contains("nested too deep") {
        "QUERY_TOO_DEEP"
    } else if error.message.contains("too complex") {
        "QUERY_TOO_COMPLEX"
    } else if error.path.is_empty() {
        "GRAPHQL_VALIDATION_FAILED"
    } else {
        "BAD_USER_INPUT"
    };
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
}
