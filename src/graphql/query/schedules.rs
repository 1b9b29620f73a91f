//! `reportSchedules` (every schedule with its next fire times), `reportRuns` (runs with
//! per-recipient outcomes and archived reports), `reportArchive` and `previewReport`.
//! Province admins only: schedules hold addresses and reports hold gap lists by unit.

use async_graphql::{Context, ID, Object, Result};
use chrono::NaiveDate;

use crate::graphql::context::Ctx;
use crate::graphql::error::{GqlResult, coded};
use crate::graphql::guards::ProvinceAdminGuard;
use crate::graphql::node::{Kind, argument};
use crate::graphql::types::{ReportArchive, ReportPreview, ReportRun, ReportSchedule};
use crate::scheduler::Scheduler;
use crate::service::{ServiceError, schedules};
use entity::report_archive;
use sea_orm::EntityTrait;

/// Schedule queries.
#[derive(Default)]
pub struct ScheduleQuery;

#[Object]
impl ScheduleQuery {
    /// Every report schedule, with recipients and next fire times.
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn report_schedules(&self, ctx: &Context<'_>) -> Result<Vec<ReportSchedule>> {
        let all = schedules::list(ctx.db()).await.gql()?;
        Ok(all.into_iter().map(|(s, r)| ReportSchedule(s, r)).collect())
    }

    /// Runs, newest first: of one schedule or of all, optionally with one status
    /// (`running`, `sent`, `partial`, `failed`, `skipped`).
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn report_runs(
        &self,
        ctx: &Context<'_>,
        schedule_id: Option<ID>,
        status: Option<String>,
        #[graphql(default = 20, validator(minimum = 1, maximum = 500))] first: i32,
    ) -> Result<Vec<ReportRun>> {
        let schedule = schedule_id
            .as_ref()
            .map(|id| argument(Kind::ReportSchedule, id))
            .transpose()?;
        let runs = schedules::runs(ctx.db(), schedule, status, first as u64)
            .await
            .gql()?;
        Ok(runs.into_iter().map(ReportRun).collect())
    }

    /// A report as it was sent.
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn report_archive(&self, ctx: &Context<'_>, id: ID) -> Result<ReportArchive> {
        let id = argument(Kind::ReportArchive, &id)?;
        report_archive::Entity::find_by_id(id)
            .one(ctx.db())
            .await
            .map_err(ServiceError::from)
            .gql()?
            .map(ReportArchive)
            .ok_or_else(|| coded("NOT_FOUND", format!("archived report {id} not found")))
    }

    /// Renders a schedule's report now without sending or archiving it: for the whole
    /// province, or one district; about the last full month (as a run now would be, in
    /// the schedule's time zone), or about the month of `asOf` with the figures of that day.
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn preview_report(
        &self,
        ctx: &Context<'_>,
        schedule_id: ID,
        district_code: Option<String>,
        as_of: Option<NaiveDate>,
    ) -> Result<ReportPreview> {
        let id = argument(Kind::ReportSchedule, &schedule_id)?;
        let scheduler = ctx.data_unchecked::<Scheduler>();
        let report = scheduler.preview(id, district_code, as_of).await.gql()?;
        Ok(report.into())
    }
}
