//! The one integration test binary: every test drives the real router over HTTP (or WebSocket),
//! as a client would, on a fresh database. Tests marked with `both_databases!` run on a SQLite
//! temp file and, when `TEST_DATABASE_URL` is set, on a fresh PostgreSQL database too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod answers;
mod api_keys;
mod areas;
mod assisted;
mod binary;
mod cards;
mod case_oversight;
mod children_app;
mod console;
mod console_access;
mod demo;
mod departments;
mod errors;
mod health;
mod hot_paths;
mod instance_caches;
mod instances;
mod limits;
mod live_updates;
mod lost_responses;
mod media;
mod migrations;
mod moderation;
mod outages;
mod outbox;
mod permissions;
mod persisted;
mod plan;
mod plan_reports;
mod privacy;
mod properties;
mod proposals;
mod public;
mod review;
mod roster;
mod safeguarding;
mod schema_file;
mod shutdown;
mod sign_in;
mod streams;
mod tasks;
mod teachers;
mod trust;
mod websocket;
mod wording;
