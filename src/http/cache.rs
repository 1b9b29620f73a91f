//! Answers to repeated dashboard queries: the serialized response of a successful
//! query by a viewer token, kept per (document, variables, operation, district scope,
//! day) together with the data version it was computed from, and served again while
//! the data version is unchanged. Every write bumps the data version, so no answer
//! outlives the data it came from; analysts and admins are never served from here
//! (their reads of personal data are audited one by one), nor is anything that failed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::auth::Principal;
use crate::domain::Role;

/// The most answers kept; past it the cache starts afresh.
const MAX_ENTRIES: usize = 512;
/// Larger answers are not kept.
const MAX_BYTES: usize = 4 * 1024 * 1024;

/// One kept answer.
#[derive(Clone)]
pub struct Cached {
    /// The data version it was computed from.
    pub version: i64,
    /// The JSON body.
    pub body: bytes::Bytes,
    /// Operation name (metrics, logs).
    pub name: String,
}

/// The cache (one per server process).
#[derive(Default)]
pub struct ResponseCache {
    entries: Mutex<HashMap<[u8; 32], Cached>>,
    /// One computation per key at a time: after a write, a crowd of dashboards asking
    /// the same question waits for one answer instead of computing it each.
    gates: Mutex<HashMap<[u8; 32], Arc<tokio::sync::Mutex<()>>>>,
}

/// What identifies an answer.
pub type Key = [u8; 32];

impl ResponseCache {
    /// The key of a request, when its answer may be kept: viewer tokens only.
    pub fn key(principal: &Principal, day: NaiveDate, raw_body: &[u8]) -> Option<Key> {
        if principal.role != Role::Viewer {
            return None;
        }
        let mut h = Sha256::new();
        h.update(principal.scope.area.as_deref().unwrap_or("*").as_bytes());
        h.update([0]);
        h.update(day.to_string().as_bytes());
        h.update([0]);
        h.update(raw_body);
        Some(h.finalize().into())
    }

    /// The answer kept for `key` if it was computed from `version`.
    pub fn get(&self, key: &Key, version: i64) -> Option<Cached> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.get(key).filter(|c| c.version == version).cloned()
    }

    /// The gate of `key`: hold it while computing the answer, then look again.
    pub fn gate(&self, key: &Key) -> Arc<tokio::sync::Mutex<()>> {
        let mut gates = self.gates.lock().unwrap_or_else(|p| p.into_inner());
        if gates.len() >= MAX_ENTRIES && !gates.contains_key(key) {
            gates.retain(|_, g| Arc::strong_count(g) > 1);
        }
        gates.entry(*key).or_default().clone()
    }

    /// Keeps an answer.
    pub fn put(&self, key: Key, cached: Cached) {
        if cached.body.len() > MAX_BYTES {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, cached);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Scope;

    fn who(role: Role, district: Option<&str>) -> Principal {
        Principal {
            token_id: 1,
            name: "t".into(),
            role,
            scope: Scope {
                area: district.map(str::to_owned),
            },
        }
    }

    #[test]
    fn keys_separate_scopes_days_and_documents_and_skip_other_roles() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 27).expect("day");
        let body = br#"{"query":"{ units { totalCount } }"}"#;
        let province = ResponseCache::key(&who(Role::Viewer, None), day, body).expect("key");
        let city = ResponseCache::key(&who(Role::Viewer, Some("522")), day, body).expect("key");
        let tomorrow =
            ResponseCache::key(&who(Role::Viewer, None), day.succ_opt().expect("d"), body);
        let other = ResponseCache::key(&who(Role::Viewer, None), day, b"{}");
        assert_ne!(province, city);
        assert_ne!(Some(province), tomorrow);
        assert_ne!(Some(province), other);
        assert!(ResponseCache::key(&who(Role::Analyst, None), day, body).is_none());
        assert!(ResponseCache::key(&who(Role::Admin, None), day, body).is_none());
    }

    #[test]
    fn an_answer_is_served_only_for_its_data_version() {
        let cache = ResponseCache::default();
        let key = [7u8; 32];
        let body = bytes::Bytes::from_static(b"{}");
        cache.put(
            key,
            Cached {
                version: 3,
                body,
                name: "q".into(),
            },
        );
        assert!(cache.get(&key, 3).is_some());
        assert!(cache.get(&key, 4).is_none(), "a write made it stale");
    }
}
