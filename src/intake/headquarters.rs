//! Headquarters from a sheet: one row a building held by a unit (model, address,
//! figures, the dates of its status changes, the holding period a restructuring gives
//! it). Checked as the service checks a building (dates in order: approved, started,
//! in use, closed; the unit on the first of them) and compared by the natural key
//! (unit, model, held from); every other cell is what an update changes. With
//! `complete`, buildings of the scope in use on the day and missing from the file are
//! closed that day (a building not yet in use is left as it is).

use chrono::NaiveDate;
use entity::headquarters as hq;
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
use crate::domain::HqModel;
use crate::service::{Result, scope};

const KIND: Kind = Kind::Headquarters;

/// One building of the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Building {
    line: u32,
    unit: String,
    model: &'static str,
    address: Option<String>,
    budget: Option<i64>,
    area: Option<f64>,
    target: Option<NaiveDate>,
    approved: Option<NaiveDate>,
    started: Option<NaiveDate>,
    in_use: Option<NaiveDate>,
    closed: Option<NaiveDate>,
    held_from: Option<NaiveDate>,
    held_to: Option<NaiveDate>,
}

type Key = (String, &'static str, Option<NaiveDate>);

fn model_code(code: &str) -> &'static str {
    HqModel::from_code(code).map_or("", HqModel::code)
}

fn differences(h: &hq::Model, b: &Building) -> Vec<String> {
    let mut out = Vec::new();
    if h.address != b.address {
        out.push(change(
            "địa chỉ",
            h.address.as_deref().unwrap_or("—"),
            b.address.as_deref().unwrap_or("—"),
        ));
    }
    if h.budget_million_vnd != b.budget {
        out.push(change(
            "kinh phí",
            format!("{:?}", h.budget_million_vnd),
            format!("{:?}", b.budget),
        ));
    }
    if h.floor_area_m2 != b.area {
        out.push(change(
            "diện tích",
            format!("{:?}", h.floor_area_m2),
            format!("{:?}", b.area),
        ));
    }
    for (field, was, now) in [
        ("dự kiến", h.target_date, b.target),
        ("phê duyệt", h.approved_on, b.approved),
        ("khởi công", h.construction_started_on, b.started),
        ("sử dụng", h.in_use_on, b.in_use),
        ("ngừng", h.closed_on, b.closed),
        ("quản lý đến", h.held_to, b.held_to),
    ] {
        if was != now {
            out.push(change(field, day_text(was), day_text(now)));
        }
    }
    out
}

fn fill(row: &mut hq::ActiveModel, b: &Building) {
    row.address = Set(b.address.clone());
    row.budget_million_vnd = Set(b.budget);
    row.floor_area_m2 = Set(b.area);
    row.target_date = Set(b.target);
    row.approved_on = Set(b.approved);
    row.construction_started_on = Set(b.started);
    row.in_use_on = Set(b.in_use);
    row.closed_on = Set(b.closed);
    row.held_to = Set(b.held_to);
}

/// Headquarters buildings.
pub struct Headquarters;

impl Keyed for Headquarters {
    const KIND: Kind = KIND;
    const DUPLICATE_AT: &'static str = "model";
    const KEY: (&'static str, &'static str) = (
        "cùng đơn vị, mô hình, ngày bắt đầu quản lý",
        "unit, model, held from",
    );
    type Item = Building;
    type Model = hq::Model;
    type Key = Key;

    async fn check(
        db: &impl ConnectionTrait,
        input: Input<'_>,
        errors: &mut Errors,
    ) -> Result<(Vec<Building>, Vec<hq::Model>)> {
        let (scope, rows, layout, complete) =
            (input.scope, input.rows, input.layout, input.complete);
        let place = |key: &str| layout.place(KIND, key);
        let codes = distinct(rows, |r| r.text(KIND, "unit_code"));
        let units = Units::load(db, scope, &codes).await?;
        let mut buildings = Vec::new();
        for r in rows {
            let (Some(unit), Some(model)) = (r.text(KIND, "unit_code"), r.choice(KIND, "model"))
            else {
                continue;
            };
            let b = Building {
                line: r.line,
                unit,
                model: model_code(model),
                address: r.text(KIND, "address"),
                budget: r.int(KIND, "budget_million_vnd"),
                area: r.number(KIND, "floor_area_m2"),
                target: r.date(KIND, "target_date"),
                approved: r.date(KIND, "approved_on"),
                started: r.date(KIND, "construction_started_on"),
                in_use: r.date(KIND, "in_use_on"),
                closed: r.date(KIND, "closed_on"),
                held_from: r.date(KIND, "held_from"),
                held_to: r.date(KIND, "held_to"),
            };
            let dated = [
                ("target_date", b.target),
                ("approved_on", b.approved),
                ("construction_started_on", b.started),
                ("in_use_on", b.in_use),
                ("closed_on", b.closed),
                ("held_from", b.held_from),
                ("held_to", b.held_to),
            ];
            let steps = [
                ("approved_on", "construction_started_on"),
                ("construction_started_on", "in_use_on"),
                ("approved_on", "in_use_on"),
                ("in_use_on", "closed_on"),
                ("held_from", "held_to"),
            ];
            let mut fine = dates(errors, r.line, layout, KIND, &dated, &steps);
            if b.budget.is_some_and(|v| v < 0) {
                errors.at(
                    r.line,
                    place("budget_million_vnd"),
                    Problem::new(
                        "IMPORT_OUT_OF_RANGE",
                        "kinh phí không được âm",
                        "the budget must not be negative",
                    ),
                );
                fine = false;
            }
            if b.area.is_some_and(|a| !(a > 0.0 && a < 100_000.0)) {
                errors.at(
                    r.line,
                    place("floor_area_m2"),
                    Problem::new(
                        "IMPORT_OUT_OF_RANGE",
                        "diện tích phải từ 0 đến 100.000 m²",
                        "the floor area must be between 0 and 100,000 m²",
                    ),
                );
                fine = false;
            }
            let first_day = b.held_from.or([b.approved, b.started, b.in_use]
                .into_iter()
                .flatten()
                .min());
            if let Err(p) = units.check(&b.unit, first_day) {
                errors.at(r.line, place("unit_code"), p);
                fine = false;
            }
            if fine {
                buildings.push(b);
            }
        }
        let mut existing = Vec::new();
        if complete.is_some() {
            existing = scope::apply(hq::Entity::find(), scope).all(db).await?;
        } else {
            for chunk in codes.chunks(1_000) {
                let select =
                    hq::Entity::find().filter(hq::Column::UnitCode.is_in(chunk.iter().cloned()));
                existing.extend(scope::apply(select, scope).all(db).await?);
            }
        }
        Ok((buildings, existing))
    }

