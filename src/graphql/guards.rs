//! Field guards: writes need an admin; officers' personal data needs an analyst or admin.

use async_graphql::{Context, Guard, Result};

use super::context::Ctx;
use super::error::coded;

/// Only admin tokens pass.
pub struct AdminGuard;

impl Guard for AdminGuard {
    async fn check(&self, ctx: &Context<'_>) -> Result<()> {
        if ctx.principal().is_admin() {
            Ok(())
        } else {
            Err(coded("FORBIDDEN", "this operation needs an admin token"))
        }
    }
}

/// Only tokens allowed to read personal data (analyst, admin) pass.
pub struct PersonalDataGuard;

impl Guard for PersonalDataGuard {
    async fn check(&self, ctx: &Context<'_>) -> Result<()> {
        if ctx.principal().can_read_personal_data() {
            Ok(())
        } else {
            Err(coded(
                "FORBIDDEN",
                "officers' personal data needs an analyst or admin token",
            ))
        }
    }
}

/// Only admin tokens without an area scope pass (token management).
pub struct ProvinceAdminGuard;

impl Guard for ProvinceAdminGuard {
    async fn check(&self, ctx: &Context<'_>) -> Result<()> {
        let p = ctx.principal();
        if p.is_admin() && p.scope.area.is_none() {
            Ok(())
        } else {
            Err(coded(
                "FORBIDDEN",
                "this operation needs a province admin token",
            ))
        }
    }
}
