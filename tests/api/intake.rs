//! Spreadsheets in and out, through HTTP as a department's clerk would use them: real
//! XLSX files made with rust_xlsxwriter and hand-written CSV bytes, uploaded to
//! `POST /imports`; templates and exports downloaded and opened with calamine.

use std::io::{Cursor, Write};

use calamine::{Data, Reader, Xlsx};
use coso::config::Limits;
use rust_xlsxwriter::{Formula, Workbook};
use serde_json::{Value, json};

use crate::helpers::{ARTICLE_DAY, TestApp};

/// A multipart body with `file` and text fields, by hand (reqwest has no multipart here).
pub(crate) fn multipart(
    file_name: &str,
    bytes: &[u8],
    fields: &[(&str, &str)],
) -> (String, Vec<u8>) {
    let boundary = "coso-test-boundary-7d1f";
    let mut body = Vec::new();
    for (k, v) in fields {
        write!(
            body,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        )
        .unwrap();
    }
    write!(
        body,
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .unwrap();
    body.extend_from_slice(bytes);
    write!(body, "\r\n--{boundary}--\r\n").unwrap();
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Uploads `bytes` as `kind`; returns the status and the body (JSON, or the raw bytes
/// as a JSON string of their length when the answer is a workbook).
pub(crate) async fn upload(
    app: &TestApp,
    token: &str,
    kind: &str,
    name: &str,
    bytes: &[u8],
    extra: &[(&str, &str)],
) -> (u16, Value) {
    let mut fields = vec![("kind", kind)];
    fields.extend_from_slice(extra);
    let (content_type, body) = multipart(name, bytes, &fields);
    let resp = app
        .client
        .post(format!("{}/imports", app.base))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn download(app: &TestApp, token: &str, path: &str) -> (u16, Vec<u8>) {
    let resp = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.bytes().await.unwrap().to_vec())
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes.to_vec())).expect("a workbook")
}

pub(crate) fn first_sheet(bytes: &[u8]) -> Vec<Vec<Data>> {
    let mut book = open(bytes);
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

pub(crate) fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<none>")
}

/// A zip part's text.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
    text
}

const OFFICER_HEADERS: [&str; 8] = [
    "Mã đơn vị",
    "Họ và tên",
    "Giới tính",
    "Năm sinh",
    "Cấp bậc",
    "Chức vụ",
    "Ngày nhận công tác",
    "Ngày thôi công tác",
];

/// An officer sheet made by hand (no hidden sheet: a clerk's own workbook).
fn officer_workbook(rows: &[[&str; 7]]) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in OFFICER_HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

async fn officer_count(app: &TestApp) -> u64 {
    app.count(&app.admin, "officers", json!({})).await
}

const INDICATORS: &str = r#"query($asOf: NaiveDate) {
  indicators(asOf: $asOf) { code value numerator denominator group { kind code } }
}"#;

#[tokio::test]
async fn every_template_opens_with_its_headers_dropdowns_and_hidden_kind() {
    let app = TestApp::spawn_with(Limits::default(), false).await;
    for kind in coso::intake::Kind::ALL {
        for (lang, english) in [("", false), ("?lang=en", true)] {
            let path = format!("/imports/templates/{}.xlsx{lang}", kind.code());
            let (status, bytes) = download(&app, &app.viewer, &path).await;
            assert_eq!(status, 200, "{path}");
            let rows = first_sheet(&bytes);
            let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
            let want: Vec<&str> = kind.columns().iter().map(|c| c.header(english)).collect();
            assert_eq!(header, want, "{path}");
            assert_eq!(rows.len(), 2, "{path}: one example row");
            let mut book = open(&bytes);
            let meta = book.worksheet_range("_coso").unwrap();
            assert_eq!(
                meta.get_value((0, 1)),
                Some(&Data::String(kind.code().into()))
            );
            let sheets = book.sheets_metadata().to_vec();
            assert_eq!(sheets[1].visible, calamine::SheetVisible::Hidden);
            let xml = part(&bytes, "xl/worksheets/sheet1.xml");
            let choices = kind
                .columns()
                .iter()
                .filter(|c| matches!(c.ty, coso::intake::kind::ColType::Choice(_)))
                .count();
            assert_eq!(xml.matches("<dataValidation ").count(), choices, "{path}");
            assert!(
                xml.contains("<pane ") && xml.contains("state=\"frozen\""),
                "{path}"
            );
        }
    }
    let (status, _) = download(&app, &app.viewer, "/imports/templates/nothing.xlsx").await;
    assert_eq!(status, 404);
}

