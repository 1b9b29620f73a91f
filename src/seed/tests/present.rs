//! The demo after 2024: the 2024 demo is untouched as of 31 Dec 2024, a run is
//! deterministic for a given day and a later run extends an earlier one, nothing is dated
//! after the cut-off day, and the figures of 2025-2026 have the stated shape. Checked by
//! reading the tables back (not through the indicator engine).

use std::collections::HashSet;

use chrono::NaiveDate;
use entity::{
    award, dialogue_question, dialogue_session, headquarters, officer, party_membership,
    union_activity,
};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

use super::support::{EVENT_DATES, count, postgres, rows, sqlite};
use crate::domain::QuestionStatus;
use crate::seed::demo::seed_2024;
use crate::seed::seed_demo_until;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The day the expectations below were written for, and an earlier one mid-month.
const TODAY: &str = "2026-12-02";
const EARLIER: &str = "2026-03-17";

/// Every fact row, by table, in id order.
#[derive(Debug)]
struct Facts {
    officers: Vec<officer::Model>,
    seats: Vec<party_membership::Model>,
    premises: Vec<headquarters::Model>,
    activities: Vec<union_activity::Model>,
    sessions: Vec<dialogue_session::Model>,
    questions: Vec<dialogue_question::Model>,
    awards: Vec<award::Model>,
}

async fn all<E: EntityTrait>(db: &DatabaseConnection, id: E::Column) -> Vec<E::Model> {
    E::find().order_by_asc(id).all(db).await.unwrap()
}

async fn facts(db: &DatabaseConnection) -> Facts {
    Facts {
        officers: all::<officer::Entity>(db, officer::Column::Id).await,
        seats: all::<party_membership::Entity>(db, party_membership::Column::Id).await,
        premises: all::<headquarters::Entity>(db, headquarters::Column::Id).await,
        activities: all::<union_activity::Entity>(db, union_activity::Column::Id).await,
        sessions: all::<dialogue_session::Entity>(db, dialogue_session::Column::Id).await,
        questions: all::<dialogue_question::Entity>(db, dialogue_question::Column::Id).await,
        awards: all::<award::Entity>(db, award::Column::Id).await,
    }
}

fn upto(d: Option<NaiveDate>, t: NaiveDate) -> Option<NaiveDate> {
    d.filter(|d| *d <= t)
}

/// Asserts two lists equal, showing only the first difference (lists are long).
fn same<T: PartialEq + std::fmt::Debug>(what: &str, got: &[T], want: &[T]) {
    if let Some(i) = (0..got.len().max(want.len())).find(|&i| got.get(i) != want.get(i)) {
        panic!(
            "{what}: {} rows, expected {}; first difference at {i}:\n  got  {:?}\n  want {:?}",
            got.len(),
            want.len(),
            got.get(i),
            want.get(i)
        );
    }
}

/// Asserts two sets of facts equal, table by table.
fn assert_same(got: &Facts, want: &Facts) {
    same("officers", &got.officers, &want.officers);
    same("seats", &got.seats, &want.seats);
    same("premises", &got.premises, &want.premises);
    same("activities", &got.activities, &want.activities);
    same("sessions", &got.sessions, &want.sessions);
    same("questions", &got.questions, &want.questions);
    same("awards", &got.awards, &want.awards);
}

