//! The depth check, in place of async-graphql's `limit_depth`: data queries may nest
//! `COSO_MAX_DEPTH` fields deep; introspection (`__schema`, `__type`) is not counted
//! against it, because its size is bounded by the schema, not by the client. It has
//! its own bounds instead: at most [`MAX_INTROSPECTION_DEPTH`] levels, and along any
//! path each list of the type system (`types`, `fields`, `args`, ...) at most once, so
//! that `fields { type { fields { type { ... } } } }` cannot multiply the answer.

use async_graphql::parser::types::{ExecutableDocument, Field, SelectionSet};

use super::walk;

/// Levels an introspection subtree may nest (the standard introspection query of
/// graphql-js needs 15 with its nine `ofType` levels).
pub const MAX_INTROSPECTION_DEPTH: usize = 20;

/// The lists of the introspection types that multiply an answer.
const TYPE_SYSTEM_LISTS: [&str; 8] = [
    "types",
    "fields",
    "inputFields",
    "interfaces",
    "possibleTypes",
    "enumValues",
    "args",
    "directives",
];

/// Why a document is too deep.
#[derive(Debug, PartialEq, Eq)]
pub enum TooDeep {
    /// Data fields nested deeper than the limit.
    Data { limit: usize },
    /// An introspection subtree deeper than [`MAX_INTROSPECTION_DEPTH`].
    Introspection,
    /// A type-system list inside itself in an introspection subtree.
    RepeatedList(String),
}

impl std::fmt::Display for TooDeep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Data { limit } => write!(f, "the query is nested deeper than {limit} levels"),
            Self::Introspection => write!(
                f,
                "the introspection query is nested deeper than {MAX_INTROSPECTION_DEPTH} levels"
            ),
            Self::RepeatedList(name) => write!(
                f,
                "the introspection query selects `{name}` inside `{name}`; ask for each list of the type system once per path"
            ),
        }
    }
}

/// Checks every operation of `doc` against `limit` (data fields) and the
/// introspection bounds.
pub fn check(doc: &ExecutableDocument, limit: usize) -> Result<(), TooDeep> {
    for (_, op) in doc.operations.iter() {
        data(doc, &op.node.selection_set.node, 0, limit)?;
    }
    Ok(())
}

fn data(
    doc: &ExecutableDocument,
    set: &SelectionSet,
    depth: usize,
    limit: usize,
) -> Result<(), TooDeep> {
    for field in walk::fields(doc, set) {
        let name = field.node.name.node.as_str();
        if name == "__schema" || name == "__type" {
            introspection(doc, &field.node, 1, &mut Vec::new())?;
            continue;
        }
        if depth + 1 > limit {
            return Err(TooDeep::Data { limit });
        }
        data(doc, &field.node.selection_set.node, depth + 1, limit)?;
    }
    Ok(())
}

fn introspection<'a>(
    doc: &'a ExecutableDocument,
    field: &'a Field,
    depth: usize,
    lists: &mut Vec<&'a str>,
) -> Result<(), TooDeep> {
    if depth > MAX_INTROSPECTION_DEPTH {
        return Err(TooDeep::Introspection);
    }
    let name = field.name.node.as_str();
    let is_list = TYPE_SYSTEM_LISTS.contains(&name);
    if is_list {
        if lists.contains(&name) {
            return Err(TooDeep::RepeatedList(name.to_owned()));
        }
        lists.push(name);
    }
    for child in walk::fields(doc, &field.selection_set.node) {
        introspection(doc, &child.node, depth + 1, lists)?;
    }
    if is_list {
        lists.pop();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn check_text(query: &str, limit: usize) -> Result<(), TooDeep> {
        check(&parse_query(query).unwrap(), limit)
    }

    #[test]
    fn data_fields_count_and_introspection_does_not() {
        assert_eq!(check_text("{ a { b { c } } }", 3), Ok(()));
        assert_eq!(
            check_text("{ a { b { c } } }", 2),
            Err(TooDeep::Data { limit: 2 })
        );
        let via_fragment = "{ a { ...F } } fragment F on A { b { c } }";
        assert_eq!(check_text(via_fragment, 2), Err(TooDeep::Data { limit: 2 }));
        let intro =
            "{ __schema { types { fields { args { type { ofType { ofType { name } } } } } } } }";
        assert_eq!(check_text(intro, 1), Ok(()));
    }

    #[test]
    fn introspection_has_bounds_of_its_own() {
        let repeated = "{ __type(name: \"A\") { fields { type { fields { name } } } } }";
        assert_eq!(
            check_text(repeated, 12),
            Err(TooDeep::RepeatedList("fields".into()))
        );
        let chain = format!(
            "{{ __type(name: \"A\") {{ {} name {} }} }}",
            "ofType {".repeat(MAX_INTROSPECTION_DEPTH),
            "}".repeat(MAX_INTROSPECTION_DEPTH)
        );
        assert_eq!(check_text(&chain, 12), Err(TooDeep::Introspection));
    }
}

/// How deep brackets and braces may nest in a document's text before it is parsed.
/// The parser, the walks of its values and their drop all recurse once per level: a
/// list literal 3,000 levels deep (6 kB) overflowed a worker's stack and took the
/// process down. Selections nest at most 64 levels (the parser's own limit), so this
/// leaves room for any real input object inside the deepest selection.
pub const MAX_TEXT_NESTING: usize = 256;

/// The deepest nesting of `{`, `[` and `(` in `query`, outside strings and comments.
pub fn text_nesting(query: &str) -> usize {
    let bytes = query.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

#[cfg(test)]
mod text_tests {
    use super::text_nesting;

    #[test]
    fn counts_brackets_outside_strings_and_comments() {
        assert_eq!(text_nesting("{ a { b(x: [1, [2]]) } }"), 5);
        assert_eq!(text_nesting("{ a(s: \"[[[[{{\") }"), 2);
        assert_eq!(text_nesting("{ a(s: \"\\\"[[[\") }"), 2);
        assert_eq!(text_nesting("{ a(s: \"\"\"[[[ \\\"\"\" [[\"\"\") }"), 2);
        assert_eq!(text_nesting("# [[[[[\n{ a }"), 1);
        assert_eq!(
            text_nesting(&format!(
                "{{ a(x: {}1{}) }}",
                "[".repeat(3000),
                "]".repeat(3000)
            )),
            3002
        );
    }
}
