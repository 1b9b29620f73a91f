//! Admission of GraphQL operations (`COSO_GRAPHQL_CONCURRENCY`): the handler of
//! `/graphql` runs each operation through [`admitted`]. An operation waits for a permit
//! before it executes and holds it for its first [`SLICE`] at most: the short operations
//! that make up a load take turns, a few per core, instead of all interleaving (each
//! resumed on caches the others evicted, so each costs more CPU), while a long one (an
//! analytics query, a large export) gives its permit back and runs on beside the others,
//! so a few slow operations cannot hold every turn.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

/// The longest an operation holds its permit.
pub const SLICE: Duration = Duration::from_millis(100);

/// Runs `operation` once a permit of `permits` is free, holding it for at most `slice`.
pub async fn admitted<F: Future>(
    permits: Arc<Semaphore>,
    slice: Duration,
    operation: F,
) -> F::Output {
    let permit = permits.acquire_owned().await;
    tokio::pin!(operation);
    tokio::select! {
        biased;
        out = &mut operation => return out,
        () = tokio::time::sleep(slice) => {}
    }
    drop(permit);
    operation.await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// Real time, with bounds that a slow machine cannot break: serial turns take at least
    /// the sum of their durations, and the short operation beside a long one finishes far
    /// sooner than the long one would have let it.
    #[tokio::test]
    async fn operations_take_turns_and_a_long_one_gives_its_turn_back() {
        let permits = Arc::new(Semaphore::new(1));
        let op = |start: Instant, ms: u64| async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            start.elapsed()
        };
        // one permit: two short operations run one after the other
        let start = Instant::now();
        let (a, b) = tokio::join!(
            admitted(permits.clone(), SLICE, op(start, 40)),
            admitted(permits.clone(), SLICE, op(start, 40)),
        );
        assert!(
            a.max(b) >= Duration::from_millis(80),
            "turns, not together: {a:?} {b:?}"
        );
        // a long operation holds the permit for its first slice only
        let start = Instant::now();
        let (long, short) = tokio::join!(
            admitted(permits.clone(), SLICE, op(start, 3_000)),
            admitted(permits.clone(), SLICE, op(start, 10)),
        );
        assert!(
            short >= SLICE,
            "the short one waited for the slice: {short:?}"
        );
        assert!(
            short < Duration::from_millis(1_500),
            "not for the long one: {short:?}"
        );
        assert!(long >= Duration::from_millis(3_000));
        assert_eq!(permits.available_permits(), 1, "every permit came back");
    }
}
