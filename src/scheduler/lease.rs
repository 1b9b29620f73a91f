//! Keeping a claimed run's lease: renewed in the background while the run's task lives,
//! and stopped when that task ends however it ends (returns, errors, panics, is aborted):
//! the [`LeaseGuard`] lives in the task and aborts the renewal when it is dropped, which
//! also happens while a panic unwinds. A run whose task is gone thus stops holding its
//! lease, so another replica can take it over.

use std::future::Future;
use std::time::Duration;

use tokio::task::AbortHandle;

/// Renews a lease until dropped.
#[must_use = "the renewal stops when the guard is dropped"]
pub struct LeaseGuard {
    renewal: AbortHandle,
}

impl LeaseGuard {
    /// Calls `renew` every `every` until dropped, or until `renew` answers false (the
    /// lease was lost).
    pub fn start<F, Fut>(every: Duration, mut renew: F) -> Self
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = bool> + Send,
    {
        let task = tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                if !renew().await {
                    return;
                }
            }
        });
        Self {
            renewal: task.abort_handle(),
        }
    }

    /// Whether the renewal has stopped.
    pub fn stopped(&self) -> bool {
        self.renewal.is_finished()
    }
}

impl Drop for LeaseGuard {
    fn drop(&mut self) {
        self.renewal.abort();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn counting(renewals: &Arc<AtomicUsize>) -> LeaseGuard {
        let renewals = renewals.clone();
        LeaseGuard::start(Duration::from_millis(10), move || {
            let renewals = renewals.clone();
            async move {
                renewals.fetch_add(1, Ordering::SeqCst);
                true
            }
        })
    }

    #[tokio::test]
    async fn renewal_stops_when_the_task_holding_the_guard_panics() {
        let renewals = Arc::new(AtomicUsize::new(0));
        let held = renewals.clone();
        let task = tokio::spawn(async move {
            let _lease = counting(&held);
            tokio::time::sleep(Duration::from_millis(60)).await;
            panic!("the run's work panicked");
        });
        let ended = task.await.unwrap_err();
        assert!(ended.is_panic());
        let at_panic = renewals.load(Ordering::SeqCst);
        assert!(at_panic >= 2, "renewed while the task lived: {at_panic}");
        tokio::time::sleep(Duration::from_millis(80)).await;
        assert_eq!(
            renewals.load(Ordering::SeqCst),
            at_panic,
            "no renewal after the panic"
        );
    }

    #[tokio::test]
    async fn renewal_stops_when_the_task_is_aborted_or_the_lease_lost() {
        let renewals = Arc::new(AtomicUsize::new(0));
        let held = renewals.clone();
        let task = tokio::spawn(async move {
            let _lease = counting(&held);
            std::future::pending::<()>().await;
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        let at_abort = renewals.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(renewals.load(Ordering::SeqCst), at_abort);

        let lost = LeaseGuard::start(Duration::from_millis(5), || async { false });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(lost.stopped(), "a lost lease is not renewed again");
    }
}
