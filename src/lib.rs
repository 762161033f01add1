//! Tongsheng (童声): children in Shangyu District put their ideas to the people who run their
//! city, and get a real answer. The modules follow the loop's layers, innermost first; an arrow
//! only points inwards (ARCHITECTURE.md draws them, and `architecture` tests them).

// The GraphQL root is deep: optimised builds need more room to lay out its futures.
#![recursion_limit = "256"]

// The loop's rules: plain Rust, no framework, no database.
/// Ids, validated values, lifecycle tables, and each step's rules (`domain::tracking` is what a
/// child sees of their idea).
pub mod domain;
/// The one error type, its stable codes and the field codes.
pub mod error;

// Its record.
/// Persistence: sea-orm entities and queries, connecting and migrating. Maps rows to domain
/// values, or fails naming the row.
pub mod store;

// Its steps: who may do what, one transaction each. One module per step of the loop:
// `submission`, `moderation`, `routing`, `tasks`, `answers`, `publicity`, `tracking`, and the
// safeguarding, privacy and people work beside it.
/// Background work fed by the outbox and the clock: it claims work and hands it to a service.
pub mod jobs;
/// The use cases.
pub mod services;

// Its doors.
/// The reference children's app (`/app`): static files that use only the public API.
pub mod app;
/// Printable sign-in cards (PDF).
pub mod cards;
/// The staff console (`/console`): server-rendered pages that run the GraphQL schema's own
/// operations for the signed-in member of staff.
pub mod console;
/// GraphQL transport: schema, resolvers, the error boundary.
pub mod graphql;
/// HTTP transport: routes, limits, health and metrics endpoints.
pub mod http;
/// The public wall (`/`), its charts, the Atom feed and the CSV of published proposals.
pub mod wall;

// What all of it runs on.
/// Redis when configured, in-process stand-ins otherwise. Never the record.
pub mod backplane;
/// The time, from one place.
pub mod clock;
/// Configuration from the environment (`.env.example` lists every variable).
pub mod config;
/// The demo district for a newcomer's first run.
pub mod demo;
/// The image pipeline: checks, renditions, storage.
pub mod media;
/// Prometheus metrics.
pub mod metrics;
/// Reading roster files (CSV, XLSX) into rows of cells.
pub mod roster_files;
/// Keys, tokens and password hashes.
pub mod secrets;
/// CSV and spreadsheet cells that no spreadsheet program runs as a formula.
pub mod spreadsheet;
/// Building, running and shutting down the server.
pub mod startup;
/// What every request can reach.
pub mod state;
/// Logging and request ids.
pub mod telemetry;

#[cfg(test)]
mod architecture;
