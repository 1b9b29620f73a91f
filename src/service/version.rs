//! The data version: one row bumped inside every write transaction, so derived data
//! (indicators, reports) can say which version of the data it reflects.

use chrono::Utc;
use entity::data_version;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter,
};

use super::Result;

/// Increments the data version (creating the row on first use); one UPDATE, so two
/// concurrent writers cannot read the same version.
pub async fn bump(db: &impl ConnectionTrait) -> Result<()> {
    let updated = data_version::Entity::update_many()
        .col_expr(
            data_version::Column::Version,
            Expr::col(data_version::Column::Version).add(1),
        )
        .col_expr(data_version::Column::ChangedAt, Expr::value(Utc::now()))
        .filter(data_version::Column::Id.eq(1))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        let row = data_version::ActiveModel {
            id: Set(1),
            version: Set(1),
            changed_at: Set(Utc::now()),
        };
        data_version::Entity::insert(row).exec(db).await?;
    }
    Ok(())
}

/// The current data version and when it changed (None before any data).
pub async fn current(db: &impl ConnectionTrait) -> Result<Option<data_version::Model>> {
    Ok(data_version::Entity::find_by_id(1).one(db).await?)
}
