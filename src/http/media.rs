//! Content negotiation of `/graphql` (GraphQL over HTTP, the GraphQL Foundation's
//! spec): an `Accept` naming `application/graphql-response+json` gets that media type
//! and the spec's status codes (`400` for a document that does not parse or validate);
//! anything else gets `application/json` with the legacy rules (`200` for every answer
//! the GraphQL engine produced).

use poem::Request;
use poem::http::header;

/// The media type of an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Media {
    /// `application/json`: always `200` once the request reached GraphQL.
    Json,
    /// `application/graphql-response+json`: `400` for a request GraphQL refused.
    GraphqlResponse,
}

/// The `application/graphql-response+json` media type.
pub const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

impl Media {
    /// What the request's `Accept` asks for (the higher quality of the two; the new
    /// media type on a tie; `application/json` when it names neither).
    pub fn of(req: &Request) -> Self {
        let Some(accept) = req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
        else {
            return Self::Json;
        };
        let (mut new, mut json) = (0.0f32, 0.0f32);
        for range in accept.split(',') {
            let mut parts = range.split(';');
            let ty = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            match ty.as_str() {
                GRAPHQL_RESPONSE => new = new.max(q),
                "application/json" => json = json.max(q),
                _ => {}
            }
        }
        if new > 0.0 && new >= json {
            Self::GraphqlResponse
        } else {
            Self::Json
        }
    }

    /// The `Content-Type` of an answer in this media type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
        }
    }

    /// Whether the request is a browser opening `/graphql` (it names `text/html`) or a
    /// client that does not say (no `Accept`, or no JSON type in it): not a client
    /// asking for JSON.
    pub fn wants_html(req: &Request) -> bool {
        req.headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|a| a.contains("text/html") || !a.contains("json"))
    }
}
