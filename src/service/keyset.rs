//! Keyset pagination, between the list queries of `service/*` and the database: a list's
//! order (one sort column, then the primary key), the key of a row in that order, and the
//! condition "after this key" that replaces OFFSET, so a page starts where the last one
//! ended whatever was written in between, and a deep page costs what the first does.
//!
//! NULL sort values count as larger than every value (last ascending, first descending),
//! written out in the ORDER BY so SQLite and PostgreSQL agree.

use chrono::NaiveDate;
use sea_orm::sea_query::{ColumnType, NullOrdering};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, IdenStatic, ModelTrait, QueryFilter, QueryOrder, Select,
    Value,
};
use serde_json::Value as Json;

use super::page::SortDirection;

/// Longest text accepted as a key value in a cursor.
const MAX_TEXT_KEY: usize = 1024;

/// The position of a row in a listing's order, checked against the key columns' types.
#[derive(Clone, Debug)]
pub enum Key {
    /// The primary key, when the list is sorted by it.
    Id(Value),
    /// The sort value (NULL allowed where the column is nullable) and the primary key.
    Pair(Value, Value),
}

/// A list query before paging: its rows (filtered and scoped, not ordered) and its order.
pub struct Listing<E: EntityTrait> {
    /// The list's name (the GraphQL field), recorded in its cursors.
    pub list: &'static str,
    /// The order's name (field and direction), recorded in its cursors.
    pub order: String,
    /// The filtered and scoped rows, without ORDER BY.
    pub select: Select<E>,
    /// The sort column.
    pub sort: E::Column,
    /// The primary key, which breaks ties.
    pub pk: E::Column,
    /// Sort direction (of the sort column and the primary key).
    pub direction: SortDirection,
}

impl<E: EntityTrait> Listing<E> {
    /// A listing of `select` by `sort`, then by `pk`, in `direction`.
    pub fn new(
        list: &'static str,
        order: String,
        select: Select<E>,
        (sort, pk): (E::Column, E::Column),
        direction: SortDirection,
    ) -> Self {
        Self {
            list,
            order,
            select,
            sort,
            pk,
            direction,
        }
    }

    /// The columns of the key: the sort column then the primary key (once when they are one).
    pub fn key_columns(&self) -> Vec<E::Column> {
        if self.sort.as_str() == self.pk.as_str() {
            vec![self.pk]
        } else {
            vec![self.sort, self.pk]
        }
    }

    /// The key of `row` in this order (for a cursor: [`key_json`] writes it), if every
    /// value of it has a cursor form.
    pub fn key_of(&self, row: &E::Model) -> Option<Vec<Value>> {
        let key: Vec<Value> = self.key_columns().into_iter().map(|c| row.get(c)).collect();
        key.iter().all(has_json_form).then_some(key)
    }

    /// Checks a key read from a cursor against the key columns' types; `None` if it does not fit.
    pub fn parse_key(&self, key: &[Json]) -> Option<Key> {
        match (self.key_columns().as_slice(), key) {
            ([pk], [id]) => Some(Key::Id(from_json(*pk, id)?)),
            ([sort, pk], [v, id]) => Some(Key::Pair(from_json(*sort, v)?, from_json(*pk, id)?)),
            _ => None,
        }
    }

    /// The rows in this order (NULL sort values last ascending, first descending).
    pub fn ordered(&self) -> Select<E> {
        let order = self.direction.order();
        let select = match self.sort.def().is_null() {
            true => self
                .select
                .clone()
                .order_by_with_nulls(self.sort, order.clone(), self.nulls()),
            false => self.select.clone().order_by(self.sort, order.clone()),
        };
        match self.sort.as_str() == self.pk.as_str() {
            true => select,
            false => select.order_by(self.pk, order),
        }
    }

    /// The rows in this order that come after the row whose key is `key` (from [`Self::parse_key`]).
    pub fn after(&self, key: &Key) -> Select<E> {
        let ordered = self.ordered();
        match key.clone() {
            Key::Id(id) => ordered.filter(self.beyond(self.pk, id)),
            Key::Pair(v, id) => ordered.filter(self.after_pair(v, id)),
        }
    }

