//! The data version: one row bumped inside every write transaction, so derived data
//! (indicators, reports) can say which version of the data it reflects, and the caches
//! know when to drop what they hold. Beside it, each scope's own data age
//! (`scope_version`, one row per area): writes bump the areas holding the units they
//! touch (on any day), or the province-wide row for records of no unit, and changes of
//! an area's members bump the area, so an area token's `dataVersion` and `dataAsOf`
//! move only when data it can see changes.

use chrono::{DateTime, Utc};
use entity::{data_version, scope_version};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, QueryFilter,
    RuntimeErr,
};

use super::shared_read::SharedReads;
use super::{Result, ServiceError};
use crate::auth::Scope;

/// The `scope_version` row of what every scope sees (records of no unit, seed loads).
pub const PROVINCE_WIDE: &str = "province";

/// How fresh one scope's data is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DataAge {
    /// Moves whenever data the scope sees changes (the whole-database version for the
    /// province).
    pub version: i64,
    /// When it last moved (None before any data).
    pub changed_at: Option<DateTime<Utc>>,
}

impl DataAge {
    /// The whole-database age, from the `data_version` row.
    pub fn of(version: Option<&data_version::Model>) -> Self {
        version.map_or(Self::default(), |v| Self {
            version: v.version,
            changed_at: Some(v.changed_at),
        })
    }
}

/// Writes of this process that committed (wakes the `dataChanged` watcher at once;
/// writes of other replicas reach it by its poll).
static WRITTEN: std::sync::LazyLock<tokio::sync::Notify> =
    std::sync::LazyLock::new(tokio::sync::Notify::new);

/// Says that a write committed.
pub fn committed() {
    WRITTEN.notify_one();
}

/// Waits for the next committed write of this process.
pub async fn written() {
    WRITTEN.notified().await;
}

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

/// The current whole-database data version and when it changed (None before any
/// data): what the caches are keyed by.
pub async fn current(db: &impl ConnectionTrait) -> Result<Option<data_version::Model>> {
    Ok(data_version::Entity::find_by_id(1).one(db).await?)
}

/// The data version row for the requests arriving together ([`super::shared_read`]):
/// each caller gets a read that started after its call (one per process; clones share).
#[derive(Clone, Default)]
pub struct Current {
    reads: std::sync::Arc<SharedReads<std::result::Result<Option<data_version::Model>, Failed>>>,
}

impl Current {
    /// [`current`], read once for the callers arriving together. The pool, never a
    /// transaction: a read shared with other callers cannot see one caller's own writes.
    pub async fn get(
        &self,
        db: &sea_orm::DatabaseConnection,
    ) -> Result<Option<data_version::Model>> {
        let read = || async { current(db).await.map_err(|e| Failed::of(&e)) };
        let failed = |r: &std::result::Result<_, Failed>| r.is_err();
        let read = self.reads.current(read, failed).await;
        read.map_err(Failed::into_error)
    }
}

/// A failed shared read, as each of its callers gets it: unreachable or not (so
/// that the answer's code stays `DATABASE_UNAVAILABLE` where it was), and its text
/// for the log.
#[derive(Clone)]
struct Failed {
    unreachable: bool,
    text: String,
}

impl Failed {
    fn of(e: &ServiceError) -> Self {
        Self {
            unreachable: matches!(e, ServiceError::Unavailable(_)),
            text: e.to_string(),
        }
    }

    fn into_error(self) -> ServiceError {
        if self.unreachable {
            ServiceError::Unavailable(DbErr::Conn(RuntimeErr::Internal(self.text)))
        } else {
            ServiceError::Database(DbErr::Custom(self.text))
        }
    }
}

/// Records, in the caller's transaction, that data of the units `units` changed (None:
/// a record of no unit, which every scope sees). Each write calls it with the units of
/// the rows it changed, before and after.
pub async fn touch(db: &impl ConnectionTrait, units: &[Option<&str>]) -> Result<()> {
    let codes: Vec<&str> = units.iter().flatten().copied().collect();
    let mut scopes = super::areas::holding(db, &codes).await?;
    if units.iter().any(Option::is_none) {
        scopes.insert(PROVINCE_WIDE.to_owned());
    }
    let now = Utc::now();
    for scope in scopes {
        bump_scope(db, &scope, now).await?;
    }
    Ok(())
}

/// Increments one scope's row (creating it at 1), changed at `at`.
pub async fn bump_scope(
    db: &impl ConnectionTrait,
    scope: &str,
    at: DateTime<Utc>,
) -> std::result::Result<(), DbErr> {
    use scope_version::Column;
    let row = scope_version::ActiveModel {
        scope: Set(scope.to_owned()),
        version: Set(1),
        changed_at: Set(at),
    };
    let on_conflict = OnConflict::column(Column::Scope)
        .value(
            Column::Version,
            Expr::col((scope_version::Entity, Column::Version)).add(1),
        )
        .update_column(Column::ChangedAt)
        .to_owned();
    scope_version::Entity::insert(row)
        .on_conflict(on_conflict)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The data age `scope` sees: the whole database for the province; for an area, its
/// own row and the province-wide one (versions added, the later time).
pub async fn age(db: &impl ConnectionTrait, scope: &Scope) -> Result<DataAge> {
    let Some(area) = &scope.area else {
        return Ok(DataAge::of(current(db).await?.as_ref()));
    };
    let rows = scope_version::Entity::find()
        .filter(scope_version::Column::Scope.is_in([area.as_str(), PROVINCE_WIDE]))
        .all(db)
        .await?;
    Ok(DataAge {
        version: rows.iter().map(|r| r.version).sum(),
        changed_at: rows.iter().map(|r| r.changed_at).max(),
    })
}
