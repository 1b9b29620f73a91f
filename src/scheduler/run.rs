//! One claimed run, from claim to outcome: load the schedule and its recipients,
//! create a delivery row per recipient, render (or reload from the archive) one report
//! per recipient scope, refuse stale data, send to each recipient not yet served with
//! retries and backoff for transient failures, renew the lease meanwhile, finish the
//! run and tell the owner when it did not fully succeed.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{
    report_delivery as delivery, report_recipient as recipient, report_run as run,
    report_schedule as schedule,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::compose::{Request, compose};
use super::deliver::{self, SENT};
use super::lease::LeaseGuard;
use super::notice::{Failure, tell_owner};
use super::period::month_start;
use super::runner::Scheduler;
use super::{archive, claim};
use crate::domain::ReportFormat;
use crate::mail::address;
use crate::report::{
    self, CSV_CONTENT_TYPE, Language, RenderedReport, ReportData, XLSX_CONTENT_TYPE,
};
use crate::service::{self, ServiceError, schedules};
use crate::telemetry::metrics;

/// Why no report could be made for a run.
#[derive(Debug)]
pub(super) enum RunError {
    /// The data is older than the schedule allows.
    Stale(String),
    /// The indicators could not be computed.
    Compute(ServiceError),
    /// The report could not be rendered.
    Render(report::ReportError),
}

impl RunError {
    /// The reason recorded on the run (a stable code first; no database text).
    pub(super) fn reason(&self) -> String {
        match self {
            Self::Stale(why) => format!("STALE_DATA: {why}"),
            Self::Compute(e) => format!("COMPUTE_FAILED: {e}"),
            Self::Render(e) => format!("{}: {e}", e.code()),
        }
    }

    /// As a service error (for `previewReport`).
    pub(super) fn into_service(self) -> ServiceError {
        match self {
            Self::Compute(e) => e,
            other => ServiceError::invalid("scheduleId", other.reason()),
        }
    }
}

/// What a pass over a run left.
pub(super) enum Left {
    /// The run is finished (or was handed over).
    Done,
    /// Transient failures wait for a retry.
    Retries,
}

/// A rendition ready to send.
struct Rendition {
    archive_id: i32,
    report: RenderedReport,
}

impl Scheduler {
    /// Works on a claimed run. With `wait`, waits out retries; without, returns after
    /// one attempt per recipient, and true when retries are left for later. The run's
    /// work goes on in a task of its own, supervised by another: an error or a panic
    /// there ends the run `failed` with a reason and tells the owner, even when the
    /// caller (a `runReportNow` request) has gone away meanwhile.
    pub(super) async fn execute(&self, r: run::Model, wait: bool) -> service::Result<bool> {
        let me = self.clone();
        tokio::spawn(async move { me.supervise(r, wait).await })
            .await
            .map_err(|e| ServiceError::Internal(format!("run supervisor: {e}")))?
    }

    async fn supervise(&self, r: run::Model, wait: bool) -> service::Result<bool> {
        let me = self.clone();
        let run = r.clone();
        self.supervise_work(r, async move { me.work(&run, wait).await })
            .await
    }

    /// Runs `work` for the claimed run `r` in a task of its own that holds the lease
    /// guard, and turns its error or panic into a `failed` run (owner told).
    pub(super) async fn supervise_work<F>(&self, r: run::Model, work: F) -> service::Result<bool>
    where
        F: std::future::Future<Output = service::Result<Left>> + Send + 'static,
    {
        let Some(_active) = Active::enter(self, r.id) else {
            return Ok(false);
        };
        let lease = self.renew_lease(r.id);
        let work = tokio::spawn(async move {
            let _lease = lease;
            work.await
        });
        let reason = match work.await {
            Ok(Ok(left)) => return Ok(matches!(left, Left::Retries)),
            Ok(Err(e)) => {
                tracing::error!(run = r.id, error = ?e, "report run failed");
                format!("{}: {e}", e.code())
            }
            Err(ended) => {
                let why = if ended.is_panic() {
                    panic_text(ended.into_panic())
                } else {
                    "cancelled".to_owned()
                };
                tracing::error!(run = r.id, panic = %why, "report run stopped unexpectedly");
                format!(
                    "INTERNAL: the run stopped on an internal error; the log of replica {} has the details",
                    self.inner.replica
                )
            }
        };
        self.fail(&r, &reason).await?;
        Ok(false)
    }

