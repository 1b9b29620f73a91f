//! Schema migrations: the first stage of the data flow. `coso` runs them at start-up
//! (PostgreSQL and SQLite alike); they never import the entity crate.

pub use sea_orm_migration::prelude::*;

mod m20260101_000001_reference;
mod m20260101_000002_facts;
mod m20260101_000003_access;
mod m20260101_000004_indicator_values;
mod m20260101_000005_reports;
mod m20260101_000006_audit;
mod m20260101_000007_report_archive;
mod m20261202_000008_scope_version;
mod m20261202_000009_unique_seats;
mod m20261202_000010_unit_history;
mod m20261202_000011_unit_period_names;
mod m20261202_000012_headquarters_holding;
mod m20261202_000013_areas;
mod m20261203_000014_imports;
mod m20261204_000015_unit_period_lookups;
mod m20261206_000016_list_orders;

/// The ordered list of migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20260101_000001_reference::Migration),
            Box::new(m20260101_000002_facts::Migration),
            Box::new(m20260101_000003_access::Migration),
            Box::new(m20260101_000004_indicator_values::Migration),
            Box::new(m20260101_000005_reports::Migration),
            Box::new(m20260101_000006_audit::Migration),
            Box::new(m20260101_000007_report_archive::Migration),
            Box::new(m20261202_000008_scope_version::Migration),
            Box::new(m20261202_000009_unique_seats::Migration),
            Box::new(m20261202_000010_unit_history::Migration),
            Box::new(m20261202_000011_unit_period_names::Migration),
            Box::new(m20261202_000012_headquarters_holding::Migration),
            Box::new(m20261202_000013_areas::Migration),
            Box::new(m20261203_000014_imports::Migration),
            Box::new(m20261204_000015_unit_period_lookups::Migration),
            Box::new(m20261206_000016_list_orders::Migration),
        ]
    }
}

/// The name of [`index`]'s index on `table(cols)`: `idx_<table>_<cols>`.
pub(crate) fn index_name(table: &str, cols: &[&str]) -> String {
    format!("idx_{table}_{}", cols.join("_"))
}

/// Creates an index named [`index_name`] on `table(cols)`.
pub(crate) fn index(table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(index_name(table, cols)).table(table);
    for col in cols {
        stmt.col(*col);
    }
    stmt.to_owned()
}

/// A foreign key from `table.col` to `to_table.to_col`.
pub(crate) fn fk(
    table: &'static str,
    col: &'static str,
    to_table: &'static str,
    to_col: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{col}"))
        .from(table, col)
        .to(to_table, to_col)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}
