//! The outbox backend of [`super::Mailer`], used when no SMTP server is configured: each
//! message becomes an RFC 5322 `.eml` file that any mail client opens.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use lettre::Message;
use sha2::{Digest, Sha256};

use super::MailError;
use super::attachment::ascii_fallback;

/// A directory of `.eml` files.
#[derive(Clone, Debug)]
pub(crate) struct Outbox {
    dir: PathBuf,
}

impl Outbox {
    pub(crate) fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes the message as `<time>-<recipient>-<hash>.eml` (complete or not at all).
    pub(crate) async fn write(&self, message: &Message) -> Result<PathBuf, MailError> {
        let bytes = message.formatted();
        let name = file_name(message, &bytes);
        let dir = self.dir.clone();
        let path = tokio::task::spawn_blocking(move || write_new(&dir, &name, &bytes))
            .await
            .map_err(|e| transient(format!("outbox writer stopped: {e}")))??;
        tracing::info!(mail.outbox_file = %path.display(), "message written to the outbox");
        Ok(path)
    }
}

/// `20261127T070000123Z-lanh-dao-ca-quangngai-gov-vn-3fa9c2d1e0.eml`.
fn file_name(message: &Message, bytes: &[u8]) -> String {
    let time = chrono::Utc::now().format("%Y%m%dT%H%M%S%3fZ");
    let recipient = message
        .envelope()
        .to()
        .first()
        .map_or_else(|| "no-recipient".to_owned(), |a| slug(a.as_ref()));
    let hash = hex::encode(&Sha256::digest(bytes)[..5]);
    format!("{time}-{recipient}-{hash}.eml")
}

/// Lower-case ASCII letters and digits (diacritics dropped), every other run of characters as one `-`, at most 48.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in ascii_fallback(text).chars().map(|c| c.to_ascii_lowercase()) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.trim_matches('-').chars().take(48).collect();
    if out.is_empty() {
        "recipient".into()
    } else {
        out
    }
}

/// Writes to a hidden temporary file, then renames it, so readers never see half a message.
fn write_new(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, MailError> {
    let fail = |e: std::io::Error| transient(format!("outbox {}: {e}", dir.display()));
    fs::create_dir_all(dir).map_err(fail)?;
    let temporary = dir.join(format!(".{name}.tmp"));
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .map_err(fail)?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(fail)?;
    let path = dir.join(name);
    fs::rename(&temporary, &path).map_err(fail)?;
    Ok(path)
}

fn transient(reason: String) -> MailError {
    MailError::Transient {
        reason,
        smtp_code: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe() {
        assert_eq!(
            slug("Lãnh.Đạo@ca.quangngai.gov.vn"),
            "lanh-dao-ca-quangngai-gov-vn"
        );
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("@@@"), "recipient");
    }

    #[tokio::test]
    async fn unwritable_outbox_is_transient() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        fs::write(&blocker, b"x").unwrap();
        let outbox = Outbox::new(blocker.join("outbox"));
        let message = Message::builder()
            .from("a@b.vn".parse().unwrap())
            .to("c@d.vn".parse().unwrap())
            .body(String::from("x"))
            .unwrap();
        assert!(outbox.write(&message).await.unwrap_err().is_transient());
    }
}