    /// Ends a run this replica holds as `failed` with `reason` (open deliveries too) and
    /// tells the owner.
    async fn fail(&self, r: &run::Model, reason: &str) -> service::Result<()> {
        let db = &self.inner.db;
        if !claim::fail_held(db, r.id, &self.inner.replica, reason).await? {
            return Ok(());
        }
        deliver::fail_open(db, r.id, reason).await?;
        metrics::record_report_run("failed");
        match schedules::get(db, r.schedule_id).await {
            Ok((s, _)) => self.tell(&s, r, Some(reason)).await,
            Err(e) => tracing::error!(run = r.id, error = ?e, "could not tell the owner"),
        }
        Ok(())
    }

    /// Renews the run's lease every third of it while the returned guard lives.
    fn renew_lease(&self, run_id: i32) -> LeaseGuard {
        let me = self.clone();
        let lease = self.inner.settings.lease();
        let every = lease.to_std().unwrap_or(Duration::from_secs(120)) / 3;
        LeaseGuard::start(every, move || {
            let me = me.clone();
            async move {
                match claim::renew(&me.inner.db, run_id, &me.inner.replica, lease).await {
                    Ok(held) => held,
                    Err(e) => {
                        tracing::warn!(run = run_id, error = ?e, "lease renewal failed");
                        true
                    }
                }
            }
        })
    }

    async fn work(&self, r: &run::Model, wait: bool) -> service::Result<Left> {
        let db = &self.inner.db;
        let (s, recipients) = match schedules::get(db, r.schedule_id).await {
            Ok(found) => found,
            Err(ServiceError::NotFound { .. }) => {
                claim::finish(db, r.id, "failed", Some("the schedule was deleted".into())).await?;
                metrics::record_report_run("failed");
                return Ok(Left::Done);
            }
            Err(e) => return Err(e),
        };
        let rows = deliver::ensure(db, r.id, &recipients).await?;
        let renditions = match self.renditions(r, &s, &recipients, &rows).await {
            Ok(renditions) => renditions,
            Err(e) => {
                let reason = e.reason();
                tracing::error!(run = r.id, schedule = s.id, %reason, "no report made");
                deliver::fail_open(db, r.id, &reason).await?;
                claim::finish(db, r.id, "failed", Some(reason.clone())).await?;
                metrics::record_report_run("failed");
                self.tell(&s, r, Some(&reason)).await;
                return Ok(Left::Done);
            }
        };
        loop {
            if self.lost_or_stopping(r.id).await? {
                return Ok(Left::Done);
            }
            let now = Utc::now();
            let due: Vec<delivery::Model> = deliver::of_run(db, r.id)
                .await?
                .into_iter()
                .filter(|d| deliver::is_due(d, now))
                .collect();
            for d in &due {
                if self.lost_or_stopping(r.id).await? {
                    return Ok(Left::Done);
                }
                self.send_one(d, &recipients, &renditions).await?;
            }
            let rows = deliver::of_run(db, r.id).await?;
            let Some(next) = rows
                .iter()
                .filter(|d| deliver::is_open(d))
                .map(|d| d.next_attempt_at.unwrap_or(now))
                .min()
            else {
                break;
            };
            if !wait {
                return Ok(Left::Retries);
            }
            self.sleep_until(next).await;
        }
        self.finish(&s, r).await?;
        Ok(Left::Done)
    }

    /// Whether this replica lost the run or is shutting down; on shutdown the lease is
    /// released so another replica takes the run over at once.
    async fn lost_or_stopping(&self, run_id: i32) -> service::Result<bool> {
        let db = &self.inner.db;
        if *self.inner.stopping.borrow() {
            claim::release(db, run_id, &self.inner.replica).await?;
            tracing::info!(run = run_id, "shutting down: run handed over");
            return Ok(true);
        }
        let held = run::Entity::find_by_id(run_id)
            .filter(run::Column::ClaimedBy.eq(self.inner.replica.as_str()))
            .filter(run::Column::Status.eq(claim::RUNNING))
            .one(db)
            .await?
            .is_some();
        if !held {
            tracing::warn!(
                run = run_id,
                "run taken over by another replica; stopping here"
            );
        }
        Ok(!held)
    }

