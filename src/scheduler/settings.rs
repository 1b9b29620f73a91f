//! Settings of the report scheduler: how often it ticks, when a due time counts as
//! missed, how long a claimed run's lease lasts, and how deliveries are retried.

use std::time::Duration;

/// Scheduler settings (`COSO_SCHEDULER_*`, `COSO_RUN_LEASE_SECS`, `COSO_MAIL_RETRY_*`).
#[derive(clap::Args, Clone, Debug)]
pub struct SchedulerSettings {
    /// Seconds between scheduler ticks in this replica; 0 turns the scheduler off here.
    #[arg(long, env = "COSO_SCHEDULER_TICK_SECS", default_value_t = 30)]
    pub tick_secs: u64,
    /// A due time older than this (seconds) when first seen was missed: the schedule's
    /// missed policy decides whether it still runs.
    #[arg(long, env = "COSO_SCHEDULER_GRACE_SECS", default_value_t = 600,
          value_parser = clap::value_parser!(u64).range(0..=MAX_SETTING_SECS))]
    pub grace_secs: u64,
    /// Lease of a claimed run in seconds: renewed while the run works, taken over by
    /// another replica once it has expired (its worker died).
    #[arg(long, env = "COSO_RUN_LEASE_SECS", default_value_t = 120,
          value_parser = clap::value_parser!(u64).range(1..=MAX_SETTING_SECS))]
    pub lease_secs: u64,
    /// Delivery attempts per recipient before a transient failure counts as final.
    #[arg(long, env = "COSO_MAIL_MAX_ATTEMPTS", default_value_t = 5)]
    pub max_attempts: u32,
    /// Delay before the first retry, in ms; it doubles with each attempt (at most 1 h).
    #[arg(long, env = "COSO_MAIL_RETRY_BASE_MS", default_value_t = 30_000)]
    pub retry_base_ms: u64,
    /// This replica's name in run claims (default: host name and process id).
    #[arg(long, env = "COSO_REPLICA_ID")]
    pub replica_id: Option<String>,
    /// What time it is, and the province's zone (real time; tests set a manual clock).
    /// The server reads its "today" from this clock too (see `Settings::clock`).
    #[arg(skip)]
    pub clock: super::Clock,
    /// The indicator engine's settings (the server sets them from its own).
    #[arg(skip)]
    pub engine: crate::indicators::EngineConfig,
    /// A pinned "today" (`COSO_TODAY`, from the server's settings): runs and previews then
    /// report on the last full month before it, as a run made that day would; the claims,
    /// leases and retries keep to real time.
    #[arg(skip)]
    pub today: Option<chrono::NaiveDate>,
}

impl Default for SchedulerSettings {
    fn default() -> Self {
        Self {
            tick_secs: 30,
            grace_secs: 600,
            lease_secs: 120,
            max_attempts: 5,
            retry_base_ms: 30_000,
            replica_id: None,
            clock: super::Clock::system(),
            engine: crate::indicators::EngineConfig::default(),
            today: None,
        }
    }
}

impl SchedulerSettings {
    /// The lease of a claim.
    pub fn lease(&self) -> chrono::Duration {
        let secs = self.lease_secs.clamp(1, MAX_SETTING_SECS);
        chrono::Duration::seconds(i64::try_from(secs).unwrap_or(120))
    }

    /// The grace period: a due time older than this when first seen was missed.
    pub fn grace(&self) -> chrono::Duration {
        let secs = self.grace_secs.min(MAX_SETTING_SECS);
        chrono::Duration::seconds(i64::try_from(secs).unwrap_or(600))
    }

    /// The delay before attempt `attempts + 1`, after `attempts` failed ones.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let factor = 1u64 << attempts.saturating_sub(1).min(20);
        Duration::from_millis(self.retry_base_ms.saturating_mul(factor)).min(MAX_BACKOFF)
    }

    /// This replica's name.
    pub fn replica(&self) -> String {
        self.replica_id.clone().unwrap_or_else(|| {
            let host = hostname();
            format!("{host}:{}", std::process::id())
        })
    }
}

/// The largest grace period or lease accepted (a year): time arithmetic stays in range.
const MAX_SETTING_SECS: u64 = 366 * 24 * 3600;

/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "coso".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        let s = SchedulerSettings {
            retry_base_ms: 1_000,
            ..SchedulerSettings::default()
        };
        let delays: Vec<u64> = (1..=4).map(|a| s.backoff(a).as_secs()).collect();
        assert_eq!(delays, vec![1, 2, 4, 8]);
        assert_eq!(s.backoff(30), MAX_BACKOFF);
    }
}
