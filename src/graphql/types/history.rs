//! The administrative history's output types: editions, unit periods and lineage links
//! (reference data, the same for every token).

use async_graphql::{Context, Enum, Object, Result, SimpleObject};
use chrono::NaiveDate;
use entity::{unit_edition, unit_lineage, unit_period};

use super::parsed;
use crate::domain::UnitKind;
use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::service::lineage::{self, Direction, EditionChange, Step};

/// A province's list of commune-level units, valid over a period.
pub struct UnitEdition {
    /// The edition row.
    pub row: unit_edition::Model,
    /// The kind code of each of its units.
    pub kinds: Vec<String>,
}

/// How many units of an edition are of one kind.
#[derive(SimpleObject)]
pub struct UnitKindCount {
    /// The kind.
    pub kind: UnitKind,
    /// Number of units of that kind.
    pub count: u64,
}

#[Object]
impl UnitEdition {
    /// Province code ("51" Quảng Ngãi, "62" Kon Tum until 30 Jun 2025).
    async fn province_code(&self) -> &str {
        &self.row.province_code
    }
    /// First day the list is in force.
    async fn valid_from(&self) -> NaiveDate {
        self.row.valid_from
    }
    /// Last day the list is in force (null while it still is).
    async fn valid_to(&self) -> Option<NaiveDate> {
        self.row.valid_to
    }
    /// The act that made it, e.g. "1279/NQ-UBTVQH15".
    async fn act(&self) -> &str {
        &self.row.act
    }
    /// Number of commune-level units (counted from the loaded data).
    async fn unit_count(&self) -> i32 {
        self.row.unit_count
    }
    /// Number of units of each kind present in the edition.
    async fn counts_by_kind(&self) -> Result<Vec<UnitKindCount>> {
        let mut out: Vec<UnitKindCount> = Vec::new();
        for code in &self.kinds {
            let kind = parsed("unit kind", code, UnitKind::from_code)?;
            match out.iter_mut().find(|c| c.kind == kind) {
                Some(c) => c.count += 1,
                None => out.push(UnitKindCount { kind, count: 1 }),
            }
        }
        out.sort_by_key(|c| c.kind);
        Ok(out)
    }
}

/// A commune-level unit over one period: identified by its code and its `validFrom`
/// (codes and names are reused; never match by name).
pub struct UnitPeriod(pub unit_period::Model);

#[Object]
impl UnitPeriod {
    /// Statistics-office code, e.g. "21025".
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name in this period.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Xã, phường, thị trấn or đặc khu.
    async fn kind(&self) -> Result<UnitKind> {
        parsed("unit kind", &self.0.kind, UnitKind::from_code)
    }
    /// First day of the period.
    async fn valid_from(&self) -> NaiveDate {
        self.0.valid_from
    }
    /// Last day of the period (null while it lasts).
    async fn valid_to(&self) -> Option<NaiveDate> {
        self.0.valid_to
    }
    /// District code in this period (null from 1 Jul 2025: no district level).
    async fn district_code(&self) -> Option<&str> {
        self.0.district_code.as_deref()
    }
    /// District name in this period.
    async fn district_name(&self) -> Option<&str> {
        self.0.district_name.as_deref()
    }
    /// Province code in this period.
    async fn province_code(&self) -> &str {
        &self.0.province_code
    }
}

/// Whether a link carries the whole predecessor or a part of it.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum LineageShare {
    /// The whole predecessor went to this successor.
    Whole,
    /// The predecessor was divided; this link carries a part of it.
    Part,
}

impl LineageShare {
    fn of(row: &unit_lineage::Model) -> Self {
        if row.share == "part" {
            Self::Part
        } else {
            Self::Whole
        }
    }
}

/// One link between a unit period and another one (or a district, or an unknown successor).
pub struct LineageLink {
    /// The link row.
    pub row: unit_lineage::Model,
    /// The period at the other end.
    pub other: Option<unit_period::Model>,
    /// The district at the other end (a predecessor district without communes).
    pub district_code: Option<String>,
}

#[Object]
impl LineageLink {
    /// The unit period at the other end; null for a district or an unknown successor.
    async fn unit(&self) -> Option<UnitPeriod> {
        self.other.clone().map(UnitPeriod)
    }
    /// The predecessor was a district without communes (Huyện Lý Sơn, "536").
    async fn district_code(&self) -> Option<&str> {
        self.district_code.as_deref()
    }
    /// False when the other end is not known (the remainder of Xã Nghĩa Mỹ).
    async fn known(&self) -> bool {
        self.other.is_some() || self.district_code.is_some()
    }
    /// Whole or part of the predecessor.
    async fn share(&self) -> LineageShare {
        LineageShare::of(&self.row)
    }
    /// What happened, as the data says: unchanged, merged, merged_renamed, split, retyped,
    /// boundary_gain, boundary_loss, continued, district_to_unit.
    async fn change(&self) -> &str {
        &self.row.change
    }
    /// The resolution, e.g. "1677/NQ-UBTVQH15" (null when nothing changed).
    async fn resolution(&self) -> Option<&str> {
        self.row.resolution.as_deref()
    }
    /// Its clause (article 1 of 1677/NQ-UBTVQH15), when known.
    async fn clause(&self) -> Option<&str> {
        self.row.clause.as_deref()
    }
    /// The day the change took effect.
    async fn effective_on(&self) -> NaiveDate {
        self.row.effective_on
    }
    /// A note from the source data.
    async fn note(&self) -> Option<&str> {
        self.row.note.as_deref()
    }
}

/// A unit period with its direct predecessors and successors.
pub struct UnitLineage {
    /// The unit period asked about.
    pub unit: unit_period::Model,
    /// Links into it.
    pub predecessors: Vec<LineageLink>,
    /// Links out of it.
    pub successors: Vec<LineageLink>,
}

