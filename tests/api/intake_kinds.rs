//! The kinds beyond officers, seats and headquarters (directives, union activities,
//! dialogue questions, awards, areas), through HTTP: each kind's export imports back
//! unchanged, a new record is created once and then left unchanged, a bad row writes
//! nothing; province-level kinds are a province admin's; bad workbooks (merged cells,
//! hidden sheets with data, a real encrypted file) and an import past its time bound are
//! refused with their codes and nothing written.

use coso::config::Limits;
use rust_xlsxwriter::Workbook;
use serde_json::{Value, json};

use crate::helpers::{ARTICLE_DAY, TestApp};
use crate::intake::{code, download, first_sheet, upload};

/// A CSV of `kind` with its Vietnamese headers and `rows` (cells already quoted).
fn csv(kind: &str, rows: &[&str]) -> Vec<u8> {
    let kind = coso::intake::Kind::from_code(kind).expect("kind");
    let header: Vec<String> = kind
        .columns()
        .iter()
        .map(|c| format!("\"{}\"", c.vi))
        .collect();
    let mut out = header.join(",");
    for r in rows {
        out.push('\n');
        out.push_str(r);
    }
    out.push('\n');
    out.into_bytes()
}

/// Exports `kind` on the article's day as `token` and imports the file back: nothing to
/// do. Returns the number of rows exported.
async fn round_trip(app: &TestApp, token: &str, kind: &str) -> u64 {
    let path = format!("/exports/{kind}.xlsx?asOf={ARTICLE_DAY}");
    let (status, file) = download(app, token, &path).await;
    assert_eq!(status, 200, "{path}");
    let rows = first_sheet(&file).len() as u64 - 1;
    let (status, body) = upload(app, token, kind, "export.xlsx", &file, &[]).await;
    assert_eq!(status, 200, "{kind}: {body}");
    assert_eq!(
        (&body["counts"]["created"], &body["counts"]["updated"]),
        (&json!(0), &json!(0)),
        "{kind}: {body}"
    );
    assert_eq!(body["counts"]["unchanged"], rows, "{kind}: {body}");
    rows
}

/// Imports `file` as `kind` twice: the first creates `created`, the second changes
/// nothing.
async fn created_then_unchanged(app: &TestApp, token: &str, kind: &str, file: &[u8], created: u64) {
    let (status, body) = upload(app, token, kind, "new.csv", file, &[]).await;
    assert_eq!(status, 200, "{kind}: {body}");
    assert_eq!(body["counts"]["created"], created, "{kind}: {body}");
    let (status, body) = upload(app, token, kind, "new.csv", file, &[]).await;
    assert_eq!(status, 200, "{kind}: {body}");
    assert_eq!(
        body["summary"],
        format!("0 created, 0 updated, {created} unchanged"),
        "{kind}: {body}"
    );
}

/// Uploads a file that must be refused for its rows; returns the first row error.
async fn refused_row(app: &TestApp, token: &str, kind: &str, file: &[u8]) -> Value {
    let (status, body) = upload(app, token, kind, "bad.csv", file, &[]).await;
    assert_eq!(
        (status, code(&body)),
        (422, "IMPORT_INVALID_ROWS"),
        "{kind}: {body}"
    );
    body["rowErrors"][0].clone()
}

async fn total(app: &TestApp, field: &str) -> u64 {
    app.count(&app.admin, field, json!({})).await
}

