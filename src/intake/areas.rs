//! Areas and their member units from a sheet (province admins only): one row a member
//! (area code, name and kind, unit code, first and last day held, inclusive). Only
//! custom areas are imported: district and unit areas are made from the administrative
//! history. An area the file names and coso lacks is created; rows of one area must
//! agree on its name (a different name renames it). Members are compared by the
//! natural key (area, unit, first day): the last day is what an update changes. With
//! `complete`, members of the areas the file names that are held on the day and
//! missing from it end the day before (never deleted); areas the file does not name
//! are left alone. Every write bumps the area's scope version, so its caches reload.

use std::collections::HashMap;

use chrono::{Days, NaiveDate, Utc};
use entity::{area, area_member as member};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use super::cell::Value;
use super::check::{Units, bad_value, change, dates, day_text};
use super::errors::Errors;
use super::keyed::{Input, Keyed, distinct};
use super::kind::Kind;
use crate::auth::Scope;
use crate::service::{Result, areas, version};

const KIND: Kind = Kind::Areas;

/// One member row of the file.
#[derive(Clone, Debug)]
pub struct Member {
    line: u32,
    area: String,
    name: String,
    unit: String,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

/// A recorded member with its area's name.
#[derive(Clone, Debug)]
pub struct Stored {
    m: member::Model,
    name: String,
}

type Key = (String, String, Option<NaiveDate>);

fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.chars().count() <= 40
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'))
}

