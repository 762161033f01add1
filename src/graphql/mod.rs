//! GraphQL transport: parse inputs into domain types, call a service, map the result.
//! Resolvers are a few lines; output types are written by hand, so what a record shows is an
//! explicit list. Errors leave through [`errors`], which is the only way an `AppError` becomes a
//! client-visible error.

mod access;
mod answers;
mod areas;
mod backing;
mod boundary;
mod campaigns;
mod children;
mod classes;
pub mod connection;
pub mod context;
mod departments;
pub mod errors;
mod ids;
mod integrations;
mod introspection;
mod key_uses;
mod media;
mod moderation;
mod page;
mod people;
mod plain_text;
mod plan;
mod privacy;
mod proposals;
mod public;
mod references;
mod report;
mod roster;
mod routing;
mod safeguarding;
mod sessions;
mod standing;
mod states;
mod tasks;

use async_graphql::extensions::{Extension, ExtensionFactory};
use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder};
use std::sync::Arc;

pub use boundary::Boundary;
pub use context::{ClientAddress, RequestId};

use crate::state::AppState;

/// What can be read: the public wall and statistics for anyone; a child's own proposals; a
/// teacher's classes and moderation queue; a department's tasks; coordinators' reports.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    departments::DepartmentsQuery,
    people::PeopleQuery,
    classes::ClassesQuery,
    children::ChildrenQuery,
    access::AccessQuery,
    areas::AreasQuery,
    campaigns::CampaignsQuery,
    standing::StandingQuery,
    references::ReferencesQuery,
    proposals::ProposalsQuery,
    moderation::ModerationQuery,
    safeguarding::SafeguardingQuery,
    routing::RoutingQuery,
    tasks::TasksQuery,
    tasks::EscalationsQuery,
    integrations::IntegrationsQuery,
    answers::AnswersQuery,
    public::PublicQuery,
    report::ReportQuery,
    plan::PlanQuery,
    privacy::PrivacyQuery,
);

/// What can be done, each step of the loop: sign in, submit, moderate, route, answer, publish,
/// and the privacy lifecycle.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    sessions::SessionsMutation,
    people::PeopleMutation,
    classes::ClassesMutation,
    roster::RosterMutation,
    areas::AreasMutation,
    media::MediaMutation,
    campaigns::CampaignsMutation,
    standing::StandingMutation,
    proposals::ProposalsMutation,
    moderation::ModerationMutation,
    safeguarding::SafeguardingMutation,
    routing::RoutingMutation,
    tasks::TasksMutation,
    integrations::IntegrationsMutation,
    answers::AnswersMutation,
    public::PublicMutation,
    backing::BackingMutation,
    plan::PlanMutation,
    privacy::PrivacyMutation,
    children::ChildrenMutation,
);

/// Live updates over `/graphql/ws` (graphql-transport-ws).
#[derive(MergedSubscription, Default)]
#[graphql(name = "Subscription")]
pub struct SubscriptionRoot(
    proposals::ProposalsSubscription,
    safeguarding::SafeguardingSubscription,
    tasks::TasksSubscription,
);

pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// What a mutation costs before its selection: more than any field, so that a document cannot
/// pack many writes under the complexity limit.
pub const MUTATION_COST: usize = 50;

/// The limits that hold whatever the configuration (DESIGN §9, the foundation issue).
pub const MAX_DEPTH: usize = 10;
pub const MAX_COMPLEXITY: usize = 2_500;
pub const MAX_RECURSIVE_DEPTH: usize = 16;
pub const MAX_DIRECTIVES: usize = 4;

/// The schema with its limits but no data: what `export-schema` prints.
pub fn schema_builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot::default(),
    )
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY)
    .limit_recursive_depth(MAX_RECURSIVE_DEPTH)
    .limit_directives(MAX_DIRECTIVES)
    .disable_suggestions()
}

/// The schema the server runs: limits, the app's state, and the error and metrics boundary.
/// Introspection is off in production.
/// `extra` runs inside the boundary, so whatever it does is sealed like a resolver's error.
pub fn build_schema(state: AppState, extra: Option<Arc<dyn ExtensionFactory>>) -> AppSchema {
    let mut builder = schema_builder()
        .extension(Boundary)
        .extension(connection::ConnectionSession)
        .extension(key_uses::KeyUses)
        .extension(plain_text::PlainText);
    if let Some(extra) = extra {
        builder = builder.extension(Shared(extra));
    }
    if state.config.is_production() {
        builder = builder
            .disable_introspection()
            .extension(introspection::NoIntrospection);
    }
    builder.data(state).finish()
}

/// An extension factory shared by reference.
struct Shared(Arc<dyn ExtensionFactory>);

impl ExtensionFactory for Shared {
    fn create(&self) -> Arc<dyn Extension> {
        self.0.create()
    }
}

/// The schema in SDL, sorted, as committed in `schema/schema.graphql`.
pub fn sdl() -> String {
    let sdl = schema_builder().finish().sdl_with_options(
        async_graphql::SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items(),
    );
    format!("{}\n", sdl.trim())
}
