//! Awards from a sheet: one row an award to a unit (collective) or to one of its
//! officers (individual: named by full name and birth year, the posting in force on the
//! day of the award, as for seats). The unit must be in force on that day and in the
//! caller's scope. Compared by the natural key (unit, officer, form, issuer, day): the
//! reason is what an update changes. An award is never ended, so a complete file ends
//! nothing.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{award, officer};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use super::cell::Value;
use super::check::{Units, bad_value, change, dates};
use super::directives::choice;
use super::errors::Errors;
use super::keyed::{Input, Keyed, distinct};
use super::kind::Kind;
use super::seats::{people, pick, unknown_officer};
use crate::auth::Scope;
use crate::domain::{AwardForm, AwardIssuer, RecipientKind};
use crate::service::{Result, scope};

const KIND: Kind = Kind::Awards;

/// One award of the file.
#[derive(Clone, Debug)]
pub struct Award {
    line: u32,
    form: &'static str,
    issuer: &'static str,
    recipient: &'static str,
    unit: String,
    officer: Option<i32>,
    awarded_on: NaiveDate,
    reason: String,
}

type Key = (String, Option<i32>, String, String, NaiveDate);

/// Awards.
pub struct Awards;

impl Keyed for Awards {
    const KIND: Kind = KIND;
    const DUPLICATE_AT: &'static str = "awarded_on";
    const KEY: (&'static str, &'static str) = (
        "cùng đơn vị, người nhận, hình thức, cấp khen, ngày",
        "unit, recipient, form, issuer, day",
    );
    type Item = Award;
    type Model = award::Model;
    type Key = Key;

