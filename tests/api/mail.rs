//! Mail delivery over real SMTP on TCP: each test starts its own SMTP server on a free
//! loopback port (the `mailin` protocol engine behind a small std::net accept loop), sends a
//! report through `coso::mail`, and parses what arrived with `mail-parser`.

use std::net::TcpListener;
use std::time::Duration;

use coso::mail::{Delivery, MailError, MailSettings, Mailbox, Mailer, referenced_cids};
use coso::report::{Attachment, InlineImage, RenderedReport};
use mail_parser::{MessageParser, MessagePart, MimeHeaders, PartType};

use crate::smtp::{Behaviour, SmtpServer};

const SUBJECT: &str = "Báo cáo tháng 11/2026 – Xây dựng Công an cấp xã";
const XLSX_NAME: &str = "Báo cáo tháng 11-2026.xlsx";
const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const FROM: &str = "Công an tỉnh Quảng Ngãi <coso@ca.quangngai.gov.vn>";
const TO: &str = "Đại tá Nguyễn Văn Đức <giamdoc@ca.quangngai.gov.vn>";
const PASSWORD: &str = "mật:khẩu@hunter2";

/// 1×1 PNGs, red and yellow.
const RED_PNG: [u8; 69] = [
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0,
    0, 0, 144, 119, 83, 222, 0, 0, 0, 12, 73, 68, 65, 84, 120, 156, 99, 184, 165, 42, 11, 0, 2,
    249, 1, 29, 251, 61, 13, 213, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];