impl Facts {
    /// The facts as they stood on `t`: rows that began later dropped, dates after `t`
    /// emptied (target dates are plans and stay), rows at `hidden` codes dropped. A
    /// headquarters row can exist with no date at all (a planned building), so one whose
    /// first event is after `t` is kept when its id is at most `premises_then`, the last
    /// id on `t`: the comparison then shows that it had no event on `t` either.
    fn standing_on(mut self, t: NaiveDate, hidden: &HashSet<String>, premises_then: i32) -> Facts {
        let shown = |code: &Option<String>| !code.as_ref().is_some_and(|c| hidden.contains(c));
        self.officers
            .retain(|o| o.posted_from <= t && !hidden.contains(&o.unit_code));
        for o in &mut self.officers {
            o.posted_to = upto(o.posted_to, t);
        }
        self.seats
            .retain(|s| s.started_on <= t && !hidden.contains(&s.unit_code));
        for s in &mut self.seats {
            s.ended_on = upto(s.ended_on, t);
        }
        self.premises.retain(|h| {
            let first = [
                h.approved_on,
                h.construction_started_on,
                h.in_use_on,
                h.closed_on,
            ]
            .into_iter()
            .flatten()
            .min();
            (first.is_none_or(|d| d <= t) || h.id <= premises_then)
                && !hidden.contains(&h.unit_code)
        });
        for h in &mut self.premises {
            h.approved_on = upto(h.approved_on, t);
            h.construction_started_on = upto(h.construction_started_on, t);
            h.in_use_on = upto(h.in_use_on, t);
            h.closed_on = upto(h.closed_on, t);
            h.held_to = upto(h.held_to, t);
        }
        self.activities
            .retain(|a| a.started_on <= t && shown(&a.unit_code));
        for a in &mut self.activities {
            a.ended_on = upto(a.ended_on, t);
        }
        self.sessions.retain(|s| s.held_on <= t);
        self.questions
            .retain(|q| q.asked_on <= t && shown(&q.asker_unit_code));
        for q in &mut self.questions {
            q.answered_on = upto(q.answered_on, t);
            if q.answered_on.is_none() {
                q.answer = None;
                q.status = QuestionStatus::Open.code().to_owned();
            }
        }
        self.awards
            .retain(|a| a.awarded_on <= t && !hidden.contains(&a.unit_code));
        self
    }
}

/// The codes of an edition's unit periods.
async fn codes(db: &DatabaseConnection, province: &str, from: &str) -> HashSet<String> {
    let rows = entity::unit_period::Entity::find().all(db).await.unwrap();
    rows.into_iter()
        .filter(|p| p.province_code == province && p.valid_from == day(from))
        .map(|p| p.code)
        .collect()
}

const PERIODS_96: &str =
    "unit_period p WHERE p.province_code = '51' AND p.valid_from = '2025-07-01'";

/// Units of an edition (`periods`, aliased `p`) meeting a condition on `p.code`.
async fn units_where(db: &DatabaseConnection, periods: &str, condition: &str) -> i64 {
    rows(db, &format!("{periods} AND {condition}")).await
}

fn in_post(on: &str) -> String {
    format!(
        "(SELECT COUNT(*) FROM officer o WHERE o.unit_code = p.code AND o.posted_from <= '{on}' \
         AND (o.posted_to IS NULL OR o.posted_to > '{on}'))"
    )
}

fn covered(on: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM headquarters h WHERE h.unit_code = p.code AND h.model = 'new' \
         AND h.in_use_on <= '{on}' AND (h.closed_on IS NULL OR h.closed_on > '{on}') \
         AND (h.held_from IS NULL OR h.held_from <= '{on}') AND (h.held_to IS NULL OR h.held_to > '{on}'))"
    )
}

#[tokio::test]
async fn the_2024_demo_is_unchanged_as_of_31_december_2024() {
    let (article, full) = (sqlite().await, sqlite().await);
    seed_2024(&article.db).await.unwrap();
    seed_demo_until(&full.db, day(TODAY)).await.unwrap();
    let kon_tum = codes(&full.db, "62", "2024-05-01").await;
    let end_2024 = day("2024-12-31");
    let expected = facts(&article.db).await;
    let then = expected.premises.last().unwrap().id;
    // a building passed to a successor on a restructuring is a second holder row from
    // that day (`held_from`): not a building of 2024
    let mut now = facts(&full.db).await;
    now.premises.retain(|h| h.held_from.is_none());
    assert_same(&now.standing_on(end_2024, &kon_tum, then), &expected);
    // And the headline figures, read directly.
    let qn_2024 = "unit_period p WHERE p.province_code = '51' AND p.valid_from = '2020-02-01'";
    assert_eq!(
        count(
            &full.db,
            &format!("SELECT SUM({}) FROM {qn_2024}", in_post("2024-12-31"))
        )
        .await,
        1144
    );
    assert_eq!(
        units_where(&full.db, qn_2024, &covered("2024-12-31")).await,
        60
    );
    let standing = "party_membership m JOIN officer o ON o.id = m.officer_id \
         WHERE m.body = 'standing' AND o.position = 'chief' AND m.started_on <= '2024-12-31' \
         AND (m.ended_on IS NULL OR m.ended_on > '2024-12-31') \
         AND m.unit_code IN (SELECT code FROM unit_period WHERE province_code = '51' AND valid_from = '2020-02-01')";
    assert_eq!(rows(&full.db, standing).await, 57);
    article.cleanup().await;
    full.cleanup().await;
}

