//! DataLoaders: every nested field goes through one of these keys, and each key type
//! costs one `IN (...)` statement per batch, so a page of rows with nested fields costs
//! a constant number of statements. The loader carries the caller's scope, so nested
//! lookups are scoped in SQL like the lists. A list whose page statement carries its
//! nodes' nested rows (`graphql::carry`) puts them in the loader's cache first: those
//! keys are then answered without a batch.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use chrono::NaiveDate;
use entity::{
    award, dialogue_session, district, headquarters, officer, party_membership, unit_period,
};
use sea_orm::DatabaseConnection;

use crate::auth::Scope;
use crate::service::headquarters::HqStatusRow;
use crate::service::officers::RankedOfficer;
use crate::service::{self, ServiceError};

/// The request's loader: the database and the caller's scope.
pub struct AppLoader {
    /// The pool.
    pub db: DatabaseConnection,
    /// The caller's scope, applied to every batch.
    pub scope: Scope,
}

/// The period of a unit code a record takes on a day (`units::period_on`: the latest to
/// start by that day, else the first): a record's `unit`. Its batch reads every period of
/// the codes it names (one statement); a page of records carries it
/// instead (`service::carry::row::unit_on_day`), `None` when the scope sees no period.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PeriodOn(pub String, pub NaiveDate);
/// A district by code.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DistrictByCode(pub String);
/// An officer by id.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct OfficerById(pub i32);
/// An officer by id read for the rank alone (see [`OfficerRanksOfUnit`]): a record's
/// `officer` asking only for what a rank row holds.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct OfficerRankById(pub i32);
/// The officers in post in a unit: now (`None`), or on a day (a unit period that ended:
/// its last day).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct OfficersOfUnit(pub String, pub Option<NaiveDate>);
/// The officers in post in a unit read for their rank alone (see [`OfficersOfUnit`]).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct OfficerRanksOfUnit(pub String, pub Option<NaiveDate>);
/// The chief in post in a unit (the first by id if there are several): now (`None`), or
/// on a day (a unit period that ended: its last day).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ChiefOfUnit(pub String, pub Option<NaiveDate>);
/// The chief in post in a unit read for the rank alone (see [`ChiefOfUnit`]).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ChiefRankOfUnit(pub String, pub Option<NaiveDate>);
/// The buildings a unit holds: now (`None`), or on a day (a unit period that ended: its
/// last day).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct HeadquartersOfUnit(pub String, pub Option<NaiveDate>);
/// The buildings a unit holds read for their model and status alone (see
/// [`HeadquartersOfUnit`]).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct HeadquartersStatusOfUnit(pub String, pub Option<NaiveDate>);
/// The committee seats in a unit: now (`None`), or held on a day.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct MembershipsOfUnit(pub String, pub Option<NaiveDate>);
/// The committee seats of an officer.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct MembershipsOfOfficer(pub i32);
/// The awards to a unit and its officers.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct AwardsOfUnit(pub String);
/// A dialogue session by id.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SessionById(pub i32);

type Loaded<K, V> = Result<HashMap<K, V>, Arc<ServiceError>>;

/// Indexes rows by a key: one value per key.
fn one<K: Eq + Hash, V>(rows: impl IntoIterator<Item = V>, key: impl Fn(&V) -> K) -> HashMap<K, V> {
    rows.into_iter().map(|r| (key(&r), r)).collect()
}

/// Groups rows by a key, keeping their order, each group and each row shared: every
/// field and record asking for a key's rows (a unit's `officers` and `officerCount`, the
/// answers built from them) takes the same rows from the loader's cache, not a copy.
fn shared<K: Eq + Hash, V>(
    rows: impl IntoIterator<Item = V>,
    key: impl Fn(&V) -> K,
) -> HashMap<K, Arc<[Arc<V>]>> {
    let mut groups: HashMap<K, Vec<Arc<V>>> = HashMap::new();
    for r in rows {
        groups.entry(key(&r)).or_default().push(Arc::new(r));
    }
    groups.into_iter().map(|(k, v)| (k, Arc::from(v))).collect()
}

fn codes<K>(keys: &[K], f: impl Fn(&K) -> String) -> Vec<String> {
    keys.iter().map(f).collect()
}

/// The codes of the keys, per day asked (`None`: now): one statement per day, and a
/// page of units asks one or two days.
fn by_day<K>(
    keys: &[K],
    parts: impl Fn(&K) -> (&String, Option<NaiveDate>),
) -> HashMap<Option<NaiveDate>, Vec<String>> {
    let mut out: HashMap<Option<NaiveDate>, Vec<String>> = HashMap::new();
    for k in keys {
        let (code, day) = parts(k);
        out.entry(day).or_default().push(code.clone());
    }
    out
}

