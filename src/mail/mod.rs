//! Mail delivery, the last stage of the scheduled flow: a [`RenderedReport`](crate::report)
//! becomes a MIME message ([`build_message`]) that the [`Mailer`] sends over SMTP (lettre,
//! STARTTLS / implicit TLS / plain to a loopback relay) or, when no SMTP server is configured,
//! writes as an `.eml` file into the outbox directory.
//!
//! TLS uses rustls with the *ring* provider only, the one sqlx already brings: rustls panics
//! at first use when two providers are compiled in (see the tests in `smtp`).

pub mod address;
mod attachment;
mod error;
mod mailer;
mod message;
mod outbox;
mod settings;
mod smtp;

pub use attachment::{ascii_fallback, percent_encode};
pub use error::MailError;
pub use lettre::Message;
pub use lettre::message::Mailbox;
pub use mailer::{Delivery, Mailer};
pub use message::{build_message, message_id_of, referenced_cids};
pub use settings::{DEFAULT_FROM, MailSettings, SmtpUrl, TlsMode};
