//! Parsed documents kept by their text. The innermost of the schema's `parse_query`
//! hooks: the cost extension has checked the text (nesting, inlined fragments) and the
//! operations extension reads the names from what this returns, so a document sent again
//! (a dashboard repeats its few questions; a client library sends the same text with new
//! variables) skips async-graphql's parser, which cost 4% of the instructions of a page of
//! 50 units. Only documents that parsed are kept: a parse error is parsed again each time.
//! What a kept document costs is a clone of its tree (names are shared, not copied).
//!
//! Bounded: at most [`MAX_DOCUMENTS`] documents of at most [`MAX_TEXT_BYTES`] of text
//! each; when full, an arbitrary one makes room, so a client sending new texts without
//! end costs a lookup and an insert per request, and memory stays bounded.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, FieldHooks, NextParseQuery,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerResult, Variables};

/// Documents kept at most.
pub const MAX_DOCUMENTS: usize = 128;
/// Longest text kept (longer ones are parsed every time).
pub const MAX_TEXT_BYTES: usize = 4 * 1024;

/// The documents of the process, by text.
#[derive(Default)]
pub struct Documents {
    kept: Mutex<HashMap<Box<str>, ExecutableDocument>>,
}

impl Documents {
    /// The document of `text`, if kept.
    pub fn get(&self, text: &str) -> Option<ExecutableDocument> {
        self.kept.lock().ok()?.get(text).cloned()
    }

    /// Keeps the document of `text` (not when the text is too long).
    pub fn keep(&self, text: &str, doc: &ExecutableDocument) {
        if text.len() > MAX_TEXT_BYTES {
            return;
        }
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        if kept.len() >= MAX_DOCUMENTS
            && !kept.contains_key(text)
            && let Some(any) = kept.keys().next().cloned()
        {
            kept.remove(&any);
        }
        kept.insert(text.into(), doc.clone());
    }

    /// Whether the document of `text` is kept.
    pub fn contains(&self, text: &str) -> bool {
        self.kept.lock().is_ok_and(|k| k.contains_key(text))
    }

    /// How many documents are kept.
    pub fn len(&self) -> usize {
        self.kept.lock().map_or(0, |k| k.len())
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Hands each request the one extension over the process's [`Documents`] (it holds no
/// state of a request, so no request allocates one).
pub struct ParsedFactory(Arc<Parsed>);

impl ParsedFactory {
    /// The extension over `documents` (shared with the cost check, which skips its
    /// fragment check for a text kept here: it passed it before being kept).
    pub fn new(documents: Arc<Documents>) -> Self {
        Self(Arc::new(Parsed(documents)))
    }
}

impl ExtensionFactory for ParsedFactory {
    fn create(&self) -> Arc<dyn Extension> {
        self.0.clone()
    }
}

struct Parsed(Arc<Documents>);

#[async_graphql::async_trait::async_trait]
impl Extension for Parsed {
    /// No field hook: fields resolve on the executor's fast path.
    fn field_hooks(&self) -> FieldHooks {
        FieldHooks::None
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if let Some(doc) = self.0.get(query) {
            return Ok(doc);
        }
        let doc = next.run(ctx, query, variables).await?;
        self.0.keep(query, &doc);
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    #[test]
    fn a_kept_document_is_the_one_its_text_parses_to() {
        let docs = Documents::default();
        let text = "query Units($d: String!) { units(filter: {districtCode: $d}) { edges { node { code } } } }";
        assert!(docs.get(text).is_none());
        let parsed = parse_query(text).unwrap();
        docs.keep(text, &parsed);
        let kept = docs.get(text).expect("kept");
        assert_eq!(format!("{kept:?}"), format!("{parsed:?}"));
        assert!(docs.get("{ units { edges { node { code } } } }").is_none());
    }

    #[test]
    fn the_documents_kept_are_bounded_in_number_and_size() {
        let docs = Documents::default();
        for i in 0..MAX_DOCUMENTS + 40 {
            let text = format!("{{ a{i}: __typename }}");
            docs.keep(&text, &parse_query(&text).unwrap());
            assert!(docs.len() <= MAX_DOCUMENTS);
        }
        assert_eq!(docs.len(), MAX_DOCUMENTS);
        let last = format!("{{ a{}: __typename }}", MAX_DOCUMENTS + 39);
        assert!(docs.get(&last).is_some(), "the newest is kept");
        let long = format!("{{ __typename {} }}", " ".repeat(MAX_TEXT_BYTES));
        let fresh = Documents::default();
        fresh.keep(&long, &parse_query(&long).unwrap());
        assert!(fresh.is_empty(), "a text over the size limit is not kept");
    }
}
