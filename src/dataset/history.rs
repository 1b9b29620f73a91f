//! The administrative history in the dataset, between the fetch and the engine: the
//! lineage links (reference data, every scope sees them), the area memberships the
//! scope may see (with each area's name and kind), and each unit period's former
//! province, the province its earliest predecessors were in (Kon Tum for the 40 units
//! of 1 Jul 2025 that came from it). The engine breaks down by former province and by
//! area with them, and re-bases a series onto today's units through the lineage.

use std::collections::HashMap;

use entity::{area, area_member, province, unit_lineage, unit_period};
use polars::prelude::*;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::columns::Kind::{Date, Int, Text};
use super::columns::Spec;
use super::fetch::table;
use crate::auth::Scope;
use crate::service::{Result, ServiceError, areas, scope};

/// The lineage links (see `entity::unit_lineage`).
const LINEAGE: &[Spec] = &[
    ("id", Int),
    ("from_code", Text),
    ("from_valid_from", Date),
    ("from_district_code", Text),
    ("to_code", Text),
    ("to_valid_from", Date),
    ("share", Text),
    ("change", Text),
    ("resolution", Text),
    ("clause", Text),
    ("effective_on", Date),
];

/// Area member rows (inclusive days, as stored).
const MEMBERS: &[Spec] = &[
    ("id", Int),
    ("area_code", Text),
    ("unit_code", Text),
    ("valid_from", Date),
    ("valid_to", Date),
];

/// Every unit period's province (Kon Tum's too, which the scoped units leave out).
const PERIODS: &[Spec] = &[
    ("id", Int),
    ("code", Text),
    ("valid_from", Date),
    ("province_code", Text),
];

fn internal(e: PolarsError) -> ServiceError {
    ServiceError::Internal(format!("administrative history: {e}"))
}

/// The lineage links, by id.
pub(super) async fn lineage(db: &impl ConnectionTrait) -> Result<DataFrame> {
    table(db, unit_lineage::Entity::find(), "id", LINEAGE).await
}

/// The member rows of the areas `scope` may see, except one-unit areas (a unit
/// breakdown shows those): area_code, area_name, area_kind, unit_code, valid_from,
/// valid_to (inclusive), by area and unit code.
pub(super) async fn area_members(db: &impl ConnectionTrait, scope: &Scope) -> Result<DataFrame> {
    let (areas, members) = tokio::try_join!(
        async {
            Ok::<_, ServiceError>(
                scope::apply(area::Entity::find(), scope)
                    .filter(area::Column::Kind.ne(areas::UNIT))
                    .all(db)
                    .await?,
            )
        },
        table(
            db,
            scope::apply(area_member::Entity::find(), scope),
            "id",
            MEMBERS
        ),
    )?;
    blocking(move || {
        let names = df!(
            "area_code" => areas.iter().map(|a| a.code.as_str()).collect::<Vec<_>>(),
            "area_name" => areas.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
            "area_kind" => areas.iter().map(|a| a.kind.as_str()).collect::<Vec<_>>(),
        )?;
        members
            .lazy()
            .join(
                names.lazy(),
                [col("area_code")],
                [col("area_code")],
                JoinArgs::new(JoinType::Inner),
            )
            .select([
                col("area_code"),
                col("area_name"),
                col("area_kind"),
                col("unit_code"),
                col("valid_from"),
                col("valid_to"),
            ])
            .sort(["area_code", "unit_code"], SortMultipleOptions::default())
            .collect()
    })
    .await
}

/// Runs polars work on the blocking pool (polars' executor must not run on the async
/// runtime).
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> PolarsResult<T> + Send + 'static,
) -> Result<T> {
    match tokio::task::spawn_blocking(work).await {
        Ok(r) => r.map_err(internal),
        Err(e) => Err(ServiceError::Internal(format!(
            "administrative history: {e}"
        ))),
    }
}

