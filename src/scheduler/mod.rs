//! Report scheduling and delivery, between the indicator service and the mailer.
//! [`timing`] says when a schedule is due (5-field cron in an IANA time zone);
//! [`runner::Scheduler`] ticks in every replica and claims due times ([`claim`]: the
//! database decides who runs one); [`run`] makes and sends a claimed run: [`compose`]
//! gathers the figures, `report` renders them, [`archive`] keeps what was sent,
//! [`deliver`] records each recipient's outcome, [`notice`] tells the owner of failures.
//! A run works in a task of its own: [`lease`] renews its claim while that task lives, and
//! an error or panic there ends the run `failed` (owner told). Its "now" is the server's
//! [`Clock`] (`crate::clock`); [`period`] says which month a run reports on.

pub mod archive;
pub mod claim;
pub mod compose;
pub mod deliver;
pub mod lease;
pub mod notice;
pub mod period;
mod run;
pub mod runner;
pub mod settings;
#[cfg(test)]
mod tests;
pub mod timing;

pub use crate::clock::Clock;
pub use runner::Scheduler;
pub use settings::SchedulerSettings;