async fn load_areas(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<HashMap<String, area::Model>> {
    let mut out = HashMap::new();
    for chunk in codes.chunks(1_000) {
        for a in area::Entity::find()
            .filter(area::Column::Code.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            out.insert(a.code.clone(), a);
        }
    }
    Ok(out)
}

async fn touched(db: &impl ConnectionTrait, code: &str) -> Result<()> {
    version::bump_scope(db, code, Utc::now()).await?;
    Ok(())
}

/// Areas and their members.
pub struct Areas;

impl Keyed for Areas {
    const KIND: Kind = KIND;
    const DUPLICATE_AT: &'static str = "unit_code";
    const KEY: (&'static str, &'static str) = ("cùng địa bàn, đơn vị, từ ngày", "area, unit, from");
    type Item = Member;
    type Model = Stored;
    type Key = Key;

    async fn check(
        db: &impl ConnectionTrait,
        input: Input<'_>,
        errors: &mut Errors,
    ) -> Result<(Vec<Member>, Vec<Stored>)> {
        let (rows, layout) = (input.rows, input.layout);
        let place = |key: &str| layout.place(KIND, key);
        let codes = distinct(rows, |r| r.text(KIND, "unit_code"));
        let units = Units::load(db, &Scope::all(), &codes).await?;
        let area_codes = distinct(rows, |r| r.text(KIND, "area_code"));
        let known = load_areas(db, &area_codes).await?;
        let mut names: HashMap<String, (String, u32)> = HashMap::new();
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            let (Some(area), Some(name), Some(kind), Some(unit)) = (
                r.text(KIND, "area_code"),
                r.text(KIND, "area_name"),
                r.choice(KIND, "area_kind"),
                r.text(KIND, "unit_code"),
            ) else {
                continue;
            };
            let (from, to) = (r.date(KIND, "valid_from"), r.date(KIND, "valid_to"));
            let days = [("valid_from", from), ("valid_to", to)];
            let mut fine = dates(
                errors,
                r.line,
                layout,
                KIND,
                &days,
                &[("valid_from", "valid_to")],
            );
            let custom =
                kind == areas::CUSTOM && known.get(&area).is_none_or(|a| a.kind == areas::CUSTOM);
            if !valid_code(&area) || !custom {
                errors.at(
                    r.line,
                    place(if custom { "area_code" } else { "area_kind" }),
                    bad_value(
                        "chỉ nhập được địa bàn tự định nghĩa, mã 1-40 chữ, số, `-`, `_`, `.` hoặc `@` (địa bàn huyện, đơn vị lấy từ lịch sử hành chính)",
                        "only custom areas are imported, coded with 1 to 40 letters, digits, `-`, `_`, `.` or `@` (district and unit areas come from the history)",
                    ),
                );
                fine = false;
            }
            let (first_name, first_line) = names
                .entry(area.clone())
                .or_insert_with(|| (name.clone(), r.line))
                .clone();
            if first_name != name {
                errors.at(
                    r.line,
                    place("area_name"),
                    bad_value(
                        format!("tên địa bàn {area} khác với dòng {first_line}"),
                        format!("the name of area {area} differs from row {first_line}"),
                    ),
                );
                fine = false;
            }
            if let Err(p) = units.check(&unit, from) {
                errors.at(r.line, place("unit_code"), p);
                fine = false;
            }
            if fine {
                items.push(Member {
                    line: r.line,
                    area,
                    name,
                    unit,
                    from,
                    to,
                });
            }
        }
        let mut stored = Vec::new();
        for chunk in area_codes.chunks(1_000) {
            for m in member::Entity::find()
                .filter(member::Column::AreaCode.is_in(chunk.iter().cloned()))
                .all(db)
                .await?
            {
                let name = known
                    .get(&m.area_code)
                    .map(|a| a.name.clone())
                    .unwrap_or_default();
                stored.push(Stored { m, name });
            }
        }
        Ok((items, stored))
    }

    fn line(m: &Member) -> u32 {
        m.line
    }

    fn key(m: &Member) -> Key {
        (m.area.clone(), m.unit.clone(), m.from)
    }

    fn stored_key(s: &Stored) -> Key {
        (s.m.area_code.clone(), s.m.unit_code.clone(), s.m.valid_from)
    }

    fn id(s: &Stored) -> i32 {
        s.m.id
    }

    fn label(m: &Member) -> String {
        format!("dòng {}: {} — {}", m.line, m.area, m.unit)
    }

    fn differences(s: &Stored, m: &Member) -> Vec<String> {
        let mut out = Vec::new();
        if s.name != m.name {
            out.push(change("tên địa bàn", &s.name, &m.name));
        }
        if s.m.valid_to != m.to {
            out.push(change("đến ngày", day_text(s.m.valid_to), day_text(m.to)));
        }
        out
    }

    fn unit(s: &Stored) -> Option<String> {
        Some(s.m.unit_code.clone())
    }

    fn item_unit(m: &Member) -> Option<String> {
        Some(m.unit.clone())
    }

    /// Held on the day and begun before it (so the day before is a valid last day).
    fn ends(s: &Stored, day: NaiveDate) -> bool {
        s.m.valid_from.is_none_or(|f| f < day) && s.m.valid_to.is_none_or(|t| t >= day)
    }

    fn ended_label(s: &Stored, day: NaiveDate) -> String {
        format!(
            "{} — {} — đến {}",
            s.m.area_code,
            s.m.unit_code,
            day_text(day.checked_sub_days(Days::new(1)))
        )
    }

    async fn end(db: &impl ConnectionTrait, stored: &[Stored], day: NaiveDate) -> Result<()> {
        let last = day.checked_sub_days(Days::new(1)).unwrap_or(day);
        member::Entity::update_many()
            .col_expr(member::Column::ValidTo, Expr::value(last))
            .filter(member::Column::Id.is_in(stored.iter().map(|s| s.m.id)))
            .exec(db)
            .await?;
        let mut codes: Vec<&str> = stored.iter().map(|s| s.m.area_code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        for code in codes {
            touched(db, code).await?;
        }
        Ok(())
    }

    async fn update(db: &impl ConnectionTrait, s: Stored, m: Member) -> Result<()> {
        if s.name != m.name {
            areas::rename(db, &m.area, &m.name).await?;
        }
        let mut row: member::ActiveModel = s.m.into();
        row.valid_to = Set(m.to);
        row.update(db).await?;
        touched(db, &m.area).await
    }

    /// Creates the areas the batch names that are not recorded yet, then the members.
    async fn insert(db: &impl ConnectionTrait, items: &[Member]) -> Result<()> {
        let mut codes: Vec<String> = items.iter().map(|m| m.area.clone()).collect();
        codes.sort_unstable();
        codes.dedup();
        let known = load_areas(db, &codes).await?;
        for code in &codes {
            if !known.contains_key(code) {
                let name = items
                    .iter()
                    .find(|m| &m.area == code)
                    .map_or("", |m| &m.name);
                areas::create(db, code, name).await?;
            }
        }
        let rows = items.iter().map(|m| member::ActiveModel {
            area_code: Set(m.area.clone()),
            unit_code: Set(m.unit.clone()),
            valid_from: Set(m.from),
            valid_to: Set(m.to),
            ..Default::default()
        });
        member::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
        for code in &codes {
            touched(db, code).await?;
        }
        Ok(())
    }

    /// The members of custom areas held on `day`.
    async fn export(
        db: &impl ConnectionTrait,
        _scope: &Scope,
        day: NaiveDate,
    ) -> Result<Vec<Vec<Value>>> {
        let custom: HashMap<String, area::Model> = area::Entity::find()
            .filter(area::Column::Kind.eq(areas::CUSTOM))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.code.clone(), a))
            .collect();
        let mut rows: Vec<member::Model> = member::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .filter(|m| {
                custom.contains_key(&m.area_code)
                    && m.valid_from.is_none_or(|f| f <= day)
                    && m.valid_to.is_none_or(|t| t >= day)
            })
            .collect();
        rows.sort_by(|a, b| {
            (&a.area_code, &a.unit_code, a.id).cmp(&(&b.area_code, &b.unit_code, b.id))
        });
        Ok(rows
            .into_iter()
            .map(|m| {
                let a = &custom[&m.area_code];
                vec![
                    Value::Text(m.area_code),
                    Value::Text(a.name.clone()),
                    Value::Choice(areas::CUSTOM),
                    Value::Text(m.unit_code),
                    m.valid_from.map_or(Value::None, Value::Date),
                    m.valid_to.map_or(Value::None, Value::Date),
                ]
            })
            .collect())
    }
}
