//! Global object identification (the Relay server spec): the `Node` interface every
//! entity type implements, and `node(id:)` / `nodes(ids:)` on the query root. An id
//! ([`id`]) names a type and a key; [`fetch`] loads that record through the same scope
//! rule (`service::scope`) and role check as the list it comes from, so a record the
//! caller could not list is `null` here too (and a type its role may not read at all is
//! `FORBIDDEN`, whether or not the record exists).

pub mod fetch;
pub mod id;

use async_graphql::{Context, ID, Interface, Object, Result};

pub use id::{Kind, argument, global};

use crate::graphql::error::coded;
use crate::graphql::query::ImportRecord;
use crate::graphql::types::{
    ApiToken, ArchivedFile, Area, AuditEntry, Award, DialogueQuestion, DialogueSession, Directive,
    District, Headquarters, Officer, PartyMembership, ReportArchive, ReportDelivery,
    ReportRecipient, ReportRun, ReportSchedule, UnionActivity, Unit,
};

/// Most ids one `nodes` call takes.
pub const MAX_NODES: usize = 100;

/// An object with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The object's global id."))]
#[allow(clippy::large_enum_variant)]
pub enum Node {
    Unit(Unit),
    District(District),
    Area(Area),
    Officer(Officer),
    PartyMembership(PartyMembership),
    Headquarters(Headquarters),
    Directive(Directive),
    UnionActivity(UnionActivity),
    DialogueSession(DialogueSession),
    DialogueQuestion(DialogueQuestion),
    Award(Award),
    ApiToken(ApiToken),
    ReportSchedule(ReportSchedule),
    ReportRecipient(ReportRecipient),
    ReportRun(ReportRun),
    ReportDelivery(ReportDelivery),
    ReportArchive(ReportArchive),
    ArchivedFile(ArchivedFile),
    ImportRecord(ImportRecord),
    AuditEntry(AuditEntry),
}

/// `node` and `nodes`.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this global id, or null when there is none the caller may see
    /// (out of scope or gone). A type the caller's role may not read (tokens, schedules
    /// and reports, the audit log, imports) is `FORBIDDEN`; an id this server did not make
    /// is `INVALID_ID`.
    #[graphql(complexity = "1 + child_complexity")]
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        let (kind, key) = id::decode(&id)?;
        fetch::one(ctx, kind, &key).await
    }

    /// The objects with these global ids, in their order (null for each the caller may not
    /// see, as `node`); at most 100 ids (`TOO_MANY_IDS` beyond).
    #[graphql(complexity = "ids.len().min(MAX_NODES) * (1 + child_complexity)")]
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(coded(
                "TOO_MANY_IDS",
                format!("{} ids asked; at most {MAX_NODES} per call", ids.len()),
            ));
        }
        let decoded = ids
            .iter()
            .map(|i| id::decode(i))
            .collect::<Result<Vec<_>>>()?;
        let mut out = Vec::with_capacity(decoded.len());
        for (kind, key) in decoded {
            out.push(fetch::one(ctx, kind, &key).await?);
        }
        Ok(out)
    }
}
