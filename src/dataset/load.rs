//! Loading the dataset: one SELECT per table, scoped to the caller's district in SQL
//! (the same scope functions as the API's lists), then columns built from the rows.

use entity::{
    award, dialogue_question, directive, district, headquarters, officer, party_membership,
    union_activity, unit,
};
use polars::prelude::*;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use super::Dataset;
use super::columns::{big_opt, date, date_opt, flag, float_opt, int, text, text_opt};
use crate::auth::Scope;
use crate::service::{self, Result, ServiceError, scope};

/// Loads every table the scope can see.
pub async fn load(db: &impl ConnectionTrait, scope: &Scope) -> Result<Dataset> {
    let version = service::version::current(db).await?;
    let units = scope::by_district(unit::Entity::find(), scope, unit::Column::DistrictCode)
        .order_by_asc(unit::Column::Code)
        .all(db)
        .await?;
    let districts = scope::by_district(district::Entity::find(), scope, district::Column::Code)
        .all(db)
        .await?;
    let officers = scope::by_unit(officer::Entity::find(), scope, officer::Column::UnitCode)
        .all(db)
        .await?;
    let memberships = scope::by_unit(
        party_membership::Entity::find(),
        scope,
        party_membership::Column::UnitCode,
    )
    .all(db)
    .await?;
    let hq = scope::by_unit(
        headquarters::Entity::find(),
        scope,
        headquarters::Column::UnitCode,
    )
    .all(db)
    .await?;
    let directives = directive::Entity::find().all(db).await?;
    let activities = scope::by_optional_unit(
        union_activity::Entity::find(),
        scope,
        union_activity::Column::UnitCode,
    )
    .all(db)
    .await?;
    let questions = scope::by_optional_unit(
        dialogue_question::Entity::find(),
        scope,
        dialogue_question::Column::AskerUnitCode,
    )
    .all(db)
    .await?;
    let awards = scope::by_unit(award::Entity::find(), scope, award::Column::UnitCode)
        .all(db)
        .await?;
    let built = (|| -> PolarsResult<Vec<(&'static str, DataFrame)>> {
        Ok(vec![
            ("units", units_frame(&units)?),
            ("districts", districts_frame(&districts)),
            ("officers", officers_frame(&officers)?),
            ("memberships", memberships_frame(&memberships)?),
            ("headquarters", headquarters_frame(&hq)?),
            ("directives", directives_frame(&directives)?),
            ("activities", activities_frame(&activities)?),
            ("questions", questions_frame(&questions)?),
            ("awards", awards_frame(&awards)?),
        ])
    })();
    let tables = built.map_err(|e| ServiceError::Internal(format!("building frames: {e}")))?;
    Ok(Dataset {
        version: version.as_ref().map_or(0, |v| v.version),
        changed_at: version.map(|v| v.changed_at),
        tables,
    })
}

fn frame(height: usize, columns: Vec<Column>) -> PolarsResult<DataFrame> {
    DataFrame::new(height, columns)
}

fn units_frame(rows: &[unit::Model]) -> PolarsResult<DataFrame> {
    frame(
        rows.len(),
        vec![
            text("code", rows, |r| &r.code),
            text("name", rows, |r| &r.name),
            text("district_code", rows, |r| &r.district_code),
            text("province_code", rows, |r| &r.province_code),
            text("kind", rows, |r| &r.kind),
            date("valid_from", rows, |r| r.valid_from)?,
            date_opt("valid_to", rows, |r| r.valid_to)?,
        ],
    )
}

fn districts_frame(rows: &[district::Model]) -> DataFrame {
    let columns = vec![
        text("code", rows, |r| &r.code),
        text("name", rows, |r| &r.name),
        text("province_code", rows, |r| &r.province_code),
        text("kind", rows, |r| &r.kind),
    ];
    frame(rows.len(), columns).unwrap_or_default()
}

