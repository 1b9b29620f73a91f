//! Scheduled reports end to end: `runReportNow` on the demo data writes readable `.eml`
//! files with the source report's figures, district recipients get their district's
//! report, what was sent is archived and downloadable, stale data sends nothing and
//! tells the owner; over real SMTP, two schedulers on one database send each message
//! once, a run whose worker died is finished without duplicates, a mail server that is
//! down for a while gets the report once it is back, and missed runs follow their policy.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use coso::dataset::DatasetCache;
use coso::mail::{MailSettings, Mailer};
use coso::scheduler::{Clock, Scheduler, SchedulerSettings, claim, deliver};
use entity::{data_version, report_schedule};
use mail_parser::{MessageParser, MimeHeaders};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{TestApp, first_code};
use crate::smtp::{Behaviour, SmtpServer};

const RUN: &str = "mutation($id: ID!) { runReportNow(scheduleId: $id) {
    id status trigger error dataVersion
    deliveries { address status attempts lastError archiveId }
    archives { id scopeCode scopeName subject contentHash verified values { code numerator denominator value }
               files { id role name contentType size url } }
} }";

const CREATE: &str =
    "mutation($input: ScheduleInput!) { createReportSchedule(input: $input) { id } }";

const OWNER: &str = "owner@congan.quangngai.example";

/// The demo schedules: (province leadership, city chief).
async fn demo_schedules(app: &TestApp) -> (String, String) {
    coso::service::schedules::seed_demo(&app.db)
        .await
        .expect("demo schedules");
    let data = app
        .data(
            &app.admin,
            "{ reportSchedules { id name recipients { districtCode } } }",
            json!({}),
        )
        .await;
    let all = data["reportSchedules"].as_array().expect("list").clone();
    let find = |scoped: bool| {
        all.iter()
            .find(|s| s["recipients"][0]["districtCode"].is_string() == scoped)
            .map(|s| s["id"].to_string())
            .expect("demo schedule")
    };
    (find(false), find(true))
}

/// The decoded plain-text part of a raw message.
fn text_of(raw: &[u8]) -> String {
    let message = MessageParser::default().parse(raw).expect("parses");
    message.body_text(0).expect("text part").into_owned()
}

fn recipients_of(raw: &[u8]) -> Vec<String> {
    let message = MessageParser::default().parse(raw).expect("parses");
    message
        .to()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.address())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Every `.eml` in the outbox.
fn outbox(app: &TestApp) -> Vec<Vec<u8>> {
    let Ok(dir) = std::fs::read_dir(&app.outbox) else {
        return Vec::new();
    };
    dir.filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .map(|e| std::fs::read(e.path()).expect("read eml"))
        .collect()
}

fn schedule_input(name: &str, recipients: Value) -> Value {
    json!({
        "name": name,
        "cron": "0 8 * * *",
        "ownerAddress": OWNER,
        "ownerName": "Phòng Tham mưu",
        "maxDataAgeDays": 3650,
        "recipients": recipients,
    })
}

fn people(n: usize) -> Value {
    (0..n)
        .map(|i| json!({ "address": format!("lanhdao{i}@congan.quangngai.example"), "displayName": format!("Lãnh đạo {i}") }))
        .collect()
}

async fn create(app: &TestApp, input: Value) -> i32 {
    let data = app
        .data(&app.admin, CREATE, json!({ "input": input }))
        .await;
    data["createReportSchedule"]["id"].as_i64().expect("id") as i32
}

