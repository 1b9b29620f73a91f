//! The end of the stage since July 2025 in the seed flow: the rows it drafted (new
//! officers under negative keys, seats, premises, activities, dialogue, awards) and the
//! changes to rows already written are cut at `today`, given ids in date order, and
//! written. Cutting and numbering here is what makes a later run extend an earlier one.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{
    award, dialogue_question, dialogue_session, headquarters, officer, party_membership,
    union_activity,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use super::write;
use crate::domain::QuestionStatus;
use crate::seed::SeedReport;
use crate::seed::batch::{Batch, Ids, next};
use crate::seed::error::SeedError;

/// A change to a row written before this stage.
#[derive(Clone, Debug)]
pub(super) enum Update {
    /// An officer's posting ends (`on` is the first day away).
    PostingEnds { id: i32, on: NaiveDate },
    /// A Party seat ends (`on` is the first day no longer held).
    SeatEnds { id: i32, on: NaiveDate },
    /// A pending new-model building goes ahead: the dates it lacked, then in use.
    Building {
        id: i32,
        approved_on: Option<NaiveDate>,
        construction_started_on: Option<NaiveDate>,
        in_use_on: NaiveDate,
    },
    /// Premises left for a new building.
    PremisesClosed { id: i32, on: NaiveDate },
}

/// Everything drafted, in the order it was drafted. Officers are referred to by key: a
/// database id (positive), or `-(index + 1)` into `officers`; sessions by `index + 1`.
#[derive(Debug, Default)]
pub(super) struct Drafts {
    pub officers: Vec<officer::Model>,
    pub seats: Vec<party_membership::Model>,
    pub premises: Vec<headquarters::Model>,
    pub activities: Vec<union_activity::Model>,
    pub sessions: Vec<dialogue_session::Model>,
    pub questions: Vec<dialogue_question::Model>,
    pub awards: Vec<award::Model>,
    pub updates: Vec<Update>,
}

/// The date a value is kept or dropped by (its first event).
fn cut<T>(rows: Vec<T>, today: NaiveDate, first: impl Fn(&T) -> Option<NaiveDate>) -> Vec<T> {
    let mut dated: Vec<(NaiveDate, T)> = rows
        .into_iter()
        .filter_map(|r| first(&r).map(|d| (d, r)))
        .filter(|(d, _)| *d <= today)
        .collect();
    // Stable: rows of one day keep the order they were drafted in.
    dated.sort_by_key(|(d, _)| *d);
    dated.into_iter().map(|(_, r)| r).collect()
}

/// `day` if it is not after `today`.
fn upto(day: Option<NaiveDate>, today: NaiveDate) -> Option<NaiveDate> {
    day.filter(|d| *d <= today)
}

/// Cuts, numbers and writes the drafts, then applies the updates due by `today`.
pub(super) async fn write_drafts(
    txn: &DatabaseTransaction,
    drafts: Drafts,
    today: NaiveDate,
    mut ids: Ids,
) -> Result<SeedReport, SeedError> {
    let (batch, updates) = number(drafts, today, &mut ids);
    let report = write(txn, batch).await?;
    for update in updates {
        apply(txn, update, today).await?;
    }
    Ok(report)
}

