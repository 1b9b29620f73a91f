//! The engine's input: the nine record frames and the areas, their expected schema (columns, types,
//! nullability, code values) and the validation every entry point runs first.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError, Weak};

use polars::prelude::{
    Column, DataFrame, DataType, PolarsResult, Schema, SeriesTrait, polars_bail, polars_err,
};

/// The records of one scope (a province, or one district for a district token).
///
/// Columns (extra columns are ignored); `?` marks a nullable column; codes are
/// `String`, dates `Date`, ids `Int32`:
/// - `units`: code, name, district_code?, province_code, kind (`xa` | `phuong` |
///   `thi_tran` | `dac_khu`), valid_from, valid_to?: one row per unit period (a code may
///   have several, one after the other; `valid_to` is the first day no longer in force)
/// - `districts`: code, name, province_code
/// - `officers`: id, unit_code, position (`chief` | `deputy` | `officer`), posted_from,
///   posted_to?
/// - `memberships`: officer_id, unit_code, body (`executive` | `standing`), started_on,
///   ended_on?
/// - `headquarters`: unit_code, model (`new` | `legacy` | `temporary` | `shared`),
///   approved_on?, construction_started_on?, in_use_on?, closed_on?, target_date?
/// - `directives`: id, kind, issuer, issued_on
/// - `activities`: id, kind (`volunteer_activity` | `work_or_model` | `programme`),
///   organisation, unit_code?, started_on, ended_on?, maintained (`Boolean`)
/// - `questions`: id, topic (the six dialogue topics), asker_unit_code?, status (`open` |
///   `answered`), asked_on, answered_on?
/// - `awards`: id, form, issuer, recipient_kind, unit_code, awarded_on
/// - `areas`: area_code, area_name, unit_code, valid_from?, valid_to?: which unit codes
///   each area holds over `[valid_from, valid_to)` (null: no bound); only the
///   [`GroupBy::Area`](super::GroupBy::Area) breakdown reads it
///
/// `units` may also carry `former_province_code` and `former_province_name` (the
/// province a unit came from; by default its own province, with no name) for the
/// [`GroupBy::FormerProvince`](super::GroupBy::FormerProvince) breakdown.
///
/// An interval `[from, to)` holds on day D when `from <= D` and `to` is null or after D.
/// District codes must be unique, unit codes per start day. Rows referring to a unit code absent from
/// `units` are ignored.
#[derive(Clone, Debug)]
pub struct Frames {
    /// Commune-level units.
    pub units: DataFrame,
    /// Districts, for their names.
    pub districts: DataFrame,
    /// Officers and their posting.
    pub officers: DataFrame,
    /// Seats on commune Party committees.
    pub memberships: DataFrame,
    /// Headquarters buildings of the units (several per unit over time).
    pub headquarters: DataFrame,
    /// Leadership and direction documents.
    pub directives: DataFrame,
    /// Union activities.
    pub activities: DataFrame,
    /// Dialogue questions.
    pub questions: DataFrame,
    /// Awards.
    pub awards: DataFrame,
    /// Area memberships of unit codes.
    pub areas: DataFrame,
}

/// The type of an input column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Str,
    Date,
    Int,
    Bool,
}

impl Ty {
    fn dtype(self) -> DataType {
        match self {
            Ty::Str => DataType::String,
            Ty::Date => DataType::Date,
            Ty::Int => DataType::Int32,
            Ty::Bool => DataType::Boolean,
        }
    }
}

