//! Area management (province admins only): create, make a unit's area, rename, set the
//! members with their days, delete. Each write runs in one transaction with its audit row.

use async_graphql::{Context, InputObject, Object, Result};
use chrono::NaiveDate;

use super::in_txn;
use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::graphql::guards::ProvinceAdminGuard;
use crate::graphql::types::Area;
use crate::service::areas::{self, Member};

/// One member of an area: a unit code held over inclusive days.
#[derive(InputObject, Clone, Debug)]
pub struct AreaMemberInput {
    /// The unit code; some period of it must overlap the days.
    pub unit_code: String,
    /// First day held (null: since before the history begins).
    pub valid_from: Option<NaiveDate>,
    /// Last day held (null: still held).
    pub valid_to: Option<NaiveDate>,
}

/// Area management.
#[derive(Default)]
pub struct AreaMutation;

#[Object]
impl AreaMutation {
    /// Creates a custom area (no member yet: see `setAreaMembers`).
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn create_area(&self, ctx: &Context<'_>, code: String, name: String) -> Result<Area> {
        Ok(Area(in_txn!(ctx, |txn| areas::create(&txn, &code, &name))))
    }

    /// The area of one unit: the period of `unitCode` in force on `on` (made on first
    /// use), for a commune police chief's token.
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn create_unit_area(
        &self,
        ctx: &Context<'_>,
        unit_code: String,
        on: Option<NaiveDate>,
    ) -> Result<Area> {
        let on = on.unwrap_or(ctx.request().today);
        Ok(Area(in_txn!(ctx, |txn| areas::unit_area(
            &txn, &unit_code, on
        ))))
    }

    /// Renames an area.
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn rename_area(&self, ctx: &Context<'_>, code: String, name: String) -> Result<Area> {
        Ok(Area(in_txn!(ctx, |txn| areas::rename(&txn, &code, &name))))
    }

    /// Replaces a custom area's members (all checked before any is written).
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn set_area_members(
        &self,
        ctx: &Context<'_>,
        code: String,
        members: Vec<AreaMemberInput>,
    ) -> Result<Area> {
        let members = members
            .into_iter()
            .map(|m| Member {
                unit_code: m.unit_code.trim().to_owned(),
                valid_from: m.valid_from,
                valid_to: m.valid_to,
            })
            .collect();
        Ok(Area(in_txn!(ctx, |txn| areas::set_members(
            &txn, &code, members
        ))))
    }

    /// Deletes a custom or unit area that no token or recipient uses.
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn delete_area(&self, ctx: &Context<'_>, code: String) -> Result<Area> {
        Ok(Area(in_txn!(ctx, |txn| areas::delete(&txn, &code))))
    }
}