/// The demo's officers and seats on the article's day, exported, the facts of those
/// kinds removed, and the exports imported: every indicator of the day comes back as the
/// seeder made it; the same files again change nothing.
#[tokio::test]
async fn exported_demo_officers_imported_into_an_empty_table_give_the_seeders_indicators() {
    let app = TestApp::spawn().await;
    let vars = json!({ "asOf": ARTICLE_DAY });
    let before = app.data(&app.viewer, INDICATORS, vars.clone()).await;
    let day = format!("?asOf={ARTICLE_DAY}");
    let (status, officers) =
        download(&app, &app.admin, &format!("/exports/officers.xlsx{day}")).await;
    assert_eq!(status, 200);
    let (_, seats) = download(&app, &app.admin, &format!("/exports/seats.xlsx{day}")).await;
    let (_, hq) = download(
        &app,
        &app.admin,
        &format!("/exports/headquarters.xlsx{day}"),
    )
    .await;
    let in_post = app
        .count(&app.admin, "officers", json!({ "activeOn": ARTICLE_DAY }))
        .await;
    assert_eq!(first_sheet(&officers).len() as u64, in_post + 1);

    // Export → import without an edit: nothing to do, for every kind.
    for (kind, file) in [
        ("officers", &officers),
        ("seats", &seats),
        ("headquarters", &hq),
    ] {
        let (status, body) = upload(&app, &app.admin, kind, "export.xlsx", file, &[]).await;
        assert_eq!(status, 200, "{kind}: {body}");
        assert_eq!(body["counts"]["created"], 0, "{kind}: {body}");
        assert_eq!(body["counts"]["updated"], 0, "{kind}: {body}");
        assert!(
            body["counts"]["unchanged"].as_u64().unwrap() > 0,
            "{kind}: {body}"
        );
    }

    // An empty officer table (seats and awards' officer links go with it).
    use sea_orm::ConnectionTrait;
    for sql in [
        "DELETE FROM party_membership",
        "UPDATE award SET officer_id = NULL",
        "DELETE FROM officer",
    ] {
        app.db.execute_unprepared(sql).await.unwrap();
    }
    coso::service::version::bump(&app.db).await.unwrap();
    assert_eq!(officer_count(&app).await, 0);

    let (status, body) = upload(
        &app,
        &app.admin,
        "officers",
        "officers.xlsx",
        &officers,
        &[],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["counts"]["created"].as_u64(), Some(in_post), "{body}");
    let (status, body) = upload(&app, &app.admin, "seats", "seats.xlsx", &seats, &[]).await;
    assert_eq!(status, 200, "{body}");
    let after = app.data(&app.viewer, INDICATORS, vars).await;
    let officer_kinds = |v: &Value| -> Vec<Value> {
        v["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| !i["code"].as_str().unwrap_or_default().contains("award"))
            .cloned()
            .collect()
    };
    assert_eq!(officer_kinds(&after), officer_kinds(&before));

    // The same file again: nothing changes, and it says so.
    let (status, body) = upload(
        &app,
        &app.admin,
        "officers",
        "officers.xlsx",
        &officers,
        &[],
    )
    .await;
    assert_eq!(status, 200);
    let n = coso::format::number_vi(in_post as f64, 0);
    assert_eq!(
        body["summary"],
        format!("0 created, 0 updated, {n} unchanged")
    );

    // Recorded and audited; `imports` lists them.
    let data = app
        .data(
            &app.admin,
            "{ imports(limit: 20) { kind outcome created unchanged sha256 fileName } }",
            json!({}),
        )
        .await;
    let imports = data["imports"].as_array().unwrap();
    assert!(imports.len() >= 6);
    assert_eq!(imports[0]["outcome"], "ok");
    assert_eq!(imports[0]["created"], 0);
    // The stored file of an applied import, byte for byte; not for an area admin of
    // another area, nor for a viewer.
    let id = app
        .data(&app.admin, "{ imports(limit: 1) { dbId } }", json!({}))
        .await["imports"][0]["dbId"]
        .as_i64()
        .unwrap();
    let (status, stored) = download(&app, &app.admin, &format!("/imports/files/{id}")).await;
    assert_eq!((status, stored == officers), (200, true));
    let (status, _) = download(&app, &app.city_admin, &format!("/imports/files/{id}")).await;
    assert_eq!(status, 404);
    let (status, _) = download(&app, &app.viewer, &format!("/imports/files/{id}")).await;
    assert_eq!(status, 403);
    let denied = app
        .gql(&app.viewer, "{ imports { dbId } }", json!({}))
        .await;
    assert_eq!(crate::helpers::first_code(&denied), "FORBIDDEN");
}

#[tokio::test]
async fn one_bad_row_in_ten_thousand_writes_nothing_and_is_marked_in_the_error_copy() {
    let app = TestApp::spawn().await;
    let before = officer_count(&app).await;
    let units = ["21010", "21013", "21016", "21019"];
    let names: Vec<String> = (0..10_000).map(|i| format!("Lê Văn Thử {i}")).collect();
    let years: Vec<String> = (0..10_000).map(|i| (1970 + i % 30).to_string()).collect();
    let mut rows: Vec<[&str; 7]> = (0..10_000)
        .map(|i| {
            [
                units[i % 4],
                names[i].as_str(),
                "Nam",
                years[i].as_str(),
                "Trung úy",
                "Cán bộ, chiến sĩ",
                "01/06/2024",
            ]
        })
        .collect();
    rows[6_543][6] = "31/02/2024";
    let bytes = officer_workbook(&rows);
    let (status, body) = upload(&app, &app.admin, "officers", "big.xlsx", &bytes, &[]).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(code(&body), "IMPORT_INVALID_ROWS");
    assert_eq!(body["errorCount"], 1);
    let e = &body["rowErrors"][0];
    assert_eq!(
        (e["row"].as_u64(), e["column"].as_str()),
        (Some(6_545), Some("G"))
    );
    assert_eq!(e["code"], "IMPORT_BAD_DATE");
    assert!(e["vi"].as_str().unwrap().contains("31/02/2024"));
    assert_eq!(officer_count(&app).await, before, "nothing written");

    // The error copy: the same cell, filled, with a note naming the code.
    let (content_type, multi) = multipart(
        "big.xlsx",
        &bytes,
        &[("kind", "officers"), ("errors", "xlsx")],
    );
    let resp = app
        .client
        .post(format!("{}/imports", app.base))
        .bearer_auth(&app.admin)
        .header("content-type", content_type)
        .body(multi)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let copy = resp.bytes().await.unwrap().to_vec();
    let rows = first_sheet(&copy);
    assert_eq!(rows[6_544][6], Data::String("31/02/2024".into()));
    let notes = part(&copy, "xl/comments1.xml");
    assert!(
        notes.contains("ref=\"G6545\"") && notes.contains("IMPORT_BAD_DATE"),
        "{notes}"
    );
    let errors = open(&copy).worksheet_range("Loi").unwrap();
    assert_eq!(
        errors.get_value((1, 3)),
        Some(&Data::String("IMPORT_BAD_DATE".into()))
    );

    // Fixed, the same file imports every row in one go.
    rows_fixed(&app, &bytes).await;
}

async fn rows_fixed(app: &TestApp, _bad: &[u8]) {
    let bytes = officer_workbook(&[[
        "21010",
        "Lê Văn Sửa",
        "Nam",
        "1988",
        "Trung úy",
        "Cán bộ, chiến sĩ",
        "01/06/2024",
    ]]);
    let (status, body) = upload(
        app,
        &app.admin,
        "officers",
        "one.xlsx",
        &bytes,
        &[("dryRun", "true")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["counts"]["created"], 1);
    assert_eq!(body["dryRun"], true);
    assert!(
        body["samples"]["created"][0]
            .as_str()
            .unwrap()
            .contains("Lê Văn Sửa")
    );
}

#[tokio::test]
async fn an_area_admin_imports_only_into_its_own_area() {
    let app = TestApp::spawn().await;
    let before = officer_count(&app).await;
    let csv = "Mã đơn vị,Họ và tên,Giới tính,Năm sinh,Cấp bậc,Chức vụ,Ngày nhận công tác\n\
               21010,Phan Văn Một,Nam,1990,Trung úy,\"Cán bộ, chiến sĩ\",01/06/2024\n\
               21043,Phan Văn Hai,Nam,1991,Trung úy,\"Cán bộ, chiến sĩ\",01/06/2024\n";
    let (status, body) = upload(
        &app,
        &app.city_admin,
        "officers",
        "a.csv",
        csv.as_bytes(),
        &[],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["rowErrors"][0]["code"], "IMPORT_OUT_OF_SCOPE");
    assert_eq!(body["rowErrors"][0]["row"], 3);
    assert_eq!(officer_count(&app).await, before);
    let own: String = csv.lines().take(2).map(|l| format!("{l}\n")).collect();
    let (status, body) = upload(
        &app,
        &app.city_admin,
        "officers",
        "a.csv",
        own.as_bytes(),
        &[],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(officer_count(&app).await, before + 1);
    let (status, body) = upload(&app, &app.viewer, "officers", "a.csv", own.as_bytes(), &[]).await;
    assert_eq!((status, code(&body)), (403, "FORBIDDEN"));
    let (status, _) = download(&app, &app.viewer, "/exports/officers.xlsx").await;
    assert_eq!(status, 403, "a viewer may not export names");
    // The area admin's export holds its own area's units only.
    let (_, mine) = download(
        &app,
        &app.city_admin,
        &format!("/exports/officers.xlsx?asOf={ARTICLE_DAY}"),
    )
    .await;
    let rows = first_sheet(&mine);
    let theirs = app
        .count(
            &app.city_admin,
            "officers",
            json!({ "activeOn": ARTICLE_DAY }),
        )
        .await;
    assert_eq!(rows.len() as u64, theirs + 1);
    assert!(
        rows[1..]
            .iter()
            .all(|r| r[0] != Data::String("21043".into()))
    );
}

#[tokio::test]
async fn a_cp1258_csv_reads_correctly_and_a_tcvn3_name_is_caught() {
    let app = TestApp::spawn().await;
    // Windows-1258, as Vietnamese offices export it: base letters and tone marks apart.
    let cp1258: &[u8] = b"Ma\xde \xf0\xf5n vi\xf2,Ho\xf2 v\xe0 t\xean,Gi\xf5\xeci t\xednh,N\xe3m sinh,C\xe2\xecp b\xe2\xf2c,Ch\xfd\xecc vu\xf2,Ng\xe0y nh\xe2\xf2n c\xf4ng t\xe1c\n21010,Nguy\xea\xden Thi\xf2 H\xf4\xccng,N\xfd\xde,1990,Th\xfd\xf5\xf2ng \xfay,\"C\xe1n b\xf4\xf2, chi\xea\xecn si\xde\",01/06/2024\n";
    let (status, body) = upload(&app, &app.admin, "officers", "cp1258.csv", cp1258, &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["encoding"], "cp1258");
    assert_eq!(body["counts"]["created"], 1);
    let q = r#"{ officers(filter: { search: "nguyen thi hong" }) { edges { node { fullName rank } } } }"#;
    let data = app.data(&app.admin, q, json!({})).await;
    let node = &data["officers"]["edges"][0]["node"];
    assert_eq!(node["fullName"], "Nguyễn Thị Hồng", "stored NFC");

    // TCVN3 typed, read as Unicode: refused with the row named.
    let tcvn3 = "Mã đơn vị,Họ và tên,Giới tính,Năm sinh,Cấp bậc,Chức vụ,Ngày nhận công tác\n\
                 21010,NguyÔn V¨n Tr\u{AD}êng,Nam,1990,Trung úy,\"Cán bộ, chiến sĩ\",01/06/2024\n";
    let bom: Vec<u8> = [&[0xEF, 0xBB, 0xBF][..], tcvn3.as_bytes()].concat();
    let (status, body) = upload(&app, &app.admin, "officers", "tcvn3.csv", &bom, &[]).await;
    assert_eq!(status, 422, "{body}");
    let e = &body["rowErrors"][0];
    assert_eq!(
        (e["code"].as_str(), e["row"].as_u64(), e["column"].as_str()),
        (Some("IMPORT_LEGACY_FONT"), Some(2), Some("B"))
    );
}

#[tokio::test]
async fn formulas_serials_and_codes_typed_as_numbers_are_read_as_meant() {
    let app = TestApp::spawn().await;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in OFFICER_HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_number(1, 0, 21010.0).unwrap(); // a code Excel made a number
    ws.write_formula(
        1,
        1,
        Formula::new("=\"Đỗ \"&\"Văn Công\"").set_result("Đỗ Văn Công"),
    )
    .unwrap();
    ws.write_string(1, 2, "nam").unwrap();
    ws.write_number(1, 3, 1989.0).unwrap();
    ws.write_string(1, 4, "Thượng uý").unwrap(); // the old tone placement
    ws.write_string(1, 5, "officer").unwrap(); // the stored code
    ws.write_number(1, 6, 45444.0).unwrap(); // 01/06/2024 as a serial
    let bytes = book.save_to_buffer().unwrap();
    let (status, body) = upload(&app, &app.admin, "officers", "f.xlsx", &bytes, &[]).await;
    assert_eq!(status, 200, "{body}");
    let q = r#"{ officers(filter: { search: "do van cong" }) { edges { node { unit { code } rank postedFrom } } } }"#;
    let data = app.data(&app.admin, q, json!({})).await;
    let node = &data["officers"]["edges"][0]["node"];
    assert_eq!(node["unit"]["code"], "21010");
    assert_eq!(node["rank"], "THUONG_UY");
    assert_eq!(node["postedFrom"], "2024-06-01");
}

#[tokio::test]
async fn bad_files_are_refused_with_stable_codes_and_nothing_written() {
    let limits = Limits {
        import_max_rows: 5,
        import_max_unpacked_bytes: 1024 * 1024,
        ..Default::default()
    };
    let app = TestApp::spawn_with(limits, true).await;
    let before = officer_count(&app).await;

    // A zip bomb: 32 MiB of zeros in a few kilobytes, against a 1 MiB bound.
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(b"<Types/>").unwrap();
    zip.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..32 {
        zip.write_all(&zeros).unwrap();
    }
    let bomb = zip.finish().unwrap().into_inner();
    assert!(bomb.len() < 200 * 1024);
    let (status, body) = upload(&app, &app.admin, "officers", "bomb.xlsx", &bomb, &[]).await;
    assert_eq!((status, code(&body)), (413, "IMPORT_TOO_LARGE"), "{body}");

    // A password-protected workbook: an OLE container with an EncryptionInfo stream.
    let mut encrypted = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    encrypted.resize(1024, 0);
    encrypted.extend("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes));
    encrypted.resize(4096, 0);
    let (status, body) = upload(&app, &app.admin, "officers", "secret.xlsx", &encrypted, &[]).await;
    assert_eq!((status, code(&body)), (422, "IMPORT_ENCRYPTED"), "{body}");

    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
    let (status, body) = upload(&app, &app.admin, "officers", "x.png", png, &[]).await;
    assert_eq!(
        (status, code(&body)),
        (422, "IMPORT_NOT_A_SPREADSHEET"),
        "{body}"
    );

    // Too many rows: the bound is said.
    let mut csv =
        String::from("Mã đơn vị,Họ và tên,Giới tính,Năm sinh,Cấp bậc,Chức vụ,Ngày nhận công tác\n");
    for i in 0..6 {
        csv.push_str(&format!(
            "21010,Võ Văn {i},Nam,1990,Trung úy,officer,01/06/2024\n"
        ));
    }
    let (status, body) = upload(
        &app,
        &app.admin,
        "officers",
        "many.csv",
        csv.as_bytes(),
        &[],
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (413, "IMPORT_TOO_MANY_ROWS"),
        "{body}"
    );
    assert!(body["errors"][0]["message"].as_str().unwrap().contains('5'));

    // Another kind's template, and an older template version.
    let (_, template) = download(&app, &app.admin, "/imports/templates/headquarters.xlsx").await;
    let (status, body) = upload(&app, &app.admin, "officers", "t.xlsx", &template, &[]).await;
    assert_eq!(
        (status, code(&body)),
        (422, "IMPORT_WRONG_TEMPLATE"),
        "{body}"
    );
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in OFFICER_HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let meta = book.add_worksheet();
    meta.set_name("_coso").unwrap();
    meta.write_string(0, 0, "kind").unwrap();
    meta.write_string(0, 1, "officers").unwrap();
    meta.write_string(1, 0, "version").unwrap();
    meta.write_number(1, 1, 0.0).unwrap();
    meta.set_hidden(true);
    let old = book.save_to_buffer().unwrap();
    let (status, body) = upload(&app, &app.admin, "officers", "old.xlsx", &old, &[]).await;
    assert_eq!(
        (status, code(&body)),
        (422, "IMPORT_OLD_TEMPLATE"),
        "{body}"
    );

    // Row checks: a second chief, a rank the position does not allow, a unit that no
    // longer existed on the day, a duplicate row, a missing cell, an unknown choice.
    let rows = "Mã đơn vị,Họ và tên,Giới tính,Năm sinh,Cấp bậc,Chức vụ,Ngày nhận công tác\n\
                21010,Hà Văn Một,Nam,1980,Thiếu tá,Trưởng Công an,01/06/2024\n\
                21013,Hà Văn Hai,Nam,1980,Trung sĩ,Trưởng Công an,01/06/2024\n\
                21010,Hà Văn Ba,Nam,1980,Trung úy,officer,01/08/2025\n\
                21013,Hà Văn Bốn,Nam,1980,Trung úy,officer,01/06/2024\n";
    let (status, body) = upload(
        &app,
        &app.admin,
        "officers",
        "rows.csv",
        rows.as_bytes(),
        &[],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let codes: Vec<(u64, &str)> = body["rowErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert!(codes.contains(&(2, "IMPORT_SECOND_CHIEF")), "{codes:?}");
    assert!(codes.contains(&(3, "IMPORT_RANK_NOT_ALLOWED")), "{codes:?}");
    assert!(codes.contains(&(4, "IMPORT_UNKNOWN_UNIT")), "{codes:?}");
    let more = "Mã đơn vị,Họ và tên,Giới tính,Năm sinh,Cấp bậc,Chức vụ,Ngày nhận công tác\n\
                21013,Hà Văn Năm,Nam,1980,Trung úy,officer,01/06/2024\n\
                21013,Hà Văn Năm,Nữ,1980,Trung úy,officer,01/06/2024\n\
                21013,,Nam,1980,Trung úy,officer,01/06/2024\n\
                21013,Hà Văn Sáu,Nam,1980,Đại tướng,officer,01/06/2024\n";
    let (_, body) = upload(
        &app,
        &app.admin,
        "officers",
        "more.csv",
        more.as_bytes(),
        &[],
    )
    .await;
    let codes: Vec<(u64, &str)> = body["rowErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            (4, "IMPORT_REQUIRED"),
            (5, "IMPORT_BAD_CHOICE"),
            (3, "IMPORT_DUPLICATE_ROW")
        ]
    );
    assert_eq!(
        officer_count(&app).await,
        before,
        "nothing written by any refused file"
    );
}

#[tokio::test]
async fn a_complete_file_ends_the_missing_postings_on_its_day_and_deletes_nothing() {
    let app = TestApp::spawn().await;
    let total = officer_count(&app).await;
    let (_, mine) = download(
        &app,
        &app.city_admin,
        &format!("/exports/officers.xlsx?asOf={ARTICLE_DAY}"),
    )
    .await;
    let in_post = app
        .count(
            &app.city_admin,
            "officers",
            json!({ "activeOn": ARTICLE_DAY }),
        )
        .await;
    // Drop the last row: the area's list without one officer.
    let rows = first_sheet(&mine);
    let keep: Vec<Vec<String>> = rows[..rows.len() - 1]
        .iter()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::DateTime(dt) => coso::intake::cell::from_serial(dt.as_f64())
                        .map(|t| t.format("%d/%m/%Y").to_string())
                        .unwrap_or_default(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    let csv: String = keep
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(",")
                + "\n"
        })
        .collect();
    let extra = [("complete", "true"), ("day", ARTICLE_DAY)];
    let (status, body) = upload(
        &app,
        &app.city_admin,
        "officers",
        "c.csv",
        csv.as_bytes(),
        &[&extra[..], &[("dryRun", "true")]].concat(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["counts"]["ended"], 1, "{body}");
    assert_eq!(body["counts"]["unchanged"].as_u64(), Some(in_post - 1));
    let (status, body) = upload(
        &app,
        &app.city_admin,
        "officers",
        "c.csv",
        csv.as_bytes(),
        &extra,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(officer_count(&app).await, total, "ended, not deleted");
    let now = app
        .count(
            &app.city_admin,
            "officers",
            json!({ "activeOn": ARTICLE_DAY }),
        )
        .await;
    assert_eq!(now, in_post - 1);
}

/// The command line: a template, an export, the export imported back (dry), and a bad
/// file refused with its code and nothing written.
#[tokio::test]
async fn the_command_line_writes_templates_exports_and_imports() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::fresh_database_url(dir.path()).await;
    let coso = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_coso"))
            .args(args)
            .env("COSO_DATABASE_URL", &url)
            .env("RUST_LOG", "error")
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    assert!(coso(&["seed", "--demo"]).status.success());
    let out = coso(&[
        "import", "template", "seats", "--lang", "en", "-o", "t.xlsx",
    ]);
    assert!(out.status.success(), "{out:?}");
    let template = std::fs::read(dir.path().join("t.xlsx")).unwrap();
    assert_eq!(
        first_sheet(&template)[0][0],
        Data::String("Unit code".into())
    );
    let out = coso(&["export", "officers", "--as-of", ARTICLE_DAY, "-o", "e.xlsx"]);
    assert!(out.status.success(), "{out:?}");
    let out = coso(&["import", "e.xlsx", "--kind", "officers", "--dry-run"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout.contains("dry run") && stdout.contains("0 created, 0 updated"),
        "{stdout}"
    );
    std::fs::write(
        dir.path().join("bad.csv"),
        "unit_code,full_name,gender,birth_year,rank,position,posted_from\n\
         99999,Vũ Văn Lạ,male,1990,trung_uy,officer,01/06/2024\n",
    )
    .unwrap();
    let out = coso(&[
        "import",
        "bad.csv",
        "--kind",
        "officers",
        "--errors-out",
        "err.xlsx",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("IMPORT_UNKNOWN_UNIT") && stderr.contains("IMPORT_INVALID_ROWS"),
        "{stderr}"
    );
    assert!(dir.path().join("err.xlsx").exists());
}
