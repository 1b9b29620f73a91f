//! Scheduled reports end to end: `runReportNow` on the demo data writes readable `.eml`
//! files with the source report's figures, district recipients get their district's
//! report, what was sent is archived and downloadable, stale data sends nothing and
//! tells the owner; over real SMTP, two schedulers on one database send each message
//! once, a run whose worker died is finished without duplicates, a mail server that is
//! down for a while gets the report once it is back. How runs end when things go wrong
//! (and missed runs) is in `run_outcomes`.

use std::time::Duration;

use chrono::{DateTime, Utc};
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
use coso::config::Limits;

pub(crate) const RUN: &str = "mutation($id: ID!) { runReportNow(scheduleId: $id) {
    dbId status trigger error dataVersion
    deliveries { address status attempts lastError archiveId }
    archives { dbId scopeCode scopeName subject contentHash verified values { code numerator denominator value }
               files { dbId role name contentType size url } }
} }";

const CREATE: &str =
    "mutation($input: ScheduleInput!) { createReportSchedule(input: $input) { dbId } }";

pub(crate) const OWNER: &str = "owner@congan.quangngai.example";

/// The demo schedules: (province leadership, city chief).
pub(crate) async fn demo_schedules(app: &TestApp) -> (String, String) {
    coso::service::schedules::seed_demo(&app.db)
        .await
        .expect("demo schedules");
    let data = app
        .data(
            &app.admin,
            "{ reportSchedules { dbId name recipients { districtCode } } }",
            json!({}),
        )
        .await;
    let all = data["reportSchedules"].as_array().expect("list").clone();
    let find = |scoped: bool| {
        all.iter()
            .find(|s| s["recipients"][0]["districtCode"].is_string() == scoped)
            .map(|s| s["dbId"].to_string())
            .expect("demo schedule")
    };
    (find(false), find(true))
}

/// The decoded plain-text part of a raw message.
pub(crate) fn text_of(raw: &[u8]) -> String {
    let message = MessageParser::default().parse(raw).expect("parses");
    message.body_text(0).expect("text part").into_owned()
}

pub(crate) fn recipients_of(raw: &[u8]) -> Vec<String> {
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
pub(crate) fn outbox(app: &TestApp) -> Vec<Vec<u8>> {
    let Ok(dir) = std::fs::read_dir(&app.outbox) else {
        return Vec::new();
    };
    dir.filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .map(|e| std::fs::read(e.path()).expect("read eml"))
        .collect()
}

pub(crate) fn schedule_input(name: &str, recipients: Value) -> Value {
    json!({
        "name": name,
        "cron": "0 8 * * *",
        "ownerAddress": OWNER,
        "ownerName": "Phòng Tham mưu",
        "maxDataAgeDays": 3650,
        "recipients": recipients,
    })
}

pub(crate) fn people(n: usize) -> Value {
    (0..n)
        .map(|i| json!({ "address": format!("lanhdao{i}@congan.quangngai.example"), "displayName": format!("Lãnh đạo {i}") }))
        .collect()
}

pub(crate) async fn create(app: &TestApp, input: Value) -> i32 {
    let data = app
        .data(&app.admin, CREATE, json!({ "input": input }))
        .await;
    data["createReportSchedule"]["dbId"].as_i64().expect("id") as i32
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

pub(crate) fn smtp_scheduler(app: &TestApp, server: &SmtpServer, replica: &str) -> Scheduler {
    scheduler_with(app, server, replica, 6, 200)
}

/// A scheduler sending over `server`, with `max_attempts` and a first retry after `base_ms`.
pub(crate) fn scheduler_with(
    app: &TestApp,
    server: &SmtpServer,
    replica: &str,
    max_attempts: u32,
    base_ms: u64,
) -> Scheduler {
    scheduler_at(app, server, replica, max_attempts, base_ms, Clock::system())
}

/// As [`scheduler_with`], on `clock`.
pub(crate) fn scheduler_at(
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

pub(crate) async fn join(tasks: Vec<tokio::task::JoinHandle<()>>) {
    for t in tasks {
        tokio::time::timeout(Duration::from_secs(60), t)
            .await
            .expect("run ends")
            .expect("run task");
    }
}

/// Messages received per recipient address.
pub(crate) fn per_recipient(server: &SmtpServer) -> std::collections::BTreeMap<String, usize> {
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
    let app = TestApp::spawn_on_report_day().await;
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
        let body = app.gql(token, "{ reportRuns { dbId } }", json!({})).await;
        assert_eq!(first_code(&body), "FORBIDDEN", "{body}");
    }
    assert!(outbox(&app).is_empty(), "nothing sent");
    let body = app.gql(&app.admin, RUN, json!({ "id": "abc" })).await;
    assert_eq!(first_code(&body), "INVALID_ID", "{body}");
    let body = app.gql(&app.admin, RUN, json!({ "id": "99999" })).await;
    assert_eq!(first_code(&body), "NOT_FOUND", "{body}");
}

#[tokio::test]
async fn preview_renders_without_sending() {
    let app = TestApp::spawn_on_report_day().await;
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
        .data(&app.admin, "{ reportRuns { dbId } }", json!({}))
        .await;
    assert_eq!(runs["reportRuns"], json!([]), "and records no run");
}

/// A server pinned to a day (`COSO_TODAY`) on real time reports, by hand or by preview,
/// on the last full month before that day, not before the real one.
#[tokio::test]
async fn a_pinned_day_is_the_day_runs_and_previews_report_from() {
    let app = TestApp::spawn_tuned(Limits::default(), true, |s| {
        s.today = Some("2025-01-10".parse().expect("date"));
    })
    .await;
    let (province, _) = demo_schedules(&app).await;
    let q = "query($id: ID!) { previewReport(scheduleId: $id) { subject html } }";
    let preview = app.data(&app.admin, q, json!({ "id": province })).await["previewReport"].clone();
    let subject = preview["subject"].as_str().expect("subject");
    assert!(subject.contains("12/2024"), "{subject}");
    assert!(preview["html"].as_str().expect("html").contains("57/173"));
    let run = app.data(&app.admin, RUN, json!({ "id": province })).await["runReportNow"].clone();
    assert_eq!(run["status"], "sent", "{run}");
    let emls = outbox(&app);
    assert!(!emls.is_empty());
    for raw in &emls {
        let message = MessageParser::default().parse(&raw[..]).expect("parses");
        let subject = message.subject().expect("subject");
        assert!(subject.contains("12/2024"), "{subject}");
        assert!(text_of(raw).contains("57/173"));
    }
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

pub(crate) async fn wait_finished(app: &TestApp, run_id: i32) -> entity::report_run::Model {
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
    // A report compares with one about an earlier month: the server's clock stands in
    // November (October's report), then in December (November's).
    let clock = Clock::manual(Utc::now() - chrono::Duration::days(31));
    let app = TestApp::spawn_tuned(coso::config::Limits::default(), true, |s| {
        s.scheduler.clock = clock.clone();
    })
    .await;
    let (province, _) = demo_schedules(&app).await;
    let first = app.data(&app.admin, RUN, json!({ "id": province })).await["runReportNow"].clone();
    assert_eq!(first["status"], "sent");
    let read = async |run: &Value| -> Value {
        let q = "query($id: ID!) { reportArchive(id: $id) { text html } }";
        let id = run["archives"][0]["dbId"].to_string();
        app.data(&app.admin, q, json!({ "id": id })).await["reportArchive"].clone()
    };
    let before = read(&first).await;
    assert!(
        !before["text"].as_str().expect("text").contains("Kỳ trước"),
        "no previous report yet"
    );
    clock.set(Utc::now());
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