const YELLOW_PNG: [u8; 69] = [
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0,
    0, 0, 144, 119, 83, 222, 0, 0, 0, 12, 73, 68, 65, 84, 120, 156, 99, 248, 127, 150, 1, 0, 4,
    155, 1, 205, 28, 215, 240, 242, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

// ---------------------------------------------------------------- the report and the mailer

fn report() -> RenderedReport {
    let html = concat!(
        "<html><body><h1>Báo cáo tháng 11/2026</h1>\r\n",
        "<p>Trưởng Công an xã tham gia Ban Thường vụ Đảng ủy: <b>57/173</b> (32,9%)</p>\r\n",
        "<img src=\"cid:tru-so@coso\" alt=\"Trụ sở\">\r\n",
        "<img src=\"cid:thuong-vu@coso\" alt=\"Thường vụ\">\r\n",
        "</body></html>\r\n"
    );
    RenderedReport {
        subject: SUBJECT.into(),
        html: html.into(),
        text: "Báo cáo tháng 11/2026\r\nTrưởng Công an xã trong Ban Thường vụ: 57/173 (32,9%)\r\n"
            .into(),
        inline_images: vec![
            InlineImage {
                cid: "tru-so@coso".into(),
                png: RED_PNG.to_vec(),
            },
            InlineImage {
                cid: "thuong-vu@coso".into(),
                png: YELLOW_PNG.to_vec(),
            },
        ],
        attachments: vec![
            Attachment {
                filename: XLSX_NAME.into(),
                content_type: XLSX_TYPE.into(),
                bytes: b"PK\x03\x04".iter().copied().chain(0..=255u8).collect(),
            },
            Attachment {
                filename: "chi-tieu-11-2026.csv".into(),
                content_type: "text/csv; charset=utf-8".into(),
                // A BOM, Vietnamese text and bare LF line ends: must arrive byte for byte.
                bytes: "\u{feff}Mã,Đơn vị,Tỷ lệ\n522,Phường Nghĩa Chánh,\"6,61\"\n".into(),
            },
        ],
    }
}

fn mailbox(text: &str) -> Mailbox {
    text.parse().unwrap()
}

/// A mailer for `url` with a short timeout.
fn smtp_mailer(url: &str) -> Mailer {
    let settings = MailSettings {
        smtp_url: Some(url.parse().unwrap()),
        mail_from: mailbox(FROM),
        smtp_timeout_secs: 2,
        ..MailSettings::default()
    };
    Mailer::from_settings(&settings).unwrap()
}

async fn send(mailer: &Mailer) -> Result<Delivery, MailError> {
    mailer.send_report(&report(), &mailbox(TO)).await
}

// ---------------------------------------------------------------- checking what arrived

/// `multipart/mixed[multipart/alternative[text/plain,...],...]`.
pub(crate) fn tree(message: &mail_parser::Message<'_>, part: &MessagePart<'_>) -> String {
    let kind = part.content_type().map_or("text/plain".to_owned(), |ct| {
        format!("{}/{}", ct.c_type, ct.c_subtype.as_deref().unwrap_or(""))
    });
    match &part.body {
        PartType::Multipart(children) => {
            let inner: Vec<String> = children
                .iter()
                .map(|id| tree(message, &message.parts[*id as usize]))
                .collect();
            format!("{kind}[{}]", inner.join(","))
        }
        _ => kind,
    }
}

/// Everything a leader's mail client needs is there and intact.
fn assert_report_intact(raw: &[u8]) {
    let expected = report();
    let message = MessageParser::default().parse(raw).expect("parses");
    assert_eq!(
        tree(&message, message.root_part()),
        format!(
            "multipart/mixed[multipart/alternative[text/plain,multipart/related[text/html,\
             image/png,image/png]],{XLSX_TYPE},text/csv]"
        )
    );
    assert_eq!(message.subject(), Some(SUBJECT));
    assert_address(message.from(), FROM);
    assert_address(message.to(), TO);
    assert!(
        message
            .message_id()
            .is_some_and(|id| id.ends_with("@ca.quangngai.gov.vn"))
    );
    assert!(message.date().is_some());
    assert_headers_are_ascii(raw);
    assert_bodies(&message, &expected);
    assert_inline_images(&message, &expected);
    assert_attachments(&message, &expected);
}

fn assert_address(address: Option<&mail_parser::Address<'_>>, expected: &str) {
    let expected = mailbox(expected);
    let addr = address.and_then(|a| a.first()).expect("address");
    assert_eq!(addr.name(), expected.name.as_deref());
    assert_eq!(addr.address(), Some(expected.email.as_ref()));
}

/// Vietnamese text in headers travels as encoded words / RFC 2231, never as raw 8-bit.
fn assert_headers_are_ascii(raw: &[u8]) {
    let text = String::from_utf8_lossy(raw);
    let head = text.split("\r\n\r\n").next().unwrap();
    assert!(head.is_ascii(), "{head}");
    assert!(text.contains("filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20th%C3%A1ng%2011-2026.xlsx"));
}

fn assert_bodies(message: &mail_parser::Message<'_>, expected: &RenderedReport) {
    assert_eq!(message.body_text(0).unwrap(), expected.text);
    assert_eq!(message.body_html(0).unwrap(), expected.html);
}

fn assert_inline_images(message: &mail_parser::Message<'_>, expected: &RenderedReport) {
    let html = message.body_html(0).unwrap();
    let cids: Vec<&str> = referenced_cids(&html).collect();
    assert_eq!(cids, ["tru-so@coso", "thuong-vu@coso"]);
    for (cid, image) in cids.iter().zip(&expected.inline_images) {
        let part = message
            .parts
            .iter()
            .find(|p| p.content_id().map(|id| id.trim_matches(['<', '>'])) == Some(*cid))
            .unwrap_or_else(|| panic!("no part with Content-ID <{cid}>"));
        assert!(part.is_content_type("image", "png"));
        assert_eq!(part.content_disposition().unwrap().c_type, "inline");
        assert_eq!(part.contents(), image.png.as_slice(), "bytes of cid:{cid}");
    }
}

fn assert_attachments(message: &mail_parser::Message<'_>, expected: &RenderedReport) {
    let names: Vec<_> = message.attachments().map(|a| a.attachment_name()).collect();
    assert!(names.contains(&Some(XLSX_NAME)), "{names:?}");
    for attachment in &expected.attachments {
        let part = message
            .attachments()
            .find(|a| a.attachment_name() == Some(attachment.filename.as_str()))
            .unwrap_or_else(|| panic!("no attachment named {:?}", attachment.filename));
        assert!(part.content_disposition().unwrap().is_attachment());
        assert_eq!(
            part.contents(),
            attachment.bytes.as_slice(),
            "{}",
            attachment.filename
        );
    }
}

// ---------------------------------------------------------------- the tests

#[tokio::test]
async fn report_arrives_intact_over_smtp() {
    let server = SmtpServer::start(Behaviour::default());
    let delivery = send(&smtp_mailer(&server.url(""))).await.unwrap();
    assert!(matches!(&delivery, Delivery::Smtp { reply } if reply.starts_with("250")));
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].from, "coso@ca.quangngai.gov.vn");
    assert_eq!(received[0].to, ["giamdoc@ca.quangngai.gov.vn"]);
    assert_report_intact(&received[0].data);
}

