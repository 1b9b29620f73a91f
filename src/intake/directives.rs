//! Directives and other documents from a sheet (province admins only: they are
//! province-level records every scope reads). Compared by the natural key the service
//! keeps unique (issuer, number, year of issue): the kind, title and day are what an
//! update changes. A directive is never ended, so a complete file ends nothing.

use chrono::{Datelike, NaiveDate};
use entity::directive;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use super::cell::Value;
use super::check::{change, dates};
use super::errors::Errors;
use super::keyed::{Input, Keyed, distinct};
use super::kind::Kind;
use crate::auth::Scope;
use crate::domain::{DirectiveIssuer, DirectiveKind};
use crate::service::Result;
use crate::text::fold;

const KIND: Kind = Kind::Directives;

/// One document of the file.
#[derive(Clone, Debug)]
pub struct Directive {
    line: u32,
    number: String,
    kind: &'static str,
    issuer: &'static str,
    title: String,
    issued_on: NaiveDate,
}

type Key = (String, String, i32);

/// Directives.
pub struct Directives;

impl Keyed for Directives {
    const KIND: Kind = KIND;
    const DUPLICATE_AT: &'static str = "number";
    const KEY: (&'static str, &'static str) = (
        "cùng cơ quan ban hành, số hiệu, năm",
        "issuer, number, year",
    );
    type Item = Directive;
    type Model = directive::Model;
    type Key = Key;

    async fn check(
        db: &impl ConnectionTrait,
        input: Input<'_>,
        errors: &mut Errors,
    ) -> Result<(Vec<Directive>, Vec<directive::Model>)> {
        let (rows, layout) = (input.rows, input.layout);
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            let (Some(number), Some(kind), Some(issuer), Some(title), Some(issued_on)) = (
                r.text(KIND, "number"),
                r.choice(KIND, "kind").and_then(DirectiveKind::from_code),
                r.choice(KIND, "issuer")
                    .and_then(DirectiveIssuer::from_code),
                r.text(KIND, "title"),
                r.date(KIND, "issued_on"),
            ) else {
                continue;
            };
            if dates(
                errors,
                r.line,
                layout,
                KIND,
                &[("issued_on", Some(issued_on))],
                &[],
            ) {
                items.push(Directive {
                    line: r.line,
                    number,
                    kind: kind.code(),
                    issuer: issuer.code(),
                    title,
                    issued_on,
                });
            }
        }
        let numbers = distinct(rows, |r| r.text(KIND, "number"));
        let mut stored = Vec::new();
        for chunk in numbers.chunks(1_000) {
            stored.extend(
                directive::Entity::find()
                    .filter(directive::Column::Number.is_in(chunk.iter().cloned()))
                    .all(db)
                    .await?,
            );
        }
        Ok((items, stored))
    }

    fn line(d: &Directive) -> u32 {
        d.line
    }

    fn key(d: &Directive) -> Key {
        (d.issuer.to_owned(), d.number.clone(), d.issued_on.year())
    }

    fn stored_key(d: &directive::Model) -> Key {
        (d.issuer.clone(), d.number.clone(), d.issued_on.year())
    }

    fn id(d: &directive::Model) -> i32 {
        d.id
    }

    fn label(d: &Directive) -> String {
        format!("dòng {}: {} ({})", d.line, d.number, d.issuer)
    }

    fn differences(m: &directive::Model, d: &Directive) -> Vec<String> {
        let mut out = Vec::new();
        if m.kind != d.kind {
            out.push(change("loại", &m.kind, d.kind));
        }
        if m.title != d.title {
            out.push(change("trích yếu", &m.title, &d.title));
        }
        if m.issued_on != d.issued_on {
            out.push(change(
                "ngày ban hành",
                crate::format::date_vi(m.issued_on),
                crate::format::date_vi(d.issued_on),
            ));
        }
        out
    }

    fn unit(_: &directive::Model) -> Option<String> {
        None
    }

    fn item_unit(_: &Directive) -> Option<String> {
        None
    }

    async fn update(db: &impl ConnectionTrait, m: directive::Model, d: Directive) -> Result<()> {
        let mut row: directive::ActiveModel = m.into();
        row.kind = Set(d.kind.to_owned());
        row.search_title = Set(fold(&d.title));
        row.title = Set(d.title);
        row.issued_on = Set(d.issued_on);
        row.update(db).await?;
        Ok(())
    }

    async fn insert(db: &impl ConnectionTrait, items: &[Directive]) -> Result<()> {
        let rows = items.iter().map(|d| directive::ActiveModel {
            number: Set(d.number.clone()),
            kind: Set(d.kind.to_owned()),
            issuer: Set(d.issuer.to_owned()),
            search_title: Set(fold(&d.title)),
            title: Set(d.title.clone()),
            issued_on: Set(d.issued_on),
            ..Default::default()
        });
        directive::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
        Ok(())
    }

    /// Every document issued by `day`, oldest first.
    async fn export(
        db: &impl ConnectionTrait,
        _scope: &Scope,
        day: NaiveDate,
    ) -> Result<Vec<Vec<Value>>> {
        let mut rows = directive::Entity::find()
            .filter(directive::Column::IssuedOn.lte(day))
            .all(db)
            .await?;
        rows.sort_by_key(|d| (d.issued_on, d.id));
        Ok(rows
            .into_iter()
            .map(|d| {
                vec![
                    Value::Text(d.number),
                    choice(DirectiveKind::from_code(&d.kind).map(DirectiveKind::code)),
                    choice(DirectiveIssuer::from_code(&d.issuer).map(DirectiveIssuer::code)),
                    Value::Text(d.title),
                    Value::Date(d.issued_on),
                ]
            })
            .collect())
    }
}

/// A stored code as a choice cell (empty when the code is unknown).
pub fn choice(code: Option<&'static str>) -> Value {
    code.map_or(Value::None, Value::Choice)
}
