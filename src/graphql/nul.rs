//! Text no database column can hold: the NUL character (U+0000). PostgreSQL refuses it
//! in any `text` value, as a lookup key as well as a stored name, and SQLite cuts strings
//! at it in places. So a document or variables holding it are refused with
//! `INVALID_TEXT` (as stored texts with control characters are) at parse time ([`super::cost`] calls [`check`]), before any resolver
//! or query runs, whichever field the string was meant for.

use async_graphql::parser::types::{Directive, ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Positioned, Value, Variables};

/// A field's or directive's arguments as `(name, value)`, variables taken as null (their
/// own values are checked with the variables).
macro_rules! constants {
    ($arguments:expr) => {
        $arguments.iter().map(|(name, value)| {
            let value = value.node.clone();
            let value = value.into_const_with(|_| Ok::<_, ()>(Value::Null));
            (&name.node, value.unwrap_or_default())
        })
    };
}

/// Where a NUL was found, for the error message; `None` when there is none.
pub fn check(query: &str, doc: &ExecutableDocument, variables: &Variables) -> Option<String> {
    for (name, value) in variables.iter() {
        let name = name.as_str().escape_debug();
        if let Some(rest) = nul_at(value) {
            return Some(format!("`${name}{rest}`"));
        }
    }
    // A literal holds a NUL only through an escape (`\u0000`, `\u{0}`): a document
    // without one is not walked (the walk copies each argument).
    if !query_may_hold_nul(query) {
        return None;
    }
    for (_, op) in doc.operations.iter() {
        let op = &op.node;
        for def in &op.variable_definitions {
            let default = def.node.default_value.as_ref();
            if let Some(rest) = default.and_then(|v| nul_at(&v.node)) {
                return Some(format!("the default of `${}{rest}`", def.node.name.node));
            }
        }
        if let Some(at) = in_directives(&op.directives).or_else(|| in_set(&op.selection_set.node)) {
            return Some(at);
        }
    }
    doc.fragments.values().find_map(|f| {
        in_directives(&f.node.directives).or_else(|| in_set(&f.node.selection_set.node))
    })
}

fn in_set(set: &SelectionSet) -> Option<String> {
    set.items.iter().find_map(|item| match &item.node {
        Selection::Field(f) => {
            let f = &f.node;
            in_arguments(&f.name.node, constants!(f.arguments))
                .or_else(|| in_directives(&f.directives))
                .or_else(|| in_set(&f.selection_set.node))
        }
        Selection::InlineFragment(f) => {
            in_directives(&f.node.directives).or_else(|| in_set(&f.node.selection_set.node))
        }
        Selection::FragmentSpread(s) => in_directives(&s.node.directives),
    })
}

fn in_directives(directives: &[Positioned<Directive>]) -> Option<String> {
    directives
        .iter()
        .find_map(|d| in_arguments(&d.node.name.node, constants!(d.node.arguments)))
}

fn in_arguments<'a>(
    owner: &Name,
    mut arguments: impl Iterator<Item = (&'a Name, Value)>,
) -> Option<String> {
    arguments
        .find_map(|(name, value)| nul_at(&value).map(|rest| format!("`{name}{rest}` of `{owner}`")))
}

/// Whether the document's text could spell a NUL: a `\u` escape, or the character itself.
fn query_may_hold_nul(query: &str) -> bool {
    query.contains("\\u") || query.contains('\0')
}

fn has_nul_name(name: &Name) -> bool {
    name.as_str().contains('\0')
}

/// The path below `value` to the first string holding a NUL (`""` for `value` itself,
/// `.search`, `[2].name`).
fn nul_at(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => s.contains('\0').then(String::new),
        Value::Enum(name) => has_nul_name(name).then(String::new),
        Value::List(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_at(v).map(|rest| format!("[{i}]{rest}"))),
        Value::Object(fields) => fields.iter().find_map(|(k, v)| {
            let key = k.as_str().escape_debug();
            if has_nul_name(k) {
                return Some(format!(".{key}"));
            }
            nul_at(v).map(|rest| format!(".{key}{rest}"))
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use serde_json::json;

    use super::*;

    fn found(query: &str, variables: serde_json::Value) -> Option<String> {
        let doc = parse_query(query).expect("the document parses");
        check(query, &doc, &Variables::from_json(variables))
    }

    #[test]
    fn finds_a_nul_wherever_a_string_goes() {
        let ok = "query($c: String = \"21010\") { unit(code: $c) { name } }";
        assert_eq!(found(ok, json!({ "c": "21010" })), None);
        assert_eq!(found(ok, json!({ "c": "2\u{0}" })).as_deref(), Some("`$c`"));
        assert_eq!(
            found(ok, json!({ "i": { "list": ["a", { "deep": "\u{0}" }] } })).as_deref(),
            Some("`$i.list[1].deep`")
        );
        let literal = "{ unit(code: \"21\\u0000\") { name } }";
        assert_eq!(
            found(literal, json!({})).as_deref(),
            Some("`code` of `unit`")
        );
        let default = "query($c: String = \"\\u0000\") { unit(code: $c) { name } }";
        assert_eq!(
            found(default, json!({})).as_deref(),
            Some("the default of `$c`")
        );
        let fragment = "{ ...F } fragment F on Query { units(filter: { search: [\"\\u0000\"] }) { totalCount } }";
        assert_eq!(
            found(fragment, json!({})).as_deref(),
            Some("`filter.search[0]` of `units`")
        );
        let directive = "{ unit(code: \"1\") @include(if: true) { name @skip(if: \"\\u0000\") } }";
        assert_eq!(
            found(directive, json!({})).as_deref(),
            Some("`if` of `skip`")
        );
    }
}