    async fn sleep_until(&self, at: DateTime<Utc>) {
        let wait = (at - Utc::now()).to_std().unwrap_or_default();
        let mut stopping = self.inner.stopping.subscribe();
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stopping.wait_for(|s| *s) => {}
        }
    }

    /// One rendition per scope that still has someone to serve: from the archive when
    /// an earlier attempt made it, else computed, rendered and archived now.
    async fn renditions(
        &self,
        r: &run::Model,
        s: &schedule::Model,
        recipients: &[recipient::Model],
        rows: &[delivery::Model],
    ) -> Result<HashMap<String, Rendition>, RunError> {
        let db = &self.inner.db;
        let scopes: BTreeSet<Option<String>> = rows
            .iter()
            .filter(|d| deliver::is_open(d))
            .filter_map(|d| recipients.iter().find(|x| x.id == d.recipient_id))
            .map(|x| x.area_code.clone())
            .collect();
        let mut out = HashMap::new();
        for district in scopes {
            let code = archive::scope_code(district.as_deref());
            let stored = archive::find(db, r.id, &code)
                .await
                .map_err(RunError::Compute)?;
            let archive_id = match stored {
                Some(a) => a.id,
                None => {
                    let as_of = report_day(r, s, self.inner.settings.today);
                    let (data, report) =
                        self.render(s, Some(r), district.as_deref(), as_of).await?;
                    let saved = archive::store(db, r.id, &code, &data, &report)
                        .await
                        .map_err(RunError::Compute)?;
                    record_version(db, r.id, data.data_version)
                        .await
                        .map_err(RunError::Compute)?;
                    saved.id
                }
            };
            let (_, report) = archive::load(db, archive_id)
                .await
                .map_err(RunError::Compute)?;
            out.insert(code, Rendition { archive_id, report });
        }
        Ok(out)
    }

    /// Computes and renders the report of `s` for a scope as of `as_of`, after checking
    /// that the data is fresh enough.
    pub(super) async fn render(
        &self,
        s: &schedule::Model,
        r: Option<&run::Model>,
        district: Option<&str>,
        as_of: chrono::NaiveDate,
    ) -> Result<(ReportData, RenderedReport), RunError> {
        let db = &self.inner.db;
        check_fresh(db, s, self.now()).await?;
        let scope = archive::scope_code(district);
        let previous = match r {
            Some(r) => archive::previous_values(db, s.id, &scope, r.id, month_start(as_of))
                .await
                .map_err(RunError::Compute)?,
            None => Default::default(),
        };
        let language = Language::parse(&s.language).map_err(RunError::Render)?;
        let data = compose(Request {
            db,
            datasets: &self.inner.datasets,
            district,
            as_of,
            config: self.inner.settings.engine,
            language,
            schedule_name: Some(s.name.clone()),
            previous,
        })
        .await
        .map_err(RunError::Compute)?;
        let rendered = tokio::task::spawn_blocking({
            let data = data.clone();
            move || report::render(&data)
        })
        .await
        .map_err(|e| RunError::Compute(ServiceError::Internal(format!("render worker: {e}"))))?
        .map_err(RunError::Render)?;
        Ok((data, keep_formats(rendered, &s.formats)))
    }

    /// Sends one delivery and records the outcome.
    async fn send_one(
        &self,
        d: &delivery::Model,
        recipients: &[recipient::Model],
        renditions: &HashMap<String, Rendition>,
    ) -> service::Result<()> {
        let db = &self.inner.db;
        let attempts = d.attempts + 1;
        let Some(who) = recipients.iter().find(|x| x.id == d.recipient_id) else {
            let why = "the recipient was removed from the schedule";
            return deliver::failed(db, d.id, attempts, why, None).await;
        };
        let code = archive::scope_code(who.area_code.as_deref());
        let Some(rendition) = renditions.get(&code) else {
            let why = "no report was made for this recipient's scope";
            return deliver::failed(db, d.id, attempts, why, None).await;
        };
        let to = match address::mailbox(&who.display_name, &who.address) {
            Ok(mailbox) => mailbox,
            Err(e) => {
                let why = format!("{}: {e}", e.code());
                tracing::warn!(delivery = d.id, error = %why, "stored recipient refused");
                metrics::record_delivery("failed");
                return deliver::failed(db, d.id, attempts, &why, None).await;
            }
        };
        match self.inner.mailer.send_report(&rendition.report, &to).await {
            Ok(_) => {
                tracing::info!(delivery = d.id, to = %who.address, "report delivered");
                metrics::record_delivery("sent");
                deliver::sent(db, d.id, attempts, rendition.archive_id).await
            }
            Err(e) => {
                let max = self.inner.settings.max_attempts.max(1) as i32;
                let next = (e.is_transient() && attempts < max).then(|| {
                    let wait = self.inner.settings.backoff(attempts as u32);
                    Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default()
                });
                tracing::warn!(delivery = d.id, to = %who.address, attempts, retry = next.is_some(), error = %e, "report delivery failed");
                let why = format!("{}: {e}", e.code());
                metrics::record_delivery(if next.is_some() { "retry" } else { "failed" });
                deliver::failed(db, d.id, attempts, &why, next).await
            }
        }
    }

    /// Ends the run by its deliveries: `sent` (all), `partial`, or `failed` (none); the
    /// owner is told unless all were sent.
    async fn finish(&self, s: &schedule::Model, r: &run::Model) -> service::Result<()> {
        let rows = deliver::of_run(&self.inner.db, r.id).await?;
        let sent = rows.iter().filter(|d| d.status == SENT).count();
        let (status, error) = match sent {
            n if n == rows.len() => ("sent", None),
            0 => (
                "failed",
                Some(format!("none of {} recipients served", rows.len())),
            ),
            n => (
                "partial",
                Some(format!("{n} of {} recipients served", rows.len())),
            ),
        };
        claim::finish(&self.inner.db, r.id, status, error.clone()).await?;
        metrics::record_report_run(status);
        tracing::info!(
            run = r.id,
            schedule = s.id,
            status,
            sent,
            of = rows.len(),
            "report run finished"
        );
        if status != "sent" {
            self.tell(s, r, error.as_deref()).await;
        }
        Ok(())
    }

    /// Tells the owner; a failure to do so is logged.
    async fn tell(&self, s: &schedule::Model, r: &run::Model, reason: Option<&str>) {
        let deliveries = deliver::of_run(&self.inner.db, r.id)
            .await
            .unwrap_or_default();
        let failure = Failure {
            schedule: s,
            run_id: r.id,
            due_at: r.due_at,
            reason,
            deliveries: &deliveries,
        };
        match tell_owner(&self.inner.mailer, &failure).await {
            Ok(()) => tracing::info!(run = r.id, owner = %s.owner_address, "owner told"),
            Err(e) => tracing::error!(run = r.id, error = %e, "could not tell the owner"),
        }
    }
}

