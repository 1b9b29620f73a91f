//! Schedule management (province admins): create, update, pause or resume, delete.

use async_graphql::{Context, Object, Result};

use super::in_txn;
use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::graphql::guards::ProvinceAdminGuard;
use crate::graphql::types::ReportSchedule;
use crate::service::schedules::{self, ScheduleInput};

/// Schedule mutations.
#[derive(Default)]
pub struct ScheduleMutation;

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
        Ok(wrap(in_txn!(ctx, |txn| schedules::create(&txn, input))))
    }

    /// Replaces a schedule's fields and recipients.
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn update_report_schedule(
        &self,
        ctx: &Context<'_>,
        id: i32,
        input: ScheduleInput,
    ) -> Result<ReportSchedule> {
        Ok(wrap(in_txn!(ctx, |txn| schedules::update(&txn, id, input))))
    }

    /// Pauses (false) or resumes (true) a schedule.
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn set_report_schedule_enabled(
        &self,
        ctx: &Context<'_>,
        id: i32,
        enabled: bool,
    ) -> Result<ReportSchedule> {
        Ok(wrap(in_txn!(ctx, |txn| schedules::set_enabled(
            &txn, id, enabled
        ))))
    }

    /// Deletes a schedule that never ran.
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn delete_report_schedule(&self, ctx: &Context<'_>, id: i32) -> Result<ReportSchedule> {
        Ok(wrap(in_txn!(ctx, |txn| schedules::delete(&txn, id))))
    }
}
