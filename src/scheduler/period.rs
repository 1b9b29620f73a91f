//! Which month a report shows, decided before composing (the run, or a preview, picks
//! the day; `compose` titles the report with the month of that day and takes every
//! figure on it).
//!
//! The rule: a monthly overview is about the **last full month**. A run (scheduled,
//! caught up or started with `runReportNow`) on a day D of the schedule's zone shows
//! the month before D's month, with figures as of its last day: the run of 1 December
//! 2026 is "Báo cáo tháng 11/2026" with the figures of 30/11/2026, and so is a run on
//! 15 December. A report asked for by hand for a day (`previewReport(asOf:)`) shows the
//! month of that day, with figures as of that day. The change a report shows is against
//! the last report of the same schedule and scope about an earlier month (see
//! [`super::archive::previous_values`]), so a run repeated within a month still compares
//! with the month before.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::runner::local_date;

/// The last day of the month before the month of `day`: the figures' day of a report
/// made on `day`.
pub fn last_full_month_end(day: NaiveDate) -> NaiveDate {
    day.with_day(1)
        .and_then(|first| first.pred_opt())
        .unwrap_or(day)
}

/// The figures' day of a report of a schedule in `zone` made at `at`.
pub fn report_day_at(at: DateTime<Utc>, zone: &str) -> NaiveDate {
    last_full_month_end(local_date(at, zone))
}

/// The first day of the month a report with figures as of `as_of` shows: earlier
/// reports are the ones it compares with.
pub fn month_start(as_of: NaiveDate) -> NaiveDate {
    as_of.with_day(1).unwrap_or(as_of)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_report_made_in_a_month_shows_the_month_before() {
        assert_eq!(last_full_month_end(d(2026, 12, 1)), d(2026, 11, 30));
        assert_eq!(last_full_month_end(d(2026, 12, 31)), d(2026, 11, 30));
        assert_eq!(last_full_month_end(d(2026, 1, 1)), d(2025, 12, 31));
        assert_eq!(last_full_month_end(d(2024, 3, 5)), d(2024, 2, 29));
        assert_eq!(month_start(d(2026, 11, 30)), d(2026, 11, 1));
    }

    #[test]
    fn the_day_is_the_schedules_local_day() {
        // 1 December 2026 07:00 in Vietnam is 1 December 2026 00:00 UTC.
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).single().unwrap();
        assert_eq!(report_day_at(at, "Asia/Ho_Chi_Minh"), d(2026, 11, 30));
        // At 23:00 UTC on 30 November it is already 1 December in Vietnam (November's
        // report) but still 30 November in UTC (October's report in a UTC schedule).
        let late = Utc
            .with_ymd_and_hms(2026, 11, 30, 23, 0, 0)
            .single()
            .unwrap();
        assert_eq!(report_day_at(late, "Asia/Ho_Chi_Minh"), d(2026, 11, 30));
        assert_eq!(report_day_at(late, "UTC"), d(2026, 10, 31));
    }
}