#[tokio::test]
async fn outbox_writes_a_readable_eml() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    let mailer = Mailer::outbox(&outbox, mailbox(FROM));
    let Delivery::Outbox { path } = send(&mailer).await.unwrap() else {
        panic!("not written to the outbox")
    };
    assert_eq!(path.parent(), Some(outbox.as_path()));
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(
        name.ends_with(".eml") && name.contains("-giamdoc-ca-quangngai-gov-vn-"),
        "{name}"
    );
    assert_eq!(
        std::fs::read_dir(&outbox).unwrap().count(),
        1,
        "no temporary file left"
    );
    assert_report_intact(&std::fs::read(&path).unwrap());
}

#[tokio::test]
async fn authenticates_with_the_password_from_the_url() {
    let server = SmtpServer::start(Behaviour {
        password: Some(PASSWORD),
        ..Behaviour::default()
    });
    let encoded = "m%E1%BA%ADt%3Akh%E1%BA%A9u%40hunter2";
    send(&smtp_mailer(&server.url(&format!("coso:{encoded}@"))))
        .await
        .unwrap();
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn wrong_password_is_permanent_and_never_shown() {
    let server = SmtpServer::start(Behaviour {
        password: Some("the-right-one"),
        ..Behaviour::default()
    });
    let url = server.url("coso:hunter2-wrong@");
    let mailer = smtp_mailer(&url);
    let err = send(&mailer).await.unwrap_err();
    assert_eq!((err.code(), err.smtp_code()), ("MAIL_PERMANENT", Some(535)));
    assert!(!err.is_transient());
    let parsed: coso::mail::SmtpUrl = url.parse().unwrap();
    for text in [
        err.to_string(),
        format!("{err:?}"),
        format!("{mailer:?}"),
        parsed.to_string(),
        format!("{parsed:?}"),
    ] {
        assert!(!text.contains("hunter2"), "password leaked: {text}");
    }
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn reply_4xx_is_transient() {
    let server = SmtpServer::start(Behaviour {
        reject_rcpt: Some((451, "4.7.1 Greylisted, try again later")),
        ..Behaviour::default()
    });
    let err = send(&smtp_mailer(&server.url(""))).await.unwrap_err();
    assert!(err.is_transient(), "{err}");
    assert_eq!((err.code(), err.smtp_code()), ("MAIL_TRANSIENT", Some(451)));
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn reply_5xx_is_permanent() {
    let server = SmtpServer::start(Behaviour {
        reject_rcpt: Some((550, "5.1.1 No such user")),
        ..Behaviour::default()
    });
    let err = send(&smtp_mailer(&server.url(""))).await.unwrap_err();
    assert!(!err.is_transient(), "{err}");
    assert_eq!((err.code(), err.smtp_code()), ("MAIL_PERMANENT", Some(550)));
    assert!(err.to_string().contains("No such user"), "{err}");
}

#[tokio::test]
async fn connection_refused_is_transient_and_hides_the_password() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    }; // closed again: nothing listens there now
    let mailer = smtp_mailer(&format!("smtp://coso:hunter2@127.0.0.1:{port}"));
    let err = send(&mailer).await.unwrap_err();
    assert!(err.is_transient(), "{err}");
    assert_eq!((err.code(), err.smtp_code()), ("MAIL_TRANSIENT", None));
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{port}")),
        "{err}"
    );
    for text in [err.to_string(), format!("{err:?}"), format!("{mailer:?}")] {
        assert!(!text.contains("hunter2"), "password leaked: {text}");
    }
}

#[tokio::test]
async fn silent_server_times_out_as_transient() {
    // Accepted by the kernel, never greeted: the client must give up after its timeout.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("smtp://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let started = std::time::Instant::now();
    let err = send(&smtp_mailer(&url)).await.unwrap_err();
    assert!(err.is_transient(), "{err}");
    assert!(err.to_string().contains("no answer"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
    drop(listener);
}
