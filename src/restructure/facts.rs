//! The police facts' side of a restructuring (after `check`): postings, Party committee
//! seats and headquarters of the predecessors follow the units. Facts refer to a unit
//! by code and day, so only facts at a code the successor does not keep move.
//!
//! Rules (D the effective day; a fact "in post" on D-1 whose end is after D is acted
//! on, so a second run finds nothing to do):
//! - **Home.** Each predecessor's facts go to one successor: the one that keeps its
//!   code, else (a split with no part keeping the code) the lowest successor code.
//!   A predecessor with no known successor keeps its facts (reported).
//! - **Merger.** A successor that is home to more than one predecessor is a new
//!   commune: one chief (the chief of the predecessor whose code it keeps, else the
//!   highest rank, then the longest in post, then the lowest officer id, among the
//!   chiefs in post on D-1); the other chiefs become deputies; every seat of its
//!   predecessors ends on D (the new committee's seats are appointed later).
//! - **Postings.** A posting that changes unit or position ends on D (`posted_to`, the
//!   first day no longer held) and a new one for the same person starts on D.
//! - **Seats** of a predecessor renumbered alone (one predecessor, another code) move
//!   with their officer; a predecessor continuing under its code keeps them.
//! - **Headquarters** in use or in progress at a moving predecessor pass: the row's
//!   holding ends on D and a copy held from D is added at the successor; the
//!   building's own dates are not touched.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use entity::{officer, party_membership};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, sea_query::Expr,
};

use super::check::Resolved;
use crate::service::Result;
use entity::headquarters;

/// The chief chosen for a merged successor.
#[derive(Clone, Debug)]
pub struct ChiefChoice {
    /// The officer row (posting) in post on D-1.
    pub officer_id: i32,
    /// Where that officer was posted.
    pub from_code: String,
    /// Which rule decided.
    pub rule: &'static str,
}

/// What happens at one successor.
#[derive(Clone, Debug)]
pub struct SuccessorChange {
    /// The successor's code and name.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The predecessors whose facts come here.
    pub predecessors: Vec<String>,
    /// Whether it is home to several predecessors.
    pub merger: bool,
    /// Postings moved here from another code.
    pub officers_moved: usize,
    /// The chief (mergers only).
    pub chief: Option<ChiefChoice>,
    /// Officer rows (in post on D-1) of chiefs who become deputies.
    pub deputies: Vec<i32>,
    /// Seats ended on D.
    pub seats_ended: usize,
    /// Seats moved with their officer.
    pub seats_moved: usize,
    /// Headquarters passed to it.
    pub headquarters_passed: usize,
}

impl SuccessorChange {
    /// Whether anything changes here.
    pub fn any(&self) -> bool {
        self.officers_moved
            + self.deputies.len()
            + self.seats_ended
            + self.seats_moved
            + self.headquarters_passed
            > 0
    }
}

/// What the facts' side changes.
#[derive(Clone, Debug, Default)]
pub struct FactChanges {
    /// Per successor, in code order.
    pub successors: Vec<SuccessorChange>,
    /// Splits and unknown successors, and how they were handled.
    pub notes: Vec<String>,
}

/// Each predecessor's home successor, and notes on splits and unknown successors.
fn homes(r: &Resolved) -> (BTreeMap<String, String>, Vec<String>) {
    let mut targets: BTreeMap<&str, (BTreeSet<&str>, bool)> = BTreeMap::new();
    for l in &r.lines {
        if let Some(from) = &l.from {
            let e = targets.entry(from).or_default();
            match &l.to {
                Some(to) => {
                    e.0.insert(to);
                }
                None => e.1 = true,
            }
        }
    }
    let mut out = BTreeMap::new();
    let mut notes = Vec::new();
    for (from, (to, unknown)) in targets {
        let home = if to.contains(from) {
            Some(from)
        } else {
            to.first().copied()
        };
        match home {
            Some(h) => {
                if to.len() > 1 || unknown {
                    let others: Vec<&str> = to.iter().copied().filter(|t| *t != h).collect();
                    let rule = if h == from {
                        "it keeps the code"
                    } else {
                        "lowest successor code"
                    };
                    notes.push(format!(
                        "{from} is split ({}{}): its officers, seats and headquarters go to {h} ({rule})",
                        if others.is_empty() { String::new() } else { format!("also to {}", others.join(", ")) },
                        if unknown { if others.is_empty() { "part to an unknown successor" } else { ", part unknown" } } else { "" },
                    ));
                }
                out.insert(from.to_owned(), h.to_owned());
            }
            None => notes.push(format!(
                "{from} has no known successor: its facts stay where they are"
            )),
        }
    }
    (out, notes)
}

