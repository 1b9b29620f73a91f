//! `applyRestructuring` (province admins only): the GraphQL door to the restructuring
//! operation (`crate::restructure`), with the plan given as CSV text. A refused plan
//! is the error `PLAN_REJECTED` whose `extensions.planErrors` lists every problem
//! (`line`, `code`, `message`); a dry run writes nothing; an applied plan commits with
//! its audit row, which keeps the report's summary rather than the plan text.

use async_graphql::{Context, ErrorExtensions, Object, Result, SimpleObject};
use chrono::NaiveDate;

use crate::graphql::audit::committed;
use crate::graphql::context::Ctx;
use crate::graphql::error::{GqlResult, coded};
use crate::graphql::guards::ProvinceAdminGuard;
use crate::restructure::{self, Report, RestructureError, SuccessorChange};
use crate::service::{ServiceError, audit};

/// Restructuring mutations.
#[derive(Default)]
pub struct RestructureMutation;

/// What a restructuring changed (or would change, in a dry run).
#[derive(SimpleObject)]
pub struct RestructureReport {
    /// The first day of the successor units.
    pub effective_on: NaiveDate,
    /// Whether nothing was written.
    pub dry_run: bool,
    /// Whether anything changes; false when the plan is already applied.
    pub changed: bool,
    /// One line with the counts (what the audit log keeps).
    pub summary: String,
    /// The report as the command line prints it.
    pub text: String,
    /// Predecessor → successor links in the plan.
    pub plan_lines: i32,
    /// Per successor of the plan, in code order.
    pub successors: Vec<RestructureSuccessor>,
    /// Successor units created (`code name`).
    pub periods_created: Vec<String>,
    /// Predecessor units whose period ended the day before.
    pub periods_ended: Vec<String>,
    /// Lineage links added.
    pub lineage_links_added: i32,
    /// Provinces whose edition starting on the effective day was created.
    pub editions_created: Vec<String>,
    /// Splits and unknown successors, and how they were handled.
    pub notes: Vec<String>,
}

/// What happens at one successor.
#[derive(SimpleObject)]
pub struct RestructureSuccessor {
    /// Unit code.
    pub code: String,
    /// Unit name.
    pub name: String,
    /// Predecessors whose police facts come here.
    pub predecessors: Vec<String>,
    /// Home to several predecessors (one chief, seats ended).
    pub merger: bool,
    /// Postings moved here from another code.
    pub officers_moved: i32,
    /// The officer row (posting on the day before) chosen as chief.
    pub chief_officer_id: Option<i32>,
    /// The unit that chief came from.
    pub chief_from: Option<String>,
    /// The rule that chose the chief.
    pub chief_rule: Option<String>,
    /// Officer rows of chiefs who became deputies.
    pub deputy_officer_ids: Vec<i32>,
    /// Party committee seats ended on the effective day.
    pub seats_ended: i32,
    /// Seats moved with their officer.
    pub seats_moved: i32,
    /// Headquarters passed to this unit.
    pub headquarters_passed: i32,
}

fn n(v: usize) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

impl From<&SuccessorChange> for RestructureSuccessor {
    fn from(s: &SuccessorChange) -> Self {
        Self {
            code: s.code.clone(),
            name: s.name.clone(),
            predecessors: s.predecessors.clone(),
            merger: s.merger,
            officers_moved: n(s.officers_moved),
            chief_officer_id: s.chief.as_ref().map(|c| c.officer_id),
            chief_from: s.chief.as_ref().map(|c| c.from_code.clone()),
            chief_rule: s.chief.as_ref().map(|c| c.rule.to_owned()),
            deputy_officer_ids: s.deputies.clone(),
            seats_ended: n(s.seats_ended),
            seats_moved: n(s.seats_moved),
            headquarters_passed: n(s.headquarters_passed),
        }
    }
}

impl From<&Report> for RestructureReport {
    fn from(r: &Report) -> Self {
        Self {
            effective_on: r.effective,
            dry_run: r.dry_run,
            changed: r.changed(),
            summary: r.summary(),
            text: r.text(),
            plan_lines: n(r.lines),
            successors: r.facts.successors.iter().map(Into::into).collect(),
            periods_created: r.structure.periods_created.clone(),
            periods_ended: r.structure.periods_ended.clone(),
            lineage_links_added: n(r.structure.links_added),
            editions_created: r.structure.editions_created.clone(),
            notes: r.facts.notes.clone(),
        }
    }
}

/// The GraphQL error of a failed run.
fn to_gql(e: RestructureError) -> async_graphql::Error {
    match e {
        RestructureError::Rejected(errors) => {
            let list: Vec<async_graphql::Value> = errors
                .iter()
                .map(|e| {
                    let mut m = async_graphql::indexmap::IndexMap::new();
                    m.insert(
                        async_graphql::Name::new("line"),
                        async_graphql::Value::from(n(e.line)),
                    );
                    m.insert(
                        async_graphql::Name::new("code"),
                        async_graphql::Value::from(e.code),
                    );
                    m.insert(
                        async_graphql::Name::new("message"),
                        async_graphql::Value::from(e.message.clone()),
                    );
                    async_graphql::Value::Object(m)
                })
                .collect();
            let first: Vec<String> = errors.iter().take(5).map(ToString::to_string).collect();
            coded(
                "PLAN_REJECTED",
                format!(
                    "the plan was refused ({} problem(s)); nothing was written: {}",
                    errors.len(),
                    first.join("; ")
                ),
            )
            .extend_with(|_, ext| ext.set("planErrors", async_graphql::Value::List(list)))
        }
        RestructureError::Service(e) => match Err::<(), ServiceError>(e).gql() {
            Err(e) => e,
            Ok(()) => coded("INTERNAL", "internal error"),
        },
    }
}

#[Object]
impl RestructureMutation {
    /// Applies a restructuring plan (CSV text in the shape of the shipped mapping files:
    /// predecessor and successor codes, share, optional successor name and type) on
    /// `effective`, in one transaction: successor units, lineage, and the police facts
    /// (postings, one chief per merged unit, seats, headquarters). Applying it again
    /// changes nothing. Province admins only.
    #[graphql(guard = "ProvinceAdminGuard")]
    async fn apply_restructuring(
        &self,
        ctx: &Context<'_>,
        plan: String,
        effective: NaiveDate,
        #[graphql(default)] dry_run: bool,
    ) -> Result<RestructureReport> {
        let txn = crate::service::begin(ctx.db()).await.gql()?;
        let report = match restructure::apply(&txn, &plan, effective, dry_run).await {
            Ok(report) => report,
            Err(e) => {
                txn.rollback().await.map_err(ServiceError::from).gql()?;
                return Err(to_gql(e));
            }
        };
        if dry_run {
            txn.rollback().await.map_err(ServiceError::from).gql()?;
            return Ok((&report).into());
        }
        let request = ctx.request();
        let args = serde_json::json!({
            "effective": effective,
            "dryRun": dry_run,
            "planLines": report.lines,
            "summary": report.summary(),
        });
        let entry = audit::Entry::by(
            &request.principal,
            Some(&request.request_id),
            "mutation",
            "applyRestructuring",
            args,
        );
        audit::record(&txn, entry).await.gql()?;
        txn.commit().await.map_err(ServiceError::from).gql()?;
        committed(ctx);
        Ok((&report).into())
    }
}
