//! Tongsheng's schema, one migration per file, in the order they landed.
//!
//! Migrations never import the app's entities: each one describes the tables as they were on the
//! day it was written, so that a later change to an entity can never rewrite history. A migration
//! that has landed is never edited; add a new one.

pub use sea_orm_migration::prelude::*;

mod m20261130_000001_organisation;
mod m20261130_000002_identity;
mod m20261130_000003_areas;
mod m20261130_000004_proposals;
mod m20261130_000005_media;
mod m20261130_000006_moderation;
mod m20261130_000007_routing;
mod m20261130_000008_answers;
mod m20261130_000009_privacy;
mod m20261201_000010_case_oversight;
mod m20261201_000011_media_blobs;
mod m20261201_000012_api_keys;
mod m20261201_000013_plan_mechanism;
mod m20261201_000014_hot_indexes;
mod m20261201_000015_public_index;
mod m20261201_000016_task_polls;

pub use m20261130_000009_privacy::{ERASED_CHILD, ERASED_CLASS, ERASED_SCHOOL};

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261130_000001_organisation::Migration),
            Box::new(m20261130_000002_identity::Migration),
            Box::new(m20261130_000003_areas::Migration),
            Box::new(m20261130_000004_proposals::Migration),
            Box::new(m20261130_000005_media::Migration),
            Box::new(m20261130_000006_moderation::Migration),
            Box::new(m20261130_000007_routing::Migration),
            Box::new(m20261130_000008_answers::Migration),
            Box::new(m20261130_000009_privacy::Migration),
            Box::new(m20261201_000010_case_oversight::Migration),
            Box::new(m20261201_000011_media_blobs::Migration),
            Box::new(m20261201_000012_api_keys::Migration),
            Box::new(m20261201_000013_plan_mechanism::Migration),
            Box::new(m20261201_000014_hot_indexes::Migration),
            Box::new(m20261201_000015_public_index::Migration),
            Box::new(m20261201_000016_task_polls::Migration),
        ]
    }
}
