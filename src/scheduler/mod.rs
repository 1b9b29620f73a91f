//! Report scheduling and delivery, between the indicator service and the mailer.
//! [`timing`] says when a schedule is due (5-field cron in an IANA time zone);
//! [`runner::Scheduler`] ticks in every replica and claims due times ([`claim`]: the
//! database decides who runs one); [`run`] makes and sends a claimed run: [`compose`]
//! gathers the figures, `report` renders them, [`archive`] keeps what was sent,
//! [`deliver`] records each recipient's outcome, [`notice`] tells the owner of failures.
//! A run works in a task of its own: [`lease`] renews its claim while that task lives, and
//! an error or panic there ends the run `failed` (owner told). [`clock`] is its "now".

pub mod archive;
pub mod claim;
pub mod clock;
pub mod compose;
pub mod deliver;
pub mod lease;
pub mod notice;
mod run;
pub mod runner;
pub mod settings;
#[cfg(test)]
mod tests;
pub mod timing;

pub use clock::Clock;
pub use runner::Scheduler;
pub use settings::SchedulerSettings;
