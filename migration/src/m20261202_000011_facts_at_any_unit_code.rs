//! STAND-IN for the lead's `unit_period` migration (drop this file at merge if that
//! migration already removes these keys): the facts' foreign keys to `unit(code)` go, so
//! facts can sit at codes of any unit period (Kon Tum's units, Đặc khu Lý Sơn), the
//! period in force on a fact's day being found by code and date, not by a key.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, column) of every fact that points at a unit by code.
const KEYS: [(&str, &str); 6] = [
    ("officer", "unit_code"),
    ("party_membership", "unit_code"),
    ("headquarters", "unit_code"),
    ("union_activity", "unit_code"),
    ("dialogue_question", "asker_unit_code"),
    ("award", "unit_code"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match db.get_database_backend() {
            DbBackend::Postgres => {
                for (table, column) in KEYS {
                    let sql = format!(
                        "ALTER TABLE {table} DROP CONSTRAINT IF EXISTS fk_{table}_{column}"
                    );
                    db.execute_unprepared(&sql).await?;
                }
                Ok(())
            }
            DbBackend::Sqlite => sqlite_up(db).await,
            _ => Err(DbErr::Migration("unsupported backend".into())),
        }
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}

/// SQLite cannot drop a constraint; removing a foreign key changes nothing on disk, so
/// the stored `CREATE TABLE` text is edited (the documented `writable_schema` way).
async fn sqlite_up(db: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    let version: i64 = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA schema_version",
        ))
        .await?
        .ok_or_else(|| DbErr::Migration("no schema_version".into()))?
        .try_get_by_index(0)?;
    // One call, so every statement runs on the same connection (the pragma is per connection).
    let mut script = String::from("PRAGMA writable_schema = ON;");
    for (table, column) in KEYS {
        let clause = format!(
            ", FOREIGN KEY (\"{column}\") REFERENCES \"unit\" (\"code\") ON DELETE RESTRICT"
        );
        script.push_str(&format!(
            "UPDATE sqlite_master SET sql = replace(sql, '{}', '') WHERE type = 'table' AND name = '{table}';",
            clause.replace('\'', "''")
        ));
    }
    script.push_str(&format!(
        "PRAGMA schema_version = {}; PRAGMA writable_schema = OFF;",
        version + 1
    ));
    db.execute_unprepared(&script).await?;
    Ok(())
}
