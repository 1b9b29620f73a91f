//! How runs end when something goes wrong, over real SMTP or the outbox: a recipient
//! whose mail keeps failing (`failed`) or is refused for good while another is served
//! (`partial`), each with the owner's notice checked; missed runs under each policy on a
//! manual clock; a stored recipient the rules refuse; a take-over that sends the archived
//! report; an archive tampered with.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use coso::dataset::DatasetCache;
use coso::mail::{MailSettings, Mailer};
use coso::scheduler::{Clock, Scheduler, SchedulerSettings, deliver};
use entity::report_schedule;
use mail_parser::{MessageParser, MimeHeaders};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::reports::{
    OWNER, RUN, create, demo_schedules, join, outbox, people, per_recipient, recipients_of,
    schedule_input, scheduler_at, scheduler_with, smtp_scheduler, text_of, wait_finished,
};
use crate::smtp::{Behaviour, SmtpServer};

#[tokio::test]
async fn a_mail_server_that_stays_down_fails_the_run_and_tells_the_owner() {
    let app = TestApp::spawn().await;
    // The recipient's mail keeps failing (451); the owner's mailbox is served.
    let recipient = "lanhdao0@congan.quangngai.example";
    let server = SmtpServer::start(Behaviour {
        refuse: vec![(recipient.to_owned(), 451, "4.3.2 try again later")],
        ..Behaviour::default()
    });
    let id = create(&app, schedule_input("Báo cáo tuần", people(1))).await;
    let scheduler = scheduler_with(&app, &server, "a", 3, 50);
    let run = scheduler.run_now(id).await.expect("run");
    let run = wait_finished(&app, run.id).await;
    assert_eq!(run.status, "failed");
    assert_eq!(run.error.as_deref(), Some("none of 1 recipients served"));
    let rows = deliver::of_run(&app.db, run.id).await.expect("rows");
    assert_eq!(
        (rows[0].status.as_str(), rows[0].attempts),
        (deliver::FAILED, 3)
    );
    let notice = owner_notice(&server).await;
    let subject = notice.subject().expect("subject").to_owned();
    assert_eq!(subject, "[coso] Báo cáo chưa gửi được: Báo cáo tuần");
    let text = notice.body_text(0).expect("text").into_owned();
    assert!(text.contains(&format!("lượt chạy {}", run.id)), "{text}");
    assert!(
        text.contains("Lý do: none of 1 recipients served"),
        "{text}"
    );
    assert!(
        text.contains(&format!("- {recipient}: failed: MAIL_TRANSIENT")),
        "{text}"
    );
    assert!(text.contains("4.3.2 try again later"), "{text}");
    assert_eq!(server.received().len(), 1, "the notice only");
}

#[tokio::test]
async fn one_recipient_refused_for_good_makes_a_partial_run_and_a_notice_listing_each() {
    let app = TestApp::spawn().await;
    let (served, refused) = (
        "lanhdao0@congan.quangngai.example",
        "lanhdao1@congan.quangngai.example",
    );
    let server = SmtpServer::start(Behaviour {
        refuse: vec![(refused.to_owned(), 550, "5.1.1 no such mailbox")],
        ..Behaviour::default()
    });
    let mut input = schedule_input("Monthly report", people(2));
    input["language"] = json!("EN");
    let id = create(&app, input).await;
    let run = smtp_scheduler(&app, &server, "a")
        .run_now(id)
        .await
        .expect("run");
    assert_eq!(run.status, "partial", "{run:?}");
    assert_eq!(run.error.as_deref(), Some("1 of 2 recipients served"));
    let rows = deliver::of_run(&app.db, run.id).await.expect("rows");
    let by_address = |a: &str| rows.iter().find(|d| d.address == a).expect("row").clone();
    assert_eq!(by_address(served).status, deliver::SENT);
    let failed = by_address(refused);
    assert_eq!(
        (failed.status.as_str(), failed.attempts),
        (deliver::FAILED, 1)
    );
    let counts = per_recipient(&server);
    assert_eq!(counts.get(served), Some(&1));
    assert_eq!(counts.get(refused), None);
    let notice = owner_notice(&server).await;
    assert_eq!(
        notice.subject(),
        Some("[coso] Report not delivered: Monthly report")
    );
    let text = notice.body_text(0).expect("text").into_owned();
    assert!(text.contains("Reason: 1 of 2 recipients served"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.trim_end() == format!("- {served}: sent")),
        "{text}"
    );
    assert!(
        text.contains(&format!("- {refused}: failed: MAIL_PERMANENT"))
            && text.contains("5.1.1 no such mailbox"),
        "{text}"
    );
}