/// Moves a schedule's creation back so that earlier due times belong to it.
async fn created_days_ago(app: &TestApp, id: i32, days: i64) {
    report_schedule::Entity::update_many()
        .col_expr(
            report_schedule::Column::CreatedAt,
            Expr::value(Utc::now() - chrono::Duration::days(days)),
        )
        .filter(report_schedule::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .expect("backdate");
}

fn smtp_scheduler(app: &TestApp, server: &SmtpServer, replica: &str) -> Scheduler {
    scheduler_with(app, server, replica, 6, 200)
}

/// A scheduler sending over `server`, with `max_attempts` and a first retry after `base_ms`.
fn scheduler_with(
    app: &TestApp,
    server: &SmtpServer,
    replica: &str,
    max_attempts: u32,
    base_ms: u64,
) -> Scheduler {
    scheduler_at(app, server, replica, max_attempts, base_ms, Clock::system())
}

/// As [`scheduler_with`], on `clock`.
fn scheduler_at(
    app: &TestApp,
    server: &SmtpServer,
    replica: &str,
    max_attempts: u32,
    base_ms: u64,
    clock: Clock,
) -> Scheduler {
    let settings = MailSettings {
        smtp_url: Some(server.url("").parse().expect("url")),
        smtp_timeout_secs: 5,
        ..MailSettings::default()
    };
    let mailer = Mailer::from_settings(&settings).expect("mailer");
    let settings = SchedulerSettings {
        tick_secs: 0,
        retry_base_ms: base_ms,
        max_attempts,
        replica_id: Some(replica.to_owned()),
        clock,
        ..SchedulerSettings::default()
    };
    Scheduler::new(app.db.clone(), DatasetCache::default(), mailer, settings)
}

async fn join(tasks: Vec<tokio::task::JoinHandle<()>>) {
    for t in tasks {
        tokio::time::timeout(Duration::from_secs(60), t)
            .await
            .expect("run ends")
            .expect("run task");
    }
}

/// Messages received per recipient address.
fn per_recipient(server: &SmtpServer) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for m in server.received() {
        for to in m.to {
            *counts.entry(to).or_insert(0) += 1;
        }
    }
    counts
}

#[tokio::test]
async fn run_report_now_writes_readable_eml_with_the_demo_figures() {
    let app = TestApp::spawn().await;
    let (province, city) = demo_schedules(&app).await;
    let run = app.data(&app.admin, RUN, json!({ "id": province })).await["runReportNow"].clone();
    assert_eq!(run["status"], "sent", "{run}");
    assert_eq!(run["trigger"], "manual");
    let deliveries = run["deliveries"].as_array().expect("deliveries");
    assert_eq!(deliveries.len(), 3);
    assert!(
        deliveries
            .iter()
            .all(|d| d["status"] == "sent" && d["attempts"] == 1)
    );
    let emls = outbox(&app);
    assert_eq!(emls.len(), 3, "one .eml per leader");
    for raw in &emls {
        let text = text_of(raw);
        assert!(text.contains("57/173"), "{text}");
        assert!(text.contains("32,9"), "Vietnamese decimal comma: {text}");
        assert!(text.contains("60/173"), "{text}");
        let message = MessageParser::default().parse(&raw[..]).expect("parses");
        let subject = message.subject().expect("subject");
        assert!(subject.contains("Báo cáo"), "{subject}");
        let names: Vec<String> = message
            .attachments()
            .filter_map(|a| a.attachment_name().map(str::to_owned))
            .collect();
        assert!(names.iter().any(|n| n.ends_with(".xlsx")), "{names:?}");
        assert!(names.iter().any(|n| n.ends_with(".csv")), "{names:?}");
    }

    // The archive holds the province's rendition, intact, with the values it showed.
    let archive = &run["archives"][0];
    assert_eq!(archive["scopeCode"], "");
    assert_eq!(archive["scopeName"], "Tỉnh Quảng Ngãi");
    assert_eq!(archive["verified"], true);
    let standing = archive["values"]
        .as_array()
        .expect("values")
        .iter()
        .find(|v| v["code"] == "party_standing_committee_rate")
        .expect("standing committee value")
        .clone();
    assert_eq!(
        (
            standing["numerator"].as_f64(),
            standing["denominator"].as_f64()
        ),
        (Some(57.0), Some(173.0))
    );
    // The workbook downloads byte for byte and opens with the right figure in it.
    let xlsx = archive["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["name"].as_str().is_some_and(|n| n.ends_with(".xlsx")))
        .expect("workbook")
        .clone();
    let url = format!("{}{}", app.base, xlsx["url"].as_str().expect("url"));
    let refused = app
        .client
        .get(&url)
        .bearer_auth(&app.viewer)
        .send()
        .await
        .expect("get");
    assert_eq!(refused.status(), 403);
    let resp = app
        .client
        .get(&url)
        .bearer_auth(&app.admin)
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), 200);
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    let bytes = resp.bytes().await.expect("body");
    assert_eq!(bytes.len() as i64, xlsx["size"].as_i64().expect("size"));
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
    use calamine::{DataType, Reader};
    let found_57 = book.sheet_names().iter().any(|sheet| {
        book.worksheet_range(sheet)
            .map(|range| range.used_cells().any(|(_, _, c)| c.as_f64() == Some(57.0)))
            .unwrap_or(false)
    });
    assert!(found_57, "57 stored as a number in the workbook");

    // The city chief's report covers the city only.
    let run = app.data(&app.admin, RUN, json!({ "id": city })).await["runReportNow"].clone();
    assert_eq!(run["status"], "sent", "{run}");
    assert_eq!(run["archives"][0]["scopeCode"], crate::helpers::CITY);
    assert_eq!(run["archives"][0]["scopeName"], "Thành phố Quảng Ngãi");
    let units = run["archives"][0]["values"]
        .as_array()
        .expect("values")
        .iter()
        .find(|v| v["code"] == "party_executive_committee_rate")
        .and_then(|v| v["denominator"].as_f64())
        .expect("units of the city");
    assert!(
        units > 0.0 && units < 173.0,
        "the city's units only: {units}"
    );
    let emls = outbox(&app);
    assert_eq!(emls.len(), 4);
    let chief = emls
        .iter()
        .find(|raw| {
            recipients_of(raw)
                .iter()
                .any(|a| a.starts_with("truongcongan"))
        })
        .expect("the chief's message");
    let text = text_of(chief);
    assert!(text.contains("Thành phố Quảng Ngãi"), "{text}");
    assert!(
        !text.contains("/173"),
        "no province-wide rate in a district report: {text}"
    );
}

