//! Officers and their postings from a sheet (one row a posting): checked row by row and
//! against the database (the unit on the posting's first day and in the caller's scope,
//! the rank the position allows, one chief in post per unit), then compared with the
//! postings already recorded by the natural key (unit, full name, birth year, first
//! day): a new key is created, a known one updated where gender, rank, position or end
//! differ, and with `complete` the postings of the caller's scope in post on the day
//! and missing from the file are ended that day (never deleted).

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate, Utc};
use entity::officer;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use super::cell::{Problem, Value};
use super::check::{Units, change, dates, day_text};
use super::errors::Errors;
use super::keyed::{Input, Keyed, Plan};
use super::kind::Kind;
use super::parse::{Layout, Row};
use crate::auth::Scope;
use crate::domain::{Gender, Position, Rank};
use crate::service::{Result, scope};
use crate::text::fold;

const KIND: Kind = Kind::Officers;

/// One posting of the file.
#[derive(Clone, Debug)]
pub struct Posting {
    line: u32,
    unit: String,
    name: String,
    gender: &'static str,
    birth_year: i32,
    rank: Rank,
    position: Position,
    from: NaiveDate,
    to: Option<NaiveDate>,
}

type Key = (String, String, i32, NaiveDate);

/// Officers and their postings.
pub struct Officers;

impl Keyed for Officers {
    const KIND: Kind = KIND;
    const DUPLICATE_AT: &'static str = "full_name";
    const KEY: (&'static str, &'static str) = (
        "cùng đơn vị, họ tên, năm sinh, ngày nhận công tác",
        "unit, name, birth year, first day",
    );
    type Item = Posting;
    type Model = officer::Model;
    type Key = Key;

    async fn check(
        db: &impl ConnectionTrait,
        input: Input<'_>,
        errors: &mut Errors,
    ) -> Result<(Vec<Posting>, Vec<officer::Model>)> {
        let (scope, rows, layout, complete) =
            (input.scope, input.rows, input.layout, input.complete);
        let place = |key: &str| layout.place(KIND, key);
        let postings = typed(rows, layout, errors);
        let codes: Vec<String> = postings
            .iter()
            .map(|p| p.unit.clone())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let units = Units::load(db, scope, &codes).await?;
        let mut ok = Vec::with_capacity(postings.len());
        for p in postings {
            match units.check(&p.unit, Some(p.from)) {
                Err(problem) => errors.at(p.line, place("unit_code"), problem),
                Ok(()) => ok.push(p),
            }
        }
        let stored = load(db, scope, &codes, complete.is_some()).await?;
        Ok((ok, stored))
    }

    fn line(p: &Posting) -> u32 {
        p.line
    }

    fn key(p: &Posting) -> Key {
        (p.unit.clone(), p.name.clone(), p.birth_year, p.from)
    }

    fn stored_key(o: &officer::Model) -> Key {
        (
            o.unit_code.clone(),
            o.full_name.clone(),
            o.birth_year,
            o.posted_from,
        )
    }

    fn id(o: &officer::Model) -> i32 {
        o.id
    }

    fn label(p: &Posting) -> String {
        format!("dòng {}: {} {} ({})", p.line, p.unit, p.name, p.birth_year)
    }

    fn differences(o: &officer::Model, p: &Posting) -> Vec<String> {
        differences(o, p)
    }

    fn unit(o: &officer::Model) -> Option<String> {
        Some(o.unit_code.clone())
    }

    fn item_unit(p: &Posting) -> Option<String> {
        Some(p.unit.clone())
    }

    fn ends(o: &officer::Model, day: NaiveDate) -> bool {
        o.posted_from <= day && o.posted_to.is_none_or(|t| t > day)
    }

    fn ended_label(o: &officer::Model, day: NaiveDate) -> String {
        format!(
            "{} {} ({}) — đến {}",
            o.unit_code,
            o.full_name,
            o.birth_year,
            crate::format::date_vi(day)
        )
    }

    fn after(stored: &[officer::Model], plan: &Plan<Self>, layout: &Layout, errors: &mut Errors) {
        check_chiefs(stored, plan, layout, errors);
    }

