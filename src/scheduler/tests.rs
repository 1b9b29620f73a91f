//! The run supervisor on a real database (in-memory SQLite) with the outbox: a run whose
//! work panics or errs ends `failed` with a reason, its open deliveries failed, the owner
//! told, its lease no longer renewed, and nothing left for a take-over to run again.

use std::path::Path;
use std::time::Duration;

use chrono::{SubsecRound, Utc};
use entity::report_run as run;
use mail_parser::MessageParser;
use sea_orm::{DatabaseConnection, EntityTrait};

use super::claim::{self, Trigger};
use super::run::Left;
use super::{Scheduler, SchedulerSettings, deliver};
use crate::dataset::DatasetCache;
use crate::domain::{MissedPolicy, ReportKind, ReportLanguage};
use crate::mail::{MailSettings, Mailer};
use crate::service::ServiceError;
use crate::service::schedules::{self, RecipientInput, ScheduleInput};

const OWNER: &str = "owner@example.org";

/// A scheduler with a 1 s lease (renewed every 333 ms) and a claimed manual run with one
/// pending delivery.
async fn claimed(outbox: &Path) -> (Scheduler, DatabaseConnection, run::Model) {
    let (db, _) = crate::db::connect("sqlite::memory:", 1).await.unwrap();
    crate::db::migrate(&db).await.unwrap();
    let input = ScheduleInput {
        name: "Báo cáo".into(),
        cron: "0 8 * * *".into(),
        time_zone: None,
        report_kind: ReportKind::MonthlyOverview,
        language: ReportLanguage::Vi,
        formats: None,
        start_date: None,
        end_date: None,
        enabled: true,
        missed_policy: MissedPolicy::Latest,
        max_data_age_days: 45,
        owner_address: OWNER.into(),
        owner_name: "Phòng Tham mưu".into(),
        recipients: vec![RecipientInput {
            address: "lanhdao@example.org".into(),
            display_name: "Lãnh đạo".into(),
            area_code: None,
            district_code: None,
        }],
    };
    let (s, recipients) = schedules::create(&db, input).await.unwrap();
    let settings = SchedulerSettings {
        tick_secs: 0,
        lease_secs: 1,
        replica_id: Some("here".into()),
        ..SchedulerSettings::default()
    };
    let lease = settings.lease();
    let mailer = Mailer::outbox(outbox, MailSettings::default_from());
    let scheduler = Scheduler::new(db.clone(), DatasetCache::default(), mailer, settings);
    let now = Utc::now().trunc_subsecs(0);
    let r = claim::claim(&db, s.id, now, Trigger::Manual, "here", lease)
        .await
        .unwrap()
        .unwrap();
    deliver::ensure(&db, r.id, &recipients).await.unwrap();
    (scheduler, db, r)
}

async fn read(db: &DatabaseConnection, id: i32) -> run::Model {
    run::Entity::find_by_id(id).one(db).await.unwrap().unwrap()
}

/// The plain text of each message in the outbox, with its recipients.
fn notices(dir: &Path) -> Vec<(String, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| std::fs::read(e.path()).unwrap())
        .map(|raw| {
            let m = MessageParser::default().parse(&raw[..]).unwrap();
            let to = m.to().and_then(|a| a.first()?.address.clone()).unwrap();
            (to.into_owned(), m.body_text(0).unwrap().into_owned())
        })
        .collect()
}

/// Ends the run as failed and tells the owner once; a later tick finds nothing to take
/// over and the lease is no longer renewed.
async fn assert_failed_and_told(
    scheduler: &Scheduler,
    db: &DatabaseConnection,
    outbox: &Path,
    r: &run::Model,
    reason: &str,
) {
    let row = read(db, r.id).await;
    assert_eq!(row.status, "failed");
    let error = row.error.clone().unwrap_or_default();
    assert!(error.starts_with(reason), "{error}");
    let rows = deliver::of_run(db, r.id).await.unwrap();
    assert!(rows.iter().all(|d| d.status == deliver::FAILED), "{rows:?}");
    assert!(scheduler.inner.active.lock().unwrap().is_empty());
    let told = notices(outbox);
    assert_eq!(told.len(), 1, "one notice");
    assert_eq!(told[0].0, OWNER);
    assert!(
        told[0].1.contains(&format!("Lý do: {error}")),
        "{}",
        told[0].1
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(scheduler.tick().await.unwrap().is_empty(), "no take-over");
    let later = read(db, r.id).await;
    assert_eq!(
        (later.status, later.lease_until),
        (row.status, row.lease_until)
    );
    assert_eq!(notices(outbox).len(), 1);
}

#[tokio::test]
async fn a_run_whose_work_panics_ends_failed_and_the_owner_is_told() {
    let dir = tempfile::tempdir().unwrap();
    let (scheduler, db, r) = claimed(dir.path()).await;
    let ended = scheduler
        .supervise_work(r.clone(), async {
            tokio::time::sleep(Duration::from_millis(800)).await;
            panic!("the message builder panicked");
        })
        .await;
    assert!(matches!(ended, Ok(false)), "{ended:?}");
    let row = read(&db, r.id).await;
    assert!(
        row.lease_until > r.lease_until,
        "renewed while the work lived"
    );
    let reason = "INTERNAL: the run stopped on an internal error; the log of replica here";
    assert_failed_and_told(&scheduler, &db, dir.path(), &r, reason).await;
}

#[tokio::test]
async fn a_run_whose_work_errs_ends_failed_with_the_errors_code() {
    let dir = tempfile::tempdir().unwrap();
    let (scheduler, db, r) = claimed(dir.path()).await;
    let ended = scheduler
        .supervise_work(r.clone(), async {
            Err::<Left, _>(ServiceError::Internal("a corrupt row".into()))
        })
        .await;
    assert!(matches!(ended, Ok(false)), "{ended:?}");
    let run = read(&db, r.id).await;
    assert_eq!(run.error.as_deref(), Some("INTERNAL: internal error"));
    assert_failed_and_told(&scheduler, &db, dir.path(), &r, "INTERNAL").await;
}