#[tokio::test]
async fn reports_are_for_province_admins_only() {
    let app = TestApp::spawn().await;
    let (province, _) = demo_schedules(&app).await;
    for token in [&app.viewer, &app.analyst, &app.city_admin] {
        let body = app.gql(token, RUN, json!({ "id": province })).await;
        assert_eq!(first_code(&body), "FORBIDDEN", "{body}");
        let body = app.gql(token, "{ reportRuns { id } }", json!({})).await;
        assert_eq!(first_code(&body), "FORBIDDEN", "{body}");
    }
    assert!(outbox(&app).is_empty(), "nothing sent");
    let body = app.gql(&app.admin, RUN, json!({ "id": "abc" })).await;
    assert_eq!(first_code(&body), "INVALID_INPUT", "{body}");
    let body = app.gql(&app.admin, RUN, json!({ "id": "99999" })).await;
    assert_eq!(first_code(&body), "NOT_FOUND", "{body}");
}

#[tokio::test]
async fn preview_renders_without_sending() {
    let app = TestApp::spawn().await;
    let (province, _) = demo_schedules(&app).await;
    let q = "query($id: ID!, $d: String) { previewReport(scheduleId: $id, districtCode: $d) {
        subject html text contentHash files { role name contentType size base64 } } }";
    let data = app.data(&app.admin, q, json!({ "id": province })).await;
    let preview = &data["previewReport"];
    assert!(preview["html"].as_str().expect("html").contains("57/173"));
    let files = preview["files"].as_array().expect("files");
    assert!(
        files
            .iter()
            .any(|f| f["role"] == "inline" && f["contentType"] == "image/png")
    );
    assert!(
        files
            .iter()
            .all(|f| f["base64"].as_str().is_some_and(|b| !b.is_empty()))
    );
    let data = app
        .data(
            &app.admin,
            q,
            json!({ "id": province, "d": crate::helpers::CITY }),
        )
        .await;
    assert!(
        data["previewReport"]["text"]
            .as_str()
            .expect("text")
            .contains("Thành phố Quảng Ngãi")
    );
    assert!(outbox(&app).is_empty(), "a preview sends nothing");
    let runs = app
        .data(&app.admin, "{ reportRuns { id } }", json!({}))
        .await;
    assert_eq!(runs["reportRuns"], json!([]), "and records no run");
}