    fn line(b: &Building) -> u32 {
        b.line
    }

    fn key(b: &Building) -> Key {
        (b.unit.clone(), b.model, b.held_from)
    }

    fn stored_key(h: &hq::Model) -> Key {
        (h.unit_code.clone(), model_code(&h.model), h.held_from)
    }

    fn id(h: &hq::Model) -> i32 {
        h.id
    }

    fn label(b: &Building) -> String {
        format!("dòng {}: {} {}", b.line, b.unit, b.model)
    }

    fn differences(h: &hq::Model, b: &Building) -> Vec<String> {
        differences(h, b)
    }

    fn unit(h: &hq::Model) -> Option<String> {
        Some(h.unit_code.clone())
    }

    fn item_unit(b: &Building) -> Option<String> {
        Some(b.unit.clone())
    }

    /// Held on the day and in use (a building not yet in use is left as it is).
    fn ends(h: &hq::Model, day: NaiveDate) -> bool {
        let held = h.held_from.is_none_or(|f| f <= day) && h.held_to.is_none_or(|t| t > day);
        held && h.in_use_on.is_some_and(|d| d <= day) && h.closed_on.is_none()
    }

    fn ended_label(h: &hq::Model, day: NaiveDate) -> String {
        format!(
            "{} {} — ngừng {}",
            h.unit_code,
            h.model,
            crate::format::date_vi(day)
        )
    }

    async fn end(db: &impl ConnectionTrait, stored: &[hq::Model], day: NaiveDate) -> Result<()> {
        hq::Entity::update_many()
            .col_expr(hq::Column::ClosedOn, Expr::value(day))
            .filter(hq::Column::Id.is_in(stored.iter().map(|h| h.id)))
            .exec(db)
            .await?;
        Ok(())
    }

    async fn update(db: &impl ConnectionTrait, current: hq::Model, b: Building) -> Result<()> {
        let mut row: hq::ActiveModel = current.into();
        fill(&mut row, &b);
        row.update(db).await?;
        Ok(())
    }

    async fn insert(db: &impl ConnectionTrait, items: &[Building]) -> Result<()> {
        let rows = items.iter().map(|b| {
            let mut row = hq::ActiveModel {
                unit_code: Set(b.unit.clone()),
                model: Set(b.model.to_owned()),
                held_from: Set(b.held_from),
                ..Default::default()
            };
            fill(&mut row, b);
            row
        });
        hq::Entity::insert_many(rows)
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

/// The rows of an export: buildings the scope's units hold on `day`.
async fn export(
    db: &impl ConnectionTrait,
    scope: &Scope,
    day: NaiveDate,
) -> Result<Vec<Vec<Value>>> {
    let mut rows = scope::apply(hq::Entity::find(), scope).all(db).await?;
    rows.retain(|h| h.held_from.is_none_or(|f| f <= day) && h.held_to.is_none_or(|t| t > day));
    rows.sort_by(|a, b| (&a.unit_code, a.id).cmp(&(&b.unit_code, b.id)));
    let d = |v: Option<NaiveDate>| v.map_or(Value::None, Value::Date);
    Ok(rows
        .into_iter()
        .map(|h| {
            vec![
                Value::Text(h.unit_code),
                HqModel::from_code(&h.model).map_or(Value::None, |m| Value::Choice(m.code())),
                h.address.map_or(Value::None, Value::Text),
                h.budget_million_vnd.map_or(Value::None, Value::Int),
                h.floor_area_m2.map_or(Value::None, Value::Number),
                d(h.target_date),
                d(h.approved_on),
                d(h.construction_started_on),
                d(h.in_use_on),
                d(h.closed_on),
                d(h.held_from),
                d(h.held_to),
            ]
        })
        .collect())
}
