//! The lineage read transitively and by date, beside [`super::history`] (which reads one
//! unit's direct links): a unit period's ancestry and descent (every link reachable
//! backwards or forwards, loaded level by level, one statement per level, bounded), the
//! administrative changes that took effect in a range of days (a keyset listing for the
//! API's pages) and, per new edition, how many units came before and after. Reference
//! data: the same for every token, so no scope applies.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use entity::{unit_edition, unit_lineage, unit_period};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::keyset::Listing;
use super::page::SortDirection;
use super::{Result, ServiceError, plausible};

/// At most this many links in one ancestry or descent (the rest is cut, and said so).
pub const MAX_REACH_LINKS: usize = 1_000;
/// At most this many levels, whatever the number of editions.
pub const MAX_REACH_DEPTH: u64 = 50;
/// Longest range of days `administrativeChanges` accepts (about a century).
pub const MAX_RANGE_DAYS: i64 = 36_600;
/// At most this many links read for one edition's summary (a province's edition has a few
/// hundred).
pub const MAX_EDITION_LINKS: u64 = 50_000;
/// At most this many editions summarised in one answer.
pub const MAX_SUMMARY_EDITIONS: u64 = 200;

/// Which way a reach goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Towards the predecessors (ancestry).
    Back,
    /// Towards the successors (descent).
    Forward,
}

/// A link with both of its ends (a period, or none for a district or an unknown successor)
/// and its distance from the unit a reach started at (1: direct).
#[derive(Clone, Debug)]
pub struct Step {
    /// The link row.
    pub link: unit_lineage::Model,
    /// Levels from the start (1 for a direct link; 1 in a list of changes).
    pub depth: u32,
    /// The predecessor period (none: a district without communes).
    pub from: Option<unit_period::Model>,
    /// The successor period (none: not known).
    pub to: Option<unit_period::Model>,
}

/// The links reached from a period, by depth, and whether the bounds cut them.
#[derive(Clone, Debug, Default)]
pub struct Reach {
    /// The links, by depth then effective day then id.
    pub steps: Vec<Step>,
    /// False when [`MAX_REACH_LINKS`] or the depth bound cut the reach.
    pub complete: bool,
}

type PeriodKey = (String, NaiveDate);

fn near_far(l: &unit_lineage::Model, dir: Direction) -> Option<PeriodKey> {
    match dir {
        Direction::Back => Some((l.from_code.clone()?, l.from_valid_from?)),
        Direction::Forward => Some((l.to_code.clone()?, l.to_valid_from?)),
    }
}

/// The links whose near end (the successor going back, the predecessor going forward) is
/// one of `periods`: one condition, the codes grouped by their first day.
fn touching(periods: &BTreeSet<PeriodKey>, dir: Direction) -> Condition {
    use unit_lineage::Column as C;
    let (code, day) = match dir {
        Direction::Back => (C::ToCode, C::ToValidFrom),
        Direction::Forward => (C::FromCode, C::FromValidFrom),
    };
    let mut by_day: BTreeMap<NaiveDate, Vec<String>> = BTreeMap::new();
    for (c, d) in periods {
        by_day.entry(*d).or_default().push(c.clone());
    }
    by_day
        .into_iter()
        .fold(Condition::any(), |cond, (d, codes)| {
            cond.add(Condition::all().add(day.eq(d)).add(code.is_in(codes)))
        })
}

/// Every link reachable from `start` going `dir`, level by level (one statement per
/// level, then one for the periods at the ends): at most as many levels as there are
/// editions (and [`MAX_REACH_DEPTH`]), at most [`MAX_REACH_LINKS`] links.
pub async fn reach(
    db: &impl ConnectionTrait,
    start: &unit_period::Model,
    dir: Direction,
) -> Result<Reach> {
    let max_depth = unit_edition::Entity::find()
        .count(db)
        .await?
        .clamp(1, MAX_REACH_DEPTH);
    let mut frontier: BTreeSet<PeriodKey> =
        BTreeSet::from([(start.code.clone(), start.valid_from)]);
    let mut seen_periods = frontier.clone();
    let mut seen_links = BTreeSet::new();
    let mut links: Vec<(u32, unit_lineage::Model)> = Vec::new();
    let mut complete = true;
    let mut depth = 0u32;
    while !frontier.is_empty() {
        if u64::from(depth) == max_depth {
            complete = false;
            break;
        }
        depth += 1;
        let room = MAX_REACH_LINKS - links.len();
        let rows = unit_lineage::Entity::find()
            .filter(touching(&frontier, dir))
            .order_by_asc(unit_lineage::Column::EffectiveOn)
            .order_by_asc(unit_lineage::Column::Id)
            .limit(room as u64 + 1)
            .all(db)
            .await?;
        let mut next = BTreeSet::new();
        for l in rows {
            if !seen_links.insert(l.id) {
                continue;
            }
            if links.len() == MAX_REACH_LINKS {
                complete = false;
                break;
            }
            if let Some(far) = near_far(&l, dir)
                && seen_periods.insert(far.clone())
            {
                next.insert(far);
            }
            links.push((depth, l));
        }
        if !complete {
            break;
        }
        frontier = next;
    }
    let steps = with_ends(db, links).await?;
    Ok(Reach { steps, complete })
}

