//! Report scheduling and delivery, between the indicator service and the mailer.
//! [`timing`] says when a schedule is due (5-field cron in an IANA time zone);
//! [`runner::Scheduler`] ticks in every replica and claims due times ([`claim`]: the
//! database decides who runs one); [`run`] makes and sends a claimed run: [`compose`]
//! gathers the figures, `report` renders them, [`archive`] keeps what was sent,
//! [`deliver`] records each recipient's outcome, [`notice`] tells the owner of failures.

pub mod archive;
pub mod claim;
pub mod compose;
pub mod deliver;
pub mod notice;
mod run;
pub mod runner;
pub mod settings;
pub mod timing;

pub use runner::Scheduler;
pub use settings::SchedulerSettings;