/// The one message the test SMTP server got for [`OWNER`], parsed.
async fn owner_notice(server: &SmtpServer) -> mail_parser::Message<'static> {
    for _ in 0..100 {
        let found = server
            .received()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.contains(OWNER)))
            .collect::<Vec<_>>();
        match found.as_slice() {
            [one] => {
                let message = MessageParser::default()
                    .parse(&one.data[..])
                    .expect("parses");
                return message.into_owned();
            }
            [] => tokio::time::sleep(Duration::from_millis(100)).await,
            more => panic!("{} notices for the owner", more.len()),
        }
    }
    panic!("the owner was not told");
}

/// 08:00 every day in Hà Nội time is 01:00 UTC.
fn at(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, day, h, m, 0)
        .single()
        .expect("time")
}

#[tokio::test]
async fn missed_runs_follow_the_schedule_policy() {
    let app = TestApp::spawn().await;
    let server = SmtpServer::start(Behaviour::default());
    let latest = create(&app, schedule_input("Chạy bù", people(1))).await;
    let mut input = schedule_input("Bỏ qua", people(1));
    input["missedPolicy"] = json!("SKIP");
    let skip = create(&app, input).await;
    for id in [latest, skip] {
        created_at(&app, id, at(1, 0, 0)).await;
    }
    // Every replica was down from 07:00 to 11:30 local on 10 June: the 08:00 run was missed.
    let clock = Clock::manual(at(10, 4, 30));
    let scheduler = scheduler_at(&app, &server, "a", 6, 200, clock.clone());
    join(scheduler.tick().await.expect("tick")).await;
    let due = at(10, 1, 0);
    let runs = runs_of(&app, latest).await;
    assert_eq!(
        runs,
        vec![(due, "catch_up".to_owned(), "sent".to_owned())],
        "the latest missed due time, run once"
    );
    let runs = runs_of(&app, skip).await;
    assert_eq!(
        runs,
        vec![(due, "catch_up".to_owned(), "skipped".to_owned())]
    );
    assert_eq!(server.received().len(), 1, "only the catch-up was sent");
    // Ticking again that day changes nothing.
    clock.set(at(10, 9, 0));
    assert!(scheduler.tick().await.expect("tick").is_empty());
    assert_eq!(runs_of(&app, latest).await.len(), 1);
    assert_eq!(runs_of(&app, skip).await.len(), 1);
    // The next morning the replica is up: 08:00:30 local is on time for both policies.
    clock.set(at(11, 1, 0) + chrono::Duration::seconds(30));
    join(scheduler.tick().await.expect("tick")).await;
    let next = (at(11, 1, 0), "schedule".to_owned(), "sent".to_owned());
    for id in [latest, skip] {
        let runs = runs_of(&app, id).await;
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert_eq!(runs[0], next);
    }
    assert_eq!(server.received().len(), 3);
}

/// (due time, trigger, status) of a schedule's runs, newest first.
async fn runs_of(app: &TestApp, id: i32) -> Vec<(DateTime<Utc>, String, String)> {
    coso::service::schedules::runs(&app.db, Some(id), None, 10)
        .await
        .expect("runs")
        .into_iter()
        .map(|r| (r.due_at, r.trigger, r.status))
        .collect()
}

