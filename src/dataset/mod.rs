//! The dataset: every table of the current data, scoped to the caller, loaded from the
//! database into polars frames. The indicator engine reads its [`Frames`] from it, the
//! analytics sandbox registers its tables, and a cache keeps the province-wide copy
//! until the data version changes.

mod cache;
mod columns;
mod fetch;
mod history;
mod holding;
mod load;

pub use cache::DatasetCache;
pub use load::load;

use polars::prelude::*;

use crate::indicators::Frames;
use crate::service::version::DataAge;

/// The tables of one data version, as the caller may see them.
#[derive(Clone)]
pub struct Dataset {
    /// The whole-database data version the tables reflect (what caches are keyed by).
    pub version: i64,
    /// The data age of the scope the tables were loaded for (what callers are shown).
    pub age: DataAge,
    /// Table name and frame, in a fixed order.
    pub tables: Vec<(&'static str, DataFrame)>,
    /// The engine's frames, made from `tables` on first use and shared by every request
    /// over this data set (so the engine checks their columns once: `Frames::validate`).
    pub engine: std::sync::OnceLock<Frames>,
}

impl Dataset {
    /// One table by name.
    pub fn table(&self, name: &str) -> PolarsResult<&DataFrame> {
        self.tables
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, df)| df)
            .ok_or_else(|| polars_err!(ComputeError: "no table `{}` in the dataset", name))
    }

    /// The frames the indicator engine reads (the columns it needs, nothing personal),
    /// made once per data set.
    pub fn frames(&self) -> PolarsResult<Frames> {
        if let Some(frames) = self.engine.get() {
            return Ok(frames.clone());
        }
        let frames = self.make_frames()?;
        Ok(self.engine.get_or_init(|| frames).clone())
    }

    fn make_frames(&self) -> PolarsResult<Frames> {
        let pick = |name: &str, cols: &[&str]| -> PolarsResult<DataFrame> {
            self.table(name)?.select(cols.iter().copied())
        };
        Ok(Frames {
            units: engine_units(pick(
                "units",
                &[
                    "code",
                    "name",
                    "district_code",
                    "province_code",
                    "kind",
                    "valid_from",
                    "valid_to",
                    "former_province_code",
                    "former_province_name",
                ],
            )?)?,
            districts: pick("districts", &["code", "name", "province_code"])?,
            officers: pick(
                "officers",
                &["id", "unit_code", "position", "posted_from", "posted_to"],
            )?,
            memberships: pick(
                "memberships",
                &["officer_id", "unit_code", "body", "started_on", "ended_on"],
            )?,
            headquarters: pick(
                "headquarters",
                &[
                    "unit_code",
                    "model",
                    "approved_on",
                    "construction_started_on",
                    "in_use_on",
                    "closed_on",
                    "target_date",
                ],
            )?,
            directives: pick("directives", &["id", "kind", "issuer", "issued_on"])?,
            activities: pick(
                "activities",
                &[
                    "id",
                    "kind",
                    "organisation",
                    "unit_code",
                    "started_on",
                    "ended_on",
                    "maintained",
                ],
            )?,
            questions: pick(
                "questions",
                &[
                    "id",
                    "topic",
                    "asker_unit_code",
                    "status",
                    "asked_on",
                    "answered_on",
                ],
            )?,
            awards: pick(
                "awards",
                &[
                    "id",
                    "form",
                    "issuer",
                    "recipient_kind",
                    "unit_code",
                    "awarded_on",
                ],
            )?,
            areas: engine_units(pick(
                "areas",
                &[
                    "area_code",
                    "area_name",
                    "unit_code",
                    "valid_from",
                    "valid_to",
                ],
            )?)?,
        })
    }

    /// The lineage links (see `entity::unit_lineage`), for a series re-based onto the
    /// units of a day.
    pub fn lineage(&self) -> PolarsResult<&DataFrame> {
        self.table("lineage")
    }
}

/// Unit periods (or area members) as the engine counts them: `valid_to` turned from the
/// last day in force into the first day no longer in force (the engine's intervals are
/// half-open).
fn engine_units(units: DataFrame) -> PolarsResult<DataFrame> {
    let next_day = (col("valid_to").cast(DataType::Int32) + lit(1i32)).cast(DataType::Date);
    units
        .lazy()
        .with_column(next_day.alias("valid_to"))
        .collect()
}
