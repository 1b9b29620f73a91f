//! Area scoping in SQL, declared once per table. Every table the API or the dataset
//! loader reads implements [`Scoped`]: its [`Rule`] says which column holds the unit
//! code, whether rows may belong to no unit (province-wide rows every scope sees) and
//! which dates place the row in time. [`apply`] turns the rule into one `WHERE` clause
//! for the caller's area; the services (lists, lookups, DataLoader batches, counts) and
//! `dataset::load` (indicators, analytics, reports) all go through it, so a table
//! without a rule cannot be read scoped (it does not compile), and the test below
//! fails when an entity with a unit code column has no rule.
//!
//! The period-exact rule: a fact at unit code C on day d is in area A iff A holds C on
//! d (`area_member`, inclusive days); a fact over `[from, to)` is in A iff one of A's
//! member rows for C overlaps it. It is a correlated `EXISTS` on the indexed
//! `area_member (area_code, unit_code)`, so the cost is one index probe per row.

use entity::{
    area, area_member, award, dialogue_question, dialogue_session, directive, district,
    headquarters, import_record, indicator_value, officer, party_membership, province,
    union_activity, unit, unit_edition, unit_lineage, unit_period,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityName, EntityTrait, IdenStatic, QueryFilter,
    Select,
};

use super::{Result, ServiceError};
use crate::auth::Scope;

/// Which dates place a row in time (column names of the row's table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When<C> {
    /// Any day: the area holds the code on some day.
    Ever,
    /// One day (e.g. an award's `awarded_on`).
    On(C),
    /// An interval from `from` (None, or a NULL value: unbounded) to `to` (NULL: open);
    /// `to` is the first day no longer held unless `inclusive`.
    During {
        /// First day.
        from: Option<C>,
        /// End column.
        to: Option<C>,
        /// Whether `to` is the last day held (unit periods) rather than the first not.
        inclusive: bool,
    },
}

/// A table's scope rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule<C> {
    /// Rows of one unit, in the area when the area holds the unit on the row's dates.
    Unit {
        /// The unit code column.
        unit: C,
        /// Whether rows may belong to no unit (province-wide: every scope sees them).
        optional: bool,
        /// The row's dates.
        when: When<C>,
    },
    /// Districts: seen when one of the area's unit periods lies in them.
    District(C),
    /// Stored indicator values: unit rows when the area holds the unit code on some day
    /// (the engine computes them on the `unit` table's 2024 units, whose validity is
    /// open, as the live path does: to become `on` = `as_of` once it computes on unit
    /// periods), district rows by the district area's own code.
    Groups {
        /// `unit`, `district`, `province`.
        kind: C,
        /// The group's code.
        code: C,
        /// The day of the value (kept for when the values are on unit periods).
        on: C,
    },
    /// Rows of one area (areas and their members): an area token sees its own.
    Own(C),
    /// Province-level or reference rows that every scope sees (directives, the
    /// administrative history, provinces).
    Everyone,
}

/// A table whose rows the API reads: its scope rule, declared once.
pub trait Scoped: EntityTrait {
    /// The rule.
    fn rule() -> Rule<Self::Column>;
}

macro_rules! scoped {
    ($($m:ident => $rule:expr;)*) => {
        $(impl Scoped for $m::Entity {
            fn rule() -> Rule<Self::Column> {
                #[allow(unused_imports)]
                use $m::Column::*;
                $rule
            }
        })*

        /// Every table with a rule, and its rule in words (for the enumeration test and
        /// the README).
        pub fn rules() -> Vec<(&'static str, String)> {
            vec![$(($m::Entity.table_name(), format!("{:?}", describe(<$m::Entity as Scoped>::rule())))),*]
        }
    };
}

const fn during<C>(from: C, to: C) -> When<C> {
    When::During {
        from: Some(from),
        to: Some(to),
        inclusive: false,
    }
}

scoped! {
    officer => Rule::Unit { unit: UnitCode, optional: false, when: during(PostedFrom, PostedTo) };
    party_membership => Rule::Unit { unit: UnitCode, optional: false, when: during(StartedOn, EndedOn) };
    headquarters => Rule::Unit {
        unit: UnitCode,
        optional: false,
        when: When::During { from: None, to: Some(ClosedOn), inclusive: false },
    };
    award => Rule::Unit { unit: UnitCode, optional: false, when: When::On(AwardedOn) };
    union_activity => Rule::Unit { unit: UnitCode, optional: true, when: during(StartedOn, EndedOn) };
    dialogue_question => Rule::Unit { unit: AskerUnitCode, optional: true, when: When::On(AskedOn) };
    unit => Rule::Unit {
        unit: Code,
        optional: false,
        when: When::During { from: Some(ValidFrom), to: Some(ValidTo), inclusive: true },
    };
    unit_period => Rule::Unit {
        unit: Code,
        optional: false,
        when: When::During { from: Some(ValidFrom), to: Some(ValidTo), inclusive: true },
    };
    district => Rule::District(Code);
    indicator_value => Rule::Groups { kind: GroupKind, code: GroupCode, on: AsOf };
    area => Rule::Own(Code);
    area_member => Rule::Own(AreaCode);
    // An import is its caller's: an area admin sees its area's imports, the province all.
    import_record => Rule::Own(AreaCode);
    directive => Rule::Everyone;
    dialogue_session => Rule::Everyone;
    province => Rule::Everyone;
    unit_edition => Rule::Everyone;
    unit_lineage => Rule::Everyone;
}

