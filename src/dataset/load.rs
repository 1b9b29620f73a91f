//! Loading the dataset: one SELECT per table, scoped to the caller's area in SQL by the
//! table's one scope rule (`service::scope`, the same as the API's lists), each fetched as columns (see `fetch`)
//! and all of them at once over the pool.

use entity::{
    award, dialogue_question, directive, district, headquarters, officer, party_membership,
    union_activity, unit_period,
};
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter};

use super::Dataset;
use super::columns::Kind::{Big, Date, Flag, Float, Int, Text};
use super::columns::Spec;
use super::fetch::table;
use super::{history, holding};
use crate::auth::Scope;
use crate::service::{self, Result, scope};

/// Unit periods (a unit is its code and its period; `valid_to` is the last day in force).
const UNITS: &[Spec] = &[
    ("id", Int),
    ("code", Text),
    ("name", Text),
    ("district_code", Text),
    ("province_code", Text),
    ("kind", Text),
    ("valid_from", Date),
    ("valid_to", Date),
];
const DISTRICTS: &[Spec] = &[
    ("code", Text),
    ("name", Text),
    ("province_code", Text),
    ("kind", Text),
];
const OFFICERS: &[Spec] = &[
    ("id", Int),
    ("unit_code", Text),
    ("full_name", Text),
    ("gender", Text),
    ("birth_year", Int),
    ("rank", Int),
    ("position", Text),
    ("posted_from", Date),
    ("posted_to", Date),
];
const MEMBERSHIPS: &[Spec] = &[
    ("id", Int),
    ("officer_id", Int),
    ("unit_code", Text),
    ("body", Text),
    ("term", Text),
    ("started_on", Date),
    ("ended_on", Date),
];
const HEADQUARTERS: &[Spec] = &[
    ("id", Int),
    ("unit_code", Text),
    ("model", Text),
    ("budget_million_vnd", Big),
    ("floor_area_m2", Float),
    ("target_date", Date),
    ("approved_on", Date),
    ("construction_started_on", Date),
    ("in_use_on", Date),
    ("closed_on", Date),
    // Dropped by `holding::clip` once applied.
    ("held_from", Date),
    ("held_to", Date),
];
const DIRECTIVES: &[Spec] = &[
    ("id", Int),
    ("number", Text),
    ("kind", Text),
    ("issuer", Text),
    ("title", Text),
    ("issued_on", Date),
];
const ACTIVITIES: &[Spec] = &[
    ("id", Int),
    ("organisation", Text),
    ("kind", Text),
    ("name", Text),
    ("programme", Text),
    ("unit_code", Text),
    ("started_on", Date),
    ("ended_on", Date),
    ("maintained", Flag),
];
const QUESTIONS: &[Spec] = &[
    ("id", Int),
    ("session_id", Int),
    ("topic", Text),
    ("asker_unit_code", Text),
    ("asker_group", Text),
    ("question", Text),
    ("answering_department", Text),
    ("status", Text),
    ("asked_on", Date),
    ("answered_on", Date),
];
const AWARDS: &[Spec] = &[
    ("id", Int),
    ("form", Text),
    ("issuer", Text),
    ("recipient_kind", Text),
    ("unit_code", Text),
    ("officer_id", Big),
    ("awarded_on", Date),
    ("reason", Text),
];