/// The period of a code on a day: every key naming the same period (a page of officers
/// or buildings names the same few units) takes the same row, not a copy.
impl Loader<PeriodOn> for AppLoader {
    type Value = Option<Arc<unit_period::Model>>;
    type Error = Arc<ServiceError>;
    async fn load(&self, keys: &[PeriodOn]) -> Loaded<PeriodOn, Self::Value> {
        let mut names: Vec<String> = codes(keys, |k| k.0.clone());
        names.sort_unstable();
        names.dedup();
        let periods = service::units::periods_of(&self.db, &self.scope, &names).await?;
        let by_code = shared(periods, |p| p.code.clone());
        Ok(keys
            .iter()
            .map(|k| {
                let period = by_code
                    .get(&k.0)
                    .and_then(|periods| service::units::period_on(periods, k.1));
                (k.clone(), period.cloned())
            })
            .collect())
    }
}

/// A district, shared like a code's period.
impl Loader<DistrictByCode> for AppLoader {
    type Value = Arc<district::Model>;
    type Error = Arc<ServiceError>;
    async fn load(&self, keys: &[DistrictByCode]) -> Loaded<DistrictByCode, Self::Value> {
        let rows =
            service::districts::by_codes(&self.db, &self.scope, &codes(keys, |k| k.0.clone()))
                .await?;
        Ok(one(rows.into_iter().map(Arc::new), |r| {
            DistrictByCode(r.code.clone())
        }))
    }
}

impl Loader<OfficerById> for AppLoader {
    type Value = Arc<officer::Model>;
    type Error = Arc<ServiceError>;
    async fn load(&self, keys: &[OfficerById]) -> Loaded<OfficerById, Self::Value> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let rows = service::officers::by_ids(&self.db, &self.scope, &ids).await?;
        Ok(one(rows.into_iter().map(Arc::new), |r| OfficerById(r.id)))
    }
}

impl Loader<OfficerRankById> for AppLoader {
    type Value = Arc<RankedOfficer>;
    type Error = Arc<ServiceError>;
    async fn load(&self, keys: &[OfficerRankById]) -> Loaded<OfficerRankById, Self::Value> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let rows = service::officers::ranks_by_ids(&self.db, &self.scope, &ids).await?;
        Ok(one(rows.into_iter().map(Arc::new), |r| {
            OfficerRankById(r.id)
        }))
    }
}

/// A unit's officers, shared (see [`shared`]).
impl Loader<OfficersOfUnit> for AppLoader {
    type Value = Arc<[Arc<officer::Model>]>;
    type Error = Arc<ServiceError>;
    async fn load(&self, keys: &[OfficersOfUnit]) -> Loaded<OfficersOfUnit, Self::Value> {
        let mut out = HashMap::new();
        for (day, codes) in by_day(keys, |k| (&k.0, k.1)) {
            let rows =
                service::officers::in_post_by_units(&self.db, &self.scope, &codes, day).await?;
            out.extend(shared(rows, |r| OfficersOfUnit(r.unit_code.clone(), day)));
        }
        Ok(out)
    }
}

/// A unit's officers read for their rank alone, shared like [`OfficersOfUnit`].
impl Loader<OfficerRanksOfUnit> for AppLoader {
    type Value = Arc<[Arc<RankedOfficer>]>;
    type Error = Arc<ServiceError>;
    async fn load(&self, keys: &[OfficerRanksOfUnit]) -> Loaded<OfficerRanksOfUnit, Self::Value> {
        let mut out = HashMap::new();
        for (day, codes) in by_day(keys, |k| (&k.0, k.1)) {
            let rows =
                service::officers::ranks_in_post_by_units(&self.db, &self.scope, &codes, day)
                    .await?;
            out.extend(shared(rows, |r| {
                OfficerRanksOfUnit(r.unit_code.clone(), day)
            }));
        }
        Ok(out)
    }
}

/// The first row of each key (rows come by id: a unit's first chief is kept), shared.
fn first<K: Eq + Hash, V>(
    out: &mut HashMap<K, Arc<V>>,
    rows: impl IntoIterator<Item = V>,
    key: impl Fn(&V) -> K,
) {
    for r in rows {
        out.entry(key(&r)).or_insert_with(|| Arc::new(r));
    }
}

impl Loader<ChiefOfUnit> for AppLoader {
    type Value = Arc<officer::Model>;
    type Error = Arc<ServiceError>;
    async fn load(&self, keys: &[ChiefOfUnit]) -> Loaded<ChiefOfUnit, Self::Value> {
        let mut out = HashMap::new();
        for (day, codes) in by_day(keys, |k| (&k.0, k.1)) {
            let rows =
                service::officers::chiefs_by_units(&self.db, &self.scope, &codes, day).await?;
            first(&mut out, rows, |r| ChiefOfUnit(r.unit_code.clone(), day));
        }
        Ok(out)
    }
}

