//! Union activities from a sheet: one row an activity of an organisation (Youth Union,
//! Women's Union...), of one unit or province-wide (no unit: province admins only),
//! with its dates. Compared by the natural key (organisation, name, unit, first day):
//! kind, programme, end and "maintained" are what an update changes. With `complete`,
//! the activities of the caller's scope running on the day and missing from the file
//! end that day (an area admin's complete file never ends a province-wide one).

use chrono::NaiveDate;
use entity::union_activity as activity;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use super::cell::Value;
use super::check::{Units, change, dates, day_text, province_only};
use super::directives::choice;
use super::errors::Errors;
use super::keyed::{Input, Keyed, distinct};
use super::kind::Kind;
use crate::auth::Scope;
use crate::domain::{ActivityKind, Organisation};
use crate::service::{Result, scope};
use crate::text::fold;

const KIND: Kind = Kind::Activities;

/// One activity of the file.
#[derive(Clone, Debug)]
pub struct Activity {
    line: u32,
    organisation: &'static str,
    kind: &'static str,
    name: String,
    programme: Option<String>,
    unit: Option<String>,
    started: NaiveDate,
    ended: Option<NaiveDate>,
    maintained: bool,
}

type Key = (String, String, Option<String>, NaiveDate);

/// Union activities.
pub struct Activities;

impl Keyed for Activities {
    const KIND: Kind = KIND;
    const DUPLICATE_AT: &'static str = "name";
    const KEY: (&'static str, &'static str) = (
        "cùng tổ chức, tên, đơn vị, ngày bắt đầu",
        "organisation, name, unit, first day",
    );
    type Item = Activity;
    type Model = activity::Model;
    type Key = Key;

