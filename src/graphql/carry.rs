//! What a list's page carries in its own statement for its nested fields (see
//! `service::carry`), chosen from the query's selection, and how the carried rows feed
//! the request's DataLoader. A page of buildings or officers asking for `unit` (and the
//! unit's `district`); a page of units asking for `district`, `headquarters`, and
//! `chief` or `officers` read for the rank alone. The nested resolvers are unchanged:
//! they ask the loader, which finds the rows in its cache and runs no batch.
//!
//! The rows fed are those the loader's own statement returns for the key (the same
//! table, condition and scope rule), in the loader's order, so an answer is the same
//! whether carried or loaded. A field whose selection the page does not carry (a chief
//! asked for more than the rank, say) loads as before.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, Lookahead, Result};
use chrono::NaiveDate;
use entity::{district, headquarters, unit_period};
use sea_orm::{EntityTrait, IdenStatic};
use serde::de::DeserializeOwned;

use super::context::Ctx;
use super::error::GqlResult;
use super::loaders::{
    AppLoader, ChiefRankOfUnit, DistrictByCode, HeadquartersOfUnit, OfficerRanksOfUnit,
    PeriodsOfCode,
};
use super::types::officer::RANKED_FIELDS;
use crate::service::carry::{self, Carried};
use crate::service::officers::RankedOfficer;
use crate::service::page::CarryingRow;
use crate::service::units::day_of;

/// Which loader a carried column feeds.
#[derive(Clone, Copy, Debug)]
enum Feed {
    /// `PeriodsOfCode`: every period of a unit code.
    Periods,
    /// `DistrictByCode`: districts.
    Districts,
    /// `OfficerRanksOfUnit` of the page's unit.
    OfficerRanks,
    /// `ChiefRankOfUnit` of the page's unit.
    ChiefRank,
    /// `HeadquartersOfUnit` of the page's unit.
    Headquarters,
}

/// The columns a page of `M` carries and the loader each one feeds; for a page of
/// units, the key (code and day) of each row.
pub struct Carry<M> {
    carried: Vec<Carried>,
    feeds: Vec<Feed>,
    unit_key: Option<UnitKey<M>>,
}

/// The key of a page's unit row: its code and the day its nested facts are taken on.
type UnitKey<M> = fn(&M) -> (String, Option<NaiveDate>);

/// The selections of a connection's nodes: `edges { node }` and `nodes`.
fn nodes<'a>(ctx: &'a Context<'_>) -> [Lookahead<'a>; 2] {
    let list = ctx.look_ahead();
    [list.field("edges").field("node"), list.field("nodes")]
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

/// Whether every selection of `name` on the nodes asks only for what a rank row holds
/// (the field then reads `RankedOfficer`s: see `types::unit`).
fn ranked_only(nodes: &[Lookahead<'_>; 2], name: &str) -> bool {
    nodes.iter().all(|n| {
        n.field(name).selection_fields().iter().all(|f| {
            f.selection_set()
                .all(|child| RANKED_FIELDS.contains(&child.name()))
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
        }
    }

    /// Whether the page carries nothing.
    pub fn is_empty(&self) -> bool {
        self.carried.is_empty()
    }

    /// The carried columns, for `page::fetch_carrying`.
    pub fn columns(&self) -> &[Carried] {
        &self.carried
    }

    fn push(&mut self, carried: Carried, feed: Feed) {
        self.carried.push(carried);
        self.feeds.push(feed);
    }

    /// For a page of records placed at a unit code (`code`, a column of the page's
    /// table: buildings, officers): the periods of the code when nodes ask for `unit`,
    /// and their districts when they ask for the unit's `district`.
    pub fn unit_at<E: EntityTrait>(ctx: &Context<'_>, code: E::Column) -> Self {
        let code = (E::default().table_name(), code.as_str());
        let mut out = Self::none();
        let nodes = nodes(ctx);
        if !asks(&nodes, &["unit"]) {
            return out;
        }
        let (backend, scope) = (ctx.db().get_database_backend(), ctx.scope());
        out.push(
            carry::periods_of_code(backend, scope, "carried_periods", code),
            Feed::Periods,
        );
        if asks(&nodes, &["unit", "district"]) {
            out.push(
                carry::districts_of_code(backend, scope, "carried_districts", code),
                Feed::Districts,
            );
        }
        out
    }

    /// Decodes the carried columns of `rows` and puts their rows in the loader's cache.
    pub async fn feed(&self, ctx: &Context<'_>, rows: &[CarryingRow<M>]) -> Result<()> {
        for (i, feed) in self.feeds.iter().enumerate() {
            let texts = || rows.iter().map(move |r| r.carried[i].as_deref());
            let loader = ctx.loader();
            match feed {
                Feed::Periods => {
                    let mut by_code = HashMap::new();
                    for text in distinct(texts()) {
                        let mut periods = carry::rows::<unit_period::Model>(text).gql()?;
                        // a code the scope cannot see carries none: its field asks the
                        // loader, which finds none either
                        let Some(first) = periods.first() else {
                            continue;
                        };
                        let key = PeriodsOfCode(first.code.clone());
                        // the loader's order (`units::periods_of`)
                        periods.sort_by_key(|p| p.valid_from);
                        by_code.insert(key, periods.into_iter().map(Arc::new).collect());
                    }
                    loader.feed_many(by_code).await;
                }
                Feed::Districts => {
                    let mut by_code = HashMap::new();
                    for text in distinct(texts()) {
                        for d in carry::rows::<district::Model>(text).gql()? {
                            by_code
                                .entry(DistrictByCode(d.code.clone()))
                                .or_insert_with(|| Arc::new(d));
                        }
                    }
                    loader.feed_many(by_code).await;
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
            out.push(
                carry::district_of(
                    backend,
                    scope,
                    "carried_district",
                    (unit_period::Entity, unit_period::Column::DistrictCode),
                ),
                Feed::Districts,
            );
        }
        if asks(&nodes, &["headquarters"]) {
            out.push(
                carry::headquarters_of_unit(backend, scope, "carried_headquarters"),
                Feed::Headquarters,
            );
        }
        if asks(&nodes, &["chief"]) && ranked_only(&nodes, "chief") {
            out.push(
                carry::officer_ranks_of_unit(backend, scope, "carried_chief", true),
                Feed::ChiefRank,
            );
        }
        if asks(&nodes, &["officers"]) && ranked_only(&nodes, "officers") {
            out.push(
                carry::officer_ranks_of_unit(backend, scope, "carried_officers", false),
                Feed::OfficerRanks,
            );
        }
        out
    }
}

/// The distinct texts of a column: rows of a page often carry the same (buildings of
/// one unit, units of one district), each decoded once.
fn distinct<'a>(
    texts: impl Iterator<Item = Option<&'a str>>,
) -> impl Iterator<Item = Option<&'a str>> {
    let mut seen = HashSet::new();
    texts.filter(move |t| seen.insert(*t))
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