#[tokio::test]
async fn directives_round_trip_and_are_a_province_admins() {
    let app = TestApp::spawn().await;
    assert!(round_trip(&app, &app.admin, "directives").await > 0);
    let before = total(&app, "directives").await;
    let new = csv(
        "directives",
        &["\"99-NQ/TU\",\"Nghị quyết\",\"Tỉnh ủy\",\"Về nhập dữ liệu từ bảng tính\",05/02/2024"],
    );
    created_then_unchanged(&app, &app.admin, "directives", &new, 1).await;
    assert_eq!(total(&app, "directives").await, before + 1);
    // An edit of the title updates the same document (its key: issuer, number, year).
    let edited = csv(
        "directives",
        &["\"99-NQ/TU\",\"Nghị quyết\",\"Tỉnh ủy\",\"Về nhập dữ liệu, sửa\",06/02/2024"],
    );
    let (status, body) = upload(&app, &app.admin, "directives", "e.csv", &edited, &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["counts"]["updated"], 1, "{body}");
    // Twice in one file: refused, nothing written.
    let twice = csv(
        "directives",
        &[
            "\"100-NQ/TU\",\"Nghị quyết\",\"Tỉnh ủy\",\"Một\",05/02/2024",
            "\"100-NQ/TU\",\"Nghị quyết\",\"Tỉnh ủy\",\"Hai\",07/03/2024",
        ],
    );
    let error = refused_row(&app, &app.admin, "directives", &twice).await;
    assert_eq!(
        (error["code"].as_str(), error["row"].as_u64()),
        (Some("IMPORT_DUPLICATE_ROW"), Some(3))
    );
    // Complete means nothing for directives: none is ever ended.
    let (status, body) = upload(
        &app,
        &app.admin,
        "directives",
        "c.csv",
        &new,
        &[("complete", "true")],
    )
    .await;
    assert_eq!(
        (status, &body["counts"]["ended"]),
        (200, &json!(0)),
        "{body}"
    );
    assert_eq!(total(&app, "directives").await, before + 1);
    // An area admin neither imports nor exports province-level documents.
    let (status, body) = upload(&app, &app.city_admin, "directives", "a.csv", &twice, &[]).await;
    assert_eq!(
        (status, code(&body)),
        (403, "IMPORT_OUT_OF_SCOPE"),
        "{body}"
    );
    let (status, _) = download(&app, &app.city_admin, "/exports/directives.xlsx").await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn activities_round_trip_end_when_complete_and_stay_in_the_area() {
    let app = TestApp::spawn().await;
    round_trip(&app, &app.admin, "activities").await;
    let mine = round_trip(&app, &app.city_admin, "activities").await;
    let before = total(&app, "unionActivities").await;
    let row = "\"Đoàn Thanh niên\",\"hoạt động tình nguyện\",\"Thắp sáng đường quê (nhập)\",,21010,26/03/2024,,\"Có\"";
    let new = csv("activities", &[row]);
    created_then_unchanged(&app, &app.city_admin, "activities", &new, 1).await;
    assert_eq!(total(&app, "unionActivities").await, before + 1);
    // An end before the start, and (for an area admin) a province-wide row: refused.
    let bad = csv(
        "activities",
        &[
            "\"Đoàn Thanh niên\",\"hoạt động tình nguyện\",\"Sai\",,21010,26/03/2024,01/03/2024,\"Có\"",
        ],
    );
    let error = refused_row(&app, &app.admin, "activities", &bad).await;
    assert_eq!(error["code"], "IMPORT_DATE_ORDER");
    let wide = csv(
        "activities",
        &["\"Đoàn Thanh niên\",\"hoạt động tình nguyện\",\"Toàn tỉnh\",,,26/03/2024,,\"Có\""],
    );
    let error = refused_row(&app, &app.city_admin, "activities", &wide).await;
    assert_eq!(error["code"], "IMPORT_OUT_OF_SCOPE");
    assert_eq!(total(&app, "unionActivities").await, before + 1);
    // The area's complete list on the day holding only the new activity: the area's
    // other running activities end that day; the province's are untouched.
    let (status, body) = upload(
        &app,
        &app.city_admin,
        "activities",
        "complete.csv",
        &new,
        &[("complete", "true"), ("day", ARTICLE_DAY)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["counts"]["ended"], mine, "{body}");
    assert_eq!(
        total(&app, "unionActivities").await,
        before + 1,
        "nothing deleted"
    );
    assert_eq!(round_trip(&app, &app.city_admin, "activities").await, 1);
}

#[tokio::test]
async fn questions_round_trip_and_create_their_session() {
    let app = TestApp::spawn().await;
    assert!(round_trip(&app, &app.admin, "questions").await > 0);
    round_trip(&app, &app.city_admin, "questions").await;
    let before = total(&app, "dialogueQuestions").await;
    let rows = [
        "\"Hội nghị đối thoại nhập thử\",20/11/2024,\"Đề án 06\",21010,\"Trưởng Công an cấp xã\",\"Đề nghị bổ sung máy tính\",\"Phòng Hậu cần\",,\"chưa trả lời\",20/11/2024,",
        "\"Hội nghị đối thoại nhập thử\",20/11/2024,\"Đề án 06\",21010,\"Trưởng Công an cấp xã\",\"Đề nghị bổ sung xe\",\"Phòng Hậu cần\",\"Đã cấp\",\"đã trả lời\",20/11/2024,25/11/2024",
    ];
    // An area admin cannot create the province's session.
    let new = csv("questions", &rows);
    let error = refused_row(&app, &app.city_admin, "questions", &new).await;
    assert_eq!(error["code"], "IMPORT_UNKNOWN_SESSION");
    created_then_unchanged(&app, &app.admin, "questions", &new, 2).await;
    assert_eq!(total(&app, "dialogueQuestions").await, before + 2);
    // Now the session exists, the area admin adds to it.
    let third = csv(
        "questions",
        &[
            "\"Hội nghị đối thoại nhập thử\",20/11/2024,\"Đề án 06\",21010,\"Trưởng Công an cấp xã\",\"Đề nghị thêm\",\"Phòng Hậu cần\",,\"chưa trả lời\",20/11/2024,",
        ],
    );
    created_then_unchanged(&app, &app.city_admin, "questions", &third, 1).await;
    // Answered without an answer day: refused.
    let bad = csv(
        "questions",
        &[
            "\"Hội nghị đối thoại nhập thử\",20/11/2024,\"Đề án 06\",21010,\"Trưởng Công an cấp xã\",\"Sai\",\"Phòng Hậu cần\",\"Có\",\"đã trả lời\",20/11/2024,",
        ],
    );
    let error = refused_row(&app, &app.admin, "questions", &bad).await;
    assert_eq!(
        (error["code"].as_str(), error["field"].as_str()),
        (Some("IMPORT_BAD_VALUE"), Some("status"))
    );
    assert_eq!(total(&app, "dialogueQuestions").await, before + 3);
}

#[tokio::test]
async fn awards_round_trip_name_their_officer_and_stay_in_the_area() {
    let app = TestApp::spawn().await;
    assert!(round_trip(&app, &app.admin, "awards").await > 0);
    round_trip(&app, &app.city_admin, "awards").await;
    let before = total(&app, "awards").await;
    let new = csv(
        "awards",
        &[
            "\"Bằng khen\",\"Giám đốc Công an tỉnh\",\"tập thể\",21010,,,19/08/2024,\"Có thành tích xuất sắc (nhập)\"",
        ],
    );
    created_then_unchanged(&app, &app.city_admin, "awards", &new, 1).await;
    assert_eq!(total(&app, "awards").await, before + 1);
    // An individual award needs its officer; another area's unit is not the area admin's.
    let nameless = csv(
        "awards",
        &["\"Bằng khen\",\"Giám đốc Công an tỉnh\",\"cá nhân\",21010,,,19/08/2024,\"Không tên\""],
    );
    let error = refused_row(&app, &app.admin, "awards", &nameless).await;
    assert_eq!(error["code"], "IMPORT_BAD_VALUE");
    let unknown = csv(
        "awards",
        &[
            "\"Bằng khen\",\"Giám đốc Công an tỉnh\",\"cá nhân\",21010,\"Không Có Ai\",1980,19/08/2024,\"Không ai\"",
        ],
    );
    let error = refused_row(&app, &app.admin, "awards", &unknown).await;
    assert_eq!(error["code"], "IMPORT_UNKNOWN_OFFICER");
    let theirs = csv(
        "awards",
        &[
            "\"Bằng khen\",\"Giám đốc Công an tỉnh\",\"tập thể\",21043,,,19/08/2024,\"Ngoài địa bàn\"",
        ],
    );
    let error = refused_row(&app, &app.city_admin, "awards", &theirs).await;
    assert_eq!(error["code"], "IMPORT_OUT_OF_SCOPE");
    assert_eq!(total(&app, "awards").await, before + 1);
}

#[tokio::test]
async fn areas_are_imported_by_a_province_admin_and_end_missing_members_when_complete() {
    let app = TestApp::spawn().await;
    let before = areas(&app).await;
    let new = csv(
        "areas",
        &[
            "NHAP,\"Cụm nhập thử\",\"tự định nghĩa\",21010,,",
            "NHAP,\"Cụm nhập thử\",\"tự định nghĩa\",21043,,",
        ],
    );
    created_then_unchanged(&app, &app.admin, "areas", &new, 2).await;
    assert_eq!(areas(&app).await, before + 1);
    let exported = round_trip(&app, &app.admin, "areas").await;
    assert!(exported >= 2);
    // Its complete list on the day holds 21010 only: 21043 leaves the area the day before.
    let one = csv(
        "areas",
        &["NHAP,\"Cụm nhập thử\",\"tự định nghĩa\",21010,,"],
    );
    let (status, body) = upload(
        &app,
        &app.admin,
        "areas",
        "complete.csv",
        &one,
        &[("complete", "true"), ("day", ARTICLE_DAY)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["counts"]["ended"], 1, "{body}");
    assert_eq!(round_trip(&app, &app.admin, "areas").await, exported - 1);
    // District areas come from the history; two names for one area; not an area admin's.
    let district = csv("areas", &["NHAP2,\"Cụm\",\"huyện (2024)\",21010,,"]);
    let error = refused_row(&app, &app.admin, "areas", &district).await;
    assert_eq!(error["code"], "IMPORT_BAD_VALUE");
    let two_names = csv(
        "areas",
        &[
            "NHAP3,\"Một\",\"tự định nghĩa\",21010,,",
            "NHAP3,\"Hai\",\"tự định nghĩa\",21043,,",
        ],
    );
    let error = refused_row(&app, &app.admin, "areas", &two_names).await;
    assert_eq!(
        (error["code"].as_str(), error["row"].as_u64()),
        (Some("IMPORT_BAD_VALUE"), Some(3))
    );
    let (status, body) = upload(&app, &app.city_admin, "areas", "a.csv", &one, &[]).await;
    assert_eq!(
        (status, code(&body)),
        (403, "IMPORT_OUT_OF_SCOPE"),
        "{body}"
    );
    let (status, _) = download(&app, &app.city_admin, "/exports/areas.xlsx").await;
    assert_eq!(status, 403);
    assert_eq!(areas(&app).await, before + 1);
}

async fn areas(app: &TestApp) -> usize {
    app.data(&app.admin, "{ areas { code kind } }", json!({}))
        .await["areas"]
        .as_array()
        .unwrap()
        .len()
}

/// An officer workbook of `n` rows (headers only when `n` is 0).
fn officers_xlsx(n: usize, tune: impl FnOnce(&mut Workbook)) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    let kind = coso::intake::Kind::Officers;
    for (c, col) in kind.columns().iter().enumerate() {
        ws.write_string(0, c as u16, col.vi).unwrap();
    }
    for i in 0..n {
        let r = i as u32 + 1;
        let row = [
            "21010",
            &format!("Lê Văn Nhập {i}"),
            "Nam",
            "1990",
            "Trung úy",
            "Cán bộ, chiến sĩ",
            "01/06/2024",
        ];
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r, c as u16, *v).unwrap();
        }
    }
    tune(&mut book);
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn merged_cells_hidden_sheets_and_a_real_encrypted_workbook_are_refused() {
    let app = TestApp::spawn().await;
    let before = total(&app, "officers").await;
    let merged = officers_xlsx(3, |book| {
        let ws = book.worksheet_from_index(0).unwrap();
        ws.merge_range(2, 0, 3, 0, "21010", &rust_xlsxwriter::Format::new())
            .unwrap();
    });
    let (status, body) = upload(&app, &app.admin, "officers", "m.xlsx", &merged, &[]).await;
    assert_eq!(
        (status, code(&body)),
        (422, "IMPORT_MERGED_CELLS"),
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("A3:A4"),
        "{body}"
    );

    let hidden = officers_xlsx(1, |book| {
        let ws = book.add_worksheet();
        ws.set_name("Cu").unwrap();
        ws.write_string(0, 0, "dữ liệu cũ").unwrap();
        ws.set_hidden(true);
    });
    let (status, body) = upload(&app, &app.admin, "officers", "h.xlsx", &hidden, &[]).await;
    assert_eq!(
        (status, code(&body)),
        (422, "IMPORT_HIDDEN_SHEET"),
        "{body}"
    );
    // A hidden sheet with nothing in it is harmless.
    let empty_hidden = officers_xlsx(1, |book| {
        let ws = book.add_worksheet();
        ws.set_hidden(true);
    });
    let (status, body) = upload(
        &app,
        &app.admin,
        "officers",
        "e.xlsx",
        &empty_hidden,
        &[("dryRun", "true")],
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // A real password-protected workbook (tests/api/fixtures/intake/README.md).
    let encrypted = include_bytes!("fixtures/intake/encrypted.xlsx");
    let (status, body) = upload(&app, &app.admin, "officers", "enc.xlsx", encrypted, &[]).await;
    assert_eq!((status, code(&body)), (422, "IMPORT_ENCRYPTED"), "{body}");
    assert_eq!(total(&app, "officers").await, before);
}

#[tokio::test]
async fn an_import_past_its_time_bound_is_abandoned_and_writes_nothing() {
    let limits = Limits {
        import_timeout_secs: 2,
        ..Default::default()
    };
    let app = TestApp::spawn_with(limits, true).await;
    let before = total(&app, "officers").await;
    // About 7 s of reading and converting in a debug build, against a 2 s bound.
    let big = officers_xlsx(30_000, |_| {});
    let (status, body) = upload(&app, &app.admin, "officers", "big.xlsx", &big, &[]).await;
    assert_eq!((status, code(&body)), (503, "IMPORT_TIMEOUT"), "{body}");
    assert_eq!(total(&app, "officers").await, before);
    let data = app
        .data(&app.admin, "{ imports(limit: 1) { outcome } }", json!({}))
        .await;
    assert_eq!(data["imports"][0]["outcome"], "IMPORT_TIMEOUT");
    // The server goes on: a small file is imported.
    let small = officers_xlsx(1, |_| {});
    let (status, body) = upload(&app, &app.admin, "officers", "small.xlsx", &small, &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(total(&app, "officers").await, before + 1);
}

/// A separate server process (`tests/api/process.rs`) takes a 50,000-row officer
/// workbook; while the import runs, `GET /health` and a small GraphQL query keep
/// answering within a few seconds (the file is read off the async threads; on SQLite
/// readers do not wait for the import's write transaction, WAL).
#[tokio::test]
async fn health_and_queries_answer_while_a_large_import_runs() {
    use std::time::{Duration, Instant};
    let server = crate::process::ServerProcess::start(&[]).await;
    let admin = server.token("admin", None);
    let viewer = server.token("viewer", None);
    let big = officers_xlsx(50_000, |_| {});
    let (content_type, body) = crate::intake::multipart("big.xlsx", &big, &[("kind", "officers")]);
    let (client, url) = (server.client.clone(), format!("{}/imports", server.base));
    let began = Instant::now();
    let import = tokio::spawn(async move {
        let resp = client
            .post(url)
            .bearer_auth(admin)
            .header("content-type", content_type)
            .body(body)
            .timeout(Duration::from_secs(600))
            .send()
            .await
            .expect("the import answers");
        let status = resp.status().as_u16();
        (status, resp.json::<Value>().await.unwrap_or(Value::Null))
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (mut probes, mut slowest) = (0, Duration::ZERO);
    while !import.is_finished() {
        let started = Instant::now();
        assert!(server.healthy().await, "GET /health during the import");
        let (status, body) = server.graphql(&viewer, "{ officers { totalCount } }").await;
        assert_eq!(status, 200, "{body}");
        slowest = slowest.max(started.elapsed());
        probes += 1;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (status, body) = import.await.unwrap();
    let took = began.elapsed();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["counts"]["created"], 50_000, "{body}");
    assert!(
        probes >= 3,
        "the import ran long enough to be probed ({probes} probes)"
    );
    assert!(
        slowest < Duration::from_secs(3),
        "health + query took {slowest:?} at worst over {probes} probes"
    );
    eprintln!("import of 50,000 rows: {took:?}; {probes} probes during it, slowest {slowest:?}");
}
