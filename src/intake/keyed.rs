//! The shared half of every kind's import, between the parsed rows ([`super::parse`])
//! and the transaction ([`super::run`]): a kind implements [`Keyed`] (its checks of the
//! rows, the stored records it is compared with, its natural key, what an update
//! changes and how it writes), and [`import`] does the rest the same way for all: the
//! same record twice in the file refused, each row matched to the stored record of its
//! key, created / updated / unchanged counted with samples, and with a complete file
//! the stored records in force on the day and missing from it ended (kinds that are
//! never ended say so by not overriding [`Keyed::ends`]). Writes go ends first, then
//! updates, then inserts in batches.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

use super::cell::{Problem, Value};
use super::check::{Counts, Samples};
use super::errors::Errors;
use super::kind::Kind;
use super::parse::{Layout, Row};
use crate::auth::Scope;
use crate::service::Result;

/// Rows inserted per statement.
pub const BATCH: usize = 500;

/// What a kind's checks read: the caller's scope, the rows, where the columns are and
/// the day of a complete file.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    /// What the caller may write.
    pub scope: &'a Scope,
    /// The parsed rows.
    pub rows: &'a [Row],
    /// Where each column is.
    pub layout: &'a Layout,
    /// The day of a complete file.
    pub complete: Option<NaiveDate>,
}

/// What a kind's check gives: the file's items and the stored records they are compared with.
pub type Checked<K> = (Vec<<K as Keyed>::Item>, Vec<<K as Keyed>::Model>);

/// A kind of record compared by its natural key.
pub trait Keyed {
    /// The kind.
    const KIND: Kind;
    /// The column a duplicate row is marked on.
    const DUPLICATE_AT: &'static str;
    /// What the natural key is, in Vietnamese and English (for a duplicate row).
    const KEY: (&'static str, &'static str);
    /// A checked row of the file.
    type Item: Send + Sync;
    /// A stored record.
    type Model: Clone + Send + Sync;
    /// The natural key.
    type Key: Eq + Hash + Clone + Send + Sync;

    /// Checks the rows (every problem into `errors`) and loads the stored records they
    /// are compared with (those of the caller's whole scope when `complete`).
    fn check(
        db: &impl ConnectionTrait,
        input: Input<'_>,
        errors: &mut Errors,
    ) -> impl Future<Output = Result<Checked<Self>>> + Send;

    /// The row of the sheet an item came from.
    fn line(item: &Self::Item) -> u32;
    /// An item's key.
    fn key(item: &Self::Item) -> Self::Key;
    /// A stored record's key.
    fn stored_key(m: &Self::Model) -> Self::Key;
    /// A stored record's id.
    fn id(m: &Self::Model) -> i32;
    /// A line naming an item, for the samples.
    fn label(item: &Self::Item) -> String;
    /// What updating `m` to `item` changes, a line each (empty: unchanged).
    fn differences(m: &Self::Model, item: &Self::Item) -> Vec<String>;
    /// The unit a stored record belongs to (touched when it changes; None: a
    /// province-wide record, which touches the province-wide scope).
    fn unit(m: &Self::Model) -> Option<String>;
    /// The unit of an item (as [`Keyed::unit`]).
    fn item_unit(item: &Self::Item) -> Option<String>;

    /// Whether a stored record missing from a complete file is ended on `day` (by
    /// default never: the kind has nothing to end).
    fn ends(_m: &Self::Model, _day: NaiveDate) -> bool {
        false
    }
    /// A line naming an ended record.
    fn ended_label(_m: &Self::Model, _day: NaiveDate) -> String {
        String::new()
    }
    /// Checks of the state the import would leave (e.g. one chief per unit).
    fn after(_stored: &[Self::Model], _plan: &Plan<Self>, _layout: &Layout, _errors: &mut Errors)
    where
        Self: Sized,
    {
    }
    /// Orders the updates before they are written.
    fn order_updates(_updates: &mut [(Self::Model, Self::Item)]) {}

