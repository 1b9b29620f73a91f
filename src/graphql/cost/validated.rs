//! Validations kept by what decides them. Between parsing and running, every operation
//! goes through async-graphql's validation rules and coso's depth check and price
//! ([`super::Cost`]); for the same document, operation name and values of the variables
//! the document declares, all of that comes out the same (the schema is one for every
//! role, and the limits are the schema's), so a document sent again (a dashboard
//! repeats its few questions) skips it: the rules were 4% of the server's CPU on a page
//! of 100 directives. What is kept is what passed; a refused document is checked again
//! each time. A price that depends on the caller's data (the sized fields of
//! [`super::price`]) is not kept: only that it passed the rules and the depth check.
//!
//! Bounded: at most [`MAX_KEPT`] validations, keys of at most [`MAX_KEY_BYTES`] (longer
//! ones are checked every time); the least recently used makes room.

use std::collections::BTreeSet;
use std::num::NonZeroUsize;
use std::sync::Mutex;

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Name, ValidationResult, Variables};

/// Validations kept at most.
pub const MAX_KEPT: usize = 256;
/// Longest key kept (document text, operation name and declared variables' values).
pub const MAX_KEY_BYTES: usize = 8 * 1024;

/// What a document passed with.
#[derive(Clone, Copy, Debug)]
pub struct Checked {
    /// async-graphql's result (its complexity before coso's price).
    pub result: ValidationResult,
    /// The price, when it does not depend on the caller's data.
    pub priced: Option<u64>,
}

/// The validations of one schema, by [`key`].
pub struct Validations {
    kept: Mutex<lru::LruCache<String, Checked>>,
}

impl Default for Validations {
    fn default() -> Self {
        let bound = NonZeroUsize::new(MAX_KEPT).unwrap_or(NonZeroUsize::MIN);
        Self {
            kept: Mutex::new(lru::LruCache::new(bound)),
        }
    }
}

impl Validations {
    /// The validation kept under `key`.
    pub fn get(&self, key: &str) -> Option<Checked> {
        self.kept.lock().ok()?.get(key).copied()
    }

    /// Keeps `checked` under `key`.
    pub fn keep(&self, key: String, checked: Checked) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.put(key, checked);
        }
    }

    /// How many validations are kept.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.kept.lock().map_or(0, |k| k.len())
    }
}

/// What decides a validation: the operation's name, the values of the variables the
/// document declares (by name; a declared variable left out is marked apart
/// from one sent as null, since its default then applies) and the document's text.
/// Variables the document does not declare are left out: no rule and no price reads
/// them (a variable used without being declared is refused by the rules, and refusals
/// are not kept). `None` when the key would be longer than [`MAX_KEY_BYTES`].
///
/// The parts cannot run into each other: a name holds no NUL, a value is JSON (which
/// writes a NUL in a string as `\u0000`), an empty entry ends the variables, and the
/// text comes last.
pub fn key(
    text: &str,
    operation: Option<&str>,
    doc: &ExecutableDocument,
    variables: &Variables,
) -> Option<String> {
    if text.len() > MAX_KEY_BYTES {
        return None;
    }
    let mut key = String::with_capacity(text.len() + 64);
    key.push_str(operation.unwrap_or(""));
    key.push('\0');
    // By name: the operations of a document come in no fixed order.
    let declared: BTreeSet<&Name> = doc
        .operations
        .iter()
        .flat_map(|(_, op)| &op.node.variable_definitions)
        .map(|def| &def.node.name.node)
        .collect();
    for name in declared {
        key.push_str(name);
        match variables.get(name) {
            Some(value) => {
                key.push('=');
                let json = serde_json::to_string(value).ok()?;
                key.push_str(&json);
            }
            None => key.push('!'),
        }
        key.push('\0');
        if key.len() > MAX_KEY_BYTES {
            return None;
        }
    }
    key.push('\0');
    key.push_str(text);
    (key.len() <= MAX_KEY_BYTES).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;
    use serde_json::json;

    fn shown(key: &str) -> String {
        key.replace('\0', "|")
    }

    const TWO: &str = "query A($n: Int, $d: String) { units(first: $n, filter: {districtCode: $d}) { totalCount } } query B($n: Int) { officers(first: $n) { totalCount } }";

    fn key_of(operation: Option<&str>, variables: serde_json::Value) -> String {
        let doc = parse_query(TWO).unwrap();
        key(TWO, operation, &doc, &Variables::from_json(variables)).unwrap()
    }

    #[test]
    fn the_key_holds_the_operation_and_every_declared_value_but_no_other() {
        let base = key_of(Some("A"), json!({"n": 10, "d": "001"}));
        assert_eq!(
            shown(&base),
            format!("A|d=\"001\"|n=10||{}", TWO),
            "operation, declared variables by name, then the text"
        );
        assert_ne!(base, key_of(Some("B"), json!({"n": 10, "d": "001"})));
        assert_ne!(base, key_of(Some("A"), json!({"n": 11, "d": "001"})));
        assert_ne!(base, key_of(Some("A"), json!({"n": 10})));
        assert_ne!(
            key_of(Some("A"), json!({"n": 10, "d": null})),
            key_of(Some("A"), json!({"n": 10})),
            "null is not left out"
        );
        assert_eq!(
            base,
            key_of(Some("A"), json!({"n": 10, "d": "001", "benchNonce": 7})),
            "an undeclared variable is not part of it"
        );
        let nul = key_of(Some("A"), json!({"n": 10, "d": "0\u{0}x=1"}));
        assert!(!nul[2..nul.len() - TWO.len() - 1].contains("\0x=1"));
    }

    #[test]
    fn long_keys_are_not_made_and_the_kept_are_bounded() {
        let doc = parse_query(TWO).unwrap();
        let long = json!({"n": 1, "d": "x".repeat(MAX_KEY_BYTES)});
        assert!(key(TWO, Some("A"), &doc, &Variables::from_json(long)).is_none());
        let kept = Validations::default();
        let checked = Checked {
            result: ValidationResult {
                cache_control: Default::default(),
                complexity: 3,
                depth: 2,
            },
            priced: Some(5),
        };
        for i in 0..MAX_KEPT + 10 {
            kept.keep(format!("k{i}"), checked);
            assert!(kept.len() <= MAX_KEPT);
        }
        assert!(kept.get("k0").is_none(), "the oldest made room");
        let newest = kept.get(&format!("k{}", MAX_KEPT + 9)).expect("kept");
        assert_eq!((newest.result.complexity, newest.priced), (3, Some(5)));
    }
}