/// Loads every table the scope can see, all tables at once (as many at a time as the
/// pool has connections).
pub async fn load(db: &impl ConnectionTrait, scope: &Scope) -> Result<Dataset> {
    let (
        version,
        units,
        districts,
        officers,
        memberships,
        hq,
        directives,
        activities,
        questions,
        awards,
    ) = tokio::try_join!(
        service::version::current(db),
        table(
            db,
            scope::units(
                unit_period::Entity::find().filter(service::units::territory()),
                scope
            ),
            "id",
            UNITS
        ),
        table(
            db,
            scope::apply(district::Entity::find(), scope),
            "code",
            DISTRICTS
        ),
        table(
            db,
            scope::apply(officer::Entity::find(), scope),
            "id",
            OFFICERS
        ),
        table(
            db,
            scope::apply(party_membership::Entity::find(), scope),
            "id",
            MEMBERSHIPS
        ),
        table(
            db,
            scope::apply(headquarters::Entity::find(), scope),
            "id",
            HEADQUARTERS
        ),
        table(
            db,
            scope::apply(directive::Entity::find(), scope),
            "id",
            DIRECTIVES
        ),
        table(
            db,
            scope::apply(union_activity::Entity::find(), scope),
            "id",
            ACTIVITIES
        ),
        table(
            db,
            scope::apply(dialogue_question::Entity::find(), scope),
            "id",
            QUESTIONS
        ),
        table(db, scope::apply(award::Entity::find(), scope), "id", AWARDS),
    )?;
    let hq = holding::clip_blocking(hq).await?;
    let units = district_areas(db, units).await?;
    let (lineage, areas) =
        tokio::try_join!(history::lineage(db), history::area_members(db, scope))?;
    let units = history::with_former_province(db, units, &lineage).await?;
    let age = match scope.area {
        None => service::version::DataAge::of(version.as_ref()),
        Some(_) => service::version::age(db, scope).await?,
    };
    Ok(Dataset {
        version: version.as_ref().map_or(0, |v| v.version),
        age,
        tables: vec![
            ("units", units),
            ("districts", districts),
            ("officers", officers),
            ("memberships", memberships),
            ("headquarters", hq),
            ("directives", directives),
            ("activities", activities),
            ("questions", questions),
            ("awards", awards),
            ("areas", areas),
            ("lineage", lineage),
        ],
        engine: Default::default(),
    })
}

/// Units without a district (none since 1 Jul 2025) get, as their `district_code`, the
/// district area that carries their district on (see `service::areas`: each unit of
/// 1 Jul 2025 is in one), so that the breakdowns and the reports "by district" go on by
/// area across the change. The lists of the API keep the null district.
async fn district_areas(
    db: &impl ConnectionTrait,
    units: polars::prelude::DataFrame,
) -> Result<polars::prelude::DataFrame> {
    use entity::{area, area_member};
    use polars::prelude::{Column, NamedFrom, Series};
    use sea_orm::{ColumnTrait, QuerySelect};
    let districts: std::collections::HashSet<String> = area::Entity::find()
        .filter(area::Column::Kind.eq("district"))
        .select_only()
        .column(area::Column::Code)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let members = area_member::Entity::find()
        .filter(area_member::Column::AreaCode.is_in(districts))
        .filter(area_member::Column::ValidFrom.is_not_null())
        .all(db)
        .await?;
    let internal = |e: polars::prelude::PolarsError| {
        service::ServiceError::Internal(format!("district areas: {e}"))
    };
    let (codes, from, district) = (
        units
            .column("code")
            .map_err(internal)?
            .str()
            .map_err(internal)?,
        units
            .column("valid_from")
            .map_err(internal)?
            .date()
            .map_err(internal)?,
        units
            .column("district_code")
            .map_err(internal)?
            .str()
            .map_err(internal)?,
    );
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let filled: Vec<Option<String>> = (0..units.height())
        .map(|i| {
            if let Some(d) = district.get(i) {
                return Some(d.to_owned());
            }
            let code = codes.get(i)?;
            let day = epoch + chrono::Duration::days(i64::from(from.physical().get(i)?));
            members
                .iter()
                .filter(|m| m.unit_code == code)
                .filter(|m| m.valid_from.is_some_and(|f| f <= day))
                .find(|m| m.valid_to.is_none_or(|t| t >= day))
                .map(|m| m.area_code.clone())
        })
        .collect();
    let mut units = units;
    units
        .with_column(Column::from(Series::new("district_code".into(), filled)))
        .map_err(internal)?;
    Ok(units)
}
