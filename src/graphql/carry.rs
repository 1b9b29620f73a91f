//! What a list's page carries in its own statement for its nested fields (see
//! `service::carry`), chosen from the query's selection, and how the carried rows feed
//! the request's DataLoader. One row each: a record's unit
//! on its day (buildings, officers, union activities, dialogue questions, awards,
//! committee seats asking for `unit` or `askerUnit`) and that unit's `district`, a
//! record's `officer` (for the rank alone when that is all its selection asks, as the
//! field then loads it) or `session`, a unit's `district`. Aggregated, a list each: a
//! unit's `headquarters` (for the model, status and dates alone when that is all they
//! ask), and its `chief` or `officers` read for the rank alone. The
//! nested resolvers are unchanged: they ask the loader, which finds the rows in its cache
//! and runs no batch.
//!
//! The rows fed are those the loader's own statement returns for the key (the same
//! table, condition and scope rule), in the loader's order, so an answer is the same
//! whether carried or loaded. A field whose selection the page does not carry (a chief
//! asked for more than the rank, say) loads as before.
//!
//! The page's own rows: a node type declares the long texts only some of its fields read
//! ([`Lazy`]), and a page whose nodes ask for none of a column's fields leaves it out
//! ([`Carry::lazy`], `page::LeftOut`).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, Lookahead, Result};
use chrono::NaiveDate;
use entity::{dialogue_session, district, headquarters, officer, unit_period};
use sea_orm::sea_query::ValueType;
use sea_orm::{ColumnTrait, EntityName, EntityTrait, IdenStatic, ModelTrait};
use serde::de::DeserializeOwned;

use super::context::Ctx;
use super::error::GqlResult;
use super::loaders::{
    AppLoader, ChiefRankOfUnit, DistrictByCode, HeadquartersOfUnit, HeadquartersStatusOfUnit,
    OfficerById, OfficerRankById, OfficerRanksOfUnit, PeriodOn, SessionById,
};
use super::types::headquarters::STATUS_FIELDS;
use super::types::officer::RANKED_FIELDS;
use super::types::unit;
use crate::service::carry::row::{self, RecordDay};
use crate::service::carry::{self, Carried};
use crate::service::headquarters::{HqStatusRow, STATUS_COLUMNS};
use crate::service::officers::{RANKED_COLUMNS, RankedOfficer};
use crate::service::page::{CarryingRow, LeftOut};
use crate::service::scope::Scoped;
use crate::service::units::{day_of, day_until};

/// Which loader a carried column feeds.
enum Feed<M> {
    /// `PeriodOn` under the record's key, and `DistrictByCode` (`row::unit_on_day`).
    Unit(RecordKey<M>),
    /// `DistrictByCode`.
    District,
    /// `OfficerById`.
    Officer,
    /// `OfficerRankById`.
    OfficerRank,
    /// `SessionById`.
    Session,
    /// `OfficerRanksOfUnit` of the page's unit.
    OfficerRanks,
    /// `ChiefRankOfUnit` of the page's unit.
    ChiefRank,
    /// `HeadquartersOfUnit` of the page's unit.
    Headquarters,
    /// `HeadquartersStatusOfUnit` of the page's unit.
    HeadquartersStatus,
}

/// The `PeriodOn` key of a page's record: its unit code and its day (none: no unit).
type RecordKey<M> = Box<dyn Fn(&M) -> Option<PeriodOn> + Send + Sync>;

/// The columns a page of `M` carries and the loader each one feeds; for a page of
/// units, the key (code and day) of each row.
pub struct Carry<M> {
    carried: Vec<Carried>,
    feeds: Vec<Feed<M>>,
    unit_key: Option<UnitKey<M>>,
    left_out: Vec<LeftOut>,
}

