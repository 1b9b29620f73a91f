//! Analytics requests end to end: the caller's dataset (scoped), the gate, the stored
//! indicator values when the query reads them, the join bound, and the run in a worker
//! process with its row cap, time bound and memory budget.

use chrono::NaiveDate;
use entity::indicator_value;
use polars::prelude::*;
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

use super::{ServiceError, scope};
use crate::analytics::runner::Runner;
use crate::analytics::{self, AnalyticsError, QueryOutput};
use crate::auth::Scope;
use crate::dataset::DatasetCache;

/// Runs an analytics query for `scope`; returns the output and the data version.
pub async fn query(
    db: &DatabaseConnection,
    cache: &DatasetCache,
    runner: &Runner,
    scope: &Scope,
    sql: String,
    limit: Option<usize>,
) -> Result<(QueryOutput, i64), AnalyticsError> {
    let result = async {
        let limit = analytics::row_limit(limit)?;
        let mut dataset = cache.get(db, scope).await?;
        let checked = analytics::check(&dataset, &sql, &runner.bounds())?;
        if checked
            .tables
            .iter()
            .any(|t| t == analytics::INDICATOR_VALUES)
        {
            let frame = indicator_values(db, scope).await?;
            dataset = analytics::with_table(&dataset, analytics::INDICATOR_VALUES, frame);
        }
        let version = dataset.age.version;
        let max_join_rows = runner.settings().analytics_max_join_rows;
        let (tables, district) = (runner.tables().clone(), scope.area.clone());
        let request = tokio::task::spawn_blocking(move || {
            let kept = (&tables, district.as_deref());
            analytics::prepare(&dataset, &checked, (&sql, limit), max_join_rows, kept)
        })
        .await
        .map_err(|_| AnalyticsError::Internal)??;
        let out = QueryOutput::try_from(runner.run(request).await?)?;
        Ok((out, version))
    }
    .await;
    if let Err(AnalyticsError::Data(e)) = &result {
        tracing::error!(error = ?e, "analytics: loading the tables failed");
    }
    result
}

/// The stored indicator values the scope may see (the table's rule: an area token gets
/// the rows of its units on their days and, for a district area, of its district).
async fn indicator_values(
    db: &DatabaseConnection,
    scope: &Scope,
) -> Result<DataFrame, ServiceError> {
    use indicator_value::Column as C;
    let mut select = indicator_value::Entity::find().order_by_asc(C::Id);
    select = scope::apply(select, scope);
    let rows = select.all(db).await?;
    let days = |d: NaiveDate| (d - NaiveDate::default()).num_days() as i32;
    let as_of = Column::new(
        "as_of".into(),
        rows.iter().map(|r| days(r.as_of)).collect::<Vec<_>>(),
    )
    .cast(&DataType::Date)
    .map_err(|e| ServiceError::Internal(format!("indicator values frame: {e}")))?;
    let built = DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                "indicator".into(),
                rows.iter()
                    .map(|r| r.indicator.as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "group_kind".into(),
                rows.iter()
                    .map(|r| r.group_kind.as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "group_code".into(),
                rows.iter()
                    .map(|r| r.group_code.as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "group_name".into(),
                rows.iter()
                    .map(|r| r.group_name.as_str())
                    .collect::<Vec<_>>(),
            ),
            as_of,
            Column::new(
                "numerator".into(),
                rows.iter().map(|r| r.numerator).collect::<Vec<_>>(),
            ),
            Column::new(
                "denominator".into(),
                rows.iter().map(|r| r.denominator).collect::<Vec<_>>(),
            ),
            Column::new(
                "value".into(),
                rows.iter().map(|r| r.value).collect::<Vec<_>>(),
            ),
            Column::new(
                "computed_at".into(),
                rows.iter()
                    .map(|r| r.computed_at.to_rfc3339())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "data_version".into(),
                rows.iter().map(|r| r.data_version).collect::<Vec<_>>(),
            ),
        ],
    );
    built.map_err(|e| ServiceError::Internal(format!("indicator values frame: {e}")))
}