/// `units` with `former_province_code` and `former_province_name`: the province of a
/// period's earliest predecessors through the lineage (the most common one when they
/// were in several; on a tie the lowest code), its own province when it has none.
pub(super) async fn with_former_province(
    db: &impl ConnectionTrait,
    units: DataFrame,
    lineage: &DataFrame,
) -> Result<DataFrame> {
    let (periods, provinces) = tokio::try_join!(
        table(db, unit_period::Entity::find(), "id", PERIODS),
        async {
            Ok::<_, ServiceError>(
                province::Entity::find()
                    .select_only()
                    .column(province::Column::Code)
                    .column(province::Column::Name)
                    .into_tuple::<(String, String)>()
                    .all(db)
                    .await?,
            )
        },
    )?;
    let lineage = lineage.clone();
    let work = move || -> PolarsResult<DataFrame> {
        let former = FormerProvinces::new(&periods, &lineage)?;
        let names: HashMap<String, String> = provinces.into_iter().collect();
        let codes = units.column("code")?.str()?;
        let starts = units.column("valid_from")?.date()?.physical();
        let own = units.column("province_code")?.str()?;
        let mut code_col: Vec<Option<String>> = Vec::with_capacity(units.height());
        let mut name_col: Vec<Option<String>> = Vec::with_capacity(units.height());
        for i in 0..units.height() {
            let key = codes.get(i).zip(starts.get(i));
            let p = key
                .and_then(|(c, s)| former.of(c, s))
                .or_else(|| own.get(i).map(str::to_owned));
            name_col.push(p.as_ref().and_then(|p| names.get(p).cloned()));
            code_col.push(p);
        }
        let mut units = units;
        units.with_column(Column::new("former_province_code".into(), code_col))?;
        units.with_column(Column::new("former_province_name".into(), name_col))?;
        Ok(units)
    };
    blocking(work).await
}

/// The former province of every unit period, computed oldest period first.
struct FormerProvinces {
    of: HashMap<(String, i32), String>,
}

impl FormerProvinces {
    fn new(periods: &DataFrame, lineage: &DataFrame) -> PolarsResult<Self> {
        let codes = periods.column("code")?.str()?;
        let starts = periods.column("valid_from")?.date()?.physical();
        let provinces = periods.column("province_code")?.str()?;
        let mut keys: Vec<((String, i32), String)> = (0..periods.height())
            .filter_map(|i| {
                let key = (codes.get(i)?.to_owned(), starts.get(i)?);
                Some((key, provinces.get(i)?.to_owned()))
            })
            .collect();
        keys.sort_by_key(|((_, start), _)| *start);
        let mut preds: HashMap<(&str, i32), Vec<(&str, i32)>> = HashMap::new();
        let (fc, ff) = (
            lineage.column("from_code")?.str()?,
            lineage.column("from_valid_from")?.date()?.physical(),
        );
        let (tc, tf) = (
            lineage.column("to_code")?.str()?,
            lineage.column("to_valid_from")?.date()?.physical(),
        );
        for i in 0..lineage.height() {
            if let (Some(f), Some(t)) = (fc.get(i).zip(ff.get(i)), tc.get(i).zip(tf.get(i))) {
                preds.entry(t).or_default().push(f);
            }
        }
        let mut of: HashMap<(String, i32), String> = HashMap::with_capacity(keys.len());
        for ((code, start), own) in &keys {
            let mut counts: Vec<(String, usize)> = Vec::new();
            for (c, s) in preds.get(&(code.as_str(), *start)).into_iter().flatten() {
                let Some(p) = of.get(&((*c).to_owned(), *s)) else {
                    continue;
                };
                match counts.iter_mut().find(|(q, _)| q == p) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((p.clone(), 1)),
                }
            }
            counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let former = counts
                .into_iter()
                .next()
                .map_or_else(|| own.clone(), |c| c.0);
            of.insert((code.clone(), *start), former);
        }
        Ok(Self { of })
    }

    /// The former province of the period of `code` starting on day `start` (days since
    /// 1970-01-01).
    fn of(&self, code: &str, start: i32) -> Option<String> {
        self.of.get(&(code.to_owned(), start)).cloned()
    }
}