/// Tables that are not data the scopes divide: read by province admins only (tokens,
/// audit, report schedules and their archive) or bookkeeping. The enumeration test
/// requires every entity to be here or in [`rules`].
pub const NOT_SCOPED: &[&str] = &[
    "api_token",
    "audit_log",
    "data_version",
    "report_archive",
    "report_archive_file",
    "report_delivery",
    "report_recipient",
    "report_run",
    "report_schedule",
    "scope_version",
];

/// A rule with its columns named (what `rules` prints).
fn describe<C: IdenStatic>(rule: Rule<C>) -> Rule<&'static str> {
    let w = |w: When<C>| match w {
        When::Ever => When::Ever,
        When::On(c) => When::On(c.as_str()),
        When::During {
            from,
            to,
            inclusive,
        } => When::During {
            from: from.map(|c| c.as_str()),
            to: to.map(|c| c.as_str()),
            inclusive,
        },
    };
    match rule {
        Rule::Unit {
            unit,
            optional,
            when,
        } => Rule::Unit {
            unit: unit.as_str(),
            optional,
            when: w(when),
        },
        Rule::District(c) => Rule::District(c.as_str()),
        Rule::Groups { kind, code, on } => Rule::Groups {
            kind: kind.as_str(),
            code: code.as_str(),
            on: on.as_str(),
        },
        Rule::Own(c) => Rule::Own(c.as_str()),
        Rule::Everyone => Rule::Everyone,
    }
}

/// Keeps the rows of `select` that `scope` may see, by the table's rule.
pub fn apply<E: Scoped>(select: Select<E>, scope: &Scope) -> Select<E> {
    match condition::<E>(scope) {
        Some(c) => select.filter(c),
        None => select,
    }
}

/// The unit periods `scope` may see (the units listing over `unit_period`): a period is
/// seen when the area holds its code on one of its days.
pub fn units(select: Select<unit_period::Entity>, scope: &Scope) -> Select<unit_period::Entity> {
    apply(select, scope)
}

/// The `WHERE` condition of `E`'s rule for `scope` (None: no restriction).
pub fn condition<E: Scoped>(scope: &Scope) -> Option<Condition> {
    let area = scope.area.as_deref()?;
    let table = E::default().table_name();
    Some(match describe(E::rule()) {
        Rule::Unit {
            unit,
            optional,
            when,
        } => {
            let held = held(area, (table, unit), when.map_cols(table));
            if optional {
                Condition::any()
                    .add(Expr::col((table, unit)).is_null())
                    .add(held)
            } else {
                Condition::all().add(held)
            }
        }
        Rule::District(code) => {
            let periods = Query::select()
                .column(("up", "district_code"))
                .from_as("unit_period", "up")
                .and_where(Expr::col(("up", "district_code")).is_not_null())
                .and_where(held(
                    area,
                    ("up", "code"),
                    When::During {
                        from: Some(("up", "valid_from")),
                        to: Some(("up", "valid_to")),
                        inclusive: true,
                    },
                ))
                .to_owned();
            Condition::all().add(Expr::col((table, code)).in_subquery(periods))
        }
        Rule::Groups { kind, code, on: _ } => Condition::any()
            .add(
                Condition::all()
                    .add(Expr::col((table, kind)).eq("district"))
                    .add(Expr::col((table, code)).eq(area)),
            )
            .add(
                Condition::all()
                    .add(Expr::col((table, kind)).eq("area"))
                    .add(Expr::col((table, code)).eq(area)),
            )
            .add(
                Condition::all()
                    .add(Expr::col((table, kind)).eq("unit"))
                    .add(held(area, (table, code), When::Ever)),
            ),
        Rule::Own(c) => Condition::all().add(Expr::col((table, c)).eq(area)),
        Rule::Everyone => return None,
    })
}

impl When<&'static str> {
    fn map_cols(self, table: &'static str) -> When<(&'static str, &'static str)> {
        match self {
            When::Ever => When::Ever,
            When::On(c) => When::On((table, c)),
            When::During {
                from,
                to,
                inclusive,
            } => When::During {
                from: from.map(|c| (table, c)),
                to: to.map(|c| (table, c)),
                inclusive,
            },
        }
    }
}

type Col = (&'static str, &'static str);

