//! Tests of the seed flow against real databases: a temporary SQLite file per test (and
//! a fresh PostgreSQL database when `COSO_TEST_DATABASE_URL` is set), checked by SQL
//! queries rather than by the generator's own counters.

mod demo;
mod present;
mod support;
mod synthetic;