/// The day a run's figures are taken on: the last day of the month before the local
/// day of its due time, whatever started it (see [`super::period`]), or before the
/// pinned "today" of a server that has one.
pub(super) fn report_day(
    r: &run::Model,
    s: &schedule::Model,
    pinned: Option<chrono::NaiveDate>,
) -> chrono::NaiveDate {
    match pinned {
        Some(today) => super::period::last_full_month_end(today),
        None => super::period::report_day_at(r.due_at, &s.time_zone),
    }
}

/// Refuses data that last changed longer ago than the schedule allows.
async fn check_fresh(
    db: &sea_orm::DatabaseConnection,
    s: &schedule::Model,
    now: DateTime<Utc>,
) -> Result<(), RunError> {
    let current = service::version::current(db)
        .await
        .map_err(RunError::Compute)?;
    let Some(v) = current else {
        return Err(RunError::Stale("there is no data yet".into()));
    };
    let age = now - v.changed_at;
    if age.num_days() > i64::from(s.max_data_age_days) {
        return Err(RunError::Stale(format!(
            "the data last changed on {} ({} days ago); the schedule allows {} days",
            v.changed_at.format("%d/%m/%Y"),
            age.num_days(),
            s.max_data_age_days
        )));
    }
    Ok(())
}

/// Drops the attachments the schedule's formats leave out (the HTML body and its
/// plain-text part are always sent).
fn keep_formats(mut report: RenderedReport, formats: &str) -> RenderedReport {
    let wanted: Vec<ReportFormat> = formats
        .split(',')
        .filter_map(|f| ReportFormat::from_code(f.trim()))
        .collect();
    report
        .attachments
        .retain(|a| match a.content_type.as_str() {
            XLSX_CONTENT_TYPE => wanted.contains(&ReportFormat::Xlsx),
            CSV_CONTENT_TYPE => wanted.contains(&ReportFormat::Csv),
            _ => true,
        });
    report
}

async fn record_version(
    db: &sea_orm::DatabaseConnection,
    run_id: i32,
    version: i64,
) -> service::Result<()> {
    run::Entity::update_many()
        .col_expr(run::Column::DataVersion, Expr::value(Some(version)))
        .filter(run::Column::Id.eq(run_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks a run as worked on by this replica while it lives (so a tick of the same
/// replica does not start it twice); removed however the work ends.
struct Active {
    scheduler: Scheduler,
    id: i32,
}

impl Active {
    fn enter(scheduler: &Scheduler, id: i32) -> Option<Self> {
        let mut active = scheduler
            .inner
            .active
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        active.insert(id).then(|| Self {
            scheduler: scheduler.clone(),
            id,
        })
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        self.scheduler
            .inner
            .active
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.id);
    }
}

/// The message of a panic, for the log.
fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(text) => *text,
        Err(payload) => payload
            .downcast_ref::<&str>()
            .map_or_else(|| "a panic".to_owned(), |text| (*text).to_owned()),
    }
}
