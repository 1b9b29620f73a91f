//! The server's "now" and "today". Every day the service takes as "today" (the API's
//! default `asOf`, the response cache's day, the indicator snapshot job, the report
//! scheduler) is the province's day: the calendar day in the one configured zone
//! (`COSO_TIME_ZONE`, `Asia/Ho_Chi_Minh` by default), never the UTC date, which is
//! still yesterday in Vietnam until 07:00. Built from the settings in `app` and handed
//! to the HTTP state and the scheduler; real time by default, a test sets and moves it.
//! Leases, retry waits and stored timestamps measure real elapsed time and keep to it.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// The province's zone when none is configured.
pub const DEFAULT_ZONE: Tz = chrono_tz::Asia::Ho_Chi_Minh;

/// Parses an IANA zone name (`COSO_TIME_ZONE`), with a message a start-up error can show.
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    Tz::from_str(name.trim())
        .map_err(|_| format!("`{name}` is not an IANA time zone name (e.g. Asia/Ho_Chi_Minh, UTC)"))
}

/// Real time or a time a test sets, read in the province's zone. Cheap to clone; clones
/// share the time (moving one moves all).
#[derive(Clone)]
pub struct Clock {
    zone: Tz,
    manual: Option<Arc<Mutex<DateTime<Utc>>>>,
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl Clock {
    /// Real time, in the default zone.
    pub fn system() -> Self {
        Self {
            zone: DEFAULT_ZONE,
            manual: None,
        }
    }

    /// A clock standing at `at` (default zone) until [`Self::set`] moves it.
    pub fn manual(at: DateTime<Utc>) -> Self {
        Self {
            zone: DEFAULT_ZONE,
            manual: Some(Arc::new(Mutex::new(at))),
        }
    }

    /// The same time source, read in `zone`.
    pub fn in_zone(mut self, zone: Tz) -> Self {
        self.zone = zone;
        self
    }

    /// Whether a test set this clock (it stands still until moved).
    pub fn is_manual(&self) -> bool {
        self.manual.is_some()
    }

    /// The zone its days are taken in.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The time now.
    pub fn now(&self) -> DateTime<Utc> {
        match &self.manual {
            Some(at) => *at.lock().unwrap_or_else(|p| p.into_inner()),
            None => Utc::now(),
        }
    }

    /// The province's day now.
    pub fn today(&self) -> NaiveDate {
        self.today_at(self.now())
    }

    /// The province's day at `at`.
    pub fn today_at(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
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
            Some(_) => write!(f, "Clock::manual({}, {})", self.now(), self.zone),
            None => write!(f, "Clock::system({})", self.zone),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn utc(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).single().unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn the_provinces_day_starts_at_17_00_utc() {
        let clock = Clock::system();
        // 16:59 UTC on 1 December is 23:59 on 1 December in Vietnam; 17:00 is midnight.
        assert_eq!(clock.today_at(utc(1, 16, 59)), day(1));
        assert_eq!(clock.today_at(utc(1, 17, 0)), day(2));
        // Between 00:00 and 07:00 local the UTC date is still yesterday.
        assert_eq!(utc(1, 17, 0).date_naive(), day(1));
        let utc_clock = Clock::manual(utc(1, 17, 0)).in_zone(chrono_tz::UTC);
        assert_eq!(utc_clock.today(), day(1), "another configured zone");
    }

    #[test]
    fn a_manual_clock_stands_still_until_moved_and_clones_share_it() {
        let at = utc(1, 16, 59);
        let clock = Clock::manual(at);
        let copy = clock.clone();
        assert_eq!((clock.now(), clock.today()), (at, day(1)));
        copy.set(at + chrono::Duration::minutes(1));
        assert_eq!(clock.today(), day(2));
        let real = Clock::system();
        real.set(at - chrono::Duration::days(400));
        assert!(real.now() > at - chrono::Duration::days(399));
    }

    #[test]
    fn zones_parse_by_iana_name_only() {
        assert_eq!(parse_zone(" Asia/Ho_Chi_Minh "), Ok(DEFAULT_ZONE));
        assert_eq!(parse_zone("UTC"), Ok(chrono_tz::UTC));
        let err = parse_zone("ICT").unwrap_err();
        assert!(err.contains("`ICT` is not an IANA time zone"), "{err}");
        assert!(parse_zone("UTC+7").is_err());
    }
}
