//! One read for a crowd of requests: the data version (`super::version::Current`) is
//! read by every request that checks a cache against it (the response cache, the
//! indicators' kept answers, the datasets). Each request needs a read that *started
//! after it arrived* (so nothing it answers predates a write that committed before it
//! came), and one read serves every request that arrived before it started. Reads run
//! one at a time; a request arriving while one runs waits for the next, which the first
//! of the waiting requests starts; when a read ends, every waiter is woken at once. A
//! read that failed answers the requests that arrived while it ran as well (a failure
//! serves no data, and during an outage they need not wait out a second failing read: the
//! pool's 4 s each). A lone request reads at once, as it would alone.

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
    /// gave, `read` itself or another request's. A result that `failed` says is a failure
    /// is shared with the requests that arrived while its read ran too (it serves no
    /// data, so it cannot be stale, and they need not wait out a second failing read).
    pub async fn current<F, Fut>(&self, read: F, failed: impl Fn(&T) -> bool) -> T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        let (arrived, running) = {
            let state = self.lock();
            (state.started, state.reading)
        };
        loop {
            // Listening before looking: a read ending in between still wakes us.
            let ended = self.ended.notified();
            tokio::pin!(ended);
            ended.as_mut().enable();
            let number = {
                let mut state = self.lock();
                // Reads run one at a time, so a finished read numbered past `arrived`
                // started after this call.
                if let Some(value) = &state.value
                    && (state.finished > arrived
                        || (running && state.finished == arrived && failed(value)))
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

    /// A request asking for the version through `reads`, in a task of its own.
    fn ask(
        db: &Arc<Db>,
        reads: &Arc<SharedReads<Option<i64>>>,
    ) -> tokio::task::JoinHandle<Option<i64>> {
        let (db, reads) = (db.clone(), reads.clone());
        tokio::spawn(async move { reads.current(|| db.read(), Option::is_none).await })
    }

    #[tokio::test]
    async fn requests_arriving_during_a_read_share_the_next_one() {
        let db = Arc::new(Db::default());
        let reads = Arc::new(SharedReads::<Option<i64>>::default());
        let first = ask(&db, &reads);
        tokio::time::sleep(Duration::from_millis(5)).await;
        // A write commits while the first read runs; 20 requests arrive after it.
        db.version.store(1, Ordering::SeqCst);
        let crowd: Vec<_> = (0..20).map(|_| ask(&db, &reads)).collect();
        assert_eq!(first.await.expect("first"), Some(0));
        for r in crowd {
            assert_eq!(r.await.expect("crowd"), Some(1), "saw the write before it");
        }
        assert_eq!(db.reads.load(Ordering::SeqCst), 2, "one read for the crowd");
    }

    #[tokio::test]
    async fn a_request_after_a_read_finished_reads_again() {
        let reads = SharedReads::<Option<i64>>::default();
        assert_eq!(
            reads.current(|| async { None }, Option::is_none).await,
            None
        );
        assert_eq!(
            reads.current(|| async { Some(5) }, Option::is_none).await,
            Some(5)
        );
    }

    #[tokio::test]
    async fn a_read_dropped_midway_lets_the_waiting_requests_read() {
        let db = Arc::new(Db::default());
        let reads = Arc::new(SharedReads::<Option<i64>>::default());
        let cut = ask(&db, &reads);
        tokio::time::sleep(Duration::from_millis(5)).await;
        let waiting = ask(&db, &reads);
        tokio::time::sleep(Duration::from_millis(5)).await;
        cut.abort();
        let answered = tokio::time::timeout(Duration::from_secs(5), waiting).await;
        assert_eq!(answered.expect("not stuck").expect("joined"), Some(0));
        assert_eq!(db.reads.load(Ordering::SeqCst), 2, "the waiter read itself");
    }

    #[tokio::test]
    async fn a_failed_read_answers_the_requests_that_arrived_while_it_ran() {
        let reads = Arc::new(SharedReads::<Option<i64>>::default());
        let tries = Arc::new(AtomicU64::new(0));
        let failing = || {
            let tries = tries.clone();
            async move {
                tries.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                None
            }
        };
        let first = {
            let (reads, read) = (reads.clone(), failing());
            tokio::spawn(async move { reads.current(|| read, Option::is_none).await })
        };
        tokio::time::sleep(Duration::from_millis(5)).await;
        let crowd: Vec<_> = (0..10)
            .map(|_| {
                let (reads, read) = (reads.clone(), failing());
                tokio::spawn(async move { reads.current(|| read, Option::is_none).await })
            })
            .collect();
        assert_eq!(first.await.expect("first"), None);
        for r in crowd {
            assert_eq!(r.await.expect("crowd"), None);
        }
        assert_eq!(tries.load(Ordering::SeqCst), 1, "one failing read for all");
        // A failure from before a request arrived is not its answer: it reads again.
        let later = reads.current(|| async { Some(7) }, Option::is_none).await;
        assert_eq!(later, Some(7));
    }
}
