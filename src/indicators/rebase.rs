//! Re-basing onto the units of one day, before the engine's stages: the frames turned
//! into the frames the engine would see had today's units always existed, so that a
//! series compares 2024 with 2026 like for like (`basis: CURRENT_UNITS`).
//!
//! - The units are those in force on the day, each made valid over all time.
//! - Every record at a unit code moves to the unit of the day its unit became: the
//!   period of its code in force on the record's first day, followed through the
//!   lineage links to a unit in force on the day. Where a unit was divided (links of
//!   share `part`), its records go to the successor that kept its code, else to the
//!   lowest code: the data does not say which part an officer served.
//! - A record whose unit leads to no unit of the day (its successor is not known) is
//!   left out (its code is replaced by one no unit has).
//!
//! A unit of the day then counts as a merged unit counted itself: officers add up, and
//! it has a chief on the standing committee, a new-model headquarters in use, ... when
//! one of its predecessors did (as the restructuring passes headquarters on: a successor
//! is covered when any of its headquarters is).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use polars::prelude::*;

use super::frames::Frames;
use super::index::{date_lit, epoch_days};

/// Stands for "no unit of the day": no unit code is empty.
const NOWHERE: &str = "";

/// How many links a record's unit is followed through at most (there are two
/// restructurings in the history; a cycle in bad data stops here).
const MAX_DEPTH: usize = 16;

/// A unit period: its code and its first day (days since 1970-01-01).
type Key = (String, i32);

/// `frames` re-based onto the units in force on `on` through `lineage` (columns
/// from_code, from_valid_from, to_code, to_valid_from, share; see `entity::unit_lineage`).
pub fn rebase(frames: &Frames, lineage: &DataFrame, on: NaiveDate) -> PolarsResult<Frames> {
    frames.validate()?;
    let map = Successors::new(frames, lineage, on)?;
    let move_col = |df: &DataFrame, unit: &str, dates: &[&str]| map.relabel(df, unit, dates);
    let hq_dates = [
        "in_use_on",
        "construction_started_on",
        "approved_on",
        "target_date",
        "closed_on",
    ];
    Ok(Frames {
        units: map.units_of_day(&frames.units)?,
        districts: frames.districts.clone(),
        officers: move_col(&frames.officers, "unit_code", &["posted_from"])?,
        memberships: move_col(&frames.memberships, "unit_code", &["started_on"])?,
        headquarters: move_col(&frames.headquarters, "unit_code", &hq_dates)?,
        directives: frames.directives.clone(),
        activities: move_col(&frames.activities, "unit_code", &["started_on"])?,
        questions: move_col(&frames.questions, "asker_unit_code", &["asked_on"])?,
        awards: move_col(&frames.awards, "unit_code", &["awarded_on"])?,
        areas: frames.areas.clone(),
    })
}

/// Where the unit periods of the history lead on the day.
struct Successors {
    /// The first days of the known periods of each code, sorted.
    starts: HashMap<String, Vec<i32>>,
    /// The unit of the day each period leads to (none: it leads nowhere known).
    target: HashMap<Key, Option<String>>,
    /// The day, as days since 1970-01-01.
    day: i32,
}

