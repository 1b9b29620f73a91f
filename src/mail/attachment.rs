//! Attachment parts with file names that survive every mail client: `filename*=UTF-8''...`
//! (RFC 2231) in Content-Disposition, and an ASCII fallback as the Content-Type `name`
//! (plain ASCII names stay `filename="..."`).
//!
//! lettre 0.11's `ContentDisposition::attachment` already encodes non-ASCII names per RFC 2231,
//! but always in the continuation form `filename*0*=utf-8''...` (even for one segment), which
//! some clients do not read. Short names (all real report names) get the plain form here; a
//! name too long for one header line falls back to lettre's continuations.

use lettre::message::header::{
    ContentDisposition, ContentTransferEncoding, ContentType, Header, HeaderName, HeaderValue,
};
use lettre::message::{Body, SinglePart};
use unicode_normalization::UnicodeNormalization;

use super::MailError;
use crate::report::Attachment;

/// Longest percent-encoded name written as a single `filename*=` parameter.
const MAX_SINGLE_PARAMETER: usize = 900;

/// A MIME part for an attachment: base64 body (bytes kept exactly), encoded file name.
pub fn attachment_part(attachment: &Attachment) -> Result<SinglePart, MailError> {
    let fallback = ascii_fallback(&attachment.filename);
    let content_type =
        ContentType::parse(&format!("{}; name=\"{fallback}\"", attachment.content_type)).map_err(
            |e| {
                MailError::InvalidMessage(format!("content type of {:?}: {e}", attachment.filename))
            },
        )?;
    let body = Body::new_with_encoding(attachment.bytes.clone(), ContentTransferEncoding::Base64)
        .map_err(|_| MailError::InvalidMessage("attachment body".into()))?;
    let part = SinglePart::builder().content_type(content_type);
    Ok(match AttachmentDisposition::new(&attachment.filename) {
        Some(disposition) => part.header(disposition).body(body),
        None => part
            .header(ContentDisposition::attachment(&attachment.filename))
            .body(body),
    })
}

/// `Content-Disposition: attachment; filename*=UTF-8''<percent-encoded>`.
#[derive(Clone, Debug)]
struct AttachmentDisposition {
    raw: String,
    encoded: String,
}

impl AttachmentDisposition {
    /// `None` when lettre's own header is better: a plain ASCII name (written as
    /// `filename="..."`), or an encoded name too long for one parameter (continuations).
    fn new(filename: &str) -> Option<Self> {
        if ascii_fallback(filename) == filename {
            return None;
        }
        let encoded_name = percent_encode(filename);
        (encoded_name.len() <= MAX_SINGLE_PARAMETER).then(|| Self {
            raw: format!("attachment; filename=\"{filename}\""),
            encoded: format!("attachment;\r\n filename*=UTF-8''{encoded_name}"),
        })
    }
}

impl Header for AttachmentDisposition {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Disposition")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Err("AttachmentDisposition is write-only".into())
    }

    fn display(&self) -> HeaderValue {
        // Pre-encoded: the value is ASCII only (percent-encoded), so no header injection.
        HeaderValue::dangerous_new_pre_encoded(Self::name(), self.raw.clone(), self.encoded.clone())
    }
}

/// RFC 2231 / RFC 5987 `value-chars`: attr-chars as they are, every other byte as `%XX`
/// (mail attachments here, and `filename*` of HTTP downloads).
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The name without diacritics (`Báo cáo tháng 11-2026.xlsx` → `Bao cao thang 11-2026.xlsx`),
/// other non-ASCII letters, quotes and control characters as `_`.
pub fn ascii_fallback(filename: &str) -> String {
    filename
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_name_is_encoded_once() {
        let part = attachment_part(&Attachment {
            filename: "Báo cáo tháng 11-2026.xlsx".into(),
            content_type: "application/octet-stream".into(),
            bytes: vec![0, 1, 2],
        })
        .unwrap();
        let text = String::from_utf8(part.formatted()).unwrap();
        assert!(text.contains("filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20th%C3%A1ng%2011-2026.xlsx"));
        assert!(text.contains("name=\"Bao cao thang 11-2026.xlsx\""));
        assert!(text.contains("Content-Transfer-Encoding: base64"));
    }

    #[test]
    fn ascii_name_stays_plain() {
        let part = attachment_part(&Attachment {
            filename: "chi-tieu-11-2026.csv".into(),
            content_type: "text/csv".into(),
            bytes: b"a\nb\n".to_vec(),
        })
        .unwrap();
        let text = String::from_utf8(part.formatted()).unwrap();
        assert!(
            text.contains("Content-Disposition: attachment; filename=\"chi-tieu-11-2026.csv\"")
        );
    }

    #[test]
    fn fallback_folds_vietnamese() {
        assert_eq!(
            ascii_fallback("Đội Công an \"xã\".csv"),
            "Doi Cong an _xa_.csv"
        );
    }

    #[test]
    fn very_long_names_use_continuations() {
        let name = "Đ".repeat(400);
        assert!(AttachmentDisposition::new(&name).is_none());
        let part = attachment_part(&Attachment {
            filename: name,
            content_type: "text/csv".into(),
            bytes: vec![],
        })
        .unwrap();
        assert!(
            String::from_utf8(part.formatted())
                .unwrap()
                .contains("filename*0*=utf-8''")
        );
    }
}
