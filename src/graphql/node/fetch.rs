//! Loads the record a global id names, for `node` / `nodes`, with the access rule of the
//! list it comes from: data tables through their scope rule (`service::scope::apply`),
//! the province admins' tables (tokens, schedules, runs, reports, the audit log) behind
//! `ProvinceAdminGuard`, imports behind `AdminGuard` and their own scope rule.

use async_graphql::{Context, Guard, Result};
use chrono::NaiveDate;
use sea_orm::sea_query::IntoCondition;
use sea_orm::{
    ColumnTrait, EntityTrait, ExprTrait, IdenStatic, Iterable, QueryFilter, QuerySelect,
};

use super::{Kind, Node};
use crate::graphql::context::Ctx;
use crate::graphql::error::{GqlResult, coded};
use crate::graphql::guards::{AdminGuard, ProvinceAdminGuard};
use crate::graphql::query::ImportRecord;
use crate::graphql::types::{
    ApiToken, ArchivedFile, Area, AuditEntry, Award, DialogueQuestion, DialogueSession, Directive,
    District, Headquarters, Officer, PartyMembership, ReportArchive, ReportDelivery,
    ReportRecipient, ReportRun, ReportSchedule, UnionActivity, Unit,
};
use crate::intake::record::Listed;
use crate::service::ServiceError;
use crate::service::scope::{self, Scoped};

/// The record of `kind` with `key`, if the caller may see it.
pub async fn one(ctx: &Context<'_>, kind: Kind, key: &str) -> Result<Option<Node>> {
    use entity::*;
    Ok(match kind {
        Kind::Unit => {
            let (code, from) = unit_key(key)?;
            let cond = unit_period::Column::Code
                .eq(code)
                .and(unit_period::Column::ValidFrom.eq(from));
            scoped::<unit_period::Entity>(ctx, cond)
                .await?
                .map(|r| Node::Unit(Unit::from(r)))
        }
        Kind::District => scoped::<district::Entity>(ctx, district::Column::Code.eq(key))
            .await?
            .map(|r| Node::District(District::from(r))),
        Kind::Area => scoped::<area::Entity>(ctx, area::Column::Code.eq(key))
            .await?
            .map(|r| Node::Area(Area(r))),
        Kind::Officer => scoped::<officer::Entity>(ctx, officer::Column::Id.eq(number(kind, key)?))
            .await?
            .map(|r| Node::Officer(Officer::from(r))),
        Kind::PartyMembership => {
            let cond = party_membership::Column::Id.eq(number(kind, key)?);
            scoped::<party_membership::Entity>(ctx, cond)
                .await?
                .map(|r| Node::PartyMembership(PartyMembership::from(r)))
        }
        Kind::Headquarters => {
            let cond = headquarters::Column::Id.eq(number(kind, key)?);
            scoped::<headquarters::Entity>(ctx, cond)
                .await?
                .map(|r| Node::Headquarters(Headquarters::from(r)))
        }
        Kind::Directive => {
            let cond = directive::Column::Id.eq(number(kind, key)?);
            scoped::<directive::Entity>(ctx, cond)
                .await?
                .map(|r| Node::Directive(Directive(r)))
        }
        Kind::UnionActivity => {
            let cond = union_activity::Column::Id.eq(number(kind, key)?);
            scoped::<union_activity::Entity>(ctx, cond)
                .await?
                .map(|r| Node::UnionActivity(UnionActivity(r)))
        }
        Kind::DialogueSession => {
            let cond = dialogue_session::Column::Id.eq(number(kind, key)?);
            scoped::<dialogue_session::Entity>(ctx, cond)
                .await?
                .map(|r| Node::DialogueSession(DialogueSession(r)))
        }
        Kind::DialogueQuestion => {
            let cond = dialogue_question::Column::Id.eq(number(kind, key)?);
            scoped::<dialogue_question::Entity>(ctx, cond)
                .await?
                .map(|r| Node::DialogueQuestion(DialogueQuestion(r)))
        }
        Kind::Award => scoped::<award::Entity>(ctx, award::Column::Id.eq(number(kind, key)?))
            .await?
            .map(|r| Node::Award(Award::from(r))),
        Kind::ImportRecord => {
            AdminGuard.check(ctx).await?;
            let id = number(kind, key)?;
            let columns = import_record::Column::iter()
                .filter(|c| c.as_str() != import_record::Column::File.as_str());
            let select = import_record::Entity::find()
                .select_only()
                .columns(columns)
                .filter(import_record::Column::Id.eq(id));
            scope::apply(select, ctx.scope())
                .into_model::<Listed>()
                .one(ctx.db())
                .await
                .map_err(ServiceError::from)
                .gql()?
                .map(|r| Node::ImportRecord(ImportRecord::from(r)))
        }
        _ => return admin_only(ctx, kind, key).await,
    })
}

/// The province admins' records: no scope rule, the role decides.
async fn admin_only(ctx: &Context<'_>, kind: Kind, key: &str) -> Result<Option<Node>> {
    use entity::*;
    ProvinceAdminGuard.check(ctx).await?;
    let id = number(kind, key)?;
    let db = ctx.db();
    let found = async {
        Ok::<_, sea_orm::DbErr>(match kind {
            Kind::ApiToken => api_token::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|r| Node::ApiToken(ApiToken(r))),
            Kind::ReportSchedule => match report_schedule::Entity::find_by_id(id).one(db).await? {
                Some(s) => {
                    let recipients = report_recipient::Entity::find()
                        .filter(report_recipient::Column::ScheduleId.eq(id))
                        .all(db)
                        .await?;
                    Some(Node::ReportSchedule(ReportSchedule(s, recipients)))
                }
                None => None,
            },
            Kind::ReportRecipient => report_recipient::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|r| Node::ReportRecipient(ReportRecipient::from(&r))),
            Kind::ReportRun => report_run::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|r| Node::ReportRun(ReportRun(r))),
            Kind::ReportDelivery => report_delivery::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|r| Node::ReportDelivery(ReportDelivery::from(r))),
            Kind::ReportArchive => report_archive::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|r| Node::ReportArchive(ReportArchive(r))),
            Kind::ArchivedFile => report_archive_file::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|r| Node::ArchivedFile(ArchivedFile::from(r))),
            Kind::AuditEntry => audit_log::Entity::find_by_id(i64::from(id))
                .one(db)
                .await?
                .map(|r| Node::AuditEntry(AuditEntry(r))),
            _ => None,
        })
    };
    found.await.map_err(ServiceError::from).gql()
}

/// One row of a scoped table matching `cond`, if the caller's scope holds it.
async fn scoped<E: Scoped>(
    ctx: &Context<'_>,
    cond: impl IntoCondition,
) -> Result<Option<E::Model>> {
    scope::apply(E::find().filter(cond), ctx.scope())
        .one(ctx.db())
        .await
        .map_err(ServiceError::from)
        .gql()
}

/// The record id in a key.
fn number(kind: Kind, key: &str) -> Result<i32> {
    key.parse::<i32>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| invalid(kind))
}

/// A unit period's key: `<code>:<validFrom>`.
fn unit_key(key: &str) -> Result<(&str, NaiveDate)> {
    let (code, from) = key.split_once(':').ok_or_else(|| invalid(Kind::Unit))?;
    let from = from.parse::<NaiveDate>().map_err(|_| invalid(Kind::Unit))?;
    Ok((code, from))
}

fn invalid(kind: Kind) -> async_graphql::Error {
    coded(
        "INVALID_ID",
        format!("the id does not name a {}", kind.name()),
    )
}
