//! Readiness flags that parts of the service set and `GET /ready` reads. The database
//! checks are made by the route itself; the flags here are for what only the running
//! process knows (is the scheduler ticking?).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Shared readiness flags (cheap to clone; clones share the flags).
#[derive(Clone, Debug, Default)]
pub struct Readiness {
    scheduler_running: Arc<AtomicBool>,
}

impl Readiness {
    /// Whether the scheduler is running.
    pub fn scheduler_running(&self) -> bool {
        self.scheduler_running.load(Ordering::Relaxed)
    }

    /// Set by the scheduler when it starts (true) and stops or fails (false).
    pub fn set_scheduler_running(&self, running: bool) {
        self.scheduler_running.store(running, Ordering::Relaxed);
    }
}