#[tokio::test]
async fn stale_data_sends_nothing_and_tells_the_owner() {
    let app = TestApp::spawn().await;
    let mut input = schedule_input("Báo cáo tuần", people(2));
    input["maxDataAgeDays"] = json!(7);
    let id = create(&app, input).await;
    data_version::Entity::update_many()
        .col_expr(
            data_version::Column::ChangedAt,
            Expr::value(Utc::now() - chrono::Duration::days(30)),
        )
        .exec(&app.db)
        .await
        .expect("age the data");
    let run = app
        .data(&app.admin, RUN, json!({ "id": id.to_string() }))
        .await["runReportNow"]
        .clone();
    assert_eq!(run["status"], "failed", "{run}");
    let error = run["error"].as_str().expect("error");
    assert!(error.starts_with("STALE_DATA"), "{error}");
    assert!(
        run["deliveries"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|d| d["status"] == "failed")
    );
    assert_eq!(run["archives"], json!([]), "no report was made");
    let emls = outbox(&app);
    assert_eq!(emls.len(), 1, "only the owner's notice");
    assert_eq!(recipients_of(&emls[0]), vec![OWNER.to_owned()]);
    assert!(text_of(&emls[0]).contains("STALE_DATA"));
}

#[tokio::test]
async fn two_schedulers_on_one_database_send_each_message_once() {
    let app = TestApp::spawn().await;
    let server = SmtpServer::start(Behaviour::default());
    let mut input = schedule_input("Báo cáo hằng ngày", people(3));
    input["cron"] = json!("* * * * *");
    let id = create(&app, input).await;
    created_days_ago(&app, id, 1).await;
    let clock = Clock::manual(Utc::now());
    let (a, b) = (
        scheduler_at(&app, &server, "a", 6, 200, clock.clone()),
        scheduler_at(&app, &server, "b", 6, 200, clock.clone()),
    );
    let (ta, tb) = tokio::join!(a.tick(), b.tick());
    let (ta, tb) = (ta.expect("tick a"), tb.expect("tick b"));
    assert_eq!(ta.len() + tb.len(), 1, "one replica claims the due time");
    join(ta).await;
    join(tb).await;
    let counts = per_recipient(&server);
    assert_eq!(counts.len(), 3, "{counts:?}");
    assert!(
        counts.values().all(|n| *n == 1),
        "exactly one message each: {counts:?}"
    );
    // A restart ticking again at the same time sends nothing more.
    let c = scheduler_at(&app, &server, "c", 6, 200, clock);
    let again = c.tick().await.expect("tick");
    assert!(again.is_empty());
    assert_eq!(server.received().len(), 3);
    let runs = coso::service::schedules::runs(&app.db, Some(id), None, 10)
        .await
        .expect("runs");
    assert_eq!(runs.len(), 1);
    assert_eq!(
        (runs[0].status.as_str(), runs[0].trigger.as_str()),
        ("sent", "schedule")
    );
}

