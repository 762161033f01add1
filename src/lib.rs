//! Tongsheng (童声): children in Shangyu District put their ideas to the people who run their
//! city, and get a real answer. The modules follow the loop's layers:

/// Redis when configured, in-process stand-ins otherwise. Never the record.
pub mod backplane;
/// Printable sign-in cards (PDF).
pub mod cards;
/// The time, from one place.
pub mod clock;
/// Configuration from the environment (`.env.example` lists every variable).
pub mod config;
/// The demo district for a newcomer's first run.
pub mod demo;
/// Plain Rust: ids, validated values, lifecycle rules. No framework imports.
pub mod domain;
/// The one error type and its stable codes.
pub mod error;
/// GraphQL transport: schema, resolvers, the error boundary.
pub mod graphql;
/// HTTP transport: routes, limits, health and metrics endpoints.
pub mod http;
/// Background work fed by the outbox and the clock (screening, the task streams, deadlines).
pub mod jobs;
/// The image pipeline: checks, renditions, storage.
pub mod media;
/// Prometheus metrics.
pub mod metrics;
/// Reading roster files (CSV, XLSX) into rows of cells.
pub mod roster_files;
/// Keys, tokens and password hashes.
pub mod secrets;
/// The use cases: who may do what, one transaction each.
pub mod services;
/// CSV and spreadsheet cells that no spreadsheet program runs as a formula.
pub mod spreadsheet;
/// Building, running and shutting down the server.
pub mod startup;
/// What every request can reach.
pub mod state;
/// Persistence: sea-orm entities and queries, connecting and migrating.
pub mod store;
/// Logging and request ids.
pub mod telemetry;
/// The public wall (`/`), its charts, the Atom feed and the CSV of published proposals.
pub mod wall;
