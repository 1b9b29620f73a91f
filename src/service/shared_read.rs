//! One read for a crowd of requests: the data version (`super::version::Current`) is
//! read by every request that checks a cache against it (the response cache, the
//! indicators' kept answers, the datasets). Each request needs a read that *started
//! after it arrived* (so nothing it answers predates a write that committed before it
//! came), and one read serves every request that arrived before it started. Reads run
//! one at a time; a request arriving while one runs waits for the next, which the first
//! of the waiting requests starts. A lone request reads at once, as it would alone.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

/// Reads of one value shared by the requests that arrive together.
pub struct SharedReads<T> {
    /// How many reads have started.
    started: AtomicU64,
    /// The last read that finished: its number and what it read. Held by the request
    /// reading, so that the others wait for its result.
    last: tokio::sync::Mutex<(u64, Option<T>)>,
}

impl<T> Default for SharedReads<T> {
    fn default() -> Self {
        Self {
            started: AtomicU64::new(0),
            last: tokio::sync::Mutex::new((0, None)),
        }
    }
}

impl<T: Clone> SharedReads<T> {
    /// The value as of a moment after the call: what a read that started after it
    /// gave, `read` itself or another request's.
    pub async fn current<F, Fut>(&self, read: F) -> T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        let arrived = self.started.load(Ordering::Acquire);
        let mut last = self.last.lock().await;
        if last.0 > arrived
            && let Some(value) = &last.1
        {
            return value.clone();
        }
        // Numbered before it runs: a request arriving from here on needs a later read.
        let number = self.started.fetch_add(1, Ordering::AcqRel) + 1;
        let value = read().await;
        *last = (number, Some(value.clone()));
        value
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::AtomicI64;
    use std::time::Duration;

    use super::*;

    /// A "database" whose version moves when written, and counts its reads.
    #[derive(Default)]
    struct Db {
        version: AtomicI64,
        reads: AtomicU64,
    }

    impl Db {
        async fn read(&self) -> Option<i64> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            let v = self.version.load(Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            Some(v)
        }
    }

    #[tokio::test]
    async fn requests_arriving_during_a_read_share_the_next_one() {
        let db = Arc::new(Db::default());
        let reads = Arc::new(SharedReads::<Option<i64>>::default());
        let first = {
            let (db, reads) = (db.clone(), reads.clone());
            tokio::spawn(async move { reads.current(|| db.read()).await })
        };
        tokio::time::sleep(Duration::from_millis(5)).await;
        // A write commits while the first read runs; 20 requests arrive after it.
        db.version.store(1, Ordering::SeqCst);
        let crowd: Vec<_> = (0..20)
            .map(|_| {
                let (db, reads) = (db.clone(), reads.clone());
                tokio::spawn(async move { reads.current(|| db.read()).await })
            })
            .collect();
        assert_eq!(first.await.expect("first"), Some(0));
        for r in crowd {
            assert_eq!(r.await.expect("crowd"), Some(1), "saw the write before it");
        }
        assert_eq!(db.reads.load(Ordering::SeqCst), 2, "one read for the crowd");
    }

    #[tokio::test]
    async fn a_request_after_a_read_finished_reads_again() {
        let reads = SharedReads::<Option<i64>>::default();
        assert_eq!(reads.current(|| async { None }).await, None);
        assert_eq!(reads.current(|| async { Some(5) }).await, Some(5));
    }
}
