//! The scheduler's "now": which due time a tick looks at, whether it is on time or was
//! missed, the second a manual run is recorded for, the report day and the data age.
//! Real time by default; tests set it. Leases and retry waits measure elapsed time
//! between replicas and keep to real time.

use std::fmt;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

/// Real time, or a time a test sets and moves. Cheap to clone; clones share the time.
#[derive(Clone, Default)]
pub struct Clock {
    manual: Option<Arc<Mutex<DateTime<Utc>>>>,
}

impl Clock {
    /// Real time.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock standing at `at` until [`Self::set`] moves it.
    pub fn manual(at: DateTime<Utc>) -> Self {
        Self {
            manual: Some(Arc::new(Mutex::new(at))),
        }
    }

    /// The time now.
    pub fn now(&self) -> DateTime<Utc> {
        match &self.manual {
            Some(at) => *at.lock().unwrap_or_else(|p| p.into_inner()),
            None => Utc::now(),
        }
    }

    /// Moves a manual clock to `at` (real time cannot be moved: no effect).
    pub fn set(&self, at: DateTime<Utc>) {
        if let Some(now) = &self.manual {
            *now.lock().unwrap_or_else(|p| p.into_inner()) = at;
        }
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.manual {
            Some(_) => write!(f, "Clock::manual({})", self.now()),
            None => f.write_str("Clock::system"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_stands_still_until_moved_and_clones_share_it() {
        let at = Utc::now() - chrono::Duration::days(400);
        let clock = Clock::manual(at);
        let copy = clock.clone();
        assert_eq!(clock.now(), at);
        copy.set(at + chrono::Duration::hours(1));
        assert_eq!(clock.now(), at + chrono::Duration::hours(1));
        let real = Clock::system();
        real.set(at);
        assert!(real.now() > at + chrono::Duration::days(399));
    }
}
