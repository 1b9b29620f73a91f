//! Field guards: writes need an admin; officers' personal data needs an analyst or admin
//! (and each read of it, or refusal, is noted for the audit).

use async_graphql::{Context, Guard, Result};

use super::context::{Ctx, RequestData};
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

/// An officer's personal field (`fullName`, `birthYear`): [`PersonalDataGuard`], and
/// the read or refusal noted for the audit under the operation's top-level field.
pub struct PersonalFieldGuard(pub &'static str);

impl Guard for PersonalFieldGuard {
    async fn check(&self, ctx: &Context<'_>) -> Result<()> {
        let result = PersonalDataGuard.check(ctx).await;
        let root = ctx.path_node.as_ref().map(|node| {
            std::iter::once(node)
                .chain(node.parents())
                .last()
                .map_or_else(String::new, |n| n.field_name().to_owned())
        });
        if let (Some(request), Some(root)) = (ctx.data_opt::<RequestData>(), root) {
            request.audit.note_personal(&root, self.0, result.is_ok());
        }
        result
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