fn officers_frame(rows: &[officer::Model]) -> PolarsResult<DataFrame> {
    frame(
        rows.len(),
        vec![
            int("id", rows, |r| r.id),
            text("unit_code", rows, |r| &r.unit_code),
            text("full_name", rows, |r| &r.full_name),
            text("gender", rows, |r| &r.gender),
            int("birth_year", rows, |r| r.birth_year),
            int("rank", rows, |r| r.rank),
            text("position", rows, |r| &r.position),
            date("posted_from", rows, |r| r.posted_from)?,
            date_opt("posted_to", rows, |r| r.posted_to)?,
        ],
    )
}

fn memberships_frame(rows: &[party_membership::Model]) -> PolarsResult<DataFrame> {
    frame(
        rows.len(),
        vec![
            int("id", rows, |r| r.id),
            int("officer_id", rows, |r| r.officer_id),
            text("unit_code", rows, |r| &r.unit_code),
            text("body", rows, |r| &r.body),
            text("term", rows, |r| &r.term),
            date("started_on", rows, |r| r.started_on)?,
            date_opt("ended_on", rows, |r| r.ended_on)?,
        ],
    )
}

fn headquarters_frame(rows: &[headquarters::Model]) -> PolarsResult<DataFrame> {
    frame(
        rows.len(),
        vec![
            int("id", rows, |r| r.id),
            text("unit_code", rows, |r| &r.unit_code),
            text("model", rows, |r| &r.model),
            big_opt("budget_million_vnd", rows, |r| r.budget_million_vnd),
            float_opt("floor_area_m2", rows, |r| r.floor_area_m2),
            date_opt("target_date", rows, |r| r.target_date)?,
            date_opt("approved_on", rows, |r| r.approved_on)?,
            date_opt("construction_started_on", rows, |r| {
                r.construction_started_on
            })?,
            date_opt("in_use_on", rows, |r| r.in_use_on)?,
            date_opt("closed_on", rows, |r| r.closed_on)?,
        ],
    )
}

fn directives_frame(rows: &[directive::Model]) -> PolarsResult<DataFrame> {
    frame(
        rows.len(),
        vec![
            int("id", rows, |r| r.id),
            text("number", rows, |r| &r.number),
            text("kind", rows, |r| &r.kind),
            text("issuer", rows, |r| &r.issuer),
            text("title", rows, |r| &r.title),
            date("issued_on", rows, |r| r.issued_on)?,
        ],
    )
}

fn activities_frame(rows: &[union_activity::Model]) -> PolarsResult<DataFrame> {
    frame(
        rows.len(),
        vec![
            int("id", rows, |r| r.id),
            text("organisation", rows, |r| &r.organisation),
            text("kind", rows, |r| &r.kind),
            text("name", rows, |r| &r.name),
            text_opt("programme", rows, |r| r.programme.as_deref()),
            text_opt("unit_code", rows, |r| r.unit_code.as_deref()),
            date("started_on", rows, |r| r.started_on)?,
            date_opt("ended_on", rows, |r| r.ended_on)?,
            flag("maintained", rows, |r| r.maintained),
        ],
    )
}

fn questions_frame(rows: &[dialogue_question::Model]) -> PolarsResult<DataFrame> {
    frame(
        rows.len(),
        vec![
            int("id", rows, |r| r.id),
            int("session_id", rows, |r| r.session_id),
            text("topic", rows, |r| &r.topic),
            text_opt("asker_unit_code", rows, |r| r.asker_unit_code.as_deref()),
            text("asker_group", rows, |r| &r.asker_group),
            text("question", rows, |r| &r.question),
            text("answering_department", rows, |r| &r.answering_department),
            text("status", rows, |r| &r.status),
            date("asked_on", rows, |r| r.asked_on)?,
            date_opt("answered_on", rows, |r| r.answered_on)?,
        ],
    )
}

fn awards_frame(rows: &[award::Model]) -> PolarsResult<DataFrame> {
    frame(
        rows.len(),
        vec![
            int("id", rows, |r| r.id),
            text("form", rows, |r| &r.form),
            text("issuer", rows, |r| &r.issuer),
            text("recipient_kind", rows, |r| &r.recipient_kind),
            text("unit_code", rows, |r| &r.unit_code),
            big_opt("officer_id", rows, |r| r.officer_id.map(i64::from)),
            date("awarded_on", rows, |r| r.awarded_on)?,
            text("reason", rows, |r| &r.reason),
        ],
    )
}
