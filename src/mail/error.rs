//! Delivery errors: what the scheduler needs to decide between "retry later" and "mark failed".
//!
//! Policy: every failure is either transient ([`MailError::Transient`]: connection refused,
//! timeout, TLS or network trouble, a 4xx reply, an outbox write that failed) or final (a 5xx
//! reply, a message that cannot be built, a bad setting). Messages name the server as
//! `host:port` and never contain the SMTP password: anything coming from lettre or the server
//! is scrubbed with [`MailError::scrub`] before it is stored.

/// A failed delivery or a message that could not be built.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// Worth retrying later: connection refused, timeout, network or TLS trouble, 4xx reply.
    #[error("transient mail failure: {reason}")]
    Transient {
        /// What went wrong (no secrets).
        reason: String,
        /// The SMTP reply code, when the server answered.
        smtp_code: Option<u16>,
    },
    /// Will fail again: a 5xx reply (unknown mailbox, rejected sender, authentication refused).
    #[error("permanent mail failure: {reason}")]
    Permanent {
        /// What went wrong (no secrets).
        reason: String,
        /// The SMTP reply code, when the server answered.
        smtp_code: Option<u16>,
    },
    /// The report cannot be turned into a valid message (bad address, missing inline image, ...).
    #[error("invalid message: {0}")]
    InvalidMessage(String),
    /// The mail settings are unusable (bad SMTP URL, ...).
    #[error("mail configuration: {0}")]
    Config(String),
}

impl MailError {
    /// Stable code: `MAIL_TRANSIENT`, `MAIL_PERMANENT`, `MAIL_INVALID_MESSAGE` or `MAIL_CONFIG`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Transient { .. } => "MAIL_TRANSIENT",
            Self::Permanent { .. } => "MAIL_PERMANENT",
            Self::InvalidMessage(_) => "MAIL_INVALID_MESSAGE",
            Self::Config(_) => "MAIL_CONFIG",
        }
    }

    /// Whether a later retry may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Transient { .. })
    }

    /// The SMTP reply code (e.g. 451, 550), when the server answered.
    pub fn smtp_code(&self) -> Option<u16> {
        match self {
            Self::Transient { smtp_code, .. } | Self::Permanent { smtp_code, .. } => *smtp_code,
            _ => None,
        }
    }

    /// Classifies a lettre SMTP error; `server` is `host:port`, `secrets` are scrubbed out.
    pub(crate) fn from_smtp(
        err: &lettre::transport::smtp::Error,
        server: &str,
        secrets: &[String],
    ) -> Self {
        let smtp_code = err.status().map(u16::from);
        let reason = Self::scrub(&format!("{err} (server {server})"), secrets);
        if err.is_permanent() || err.is_client() {
            Self::Permanent { reason, smtp_code }
        } else {
            Self::Transient { reason, smtp_code }
        }
    }

    /// Replaces every occurrence of each secret with `***`.
    pub(crate) fn scrub(text: &str, secrets: &[String]) -> String {
        secrets
            .iter()
            .filter(|s| !s.is_empty())
            .fold(text.to_owned(), |acc, secret| {
                acc.replace(secret.as_str(), "***")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_classes() {
        let t = MailError::Transient {
            reason: "x".into(),
            smtp_code: Some(451),
        };
        assert_eq!(
            (t.code(), t.is_transient(), t.smtp_code()),
            ("MAIL_TRANSIENT", true, Some(451))
        );
        let p = MailError::Permanent {
            reason: "x".into(),
            smtp_code: Some(550),
        };
        assert_eq!((p.code(), p.is_transient()), ("MAIL_PERMANENT", false));
        assert!(!MailError::InvalidMessage("x".into()).is_transient());
    }

    #[test]
    fn scrub_hides_secrets() {
        let out = MailError::scrub(
            "auth as u:hunter2 failed",
            &["hunter2".into(), String::new()],
        );
        assert_eq!(out, "auth as u:*** failed");
    }
}
