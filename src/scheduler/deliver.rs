//! Per-recipient delivery records of a run: one row per (run, recipient), created
//! before anything is sent, then marked `sent`, `retry` (a transient failure, with the
//! time of the next attempt) or `failed`. A retry or a take-over sends only to the
//! recipients whose row is not `sent`.

use chrono::{DateTime, SubsecRound, Utc};
use entity::{report_delivery as delivery, report_recipient as recipient};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

use crate::service::Result;

/// Not tried yet.
pub const PENDING: &str = "pending";
/// A transient failure; tried again at `next_attempt_at`.
pub const RETRY: &str = "retry";
/// Accepted by the mail server (or written to the outbox).
pub const SENT: &str = "sent";
/// Refused for good, or out of attempts.
pub const FAILED: &str = "failed";

/// Creates the missing delivery rows of `run_id` (one per recipient) and returns all of
/// them, by id.
pub async fn ensure(
    db: &impl ConnectionTrait,
    run_id: i32,
    recipients: &[recipient::Model],
) -> Result<Vec<delivery::Model>> {
    if !recipients.is_empty() {
        let rows = recipients.iter().map(|r| delivery::ActiveModel {
            run_id: Set(run_id),
            recipient_id: Set(r.id),
            address: Set(r.address.clone()),
            status: Set(PENDING.to_owned()),
            attempts: Set(0),
            last_error: Set(None),
            next_attempt_at: Set(None),
            sent_at: Set(None),
            archive_id: Set(None),
            ..Default::default()
        });
        delivery::Entity::insert_many(rows)
            .on_conflict_do_nothing_on([delivery::Column::RunId, delivery::Column::RecipientId])
            .exec(db)
            .await?;
    }
    of_run(db, run_id).await
}

/// The delivery rows of a run, by id.
pub async fn of_run(db: &impl ConnectionTrait, run_id: i32) -> Result<Vec<delivery::Model>> {
    Ok(delivery::Entity::find()
        .filter(delivery::Column::RunId.eq(run_id))
        .order_by_asc(delivery::Column::Id)
        .all(db)
        .await?)
}

/// Deliveries waiting for a retry, in every run.
pub async fn retries_pending(db: &impl ConnectionTrait) -> Result<u64> {
    Ok(delivery::Entity::find()
        .filter(delivery::Column::Status.eq(RETRY))
        .count(db)
        .await?)
}

/// Whether a row still needs sending at `now`.
pub fn is_due(d: &delivery::Model, now: DateTime<Utc>) -> bool {
    d.status == PENDING || (d.status == RETRY && d.next_attempt_at.is_none_or(|t| t <= now))
}

/// Whether a row still needs sending at all.
pub fn is_open(d: &delivery::Model) -> bool {
    d.status == PENDING || d.status == RETRY
}

/// Marks a row sent with the rendition it got.
pub async fn sent(
    db: &impl ConnectionTrait,
    id: i32,
    attempts: i32,
    archive_id: i32,
) -> Result<()> {
    update(id)
        .col_expr(delivery::Column::Status, Expr::value(SENT))
        .col_expr(delivery::Column::Attempts, Expr::value(attempts))
        .col_expr(
            delivery::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            delivery::Column::NextAttemptAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            delivery::Column::SentAt,
            Expr::value(Some(Utc::now().trunc_subsecs(6))),
        )
        .col_expr(delivery::Column::ArchiveId, Expr::value(Some(archive_id)))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed attempt: `retry` at `next` when given, else `failed`.
pub async fn failed(
    db: &impl ConnectionTrait,
    id: i32,
    attempts: i32,
    error: &str,
    next: Option<DateTime<Utc>>,
) -> Result<()> {
    let status = if next.is_some() { RETRY } else { FAILED };
    update(id)
        .col_expr(delivery::Column::Status, Expr::value(status))
        .col_expr(delivery::Column::Attempts, Expr::value(attempts))
        .col_expr(
            delivery::Column::LastError,
            Expr::value(Some(error.to_owned())),
        )
        .col_expr(
            delivery::Column::NextAttemptAt,
            Expr::value(next.map(|t| t.trunc_subsecs(6))),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Marks every open row of a run failed with `error` (nothing will be sent).
pub async fn fail_open(db: &impl ConnectionTrait, run_id: i32, error: &str) -> Result<()> {
    delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value(FAILED))
        .col_expr(
            delivery::Column::LastError,
            Expr::value(Some(error.to_owned())),
        )
        .col_expr(
            delivery::Column::NextAttemptAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(delivery::Column::RunId.eq(run_id))
        .filter(delivery::Column::Status.is_in([PENDING, RETRY]))
        .exec(db)
        .await?;
    Ok(())
}

fn update(id: i32) -> sea_orm::UpdateMany<delivery::Entity> {
    delivery::Entity::update_many().filter(delivery::Column::Id.eq(id))
}