/// The periods at both ends of `links`, in one statement (by code, then matched on the
/// first day).
async fn with_ends(
    db: &impl ConnectionTrait,
    links: Vec<(u32, unit_lineage::Model)>,
) -> Result<Vec<Step>> {
    let codes: BTreeSet<String> = links
        .iter()
        .flat_map(|(_, l)| [l.from_code.clone(), l.to_code.clone()])
        .flatten()
        .collect();
    let periods: BTreeMap<PeriodKey, unit_period::Model> = if codes.is_empty() {
        BTreeMap::new()
    } else {
        unit_period::Entity::find()
            .filter(unit_period::Column::Code.is_in(codes))
            .all(db)
            .await?
            .into_iter()
            .map(|p| ((p.code.clone(), p.valid_from), p))
            .collect()
    };
    let end = |code: &Option<String>, day: Option<NaiveDate>| {
        periods.get(&(code.clone()?, day?)).cloned()
    };
    Ok(links
        .into_iter()
        .map(|(depth, link)| Step {
            from: end(&link.from_code, link.from_valid_from),
            to: end(&link.to_code, link.to_valid_from),
            depth,
            link,
        })
        .collect())
}

/// Gives each link of a page (depth 1) the periods at its ends.
pub async fn ends_of(
    db: &impl ConnectionTrait,
    links: Vec<unit_lineage::Model>,
) -> Result<Vec<Step>> {
    with_ends(db, links.into_iter().map(|l| (1, l)).collect()).await
}

/// Checks a range of days for [`changes`] and [`summary`]: both plausible dates, `from`
/// not after `to`, at most [`MAX_RANGE_DAYS`] days.
pub fn check_range(from: NaiveDate, to: NaiveDate) -> Result<()> {
    plausible::date("from", from)?;
    plausible::date("to", to)?;
    if from > to {
        return Err(ServiceError::invalid(
            "from",
            format!("{from} is after `to` ({to})"),
        ));
    }
    if (to - from).num_days() > MAX_RANGE_DAYS {
        return Err(ServiceError::invalid(
            "to",
            format!("a range of at most {MAX_RANGE_DAYS} days"),
        ));
    }
    Ok(())
}

/// The link ids whose predecessor or successor period is of `province`.
fn in_province(province: &str) -> Condition {
    use unit_lineage::Column as C;
    let side = |code: C, day: C| {
        Query::select()
            .expr(Expr::cust("1"))
            .from_as(unit_period::Entity, Alias::new("p"))
            .and_where(
                Expr::col((Alias::new("p"), unit_period::Column::Code))
                    .equals((unit_lineage::Entity, code)),
            )
            .and_where(
                Expr::col((Alias::new("p"), unit_period::Column::ValidFrom))
                    .equals((unit_lineage::Entity, day)),
            )
            .and_where(Expr::col((Alias::new("p"), unit_period::Column::ProvinceCode)).eq(province))
            .to_owned()
    };
    Condition::any()
        .add(Expr::exists(side(C::FromCode, C::FromValidFrom)))
        .add(Expr::exists(side(C::ToCode, C::ToValidFrom)))
}

/// The changes that took effect in `[from, to]` (optionally touching one province: either
/// end a period of it), without the links that changed nothing (`unchanged`, `continued`)
/// unless asked: a listing by effective day, then id (checked by [`check_range`] first).
pub fn changes(
    from: NaiveDate,
    to: NaiveDate,
    province: Option<&str>,
    include_unchanged: bool,
) -> Result<Listing<unit_lineage::Entity>> {
    use unit_lineage::Column as C;
    check_range(from, to)?;
    let mut select = unit_lineage::Entity::find()
        .filter(C::EffectiveOn.gte(from))
        .filter(C::EffectiveOn.lte(to));
    if !include_unchanged {
        select = select.filter(C::Change.is_not_in(["unchanged", "continued"]));
    }
    if let Some(p) = province {
        select = select.filter(in_province(p));
    }
    Ok(Listing::new(
        "administrativeChanges",
        "effectiveOn:ASC".to_owned(),
        select,
        (C::EffectiveOn, C::Id),
        SortDirection::Asc,
    ))
}

