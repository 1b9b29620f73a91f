//! Mutation root: one object per domain, merged. Every mutation needs an admin token,
//! runs in one transaction (validation first, nothing half written) and bumps the
//! data version.

mod areas;
mod facts;
mod indicators;
mod people;
mod restructure;
mod schedules;
mod tokens;

use async_graphql::MergedObject;

/// Runs `$body` (a service call using `$txn`) in a transaction, writes its audit row
/// in the same transaction, and commits.
macro_rules! in_txn {
    ($ctx:expr, |$txn:ident| $body:expr) => {{
        let $txn = crate::service::begin($ctx.db()).await.gql()?;
        let out = $body.await.gql()?;
        crate::graphql::audit::record_in_txn($ctx, &$txn)
            .await
            .gql()?;
        crate::service::commit($txn).await.gql()?;
        crate::graphql::audit::committed($ctx);
        out
    }};
}
pub(crate) use in_txn;

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    people::PeopleMutation,
    facts::FactMutation,
    tokens::TokenMutation,
    indicators::IndicatorMutation,
    schedules::ScheduleMutation,
    restructure::RestructureMutation,
    areas::AreaMutation,
);
