//! Fire times of a schedule: a standard 5-field cron expression evaluated in an IANA
//! time zone with croner and chrono-tz, so "09:00 every day" stays 09:00 local across a
//! daylight-saving change (unlike a UTC offset frozen when a job is created).

use std::str::FromStr;

use chrono::{DateTime, SubsecRound, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};

/// The most fire times one call returns.
pub const MAX_TIMES: usize = 1_000;

/// Why a cron expression or time zone was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimingError {
    /// Not a standard 5-field cron expression.
    #[error(
        "`{0}` is not a 5-field cron expression (minute hour day-of-month month day-of-week): {1}"
    )]
    Cron(String, String),
    /// Not an IANA time zone name.
    #[error("`{0}` is not an IANA time zone (e.g. Asia/Ho_Chi_Minh)")]
    TimeZone(String),
}

impl TimingError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Cron(..) => "INVALID_CRON",
            Self::TimeZone(_) => "UNKNOWN_TIME_ZONE",
        }
    }
}

/// A parsed cron expression in its time zone.
#[derive(Debug, Clone)]
pub struct Timing {
    cron: Cron,
    tz: Tz,
}

impl Timing {
    /// Parses `cron` (exactly 5 fields, or a nickname like `@daily`) and `time_zone`.
    pub fn parse(cron: &str, time_zone: &str) -> Result<Self, TimingError> {
        let tz = Tz::from_str(time_zone.trim())
            .map_err(|_| TimingError::TimeZone(time_zone.to_owned()))?;
        let fields = cron.split_whitespace().count();
        let nickname = cron.trim_start().starts_with('@');
        if !nickname && fields != 5 {
            let why = format!("it has {fields} fields");
            return Err(TimingError::Cron(cron.to_owned(), why));
        }
        let parser = CronParser::builder()
            .seconds(Seconds::Disallowed)
            .year(Year::Disallowed)
            .build();
        let cron = parser
            .parse(cron)
            .map_err(|e| TimingError::Cron(cron.to_owned(), e.to_string()))?;
        Ok(Self { cron, tz })
    }

