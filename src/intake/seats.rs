//! Party committee seats from a sheet: each row names the officer by unit, full name and
//! birth year (the posting in force on the seat's first day, else the latest one that
//! began before it), the committee, the term and the dates. Compared by the natural key
//! (officer, committee, term, first day): the end date is what an update changes. A seat
//! overlapping another of the same officer, committee and term is refused, and with
//! `complete` the seats of the scope held on the day and missing from the file end that day.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entity::{officer, party_membership as seat};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use super::cell::{Problem, Value};
use super::check::{Units, change, dates, day_text};
use super::errors::Errors;
use super::keyed::{Input, Keyed, distinct};
use super::kind::Kind;
use crate::auth::Scope;
use crate::domain::PartyBody;
use crate::service::{Result, scope};

const KIND: Kind = Kind::Seats;

/// One seat of the file.
#[derive(Clone, Debug)]
pub struct Seat {
    line: u32,
    officer: i32,
    unit: String,
    name: String,
    body: &'static str,
    term: String,
    started: NaiveDate,
    ended: Option<NaiveDate>,
}

type Key = (i32, &'static str, String, NaiveDate);
/// Officer, committee, term.
type Key3 = (i32, &'static str, String);
/// First day, last day, row.
type Period = (NaiveDate, Option<NaiveDate>, u32);

fn body_code(code: &str) -> &'static str {
    PartyBody::from_code(code).map_or("", PartyBody::code)
}

fn stored_key(s: &seat::Model) -> Key {
    (
        s.officer_id,
        body_code(&s.body),
        s.term.clone(),
        s.started_on,
    )
}

/// The postings of the scope at `codes`, by (unit, full name, birth year).
pub(super) async fn people(
    db: &impl ConnectionTrait,
    scope: &Scope,
    codes: &[String],
) -> Result<People> {
    let mut people: People = HashMap::new();
    for chunk in codes.chunks(1_000) {
        let select =
            officer::Entity::find().filter(officer::Column::UnitCode.is_in(chunk.iter().cloned()));
        for o in scope::apply(select, scope).all(db).await? {
            people
                .entry((o.unit_code.clone(), o.full_name.clone(), o.birth_year))
                .or_default()
                .push(o);
        }
    }
    Ok(people)
}

/// Postings by (unit, full name, birth year).
pub(super) type People = HashMap<(String, String, i32), Vec<officer::Model>>;

/// The problem of a row naming no known officer.
pub(super) fn unknown_officer(name: &str, year: i32, unit: &str) -> Problem {
    Problem::new(
        "IMPORT_UNKNOWN_OFFICER",
        format!("không có cán bộ {name} ({year}) ở đơn vị {unit}; hãy nhập cán bộ trước"),
        format!("no officer {name} ({year}) at unit {unit}; import the officers first"),
    )
}

/// Party committee seats.
pub struct Seats;

impl Keyed for Seats {
    const KIND: Kind = KIND;
    const DUPLICATE_AT: &'static str = "started_on";
    const KEY: (&'static str, &'static str) = (
        "cùng cán bộ, cấp ủy, nhiệm kỳ, ngày bắt đầu",
        "officer, committee, term, first day",
    );
    type Item = Seat;
    type Model = seat::Model;
    type Key = Key;

    async fn check(
        db: &impl ConnectionTrait,
        input: Input<'_>,
        errors: &mut Errors,
    ) -> Result<(Vec<Seat>, Vec<seat::Model>)> {
        let (scope, rows, layout, complete) =
            (input.scope, input.rows, input.layout, input.complete);
        let place = |key: &str| layout.place(KIND, key);
        let codes = distinct(rows, |r| r.text(KIND, "unit_code"));
        let units = Units::load(db, scope, &codes).await?;
        let people = people(db, scope, &codes).await?;
        let mut seats = Vec::new();
        for r in rows {
            let (Some(unit), Some(name), Some(year), Some(body), Some(term), Some(started)) = (
                r.text(KIND, "unit_code"),
                r.text(KIND, "full_name"),
                r.int(KIND, "birth_year"),
                r.choice(KIND, "body"),
                r.text(KIND, "term"),
                r.date(KIND, "started_on"),
            ) else {
                continue;
            };
            let ended = r.date(KIND, "ended_on");
            if let Err(p) = units.check(&unit, Some(started)) {
                errors.at(r.line, place("unit_code"), p);
                continue;
            }
            if !valid_term(&term) {
                errors.at(
                    r.line,
                    place("term"),
                    Problem::new(
                        "IMPORT_BAD_VALUE",
                        "nhiệm kỳ phải có dạng 2020-2025",
                        "the term must look like 2020-2025",
                    ),
                );
                continue;
            }
            let days = [("started_on", Some(started)), ("ended_on", ended)];
            let fine = dates(
                errors,
                r.line,
                layout,
                KIND,
                &days,
                &[("started_on", "ended_on")],
            );
            let year = i32::try_from(year).unwrap_or(0);
            let Some(officer) = pick(people.get(&(unit.clone(), name.clone(), year)), started)
            else {
                errors.at(
                    r.line,
                    place("full_name"),
                    unknown_officer(&name, year, &unit),
                );
                continue;
            };
            if fine {
                seats.push(Seat {
                    line: r.line,
                    officer: officer.id,
                    unit,
                    name,
                    body: body_code(body),
                    term,
                    started,
                    ended,
                });
            }
        }
        let officer_ids: Vec<i32> = seats
            .iter()
            .map(|s| s.officer)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut existing = Vec::new();
        if complete.is_some() {
            existing = scope::apply(seat::Entity::find(), scope).all(db).await?;
        } else {
            for chunk in officer_ids.chunks(1_000) {
                let select = seat::Entity::find()
                    .filter(seat::Column::OfficerId.is_in(chunk.iter().copied()));
                existing.extend(scope::apply(select, scope).all(db).await?);
            }
        }
        let by_key: HashSet<Key> = existing.iter().map(stored_key).collect();
        let mut periods: HashMap<Key3, Vec<Period>> = HashMap::new();
        let mut ok = Vec::with_capacity(seats.len());
        for s in seats {
            let group = periods
                .entry((s.officer, s.body, s.term.clone()))
                .or_default();
            if let Some((_, _, other)) = group
                .iter()
                .find(|(a, b, _)| overlaps(*a, *b, s.started, s.ended))
            {
                errors.at(
                    s.line,
                    place("started_on"),
                    Problem::new(
                        "IMPORT_DUPLICATE_ROW",
                        format!(
                            "trùng thời gian với ghế ở dòng {other} (cùng cán bộ, cấp ủy, nhiệm kỳ)"
                        ),
                        format!(
                            "overlaps the seat of row {other} (same officer, committee and term)"
                        ),
                    ),
                );
                continue;
            }
            group.push((s.started, s.ended, s.line));
            let clash = !by_key.contains(&Seats::key(&s))
                && existing.iter().any(|e| {
                    e.officer_id == s.officer
                        && body_code(&e.body) == s.body
                        && e.term == s.term
                        && overlaps(e.started_on, e.ended_on, s.started, s.ended)
                });
            if clash {
                errors.at(
                    s.line,
                    place("started_on"),
                    Problem::new(
                        "IMPORT_DUPLICATE_ROW",
                        "cán bộ đã giữ ghế này (cùng cấp ủy, nhiệm kỳ) trong khoảng thời gian trùng",
                        "the officer already holds this seat (same committee and term) for an overlapping period",
                    ),
                );
                continue;
            }
            ok.push(s);
        }
        Ok((ok, existing))
    }

    fn line(s: &Seat) -> u32 {
        s.line
    }

    fn key(s: &Seat) -> Key {
        (s.officer, s.body, s.term.clone(), s.started)
    }

    fn stored_key(s: &seat::Model) -> Key {
        stored_key(s)
    }

    fn id(s: &seat::Model) -> i32 {
        s.id
    }

    fn label(s: &Seat) -> String {
        format!(
            "dòng {}: {} {} — {} {}",
            s.line, s.unit, s.name, s.body, s.term
        )
    }

    fn differences(current: &seat::Model, s: &Seat) -> Vec<String> {
        if current.ended_on == s.ended {
            Vec::new()
        } else {
            vec![change(
                "kết thúc",
                day_text(current.ended_on),
                day_text(s.ended),
            )]
        }
    }

    fn unit(s: &seat::Model) -> Option<String> {
        Some(s.unit_code.clone())
    }

    fn item_unit(s: &Seat) -> Option<String> {
        Some(s.unit.clone())
    }

    fn ends(e: &seat::Model, day: NaiveDate) -> bool {
        e.started_on <= day && e.ended_on.is_none_or(|t| t > day)
    }

    fn ended_label(e: &seat::Model, _day: NaiveDate) -> String {
        format!("{} #{} {} {}", e.unit_code, e.officer_id, e.body, e.term)
    }

    async fn end(db: &impl ConnectionTrait, stored: &[seat::Model], day: NaiveDate) -> Result<()> {
        seat::Entity::update_many()
            .col_expr(seat::Column::EndedOn, Expr::value(day))
            .filter(seat::Column::Id.is_in(stored.iter().map(|s| s.id)))
            .exec(db)
            .await?;
        Ok(())
    }

    async fn update(db: &impl ConnectionTrait, current: seat::Model, s: Seat) -> Result<()> {
        let mut row: seat::ActiveModel = current.into();
        row.ended_on = Set(s.ended);
        row.update(db).await?;
        Ok(())
    }

    async fn insert(db: &impl ConnectionTrait, items: &[Seat]) -> Result<()> {
        let rows = items.iter().map(|s| seat::ActiveModel {
            officer_id: Set(s.officer),
            unit_code: Set(s.unit.clone()),
            body: Set(s.body.to_owned()),
            term: Set(s.term.trim().to_owned()),
            started_on: Set(s.started),
            ended_on: Set(s.ended),
            ..Default::default()
        });
        seat::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
        Ok(())
    }

    async fn export(
        db: &impl ConnectionTrait,
        scope: &Scope,
        day: NaiveDate,
    ) -> Result<Vec<Vec<Value>>> {
        export(db, scope, day).await
    }
}

fn overlaps(a0: NaiveDate, a1: Option<NaiveDate>, b0: NaiveDate, b1: Option<NaiveDate>) -> bool {
    a1.is_none_or(|e| e >= b0) && b1.is_none_or(|e| e >= a0)
}

/// The posting a seat belongs to: in post on `day`, else the latest begun before it,
/// else the first.
pub(super) fn pick(
    postings: Option<&Vec<officer::Model>>,
    day: NaiveDate,
) -> Option<&officer::Model> {
    let postings = postings?;
    postings
        .iter()
        .find(|o| o.posted_from <= day && o.posted_to.is_none_or(|t| t > day))
        .or_else(|| {
            postings
                .iter()
                .filter(|o| o.posted_from <= day)
                .max_by_key(|o| o.posted_from)
        })
        .or_else(|| postings.iter().min_by_key(|o| o.posted_from))
}

fn valid_term(term: &str) -> bool {
    let years: Vec<i32> = term
        .trim()
        .split('-')
        .filter_map(|y| y.trim().parse().ok())
        .collect();
    matches!(years.as_slice(), [a, b] if (1990..2100).contains(a) && b > a)
}

/// The rows of an export: seats of the scope held on `day`, with their officer.
async fn export(
    db: &impl ConnectionTrait,
    scope: &Scope,
    day: NaiveDate,
) -> Result<Vec<Vec<Value>>> {
    let seats = scope::apply(seat::Entity::find(), scope)
        .filter(crate::service::memberships::held_on(day))
        .all(db)
        .await?;
    let ids: Vec<i32> = seats
        .iter()
        .map(|s| s.officer_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut officers = HashMap::new();
    for chunk in ids.chunks(1_000) {
        for o in officer::Entity::find()
            .filter(officer::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            officers.insert(o.id, o);
        }
    }
    let mut out: Vec<(String, i32, Vec<Value>)> = seats
        .into_iter()
        .filter_map(|s| {
            let o = officers.get(&s.officer_id)?;
            let row = vec![
                Value::Text(o.unit_code.clone()),
                Value::Text(o.full_name.clone()),
                Value::Int(i64::from(o.birth_year)),
                PartyBody::from_code(&s.body).map_or(Value::None, |b| Value::Choice(b.code())),
                Value::Text(s.term.clone()),
                Value::Date(s.started_on),
                s.ended_on.map_or(Value::None, Value::Date),
            ];
            Some((o.unit_code.clone(), s.id, row))
        })
        .collect();
    out.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    Ok(out.into_iter().map(|(_, _, r)| r).collect())
}
