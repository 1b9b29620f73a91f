//! Run claims: replicas racing for one due time produce exactly one run; a run whose
//! worker died is taken over once, after its lease; two `coso` processes on one
//! database, both ticking, send a due report once.

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

/// Two `coso` processes on one database (PostgreSQL with `COSO_TEST_DATABASE_URL`, else
/// one SQLite file), both ticking every second over a schedule due this minute: one run,
/// one message per recipient.
#[tokio::test]
async fn two_server_processes_on_one_database_send_a_due_report_once() {
    use chrono::{Datelike, Timelike};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use serde_json::json;

    use crate::process::ServerProcess;
    use crate::smtp::{Behaviour, SmtpServer};

    let smtp = SmtpServer::start(Behaviour::default());
    let smtp_url = smtp.url("");
    let env = |replica| {
        [
            ("COSO_SMTP_URL", smtp_url.as_str()),
            ("COSO_SCHEDULER_TICK_SECS", "1"),
            ("COSO_REPLICA_ID", replica),
        ]
    };
    let mut first = ServerProcess::start(&env("first")).await;
    let admin = first.token("admin", None);
    let now = Utc::now();
    let cron = format!(
        "{} {} {} {} *",
        now.minute(),
        now.hour(),
        now.day(),
        now.month()
    );
    let recipients: Vec<_> = (0..3)
        .map(|i| json!({ "address": format!("lanhdao{i}@congan.quangngai.example"), "displayName": format!("Lãnh đạo {i}") }))
        .collect();
    let input = json!({
        "name": "Báo cáo hai bản sao", "cron": cron, "timeZone": "UTC", "maxDataAgeDays": 3650,
        "ownerAddress": "owner@congan.quangngai.example", "ownerName": "Phòng Tham mưu",
        "recipients": recipients,
    });
    let create =
        "mutation($input: ScheduleInput!) { createReportSchedule(input: $input) { dbId } }";
    let (status, body) = first
        .post_json(
            "/graphql",
            &admin,
            &json!({ "query": create, "variables": { "input": input } }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let id = body["data"]["createReportSchedule"]["dbId"]
        .as_i64()
        .expect("id") as i32;
    let mut second = ServerProcess::start_on(&first.database_url, &env("second")).await;
    let db = sea_orm::Database::connect(&first.database_url)
        .await
        .expect("connect");
    // Created yesterday, so this minute's due time belongs to it: both now race for it.
    entity::report_schedule::Entity::update_many()
        .col_expr(
            entity::report_schedule::Column::CreatedAt,
            Expr::value(now - Duration::days(1)),
        )
        .filter(entity::report_schedule::Column::Id.eq(id))
        .exec(&db)
        .await
        .expect("backdate");
    let runs = async || {
        entity::report_run::Entity::find()
            .filter(entity::report_run::Column::ScheduleId.eq(id))
            .all(&db)
            .await
            .expect("runs")
    };
    let mut done = false;
    for _ in 0..240 {
        let all = runs().await;
        if !all.is_empty() && all.iter().all(|r| r.status != claim::RUNNING) {
            done = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(done, "the run finished: {:?}", runs().await);
    // Both keep ticking for a few more seconds.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let all = runs().await;
    assert_eq!(all.len(), 1, "exactly one run: {all:?}");
    assert_eq!(
        (all[0].status.as_str(), all[0].trigger.as_str()),
        ("sent", "schedule")
    );
    assert!(["first", "second"].contains(&all[0].claimed_by.as_str()));
    let deliveries = entity::report_delivery::Entity::find()
        .filter(entity::report_delivery::Column::RunId.eq(all[0].id))
        .all(&db)
        .await
        .expect("deliveries");
    assert_eq!(deliveries.len(), 3);
    assert!(
        deliveries
            .iter()
            .all(|d| d.status == "sent" && d.attempts == 1),
        "{deliveries:?}"
    );
    let mut counts = std::collections::BTreeMap::new();
    for m in smtp.received() {
        for to in m.to {
            *counts.entry(to).or_insert(0) += 1;
        }
    }
    assert_eq!(counts.len(), 3, "{counts:?}");
    assert!(
        counts.values().all(|n| *n == 1),
        "one message each: {counts:?}"
    );
    assert!(first.alive() && second.alive(), "both replicas still run");
}

/// (subject, report date, html, directives_issued (value, previous, change) from the CSV
/// attachment) of each run of `schedule`, newest first, as an admin client reads them.
async fn runs_shown(app: &TestApp, schedule: i32) -> Vec<(String, String, String, [String; 3])> {
    use serde_json::json;
    let q = "query($id: ID!) { reportRuns(scheduleId: $id) { status archives { subject reportDate html files { url contentType } } } }";
    let data = app
        .data(&app.admin, q, json!({ "id": schedule.to_string() }))
        .await;
    let mut out = Vec::new();
    for run in data["reportRuns"].as_array().expect("runs") {
        assert_eq!(run["status"], "sent", "{run}");
        let archive = &run["archives"][0];
        let csv = archive["files"]
            .as_array()
            .expect("files")
            .iter()
            .find(|f| {
                f["contentType"]
                    .as_str()
                    .is_some_and(|c| c.starts_with("text/csv"))
            })
            .expect("the CSV attachment");
        let url = format!("{}{}", app.base, csv["url"].as_str().expect("url"));
        let bytes = app
            .client
            .get(url)
            .bearer_auth(&app.admin)
            .send()
            .await
            .expect("GET file")
            .bytes()
            .await
            .expect("bytes");
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let mut reader = csv::Reader::from_reader(body);
        let row = reader
            .records()
            .map(|r| r.expect("CSV row"))
            .find(|r| &r[0] == "directives_issued")
            .expect("directives row");
        let field = |i: usize| row[i].to_owned();
        out.push((
            archive["subject"].as_str().expect("subject").to_owned(),
            archive["reportDate"].as_str().expect("date").to_owned(),
            archive["html"].as_str().expect("html").to_owned(),
            [field(5), field(7), field(8)],
        ));
    }
    out
}

/// A monthly schedule at 07:00 on the 1st, in the server's zone (Asia/Ho_Chi_Minh) since
/// it names none: the run of 1 November is October's report, the run of 1 December
/// 2026 is "Báo cáo tháng 11/2026" with the figures of 30/11/2026 and the change since
/// October; a run started by hand on 2 December is November's again and still compares
/// with October (not with the other November report).
#[tokio::test]
async fn a_monthly_run_on_1_december_is_about_november() {
    use coso::dataset::DatasetCache;
    use coso::mail::{MailSettings, Mailer};
    use coso::scheduler::{Clock, Scheduler, SchedulerSettings};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use serde_json::json;

    use crate::reports::{OWNER, create, join, people};

    let app = TestApp::spawn().await;
    let input = json!({
        "name": "Báo cáo tháng gửi Ban Giám đốc",
        "cron": "0 7 1 * *",
        "ownerAddress": OWNER,
        "ownerName": "Phòng Tham mưu",
        "maxDataAgeDays": 3650,
        "recipients": people(1),
    });
    let id = create(&app, input).await;
    let zone = app
        .data(
            &app.admin,
            "{ reportSchedules { dbId timeZone } }",
            json!({}),
        )
        .await;
    assert_eq!(zone["reportSchedules"][0]["timeZone"], "Asia/Ho_Chi_Minh");
    let created = Utc
        .with_ymd_and_hms(2026, 10, 1, 0, 0, 0)
        .single()
        .expect("time");
    entity::report_schedule::Entity::update_many()
        .col_expr(
            entity::report_schedule::Column::CreatedAt,
            Expr::value(created),
        )
        .filter(entity::report_schedule::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .expect("backdate");
    // 1 November 2026, 07:00:30 in Quảng Ngãi.
    let clock = Clock::manual(
        Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 30)
            .single()
            .expect("time"),
    );
    let settings = SchedulerSettings {
        tick_secs: 0,
        replica_id: Some("here".into()),
        clock: clock.clone(),
        ..SchedulerSettings::default()
    };
    let mailer = Mailer::outbox(&app.outbox, MailSettings::default_from());
    let scheduler = Scheduler::new(app.db.clone(), DatasetCache::default(), mailer, settings);
    join(scheduler.tick().await.expect("tick")).await;
    // A directive issued in November moves November's figures away from October's.
    let directive = json!({ "number": "99-KH/CAT", "kind": "PLAN", "issuer": "POLICE_DEPARTMENT",
        "title": "Kế hoạch tháng 11", "issuedOn": "2026-11-15" });
    app.data(
        &app.admin,
        "mutation($i: DirectiveInput!) { createDirective(input: $i) { dbId } }",
        json!({ "i": directive }),
    )
    .await;
    // 1 December 2026, 07:00:30 there (00:00:30 UTC).
    clock.set(
        Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 30)
            .single()
            .expect("time"),
    );
    join(scheduler.tick().await.expect("tick")).await;
    clock.set(
        Utc.with_ymd_and_hms(2026, 12, 2, 3, 0, 0)
            .single()
            .expect("time"),
    );
    let manual = scheduler.run_now(id).await.expect("run now");
    assert_eq!(manual.status, "sent");

    let runs = runs_shown(&app, id).await;
    assert_eq!(runs.len(), 3);
    let (october, november, again) = (&runs[2], &runs[1], &runs[0]);
    assert!(
        october.0.starts_with("Báo cáo tháng 10/2026"),
        "{}",
        october.0
    );
    assert_eq!(october.1, "2026-10-31");
    assert_eq!(october.3[1], "", "no report before October's");
    let n: u32 = october.3[0].parse().expect("a count");
    for (name, run) in [("scheduled", november), ("by hand", again)] {
        assert!(
            run.0.starts_with("Báo cáo tháng 11/2026"),
            "{name}: {}",
            run.0
        );
        assert_eq!(run.1, "2026-11-30", "{name}");
        assert!(
            run.2.contains("30/11/2026"),
            "{name}: figures as of 30/11/2026"
        );
        assert!(!run.2.contains("tháng 12/2026"), "{name}");
        let expected = [(n + 1).to_string(), n.to_string(), "1".to_owned()];
        assert_eq!(run.3, expected, "{name}: compared with October");
    }
}
