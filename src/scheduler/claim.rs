//! Claiming runs: a due time is run by whoever inserts its unique
//! `(schedule_id, due_at)` row first, so two replicas, or a restart, never run it
//! twice. A claim carries a lease; a run whose worker died is taken over by another
//! replica once its lease has expired (compare-and-swap on the lease).

use chrono::{DateTime, Duration, SubsecRound, Utc};
use entity::report_run as run;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use crate::service::Result;

/// Status of a run still being worked on.
pub const RUNNING: &str = "running";

/// Why a run was started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// Its due time came.
    Schedule,
    /// The latest run missed while every replica was down.
    CatchUp,
    /// `runReportNow`.
    Manual,
}

impl Trigger {
    fn code(self) -> &'static str {
        match self {
            Self::Schedule => "schedule",
            Self::CatchUp => "catch_up",
            Self::Manual => "manual",
        }
    }
}

/// Claims `(schedule_id, due_at)` for `replica`; `None` when someone else holds it.
pub async fn claim(
    db: &impl ConnectionTrait,
    schedule_id: i32,
    due_at: DateTime<Utc>,
    trigger: Trigger,
    replica: &str,
    lease: Duration,
) -> Result<Option<run::Model>> {
    let now = Utc::now().trunc_subsecs(6);
    let row = run::ActiveModel {
        schedule_id: Set(schedule_id),
        due_at: Set(due_at.trunc_subsecs(0)),
        status: Set(RUNNING.to_owned()),
        trigger: Set(trigger.code().to_owned()),
        claimed_by: Set(replica.to_owned()),
        lease_until: Set(now + lease),
        started_at: Set(now),
        finished_at: Set(None),
        data_version: Set(None),
        error: Set(None),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(model) => Ok(Some(model)),
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Takes over a running run whose lease expired; `None` when its owner is alive or
/// another replica took it first.
pub async fn take_over(
    db: &impl ConnectionTrait,
    run_id: i32,
    replica: &str,
    lease: Duration,
) -> Result<Option<run::Model>> {
    let now = Utc::now().trunc_subsecs(6);
    let updated = run::Entity::update_many()
        .col_expr(run::Column::ClaimedBy, Expr::value(replica))
        .col_expr(run::Column::LeaseUntil, Expr::value(now + lease))
        .filter(run::Column::Id.eq(run_id))
        .filter(run::Column::Status.eq(RUNNING))
        .filter(run::Column::LeaseUntil.lt(now))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(None);
    }
    Ok(run::Entity::find_by_id(run_id).one(db).await?)
}

/// Runs whose lease has expired while still running (their worker died).
pub async fn expired(db: &impl ConnectionTrait) -> Result<Vec<run::Model>> {
    Ok(run::Entity::find()
        .filter(run::Column::Status.eq(RUNNING))
        .filter(run::Column::LeaseUntil.lt(Utc::now()))
        .all(db)
        .await?)
}

/// Extends the lease of a run `replica` still holds; false when it lost the run.
pub async fn renew(
    db: &impl ConnectionTrait,
    run_id: i32,
    replica: &str,
    lease: Duration,
) -> Result<bool> {
    let updated = run::Entity::update_many()
        .col_expr(
            run::Column::LeaseUntil,
            Expr::value(Utc::now().trunc_subsecs(6) + lease),
        )
        .filter(run::Column::Id.eq(run_id))
        .filter(run::Column::ClaimedBy.eq(replica))
        .filter(run::Column::Status.eq(RUNNING))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Ends a run with its final status (`sent`, `partial`, `failed`, `skipped`) and error.
pub async fn finish(
    db: &impl ConnectionTrait,
    run_id: i32,
    status: &str,
    error: Option<String>,
) -> Result<()> {
    run::Entity::update_many()
        .col_expr(run::Column::Status, Expr::value(status))
        .col_expr(run::Column::Error, Expr::value(error))
        .col_expr(
            run::Column::FinishedAt,
            Expr::value(Some(Utc::now().trunc_subsecs(6))),
        )
        .filter(run::Column::Id.eq(run_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends a run `replica` still holds as `failed` with `reason`; false when it no longer
/// holds it (finished, or taken over by another replica).
pub async fn fail_held(
    db: &impl ConnectionTrait,
    run_id: i32,
    replica: &str,
    reason: &str,
) -> Result<bool> {
    let updated = run::Entity::update_many()
        .col_expr(run::Column::Status, Expr::value("failed"))
        .col_expr(run::Column::Error, Expr::value(Some(reason.to_owned())))
        .col_expr(
            run::Column::FinishedAt,
            Expr::value(Some(Utc::now().trunc_subsecs(6))),
        )
        .filter(run::Column::Id.eq(run_id))
        .filter(run::Column::ClaimedBy.eq(replica))
        .filter(run::Column::Status.eq(RUNNING))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Gives a run back (shutdown): its lease ends now, so any replica takes it over at its
/// next tick; deliveries already made stay recorded.
pub async fn release(db: &impl ConnectionTrait, run_id: i32, replica: &str) -> Result<()> {
    run::Entity::update_many()
        .col_expr(
            run::Column::LeaseUntil,
            Expr::value(Utc::now().trunc_subsecs(6) - Duration::seconds(1)),
        )
        .filter(run::Column::Id.eq(run_id))
        .filter(run::Column::ClaimedBy.eq(replica))
        .filter(run::Column::Status.eq(RUNNING))
        .exec(db)
        .await?;
    Ok(())
}