/// One new edition in a range and the units on either side of its day.
#[derive(Clone, Debug)]
pub struct EditionChange {
    /// The edition that took effect.
    pub edition: unit_edition::Model,
    /// Distinct predecessor periods linked into it that day, or to an unknown successor
    /// from its province, by their province.
    pub before_by_province: Vec<(String, u64)>,
    /// Districts without communes that became one of its units.
    pub districts_before: u64,
    /// Its units.
    pub after: u64,
    /// Links of that day into it (or out of its province to nowhere known) that changed
    /// something (not `unchanged`/`continued`).
    pub changes: u64,
}

/// Per edition that took effect in `[from, to]` (optionally of one province), oldest
/// first: the units before and after. An edition no link leads into (the first list known
/// of a province) is no change and left out. Three statements per edition, at most
/// [`MAX_SUMMARY_EDITIONS`] editions.
pub async fn summary(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
    province: Option<&str>,
) -> Result<Vec<EditionChange>> {
    check_range(from, to)?;
    use unit_edition::Column as E;
    let mut select = unit_edition::Entity::find()
        .filter(E::ValidFrom.gte(from))
        .filter(E::ValidFrom.lte(to));
    if let Some(p) = province {
        select = select.filter(E::ProvinceCode.eq(p));
    }
    let editions = select
        .order_by_asc(E::ValidFrom)
        .order_by_asc(E::ProvinceCode)
        .limit(MAX_SUMMARY_EDITIONS)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(editions.len());
    for edition in editions {
        let after = unit_period::Entity::find()
            .filter(unit_period::Column::ProvinceCode.eq(edition.province_code.clone()))
            .filter(unit_period::Column::ValidFrom.eq(edition.valid_from))
            .count(db)
            .await?;
        let links = edition_links(db, &edition).await?;
        if links.is_empty() {
            // the first list known of a province: no change made it
            continue;
        }
        let mut by_province: BTreeMap<String, BTreeSet<i32>> = BTreeMap::new();
        let mut districts = BTreeSet::new();
        let mut changes = 0;
        for (link, from_period) in &links {
            if let Some(p) = from_period {
                by_province
                    .entry(p.province_code.clone())
                    .or_default()
                    .insert(p.id);
            } else if let Some(d) = &link.from_district_code {
                districts.insert(d.clone());
            }
            if !matches!(link.change.as_str(), "unchanged" | "continued") {
                changes += 1;
            }
        }
        out.push(EditionChange {
            before_by_province: by_province
                .into_iter()
                .map(|(p, ids)| (p, ids.len() as u64))
                .collect(),
            districts_before: districts.len() as u64,
            after,
            changes,
            edition,
        });
    }
    Ok(out)
}

/// The links that made `edition` (effective on its first day, into one of its periods, or
/// from a period of its province to an unknown successor), with their predecessor
/// periods: two statements.
async fn edition_links(
    db: &impl ConnectionTrait,
    edition: &unit_edition::Model,
) -> Result<Vec<(unit_lineage::Model, Option<unit_period::Model>)>> {
    use unit_lineage::Column as C;
    let codes_of_edition = Query::select()
        .column(unit_period::Column::Code)
        .from(unit_period::Entity)
        .and_where(unit_period::Column::ProvinceCode.eq(edition.province_code.clone()))
        .and_where(unit_period::Column::ValidFrom.eq(edition.valid_from))
        .to_owned();
    let into = Condition::all()
        .add(C::ToValidFrom.eq(edition.valid_from))
        .add(C::ToCode.in_subquery(codes_of_edition));
    let nowhere = Condition::all()
        .add(C::ToCode.is_null())
        .add(in_province(&edition.province_code));
    let links = unit_lineage::Entity::find()
        .filter(C::EffectiveOn.eq(edition.valid_from))
        .filter(Condition::any().add(into).add(nowhere))
        .order_by_asc(C::Id)
        .limit(MAX_EDITION_LINKS)
        .all(db)
        .await?;
    let ends = with_ends(db, links.into_iter().map(|l| (1, l)).collect()).await?;
    Ok(ends.into_iter().map(|s| (s.link, s.from)).collect())
}