/// A unit's chief read for the rank alone, like [`ChiefOfUnit`]; a unit without a chief
/// has a `None` of its own, so that a page carrying its units' chiefs
/// (`graphql::carry`) can say so too.
impl Loader<ChiefRankOfUnit> for AppLoader {
    type Value = Option<Arc<RankedOfficer>>;
    type Error = Arc<ServiceError>;
    async fn load(&self, keys: &[ChiefRankOfUnit]) -> Loaded<ChiefRankOfUnit, Self::Value> {
        let mut found = HashMap::new();
        for (day, codes) in by_day(keys, |k| (&k.0, k.1)) {
            let rows =
                service::officers::chief_ranks_by_units(&self.db, &self.scope, &codes, day).await?;
            first(&mut found, rows, |r| {
                ChiefRankOfUnit(r.unit_code.clone(), day)
            });
        }
        Ok(keys
            .iter()
            .map(|k| (k.clone(), found.get(k).cloned()))
            .collect())
    }
}

/// A unit's buildings read for their model and status alone, shared like
/// [`HeadquartersOfUnit`].
impl Loader<HeadquartersStatusOfUnit> for AppLoader {
    type Value = Arc<[Arc<HqStatusRow>]>;
    type Error = Arc<ServiceError>;
    async fn load(
        &self,
        keys: &[HeadquartersStatusOfUnit],
    ) -> Loaded<HeadquartersStatusOfUnit, Self::Value> {
        let mut out = HashMap::new();
        for (day, codes) in by_day(keys, |k| (&k.0, k.1)) {
            let rows = service::headquarters::statuses_by_units(&self.db, &self.scope, &codes, day)
                .await?;
            out.extend(shared(rows, |r| {
                HeadquartersStatusOfUnit(r.unit_code.clone(), day)
            }));
        }
        Ok(out)
    }
}

impl Loader<HeadquartersOfUnit> for AppLoader {
    type Value = Arc<[Arc<headquarters::Model>]>;
    type Error = Arc<ServiceError>;
    async fn load(&self, keys: &[HeadquartersOfUnit]) -> Loaded<HeadquartersOfUnit, Self::Value> {
        let mut out = HashMap::new();
        for (day, codes) in by_day(keys, |k| (&k.0, k.1)) {
            let rows = service::headquarters::by_units(&self.db, &self.scope, &codes, day).await?;
            out.extend(shared(rows, |r| {
                HeadquartersOfUnit(r.unit_code.clone(), day)
            }));
        }
        Ok(out)
    }
}

impl Loader<MembershipsOfUnit> for AppLoader {
    type Value = Arc<[Arc<party_membership::Model>]>;
    type Error = Arc<ServiceError>;
    async fn load(&self, keys: &[MembershipsOfUnit]) -> Loaded<MembershipsOfUnit, Self::Value> {
        let mut out = HashMap::new();
        for (day, codes) in by_day(keys, |k| (&k.0, k.1)) {
            let rows =
                service::memberships::current_by_units(&self.db, &self.scope, &codes, day).await?;
            out.extend(shared(rows, |r| {
                MembershipsOfUnit(r.unit_code.clone(), day)
            }));
        }
        Ok(out)
    }
}

impl Loader<MembershipsOfOfficer> for AppLoader {
    type Value = Arc<[Arc<party_membership::Model>]>;
    type Error = Arc<ServiceError>;
    async fn load(
        &self,
        keys: &[MembershipsOfOfficer],
    ) -> Loaded<MembershipsOfOfficer, Self::Value> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let rows = service::memberships::by_officers(&self.db, &self.scope, &ids).await?;
        Ok(shared(rows, |r| MembershipsOfOfficer(r.officer_id)))
    }
}

impl Loader<AwardsOfUnit> for AppLoader {
    type Value = Arc<[Arc<award::Model>]>;
    type Error = Arc<ServiceError>;
    async fn load(&self, keys: &[AwardsOfUnit]) -> Loaded<AwardsOfUnit, Self::Value> {
        let rows =
            service::awards::by_units(&self.db, &self.scope, &codes(keys, |k| k.0.clone())).await?;
        Ok(shared(rows, |r| AwardsOfUnit(r.unit_code.clone())))
    }
}

impl Loader<SessionById> for AppLoader {
    type Value = dialogue_session::Model;
    type Error = Arc<ServiceError>;
    async fn load(&self, keys: &[SessionById]) -> Loaded<SessionById, Self::Value> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let rows = service::dialogue::sessions_by_ids(&self.db, &ids).await?;
        Ok(one(rows, |r| SessionById(r.id)))
    }
}