/// `EXISTS (SELECT 1 FROM area_member am WHERE am.area_code = area AND am.unit_code =
/// unit AND <am's days meet the row's>)`.
fn held(area: &str, unit: Col, when: When<Col>) -> Expr {
    let (from, to) = (("am", "valid_from"), ("am", "valid_to"));
    let mut q = Query::select();
    q.expr(Expr::cust("1"))
        .from_as("area_member", "am")
        .and_where(Expr::col(("am", "area_code")).eq(area))
        .and_where(Expr::col(("am", "unit_code")).equals(unit));
    match when {
        When::Ever => {}
        When::On(day) => {
            q.and_where(
                Expr::col(from)
                    .is_null()
                    .or(Expr::col(from).lte(Expr::col(day))),
            );
            q.and_where(
                Expr::col(to)
                    .is_null()
                    .or(Expr::col(to).gte(Expr::col(day))),
            );
        }
        When::During {
            from: start,
            to: end,
            inclusive,
        } => {
            if let Some(start) = start {
                q.and_where(
                    Expr::col(to)
                        .is_null()
                        .or(Expr::col(start).is_null())
                        .or(Expr::col(to).gte(Expr::col(start))),
                );
            }
            if let Some(end) = end {
                let before = if inclusive {
                    Expr::col(from).lte(Expr::col(end))
                } else {
                    Expr::col(from).lt(Expr::col(end))
                };
                q.and_where(
                    Expr::col(from)
                        .is_null()
                        .or(Expr::col(end).is_null())
                        .or(before),
                );
            }
        }
    }
    Expr::exists(q.to_owned())
}

/// Refuses, inside the write's transaction, a row just written that the writer's scope
/// would not see (a fact dated on days its area does not hold the unit): `OUTSIDE_AREA`,
/// and the transaction writes nothing.
pub async fn check_written<E: Scoped>(
    db: &impl ConnectionTrait,
    scope: &Scope,
    row: Select<E>,
) -> Result<()> {
    if scope.is_all() || apply(row, scope).one(db).await?.is_some() {
        return Ok(());
    }
    Err(ServiceError::Rejected {
        code: "OUTSIDE_AREA",
        field: "unitCode",
        message:
            "the record would be outside your area: your area does not hold its unit on its dates"
                .into(),
    })
}

/// `SELECT code FROM unit WHERE district_code = ?`: the units of a 2024 district, for the
/// lists' `districtCode` filters (a filter, not a scope).
pub fn unit_codes_of(district: &str) -> SelectStatement {
    Query::select()
        .column(unit::Column::Code)
        .from(unit::Entity)
        .and_where(unit::Column::DistrictCode.eq(district))
        .to_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::collections::BTreeSet;

    use sea_orm::{DbBackend, QueryTrait};

    use super::*;

    /// Every entity in `entity/src`: its table and whether it has a unit code column.
    fn entities() -> Vec<(String, bool)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/entity/src");
        let mut out = Vec::new();
        for file in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
            let Some(at) = text.find("table_name = \"") else {
                continue;
            };
            let rest = &text[at + 14..];
            let table = rest[..rest.find('"').unwrap()].to_owned();
            let unit_column = text.lines().any(|l| {
                let l = l.trim();
                l.starts_with("pub ")
                    && (l.contains("unit_code:")
                        || ((table.starts_with("unit") || table == "district")
                            && (l.starts_with("pub code:")
                                || l.ends_with("_code: Option<String>,"))))
            });
            out.push((table, unit_column));
        }
        out
    }

    #[test]
    fn every_table_has_a_scope_rule_or_is_declared_unscoped() {
        let ruled: BTreeSet<&str> = rules().iter().map(|(t, _)| *t).collect();
        let unscoped: BTreeSet<&str> = NOT_SCOPED.iter().copied().collect();
        let all = entities();
        assert!(all.len() >= 25, "the entities are found: {all:?}");
        for (table, unit_column) in &all {
            assert!(
                ruled.contains(table.as_str()) != unscoped.contains(table.as_str()),
                "table `{table}` needs exactly one of: a scope rule (service::scope), \
                 a place in NOT_SCOPED"
            );
            assert!(
                !unit_column || ruled.contains(table.as_str()),
                "table `{table}` has a unit code column but no scope rule"
            );
        }
        let names: BTreeSet<&str> = all.iter().map(|(t, _)| t.as_str()).collect();
        for t in ruled.iter().chain(&unscoped) {
            assert!(names.contains(t), "`{t}` is not an entity");
        }
    }

    #[test]
    fn the_rule_is_one_exists_on_the_members_and_nothing_for_the_province() {
        let sql = apply(officer::Entity::find(), &Scope::area("522"))
            .build(DbBackend::Postgres)
            .to_string();
        assert!(
            sql.contains("EXISTS(SELECT 1 FROM \"area_member\" AS \"am\""),
            "{sql}"
        );
        assert!(
            sql.contains("\"am\".\"unit_code\" = \"officer\".\"unit_code\""),
            "{sql}"
        );
        assert!(sql.contains("\"officer\".\"posted_to\""), "{sql}");
        let all = apply(officer::Entity::find(), &Scope::all())
            .build(DbBackend::Postgres)
            .to_string();
        assert!(!all.contains("WHERE"), "{all}");
        let optional = apply(union_activity::Entity::find(), &Scope::area("522"))
            .build(DbBackend::Sqlite)
            .to_string();
        assert!(
            optional.contains("\"union_activity\".\"unit_code\" IS NULL OR EXISTS("),
            "{optional}"
        );
    }
}