/// The text columns of a list's table that only some fields read, each with those fields
/// (none: no field reads it, as the folded search columns). Declared by the node's type
/// beside its fields; a page leaves out those no node asks for ([`Carry::lazy`]).
pub type Lazy<C> = &'static [(C, &'static [&'static str])];

/// The key of a page's unit row: its code and the day its nested facts are taken on.
type UnitKey<M> = fn(&M) -> (String, Option<NaiveDate>);

/// The selections of a connection's nodes: `edges { node }` and `nodes`.
fn nodes<'a>(ctx: &'a Context<'_>) -> [Lookahead<'a>; 2] {
    let list = ctx.look_ahead();
    [list.field("edges").field("node"), list.field("nodes")]
}

/// `column` left out of a statement (`page::LeftOut`).
fn left_out<C: ColumnTrait>(column: &C) -> LeftOut {
    LeftOut {
        column: column.as_str(),
        nullable: column.def().is_null(),
    }
}

/// Whether either node selection asks for the field at `path` below the node (not
/// empty).
fn asks(nodes: &[Lookahead<'_>; 2], path: &[&str]) -> bool {
    nodes.iter().any(|n| {
        let mut at = n.field(path[0]);
        for name in &path[1..] {
            at = at.field(name);
        }
        at.exists()
    })
}

/// Whether every selection of `name` on the nodes asks only for `fields` (what a narrow
/// row holds: the field then reads such rows, as `RankedOfficer`s for
/// [`RANKED_FIELDS`]; see `types::unit`).
fn only(nodes: &[Lookahead<'_>; 2], name: &str, fields: &[&str]) -> bool {
    nodes.iter().all(|n| {
        n.field(name).selection_fields().iter().all(|f| {
            f.selection_set()
                .all(|child| fields.contains(&child.name()))
        })
    })
}

impl<M> Carry<M> {
    /// Nothing carried.
    pub fn none() -> Self {
        Self {
            carried: Vec::new(),
            feeds: Vec::new(),
            unit_key: None,
            left_out: Vec::new(),
        }
    }

    /// Whether the page carries nothing and leaves nothing out.
    pub fn is_empty(&self) -> bool {
        self.carried.is_empty() && self.left_out.is_empty()
    }

    /// The carried columns and those left out, for `page::fetch_carrying`, taken out (the
    /// feeds stay): the page's statement owns their subqueries, which a borrow made it
    /// clone (4% of a page of 50 units' instructions, with their drops).
    pub fn take_columns(&mut self) -> (Vec<Carried>, Vec<LeftOut>) {
        (
            std::mem::take(&mut self.carried),
            std::mem::take(&mut self.left_out),
        )
    }

    fn push(&mut self, carried: Carried, feed: Feed<M>) {
        self.carried.push(carried);
        self.feeds.push(feed);
    }

    /// Also, when nodes ask for `field`, the row of `T` whose `target` column equals the
    /// page's `at` column: its `columns` (every column when none).
    fn and_row<E: EntityTrait, T: Scoped>(
        mut self,
        ctx: &Context<'_>,
        (field, alias): (&str, &'static str),
        (target, at): (T::Column, E::Column),
        (columns, feed): (&[T::Column], Feed<M>),
    ) -> Self {
        if asks(&nodes(ctx), &[field]) {
            let at = (E::default().table_name(), at.as_str());
            let backend = ctx.db().get_database_backend();
            self.push(
                row::row_of::<T>(backend, ctx.scope(), alias, (target, at), columns),
                feed,
            );
        }
        self
    }

    /// Decodes the carried columns of `rows` and puts their rows in the loader's cache.
    pub async fn feed(&self, ctx: &Context<'_>, rows: &[CarryingRow<M>]) -> Result<()> {
        let loader = ctx.loader();
        for (i, feed) in self.feeds.iter().enumerate() {
            match feed {
                Feed::Unit(key) => {
                    let (periods, districts) = units_on_day(rows, key, i)?;
                    loader.feed_many(periods).await;
                    loader.feed_many(districts).await;
                }
                Feed::District => {
                    let fed = by_key(rows, i, |d: &district::Model| {
                        DistrictByCode(d.code.clone())
                    })?;
                    loader
                        .feed_many(fed.into_iter().map(|(k, d)| (k, Arc::new(d))))
                        .await;
                }
                Feed::Officer => {
                    let fed = by_key(rows, i, |o: &officer::Model| OfficerById(o.id))?;
                    loader
                        .feed_many(fed.into_iter().map(|(k, o)| (k, Arc::new(o))))
                        .await;
                }
                Feed::OfficerRank => {
                    let fed = by_key(rows, i, |o: &RankedOfficer| OfficerRankById(o.id))?;
                    loader
                        .feed_many(fed.into_iter().map(|(k, o)| (k, Arc::new(o))))
                        .await;
                }
                Feed::Session => {
                    let fed = by_key(rows, i, |s: &dialogue_session::Model| SessionById(s.id))?;
                    loader.feed_many(fed).await;
                }
                Feed::OfficerRanks => {
                    let fed =
                        self.per_unit(rows, i, OfficerRanksOfUnit, |r: &RankedOfficer| r.id)?;
                    feed_lists(ctx, fed).await;
                }
                Feed::ChiefRank => {
                    // the first chief by id, as the loader keeps
                    let fed = self.per_unit(rows, i, ChiefRankOfUnit, |r: &RankedOfficer| r.id)?;
                    let fed = fed
                        .into_iter()
                        .map(|(k, chiefs)| (k, chiefs.into_iter().next().map(Arc::new)));
                    loader.feed_many(fed).await;
                }
                Feed::Headquarters => {
                    let fed =
                        self.per_unit(rows, i, HeadquartersOfUnit, |h: &headquarters::Model| h.id)?;
                    feed_lists(ctx, fed).await;
                }
                Feed::HeadquartersStatus => {
                    let fed =
                        self.per_unit(rows, i, HeadquartersStatusOfUnit, |h: &HqStatusRow| h.id)?;
                    feed_lists(ctx, fed).await;
                }
            }
        }
        Ok(())
    }

    /// For a page of units: each row's carried rows of column `i`, by id (the loaders'
    /// order), under the row's key.
    fn per_unit<K, V: DeserializeOwned>(
        &self,
        rows: &[CarryingRow<M>],
        i: usize,
        key: fn(String, Option<NaiveDate>) -> K,
        id: fn(&V) -> i32,
    ) -> Result<Vec<(K, Vec<V>)>> {
        let Some(unit_key) = self.unit_key else {
            return Ok(Vec::new());
        };
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let mut values = carry::rows::<V>(r.carried[i].as_deref()).gql()?;
            values.sort_by_key(id);
            let (code, day) = unit_key(&r.row);
            out.push((key(code, day), values));
        }
        Ok(out)
    }
}

impl<M: ModelTrait> Carry<M> {
    /// Also leaves out each `lazy` column whose fields no node asks for.
    pub fn lazy(
        mut self,
        ctx: &Context<'_>,
        lazy: Lazy<<M::Entity as EntityTrait>::Column>,
    ) -> Self {
        let nodes = nodes(ctx);
        for (column, fields) in lazy {
            if !fields.iter().any(|f| asks(&nodes, &[f])) {
                self.left_out.push(left_out(column));
            }
        }
        self
    }

    /// For a page of records of `M`'s table placed at a unit code (`code`: buildings,
    /// officers, awards...) answering it in the nested field `field` (`unit`,
    /// `askerUnit`) on the record's `day`: that unit when nodes ask for it, and its
    /// district when they ask for the unit's `district`.
    pub fn unit_at(
        ctx: &Context<'_>,
        field: &str,
        code: <M::Entity as EntityTrait>::Column,
        day: RecordDay<<M::Entity as EntityTrait>::Column>,
    ) -> Self {
        let mut out = Self::none();
        let nodes = nodes(ctx);
        if !asks(&nodes, &[field]) {
            return out;
        }
        let (backend, scope, today) = (
            ctx.db().get_database_backend(),
            ctx.scope(),
            ctx.request().today,
        );
        let table = M::Entity::default().table_name();
        let sql_day = match day {
            RecordDay::On(c) => RecordDay::On((table, c.as_str())),
            RecordDay::Until(c) => RecordDay::Until((table, c.as_str())),
        };
        let with_district = asks(&nodes, &[field, "district"]);
        // the columns no field of a unit reads, whatever the document asks
        let unread: Vec<LeftOut> = unit::LAZY
            .iter()
            .filter(|(_, fields)| fields.is_empty())
            .map(|(column, _)| left_out(column))
            .collect();
        let unit = row::unit_on_day(
            backend,
            scope,
            "carried_unit",
            ((table, code.as_str()), sql_day),
            today,
            (with_district, &unread),
        );
        let key: RecordKey<M> = Box::new(move |m: &M| {
            let code = value::<String>(m.get(code))?;
            let day = match day {
                RecordDay::On(c) => value::<NaiveDate>(m.get(c))?,
                RecordDay::Until(c) => day_until(value::<NaiveDate>(m.get(c)), today),
            };
            Some(PeriodOn(code, day))
        });
        out.push(unit, Feed::Unit(key));
        out
    }

    /// Also the officer whose id is in `id` (a column of the page's table) when nodes
    /// ask for `officer`: for the rank alone when every selection of it asks only for
    /// that (`ranked_only`, what the field then loads), else the whole row.
    pub fn and_officer(self, ctx: &Context<'_>, id: <M::Entity as EntityTrait>::Column) -> Self {
        let feed = match only(&nodes(ctx), "officer", &RANKED_FIELDS) {
            true => (&RANKED_COLUMNS[..], Feed::OfficerRank),
            false => (&[][..], Feed::Officer),
        };
        self.and_row::<M::Entity, officer::Entity>(
            ctx,
            ("officer", "carried_officer"),
            (officer::Column::Id, id),
            feed,
        )
    }

    /// Also the dialogue session whose id is in `id` (a column of the page's table)
    /// when nodes ask for `session`.
    pub fn and_session(self, ctx: &Context<'_>, id: <M::Entity as EntityTrait>::Column) -> Self {
        self.and_row::<M::Entity, dialogue_session::Entity>(
            ctx,
            ("session", "carried_session"),
            (dialogue_session::Column::Id, id),
            (&[], Feed::Session),
        )
    }
}

impl Carry<unit_period::Model> {
    /// For a page of units: the district of each when nodes ask for `district`; the
    /// buildings each holds when they ask for `headquarters`; the chief, and the
    /// officers, when nodes ask for them by rank alone (`ranked_only`).
    pub fn units(ctx: &Context<'_>) -> Self {
        let mut out = Self::none();
        out.unit_key = Some(|p| (p.code.clone(), day_of(p)));
        let nodes = nodes(ctx);
        let (backend, scope) = (ctx.db().get_database_backend(), ctx.scope());
        if asks(&nodes, &["district"]) {
            let code = (
                unit_period::Entity.table_name(),
                unit_period::Column::DistrictCode.as_str(),
            );
            out.push(
                row::district_of(backend, scope, "carried_district", code),
                Feed::District,
            );
        }
        if asks(&nodes, &["headquarters"]) {
            let (columns, feed) = match only(&nodes, "headquarters", &STATUS_FIELDS) {
                true => (&STATUS_COLUMNS[..], Feed::HeadquartersStatus),
                false => (&[][..], Feed::Headquarters),
            };
            out.push(
                carry::headquarters_of_unit(backend, scope, "carried_headquarters", columns),
                feed,
            );
        }
        if asks(&nodes, &["chief"]) && only(&nodes, "chief", &RANKED_FIELDS) {
            out.push(
                carry::officer_ranks_of_unit(backend, scope, "carried_chief", true),
                Feed::ChiefRank,
            );
        }
        if asks(&nodes, &["officers"]) && only(&nodes, "officers", &RANKED_FIELDS) {
            out.push(
                carry::officer_ranks_of_unit(backend, scope, "carried_officers", false),
                Feed::OfficerRanks,
            );
        }
        out
    }
}

/// A model's value of a column (none: NULL, or not a `T`).
fn value<T>(v: sea_orm::Value) -> Option<T>
where
    Option<T>: ValueType,
{
    <Option<T> as ValueType>::try_from(v).ok().flatten()
}

/// Maps of the rows fed (foldhash, as the loader's cache: see `context::LoaderCache`).
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The rows of a one-row column `i`, by key. A text equal to the row before's (rows of
/// a page often name the same officer or district one after the other) is not decoded
/// again; no text is hashed.
fn by_key<M, K: Hash + Eq, V: DeserializeOwned>(
    rows: &[CarryingRow<M>],
    i: usize,
    key: fn(&V) -> K,
) -> Result<Map<K, V>> {
    let mut out = Map::default();
    let mut before = None;
    for r in rows {
        let text = r.carried[i].as_deref();
        if text.is_some()
            && text != before
            && let Some(row) = row::one::<V>(text).gql()?
        {
            out.insert(key(&row), row);
        }
        before = text;
    }
    Ok(out)
}

/// A page of records' units on their days (column `i`: `row::unit_on_day`), under each
/// record's `PeriodOn` key (none: the scope sees no period of the code), and the
/// districts they carry. Each key's text is decoded once.
#[allow(clippy::type_complexity)]
fn units_on_day<M>(
    rows: &[CarryingRow<M>],
    key: &RecordKey<M>,
    i: usize,
) -> Result<(
    Map<PeriodOn, Option<Arc<unit_period::Model>>>,
    Map<DistrictByCode, Arc<district::Model>>,
)> {
    let (mut periods, mut districts) = (Map::default(), Map::default());
    for r in rows {
        let Some(k) = key(&r.row) else {
            continue;
        };
        // a key carried by a row before (the same code and day carry the same text,
        // and once a run leaves NULL after the first): nothing to decode
        if periods.contains_key(&k) {
            continue;
        }
        let carried = r.carried[i].as_deref();
        let decoded = row::one::<(unit_period::Model, Option<district::Model>)>(carried).gql()?;
        let period = decoded.map(|(period, district)| {
            if let Some(d) = district {
                districts.insert(DistrictByCode(d.code.clone()), Arc::new(d));
            }
            Arc::new(period)
        });
        periods.insert(k, period);
    }
    Ok((periods, districts))
}

/// Feeds lists of rows, each row shared as the loaders share them.
async fn feed_lists<K, V>(ctx: &Context<'_>, fed: Vec<(K, Vec<V>)>)
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    AppLoader: Loader<K, Value = Arc<[Arc<V>]>>,
{
    let fed = fed
        .into_iter()
        .map(|(k, rows)| (k, rows.into_iter().map(Arc::new).collect::<Arc<[_]>>()));
    ctx.loader().feed_many(fed).await;
}

#[cfg(test)]
mod tests {
    use sea_orm::{ColumnTrait, ColumnType, EntityTrait};

    use super::Lazy;
    use crate::graphql::types::{
        award, dialogue, directive, headquarters, officer, union_activity, unit,
    };

    /// The stand-in of a left-out column is an empty text (or NULL): only a text column
    /// decodes it.
    fn texts<E: EntityTrait>(lazy: Lazy<E::Column>) -> usize {
        for (column, _) in lazy {
            let kind = column.def().get_column_type().clone();
            assert!(
                matches!(
                    kind,
                    ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_)
                ),
                "{column:?} is {kind:?}, not text"
            );
        }
        lazy.len()
    }

    #[test]
    fn only_text_columns_are_left_out() {
        let declared = texts::<entity::dialogue_question::Entity>(dialogue::QUESTION_LAZY)
            + texts::<entity::directive::Entity>(directive::LAZY)
            + texts::<entity::award::Entity>(award::LAZY)
            + texts::<entity::union_activity::Entity>(union_activity::LAZY)
            + texts::<entity::headquarters::Entity>(headquarters::LAZY)
            + texts::<entity::officer::Entity>(officer::LAZY)
            + texts::<entity::unit_period::Entity>(unit::LAZY);
        assert_eq!(declared, 16);
    }
}
