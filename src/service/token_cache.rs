//! Tokens verified from memory, in front of `tokens::authenticate` on every request: a
//! live token found in the database is kept for at most [`TOKEN_TTL`], so a burst of
//! requests with one token costs one lookup a second instead of one each.
//!
//! Revocation: the replica that revokes a token forgets it at once ([`TokenCache::forget`]
//! after the commit); every other replica stops accepting it when its entry expires, so
//! within [`TOKEN_TTL`] (one second) on every replica. Unknown and revoked tokens are never
//! kept (each costs a lookup, as before), and the cache holds at most [`MAX_TOKENS`]
//! entries, so a flood of made-up secrets cannot grow it.
//!
//! A forgotten token is also announced ([`TokenCache::revocations`]): the subscription
//! sockets of a revoked token listen and close (`http::subscriptions`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::ConnectionTrait;
use tokio::sync::broadcast;

use super::Result;
use crate::auth::Principal;
use crate::auth::hash_secret;

/// How long a verified token is trusted without asking the database again.
pub const TOKEN_TTL: Duration = Duration::from_secs(1);

/// Most tokens kept at once (expired entries are dropped first when full).
pub const MAX_TOKENS: usize = 10_000;

/// The verified tokens of this process, by the hash of their secret.
#[derive(Clone)]
pub struct TokenCache {
    inner: Arc<Mutex<HashMap<String, (Principal, Instant)>>>,
    forgotten: broadcast::Sender<i32>,
}

impl Default for TokenCache {
    fn default() -> Self {
        Self {
            inner: Arc::default(),
            forgotten: broadcast::channel(256).0,
        }
    }
}

impl TokenCache {
    /// The principal of `secret`: from memory when verified less than [`TOKEN_TTL`] ago,
    /// else from the database (and then kept).
    pub async fn authenticate(
        &self,
        db: &impl ConnectionTrait,
        secret: &str,
    ) -> Result<Option<Principal>> {
        let hash = hash_secret(secret);
        if let Some(p) = self.fresh(&hash) {
            return Ok(Some(p));
        }
        let found = super::tokens::authenticate_hash(db, &hash).await?;
        if let Some(p) = &found {
            self.keep(hash, p.clone());
        }
        Ok(found)
    }

    /// Forgets a token (revoked or changed: it must not be served from memory), and
    /// tells whoever listens to [`Self::revocations`].
    pub fn forget(&self, token_id: i32) {
        if let Ok(mut map) = self.inner.lock() {
            map.retain(|_, (p, _)| p.token_id != token_id);
        }
        // Nobody listening (no socket open) is fine.
        let _ = self.forgotten.send(token_id);
    }

    /// The ids of the tokens forgotten from now on.
    pub fn revocations(&self) -> broadcast::Receiver<i32> {
        self.forgotten.subscribe()
    }

    fn fresh(&self, hash: &str) -> Option<Principal> {
        let map = self.inner.lock().ok()?;
        let (p, at) = map.get(hash)?;
        (at.elapsed() < TOKEN_TTL).then(|| p.clone())
    }

    fn keep(&self, hash: String, principal: Principal) {
        let Ok(mut map) = self.inner.lock() else {
            return;
        };
        if map.len() >= MAX_TOKENS {
            map.retain(|_, (_, at)| at.elapsed() < TOKEN_TTL);
            if map.len() >= MAX_TOKENS {
                map.clear();
            }
        }
        map.insert(hash, (principal, Instant::now()));
    }
}
