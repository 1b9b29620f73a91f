//! Error mapping at the API boundary. Every error a client sees carries
//! `extensions.code`, one of the stable codes; internal failures are logged here,
//! once, with their cause, and reach the client only as "internal error".
//!
//! The codes and when each is given are listed once, in the README's "Errors" table;
//! `tests/api/fuzz.rs` holds the list a client may rely on and fails on any other.

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