/// One expected column: name, type, whether nulls are allowed, the allowed codes (any
/// when empty).
struct Col(&'static str, Ty, bool, &'static [&'static str]);

const REQ: bool = false;
const OPT: bool = true;
const ANY: &[&str] = &[];

/// The six dialogue topics.
pub(crate) const TOPICS: [&str; 6] = [
    "grassroots_security",
    "project_06",
    "party_building",
    "organisation_personnel",
    "emulation_commendation",
    "logistics_technical",
];

const UNITS: &[Col] = &[
    Col("code", Ty::Str, REQ, ANY),
    Col("name", Ty::Str, REQ, ANY),
    Col("district_code", Ty::Str, OPT, ANY),
    Col("province_code", Ty::Str, REQ, ANY),
    Col(
        "kind",
        Ty::Str,
        REQ,
        &["xa", "phuong", "thi_tran", "dac_khu"],
    ),
    Col("valid_from", Ty::Date, REQ, ANY),
    Col("valid_to", Ty::Date, OPT, ANY),
];
const DISTRICTS: &[Col] = &[
    Col("code", Ty::Str, REQ, ANY),
    Col("name", Ty::Str, REQ, ANY),
    Col("province_code", Ty::Str, REQ, ANY),
];
const OFFICERS: &[Col] = &[
    Col("id", Ty::Int, REQ, ANY),
    Col("unit_code", Ty::Str, REQ, ANY),
    Col("position", Ty::Str, REQ, &["chief", "deputy", "officer"]),
    Col("posted_from", Ty::Date, REQ, ANY),
    Col("posted_to", Ty::Date, OPT, ANY),
];
const MEMBERSHIPS: &[Col] = &[
    Col("officer_id", Ty::Int, REQ, ANY),
    Col("unit_code", Ty::Str, REQ, ANY),
    Col("body", Ty::Str, REQ, &["executive", "standing"]),
    Col("started_on", Ty::Date, REQ, ANY),
    Col("ended_on", Ty::Date, OPT, ANY),
];
const HEADQUARTERS: &[Col] = &[
    Col("unit_code", Ty::Str, REQ, ANY),
    Col(
        "model",
        Ty::Str,
        REQ,
        &["new", "legacy", "temporary", "shared"],
    ),
    Col("approved_on", Ty::Date, OPT, ANY),
    Col("construction_started_on", Ty::Date, OPT, ANY),
    Col("in_use_on", Ty::Date, OPT, ANY),
    Col("closed_on", Ty::Date, OPT, ANY),
    Col("target_date", Ty::Date, OPT, ANY),
];
const DIRECTIVES: &[Col] = &[
    Col("id", Ty::Int, REQ, ANY),
    Col("kind", Ty::Str, REQ, ANY),
    Col("issuer", Ty::Str, REQ, ANY),
    Col("issued_on", Ty::Date, REQ, ANY),
];
const ACTIVITIES: &[Col] = &[
    Col("id", Ty::Int, REQ, ANY),
    Col(
        "kind",
        Ty::Str,
        REQ,
        &["volunteer_activity", "work_or_model", "programme"],
    ),
    Col("organisation", Ty::Str, REQ, ANY),
    Col("unit_code", Ty::Str, OPT, ANY),
    Col("started_on", Ty::Date, REQ, ANY),
    Col("ended_on", Ty::Date, OPT, ANY),
    Col("maintained", Ty::Bool, REQ, ANY),
];
const QUESTIONS: &[Col] = &[
    Col("id", Ty::Int, REQ, ANY),
    Col("topic", Ty::Str, REQ, &TOPICS),
    Col("asker_unit_code", Ty::Str, OPT, ANY),
    Col("status", Ty::Str, REQ, &["open", "answered"]),
    Col("asked_on", Ty::Date, REQ, ANY),
    Col("answered_on", Ty::Date, OPT, ANY),
];
const AWARDS: &[Col] = &[
    Col("id", Ty::Int, REQ, ANY),
    Col("form", Ty::Str, REQ, ANY),
    Col("issuer", Ty::Str, REQ, ANY),
    Col("recipient_kind", Ty::Str, REQ, ANY),
    Col("unit_code", Ty::Str, REQ, ANY),
    Col("awarded_on", Ty::Date, REQ, ANY),
];

const AREAS: &[Col] = &[
    Col("area_code", Ty::Str, REQ, ANY),
    Col("area_name", Ty::Str, REQ, ANY),
    Col("unit_code", Ty::Str, REQ, ANY),
    Col("valid_from", Ty::Date, OPT, ANY),
    Col("valid_to", Ty::Date, OPT, ANY),
];

/// Frame names and their expected columns, in `Frames` order.
const TABLES: [(&str, &[Col]); 10] = [
    ("units", UNITS),
    ("districts", DISTRICTS),
    ("officers", OFFICERS),
    ("memberships", MEMBERSHIPS),
    ("headquarters", HEADQUARTERS),
    ("directives", DIRECTIVES),
    ("activities", ACTIVITIES),
    ("questions", QUESTIONS),
    ("awards", AWARDS),
    ("areas", AREAS),
];

impl Frames {
    /// Frames with the expected columns and no rows.
    pub fn empty() -> Self {
        let e = |i: usize| DataFrame::empty_with_schema(&schema(TABLES[i].1));
        Self {
            units: e(0),
            districts: e(1),
            officers: e(2),
            memberships: e(3),
            headquarters: e(4),
            directives: e(5),
            activities: e(6),
            questions: e(7),
            awards: e(8),
            areas: e(9),
        }
    }

    /// The frames in `TABLES` order.
    fn all(&self) -> [&DataFrame; 10] {
        [
            &self.units,
            &self.districts,
            &self.officers,
            &self.memberships,
            &self.headquarters,
            &self.directives,
            &self.activities,
            &self.questions,
            &self.awards,
            &self.areas,
        ]
    }

    /// Checks every frame against the expected schema (see [`Frames`]): each column
    /// present with its type, no nulls where not allowed, only known codes, unique unit
    /// and district codes. The error names the frame and column.
    ///
    /// A frame whose columns were found valid before (the very same columns, shared, as
    /// every request over one loaded data set has them) is not checked again: see
    /// [`Checked`].
    pub fn validate(&self) -> PolarsResult<()> {
        for (i, ((table, cols), df)) in TABLES.iter().zip(self.all()).enumerate() {
            let seen = Checked::of(i, df, cols);
            if seen.as_ref().is_some_and(Checked::known) {
                continue;
            }
            for spec in *cols {
                check_column(table, df, spec)?;
            }
            match i {
                0 => check_periods(df)?,
                1 => check_unique("districts", df)?,
                _ => {}
            }
            if let Some(seen) = seen {
                seen.remember();
            }
        }
        Ok(())
    }
}

/// The identity of a frame's checked columns: which table, and the columns themselves
/// (weak references: a remembered frame keeps none of its data alive, and no other
/// column can take its place while the reference is held). Columns are immutable, so
/// the same columns are the same data, and valid once valid.
struct Checked {
    table: usize,
    columns: Vec<Weak<dyn SeriesTrait>>,
}

/// Frames found valid, most recent last.
static VALID: Mutex<VecDeque<Checked>> = Mutex::new(VecDeque::new());

/// Frames remembered as valid (a few data sets and scopes of ten tables each).
const REMEMBERED: usize = 64;

impl Checked {
    /// The identity of the columns `cols` of `df`, the table `table`; none when one is
    /// missing (the check says so).
    fn of(table: usize, df: &DataFrame, cols: &[Col]) -> Option<Self> {
        let columns = cols
            .iter()
            .map(|c| {
                let series = df.column(c.0).ok()?.as_materialized_series();
                Some(Arc::downgrade(&series.0))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Self { table, columns })
    }

    fn same(&self, other: &Checked) -> bool {
        self.table == other.table
            && self.columns.len() == other.columns.len()
            && self
                .columns
                .iter()
                .zip(&other.columns)
                .all(|(a, b)| Weak::ptr_eq(a, b))
    }

    /// Whether these columns were found valid before.
    fn known(&self) -> bool {
        let valid = VALID.lock().unwrap_or_else(PoisonError::into_inner);
        valid.iter().any(|v| v.same(self))
    }

    /// Remembers these columns as valid.
    fn remember(self) {
        let mut valid = VALID.lock().unwrap_or_else(PoisonError::into_inner);
        // forget frames whose data is gone
        valid.retain(|v| v.columns.iter().all(|c| c.strong_count() > 0));
        valid.push_back(self);
        while valid.len() > REMEMBERED {
            valid.pop_front();
        }
    }
}

/// The polars schema of a table's expected columns.
fn schema(cols: &[Col]) -> Schema {
    cols.iter().map(|c| (c.0.into(), c.1.dtype())).collect()
}

/// Checks one expected column of one frame.
fn check_column(table: &str, df: &DataFrame, spec: &Col) -> PolarsResult<()> {
    let Col(name, ty, nullable, codes) = spec;
    let col = df
        .column(name)
        .map_err(|_| polars_err!(ColumnNotFound: "frame '{table}': missing column '{name}'"))?;
    let dtype = ty.dtype();
    if col.dtype() != &dtype {
        polars_bail!(SchemaMismatch: "frame '{table}': column '{name}' is {}, expected {dtype}", col.dtype());
    }
    if !nullable && col.null_count() > 0 {
        polars_bail!(ComputeError: "frame '{table}': column '{name}' has nulls");
    }
    if !codes.is_empty() {
        check_codes(table, col, codes)?;
    }
    Ok(())
}

/// Checks that a code column holds only the allowed codes.
fn check_codes(table: &str, col: &Column, codes: &[&str]) -> PolarsResult<()> {
    let distinct = col.unique()?;
    let bad = distinct
        .str()?
        .iter()
        .flatten()
        .find(|v| !codes.contains(v));
    if let Some(bad) = bad {
        polars_bail!(ComputeError: "frame '{table}': column '{}' has unknown code '{bad}' (expected one of {})", col.name(), codes.join(", "));
    }
    Ok(())
}

/// Checks that no two unit periods of one code start on the same day (a unit is its
/// code and its period: a code may come back, as another unit, in a later period).
fn check_periods(df: &DataFrame) -> PolarsResult<()> {
    let codes = df.column("code")?.str()?;
    let starts = df.column("valid_from")?.date()?.physical();
    let mut seen = std::collections::HashSet::with_capacity(df.height());
    if !codes.iter().zip(starts.iter()).all(|key| seen.insert(key)) {
        polars_bail!(ComputeError: "frame 'units': two periods of one code start on the same day");
    }
    Ok(())
}

/// Checks that the `code` column of a frame has no repeats.
fn check_unique(table: &str, df: &DataFrame) -> PolarsResult<()> {
    let col = df.column("code")?;
    if col.n_unique()? != df.height() {
        polars_bail!(ComputeError: "frame '{table}': column 'code' has repeated codes");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::{IntoColumn, NamedFrom, Series};

    #[test]
    fn empty_frames_are_valid() {
        Frames::empty().validate().unwrap();
    }

    #[test]
    fn malformed_frames_are_named() {
        let mut f = Frames::empty();
        f.officers = f.officers.drop("position").unwrap();
        let err = f.validate().unwrap_err().to_string();
        assert!(
            err.contains("officers") && err.contains("position"),
            "{err}"
        );

        let mut f = Frames::empty();
        let ids = Series::new("id".into(), Vec::<i64>::new()).into_column();
        f.officers.with_column(ids).unwrap();
        let err = f.validate().unwrap_err().to_string();
        assert!(err.contains("'id' is i64"), "{err}");
    }
}