    fn nulls(&self) -> NullOrdering {
        match self.direction {
            SortDirection::Asc => NullOrdering::Last,
            SortDirection::Desc => NullOrdering::First,
        }
    }

    /// `col > v` ascending, `col < v` descending.
    fn beyond(&self, col: E::Column, v: Value) -> sea_orm::sea_query::SimpleExpr {
        match self.direction {
            SortDirection::Asc => col.gt(v),
            SortDirection::Desc => col.lt(v),
        }
    }

    /// After a row whose sort value is `v`: `sort > v OR (sort = v AND pk > id)` (for
    /// ascending), with NULL as the largest sort value.
    fn after_pair(&self, v: Value, id: Value) -> Condition {
        let (sort, tie) = (self.sort, self.beyond(self.pk, id));
        if is_null_value(&v) {
            let nulls_after = Condition::all().add(sort.is_null()).add(tie);
            return match self.direction {
                SortDirection::Asc => nulls_after,
                SortDirection::Desc => Condition::any().add(sort.is_not_null()).add(nulls_after),
            };
        }
        let past = Condition::any()
            .add(self.beyond(sort, v.clone()))
            .add(Condition::all().add(sort.eq(v.clone())).add(tie));
        match self.direction {
            SortDirection::Asc if sort.def().is_null() => past.add(sort.is_null()),
            // The redundant `sort >= v` lets PostgreSQL start on an index of the sort column.
            SortDirection::Asc => Condition::all().add(sort.gte(v)).add(past),
            SortDirection::Desc => Condition::all().add(sort.lte(v)).add(past),
        }
    }
}

fn is_null_value(v: &Value) -> bool {
    matches!(
        v,
        Value::Int(None) | Value::BigInt(None) | Value::String(None) | Value::ChronoDate(None)
    )
}

/// A row's key ([`Listing::key_of`]) as JSON, written only when a cursor is asked for.
pub fn key_json(key: &[Value]) -> Vec<Json> {
    key.iter()
        .map(|v| to_json(v).unwrap_or(Json::Null))
        .collect()
}

/// Whether [`to_json`] writes `v` (the same variants; checked without writing, so a
/// page's cursors write nothing until one is asked for).
fn has_json_form(v: &Value) -> bool {
    matches!(
        v,
        Value::Int(_)
            | Value::BigInt(_)
            | Value::SmallInt(_)
            | Value::String(_)
            | Value::ChronoDate(_)
    )
}

/// A key value as JSON: integers, text, dates as `YYYY-MM-DD`, NULL as null.
fn to_json(v: &Value) -> Option<Json> {
    Some(match v {
        Value::Int(None)
        | Value::BigInt(None)
        | Value::SmallInt(None)
        | Value::String(None)
        | Value::ChronoDate(None) => Json::Null,
        Value::Int(Some(n)) => (*n).into(),
        Value::SmallInt(Some(n)) => (*n).into(),
        Value::BigInt(Some(n)) => (*n).into(),
        Value::String(Some(s)) => s.as_str().into(),
        Value::ChronoDate(Some(d)) => d.to_string().into(),
        _ => return None,
    })
}

/// A JSON key value as a value of `col`, if it has the column's type (NULL only if nullable).
fn from_json<C: ColumnTrait>(col: C, v: &Json) -> Option<Value> {
    let def = col.def();
    let ty = def.get_column_type();
    if v.is_null() {
        return def.is_null().then(|| null_of(ty)).flatten();
    }
    match ty {
        ColumnType::Integer | ColumnType::SmallInteger | ColumnType::TinyInteger => v
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(|n| Value::Int(Some(n))),
        ColumnType::BigInteger => v.as_i64().map(|n| Value::BigInt(Some(n))),
        ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_) => v
            .as_str()
            .filter(|s| s.len() <= MAX_TEXT_KEY)
            .map(|s| Value::String(Some(s.to_owned()))),
        ColumnType::Date => v
            .as_str()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .map(|d| Value::ChronoDate(Some(d))),
        _ => None,
    }
}

