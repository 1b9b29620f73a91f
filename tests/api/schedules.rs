//! Report schedules as data: the demo schedules with their next fire times (whole
//! seconds), validation of cron expressions, time zones, addresses and display names
//! with their own codes, recipients de-duplicated, pause and delete.

use serde_json::{Value, json};

use crate::helpers::{TestApp, first_code};

const LIST: &str = "{ reportSchedules { dbId name cron timeZone enabled missedPolicy formats nextFireTimes(count: 3) recipients { address displayName districtCode } } }";
const CREATE: &str = "mutation($i: ScheduleInput!) { createReportSchedule(input: $i) { dbId timeZone nextFireTimes(count: 2) } }";

fn input(overrides: Value) -> Value {
    let mut base = json!({
        "name": "Báo cáo tuần", "cron": "0 7 * * 1", "ownerAddress": "owner@example.org", "ownerName": "Phòng Tham mưu",
        "recipients": [{ "address": "lanhdao@example.org", "displayName": "Lãnh đạo" }]
    });
    if let (Some(b), Some(o)) = (base.as_object_mut(), overrides.as_object()) {
        b.extend(o.clone());
    }
    base
}

#[tokio::test]
async fn the_demo_schedules_list_with_their_next_fire_times() {
    let app = TestApp::spawn().await;
    coso::service::schedules::seed_demo(&app.db)
        .await
        .expect("demo schedules");
    let data = app.data(&app.admin, LIST, json!({})).await;
    let list = data["reportSchedules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(list.len(), 2);
    assert!(
        list.iter()
            .all(|s| s["timeZone"] == "Asia/Ho_Chi_Minh" && s["cron"] == "0 8 1 * *")
    );
    for t in list[0]["nextFireTimes"].as_array().expect("times") {
        let t = t.as_str().unwrap_or_default();
        assert!(
            t.contains("-01T01:00:00"),
            "08:00 in Hà Nội time on the 1st is 01:00 UTC: {t}"
        );
    }
    for s in &list {
        for t in s["nextFireTimes"].as_array().expect("times") {
            let t = t.as_str().unwrap_or_default();
            assert!(
                t.ends_with(":00+00:00") && !t.contains('.'),
                "whole seconds: {t}"
            );
        }
    }
    let scoped = &list[1]["recipients"][0];
    assert_eq!(scoped["districtCode"], "522");
    for t in [&app.analyst, &app.viewer, &app.city_admin] {
        assert_eq!(first_code(&app.gql(t, LIST, json!({})).await), "FORBIDDEN");
    }
}

#[tokio::test]
async fn invalid_schedules_are_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let cases = [
        (json!({ "cron": "0 7 * *" }), "cron", "INVALID_CRON"),
        (json!({ "cron": "0 7 * * * *" }), "cron", "INVALID_CRON"),
        (json!({ "cron": "75 7 * * 1" }), "cron", "INVALID_CRON"),
        (
            json!({ "timeZone": "Asia/Saigon_City" }),
            "timeZone",
            "UNKNOWN_TIME_ZONE",
        ),
        (
            json!({ "ownerAddress": "not an address" }),
            "ownerAddress",
            "INVALID_ADDRESS",
        ),
        (
            json!({ "recipients": [{ "address": "a@@b", "displayName": "x" }] }),
            "recipients.address",
            "INVALID_ADDRESS",
        ),
        (json!({ "recipients": [] }), "recipients", "INVALID_INPUT"),
        (
            json!({ "recipients": [{ "address": "a@example.org", "displayName": "x", "districtCode": "999" }] }),
            "recipients.districtCode",
            "INVALID_INPUT",
        ),
    ];
    for (overrides, field, code) in cases {
        let body = app
            .gql(&app.admin, CREATE, json!({ "i": input(overrides.clone()) }))
            .await;
        assert_eq!(first_code(&body), code, "{overrides}: {body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .starts_with(field),
            "{body}"
        );
    }
    let body = app
        .gql(
            &app.admin,
            CREATE,
            json!({ "i": input(json!({ "startDate": "2026-06-01", "endDate": "2026-01-01" })) }),
        )
        .await;
    assert_eq!(first_code(&body), "INVALID_DATE_RANGE");
    let data = app.data(&app.admin, LIST, json!({})).await;
    assert_eq!(data["reportSchedules"], json!([]), "nothing was written");
}

