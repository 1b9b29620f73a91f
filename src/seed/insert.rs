//! The bulk writer at the end of the seed flow: a province's batch goes out in
//! multi-row INSERTs sized under the bind-parameter limits (PostgreSQL 65,535, SQLite
//! 32,766), in foreign-key order, inside the caller's transaction.

use chrono::{DateTime, TimeDelta, Utc};
use entity::{
    award, data_version, dialogue_question, dialogue_session, directive, district, headquarters,
    officer, party_membership, province, union_activity, unit,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr,
    EntityName, EntityTrait, IntoActiveModel, Iterable, Statement,
};

use super::batch::{Batch, Ids};

/// Bind parameters per statement: under SQLite's 32,766 (and PostgreSQL's 65,535).
const MAX_BIND_PARAMS: usize = 32_000;

/// When the seed says it changed the data (fixed, so runs are identical): 2024-12-31 UTC.
fn seeded_at() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH + TimeDelta::seconds(1_735_603_200)
}

/// The largest id already used in each table (0 when empty).
pub(crate) async fn current_ids(txn: &DatabaseTransaction) -> Result<Ids, DbErr> {
    Ok(Ids {
        officer: max_id(txn, officer::Entity).await?,
        membership: max_id(txn, party_membership::Entity).await?,
        headquarters: max_id(txn, headquarters::Entity).await?,
        directive: max_id(txn, directive::Entity).await?,
        activity: max_id(txn, union_activity::Entity).await?,
        session: max_id(txn, dialogue_session::Entity).await?,
        question: max_id(txn, dialogue_question::Entity).await?,
        award: max_id(txn, award::Entity).await?,
    })
}

async fn max_id(txn: &DatabaseTransaction, table: impl EntityName) -> Result<i32, DbErr> {
    let sql = format!(
        "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS m FROM {}",
        table.table_name()
    );
    let row = txn
        .query_one_raw(Statement::from_string(txn.get_database_backend(), sql))
        .await?;
    let max: i64 = match row {
        Some(row) => row.try_get("", "m")?,
        None => 0,
    };
    i32::try_from(max).map_err(|_| DbErr::Custom(format!("{} ids exhausted", table.table_name())))
}

/// Inserts every row of a batch.
pub(crate) async fn write(txn: &DatabaseTransaction, batch: Batch) -> Result<(), DbErr> {
    insert_all::<province::Entity>(txn, batch.provinces).await?;
    insert_all::<district::Entity>(txn, batch.districts).await?;
    insert_all::<unit::Entity>(txn, batch.units).await?;
    insert_all::<officer::Entity>(txn, batch.officers).await?;
    insert_all::<party_membership::Entity>(txn, batch.memberships).await?;
    insert_all::<headquarters::Entity>(txn, batch.headquarters).await?;
    insert_all::<directive::Entity>(txn, batch.directives).await?;
    insert_all::<union_activity::Entity>(txn, batch.activities).await?;
    insert_all::<dialogue_session::Entity>(txn, batch.sessions).await?;
    insert_all::<dialogue_question::Entity>(txn, batch.questions).await?;
    insert_all::<award::Entity>(txn, batch.awards).await
}

/// Multi-row INSERTs of at most `MAX_BIND_PARAMS` values each. Every statement has a
/// power-of-two number of rows, so a table needs only a dozen statement shapes and the
/// driver's prepared-statement cache stays small.
pub(crate) async fn insert_all<E>(
    txn: &DatabaseTransaction,
    rows: Vec<E::Model>,
) -> Result<(), DbErr>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel>,
{
    let max_rows = power_of_two_floor(MAX_BIND_PARAMS / E::Column::iter().count().max(1)).max(1);
    let mut rows = rows.into_iter();
    while rows.len() > 0 {
        let take = power_of_two_floor(rows.len().min(max_rows));
        let chunk: Vec<E::ActiveModel> = rows
            .by_ref()
            .take(take)
            .map(IntoActiveModel::into_active_model)
            .collect();
        E::insert_many(chunk).exec_without_returning(txn).await?;
    }
    Ok(())
}

/// The largest power of two not above `n` (0 for 0).
fn power_of_two_floor(n: usize) -> usize {
    match n {
        0 => 0,
        _ => 1 << (usize::BITS - 1 - n.leading_zeros()),
    }
}

/// After the last batch: moves PostgreSQL's id sequences past the ids assigned here,
/// and records the change in `data_version`.
pub(crate) async fn finish(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    advance_sequences(txn).await?;
    bump_version(txn).await?;
    // A load changes what every scope sees.
    crate::service::version::bump_scope(txn, crate::service::version::PROVINCE_WIDE, seeded_at())
        .await
}

/// On PostgreSQL, moves the id sequences past the rows written with explicit ids (so
/// rows written next with generated ids, by a later stage or the API, do not collide).
pub(crate) async fn advance_sequences(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        advance_sequence(txn, officer::Entity).await?;
        advance_sequence(txn, party_membership::Entity).await?;
        advance_sequence(txn, headquarters::Entity).await?;
        advance_sequence(txn, directive::Entity).await?;
        advance_sequence(txn, union_activity::Entity).await?;
        advance_sequence(txn, dialogue_session::Entity).await?;
        advance_sequence(txn, dialogue_question::Entity).await?;
        advance_sequence(txn, award::Entity).await?;
    }
    Ok(())
}

pub(crate) async fn advance_sequence(
    txn: &DatabaseTransaction,
    table: impl EntityName,
) -> Result<(), DbErr> {
    let name = table.table_name();
    let sql = format!("SELECT setval(pg_get_serial_sequence('{name}', 'id'), MAX(id)) FROM {name}");
    txn.query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?;
    Ok(())
}

/// The single `data_version` row: created at version 1, or bumped if it exists.
async fn bump_version(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    match data_version::Entity::find_by_id(1).one(txn).await? {
        Some(row) => {
            let version = row.version + 1;
            let mut active = row.into_active_model();
            active.version = ActiveValue::Set(version);
            active.changed_at = ActiveValue::Set(seeded_at());
            active.update(txn).await?;
        }
        None => {
            let row = data_version::Model {
                id: 1,
                version: 1,
                changed_at: seeded_at(),
            };
            data_version::Entity::insert(row.into_active_model())
                .exec_without_returning(txn)
                .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::power_of_two_floor;

    #[test]
    fn rounds_down_to_powers_of_two() {
        let got: Vec<usize> = [0, 1, 2, 3, 1000, 1024, 6400]
            .map(power_of_two_floor)
            .to_vec();
        assert_eq!(got, [0, 1, 2, 2, 512, 1024, 4096]);
    }
}