    async fn check(
        db: &impl ConnectionTrait,
        input: Input<'_>,
        errors: &mut Errors,
    ) -> Result<(Vec<Award>, Vec<award::Model>)> {
        let (scope, rows, layout) = (input.scope, input.rows, input.layout);
        let place = |key: &str| layout.place(KIND, key);
        let codes = distinct(rows, |r| r.text(KIND, "unit_code"));
        let units = Units::load(db, scope, &codes).await?;
        let people = people(db, scope, &codes).await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            let (Some(form), Some(issuer), Some(recipient), Some(unit), Some(day), Some(reason)) = (
                r.choice(KIND, "form").and_then(AwardForm::from_code),
                r.choice(KIND, "issuer").and_then(AwardIssuer::from_code),
                r.choice(KIND, "recipient_kind")
                    .and_then(RecipientKind::from_code),
                r.text(KIND, "unit_code"),
                r.date(KIND, "awarded_on"),
                r.text(KIND, "reason"),
            ) else {
                continue;
            };
            if !dates(
                errors,
                r.line,
                layout,
                KIND,
                &[("awarded_on", Some(day))],
                &[],
            ) {
                continue;
            }
            if let Err(p) = units.check(&unit, Some(day)) {
                errors.at(r.line, place("unit_code"), p);
                continue;
            }
            let (name, year) = (r.text(KIND, "full_name"), r.int(KIND, "birth_year"));
            let officer = match (recipient, name, year) {
                (RecipientKind::Collective, None, None) => None,
                (RecipientKind::Collective, _, _) => {
                    errors.at(
                        r.line,
                        place("full_name"),
                        bad_value(
                            "khen tập thể: để trống họ tên và năm sinh",
                            "a collective award: leave the name and birth year empty",
                        ),
                    );
                    continue;
                }
                (RecipientKind::Individual, Some(name), Some(year)) => {
                    let year = i32::try_from(year).unwrap_or(0);
                    match pick(people.get(&(unit.clone(), name.clone(), year)), day) {
                        Some(o) => Some(o.id),
                        None => {
                            errors.at(
                                r.line,
                                place("full_name"),
                                unknown_officer(&name, year, &unit),
                            );
                            continue;
                        }
                    }
                }
                (RecipientKind::Individual, _, _) => {
                    errors.at(
                        r.line,
                        place("full_name"),
                        bad_value(
                            "khen cá nhân: cần họ tên và năm sinh",
                            "an individual award needs the name and birth year",
                        ),
                    );
                    continue;
                }
            };
            items.push(Award {
                line: r.line,
                form: form.code(),
                issuer: issuer.code(),
                recipient: recipient.code(),
                unit,
                officer,
                awarded_on: day,
                reason,
            });
        }
        let mut stored = Vec::new();
        for chunk in codes.chunks(1_000) {
            let select =
                award::Entity::find().filter(award::Column::UnitCode.is_in(chunk.iter().cloned()));
            stored.extend(scope::apply(select, scope).all(db).await?);
        }
        Ok((items, stored))
    }

    fn line(a: &Award) -> u32 {
        a.line
    }

    fn key(a: &Award) -> Key {
        (
            a.unit.clone(),
            a.officer,
            a.form.to_owned(),
            a.issuer.to_owned(),
            a.awarded_on,
        )
    }

    fn stored_key(a: &award::Model) -> Key {
        (
            a.unit_code.clone(),
            a.officer_id,
            a.form.clone(),
            a.issuer.clone(),
            a.awarded_on,
        )
    }

    fn id(a: &award::Model) -> i32 {
        a.id
    }

    fn label(a: &Award) -> String {
        format!("dòng {}: {} — {} {}", a.line, a.unit, a.form, a.recipient)
    }

    fn differences(m: &award::Model, a: &Award) -> Vec<String> {
        if m.reason == a.reason {
            Vec::new()
        } else {
            vec![change("thành tích", &m.reason, &a.reason)]
        }
    }

    fn unit(a: &award::Model) -> Option<String> {
        Some(a.unit_code.clone())
    }

    fn item_unit(a: &Award) -> Option<String> {
        Some(a.unit.clone())
    }

    async fn update(db: &impl ConnectionTrait, m: award::Model, a: Award) -> Result<()> {
        let mut row: award::ActiveModel = m.into();
        row.reason = Set(a.reason);
        row.update(db).await?;
        Ok(())
    }

    async fn insert(db: &impl ConnectionTrait, items: &[Award]) -> Result<()> {
        let rows = items.iter().map(|a| award::ActiveModel {
            form: Set(a.form.to_owned()),
            issuer: Set(a.issuer.to_owned()),
            recipient_kind: Set(a.recipient.to_owned()),
            unit_code: Set(a.unit.clone()),
            officer_id: Set(a.officer),
            awarded_on: Set(a.awarded_on),
            reason: Set(a.reason.clone()),
            ..Default::default()
        });
        award::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
        Ok(())
    }

    /// Awards of the scope given by `day`, with the officer of an individual one.
    async fn export(
        db: &impl ConnectionTrait,
        scope: &Scope,
        day: NaiveDate,
    ) -> Result<Vec<Vec<Value>>> {
        let mut rows = scope::apply(award::Entity::find(), scope)
            .filter(award::Column::AwardedOn.lte(day))
            .all(db)
            .await?;
        rows.sort_by(|a, b| {
            (&a.unit_code, a.awarded_on, a.id).cmp(&(&b.unit_code, b.awarded_on, b.id))
        });
        let ids: Vec<i32> = rows.iter().filter_map(|a| a.officer_id).collect();
        let mut officers: HashMap<i32, officer::Model> = HashMap::new();
        for chunk in ids.chunks(1_000) {
            for o in officer::Entity::find()
                .filter(officer::Column::Id.is_in(chunk.iter().copied()))
                .all(db)
                .await?
            {
                officers.insert(o.id, o);
            }
        }
        Ok(rows
            .into_iter()
            .map(|a| {
                let o = a.officer_id.and_then(|id| officers.get(&id));
                vec![
                    choice(AwardForm::from_code(&a.form).map(AwardForm::code)),
                    choice(AwardIssuer::from_code(&a.issuer).map(AwardIssuer::code)),
                    choice(RecipientKind::from_code(&a.recipient_kind).map(RecipientKind::code)),
                    Value::Text(a.unit_code),
                    o.map_or(Value::None, |o| Value::Text(o.full_name.clone())),
                    o.map_or(Value::None, |o| Value::Int(i64::from(o.birth_year))),
                    Value::Date(a.awarded_on),
                    Value::Text(a.reason),
                ]
            })
            .collect())
    }
}