fn null_of(ty: &ColumnType) -> Option<Value> {
    match ty {
        ColumnType::Integer | ColumnType::SmallInteger | ColumnType::TinyInteger => {
            Some(Value::Int(None))
        }
        ColumnType::BigInteger => Some(Value::BigInt(None)),
        ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_) => Some(Value::String(None)),
        ColumnType::Date => Some(Value::ChronoDate(None)),
        _ => None,
    }
}

/// The name of an order in cursors: the sort field and the direction, e.g. `Unit:Asc`.
pub fn order_name(field: &impl std::fmt::Debug, direction: SortDirection) -> String {
    let field = format!("{field:?}");
    format!("{}:{direction:?}", field.trim_matches('"'))
}

#[cfg(test)]
mod tests {
    use entity::headquarters as hq;
    use sea_orm::{DbBackend, QueryTrait};

    use super::*;

    #[test]
    fn a_key_value_has_a_cursor_form_exactly_when_it_is_written() {
        let day = NaiveDate::from_ymd_opt(2025, 7, 1).expect("day");
        let values = [
            Value::Int(Some(7)),
            Value::Int(None),
            Value::BigInt(Some(7)),
            Value::SmallInt(Some(7)),
            Value::String(Some("21010".into())),
            Value::String(None),
            Value::ChronoDate(Some(day)),
            Value::Bool(Some(true)),
            Value::Double(Some(1.5)),
        ];
        for v in &values {
            assert_eq!(has_json_form(v), to_json(v).is_some(), "{v:?}");
        }
        assert_eq!(key_json(&values[..7])[6], Json::from("2025-07-01"));
    }

    fn listing(direction: SortDirection) -> Listing<hq::Entity> {
        let cols = (hq::Column::BudgetMillionVnd, hq::Column::Id);
        let order = order_name(&"Budget", direction);
        let scoped = hq::Entity::find().filter(hq::Column::UnitCode.eq("21010"));
        Listing::new("headquarters", order, scoped, cols, direction)
    }

    fn sql(select: Select<hq::Entity>, backend: DbBackend) -> String {
        let sql = select.build(backend).to_string();
        sql[sql.find(" WHERE").or(sql.find(" ORDER")).unwrap_or(0)..].to_owned()
    }

    #[test]
    fn the_scope_stays_outside_the_keyset_condition_and_nulls_sort_as_largest() {
        let (v, id) = (Value::BigInt(Some(5)), Value::Int(Some(7)));
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            let asc = sql(
                listing(SortDirection::Asc).after(&Key::Pair(v.clone(), id.clone())),
                backend,
            );
            assert!(
                asc.contains(r#"= '21010' AND ("headquarters"."budget_million_vnd" > 5 OR"#),
                "{asc}"
            );
            assert!(asc.ends_with(r#"IS NULL) ORDER BY "headquarters"."budget_million_vnd" ASC NULLS LAST, "headquarters"."id" ASC"#), "{asc}");
            let desc = sql(
                listing(SortDirection::Desc).after(&Key::Pair(Value::BigInt(None), id.clone())),
                backend,
            );
            assert!(
                desc.contains(
                    r#"= '21010' AND ("headquarters"."budget_million_vnd" IS NOT NULL OR ("#
                ),
                "{desc}"
            );
            assert!(desc.contains("DESC NULLS FIRST"), "{desc}");
        }
    }

    #[test]
    fn keys_from_cursors_must_have_the_columns_types() {
        let l = listing(SortDirection::Asc);
        assert!(
            l.parse_key(&[serde_json::json!(5), serde_json::json!(7)])
                .is_some()
        );
        assert!(
            l.parse_key(&[Json::Null, serde_json::json!(7)]).is_some(),
            "budget is nullable"
        );
        for bad in [
            serde_json::json!([5, null]),
            serde_json::json!([5, 2_147_483_648_i64]),
            serde_json::json!([5, "7"]),
            serde_json::json!([5.5, 7]),
            serde_json::json!([5]),
            serde_json::json!([5, 7, 9]),
        ] {
            let key = bad.as_array().cloned().unwrap_or_default();
            assert!(l.parse_key(&key).is_none(), "{bad}");
        }
    }
}
