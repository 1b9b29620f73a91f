//! The audit log: append a row (who, what, arguments without secrets, outcome) and list
//! rows for admins. Nothing here updates or deletes a row.

use chrono::{DateTime, Utc};
use entity::audit_log;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryTrait,
};
use serde_json::Value;

use super::Result;
use super::keyset::{Listing, order_name};
use super::page::SortDirection;
use crate::auth::Principal;

/// Arguments longer than this (as JSON) are cut.
const MAX_ARGUMENTS_BYTES: usize = 8 * 1024;

/// What is recorded: the caller, the operation, its arguments and outcome.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The request's `X-Request-Id`.
    pub request_id: Option<String>,
    /// The token (none for the command line).
    pub token_id: Option<i32>,
    /// Token name.
    pub token_name: String,
    /// Token role code.
    pub role: String,
    /// `mutation`, `token`, `analytics`, `export` or `personal_data`.
    pub kind: &'static str,
    /// The GraphQL field or route.
    pub operation: String,
    /// Arguments (secrets are redacted by [`record`]).
    pub arguments: Value,
    /// `ok` or a stable error code.
    pub outcome: String,
}

impl Entry {
    /// An entry for `principal`'s call of `operation`, outcome `ok` until set.
    pub fn by(
        principal: &Principal,
        request_id: Option<&str>,
        kind: &'static str,
        operation: impl Into<String>,
        arguments: Value,
    ) -> Self {
        Self {
            request_id: request_id.map(str::to_owned),
            token_id: Some(principal.token_id),
            token_name: principal.name.clone(),
            role: principal.role.code().to_owned(),
            kind,
            operation: operation.into(),
            arguments,
            outcome: "ok".into(),
        }
    }

    /// An entry for a command run on the server (`coso token create`, ...).
    pub fn command_line(kind: &'static str, operation: &str, arguments: Value) -> Self {
        Self {
            request_id: None,
            token_id: None,
            token_name: "command line".into(),
            role: "cli".into(),
            kind,
            operation: operation.into(),
            arguments,
            outcome: "ok".into(),
        }
    }

    /// The same entry with another outcome.
    pub fn outcome(mut self, outcome: impl Into<String>) -> Self {
        self.outcome = outcome.into();
        self
    }
}

/// Appends `entry` (secret-looking argument fields redacted, long arguments cut).
pub async fn record(db: &impl ConnectionTrait, entry: Entry) -> Result<()> {
    let mut arguments = redact(entry.arguments).to_string();
    if arguments.len() > MAX_ARGUMENTS_BYTES {
        let cut = arguments.floor_char_boundary(MAX_ARGUMENTS_BYTES);
        arguments = serde_json::json!({ "truncated": &arguments[..cut] }).to_string();
    }
    audit_log::ActiveModel {
        at: Set(Utc::now()),
        request_id: Set(entry.request_id),
        token_id: Set(entry.token_id),
        token_name: Set(entry.token_name),
        role: Set(entry.role),
        kind: Set(entry.kind.to_owned()),
        operation: Set(entry.operation),
        arguments: Set(arguments),
        outcome: Set(entry.outcome),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Replaces the value of every field whose name looks like a secret with `"[redacted]"`.
pub fn redact(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| match is_secret_name(&k) {
                    true => (k, Value::String("[redacted]".into())),
                    false => (k, redact(v)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(redact).collect()),
        other => other,
    }
}

fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "secret",
        "password",
        "passwd",
        "credential",
        "authorization",
    ]
    .iter()
    .any(|w| n.contains(w))
        || matches!(n.as_str(), "token" | "apikey" | "smtpurl" | "tokenhash")
}

/// Filters of the `auditLog` query.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Rows of this token.
    pub token_id: Option<i32>,
    /// `mutation`, `token`, `analytics`, `export` or `personal_data`.
    pub kind: Option<String>,
    /// The GraphQL field or route, e.g. `createOfficer`.
    pub operation: Option<String>,
    /// `ok` or an error code.
    pub outcome: Option<String>,
    /// Rows at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Rows before this time.
    pub to: Option<DateTime<Utc>>,
}

/// The rows matching `filter`, newest first.
pub fn query(filter: AuditFilter) -> Listing<audit_log::Entity> {
    use audit_log::Column as C;
    let select = audit_log::Entity::find()
        .apply_if(filter.token_id, |s, v| s.filter(C::TokenId.eq(v)))
        .apply_if(filter.kind, |s, v| s.filter(C::Kind.eq(v)))
        .apply_if(filter.operation, |s, v| s.filter(C::Operation.eq(v)))
        .apply_if(filter.outcome, |s, v| s.filter(C::Outcome.eq(v)))
        .apply_if(filter.from, |s, v| s.filter(C::At.gte(v)))
        .apply_if(filter.to, |s, v| s.filter(C::At.lt(v)));
    let newest_first = SortDirection::Desc;
    let order = order_name(&"Id", newest_first);
    Listing::new("auditLog", order, select, (C::Id, C::Id), newest_first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_fields_are_redacted_at_any_depth() {
        let v =
            redact(json!({ "name": "a", "input": { "password": "p", "list": [{ "secret": 1 }] } }));
        assert_eq!(
            v,
            json!({ "name": "a", "input": { "password": "[redacted]", "list": [{ "secret": "[redacted]" }] } })
        );
    }
}
