//! [`Mailer`]: the one entry point for sending, over SMTP or into the outbox, chosen once from
//! [`MailSettings`] at start-up.

use std::fmt;
use std::path::PathBuf;

use lettre::Message;
use lettre::message::Mailbox;

use super::MailError;
use super::message::build_message;
use super::outbox::Outbox;
use super::settings::{MailSettings, SmtpUrl};
use super::smtp::Smtp;
use crate::report::RenderedReport;

/// Where a message went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Accepted by the SMTP server; `reply` is its final answer, e.g. `250 2.0.0 Ok: queued`.
    Smtp {
        /// The server's reply to the end of the data.
        reply: String,
    },
    /// Written to the outbox.
    Outbox {
        /// The `.eml` file.
        path: PathBuf,
    },
}

/// Sends messages over SMTP, or writes them to the outbox when no SMTP server is configured.
/// Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    backend: Backend,
    sender: Mailbox,
}

#[derive(Clone)]
enum Backend {
    Smtp(Box<Smtp>),
    Outbox(Outbox),
}

impl Mailer {
    /// SMTP when `smtp_url` is set, else the outbox.
    pub fn from_settings(settings: &MailSettings) -> Result<Self, MailError> {
        let mailer = match &settings.smtp_url {
            Some(url) => Self::smtp(url, settings)?,
            None => Self::outbox(settings.outbox_dir.clone(), settings.mail_from.clone()),
        };
        tracing::info!(mail.backend = %mailer.describe(), "mail delivery configured");
        Ok(mailer)
    }

    /// A mailer that writes `.eml` files into `dir` (created when first needed).
    pub fn outbox(dir: impl Into<PathBuf>, sender: Mailbox) -> Self {
        Self {
            backend: Backend::Outbox(Outbox::new(dir.into())),
            sender,
        }
    }

    fn smtp(url: &SmtpUrl, settings: &MailSettings) -> Result<Self, MailError> {
        Ok(Self {
            backend: Backend::Smtp(Box::new(Smtp::new(url, settings.timeout())?)),
            sender: settings.mail_from.clone(),
        })
    }

    /// The configured sender (`COSO_MAIL_FROM`).
    pub fn sender(&self) -> &Mailbox {
        &self.sender
    }

    /// `smtp host:port` or `outbox <dir>`, for logs (no secrets).
    pub fn describe(&self) -> String {
        match &self.backend {
            Backend::Smtp(smtp) => format!("smtp {}", smtp.server()),
            Backend::Outbox(outbox) => format!("outbox {}", outbox.dir().display()),
        }
    }

    /// Delivers one message to the recipients of its envelope.
    pub async fn send(&self, message: &Message) -> Result<Delivery, MailError> {
        match &self.backend {
            Backend::Smtp(smtp) => Ok(Delivery::Smtp {
                reply: smtp.send(message).await?,
            }),
            Backend::Outbox(outbox) => Ok(Delivery::Outbox {
                path: outbox.write(message).await?,
            }),
        }
    }

    /// Builds the report's message for `to`, from [`Self::sender`], and sends it.
    pub async fn send_report(
        &self,
        report: &RenderedReport,
        to: &Mailbox,
    ) -> Result<Delivery, MailError> {
        self.send(&build_message(report, &self.sender, to)?).await
    }
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer")
            .field("backend", &self.describe())
            .field("sender", &self.sender.to_string())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_password() {
        let settings = MailSettings {
            smtp_url: Some("smtps://coso:hunter2@mail.example.vn".parse().unwrap()),
            ..MailSettings::default()
        };
        let mailer = Mailer::from_settings(&settings).unwrap();
        assert_eq!(mailer.describe(), "smtp mail.example.vn:465");
        for text in [format!("{mailer:?}"), format!("{settings:?}")] {
            assert!(!text.contains("hunter2"), "{text}");
        }
    }

    #[test]
    fn default_is_the_outbox() {
        let mailer = Mailer::from_settings(&MailSettings::default()).unwrap();
        assert_eq!(mailer.describe(), "outbox ./outbox");
    }
}
