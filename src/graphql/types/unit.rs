//! `Unit`: a commune-level unit over its period (a code and a period: codes are reused)
//! and its police, with its district, officers, chief, headquarters, committee seats and
//! awards. A unit still in force shows its officers and seats now; one that ended, those
//! of its last day.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result};
use chrono::NaiveDate;
use entity::unit_period;

use super::headquarters::status_only;
use super::officer::ranked_only;
use super::{Award, District, Headquarters, Officer, PartyMembership, parsed, shared_rows};
use crate::domain::UnitKind;
use crate::graphql::carry::Lazy;
use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::graphql::loaders::{
    AwardsOfUnit, ChiefOfUnit, ChiefRankOfUnit, DistrictByCode, HeadquartersOfUnit,
    HeadquartersStatusOfUnit, MembershipsOfUnit, OfficerById, OfficerRankById, OfficerRanksOfUnit,
    OfficersOfUnit,
};
use crate::graphql::node::{Kind, global};
use crate::service::officers::RankedOfficer;

/// A commune-level unit (xã, phường, thị trấn, đặc khu) over its period, and its police.
/// The period's row is shared with the loader that fetched it: each record naming the
/// unit (a page of officers or buildings names the same few) takes the row, not a copy.
pub struct Unit(pub Arc<unit_period::Model>);

/// The English name, left out of a page whose nodes do not ask for it
/// (`graphql::carry::Lazy`); the folded search name and the district's name, which no
/// field of a unit reads, left out of every page and of the units pages of records carry.
pub const LAZY: Lazy<unit_period::Column> = &[
    (unit_period::Column::NameEn, &["nameEn"]),
    (unit_period::Column::SearchName, &[]),
    (unit_period::Column::DistrictName, &[]),
];

impl From<unit_period::Model> for Unit {
    fn from(row: unit_period::Model) -> Self {
        Self(Arc::new(row))
    }
}

impl Unit {
    /// The day the nested facts are taken on: now for a unit in force, else its last day.
    fn day(&self) -> Option<NaiveDate> {
        crate::service::units::day_of(&self.0)
    }

    async fn officer_rows(&self, ctx: &Context<'_>) -> Result<Arc<[Arc<entity::officer::Model>]>> {
        let rows = ctx
            .loader()
            .load_one(OfficersOfUnit(self.0.code.clone(), self.day()))
            .await
            .gql()?;
        Ok(rows.unwrap_or_else(|| Arc::from([])))
    }
}

#[Object]
impl Unit {
    /// Global id (of this period of the code: `node(id:)` fetches it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::Unit, format!("{}:{}", self.0.code, self.0.valid_from))
    }
    /// Commune code from the statistics office, e.g. "21010".
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name, e.g. "Phường Lê Hồng Phong".
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Name without diacritics, in English word order.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// Xã, phường, thị trấn or đặc khu.
    async fn kind(&self) -> Result<UnitKind> {
        parsed("unit kind", &self.0.kind, UnitKind::from_code)
    }
    /// District code (none since 1 Jul 2025: there is no district level).
    async fn district_code(&self) -> Option<&str> {
        self.0.district_code.as_deref()
    }
    /// Province code.
    async fn province_code(&self) -> &str {
        &self.0.province_code
    }
    /// First day of the unit's period.
    async fn valid_from(&self) -> NaiveDate {
        self.0.valid_from
    }
    /// Last day of the unit's period (merged, split, renamed or retyped the day after),
    /// if it has ended.
    async fn valid_to(&self) -> Option<NaiveDate> {
        self.0.valid_to
    }
    /// The district (none since 1 Jul 2025).
    async fn district(&self, ctx: &Context<'_>) -> Result<Option<District>> {
        let Some(code) = &self.0.district_code else {
            return Ok(None);
        };
        let row = ctx
            .loader()
            .load_one(DistrictByCode(code.clone()))
            .await
            .gql()?;
        Ok(row.map(District))
    }
    /// Officers in post (now, or on the last day of an ended unit).
    #[graphql(complexity = "20 * child_complexity")]
    async fn officers(&self, ctx: &Context<'_>) -> Result<Vec<Officer>> {
        if ranked_only(ctx) {
            let rows = ctx
                .loader()
                .load_one(OfficerRanksOfUnit(self.0.code.clone(), self.day()))
                .await
                .gql()?;
            return Ok(shared_rows(rows, Officer::from));
        }
        let rows = self.officer_rows(ctx).await?;
        // Committee seats and awards point back at their officer: when the query asks
        // for them, let those officers come from the loader's cache.
        let ahead = ctx.look_ahead();
        if ahead.field("partyMemberships").exists() || ahead.field("awards").exists() {
            let fed = rows.iter().map(|o| (OfficerById(o.id), o.clone()));
            ctx.loader().feed_many(fed).await;
            let ranks = rows
                .iter()
                .map(|o| (OfficerRankById(o.id), Arc::new(RankedOfficer::of(o))));
            ctx.loader().feed_many(ranks).await;
        }
        Ok(rows.iter().cloned().map(Officer::from).collect())
    }
    /// Number of officers in post.
    async fn officer_count(&self, ctx: &Context<'_>) -> Result<usize> {
        Ok(self.officer_rows(ctx).await?.len())
    }
    /// The chief in post, if any.
    async fn chief(&self, ctx: &Context<'_>) -> Result<Option<Officer>> {
        if ranked_only(ctx) {
            let chief = ctx
                .loader()
                .load_one(ChiefRankOfUnit(self.0.code.clone(), self.day()))
                .await
                .gql()?
                .flatten();
            return Ok(chief.map(Officer::from));
        }
        // its own loader: the chiefs alone, not every officer row of the units
        let chief = ctx
            .loader()
            .load_one(ChiefOfUnit(self.0.code.clone(), self.day()))
            .await
            .gql()?;
        Ok(chief.map(Officer::from))
    }
    /// Buildings the unit holds (now, or on the last day of an ended unit): the
    /// new-model headquarters and any premises; a building a restructuring passed on
    /// shows at its successor from the change, at its predecessor before it.
    #[graphql(complexity = "3 * child_complexity")]
    async fn headquarters(&self, ctx: &Context<'_>) -> Result<Vec<Headquarters>> {
        if status_only(ctx) {
            let rows = ctx
                .loader()
                .load_one(HeadquartersStatusOfUnit(self.0.code.clone(), self.day()))
                .await
                .gql()?;
            return Ok(shared_rows(rows, Headquarters::from));
        }
        let rows = ctx
            .loader()
            .load_one(HeadquartersOfUnit(self.0.code.clone(), self.day()))
            .await
            .gql()?;
        Ok(shared_rows(rows, Headquarters::from))
    }
    /// Party committee seats held in the unit (now, or on the last day of an ended unit).
    #[graphql(complexity = "5 * child_complexity")]
    async fn party_memberships(&self, ctx: &Context<'_>) -> Result<Vec<PartyMembership>> {
        let rows = ctx
            .loader()
            .load_one(MembershipsOfUnit(self.0.code.clone(), self.day()))
            .await
            .gql()?;
        Ok(shared_rows(rows, PartyMembership))
    }
    /// Awards to the unit and its officers.
    #[graphql(complexity = "5 * child_complexity")]
    async fn awards(&self, ctx: &Context<'_>) -> Result<Vec<Award>> {
        let rows = ctx
            .loader()
            .load_one(AwardsOfUnit(self.0.code.clone()))
            .await
            .gql()?;
        Ok(shared_rows(rows, Award))
    }
}