    /// The first fire time strictly after `after` (in whole seconds, like every fire time).
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = after.trunc_subsecs(0).with_timezone(&self.tz);
        self.cron
            .find_next_occurrence(&local, false)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// The latest fire time at or before `at` (the due time a tick at `at` looks for).
    pub fn latest_at_or_before(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = at.trunc_subsecs(0).with_timezone(&self.tz);
        self.cron
            .find_previous_occurrence(&local, true)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// The next `n` fire times after `after` (at most [`MAX_TIMES`]).
    pub fn next_n(&self, after: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
        let mut out = Vec::new();
        let mut at = after;
        while out.len() < n.min(MAX_TIMES) {
            let Some(next) = self.next_after(at) else {
                break;
            };
            out.push(next);
            at = next;
        }
        out
    }

    /// The fire times in `(from, to]`, oldest first (at most [`MAX_TIMES`]).
    pub fn due_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let mut out = Vec::new();
        let mut at = from;
        while out.len() < MAX_TIMES {
            match self.next_after(at) {
                Some(next) if next <= to => {
                    out.push(next);
                    at = next;
                }
                _ => break,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("valid time")
    }

    #[test]
    fn monthly_report_in_ho_chi_minh_city_time() {
        let t = Timing::parse("0 8 1 * *", "Asia/Ho_Chi_Minh").expect("valid");
        let next = t.next_n(utc(2026, 11, 27, 0, 0), 3);
        // 08:00 in UTC+7 is 01:00 UTC, on the first of each month.
        assert_eq!(
            next,
            vec![
                utc(2026, 12, 1, 1, 0),
                utc(2027, 1, 1, 1, 0),
                utc(2027, 2, 1, 1, 0)
            ]
        );
    }

    #[test]
    fn latest_due_time_at_or_before_a_tick() {
        let t = Timing::parse("0 8 1 * *", "Asia/Ho_Chi_Minh").expect("valid");
        let due = utc(2026, 12, 1, 1, 0);
        assert_eq!(t.latest_at_or_before(due), Some(due));
        assert_eq!(
            t.latest_at_or_before(utc(2026, 12, 20, 0, 0)),
            Some(due),
            "a tick later in the month still finds the 1st"
        );
        assert_eq!(
            t.latest_at_or_before(utc(2026, 12, 1, 0, 59)),
            Some(utc(2026, 11, 1, 1, 0))
        );
    }

    #[test]
    fn local_time_holds_across_daylight_saving_changes() {
        let t = Timing::parse("0 9 * * *", "Europe/Berlin").expect("valid");
        // Summer time starts on 29 March 2026: 09:00 local is 08:00 UTC before, 07:00 after.
        let spring = t.next_n(utc(2026, 3, 27, 12, 0), 3);
        assert_eq!(
            spring,
            vec![
                utc(2026, 3, 28, 8, 0),
                utc(2026, 3, 29, 7, 0),
                utc(2026, 3, 30, 7, 0)
            ]
        );
        // And back on 25 October 2026.
        let autumn = t.next_n(utc(2026, 10, 24, 12, 0), 2);
        assert_eq!(
            autumn,
            vec![utc(2026, 10, 25, 8, 0), utc(2026, 10, 26, 8, 0)]
        );
        let ny = Timing::parse("30 6 * * 1-5", "America/New_York").expect("valid");
        // 8 March 2026: EST (UTC-5) becomes EDT (UTC-4); Friday 6 Mar then Monday 9 Mar.
        assert_eq!(
            ny.next_n(utc(2026, 3, 6, 0, 0), 2),
            vec![utc(2026, 3, 6, 11, 30), utc(2026, 3, 9, 10, 30)]
        );
    }

    #[test]
    fn fire_times_are_whole_seconds_whatever_the_instant_asked() {
        let t = Timing::parse("* * * * *", "UTC").expect("valid");
        let at = utc(2026, 1, 1, 0, 0) + chrono::Duration::nanoseconds(123_456_789);
        assert_eq!(t.next_after(at), Some(utc(2026, 1, 1, 0, 1)));
        assert_eq!(t.latest_at_or_before(at), Some(utc(2026, 1, 1, 0, 0)));
        let after = utc(2026, 1, 1, 0, 0) + chrono::Duration::seconds(59);
        assert_eq!(t.next_n(after, 1), vec![utc(2026, 1, 1, 0, 1)]);
    }

    #[test]
    fn a_time_that_happens_twice_fires_once() {
        let t = Timing::parse("30 2 * * *", "Europe/Berlin").expect("valid");
        let due = t.due_between(utc(2026, 10, 24, 12, 0), utc(2026, 10, 26, 12, 0));
        assert_eq!(
            due.len(),
            2,
            "one per day, the repeated 02:30 included once: {due:?}"
        );
    }

    #[test]
    fn due_times_between_two_instants() {
        let t = Timing::parse("0 * * * *", "UTC").expect("valid");
        let due = t.due_between(utc(2026, 1, 1, 0, 0), utc(2026, 1, 1, 3, 0));
        assert_eq!(
            due,
            vec![
                utc(2026, 1, 1, 1, 0),
                utc(2026, 1, 1, 2, 0),
                utc(2026, 1, 1, 3, 0)
            ]
        );
    }

    #[test]
    fn bad_expressions_and_zones_are_refused_with_codes() {
        for bad in [
            "* * * *",
            "0 0 * * * *",
            "61 * * * *",
            "0 25 * * *",
            "x y z w v",
            "",
        ] {
            let e = Timing::parse(bad, "UTC").expect_err(bad);
            assert_eq!(e.code(), "INVALID_CRON", "{bad}");
        }
        let e = Timing::parse("0 8 1 * *", "Asia/Hanoi_City").expect_err("zone");
        assert_eq!(e.code(), "UNKNOWN_TIME_ZONE");
        assert!(Timing::parse("@daily", "Asia/Ho_Chi_Minh").is_ok());
    }
}
