//! One read for a crowd of requests: the data version (`super::version::Current`) is
//! read by every request that checks a cache against it (the response cache, the
//! indicators' kept answers, the datasets). Each request needs a read that *started
//! after it arrived* (so nothing it answers predates a write that committed before it
//! came), and one read serves every request that arrived before it started. Reads run
//! one at a time; a request arriving while one runs waits for the next, which the first
//! of the waiting requests starts; when a read ends, every waiter is woken at once. A lone
//! request reads at once, as it would alone.

use std::future::Future;
use std::sync::Mutex;

use tokio::sync::Notify;

/// Reads of one value shared by the requests that arrive together.
pub struct SharedReads<T> {
    state: Mutex<State<T>>,
    /// Woken when a read ends (finished or dropped): every waiter looks again at once.
    ended: Notify,
}

struct State<T> {
    /// How many reads have started.
    started: u64,
    /// The number of the last read that finished, and what it read.
    finished: u64,
    value: Option<T>,
    /// A read is running.
    reading: bool,
}

impl<T> Default for SharedReads<T> {
    fn default() -> Self {
        Self {
            state: Mutex::new(State {
                started: 0,
                finished: 0,
                value: None,
                reading: false,
            }),
            ended: Notify::new(),
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
        let arrived = self.lock().started;
        loop {
            // Listening before looking: a read ending in between still wakes us.
            let ended = self.ended.notified();
            tokio::pin!(ended);
            ended.as_mut().enable();
            let number = {
                let mut state = self.lock();
                // Reads run one at a time, so a finished read numbered past `arrived`
                // started after this call.
                if state.finished > arrived
                    && let Some(value) = &state.value
                {
                    return value.clone();
                }
                if state.reading {
                    None
                } else {
                    state.reading = true;
                    state.started += 1;
                    Some(state.started)
                }
            };
            let Some(number) = number else {
                ended.await;
                continue;
            };
            // Ends the read even when this request is dropped while it runs.
            let mut running = Running {
                reads: self,
                finished: None,
            };
            let value = read().await;
            running.finished = Some((number, value.clone()));
            return value;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The read in progress: when dropped, records its result (if it got one), lets the
/// next read start and wakes the waiters.
struct Running<'a, T: Clone> {
    reads: &'a SharedReads<T>,
    finished: Option<(u64, T)>,
}

impl<T: Clone> Drop for Running<'_, T> {
    fn drop(&mut self) {
        {
            let mut state = self.reads.lock();
            if let Some((number, value)) = self.finished.take() {
                state.finished = number;
                state.value = Some(value);
            }
            state.reading = false;
        }
        self.reads.ended.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
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

    #[tokio::test]
    async fn a_read_dropped_midway_lets_the_waiting_requests_read() {
        let db = Arc::new(Db::default());
        let reads = Arc::new(SharedReads::<Option<i64>>::default());
        let cut = {
            let (db, reads) = (db.clone(), reads.clone());
            tokio::spawn(async move { reads.current(|| db.read()).await })
        };
        tokio::time::sleep(Duration::from_millis(5)).await;
        let waiting = {
            let (db, reads) = (db.clone(), reads.clone());
            tokio::spawn(async move { reads.current(|| db.read()).await })
        };
        tokio::time::sleep(Duration::from_millis(5)).await;
        cut.abort();
        let answered = tokio::time::timeout(Duration::from_secs(5), waiting).await;
        assert_eq!(answered.expect("not stuck").expect("joined"), Some(0));
        assert_eq!(db.reads.load(Ordering::SeqCst), 2, "the waiter read itself");
    }
}
