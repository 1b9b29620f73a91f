//! Answers to repeated dashboard queries: the serialized response of a successful
//! query by a viewer token, kept per (document, variables, operation, district scope,
//! day) together with the data version it was computed from, and served again while
//! the data version is unchanged. Every write bumps the data version, so no answer
//! outlives the data it came from; analysts and admins are never served from here
//! (their reads of personal data are audited one by one), nor is anything that failed.
//! The version a request checks against is read once for the requests arriving
//! together (`DatasetCache::version`); past [`MAX_ENTRIES`] answers or
//! [`MAX_TOTAL_BYTES`] the least recently served go.
//!
//! A question is kept from its second asking on (nginx's `proxy_cache_min_uses 2`): the
//! first time a key is seen ([`ResponseCache::worth_checking`]) nothing is looked up or
//! kept, so a one-off question (new variables each time, an analyst's exploration with a
//! viewer token) costs no data-version read, no gate and no copy into the cache, and
//! cannot push a dashboard's repeated answers out. The keys seen are remembered, least
//! recently asked out past [`MAX_SEEN`], across data versions: after a write a
//! dashboard's question is kept again at its next asking, as before.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::auth::Principal;
use crate::domain::Role;

/// The most answers kept; past it the least recently served one goes.
pub const MAX_ENTRIES: usize = 512;
/// Larger answers are not kept.
const MAX_BYTES: usize = 4 * 1024 * 1024;
/// The most bytes of answers kept together; past it the least recently served go.
pub const MAX_TOTAL_BYTES: usize = 64 * 1024 * 1024;

/// The most keys remembered as asked once (32 bytes each and the list's links).
pub const MAX_SEEN: usize = 8 * MAX_ENTRIES;

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

/// The answers kept, least recently served first out, and their bytes; and the keys
/// asked before, least recently asked first out.
struct Kept {
    answers: lru::LruCache<Key, Cached>,
    bytes: usize,
    seen: lru::LruCache<Key, ()>,
}

/// The cache (one per server process).
pub struct ResponseCache {
    entries: Mutex<Kept>,
    /// One computation per key at a time: after a write, a crowd of dashboards asking
    /// the same question waits for one answer instead of computing it each.
    gates: Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>,
}

impl Default for ResponseCache {
    fn default() -> Self {
        let bound = |n| NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN);
        Self {
            entries: Mutex::new(Kept {
                answers: lru::LruCache::new(bound(MAX_ENTRIES)),
                bytes: 0,
                seen: lru::LruCache::new(bound(MAX_SEEN)),
            }),
            gates: Mutex::default(),
        }
    }
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

    /// Whether the question of `key` was asked before (or has an answer kept), so that
    /// the cache is worth looking in and its answer worth keeping; the first time, it
    /// says no and remembers the key.
    pub fn worth_checking(&self, key: &Key) -> bool {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.answers.contains(key) || entries.seen.get(key).is_some() {
            return true;
        }
        entries.seen.put(*key, ());
        false
    }

    /// The answer kept for `key` if it was computed from `version`.
    pub fn get(&self, key: &Key, version: i64) -> Option<Cached> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .answers
            .get(key)
            .filter(|c| c.version == version)
            .cloned()
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
        entries.bytes += cached.body.len();
        if let Some((_, gone)) = entries.answers.push(key, cached) {
            entries.bytes -= gone.body.len();
        }
        while entries.bytes > MAX_TOTAL_BYTES {
            let Some((_, gone)) = entries.answers.pop_lru() else {
                break;
            };
            entries.bytes -= gone.body.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Scope;

    /// A key made from a number.
    fn numbered(n: usize) -> Key {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&n.to_le_bytes());
        key
    }

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
    fn a_question_is_worth_looking_up_from_its_second_asking() {
        let cache = ResponseCache::default();
        let key = numbered;
        assert!(!cache.worth_checking(&key(0)), "first asking");
        assert!(cache.worth_checking(&key(0)), "second");
        assert!(cache.worth_checking(&key(0)), "and on");
        // A kept answer is looked up even once its key was forgotten as seen.
        let body = bytes::Bytes::from_static(b"{}");
        let name = "q".to_owned();
        cache.put(
            key(1),
            Cached {
                version: 1,
                body,
                name,
            },
        );
        for n in 2..MAX_SEEN + 10 {
            assert!(!cache.worth_checking(&key(n)));
        }
        assert!(cache.worth_checking(&key(1)), "kept answer");
        assert!(!cache.worth_checking(&key(0)), "forgotten past MAX_SEEN");
        assert!(
            cache.worth_checking(&key(MAX_SEEN + 9)),
            "the latest is remembered"
        );
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

    #[test]
    fn a_full_cache_drops_the_least_recently_served_answer_not_every_one() {
        let cache = ResponseCache::default();
        let keep = numbered;
        let body = bytes::Bytes::from_static(b"{}");
        let cached = || Cached {
            version: 1,
            body: body.clone(),
            name: "q".into(),
        };
        for n in 0..MAX_ENTRIES {
            cache.put(keep(n), cached());
        }
        // A dashboard's question is served again; then new questions fill past the bound.
        assert!(cache.get(&keep(0), 1).is_some());
        for n in MAX_ENTRIES..MAX_ENTRIES + 10 {
            cache.put(keep(n), cached());
        }
        assert!(cache.get(&keep(0), 1).is_some(), "the hot answer stays");
        assert!(cache.get(&keep(1), 1).is_none(), "the coldest went");
        assert!(cache.get(&keep(11), 1).is_some(), "the rest stay");
    }

    #[test]
    fn the_answers_kept_stay_under_their_byte_budget() {
        let cache = ResponseCache::default();
        let body = bytes::Bytes::from(vec![b' '; MAX_BYTES]);
        let count = 2 * MAX_TOTAL_BYTES / MAX_BYTES;
        for n in 0..count {
            let key = numbered(n);
            let cached = Cached {
                version: 1,
                body: body.clone(),
                name: "q".into(),
            };
            cache.put(key, cached);
        }
        let kept = cache.entries.lock().expect("lock");
        assert!(kept.bytes <= MAX_TOTAL_BYTES, "{} bytes", kept.bytes);
        assert_eq!(kept.answers.len(), MAX_TOTAL_BYTES / MAX_BYTES);
        let newest = (count - 1).to_le_bytes();
        assert!(kept.answers.iter().any(|(k, _)| k[..8] == newest));
    }
}