    /// Chiefs leaving before chiefs arriving.
    fn order_updates(updates: &mut [(officer::Model, Posting)]) {
        updates.sort_by_key(|(_, p)| p.position == Position::Chief && p.to.is_none());
    }

    async fn end(
        db: &impl ConnectionTrait,
        stored: &[officer::Model],
        day: NaiveDate,
    ) -> Result<()> {
        officer::Entity::update_many()
            .col_expr(officer::Column::PostedTo, Expr::value(day))
            .filter(officer::Column::Id.is_in(stored.iter().map(|o| o.id)))
            .exec(db)
            .await?;
        Ok(())
    }

    async fn update(db: &impl ConnectionTrait, o: officer::Model, p: Posting) -> Result<()> {
        let mut row: officer::ActiveModel = o.into();
        row.gender = Set(p.gender.to_owned());
        row.rank = Set(p.rank.ordinal());
        row.position = Set(p.position.code().to_owned());
        row.posted_to = Set(p.to);
        row.update(db).await?;
        Ok(())
    }

    async fn insert(db: &impl ConnectionTrait, items: &[Posting]) -> Result<()> {
        let rows = items.iter().map(|p| officer::ActiveModel {
            unit_code: Set(p.unit.clone()),
            search_name: Set(fold(&p.name)),
            full_name: Set(p.name.clone()),
            gender: Set(p.gender.to_owned()),
            birth_year: Set(p.birth_year),
            rank: Set(p.rank.ordinal()),
            position: Set(p.position.code().to_owned()),
            posted_from: Set(p.from),
            posted_to: Set(p.to),
            ..Default::default()
        });
        officer::Entity::insert_many(rows)
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

/// The rows with every required value, converted to postings; row-level checks
/// (rank for the position, birth year, dates) recorded in `errors`.
fn typed(rows: &[Row], layout: &Layout, errors: &mut Errors) -> Vec<Posting> {
    let place = |key: &str| layout.place(KIND, key);
    let latest_birth = Utc::now().year() - 18;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (
            Some(unit),
            Some(name),
            Some(gender),
            Some(birth_year),
            Some(rank),
            Some(position),
            Some(from),
        ) = (
            r.text(KIND, "unit_code"),
            r.text(KIND, "full_name"),
            r.choice(KIND, "gender"),
            r.int(KIND, "birth_year"),
            r.choice(KIND, "rank").and_then(Rank::from_code),
            r.choice(KIND, "position").and_then(Position::from_code),
            r.date(KIND, "posted_from"),
        )
        else {
            continue;
        };
        let to = r.date(KIND, "posted_to");
        let mut fine = true;
        if !(1940..=i64::from(latest_birth)).contains(&birth_year) {
            errors.at(
                r.line,
                place("birth_year"),
                Problem::new(
                    "IMPORT_OUT_OF_RANGE",
                    format!("năm sinh phải từ 1940 đến {latest_birth}"),
                    format!("the birth year must be between 1940 and {latest_birth}"),
                ),
            );
            fine = false;
        }
        if position == Position::Chief && rank < Rank::ThieuUy {
            errors.at(
                r.line,
                place("rank"),
                Problem::new(
                    "IMPORT_RANK_NOT_ALLOWED",
                    format!(
                        "Trưởng Công an phải có cấp bậc từ {} trở lên, không phải {}",
                        Rank::ThieuUy.label_vi(),
                        rank.label_vi()
                    ),
                    format!(
                        "a chief holds at least {}, not {}",
                        Rank::ThieuUy.label_vi(),
                        rank.label_vi()
                    ),
                ),
            );
            fine = false;
        }
        let days = [("posted_from", Some(from)), ("posted_to", to)];
        fine &= dates(
            errors,
            r.line,
            layout,
            KIND,
            &days,
            &[("posted_from", "posted_to")],
        );
        if fine {
            out.push(Posting {
                line: r.line,
                unit,
                name,
                gender,
                birth_year: birth_year as i32,
                rank,
                position,
                from,
                to,
            });
        }
    }
    out
}

fn differences(o: &officer::Model, p: &Posting) -> Vec<String> {
    let mut out = Vec::new();
    if o.gender != p.gender {
        out.push(change("giới tính", &o.gender, p.gender));
    }
    if o.rank != p.rank.ordinal() {
        let was = Rank::from_ordinal(o.rank).map_or("?", Rank::label_vi);
        out.push(change("cấp bậc", was, p.rank.label_vi()));
    }
    if o.position != p.position.code() {
        let was = Position::from_code(&o.position).map_or("?", Position::label_vi);
        out.push(change("chức vụ", was, p.position.label_vi()));
    }
    if o.posted_to != p.to {
        out.push(change(
            "thôi công tác",
            day_text(o.posted_to),
            day_text(p.to),
        ));
    }
    out
}

/// One chief in post per unit, in the state the import would leave.
fn check_chiefs(
    existing: &[officer::Model],
    plan: &Plan<Officers>,
    layout: &Layout,
    errors: &mut Errors,
) {
    let (matched, changes) = (&plan.matched, plan);
    let ended: HashSet<i32> = changes.end.iter().map(|o| o.id).collect();
    let mut chiefs: HashMap<&str, (usize, Vec<u32>)> = HashMap::new();
    for o in existing {
        if o.position == Position::Chief.code()
            && o.posted_to.is_none()
            && !matched.contains(&o.id)
            && !ended.contains(&o.id)
        {
            chiefs.entry(o.unit_code.as_str()).or_default().0 += 1;
        }
    }
    let from_file = changes
        .create
        .iter()
        .chain(changes.update.iter().map(|(_, p)| p));
    for p in from_file {
        if p.position == Position::Chief && p.to.is_none() {
            let entry = chiefs.entry(p.unit.as_str()).or_default();
            entry.0 += 1;
            entry.1.push(p.line);
        }
    }
    let mut units: Vec<_> = chiefs.into_iter().filter(|(_, (n, _))| *n > 1).collect();
    units.sort();
    for (unit, (_, lines)) in units {
        for line in lines {
            errors.at(
                line,
                layout.place(KIND, "position"),
                Problem::new(
                    "IMPORT_SECOND_CHIEF",
                    format!("đơn vị {unit} sẽ có hơn một Trưởng Công an đang công tác"),
                    format!("unit {unit} would have more than one chief in post"),
                ),
            );
        }
    }
}

/// The postings the file is compared with: of its units, or of the whole scope for a
/// complete file.
async fn load(
    db: &impl ConnectionTrait,
    scope: &Scope,
    codes: &[String],
    whole_scope: bool,
) -> Result<Vec<officer::Model>> {
    if whole_scope {
        return Ok(scope::apply(officer::Entity::find(), scope).all(db).await?);
    }
    let mut out = Vec::new();
    for chunk in codes.chunks(1_000) {
        let select =
            officer::Entity::find().filter(officer::Column::UnitCode.is_in(chunk.iter().cloned()));
        out.extend(scope::apply(select, scope).all(db).await?);
    }
    Ok(out)
}

/// The rows of an export: officers of the scope in post on `day`, by unit and name.
async fn export(
    db: &impl ConnectionTrait,
    scope: &Scope,
    day: NaiveDate,
) -> Result<Vec<Vec<Value>>> {
    use Value as V;
    let mut rows = scope::apply(officer::Entity::find(), scope)
        .filter(crate::service::officers::in_post_on(day))
        .all(db)
        .await?;
    rows.sort_by(|a, b| (&a.unit_code, a.id).cmp(&(&b.unit_code, b.id)));
    Ok(rows
        .into_iter()
        .map(|o| {
            vec![
                V::Text(o.unit_code),
                V::Text(o.full_name),
                Gender::from_code(&o.gender).map_or(V::None, |g| V::Choice(g.code())),
                V::Int(i64::from(o.birth_year)),
                Rank::from_ordinal(o.rank).map_or(V::None, |r| V::Choice(r.code())),
                Position::from_code(&o.position).map_or(V::None, |p| V::Choice(p.code())),
                V::Date(o.posted_from),
                o.posted_to.map_or(V::None, V::Date),
            ]
        })
        .collect())
}