#[tokio::test]
async fn the_same_day_gives_the_same_rows_and_a_later_day_extends_them() {
    let (a, b, later) = (sqlite().await, sqlite().await, sqlite().await);
    seed_demo_until(&a.db, day(EARLIER)).await.unwrap();
    seed_demo_until(&b.db, day(EARLIER)).await.unwrap();
    seed_demo_until(&later.db, day(TODAY)).await.unwrap();
    let earlier = facts(&a.db).await;
    assert_same(&facts(&b.db).await, &earlier);
    let extended = facts(&later.db).await;
    assert!(extended.officers.len() > earlier.officers.len());
    assert!(extended.activities.len() > earlier.activities.len());
    let then = earlier.premises.last().unwrap().id;
    assert_same(
        &extended.standing_on(day(EARLIER), &HashSet::new(), then),
        &earlier,
    );
    for t in [a, b, later] {
        t.cleanup().await;
    }
}

#[tokio::test]
async fn nothing_is_dated_after_the_cut_off_day() {
    let t = sqlite().await;
    seed_demo_until(&t.db, day(EARLIER)).await.unwrap();
    for (table, column) in EVENT_DATES {
        let join = if table.contains(" WHERE ") {
            "AND"
        } else {
            "WHERE"
        };
        let late = rows(&t.db, &format!("{table} {join} {column} > '{EARLIER}'")).await;
        assert_eq!(late, 0, "{table}.{column} after {EARLIER}");
    }
    // The month of the cut-off day has begun: March 2026 has events.
    let march = "union_activity WHERE started_on >= '2026-03-01'";
    assert!(rows(&t.db, march).await > 0);
    // A session whose answers are due after the cut-off has its questions still open.
    let open = rows(
        &t.db,
        "dialogue_question WHERE status = 'open' AND answer IS NULL",
    )
    .await;
    let late_answers = rows(&t.db, "dialogue_question WHERE answered_on IS NULL").await;
    assert_eq!(open, late_answers);
    t.cleanup().await;
}

