//! Walking a parsed document for the cost checks: the fields of a selection set with
//! fragment spreads and inline fragments flattened into it.

use async_graphql::Positioned;
use async_graphql::parser::types::{ExecutableDocument, Field, Selection, SelectionSet};

/// The fields selected by `set`, fragments flattened (a spread of an unknown fragment
/// selects nothing; the validation rules have already refused it, and cycles).
pub fn fields<'a>(
    doc: &'a ExecutableDocument,
    set: &'a SelectionSet,
) -> Vec<&'a Positioned<Field>> {
    let mut out = Vec::new();
    collect(doc, set, &mut out, 0);
    out
}

/// Fragments nest at most this deep inside one selection set (more is refused by the
/// depth check anyway; this only stops a walk early).
const MAX_FRAGMENT_NESTING: usize = 64;

fn collect<'a>(
    doc: &'a ExecutableDocument,
    set: &'a SelectionSet,
    out: &mut Vec<&'a Positioned<Field>>,
    nesting: usize,
) {
    if nesting > MAX_FRAGMENT_NESTING {
        return;
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => out.push(f),
            Selection::InlineFragment(f) => {
                collect(doc, &f.node.selection_set.node, out, nesting + 1)
            }
            Selection::FragmentSpread(s) => {
                if let Some(frag) = doc.fragments.get(&s.node.fragment_name.node) {
                    collect(doc, &frag.node.selection_set.node, out, nesting + 1);
                }
            }
        }
    }
}
