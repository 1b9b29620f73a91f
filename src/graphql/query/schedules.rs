//! `reportSchedules`: every schedule with its next fire times (province admins).

use async_graphql::{Context, Object, Result};

use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::graphql::guards::ProvinceAdminGuard;
use crate::graphql::types::ReportSchedule;
use crate::service::schedules;

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
}