/// The batch of rows dated up to `today`, with ids, and the updates.
fn number(d: Drafts, today: NaiveDate, ids: &mut Ids) -> (Batch, Vec<Update>) {
    let mut batch = Batch::default();
    let mut officer_ids: HashMap<i32, i32> = HashMap::new();
    let keyed: Vec<(i32, officer::Model)> = d
        .officers
        .into_iter()
        .enumerate()
        .map(|(i, o)| (-(i as i32) - 1, o))
        .collect();
    for (key, mut o) in cut(keyed, today, |(_, o)| Some(o.posted_from)) {
        o.id = next(&mut ids.officer);
        o.posted_to = upto(o.posted_to, today);
        officer_ids.insert(key, o.id);
        batch.officers.push(o);
    }
    let officer = |key: i32| {
        if key > 0 {
            Some(key)
        } else {
            officer_ids.get(&key).copied()
        }
    };
    for mut s in cut(d.seats, today, |s| Some(s.started_on)) {
        let Some(officer_id) = officer(s.officer_id) else {
            continue;
        };
        s.id = next(&mut ids.membership);
        s.officer_id = officer_id;
        s.ended_on = upto(s.ended_on, today);
        batch.memberships.push(s);
    }
    for mut h in cut(d.premises, today, first_event) {
        h.id = next(&mut ids.headquarters);
        h.approved_on = upto(h.approved_on, today);
        h.construction_started_on = upto(h.construction_started_on, today);
        h.in_use_on = upto(h.in_use_on, today);
        h.closed_on = upto(h.closed_on, today);
        batch.headquarters.push(h);
    }
    for mut a in cut(d.activities, today, |a| Some(a.started_on)) {
        a.id = next(&mut ids.activity);
        a.ended_on = upto(a.ended_on, today);
        batch.activities.push(a);
    }
    let mut session_ids = HashMap::new();
    for mut s in cut(d.sessions, today, |s| Some(s.held_on)) {
        let local = s.id;
        s.id = next(&mut ids.session);
        session_ids.insert(local, s.id);
        batch.sessions.push(s);
    }
    for mut q in cut(d.questions, today, |q| Some(q.asked_on)) {
        let Some(&session_id) = session_ids.get(&q.session_id) else {
            continue;
        };
        q.id = next(&mut ids.question);
        q.session_id = session_id;
        q.answered_on = upto(q.answered_on, today);
        if q.answered_on.is_none() {
            q.answer = None;
            q.status = QuestionStatus::Open.code().to_owned();
        }
        batch.questions.push(q);
    }
    for mut a in cut(d.awards, today, |a| Some(a.awarded_on)) {
        match a.officer_id.map(officer) {
            Some(None) => continue,
            Some(Some(id)) => a.officer_id = Some(id),
            None => {}
        }
        a.id = next(&mut ids.award);
        batch.awards.push(a);
    }
    (batch, d.updates)
}

/// The first dated event of a headquarters row (a row with none is never drafted).
fn first_event(h: &headquarters::Model) -> Option<NaiveDate> {
    [
        h.approved_on,
        h.construction_started_on,
        h.in_use_on,
        h.closed_on,
    ]
    .into_iter()
    .flatten()
    .min()
}

/// Applies the part of an update that is due by `today`.
async fn apply(
    txn: &DatabaseTransaction,
    update: Update,
    today: NaiveDate,
) -> Result<(), SeedError> {
    match update {
        Update::PostingEnds { id, on } if on <= today => {
            officer::Entity::update_many()
                .col_expr(officer::Column::PostedTo, Expr::value(on))
                .filter(officer::Column::Id.eq(id))
                .exec(txn)
                .await?;
        }
        Update::SeatEnds { id, on } if on <= today => {
            party_membership::Entity::update_many()
                .col_expr(party_membership::Column::EndedOn, Expr::value(on))
                .filter(party_membership::Column::Id.eq(id))
                .exec(txn)
                .await?;
        }
        Update::PremisesClosed { id, on } if on <= today => {
            headquarters::Entity::update_many()
                .col_expr(headquarters::Column::ClosedOn, Expr::value(on))
                .filter(headquarters::Column::Id.eq(id))
                .exec(txn)
                .await?;
        }
        Update::Building {
            id,
            approved_on,
            construction_started_on,
            in_use_on,
        } => {
            use headquarters::Column as C;
            let mut q = headquarters::Entity::update_many().filter(C::Id.eq(id));
            let mut any = false;
            for (column, day) in [
                (C::ApprovedOn, approved_on),
                (C::ConstructionStartedOn, construction_started_on),
                (C::InUseOn, Some(in_use_on)),
            ] {
                if let Some(day) = upto(day, today) {
                    q = q.col_expr(column, Expr::value(day));
                    any = true;
                }
            }
            if any {
                q.exec(txn).await?;
            }
        }
        _ => {}
    }
    Ok(())
}
