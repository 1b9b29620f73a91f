//! Report scheduling: when a schedule is due ([`timing`]: standard 5-field cron in an
//! IANA time zone, correct across daylight-saving changes). The scheduler ticks in
//! every replica; the database decides who runs a due time (a unique run row).

pub mod claim;
pub mod timing;