#[tokio::test]
async fn a_run_whose_worker_died_is_finished_without_duplicates() {
    let app = TestApp::spawn().await;
    let server = SmtpServer::start(Behaviour::default());
    let id = create(&app, schedule_input("Báo cáo", people(3))).await;
    // A replica claimed a due time, served the first recipient, and died.
    let due: DateTime<Utc> = Utc::now() - chrono::Duration::minutes(1);
    let dead = claim::claim(
        &app.db,
        id,
        due,
        claim::Trigger::Schedule,
        "dead",
        chrono::Duration::seconds(-1),
    )
    .await
    .expect("claim")
    .expect("claimed");
    let (_, recipients) = coso::service::schedules::get(&app.db, id)
        .await
        .expect("schedule");
    let rows = deliver::ensure(&app.db, dead.id, &recipients)
        .await
        .expect("rows");
    assert_eq!(rows.len(), 3);
    entity::report_delivery::Entity::update_many()
        .col_expr(
            entity::report_delivery::Column::Status,
            Expr::value(deliver::SENT),
        )
        .filter(entity::report_delivery::Column::Id.eq(rows[0].id))
        .exec(&app.db)
        .await
        .expect("first recipient served");
    let survivor = smtp_scheduler(&app, &server, "survivor");
    let tasks = survivor.tick().await.expect("tick");
    assert_eq!(tasks.len(), 1, "the expired run is taken over");
    join(tasks).await;
    let counts = per_recipient(&server);
    assert_eq!(counts.len(), 2, "only those not yet served: {counts:?}");
    assert!(!counts.contains_key(&rows[0].address));
    assert!(counts.values().all(|n| *n == 1));
    let run = coso::service::schedules::runs(&app.db, Some(id), None, 1)
        .await
        .expect("runs");
    assert_eq!(
        (run[0].status.as_str(), run[0].claimed_by.as_str()),
        ("sent", "survivor")
    );
}

