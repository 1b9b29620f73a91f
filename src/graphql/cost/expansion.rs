//! The size of a document with its fragments inlined, counted without inlining them
//! (each fragment once, memoised), before async-graphql parses it: its recursion check,
//! validation and cost visitors inline every spread, so 22 fragments each spreading the next twice
//! (4 million fields from a few hundred bytes) held a CPU for 24 s, and 30 for hours.
//! A document expanding past the complexity limit is refused at once: every field costs
//! at least 1.

use std::collections::HashMap;

use async_graphql::Name;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// Fragment spreads may chain this deep (a longer chain counts as too large).
const MAX_CHAIN: usize = 64;

/// Fields selected by `doc` with every fragment inlined, saturating; `u64::MAX` for a
/// chain of spreads deeper than [`MAX_CHAIN`]. A spread of itself counts nothing (the
/// validation rules refuse cycles).
pub fn inlined_fields(doc: &ExecutableDocument) -> u64 {
    let mut memo = HashMap::new();
    doc.operations
        .iter()
        .map(|(_, op)| size(doc, &op.node.selection_set.node, &mut memo, 0))
        .fold(0, u64::saturating_add)
}

fn size<'a>(
    doc: &'a ExecutableDocument,
    set: &'a SelectionSet,
    memo: &mut HashMap<&'a Name, u64>,
    chain: usize,
) -> u64 {
    if chain > MAX_CHAIN {
        return u64::MAX;
    }
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => {
                1u64.saturating_add(size(doc, &f.node.selection_set.node, memo, chain))
            }
            Selection::InlineFragment(f) => size(doc, &f.node.selection_set.node, memo, chain),
            Selection::FragmentSpread(s) => {
                let name = &s.node.fragment_name.node;
                if let Some(n) = memo.get(name) {
                    return *n;
                }
                let Some(frag) = doc.fragments.get(name) else {
                    return 0;
                };
                // Marks the fragment while it is counted: a cycle counts nothing.
                memo.insert(name, 0);
                let n = size(doc, &frag.node.selection_set.node, memo, chain + 1);
                memo.insert(name, n);
                n
            }
        })
        .fold(0, u64::saturating_add)
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    #[test]
    fn fan_out_is_counted_without_expanding_it() {
        let n = 40;
        let frags: Vec<String> = (0..n)
            .map(|i| format!("fragment F{i} on Query {{ ...F{} ...F{} }}", i + 1, i + 1))
            .collect();
        let q = format!(
            "{{ ...F0 }} {} fragment F{n} on Query {{ me {{ role }} }}",
            frags.join(" ")
        );
        let doc = parse_query(q).unwrap();
        assert_eq!(inlined_fields(&doc), 2u64.pow(40) * 2);
        let small = parse_query("{ a { b } ...G } fragment G on Query { c }").unwrap();
        assert_eq!(inlined_fields(&small), 3);
    }
}