/// Kon Tum's facts, the 2025 postings and the months since July 2025, read back.
async fn assert_history(db: &DatabaseConnection) {
    // Kon Tum: every fact not of the 2024 demo and dated before 2025 is at a code of
    // province 62, from 1 May 2024; 5-8 officers and one chief per unit on 31 Dec 2024.
    let kt_codes = "(SELECT code FROM unit_period WHERE province_code = '62')";
    let qn_codes =
        "(SELECT code FROM unit_period WHERE province_code = '51' AND valid_from = '2020-02-01')";
    for (table, code, date) in [
        ("officer", "unit_code", "posted_from"),
        ("party_membership", "unit_code", "started_on"),
        ("union_activity", "unit_code", "started_on"),
        ("award", "unit_code", "awarded_on"),
    ] {
        let stray = format!(
            "{table} WHERE {date} < '2025-01-01' AND {code} NOT IN {qn_codes} AND {code} NOT IN {kt_codes}"
        );
        assert_eq!(rows(db, &stray).await, 0, "{table}");
        let early = format!("{table} WHERE {code} IN {kt_codes} AND {date} < '2024-05-01'");
        assert_eq!(rows(db, &early).await, 0, "{table}");
        assert!(rows(db, &format!("{table} WHERE {code} IN {kt_codes}")).await > 0);
    }
    let kt = "unit_period p WHERE p.province_code = '62'";
    let staffed = format!("{} BETWEEN 5 AND 8", in_post("2024-12-31"));
    assert_eq!(units_where(db, kt, &staffed).await, 102);
    let one_chief = "(SELECT COUNT(*) FROM officer o WHERE o.unit_code = p.code AND o.position = 'chief' \
         AND o.posted_from <= '2024-12-31' AND (o.posted_to IS NULL OR o.posted_to > '2024-12-31')) = 1";
    assert_eq!(units_where(db, kt, one_chief).await, 102);
    let kt_covered = units_where(db, kt, &covered("2024-12-31")).await;
    assert!((30..=40).contains(&kt_covered), "{kt_covered}");

    // 1 Mar 2025: at least 90% of the 170 units have 12 officers or more, none two chiefs.
    let qn_170 = "unit_period p WHERE p.province_code = '51' AND p.valid_from = '2025-01-01'";
    let at_floor = units_where(db, qn_170, &format!("{} >= 12", in_post("2025-03-01"))).await;
    assert!(
        at_floor * 100 >= 170 * 90,
        "{at_floor} of 170 at 12 or more"
    );
    assert!(at_floor < 170, "a few stay below the floor");
    let two_chiefs = "(SELECT COUNT(*) FROM officer o WHERE o.unit_code = p.code AND o.position = 'chief' \
         AND o.posted_from <= '2025-03-01' AND (o.posted_to IS NULL OR o.posted_to > '2025-03-01')) > 1";
    assert_eq!(units_where(db, qn_170, two_chiefs).await, 0);

    // The 96: coverage above 85% by the target day, higher today; seats of the new term.
    let by_target = units_where(db, PERIODS_96, &covered("2025-12-31")).await;
    let now = units_where(db, PERIODS_96, &covered(TODAY)).await;
    assert!(
        by_target * 100 >= 96 * 85,
        "{by_target} of 96 by 31/12/2025"
    );
    assert!(by_target < 96 && now > by_target, "{by_target} then {now}");
    let july = units_where(db, PERIODS_96, &covered("2025-07-01")).await;
    assert!(july < by_target);
    let seat = |body: &str| {
        format!(
            "EXISTS (SELECT 1 FROM party_membership m JOIN officer o ON o.id = m.officer_id \
             WHERE m.unit_code = p.code AND o.unit_code = p.code AND o.position = 'chief' \
             AND m.term = '2025-2030' AND m.body = '{body}' AND m.started_on <= '2025-10-01')"
        )
    };
    let executive = units_where(db, PERIODS_96, &seat("executive")).await;
    let standing = units_where(db, PERIODS_96, &seat("standing")).await;
    assert!(
        executive >= 85 && standing >= 50 && standing < executive,
        "{executive} {standing}"
    );
    // Officers move every month; activities, dialogue and awards go on.
    let moved = "officer WHERE posted_to >= '2025-07-01'";
    let arrived = "officer WHERE posted_from > '2025-07-01'";
    assert!(rows(db, moved).await >= 30 && rows(db, arrived).await >= 50);
    for (from, to) in [
        ("2025-07-01", "2025-07-31"),
        ("2025-12-01", "2025-12-31"),
        ("2026-06-01", "2026-06-30"),
        ("2026-11-01", "2026-11-30"),
    ] {
        let month = format!("BETWEEN '{from}' AND '{to}'");
        let acts = format!("union_activity WHERE started_on {month}");
        assert!(rows(db, &acts).await >= 4, "{month}");
        let awards = format!("award WHERE awarded_on {month}");
        assert!(rows(db, &awards).await >= 1, "{month}");
    }
    let sessions = "dialogue_session WHERE held_on >= '2025-07-01'";
    // Sep and Dec 2025, Mar, Jun and Sep 2026 (December's is after the 2nd).
    assert_eq!(rows(db, sessions).await, 5);
}

#[tokio::test]
async fn the_history_after_2024_has_its_stated_shape() {
    let t = sqlite().await;
    seed_demo_until(&t.db, day(TODAY)).await.unwrap();
    assert_history(&t.db).await;
    t.cleanup().await;
}

#[tokio::test]
async fn the_history_on_postgres_matches_sqlite() {
    let Some(pg) = postgres().await else { return };
    let lite = sqlite().await;
    seed_demo_until(&pg.db, day(TODAY)).await.unwrap();
    seed_demo_until(&lite.db, day(TODAY)).await.unwrap();
    assert_history(&pg.db).await;
    assert_same(&facts(&pg.db).await, &facts(&lite.db).await);
    // The sequences moved past the ids the seed assigned.
    let next = "INSERT INTO award (form, issuer, recipient_kind, unit_code, awarded_on, reason) \
         VALUES ('certificate_of_merit', 'director', 'collective', '21025', '2026-12-01', 'r')";
    super::support::execute(&pg.db, next).await;
    pg.cleanup().await;
    lite.cleanup().await;
}