#[tokio::test]
async fn schedules_are_created_paused_resumed_and_deleted() {
    let app = TestApp::spawn().await;
    let made = app
        .data(
            &app.admin,
            CREATE,
            json!({ "i": input(json!({ "timeZone": "Europe/Berlin" })) }),
        )
        .await;
    let id = made["createReportSchedule"]["dbId"].clone();
    assert_eq!(
        made["createReportSchedule"]["nextFireTimes"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let pause = "mutation($id: ID!, $on: Boolean!) { setReportScheduleEnabled(id: $id, enabled: $on) { enabled nextFireTimes } }";
    let paused = app
        .data(&app.admin, pause, json!({ "id": id, "on": false }))
        .await;
    assert_eq!(
        paused["setReportScheduleEnabled"],
        json!({ "enabled": false, "nextFireTimes": [] })
    );
    let resumed = app
        .data(&app.admin, pause, json!({ "id": id, "on": true }))
        .await;
    assert_eq!(
        resumed["setReportScheduleEnabled"]["nextFireTimes"]
            .as_array()
            .map(Vec::len),
        Some(5)
    );
    app.data(
        &app.admin,
        "mutation($id: ID!) { deleteReportSchedule(id: $id) { dbId } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        app.data(&app.admin, LIST, json!({})).await["reportSchedules"],
        json!([])
    );
}

const UPDATE: &str = "mutation($id: ID!, $i: ScheduleInput!) { updateReportSchedule(id: $id, input: $i) { dbId recipients { address displayName } } }";

fn people(list: Value) -> Value {
    input(json!({ "recipients": list }))
}

#[tokio::test]
async fn recipients_are_checked_normalised_and_de_duplicated_on_create_and_update() {
    let app = TestApp::spawn().await;
    let made = app
        .data(
            &app.admin,
            "mutation($i: ScheduleInput!) { createReportSchedule(input: $i) { dbId recipients { address displayName } } }",
            json!({ "i": people(json!([
                { "address": " lanhdao@CôngAn.VN ", "displayName": "  Đại tá Phan Công Bình " },
                { "address": "phogiamdoc@example.org", "displayName": "" },
            ])) }),
        )
        .await["createReportSchedule"]
        .clone();
    assert_eq!(
        made["recipients"],
        json!([
            { "address": "lanhdao@xn--cngan-6ta.vn", "displayName": "Đại tá Phan Công Bình" },
            { "address": "phogiamdoc@example.org", "displayName": "" },
        ]),
        "IDN domains are stored as punycode"
    );
    let id = made["dbId"].clone();
    let long = "Đ".repeat(101);
    let refused = [
        (
            json!({ "address": "a@example.org", "displayName": "Lãnh đạo\r\nBcc: x@example.org" }),
            "INVALID_DISPLAY_NAME",
        ),
        (
            json!({ "address": "a@example.org", "displayName": "\u{202E}cod.exe" }),
            "INVALID_DISPLAY_NAME",
        ),
        (
            json!({ "address": "a@example.org", "displayName": "Lãnh\u{200B}đạo" }),
            "INVALID_DISPLAY_NAME",
        ),
        (
            json!({ "address": "a@example.org", "displayName": "chuông\u{7}" }),
            "INVALID_DISPLAY_NAME",
        ),
        (
            json!({ "address": "a@example.org", "displayName": long }),
            "INVALID_DISPLAY_NAME",
        ),
        (
            json!({ "address": "lãnhđạo@example.org", "displayName": "x" }),
            "INVALID_ADDRESS",
        ),
        (
            json!({ "address": "a@exa mple.org", "displayName": "x" }),
            "INVALID_ADDRESS",
        ),
    ];
    for (bad, code) in &refused {
        let list = json!([{ "address": "ok@example.org", "displayName": "ok" }, bad]);
        let body = app
            .gql(&app.admin, CREATE, json!({ "i": people(list.clone()) }))
            .await;
        assert_eq!(first_code(&body), *code, "create {bad}: {body}");
        let body = app
            .gql(&app.admin, UPDATE, json!({ "id": id, "i": people(list) }))
            .await;
        assert_eq!(first_code(&body), *code, "update {bad}: {body}");
    }
    for twice in [
        json!([{ "address": "a@Example.ORG", "displayName": "x" }, { "address": "a@example.org", "displayName": "y" }]),
        json!([{ "address": "a@bücher.example", "displayName": "x" }, { "address": "a@xn--bcher-kva.example", "displayName": "y" }]),
    ] {
        let body = app
            .gql(&app.admin, CREATE, json!({ "i": people(twice.clone()) }))
            .await;
        assert_eq!(first_code(&body), "DUPLICATE_RECIPIENT", "{twice}: {body}");
        let body = app
            .gql(&app.admin, UPDATE, json!({ "id": id, "i": people(twice) }))
            .await;
        assert_eq!(first_code(&body), "DUPLICATE_RECIPIENT", "{body}");
    }
    // Different local parts are different people.
    let two = json!([{ "address": "A@example.org", "displayName": "x" }, { "address": "a@example.org", "displayName": "y" }]);
    let body = app
        .gql(&app.admin, CREATE, json!({ "i": people(two) }))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    // Nothing refused was written: the first schedule kept its recipients.
    let data = app.data(&app.admin, LIST, json!({})).await;
    let list = data["reportSchedules"].as_array().expect("list");
    assert_eq!(list.len(), 2);
    assert_eq!(
        list[0]["recipients"][0]["address"],
        "lanhdao@xn--cngan-6ta.vn"
    );
    assert_eq!(list[0]["recipients"].as_array().map(Vec::len), Some(2));
}

/// Start and end dates are days of the schedule's zone: 06:00 in Vietnam is 23:00 UTC
/// the day before, so a schedule from 10 to 11 January 2030 fires at 23:00 UTC on 9 and
/// 10 January, not on 11 January (12 January there).
#[tokio::test]
async fn start_and_end_dates_are_days_of_the_schedules_zone() {
    let app = TestApp::spawn_with(coso::config::Limits::default(), false).await;
    let i =
        input(json!({ "cron": "0 6 * * *", "startDate": "2030-01-10", "endDate": "2030-01-11" }));
    let q = "mutation($i: ScheduleInput!) { createReportSchedule(input: $i) { timeZone nextFireTimes(count: 5) } }";
    let data = app.data(&app.admin, q, json!({ "i": i })).await;
    let created = &data["createReportSchedule"];
    assert_eq!(created["timeZone"], "Asia/Ho_Chi_Minh");
    assert_eq!(
        created["nextFireTimes"],
        json!(["2030-01-09T23:00:00+00:00", "2030-01-10T23:00:00+00:00"])
    );
}
