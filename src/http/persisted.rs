//! Automatic persisted queries (Apollo's APQ protocol), in the HTTP layer before the
//! schema runs: a request whose `extensions.persistedQuery` is
//! `{"version": 1, "sha256Hash": "<hex>"}` and whose `query` is empty runs the document
//! kept under that hash, or is answered `PersistedQueryNotFound` (the client then sends
//! the hash with the document once). A document sent with its hash is checked against
//! it and kept. The store is in memory, one per process, bounded in bytes
//! (`COSO_APQ_MAX_BYTES`; the oldest documents go first).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use async_graphql::{ErrorExtensionValues, ServerError, Value};
use sha2::{Digest, Sha256};

/// The documents kept, by hash.
pub struct PersistedQueries {
    max_bytes: usize,
    inner: Mutex<Store>,
}

#[derive(Default)]
struct Store {
    docs: HashMap<[u8; 32], Arc<str>>,
    order: VecDeque<[u8; 32]>,
    bytes: usize,
}

/// Why a persisted query could not be used: the error the client gets.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// The hash is unknown here: send it again with the document.
    NotFound,
    /// The document does not hash to the hash sent.
    Mismatch,
    /// `extensions.persistedQuery` is not `{version: 1, sha256Hash: <64 hex digits>}`.
    Invalid,
}

impl Refused {
    /// The error as Apollo clients expect it (`PersistedQueryNotFound` is the message
    /// they look for).
    pub fn error(&self) -> ServerError {
        let (code, message) = match self {
            Self::NotFound => ("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound"),
            Self::Mismatch => (
                "PERSISTED_QUERY_HASH_MISMATCH",
                "provided sha256Hash does not match the query",
            ),
            Self::Invalid => (
                "PERSISTED_QUERY_INVALID",
                "extensions.persistedQuery must be {\"version\": 1, \"sha256Hash\": \"<64 hex digits>\"}",
            ),
        };
        let mut error = ServerError::new(message, None);
        let mut ext = ErrorExtensionValues::default();
        ext.set("code", code);
        error.extensions = Some(ext);
        error
    }
}

impl PersistedQueries {
    /// A store of at most `max_bytes` of documents (0: persisted queries are off and
    /// every hash is unknown).
    pub fn new(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            inner: Mutex::new(Store::default()),
        }
    }

    /// Fills in the document of `request` from its hash, or keeps the document it
    /// carries under its (checked) hash; requests without `persistedQuery` pass.
    pub fn resolve(&self, request: &mut async_graphql::Request) -> Result<(), Refused> {
        let Some(persisted) = request.extensions.get("persistedQuery") else {
            return Ok(());
        };
        let hash = hash_of(persisted).ok_or(Refused::Invalid)?;
        if request.query.is_empty() {
            let store = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            let doc = store.docs.get(&hash).ok_or(Refused::NotFound)?;
            request.query = doc.to_string();
            return Ok(());
        }
        let actual: [u8; 32] = Sha256::digest(request.query.as_bytes()).into();
        if actual != hash {
            return Err(Refused::Mismatch);
        }
        self.keep(hash, &request.query);
        Ok(())
    }

    fn keep(&self, hash: [u8; 32], doc: &str) {
        if doc.len() > self.max_bytes {
            return;
        }
        let mut store = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if store.docs.contains_key(&hash) {
            return;
        }
        while store.bytes + doc.len() > self.max_bytes {
            let Some(old) = store.order.pop_front() else {
                break;
            };
            if let Some(gone) = store.docs.remove(&old) {
                store.bytes -= gone.len();
            }
        }
        store.bytes += doc.len();
        store.order.push_back(hash);
        store.docs.insert(hash, Arc::from(doc));
    }
}

/// The hash of `{"version": 1, "sha256Hash": "<hex>"}`.
fn hash_of(persisted: &Value) -> Option<[u8; 32]> {
    let Value::Object(fields) = persisted else {
        return None;
    };
    let version_one =
        matches!(fields.get("version"), Some(Value::Number(n)) if n.as_u64() == Some(1));
    let Some(Value::String(hex)) = fields.get("sha256Hash") else {
        return None;
    };
    let mut hash = [0u8; 32];
    (version_one && hex::decode_to_slice(hex, &mut hash).is_ok()).then_some(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: &str, hash: &str) -> async_graphql::Request {
        let mut r = async_graphql::Request::new(query);
        let ext = serde_json::json!({ "version": 1, "sha256Hash": hash });
        r.extensions.0.insert(
            "persistedQuery".into(),
            Value::from_json(ext).expect("value"),
        );
        r
    }

    #[test]
    fn a_hash_is_unknown_until_sent_with_its_document_and_the_oldest_go_first() {
        let store = PersistedQueries::new(40);
        let doc = "{ units { totalCount } }";
        let hash = hex::encode(Sha256::digest(doc));
        assert_eq!(
            store.resolve(&mut request("", &hash)),
            Err(Refused::NotFound)
        );
        assert_eq!(
            store.resolve(&mut request("{ other }", &hash)),
            Err(Refused::Mismatch)
        );
        assert_eq!(store.resolve(&mut request("", "zz")), Err(Refused::Invalid));
        store.resolve(&mut request(doc, &hash)).expect("kept");
        let mut again = request("", &hash.to_uppercase());
        store.resolve(&mut again).expect("found");
        assert_eq!(again.query, doc);
        // A second document over the 40 bytes pushes the first out.
        let other = "{ districts { totalCount } }";
        let other_hash = hex::encode(Sha256::digest(other));
        store
            .resolve(&mut request(other, &other_hash))
            .expect("kept");
        assert_eq!(
            store.resolve(&mut request("", &hash)),
            Err(Refused::NotFound)
        );
        assert!(store.resolve(&mut request("", &other_hash)).is_ok());
    }
}
