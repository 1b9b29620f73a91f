//! Run claims: replicas racing for one due time produce exactly one run; a run whose
//! worker died is taken over once, after its lease.

use chrono::{Duration, TimeZone, Utc};
use coso::scheduler::claim::{self, Trigger};

use crate::helpers::TestApp;

async fn schedule_id(app: &TestApp) -> i32 {
    coso::service::schedules::seed_demo(&app.db)
        .await
        .expect("demo schedules");
    coso::service::schedules::list(&app.db).await.expect("list")[0]
        .0
        .id
}

#[tokio::test]
async fn replicas_racing_for_one_due_time_run_it_once() {
    let app = TestApp::spawn().await;
    let id = schedule_id(&app).await;
    let due = Utc
        .with_ymd_and_hms(2026, 12, 1, 1, 0, 0)
        .single()
        .expect("time");
    let lease = Duration::minutes(5);
    let replicas: Vec<String> = (0..8).map(|i| format!("replica-{i}")).collect();
    let claims = futures_util::future::join_all(
        replicas
            .iter()
            .map(|r| claim::claim(&app.db, id, due, Trigger::Schedule, r, lease)),
    )
    .await;
    let won: Vec<_> = claims
        .into_iter()
        .filter_map(|c| c.expect("no error"))
        .collect();
    assert_eq!(won.len(), 1, "exactly one replica runs the due time");
    let again = claim::claim(&app.db, id, due, Trigger::Schedule, "restarted", lease)
        .await
        .expect("no error");
    assert!(again.is_none(), "a restart does not run it again");
    let next = claim::claim(
        &app.db,
        id,
        due + Duration::days(31),
        Trigger::Schedule,
        "replica-0",
        lease,
    )
    .await
    .expect("ok");
    assert!(next.is_some(), "the next due time is a new run");
}

#[tokio::test]
async fn a_dead_workers_run_is_taken_over_once_after_its_lease() {
    let app = TestApp::spawn().await;
    let id = schedule_id(&app).await;
    let due = Utc
        .with_ymd_and_hms(2026, 12, 1, 1, 0, 0)
        .single()
        .expect("time");
    let run = claim::claim(
        &app.db,
        id,
        due,
        Trigger::Schedule,
        "dead",
        Duration::milliseconds(200),
    )
    .await
    .expect("ok")
    .expect("claimed");
    let early = claim::take_over(&app.db, run.id, "rescuer", Duration::minutes(5))
        .await
        .expect("ok");
    assert!(early.is_none(), "the lease still holds");
    assert!(
        claim::renew(&app.db, run.id, "dead", Duration::milliseconds(200))
            .await
            .expect("ok")
    );
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let expired = claim::expired(&app.db).await.expect("ok");
    assert_eq!(
        expired.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![run.id]
    );
    let (a, b) = tokio::join!(
        claim::take_over(&app.db, run.id, "rescuer-a", Duration::minutes(5)),
        claim::take_over(&app.db, run.id, "rescuer-b", Duration::minutes(5)),
    );
    let taken: Vec<_> = [a.expect("ok"), b.expect("ok")]
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(taken.len(), 1, "one rescuer takes it");
    assert!(
        !claim::renew(&app.db, run.id, "dead", Duration::minutes(1))
            .await
            .expect("ok"),
        "the dead worker lost it"
    );
    claim::finish(&app.db, run.id, "sent", None)
        .await
        .expect("finish");
    assert!(claim::expired(&app.db).await.expect("ok").is_empty());
}
