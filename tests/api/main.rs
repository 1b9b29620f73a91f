//! The one integration-test binary: each test starts the real server on port 0 with its
//! own database (a temporary SQLite file, or a fresh PostgreSQL database when
//! `COSO_TEST_DATABASE_URL` is set) and talks to it over HTTP, as a client would.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod analytics;
mod areas;
mod attack_analytics;
mod attack_graphql;
mod audit;
mod bad_input;
mod bench_graphql;
mod browser;
mod cache;
mod cli;
mod dashboard;
mod demo;
mod faults;
mod field_order;
mod fuzz;
mod graphiql;
mod helpers;
mod history;
mod indicators;
mod intake;
mod intake_kinds;
mod limits;
mod listing;
mod mail;
mod nesting;
mod observability;
mod paging;
mod process;
mod protocol;
mod rebased;
mod relay;
mod reports;
mod restructure;
mod run_outcomes;
mod scheduler;
mod schedules;
mod schema;
mod secrets;
mod slow_clients;
mod smtp;
mod staffing_floor;
mod today;
mod writes;