/// In post on D-1 (`[from, to)` holds on D-1).
fn held_on_eve(from: NaiveDate, to: Option<NaiveDate>, day: NaiveDate) -> bool {
    from < day && to.is_none_or(|t| t >= day)
}

/// The chief among `chiefs` (in post on D-1) for successor `code`.
fn choose<'a>(
    code: &str,
    chiefs: &[&'a officer::Model],
) -> Option<(&'a officer::Model, &'static str)> {
    let keeper: Vec<&&officer::Model> = chiefs.iter().filter(|o| o.unit_code == code).collect();
    let best = |set: &mut dyn Iterator<Item = &'a officer::Model>| {
        set.min_by_key(|o| (-o.rank, o.posted_from, o.id))
    };
    if let Some(o) = best(&mut keeper.into_iter().copied()) {
        return Some((o, "chief of the predecessor whose code the successor keeps"));
    }
    let rule = if chiefs.len() > 1 {
        "highest rank, then longest in post, then lowest id"
    } else {
        "the only chief among the predecessors"
    };
    best(&mut chiefs.iter().copied()).map(|o| (o, rule))
}

/// Computes the facts' changes and, when `write`, makes them.
pub async fn apply(db: &impl ConnectionTrait, r: &Resolved, write: bool) -> Result<FactChanges> {
    let day = r.day;
    let (home, notes) = homes(r);
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in &home {
        groups.entry(to).or_default().push(from);
    }
    let preds: Vec<&str> = home.keys().map(String::as_str).collect();
    let officers = load_officers(db, &preds, day).await?;
    let seats = load_seats(db, &preds, day).await?;
    let buildings = load_buildings(db, &preds, day).await?;

    // Indexed by unit code: the loop below visits every successor (3,321 nationally)
    // and must not scan every officer, seat and building for each.
    let officers_at = by_code(&officers, |o| o.unit_code.as_str());
    let seats_at = by_code(&seats, |s| s.unit_code.as_str());
    let buildings_at = by_code(&buildings, |b| b.unit_code.as_str());

    let mut close_postings = Vec::new();
    let mut new_postings: Vec<(i32, officer::Model)> = Vec::new();
    let mut end_seats = Vec::new();
    let mut moved_seats: Vec<party_membership::Model> = Vec::new();
    let mut release = Vec::new();
    let mut passed = Vec::new();
    let mut out = FactChanges {
        successors: Vec::new(),
        notes,
    };
    for (code, succ) in &r.succs {
        let members: Vec<&str> = groups.get(code.as_str()).cloned().unwrap_or_default();
        let merger = members.len() > 1;
        let mut change = SuccessorChange {
            code: code.clone(),
            name: succ.name.clone(),
            predecessors: members.iter().map(|s| s.to_string()).collect(),
            merger,
            officers_moved: 0,
            chief: None,
            deputies: Vec::new(),
            seats_ended: 0,
            seats_moved: 0,
            headquarters_passed: 0,
        };
        let here: Vec<&officer::Model> = gather(&officers_at, &members, |o| o.id);
        let chosen = if merger {
            let chiefs: Vec<&officer::Model> = here
                .iter()
                .copied()
                .filter(|o| o.position == "chief")
                .collect();
            choose(code, &chiefs)
        } else {
            None
        };
        if let Some((o, rule)) = chosen {
            change.chief = Some(ChiefChoice {
                officer_id: o.id,
                from_code: o.unit_code.clone(),
                rule,
            });
        }
        let mut moved_officers = BTreeSet::new();
        for o in here {
            let demoted = merger && o.position == "chief" && chosen.is_none_or(|c| c.0.id != o.id);
            let position = if demoted {
                "deputy"
            } else {
                o.position.as_str()
            };
            let acts = o.posted_to.is_none_or(|t| t > day);
            if !acts || (o.unit_code == *code && o.position == position) {
                continue;
            }
            if demoted {
                change.deputies.push(o.id);
            }
            if o.unit_code != *code {
                change.officers_moved += 1;
                moved_officers.insert(o.id);
            }
            close_postings.push(o.id);
            let mut next = o.clone();
            next.unit_code = code.clone();
            next.position = position.to_owned();
            next.posted_from = day;
            new_postings.push((o.id, next));
        }
        for s in gather(&seats_at, &members, |s| s.id) {
            if merger {
                change.seats_ended += 1;
                end_seats.push(s.id);
            } else if s.unit_code != *code {
                end_seats.push(s.id);
                if moved_officers.contains(&s.officer_id) {
                    change.seats_moved += 1;
                    let mut next = s.clone();
                    next.unit_code = code.clone();
                    moved_seats.push(next);
                } else {
                    change.seats_ended += 1;
                }
            }
        }
        for b in gather(&buildings_at, &members, |b| b.id)
            .into_iter()
            .filter(|b| b.unit_code != *code)
        {
            change.headquarters_passed += 1;
            release.push(b.id);
            let mut copy = b.clone();
            copy.unit_code = code.clone();
            copy.held_from = Some(day);
            passed.push(copy);
        }
        out.successors.push(change);
    }
    if write {
        write_postings(
            db,
            day,
            &close_postings,
            new_postings,
            &end_seats,
            moved_seats,
        )
        .await?;
        write_buildings(db, day, &release, passed).await?;
    }
    Ok(out)
}

