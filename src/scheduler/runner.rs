//! The [`Scheduler`]: one per replica. A tokio-cron-scheduler job ticks it; each tick
//! claims the due times of enabled schedules (the database decides who runs one),
//! applies the missed-run policy, takes over runs whose worker died, and starts the
//! claimed runs ([`super::run`]). `runReportNow` and `previewReport` come here too.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use chrono_tz::Tz;
use entity::{report_run as run, report_schedule as schedule};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_cron_scheduler::{Job, JobScheduler};

use super::claim::{self, Trigger};
use super::deliver;
use super::settings::SchedulerSettings;
use super::timing::Timing;
use crate::dataset::DatasetCache;
use crate::domain::MissedPolicy;
use crate::mail::Mailer;
use crate::report::RenderedReport;
use crate::service::{Result, ServiceError, schedules};
use crate::telemetry::metrics;

/// The report scheduler of this replica. Cheap to clone.
#[derive(Clone)]
pub struct Scheduler {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) db: DatabaseConnection,
    pub(super) datasets: DatasetCache,
    pub(super) mailer: Mailer,
    pub(super) settings: SchedulerSettings,
    pub(super) replica: String,
    /// Runs this replica is working on.
    pub(super) active: Mutex<HashSet<i32>>,
    /// Becomes true when the replica shuts down.
    pub(super) stopping: watch::Sender<bool>,
    /// Runs started by ticks and retries, to wait for at shutdown.
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl Scheduler {
    /// A scheduler over `db`, sending with `mailer`.
    pub fn new(
        db: DatabaseConnection,
        datasets: DatasetCache,
        mailer: Mailer,
        settings: SchedulerSettings,
    ) -> Self {
        let replica = settings.replica();
        Self {
            inner: Arc::new(Inner {
                db,
                datasets,
                mailer,
                settings,
                replica,
                active: Mutex::new(HashSet::new()),
                stopping: watch::channel(false).0,
                tasks: Mutex::new(Vec::new()),
            }),
        }
    }

    /// The settings it runs with.
    pub fn settings(&self) -> &SchedulerSettings {
        &self.inner.settings
    }

    /// This replica's name in claims.
    pub fn replica(&self) -> &str {
        &self.inner.replica
    }

    /// Starts ticking every `tick_secs` (and once now); `None` when ticking is off.
    pub async fn start(&self) -> anyhow::Result<Option<JobScheduler>> {
        if self.inner.settings.tick_secs == 0 {
            tracing::info!("report scheduler is off in this replica (COSO_SCHEDULER_TICK_SECS=0)");
            return Ok(None);
        }
        let jobs = JobScheduler::new().await?;
        let me = self.clone();
        let every = Duration::from_secs(self.inner.settings.tick_secs);
        jobs.add(Job::new_repeated_async(every, move |_, _| {
            let me = me.clone();
            Box::pin(async move { me.tick_logged().await })
        })?)
        .await?;
        jobs.start().await?;
        let first = self.clone();
        tokio::spawn(async move { first.tick_logged().await });
        tracing::info!(replica = %self.inner.replica, every_secs = every.as_secs(), "report scheduler started");
        Ok(Some(jobs))
    }

    async fn tick_logged(&self) {
        if *self.inner.stopping.borrow() {
            return;
        }
        match self.tick().await {
            Ok(started) if !started.is_empty() => {
                tracing::info!(runs = started.len(), "report runs started");
                let mut tasks = self.inner.tasks.lock().unwrap_or_else(|p| p.into_inner());
                tasks.retain(|t| !t.is_finished());
                tasks.extend(started);
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = ?e, "report scheduler tick failed"),
        }
    }

    /// The scheduler's time now (its [`Clock`](super::Clock)).
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.settings.clock.now()
    }

    /// One tick at the clock's time: takes over expired runs, claims due times, starts
    /// the runs it claimed and returns their tasks.
    pub async fn tick(&self) -> Result<Vec<JoinHandle<()>>> {
        let now = self.now();
        let db = &self.inner.db;
        let lease = self.inner.settings.lease();
        let mut claimed = Vec::new();
        for expired in claim::expired(db).await? {
            if let Some(r) = claim::take_over(db, expired.id, &self.inner.replica, lease).await? {
                tracing::warn!(
                    run = r.id,
                    schedule = r.schedule_id,
                    "taking over a run whose lease expired"
                );
                claimed.push(r);
            }
        }
        for (s, _) in schedules::list(db).await? {
            if !s.enabled {
                continue;
            }
            if let Some(r) = self.claim_due(&s, now).await? {
                claimed.push(r);
            }
        }
        metrics::set_retries_pending(deliver::retries_pending(db).await?);
        Ok(claimed
            .into_iter()
            .map(|r| {
                let me = self.clone();
                tokio::spawn(async move { me.execute_logged(r, true).await })
            })
            .collect())
    }

    /// Claims the latest due time of `s` at `now`, if nobody ran it yet.
    async fn claim_due(
        &self,
        s: &schedule::Model,
        now: DateTime<Utc>,
    ) -> Result<Option<run::Model>> {
        let db = &self.inner.db;
        let Ok(timing) = Timing::parse(&s.cron, &s.time_zone) else {
            tracing::error!(schedule = s.id, cron = %s.cron, "stored schedule has an invalid cron or zone");
            return Ok(None);
        };
        let Some(due) = timing.latest_at_or_before(now) else {
            return Ok(None);
        };
        let due = due.trunc_subsecs(0);
        if !in_window(s, due) {
            return Ok(None);
        }
        let last = run::Entity::find()
            .filter(run::Column::ScheduleId.eq(s.id))
            .filter(run::Column::Trigger.ne("manual"))
            .order_by_desc(run::Column::DueAt)
            .one(db)
            .await?;
        if last.is_some_and(|l| l.due_at >= due) {
            return Ok(None);
        }
        let grace = self.inner.settings.grace();
        let on_time = now - due <= grace;
        let trigger = if on_time {
            Trigger::Schedule
        } else {
            Trigger::CatchUp
        };
        let replica = &self.inner.replica;
        let lease = self.inner.settings.lease();
        let Some(r) = claim::claim(db, s.id, due, trigger, replica, lease).await? else {
            return Ok(None);
        };
        let skip = MissedPolicy::from_code(&s.missed_policy) == Some(MissedPolicy::Skip);
        if !on_time && skip {
            let why = "missed while no replica was running; the schedule skips missed runs";
            claim::finish(db, r.id, "skipped", Some(why.to_owned())).await?;
            metrics::record_report_run("skipped");
            tracing::info!(schedule = s.id, %due, "missed run skipped");
            return Ok(None);
        }
        Ok(Some(r))
    }

    /// Runs a schedule at once (`runReportNow`): claims the current second, sends to
    /// every recipient once, and leaves transient failures to retry in the background.
    /// A run that errs or panics comes back `failed` with its reason.
    pub async fn run_now(&self, schedule_id: i32) -> Result<run::Model> {
        let db = &self.inner.db;
        schedules::get(db, schedule_id).await?;
        let now = self.now().trunc_subsecs(0);
        let lease = self.inner.settings.lease();
        let replica = &self.inner.replica;
        let Some(r) = claim::claim(db, schedule_id, now, Trigger::Manual, replica, lease).await?
        else {
            return Err(ServiceError::invalid(
                "scheduleId",
                "a run of this schedule started this very second; see reportRuns",
            ));
        };
        let id = r.id;
        match self.execute(r.clone(), false).await {
            Ok(true) => {
                let me = self.clone();
                self.keep(tokio::spawn(
                    async move { me.execute_logged(r, true).await },
                ));
            }
            Ok(false) => {}
            Err(e) => tracing::error!(run = id, error = ?e, "report run could not be supervised"),
        }
        run::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(|| ServiceError::not_found("report run", id))
    }

    /// Renders what `schedule_id` would send now to the province (or `district`): the
    /// last full month, or the month of `as_of` with the figures of that day (see
    /// [`super::period`]); nothing is sent or archived.
    pub async fn preview(
        &self,
        schedule_id: i32,
        district: Option<String>,
        as_of: Option<chrono::NaiveDate>,
    ) -> Result<RenderedReport> {
        let (s, _) = schedules::get(&self.inner.db, schedule_id).await?;
        let as_of = as_of.unwrap_or_else(|| match self.inner.settings.today {
            Some(today) => super::period::last_full_month_end(today),
            None => super::period::report_day_at(self.now(), &s.time_zone),
        });
        let (_, report) = self
            .render(&s, None, district.as_deref(), as_of)
            .await
            .map_err(|e| e.into_service())?;
        Ok(report)
    }

    pub(super) async fn execute_logged(&self, r: run::Model, wait: bool) {
        let id = r.id;
        if let Err(e) = self.execute(r, wait).await {
            tracing::error!(run = id, error = ?e, "report run failed");
        }
    }

    /// Keeps a continuing run (retries) to wait for at shutdown.
    pub(super) fn keep(&self, task: JoinHandle<()>) {
        let mut tasks = self.inner.tasks.lock().unwrap_or_else(|p| p.into_inner());
        tasks.retain(|t| !t.is_finished());
        tasks.push(task);
    }

    /// Stops ticking and retrying: running runs stop before their next message, release
    /// their lease (another replica takes them over at once) and are waited for, at
    /// most `within`.
    pub async fn stop(&self, jobs: Option<JobScheduler>, within: Duration) {
        self.inner.stopping.send_replace(true);
        if let Some(mut jobs) = jobs {
            let _ = jobs.shutdown().await;
        }
        let tasks: Vec<JoinHandle<()>> =
            std::mem::take(&mut *self.inner.tasks.lock().unwrap_or_else(|p| p.into_inner()));
        let all = futures_util::future::join_all(tasks);
        if tokio::time::timeout(within, all).await.is_err() {
            tracing::warn!("report runs still working at shutdown; their leases will expire");
        }
    }
}

/// Whether `due` is within the schedule's life: not before it was created, and within
/// its start and end dates (local dates).
fn in_window(s: &schedule::Model, due: DateTime<Utc>) -> bool {
    if due < s.created_at.trunc_subsecs(0) {
        return false;
    }
    let day = local_date(due, &s.time_zone);
    s.start_date.is_none_or(|d| day >= d) && s.end_date.is_none_or(|d| day <= d)
}

/// The local date of `at` in `zone` (UTC when the zone is unknown).
pub(super) fn local_date(at: DateTime<Utc>, zone: &str) -> chrono::NaiveDate {
    match zone.parse::<Tz>() {
        Ok(tz) => at.with_timezone(&tz).date_naive(),
        Err(_) => at.date_naive(),
    }
}