/// Sets a schedule's creation time, so that earlier due times belong to it.
async fn created_at(app: &TestApp, id: i32, when: DateTime<Utc>) {
    report_schedule::Entity::update_many()
        .col_expr(report_schedule::Column::CreatedAt, Expr::value(when))
        .filter(report_schedule::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .expect("backdate");
}

/// A recipient written before the display-name rules (or by hand), with CR LF in its name:
/// the message builder used to panic, leaving the run `running` for ever.
#[tokio::test]
async fn a_stored_recipient_the_rules_refuse_fails_the_run_and_tells_the_owner() {
    let app = TestApp::spawn().await;
    let id = create(&app, schedule_input("Báo cáo", people(1))).await;
    entity::report_recipient::Entity::update_many()
        .col_expr(
            entity::report_recipient::Column::DisplayName,
            Expr::value("Lãnh đạo\r\nBcc: spy@example.org"),
        )
        .filter(entity::report_recipient::Column::ScheduleId.eq(id))
        .exec(&app.db)
        .await
        .expect("legacy row");
    // Over the API, the caller gets the failed run (not a dropped connection).
    let run = app
        .data(&app.admin, RUN, json!({ "id": id.to_string() }))
        .await["runReportNow"]
        .clone();
    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(run["error"], "none of 1 recipients served");
    let delivery = &run["deliveries"][0];
    assert_eq!(delivery["status"], "failed");
    let error = delivery["lastError"].as_str().expect("error");
    assert!(error.starts_with("INVALID_DISPLAY_NAME"), "{error}");
    let emls = outbox(&app);
    assert_eq!(emls.len(), 1, "only the owner's notice");
    assert_eq!(recipients_of(&emls[0]), vec![OWNER.to_owned()]);
    let text = text_of(&emls[0]);
    assert!(
        text.contains("Lý do: none of 1 recipients served"),
        "{text}"
    );
    assert!(text.contains("INVALID_DISPLAY_NAME"), "{text}");
    let raw = String::from_utf8_lossy(&emls[0]).into_owned();
    let headers = raw.split("\r\n\r\n").next().unwrap_or_default();
    assert!(
        !headers.contains("Bcc") && !headers.contains("spy@"),
        "{headers}"
    );
    // Nothing renews its lease, and a restarted replica finds nothing to take over.
    let run_id = run["dbId"].as_i64().expect("id") as i32;
    let read = async || {
        entity::report_run::Entity::find_by_id(run_id)
            .one(&app.db)
            .await
            .expect("read")
            .expect("run")
    };
    let before = read().await;
    let restarted = Scheduler::new(
        app.db.clone(),
        DatasetCache::default(),
        Mailer::outbox(app.outbox.clone(), MailSettings::default_from()),
        SchedulerSettings {
            tick_secs: 0,
            lease_secs: 1,
            ..SchedulerSettings::default()
        },
    );
    for _ in 0..3 {
        assert!(restarted.tick().await.expect("tick").is_empty());
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let after = read().await;
    assert_eq!(
        (after.status.as_str(), after.lease_until),
        ("failed", before.lease_until)
    );
    assert_eq!(outbox(&app).len(), 1, "no second attempt, no second notice");
}

#[tokio::test]
async fn a_take_over_sends_the_archived_report_not_a_new_one() {
    let app = TestApp::spawn().await;
    let server = SmtpServer::start(Behaviour::default());
    server.down.store(true, std::sync::atomic::Ordering::SeqCst);
    let id = create(&app, schedule_input("Báo cáo gốc", people(2))).await;
    // The first replica archives the report, cannot send it, and goes away.
    let first = scheduler_with(&app, &server, "first", 6, 3_000);
    let run = first.run_now(id).await.expect("run");
    assert_eq!(run.status, "running");
    let archived = coso::scheduler::archive::of_run(&app.db, run.id)
        .await
        .expect("archive");
    assert_eq!(archived.len(), 1);
    let (_, report) = coso::scheduler::archive::load(&app.db, archived[0].id)
        .await
        .expect("load");
    first.stop(None, Duration::from_secs(10)).await;
    // Meanwhile the schedule is renamed: a report made now would say so.
    report_schedule::Entity::update_many()
        .col_expr(
            report_schedule::Column::Name,
            Expr::value("Báo cáo đổi tên"),
        )
        .filter(report_schedule::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .expect("rename");
    server
        .down
        .store(false, std::sync::atomic::Ordering::SeqCst);
    let survivor = smtp_scheduler(&app, &server, "survivor");
    let tasks = survivor.tick().await.expect("tick");
    assert_eq!(tasks.len(), 1, "the handed-over run is taken over");
    join(tasks).await;
    let run = wait_finished(&app, run.id).await;
    assert_eq!(
        (run.status.as_str(), run.claimed_by.as_str()),
        ("sent", "survivor")
    );
    let now = coso::scheduler::archive::of_run(&app.db, run.id)
        .await
        .expect("archive");
    assert_eq!(now.len(), 1, "no second rendition");
    assert_eq!(
        (now[0].id, &now[0].content_hash),
        (archived[0].id, &archived[0].content_hash)
    );
    let rows = deliver::of_run(&app.db, run.id).await.expect("rows");
    assert!(rows.iter().all(|d| d.archive_id == Some(archived[0].id)));
    let received = server.received();
    assert_eq!(received.len(), 2);
    for m in &received {
        let message = MessageParser::default().parse(&m.data[..]).expect("parses");
        assert_eq!(message.subject(), Some(report.subject.as_str()));
        let text = message.body_text(0).expect("text");
        assert!(text.contains("Báo cáo gốc"), "the archived footer: {text}");
        assert!(!text.contains("đổi tên"), "{text}");
        let files: Vec<(String, Vec<u8>)> = message
            .attachments()
            .map(|a| {
                (
                    a.attachment_name().unwrap_or_default().to_owned(),
                    a.contents().to_vec(),
                )
            })
            .collect();
        // Binary files byte for byte (text parts are decoded to text by the parser).
        for a in report
            .attachments
            .iter()
            .filter(|a| !a.content_type.starts_with("text/"))
        {
            assert!(
                files.contains(&(a.filename.clone(), a.bytes.clone())),
                "{} sent byte for byte",
                a.filename
            );
        }
        for image in &report.inline_images {
            assert!(message.parts.iter().any(|p| p.contents() == &image.png[..]));
        }
    }
}

#[tokio::test]
async fn a_tampered_archive_is_no_longer_verified() {
    let app = TestApp::spawn_on_report_day().await;
    let (province, city) = demo_schedules(&app).await;
    let one = app.data(&app.admin, RUN, json!({ "id": province })).await["runReportNow"].clone();
    let other = app.data(&app.admin, RUN, json!({ "id": city })).await["runReportNow"].clone();
    let q = "query($id: ID!) { reportArchive(id: $id) { verified contentHash } }";
    let verified = async |run: &Value| -> Value {
        let id = run["archives"][0]["dbId"].to_string();
        app.data(&app.admin, q, json!({ "id": id })).await["reportArchive"].clone()
    };
    assert_eq!(verified(&one).await["verified"], true);
    let workbook = one["archives"][0]["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["name"].as_str().is_some_and(|n| n.ends_with(".xlsx")))
        .and_then(|f| f["dbId"].as_i64())
        .expect("workbook") as i32;
    entity::report_archive_file::Entity::update_many()
        .col_expr(
            entity::report_archive_file::Column::Bytes,
            Expr::value(b"PK tampered".to_vec()),
        )
        .filter(entity::report_archive_file::Column::Id.eq(workbook))
        .exec(&app.db)
        .await
        .expect("tamper");
    let after = verified(&one).await;
    assert_eq!(after["verified"], false);
    assert_eq!(after["contentHash"], one["archives"][0]["contentHash"]);
    assert_eq!(
        verified(&other).await["verified"],
        true,
        "the other is intact"
    );
    // A changed body is caught too.
    let archive_id = other["archives"][0]["dbId"].as_i64().expect("id") as i32;
    entity::report_archive::Entity::update_many()
        .col_expr(
            entity::report_archive::Column::Html,
            Expr::value("<p>57/173</p><p>changed</p>"),
        )
        .filter(entity::report_archive::Column::Id.eq(archive_id))
        .exec(&app.db)
        .await
        .expect("tamper");
    assert_eq!(verified(&other).await["verified"], false);
}
