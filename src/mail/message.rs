//! Turns a [`RenderedReport`] (from `report`) into one RFC 5322 message per recipient:
//!
//! ```text
//! multipart/mixed
//! ├── multipart/alternative
//! │   ├── text/plain
//! │   └── multipart/related
//! │       ├── text/html            (references images as cid:<id>)
//! │       └── image/png ...        (Content-ID: <id>, inline)
//! └── attachments ...              (XLSX, CSV: base64, RFC 2231 file names)
//! ```

use lettre::Message;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};

use super::MailError;
use super::attachment::attachment_part;
use crate::report::{InlineImage, RenderedReport};

/// Builds the message for one recipient, with a fresh Message-ID and the current Date.
///
/// Refused ([`MailError::InvalidMessage`]) when the HTML references a `cid:` that no inline
/// image provides, an image's Content-ID is not a plain token, or a content type is malformed.
pub fn build_message(
    report: &RenderedReport,
    from: &Mailbox,
    to: &Mailbox,
) -> Result<Message, MailError> {
    check_content_ids(report)?;
    for mailbox in [from, to] {
        if let Some(name) = &mailbox.name {
            // lettre panics on a name it cannot encode (CR LF): refuse it here instead.
            super::address::normalize_display_name(name)
                .map_err(|e| MailError::InvalidMessage(e.to_string()))?;
        }
    }
    let mut mixed = MultiPart::mixed().multipart(alternative(report)?);
    for attachment in &report.attachments {
        mixed = mixed.singlepart(attachment_part(attachment)?);
    }
    Message::builder()
        .from(from.clone())
        .to(to.clone())
        .subject(report.subject.as_str())
        .message_id(Some(message_id(from)))
        .date_now()
        .multipart(mixed)
        .map_err(|e| MailError::InvalidMessage(e.to_string()))
}

/// The message's Message-ID header value (with angle brackets), if it has one.
pub fn message_id_of(message: &Message) -> Option<String> {
    message
        .headers()
        .get_raw("Message-ID")
        .map(|value| value.trim().to_owned())
}

fn alternative(report: &RenderedReport) -> Result<MultiPart, MailError> {
    let mut related = MultiPart::related().singlepart(SinglePart::html(report.html.clone()));
    for image in &report.inline_images {
        related = related.singlepart(inline_png(image)?);
    }
    Ok(MultiPart::alternative()
        .singlepart(SinglePart::plain(report.text.clone()))
        .multipart(related))
}

fn inline_png(image: &InlineImage) -> Result<SinglePart, MailError> {
    let body = Body::new_with_encoding(image.png.clone(), ContentTransferEncoding::Base64)
        .map_err(|_| MailError::InvalidMessage("inline image body".into()))?;
    let png = ContentType::parse("image/png")
        .map_err(|e| MailError::InvalidMessage(format!("image/png: {e}")))?;
    Ok(lettre::message::Attachment::new_inline(image.cid.clone()).body(body, png))
}

/// Every `cid:` in the HTML has an inline image, and every Content-ID is a safe token.
fn check_content_ids(report: &RenderedReport) -> Result<(), MailError> {
    if let Some(bad) = report.inline_images.iter().find(|i| !is_token(&i.cid)) {
        return Err(MailError::InvalidMessage(format!(
            "inline image Content-ID {:?} is not a plain token",
            bad.cid
        )));
    }
    match referenced_cids(&report.html)
        .find(|cid| !report.inline_images.iter().any(|image| image.cid == *cid))
    {
        Some(missing) => Err(MailError::InvalidMessage(format!(
            "the HTML shows cid:{missing} but no inline image has that Content-ID"
        ))),
        None => Ok(()),
    }
}

/// The Content-IDs the HTML references (`src="cid:..."`, `url(cid:...)`).
pub fn referenced_cids(html: &str) -> impl Iterator<Item = &str> {
    html.match_indices("cid:").map(|(start, _)| {
        let rest = &html[start + 4..];
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ')' | '>' | '<'))
            .unwrap_or(rest.len());
        &rest[..end]
    })
}

fn is_token(cid: &str) -> bool {
    !cid.is_empty()
        && cid
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '"' | '\\' | '(' | ')'))
}

/// `<time.random@sender-domain>`: unique, and says which system sent it.
fn message_id(from: &Mailbox) -> String {
    let now = chrono::Utc::now().format("%Y%m%d%H%M%S%3f");
    format!(
        "<{now}.{:016x}@{}>",
        rand::random::<u64>(),
        from.email.domain()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(html: &str, cids: &[&str]) -> RenderedReport {
        RenderedReport {
            subject: "Báo cáo".into(),
            html: html.into(),
            text: "Báo cáo".into(),
            inline_images: cids
                .iter()
                .map(|cid| InlineImage {
                    cid: (*cid).into(),
                    png: vec![137, 80, 78, 71],
                })
                .collect(),
            attachments: vec![],
        }
    }

    fn mailbox(text: &str) -> Mailbox {
        text.parse().unwrap()
    }

    #[test]
    fn finds_referenced_cids() {
        let html = r#"<img src="cid:a1"><div style="background:url(cid:b2)"></div>"#;
        assert_eq!(referenced_cids(html).collect::<Vec<_>>(), ["a1", "b2"]);
    }

    #[test]
    fn refuses_a_missing_inline_image() {
        let from = mailbox("Công an <coso@ca.quangngai.gov.vn>");
        let err = build_message(&report(r#"<img src="cid:x">"#, &[]), &from, &from).unwrap_err();
        assert_eq!(err.code(), "MAIL_INVALID_MESSAGE");
        let err = build_message(&report("", &["a b"]), &from, &from).unwrap_err();
        assert_eq!(err.code(), "MAIL_INVALID_MESSAGE");
    }

    #[test]
    fn refuses_a_display_name_lettre_would_panic_on() {
        let from = mailbox("Công an <coso@ca.quangngai.gov.vn>");
        let to = Mailbox::new(
            Some("Lãnh đạo\r\nBcc: x@example.org".into()),
            "a@ca.quangngai.gov.vn".parse().unwrap(),
        );
        let err = build_message(&report("", &[]), &from, &to).unwrap_err();
        assert_eq!(err.code(), "MAIL_INVALID_MESSAGE");
    }

    #[test]
    fn has_message_id_and_date() {
        let from = mailbox("Công an <coso@ca.quangngai.gov.vn>");
        let message = build_message(&report(r#"<img src="cid:a">"#, &["a"]), &from, &from).unwrap();
        let id = message_id_of(&message).unwrap();
        assert!(
            id.starts_with('<') && id.ends_with("@ca.quangngai.gov.vn>"),
            "{id}"
        );
        assert!(message.headers().get_raw("Date").is_some());
    }
}