#[tokio::test]
async fn a_mail_server_down_for_a_while_gets_the_report_when_back() {
    let app = TestApp::spawn().await;
    let server = SmtpServer::start(Behaviour::default());
    server.down.store(true, std::sync::atomic::Ordering::SeqCst);
    let id = create(&app, schedule_input("Báo cáo", people(2))).await;
    let scheduler = smtp_scheduler(&app, &server, "a");
    let run = scheduler.run_now(id).await.expect("run");
    assert_eq!(run.status, "running", "left to retry");
    let rows = deliver::of_run(&app.db, run.id).await.expect("rows");
    assert!(
        rows.iter()
            .all(|d| d.status == deliver::RETRY && d.attempts == 1),
        "{rows:?}"
    );
    assert!(
        rows[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.starts_with("MAIL_TRANSIENT"))
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    server
        .down
        .store(false, std::sync::atomic::Ordering::SeqCst);
    let run = wait_finished(&app, run.id).await;
    assert_eq!(run.status, "sent");
    let rows = deliver::of_run(&app.db, run.id).await.expect("rows");
    assert!(
        rows.iter()
            .all(|d| d.status == deliver::SENT && d.attempts >= 2),
        "{rows:?}"
    );
    let counts = per_recipient(&server);
    assert_eq!(counts.len(), 2);
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
}

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

async fn wait_finished(app: &TestApp, run_id: i32) -> entity::report_run::Model {
    for _ in 0..300 {
        let run = entity::report_run::Entity::find_by_id(run_id)
            .one(&app.db)
            .await
            .expect("read")
            .expect("run");
        if run.status != claim::RUNNING {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("run {run_id} did not finish");
}

#[tokio::test]
async fn the_next_report_shows_the_change_since_the_previous_one() {
    let app = TestApp::spawn().await;
    let (province, _) = demo_schedules(&app).await;
    let first = app.data(&app.admin, RUN, json!({ "id": province })).await["runReportNow"].clone();
    assert_eq!(first["status"], "sent");
    let read = async |run: &Value| -> Value {
        let q = "query($id: ID!) { reportArchive(id: $id) { text html } }";
        let id = run["archives"][0]["id"].to_string();
        app.data(&app.admin, q, json!({ "id": id })).await["reportArchive"].clone()
    };
    let before = read(&first).await;
    assert!(
        !before["text"].as_str().expect("text").contains("Kỳ trước"),
        "no previous report yet"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await; // a new second: a new manual run
    let second = app.data(&app.admin, RUN, json!({ "id": province })).await["runReportNow"].clone();
    assert_eq!(second["status"], "sent", "{second}");
    let after = read(&second).await;
    let text = after["text"].as_str().expect("text");
    assert!(text.contains("Kỳ trước"), "{text}");
    assert!(after["html"].as_str().expect("html").contains("Kỳ trước"));

    // What a leader's mail client gets: text and HTML alternatives, the charts inline
    // and referenced by the HTML, the workbook and CSV attached.
    let raw = outbox(&app).pop().expect("a message");
    let message = MessageParser::default().parse(&raw[..]).expect("parses");
    let shape = crate::mail::tree(&message, message.root_part());
    assert!(
        shape.starts_with(
            "multipart/mixed[multipart/alternative[text/plain,multipart/related[text/html,image/png"
        ),
        "{shape}"
    );
    assert!(
        shape.contains("spreadsheetml.sheet") && shape.ends_with("text/csv]"),
        "{shape}"
    );
    let html = message.body_html(0).expect("html").into_owned();
    for part in message.parts.iter().filter(|p| {
        p.content_type()
            .is_some_and(|c| c.c_subtype.as_deref() == Some("png"))
    }) {
        let cid = part.content_id().expect("Content-ID");
        assert!(
            html.contains(&format!("cid:{cid}")),
            "chart {cid} shown in the HTML"
        );
    }
}

#[tokio::test]
async fn a_permanent_refusal_is_not_retried() {
    let app = TestApp::spawn().await;
    let server = SmtpServer::start(Behaviour {
        reject_rcpt: Some((550, "5.1.1 no such mailbox")),
        ..Behaviour::default()
    });
    let id = create(&app, schedule_input("Báo cáo", people(2))).await;
    let scheduler = smtp_scheduler(&app, &server, "a");
    let run = scheduler.run_now(id).await.expect("run");
    assert_eq!(run.status, "failed", "nothing to wait for");
    let rows = deliver::of_run(&app.db, run.id).await.expect("rows");
    for d in &rows {
        assert_eq!(
            (d.status.as_str(), d.attempts),
            (deliver::FAILED, 1),
            "{d:?}"
        );
        let error = d.last_error.as_deref().unwrap_or_default();
        assert!(error.starts_with("MAIL_PERMANENT"), "{error}");
    }
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_mail_server_stopped_under_a_running_report_gets_it_when_restarted() {
    let app = TestApp::spawn().await;
    let server = SmtpServer::start(Behaviour::default());
    server.stop(); // connections refused from now on
    let id = create(&app, schedule_input("Báo cáo", people(2))).await;
    let scheduler = smtp_scheduler(&app, &server, "a");
    let run = scheduler.run_now(id).await.expect("run");
    assert_eq!(run.status, "running", "left to retry");
    let rows = deliver::of_run(&app.db, run.id).await.expect("rows");
    assert!(rows.iter().all(|d| d.status == deliver::RETRY), "{rows:?}");
    server.restart();
    let run = wait_finished(&app, run.id).await;
    assert_eq!(run.status, "sent");
    let counts = per_recipient(&server);
    assert_eq!(counts.len(), 2);
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
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
    let run_id = run["id"].as_i64().expect("id") as i32;
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
    let app = TestApp::spawn().await;
    let (province, city) = demo_schedules(&app).await;
    let one = app.data(&app.admin, RUN, json!({ "id": province })).await["runReportNow"].clone();
    let other = app.data(&app.admin, RUN, json!({ "id": city })).await["runReportNow"].clone();
    let q = "query($id: ID!) { reportArchive(id: $id) { verified contentHash } }";
    let verified = async |run: &Value| -> Value {
        let id = run["archives"][0]["id"].to_string();
        app.data(&app.admin, q, json!({ "id": id })).await["reportArchive"].clone()
    };
    assert_eq!(verified(&one).await["verified"], true);
    let workbook = one["archives"][0]["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["name"].as_str().is_some_and(|n| n.ends_with(".xlsx")))
        .and_then(|f| f["id"].as_i64())
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
    let archive_id = other["archives"][0]["id"].as_i64().expect("id") as i32;
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