    async fn check(
        db: &impl ConnectionTrait,
        input: Input<'_>,
        errors: &mut Errors,
    ) -> Result<(Vec<Activity>, Vec<activity::Model>)> {
        let (scope, rows, layout, complete) =
            (input.scope, input.rows, input.layout, input.complete);
        let place = |key: &str| layout.place(KIND, key);
        let codes = distinct(rows, |r| r.text(KIND, "unit_code"));
        let units = Units::load(db, scope, &codes).await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            let (Some(organisation), Some(kind), Some(name), Some(started), Some(maintained)) = (
                r.choice(KIND, "organisation")
                    .and_then(Organisation::from_code),
                r.choice(KIND, "kind").and_then(ActivityKind::from_code),
                r.text(KIND, "name"),
                r.date(KIND, "started_on"),
                r.choice(KIND, "maintained"),
            ) else {
                continue;
            };
            let unit = r.text(KIND, "unit_code");
            let ended = r.date(KIND, "ended_on");
            let days = [("started_on", Some(started)), ("ended_on", ended)];
            let mut fine = dates(
                errors,
                r.line,
                layout,
                KIND,
                &days,
                &[("started_on", "ended_on")],
            );
            let in_scope = match &unit {
                Some(code) => units.check(code, Some(started)),
                None if !scope.is_all() => Err(province_only()),
                None => Ok(()),
            };
            if let Err(p) = in_scope {
                errors.at(r.line, place("unit_code"), p);
                fine = false;
            }
            if fine {
                items.push(Activity {
                    line: r.line,
                    organisation: organisation.code(),
                    kind: kind.code(),
                    name,
                    programme: r.text(KIND, "programme"),
                    unit,
                    started,
                    ended,
                    maintained: maintained == "yes",
                });
            }
        }
        let mut stored = Vec::new();
        if complete.is_some() {
            stored = scope::apply(activity::Entity::find(), scope)
                .all(db)
                .await?;
        } else {
            let names = distinct(rows, |r| r.text(KIND, "name"));
            for chunk in names.chunks(1_000) {
                let select = activity::Entity::find()
                    .filter(activity::Column::Name.is_in(chunk.iter().cloned()));
                stored.extend(scope::apply(select, scope).all(db).await?);
            }
        }
        if !scope.is_all() {
            stored.retain(|a| a.unit_code.is_some());
        }
        Ok((items, stored))
    }

    fn line(a: &Activity) -> u32 {
        a.line
    }

    fn key(a: &Activity) -> Key {
        (
            a.organisation.to_owned(),
            a.name.clone(),
            a.unit.clone(),
            a.started,
        )
    }

    fn stored_key(a: &activity::Model) -> Key {
        (
            a.organisation.clone(),
            a.name.clone(),
            a.unit_code.clone(),
            a.started_on,
        )
    }

    fn id(a: &activity::Model) -> i32 {
        a.id
    }

    fn label(a: &Activity) -> String {
        format!(
            "dòng {}: {} — {}",
            a.line,
            a.unit.as_deref().unwrap_or("toàn tỉnh"),
            a.name
        )
    }

    fn differences(m: &activity::Model, a: &Activity) -> Vec<String> {
        let mut out = Vec::new();
        if m.kind != a.kind {
            out.push(change("loại", &m.kind, a.kind));
        }
        if m.programme != a.programme {
            let show = |p: &Option<String>| p.clone().unwrap_or_else(|| "—".into());
            out.push(change(
                "chương trình",
                show(&m.programme),
                show(&a.programme),
            ));
        }
        if m.ended_on != a.ended {
            out.push(change("kết thúc", day_text(m.ended_on), day_text(a.ended)));
        }
        if m.maintained != a.maintained {
            out.push(change("duy trì", m.maintained, a.maintained));
        }
        out
    }

    fn unit(a: &activity::Model) -> Option<String> {
        a.unit_code.clone()
    }

    fn item_unit(a: &Activity) -> Option<String> {
        a.unit.clone()
    }

    fn ends(a: &activity::Model, day: NaiveDate) -> bool {
        a.started_on <= day && a.ended_on.is_none_or(|t| t > day)
    }

    fn ended_label(a: &activity::Model, day: NaiveDate) -> String {
        format!(
            "{} — {} — đến {}",
            a.unit_code.as_deref().unwrap_or("toàn tỉnh"),
            a.name,
            crate::format::date_vi(day)
        )
    }

    async fn end(
        db: &impl ConnectionTrait,
        stored: &[activity::Model],
        day: NaiveDate,
    ) -> Result<()> {
        activity::Entity::update_many()
            .col_expr(activity::Column::EndedOn, Expr::value(day))
            .filter(activity::Column::Id.is_in(stored.iter().map(|a| a.id)))
            .exec(db)
            .await?;
        Ok(())
    }

    async fn update(db: &impl ConnectionTrait, m: activity::Model, a: Activity) -> Result<()> {
        let mut row: activity::ActiveModel = m.into();
        row.kind = Set(a.kind.to_owned());
        row.programme = Set(a.programme);
        row.ended_on = Set(a.ended);
        row.maintained = Set(a.maintained);
        row.update(db).await?;
        Ok(())
    }

    async fn insert(db: &impl ConnectionTrait, items: &[Activity]) -> Result<()> {
        let rows = items.iter().map(|a| activity::ActiveModel {
            organisation: Set(a.organisation.to_owned()),
            kind: Set(a.kind.to_owned()),
            search_name: Set(fold(&a.name)),
            name: Set(a.name.clone()),
            programme: Set(a.programme.clone()),
            unit_code: Set(a.unit.clone()),
            started_on: Set(a.started),
            ended_on: Set(a.ended),
            maintained: Set(a.maintained),
            ..Default::default()
        });
        activity::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
        Ok(())
    }

    /// Activities of the scope running on `day` (an area's own, not province-wide ones).
    async fn export(
        db: &impl ConnectionTrait,
        scope: &Scope,
        day: NaiveDate,
    ) -> Result<Vec<Vec<Value>>> {
        let mut rows = scope::apply(activity::Entity::find(), scope)
            .filter(activity::Column::StartedOn.lte(day))
            .all(db)
            .await?;
        rows.retain(|a| Self::ends(a, day) && (scope.is_all() || a.unit_code.is_some()));
        rows.sort_by(|a, b| {
            (&a.unit_code, a.started_on, a.id).cmp(&(&b.unit_code, b.started_on, b.id))
        });
        Ok(rows
            .into_iter()
            .map(|a| {
                vec![
                    choice(Organisation::from_code(&a.organisation).map(Organisation::code)),
                    choice(ActivityKind::from_code(&a.kind).map(ActivityKind::code)),
                    Value::Text(a.name),
                    a.programme.map_or(Value::None, Value::Text),
                    a.unit_code.map_or(Value::None, Value::Text),
                    Value::Date(a.started_on),
                    a.ended_on.map_or(Value::None, Value::Date),
                    Value::Choice(if a.maintained { "yes" } else { "no" }),
                ]
            })
            .collect())
    }
}
