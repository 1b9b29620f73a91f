//! coso: the commune-level police build-up tracker. The library holds every stage of
//! the data flow; `main.rs` only parses the command line and calls into it.
//!
//! Flow: `http` (poem routes, auth) → `graphql` (schema, resolvers, DataLoaders) →
//! `service` (domain operations over sea-orm, scoped in SQL) → `entity`/`migration`.
//! `seed` fills a database with reference, demo or synthetic data.

pub mod allocator;
pub mod analytics;
pub mod app;
pub mod auth;
pub mod bench;
pub mod cells;
pub mod cli;
pub mod clock;
pub mod config;
pub mod connection;
pub mod dataset;
pub mod db;
pub mod domain;
pub mod format;
pub mod graphql;
pub mod http;
pub mod indicators;
pub mod intake;
pub mod mail;
pub mod report;
pub mod restructure;
pub mod scheduler;
pub mod secret;
pub mod seed;
pub mod service;
pub mod telemetry;
pub mod text;