/// Rows by their unit code.
fn by_code<'a, T>(rows: &'a [T], code: impl Fn(&'a T) -> &'a str) -> HashMap<&'a str, Vec<&'a T>> {
    let mut out: HashMap<&str, Vec<&T>> = HashMap::new();
    for r in rows {
        out.entry(code(r)).or_default().push(r);
    }
    out
}

/// The rows at any of `codes`, in id order (as a scan of the id-ordered rows gives them).
fn gather<'a, T>(
    at: &HashMap<&str, Vec<&'a T>>,
    codes: &[&str],
    id: impl Fn(&T) -> i32,
) -> Vec<&'a T> {
    let mut out: Vec<&T> = codes
        .iter()
        .filter_map(|c| at.get(c))
        .flatten()
        .copied()
        .collect();
    out.sort_by_key(|r| id(r));
    out.dedup_by_key(|r| id(r));
    out
}

async fn load_officers(
    db: &impl ConnectionTrait,
    codes: &[&str],
    day: NaiveDate,
) -> Result<Vec<officer::Model>> {
    let mut out = Vec::new();
    for chunk in codes.chunks(500) {
        let rows = officer::Entity::find()
            .filter(officer::Column::UnitCode.is_in(chunk.iter().copied()))
            .filter(officer::Column::PostedFrom.lt(day))
            .filter(
                Condition::any()
                    .add(officer::Column::PostedTo.is_null())
                    .add(officer::Column::PostedTo.gte(day)),
            )
            .all(db)
            .await?;
        out.extend(
            rows.into_iter()
                .filter(|o| held_on_eve(o.posted_from, o.posted_to, day)),
        );
    }
    out.sort_by_key(|o| o.id);
    Ok(out)
}