#[Object]
impl UnitLineage {
    /// The unit period valid on the day asked about.
    async fn unit(&self) -> UnitPeriod {
        UnitPeriod(self.unit.clone())
    }
    /// What it was made from, directly (empty for the first edition known; at most 100).
    #[graphql(complexity = "100 * child_complexity")]
    async fn predecessors(&self) -> &[LineageLink] {
        &self.predecessors
    }
    /// What it became, directly (empty while it is in force; at most 100).
    #[graphql(complexity = "100 * child_complexity")]
    async fn successors(&self) -> &[LineageLink] {
        &self.successors
    }
    /// Every link reachable backwards (its predecessors, theirs, ...), by depth: loaded
    /// level by level, at most as many levels as there are editions and at most 1,000
    /// links (`complete` says whether the bounds cut it).
    #[graphql(complexity = "1000 * child_complexity")]
    async fn ancestry(&self, ctx: &Context<'_>) -> Result<LineageReach> {
        reach(ctx, &self.unit, Direction::Back).await
    }
    /// Every link reachable forwards (its successors, theirs, ...), by depth, with the
    /// same bounds as `ancestry`.
    #[graphql(complexity = "1000 * child_complexity")]
    async fn descent(&self, ctx: &Context<'_>) -> Result<LineageReach> {
        reach(ctx, &self.unit, Direction::Forward).await
    }
}

async fn reach(
    ctx: &Context<'_>,
    unit: &unit_period::Model,
    dir: Direction,
) -> Result<LineageReach> {
    let r = lineage::reach(ctx.db(), unit, dir).await.gql()?;
    Ok(LineageReach {
        complete: r.complete,
        links: r.steps.into_iter().map(LineageStep).collect(),
    })
}

/// The links reached from a unit period in one direction.
#[derive(SimpleObject)]
pub struct LineageReach {
    /// False when the bounds (1,000 links, as many levels as editions) cut the reach.
    pub complete: bool,
    /// The links, by depth, then effective day.
    pub links: Vec<LineageStep>,
}

/// A lineage link with both of its ends: a predecessor (a unit period, or a district
/// without communes) and a successor (a unit period, or not known).
pub struct LineageStep(pub Step);

#[Object]
impl LineageStep {
    /// Levels from the unit asked about: 1 for a direct link (always 1 in
    /// `administrativeChanges`).
    async fn depth(&self) -> u32 {
        self.0.depth
    }
    /// The predecessor period; null for a district without communes (`fromDistrictCode`).
    async fn from(&self) -> Option<UnitPeriod> {
        self.0.from.clone().map(UnitPeriod)
    }
    /// The predecessor district without communes (Huyện Lý Sơn, "536").
    async fn from_district_code(&self) -> Option<&str> {
        self.0.link.from_district_code.as_deref()
    }
    /// The successor period; null when not known (`known: false`).
    async fn to(&self) -> Option<UnitPeriod> {
        self.0.to.clone().map(UnitPeriod)
    }
    /// False when the successor is not known (the remainder of Xã Nghĩa Mỹ).
    async fn known(&self) -> bool {
        self.0.link.to_code.is_some()
    }
    /// Whole or part of the predecessor.
    async fn share(&self) -> LineageShare {
        LineageShare::of(&self.0.link)
    }
    /// What happened, as the data says (see `LineageLink.change`).
    async fn change(&self) -> &str {
        &self.0.link.change
    }
    /// The resolution, e.g. "1677/NQ-UBTVQH15" (null when nothing changed).
    async fn resolution(&self) -> Option<&str> {
        self.0.link.resolution.as_deref()
    }
    /// Its clause, when known.
    async fn clause(&self) -> Option<&str> {
        self.0.link.clause.as_deref()
    }
    /// The day the change took effect.
    async fn effective_on(&self) -> NaiveDate {
        self.0.link.effective_on
    }
    /// A note from the source data.
    async fn note(&self) -> Option<&str> {
        self.0.link.note.as_deref()
    }
}

/// Units of one province before an edition took effect.
#[derive(SimpleObject)]
pub struct ProvinceUnitCount {
    /// Province code.
    pub province_code: String,
    /// Number of units.
    pub count: u64,
}

/// An edition that took effect, and the units before and after its day.
pub struct EditionChangeSummary(pub EditionChange);

#[Object]
impl EditionChangeSummary {
    /// The day it took effect.
    async fn effective_on(&self) -> NaiveDate {
        self.0.edition.valid_from
    }
    /// The province whose list it is.
    async fn province_code(&self) -> &str {
        &self.0.edition.province_code
    }
    /// The act (resolution) that made it.
    async fn act(&self) -> &str {
        &self.0.edition.act
    }
    /// Units the day before that became its units (distinct predecessor periods linked
    /// into it that day, any province, also those of its province with an unknown
    /// successor). Districts without communes count apart (`districtsBefore`).
    async fn units_before(&self) -> u64 {
        self.0.before_by_province.iter().map(|(_, n)| n).sum()
    }
    /// `unitsBefore` by the province they were of.
    async fn units_before_by_province(&self) -> Vec<ProvinceUnitCount> {
        self.0
            .before_by_province
            .iter()
            .map(|(p, n)| ProvinceUnitCount {
                province_code: p.clone(),
                count: *n,
            })
            .collect()
    }
    /// Districts without communes that became one of its units.
    async fn districts_before(&self) -> u64 {
        self.0.districts_before
    }
    /// Its units.
    async fn units_after(&self) -> u64 {
        self.0.after
    }
    /// How many of those links changed something (not `unchanged`/`continued`).
    async fn changes(&self) -> u64 {
        self.0.changes
    }
}