    /// Ends `stored` on `day`.
    fn end(
        _db: &impl ConnectionTrait,
        _stored: &[Self::Model],
        _day: NaiveDate,
    ) -> impl Future<Output = Result<()>> + Send {
        async { Ok(()) }
    }
    /// Updates `stored` to `item`.
    fn update(
        db: &impl ConnectionTrait,
        stored: Self::Model,
        item: Self::Item,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Inserts a batch.
    fn insert(
        db: &impl ConnectionTrait,
        items: &[Self::Item],
    ) -> impl Future<Output = Result<()>> + Send;

    /// The rows of an export: the caller's scope on `day`, in the template's columns.
    fn export(
        db: &impl ConnectionTrait,
        scope: &Scope,
        day: NaiveDate,
    ) -> impl Future<Output = Result<Vec<Vec<Value>>>> + Send;
}

/// What an import of one kind does.
pub struct Plan<K: Keyed> {
    /// New records.
    pub create: Vec<K::Item>,
    /// Stored records and what they become.
    pub update: Vec<(K::Model, K::Item)>,
    /// Stored records ended on the day.
    pub end: Vec<K::Model>,
    /// Stored records the file names (updated or unchanged).
    pub matched: HashSet<i32>,
    /// The day of a complete file.
    pub day: Option<NaiveDate>,
}

/// The second row of a key already seen on row `first`.
fn duplicate(first: u32, (vi, en): (&str, &str)) -> Problem {
    Problem::new(
        "IMPORT_DUPLICATE_ROW",
        format!("trùng với dòng {first} ({vi})"),
        format!("the same record as row {first} (same {en})"),
    )
}

/// Compares the checked items with the stored records by key.
pub fn compare<K: Keyed>(
    items: Vec<K::Item>,
    stored: &[K::Model],
    layout: &Layout,
    errors: &mut Errors,
    complete: Option<NaiveDate>,
) -> (Plan<K>, Counts, Samples) {
    let mut by_key: HashMap<K::Key, &K::Model> = HashMap::with_capacity(stored.len());
    for m in stored {
        by_key.entry(K::stored_key(m)).or_insert(m);
    }
    let mut seen: HashMap<K::Key, u32> = HashMap::with_capacity(items.len());
    let mut counts = Counts::default();
    let mut samples = Samples::default();
    let mut plan = Plan::<K> {
        create: Vec::new(),
        update: Vec::new(),
        end: Vec::new(),
        matched: HashSet::new(),
        day: complete,
    };
    for item in items {
        let key = K::key(&item);
        if let Some(first) = seen.insert(key.clone(), K::line(&item)) {
            errors.at(
                K::line(&item),
                layout.place(K::KIND, K::DUPLICATE_AT),
                duplicate(first, K::KEY),
            );
            continue;
        }
        match by_key.get(&key) {
            None => {
                counts.created += 1;
                Samples::push(&mut samples.created, || K::label(&item));
                plan.create.push(item);
            }
            Some(m) => {
                plan.matched.insert(K::id(m));
                let diffs = K::differences(m, &item);
                if diffs.is_empty() {
                    counts.unchanged += 1;
                } else {
                    counts.updated += 1;
                    Samples::push(&mut samples.updated, || {
                        format!("{} — {}", K::label(&item), diffs.join("; "))
                    });
                    plan.update.push(((*m).clone(), item));
                }
            }
        }
    }
    if let Some(day) = complete {
        for m in stored {
            if K::ends(m, day) && !plan.matched.contains(&K::id(m)) {
                counts.ended += 1;
                Samples::push(&mut samples.ended, || K::ended_label(m, day));
                plan.end.push(m.clone());
            }
        }
    }
    K::after(stored, &plan, layout, errors);
    (plan, counts, samples)
}

impl<K: Keyed> Plan<K> {
    /// Writes the plan (in the caller's transaction): ends, updates, inserts. Returns
    /// the units touched (None: province-wide records).
    pub async fn apply(self, db: &impl ConnectionTrait) -> Result<Vec<Option<String>>> {
        let mut touched: HashSet<Option<String>> = HashSet::new();
        if let Some(day) = self.day {
            for chunk in self.end.chunks(1_000) {
                K::end(db, chunk, day).await?;
                touched.extend(chunk.iter().map(K::unit));
            }
        }
        let mut update = self.update;
        K::order_updates(&mut update);
        for (m, item) in update {
            touched.insert(K::unit(&m));
            K::update(db, m, item).await?;
        }
        for chunk in self.create.chunks(BATCH) {
            if chunk.is_empty() {
                continue;
            }
            K::insert(db, chunk).await?;
            touched.extend(chunk.iter().map(K::item_unit));
        }
        Ok(touched.into_iter().collect())
    }
}

/// Checks, compares and (when `write` and no row failed) applies the rows of kind `K`.
/// Returns the counts, samples and the units touched.
#[allow(clippy::too_many_arguments)]
pub async fn import<K: Keyed>(
    db: &impl ConnectionTrait,
    scope: &Scope,
    rows: &[Row],
    layout: &Layout,
    errors: &mut Errors,
    complete: Option<NaiveDate>,
    write: bool,
) -> Result<(Counts, Samples, Vec<Option<String>>)> {
    let input = Input {
        scope,
        rows,
        layout,
        complete,
    };
    let (items, stored) = K::check(db, input, errors).await?;
    let (plan, counts, samples) = compare::<K>(items, &stored, layout, errors, complete);
    if !write || errors.any() {
        return Ok((counts, samples, Vec::new()));
    }
    let touched = plan.apply(db).await?;
    Ok((counts, samples, touched))
}

/// The distinct values of `f` over `rows` (the unit codes a file names, ...).
pub fn distinct(rows: &[Row], f: impl Fn(&Row) -> Option<String>) -> Vec<String> {
    rows.iter()
        .filter_map(f)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect()
}
