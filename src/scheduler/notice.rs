//! The owner's notice: when a run finally fails (stale data, a computation error, an
//! internal error, or recipients not served after every retry), the schedule's owner is
//! told by e-mail, in the schedule's language, with the reason and each recipient's
//! outcome.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{report_delivery as delivery, report_schedule as schedule};
use lettre::Message;
use lettre::message::{Mailbox, header::ContentType};

use super::deliver::SENT;
use crate::mail::{MailError, Mailer, address};

/// What went wrong with a run.
pub struct Failure<'a> {
    /// The schedule.
    pub schedule: &'a schedule::Model,
    /// The run's id.
    pub run_id: i32,
    /// Its due time.
    pub due_at: DateTime<Utc>,
    /// Why the run failed as a whole (stale data, computation), if it did.
    pub reason: Option<&'a str>,
    /// Every delivery row of the run.
    pub deliveries: &'a [delivery::Model],
}

/// Sends the notice to the owner; errors are the caller's to log.
pub async fn tell_owner(mailer: &Mailer, failure: &Failure<'_>) -> Result<(), MailError> {
    let message = notice(mailer.sender(), failure)?;
    mailer.send(&message).await.map(|_| ())
}

fn notice(from: &Mailbox, f: &Failure<'_>) -> Result<Message, MailError> {
    let s = f.schedule;
    // A stored owner name the rules refuse (a row older than them) still lets the owner
    // be told, by address alone.
    let to: Mailbox = address::mailbox(&s.owner_name, &s.owner_address)
        .or_else(|_| address::mailbox("", &s.owner_address))
        .map_err(|e| MailError::InvalidMessage(format!("owner address: {e}")))?;
    let en = s.language == "en";
    let due = local(f.due_at, &s.time_zone);
    let subject = if en {
        format!("[coso] Report not delivered: {}", s.name)
    } else {
        format!("[coso] Báo cáo chưa gửi được: {}", s.name)
    };
    let mut body = if en {
        format!(
            "The report \"{}\" due {due} (run {}) was not delivered to everyone.\n\n",
            s.name, f.run_id
        )
    } else {
        format!(
            "Báo cáo \"{}\" đến hạn lúc {due} (lượt chạy {}) chưa gửi được cho tất cả người nhận.\n\n",
            s.name, f.run_id
        )
    };
    if let Some(reason) = f.reason {
        let label = if en { "Reason" } else { "Lý do" };
        body.push_str(&format!("{label}: {reason}\n\n"));
    }
    let label = if en { "Recipients" } else { "Người nhận" };
    body.push_str(&format!("{label}:\n"));
    for d in f.deliveries {
        let outcome = match (d.status.as_str(), &d.last_error) {
            (SENT, _) => (if en { "sent" } else { "đã gửi" }).to_owned(),
            (status, Some(e)) => format!("{status}: {e}"),
            (status, None) => status.to_owned(),
        };
        body.push_str(&format!("- {}: {outcome}\n", d.address));
    }
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| MailError::InvalidMessage(e.to_string()))
}

/// "01/12/2026 08:00 (Asia/Ho_Chi_Minh)".
fn local(at: DateTime<Utc>, zone: &str) -> String {
    match zone.parse::<Tz>() {
        Ok(tz) => format!(
            "{} ({zone})",
            at.with_timezone(&tz).format("%d/%m/%Y %H:%M")
        ),
        Err(_) => format!("{} (UTC)", at.format("%d/%m/%Y %H:%M")),
    }
}
