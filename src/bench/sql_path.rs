//! The baseline of the indicator benchmark: the same as-of figures computed in the
//! database with SQL GROUP BY (one statement per indicator and breakdown), on
//! PostgreSQL and SQLite alike (`$1` is rewritten to `?1` for SQLite). Units are the
//! unit periods in force on the day (`valid_to` inclusive), so a day after 1/7/2025
//! counts the units of that day; the staffing floor is the one in force that day.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::service::Result;

const ACTIVE_UNIT: &str = "u.valid_from <= $1 AND (u.valid_to IS NULL OR u.valid_to >= $1)";
const IN_POST: &str = "o.posted_from <= $1 AND (o.posted_to IS NULL OR o.posted_to > $1)";

/// The group expressions of the four breakdowns.
pub const GROUPS: [(&str, &str); 4] = [
    ("province", "u.province_code"),
    ("district", "u.district_code"),
    ("kind", "u.kind"),
    ("unit", "u.code"),
];

/// The statements computing every count the indicators need, for one breakdown.
fn statements(g: &str, floor: u32) -> Vec<(&'static str, String)> {
    let seat = |body: &str| {
        format!(
            "SELECT {g} AS g, COUNT(*) AS n FROM officer o JOIN unit_period u ON u.code = o.unit_code \
             WHERE {ACTIVE_UNIT} AND {IN_POST} AND o.position = 'chief' AND EXISTS (SELECT 1 FROM party_membership m \
             WHERE m.officer_id = o.id AND m.body = '{body}' AND m.started_on <= $1 AND (m.ended_on IS NULL OR m.ended_on > $1)) GROUP BY {g}"
        )
    };
    let activities = |extra: &str| {
        format!(
            "SELECT {g} AS g, COUNT(*) AS n FROM union_activity a JOIN unit_period u ON u.code = a.unit_code \
             WHERE {ACTIVE_UNIT} AND a.started_on <= $1 AND {extra} GROUP BY {g}"
        )
    };
    vec![
        (
            "units",
            format!(
                "SELECT {g} AS g, COUNT(*) AS n FROM unit_period u WHERE {ACTIVE_UNIT} GROUP BY {g}"
            ),
        ),
        (
            "officers",
            format!(
                "SELECT {g} AS g, COUNT(*) AS n FROM officer o JOIN unit_period u ON u.code = o.unit_code WHERE {ACTIVE_UNIT} AND {IN_POST} GROUP BY {g}"
            ),
        ),
        (
            "chiefs",
            format!(
                "SELECT {g} AS g, COUNT(*) AS n FROM officer o JOIN unit_period u ON u.code = o.unit_code WHERE {ACTIVE_UNIT} AND {IN_POST} AND o.position = 'chief' GROUP BY {g}"
            ),
        ),
        ("executive", seat("executive")),
        ("standing", seat("standing")),
        (
            "below_floor",
            format!(
                "SELECT g, COUNT(*) AS n FROM (SELECT {g} AS g, (SELECT COUNT(*) FROM officer o WHERE o.unit_code = u.code AND {IN_POST}) AS c \
             FROM unit_period u WHERE {ACTIVE_UNIT}) t WHERE c < {floor} GROUP BY g"
            ),
        ),
        (
            "hq_new_in_use",
            format!(
                "SELECT {g} AS g, COUNT(*) AS n FROM unit_period u WHERE {ACTIVE_UNIT} AND EXISTS (SELECT 1 FROM headquarters h \
             WHERE h.unit_code = u.code AND h.model = 'new' AND h.in_use_on <= $1 AND (h.closed_on IS NULL OR h.closed_on > $1) \
             AND (h.held_from IS NULL OR h.held_from <= $1) AND (h.held_to IS NULL OR h.held_to > $1)) GROUP BY {g}"
            ),
        ),
        ("volunteer", activities("a.kind = 'volunteer_activity'")),
        (
            "works",
            activities(
                "a.kind = 'work_or_model' AND a.maintained AND (a.ended_on IS NULL OR a.ended_on > $1)",
            ),
        ),
        (
            "questions",
            format!(
                "SELECT {g} AS g, COUNT(*) AS n FROM dialogue_question q JOIN unit_period u ON u.code = q.asker_unit_code WHERE {ACTIVE_UNIT} AND q.asked_on <= $1 GROUP BY {g}"
            ),
        ),
        (
            "awards",
            format!(
                "SELECT {g} AS g, COUNT(*) AS n FROM award w JOIN unit_period u ON u.code = w.unit_code WHERE {ACTIVE_UNIT} AND w.awarded_on <= $1 GROUP BY {g}"
            ),
        ),
        (
            "directives",
            "SELECT 'all' AS g, COUNT(*) AS n FROM directive WHERE issued_on <= $1".to_owned(),
        ),
    ]
}

/// One count of the SQL path.
pub struct Count {
    /// Breakdown.
    pub group_kind: &'static str,
    /// What is counted.
    pub what: &'static str,
    /// Group code.
    pub group: String,
    /// The count.
    pub n: i64,
}

/// Runs every statement for the breakdowns `groups` (of [`GROUPS`]) as of `day`, with
/// the staffing floor `floor` in force that day; returns all counts.
pub async fn run(
    db: &impl ConnectionTrait,
    day: NaiveDate,
    floor: u32,
    groups: &[(&'static str, &'static str)],
) -> Result<Vec<Count>> {
    let backend = db.get_database_backend();
    let mut out = Vec::new();
    for &(kind, g) in groups {
        for (what, sql) in statements(g, floor) {
            let sql = match backend {
                DbBackend::Sqlite => sql.replace("$1", "?1"),
                _ => sql,
            };
            let stmt = Statement::from_sql_and_values(backend, sql, [day.into()]);
            for row in db.query_all_raw(stmt).await? {
                out.push(Count {
                    group_kind: kind,
                    what,
                    group: row.try_get::<String>("", "g")?,
                    n: row.try_get::<i64>("", "n")?,
                });
            }
        }
    }
    Ok(out)
}
