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
use super::check::{Counts, Samples, Units, change, day_text};
use super::errors::Errors;
use super::kind::Kind;
use super::officers::{date_order, out_of_range};
use super::parse::{Layout, Row};
use crate::auth::Scope;
use crate::domain::PartyBody;
use crate::service::{Result, plausible, scope};

const KIND: Kind = Kind::Seats;

#[derive(Clone, Debug)]
struct Seat {
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

/// What an import of seats does.
#[derive(Debug, Default)]
pub struct Changes {
    create: Vec<Seat>,
    update: Vec<(seat::Model, Seat)>,
    end: Vec<seat::Model>,
    day: Option<NaiveDate>,
}

/// Checks the rows and compares them with the database; errors go to `errors`.
pub async fn plan(
    db: &impl ConnectionTrait,
    scope: &Scope,
    rows: &[Row],
    layout: &Layout,
    errors: &mut Errors,
    complete: Option<NaiveDate>,
) -> Result<(Changes, Counts, Samples)> {
    let place = |key: &str| layout.place(KIND, key);
    let codes: Vec<String> = rows
        .iter()
        .filter_map(|r| r.text(KIND, "unit_code"))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let units = Units::load(db, scope, &codes).await?;
    let mut people: HashMap<(String, String, i32), Vec<officer::Model>> = HashMap::new();
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
        let mut fine = true;
        for (key, day) in [("started_on", Some(started)), ("ended_on", ended)] {
            if let Some(day) = day
                && plausible::date("date", day).is_err()
            {
                errors.at(r.line, place(key), out_of_range(day));
                fine = false;
            }
        }
        if let Some(end) = ended
            && end < started
        {
            errors.at(r.line, place("ended_on"), date_order(started, end));
            fine = false;
        }
        let year = i32::try_from(year).unwrap_or(0);
        let Some(officer) = pick(people.get(&(unit.clone(), name.clone(), year)), started) else {
            errors.at(
                r.line,
                place("full_name"),
                Problem::new(
                    "IMPORT_UNKNOWN_OFFICER",
                    format!(
                        "không có cán bộ {name} ({year}) ở đơn vị {unit}; hãy nhập cán bộ trước"
                    ),
                    format!("no officer {name} ({year}) at unit {unit}; import the officers first"),
                ),
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
            let select =
                seat::Entity::find().filter(seat::Column::OfficerId.is_in(chunk.iter().copied()));
            existing.extend(scope::apply(select, scope).all(db).await?);
        }
    }
    let key_of = |s: &seat::Model| -> Key {
        (
            s.officer_id,
            body_code(&s.body),
            s.term.clone(),
            s.started_on,
        )
    };
    let by_key: HashMap<Key, &seat::Model> = existing.iter().map(|s| (key_of(s), s)).collect();
    let mut counts = Counts::default();
    let mut samples = Samples::default();
    let mut changes = Changes {
        day: complete,
        ..Default::default()
    };
    let mut matched = HashSet::new();
    let mut periods: HashMap<Key3, Vec<Period>> = HashMap::new();
    for s in seats {
        let label = format!(
            "dòng {}: {} {} — {} {}",
            s.line, s.unit, s.name, s.body, s.term
        );
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
                    format!("overlaps the seat of row {other} (same officer, committee and term)"),
                ),
            );
            continue;
        }
        group.push((s.started, s.ended, s.line));
        let key = (s.officer, s.body, s.term.clone(), s.started);
        match by_key.get(&key) {
            Some(current) => {
                matched.insert(current.id);
                if current.ended_on == s.ended {
                    counts.unchanged += 1;
                } else {
                    counts.updated += 1;
                    Samples::push(&mut samples.updated, || {
                        format!(
                            "{label} — {}",
                            change("kết thúc", day_text(current.ended_on), day_text(s.ended))
                        )
                    });
                    changes.update.push(((*current).clone(), s));
                }
            }
            None => {
                let clash = existing.iter().any(|e| {
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
                counts.created += 1;
                Samples::push(&mut samples.created, || label);
                changes.create.push(s);
            }
        }
    }
    if let Some(day) = complete {
        for e in &existing {
            let held = e.started_on <= day && e.ended_on.is_none_or(|t| t > day);
            if held && !matched.contains(&e.id) {
                counts.ended += 1;
                Samples::push(&mut samples.ended, || {
                    format!("{} #{} {} {}", e.unit_code, e.officer_id, e.body, e.term)
                });
                changes.end.push(e.clone());
            }
        }
    }
    Ok((changes, counts, samples))
}

fn overlaps(a0: NaiveDate, a1: Option<NaiveDate>, b0: NaiveDate, b1: Option<NaiveDate>) -> bool {
    a1.is_none_or(|e| e >= b0) && b1.is_none_or(|e| e >= a0)
}

/// The posting a seat belongs to: in post on `day`, else the latest begun before it,
/// else the first.
fn pick(postings: Option<&Vec<officer::Model>>, day: NaiveDate) -> Option<&officer::Model> {
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

impl Changes {
    /// Writes the changes in the caller's transaction; returns the units touched.
    pub async fn apply(self, db: &impl ConnectionTrait) -> Result<Vec<String>> {
        let mut touched: HashSet<String> = HashSet::new();
        if let Some(day) = self.day {
            for chunk in self.end.chunks(1_000) {
                seat::Entity::update_many()
                    .col_expr(seat::Column::EndedOn, Expr::value(day))
                    .filter(seat::Column::Id.is_in(chunk.iter().map(|s| s.id)))
                    .exec(db)
                    .await?;
                touched.extend(chunk.iter().map(|s| s.unit_code.clone()));
            }
        }
        for (current, s) in self.update {
            touched.insert(current.unit_code.clone());
            let mut row: seat::ActiveModel = current.into();
            row.ended_on = Set(s.ended);
            row.update(db).await?;
        }
        for chunk in self.create.chunks(1_000) {
            let rows = chunk.iter().map(|s| seat::ActiveModel {
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
            touched.extend(chunk.iter().map(|s| s.unit.clone()));
        }
        Ok(touched.into_iter().collect())
    }
}

/// The rows of an export: seats of the scope held on `day`, with their officer.
pub async fn export(
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