/// Seats in force on D-1 that still run past D.
async fn load_seats(
    db: &impl ConnectionTrait,
    codes: &[&str],
    day: NaiveDate,
) -> Result<Vec<party_membership::Model>> {
    use party_membership::Column as C;
    let mut out = Vec::new();
    for chunk in codes.chunks(500) {
        let rows = party_membership::Entity::find()
            .filter(C::UnitCode.is_in(chunk.iter().copied()))
            .filter(C::StartedOn.lt(day))
            .filter(
                Condition::any()
                    .add(C::EndedOn.is_null())
                    .add(C::EndedOn.gt(day)),
            )
            .all(db)
            .await?;
        out.extend(rows);
    }
    out.sort_by_key(|s| s.id);
    Ok(out)
}

/// Buildings held on D-1 and still after D, not closed by D.
async fn load_buildings(
    db: &impl ConnectionTrait,
    codes: &[&str],
    day: NaiveDate,
) -> Result<Vec<headquarters::Model>> {
    use headquarters::Column as C;
    let mut out = Vec::new();
    for chunk in codes.chunks(500) {
        let rows = headquarters::Entity::find()
            .filter(C::UnitCode.is_in(chunk.iter().copied()))
            .filter(
                Condition::any()
                    .add(C::HeldFrom.is_null())
                    .add(C::HeldFrom.lt(day)),
            )
            .filter(
                Condition::any()
                    .add(C::HeldTo.is_null())
                    .add(C::HeldTo.gt(day)),
            )
            .filter(
                Condition::any()
                    .add(C::ClosedOn.is_null())
                    .add(C::ClosedOn.gt(day)),
            )
            .all(db)
            .await?;
        out.extend(rows);
    }
    out.sort_by_key(|b| b.id);
    Ok(out)
}

async fn write_postings(
    db: &impl ConnectionTrait,
    day: NaiveDate,
    close: &[i32],
    open: Vec<(i32, officer::Model)>,
    end_seats: &[i32],
    moved_seats: Vec<party_membership::Model>,
) -> Result<()> {
    for chunk in close.chunks(500) {
        officer::Entity::update_many()
            .col_expr(officer::Column::PostedTo, Expr::value(day))
            .filter(officer::Column::Id.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    let seat_holders: BTreeSet<i32> = moved_seats.iter().map(|s| s.officer_id).collect();
    let mut new_ids = BTreeMap::new();
    let mut bulk = Vec::new();
    for (old, row) in open {
        let mut a = row.into_active_model();
        a.id = NotSet;
        if seat_holders.contains(&old) {
            new_ids.insert(old, a.insert(db).await?.id);
        } else {
            bulk.push(a);
        }
    }
    while !bulk.is_empty() {
        let rest = bulk.split_off(bulk.len().min(500));
        officer::Entity::insert_many(std::mem::replace(&mut bulk, rest))
            .exec_without_returning(db)
            .await?;
    }
    for chunk in end_seats.chunks(500) {
        party_membership::Entity::update_many()
            .col_expr(party_membership::Column::EndedOn, Expr::value(day))
            .filter(party_membership::Column::Id.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    for s in moved_seats {
        let Some(&officer_id) = new_ids.get(&s.officer_id) else {
            continue;
        };
        let mut a = party_membership::Model {
            officer_id,
            started_on: day,
            ..s
        }
        .into_active_model();
        a.id = NotSet;
        a.insert(db).await?;
    }
    Ok(())
}

async fn write_buildings(
    db: &impl ConnectionTrait,
    day: NaiveDate,
    release: &[i32],
    passed: Vec<headquarters::Model>,
) -> Result<()> {
    for chunk in release.chunks(500) {
        headquarters::Entity::update_many()
            .col_expr(headquarters::Column::HeldTo, Expr::value(day))
            .filter(headquarters::Column::Id.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    let mut rows: Vec<headquarters::ActiveModel> = passed
        .into_iter()
        .map(|b| {
            let mut a = b.into_active_model();
            a.id = NotSet;
            a
        })
        .collect();
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(500));
        headquarters::Entity::insert_many(std::mem::replace(&mut rows, rest))
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
