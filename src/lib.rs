//! Tongsheng (童声): children in Shangyu District put their ideas to the people who run their
//! city, and get a real answer. The modules follow the loop's layers:

/// Configuration from the environment (`.env.example` lists every variable).
pub mod config;
/// Plain Rust: ids, validated values, lifecycle rules. No framework imports.
pub mod domain;
/// The use cases: who may do what, one transaction each.
pub mod services;
/// Persistence: sea-orm entities and queries, connecting and migrating.
pub mod store;
/// GraphQL transport: schema, resolvers, the error boundary.
pub mod graphql;
/// HTTP transport: routes, limits, health and metrics endpoints.
pub mod http;
/// Redis when configured, in-process stand-ins otherwise. Never the record.
pub mod backplane;
/// The one error type and its stable codes.
pub mod error;
/// Prometheus metrics.
pub mod metrics;
/// Logging and request ids.
pub mod telemetry;
/// What every request can reach.
pub mod state;
/// Building, running and shutting down the server.
pub mod startup;