impl Successors {
    fn new(frames: &Frames, lineage: &DataFrame, on: NaiveDate) -> PolarsResult<Self> {
        let day = epoch_days(on);
        let units = &frames.units;
        let codes = units.column("code")?.str()?;
        let from = units.column("valid_from")?.date()?.physical();
        let to = units.column("valid_to")?.date()?.physical();
        let mut starts: HashMap<String, Vec<i32>> = HashMap::new();
        let mut current: HashSet<Key> = HashSet::new();
        for i in 0..units.height() {
            let (Some(code), Some(f)) = (codes.get(i), from.get(i)) else {
                continue;
            };
            starts.entry(code.to_owned()).or_default().push(f);
            if f <= day && to.get(i).is_none_or(|t| t > day) {
                current.insert((code.to_owned(), f));
            }
        }
        // the links out of each period: (to code, to first day, whole share)
        let mut links: HashMap<Key, Vec<(String, i32, bool)>> = HashMap::new();
        let fc = lineage.column("from_code")?.str()?;
        let ff = lineage.column("from_valid_from")?.date()?.physical();
        let tc = lineage.column("to_code")?.str()?;
        let tf = lineage.column("to_valid_from")?.date()?.physical();
        let share = lineage.column("share")?.str()?;
        for i in 0..lineage.height() {
            if let (Some(c), Some(f)) = (fc.get(i), ff.get(i)) {
                starts.entry(c.to_owned()).or_default().push(f);
                if let (Some(t), Some(tff)) = (tc.get(i), tf.get(i)) {
                    starts.entry(t.to_owned()).or_default().push(tff);
                    let whole = share.get(i) != Some("part");
                    links
                        .entry((c.to_owned(), f))
                        .or_default()
                        .push((t.to_owned(), tff, whole));
                }
            }
        }
        for s in starts.values_mut() {
            s.sort_unstable();
            s.dedup();
        }
        let mut target: HashMap<Key, Option<String>> = HashMap::new();
        let keys: Vec<Key> = starts
            .iter()
            .flat_map(|(c, s)| s.iter().map(|f| (c.clone(), *f)))
            .collect();
        for key in keys {
            let to = follow(&key, &current, &links);
            target.insert(key, to);
        }
        Ok(Self {
            starts,
            target,
            day,
        })
    }

    /// The unit of the day a record at `code` first holding on `day` belongs to.
    fn of(&self, code: &str, day: Option<i32>) -> Option<&str> {
        let starts = self.starts.get(code)?;
        let start = match day {
            Some(d) => {
                let n = starts.partition_point(|s| *s <= d);
                starts[n.saturating_sub(1)]
            }
            None => *starts.first()?,
        };
        self.target.get(&(code.to_owned(), start))?.as_deref()
    }

    /// `df` with its `unit` column moved to the units of the day; the record's first day
    /// is the first non-null of `dates`.
    fn relabel(&self, df: &DataFrame, unit: &str, dates: &[&str]) -> PolarsResult<DataFrame> {
        let codes = df.column(unit)?.str()?;
        let dates: Vec<&Int32Chunked> = dates
            .iter()
            .map(|c| Ok(df.column(c)?.date()?.physical()))
            .collect::<PolarsResult<_>>()?;
        let moved: Vec<Option<&str>> = (0..df.height())
            .map(|i| {
                let code = codes.get(i)?;
                let day = dates.iter().find_map(|d| d.get(i));
                Some(self.of(code, day).unwrap_or(NOWHERE))
            })
            .collect();
        let mut out = df.clone();
        out.with_column(Column::new(unit.into(), moved))?;
        Ok(out)
    }

    /// The units in force on the day, each valid over all time.
    fn units_of_day(&self, units: &DataFrame) -> PolarsResult<DataFrame> {
        let day = Scalar::new_date(self.day);
        let valid = col("valid_from")
            .lt_eq(lit(day.clone()))
            .and(col("valid_to").is_null().or(col("valid_to").gt(lit(day))));
        let since_ever = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default();
        units
            .clone()
            .lazy()
            .filter(valid)
            .with_columns([
                date_lit(since_ever).alias("valid_from"),
                lit(NULL).cast(DataType::Date).alias("valid_to"),
            ])
            .collect()
    }
}

/// The unit of the day a period leads to: itself when in force that day, else its
/// successors' (whole share first, then the one keeping its code, then the lowest code).
fn follow(
    key: &Key,
    current: &HashSet<Key>,
    links: &HashMap<Key, Vec<(String, i32, bool)>>,
) -> Option<String> {
    let mut at = key.clone();
    for _ in 0..MAX_DEPTH {
        if current.contains(&at) {
            return Some(at.0);
        }
        let next = links.get(&at)?;
        let best = next
            .iter()
            .min_by(|a, b| (!a.2, a.0 != at.0, &a.0, a.1).cmp(&(!b.2, b.0 != at.0, &b.0, b.1)))?;
        at = (best.0.clone(), best.1);
    }
    None
}
