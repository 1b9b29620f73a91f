//! Schedule management (province admins): create, update, pause or resume, delete.

use crate::graphql::node::{Kind, argument};
use async_graphql::{Context, ID, Object, Result};

use super::in_txn;
use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::graphql::guards::ProvinceAdminGuard;
use crate::graphql::input::schedules::ScheduleInput;
use crate::graphql::types::{ReportRun, ReportSchedule};
use crate::scheduler::Scheduler;
use crate::service::schedules;

/// Schedule mutations.
#[derive(Default)]
pub struct ScheduleMutation;

/// The input with the server's zone (`COSO_TIME_ZONE`) when it names none.
fn zoned(ctx: &Context<'_>, input: ScheduleInput) -> schedules::ScheduleInput {
    let mut input = schedules::ScheduleInput::from(input);
    if input.time_zone.is_none() {
        let zone = ctx.data_unchecked::<Scheduler>().settings().clock.zone();
        input.time_zone = Some(zone.name().to_owned());
    }
    input
}

fn wrap(
    (s, r): (
        entity::report_schedule::Model,
        Vec<entity::report_recipient::Model>,
    ),
) -> ReportSchedule {
    ReportSchedule(s, r)
}

#[Object]
impl ScheduleMutation {
    /// Creates a report schedule (cron, time zone and addresses are validated).
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn create_report_schedule(
        &self,
        ctx: &Context<'_>,
        input: ScheduleInput,
    ) -> Result<ReportSchedule> {
        let input = zoned(ctx, input);
        Ok(wrap(in_txn!(ctx, |txn| schedules::create(&txn, input))))
    }

    /// Replaces a schedule's fields and recipients.
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn update_report_schedule(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ScheduleInput,
    ) -> Result<ReportSchedule> {
        let id = argument(Kind::ReportSchedule, &id)?;
        let input = zoned(ctx, input);
        Ok(wrap(in_txn!(ctx, |txn| schedules::update(&txn, id, input))))
    }

    /// Pauses (false) or resumes (true) a schedule.
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn set_report_schedule_enabled(
        &self,
        ctx: &Context<'_>,
        id: ID,
        enabled: bool,
    ) -> Result<ReportSchedule> {
        let id = argument(Kind::ReportSchedule, &id)?;
        Ok(wrap(in_txn!(ctx, |txn| schedules::set_enabled(
            &txn, id, enabled
        ))))
    }

    /// Runs a schedule at once: makes its report, sends it to every recipient (each
    /// scoped one gets their district's), and returns the run; transient failures are
    /// retried in the background (see `reportRuns`).
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn run_report_now(&self, ctx: &Context<'_>, schedule_id: ID) -> Result<ReportRun> {
        let id = argument(Kind::ReportSchedule, &schedule_id)?;
        let scheduler = ctx.data_unchecked::<Scheduler>();
        Ok(ReportRun(scheduler.run_now(id).await.gql()?))
    }

    /// Deletes a schedule that never ran.
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn delete_report_schedule(&self, ctx: &Context<'_>, id: ID) -> Result<ReportSchedule> {
        let id = argument(Kind::ReportSchedule, &id)?;
        Ok(wrap(in_txn!(ctx, |txn| schedules::delete(&txn, id))))
    }
}
