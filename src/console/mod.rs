//! The staff console (`/console`): server-rendered pages in simplified Chinese where teachers,
//! safeguarding leads, department staff and coordinators do their part of the loop.
//!
//! It is a door like GraphQL, not a second way in: every page reads and every form writes by
//! running an operation of the same GraphQL schema in-process (`api`), as the signed-in member
//! of staff, so the same proofs, checks, access log and error codes apply. Its session is the
//! API's session record, carried in an HttpOnly, SameSite=Strict cookie (`session`); every form
//! carries a token bound to that session, and a post without it is refused before anything runs.

mod api;
mod assets;
mod coordinator;
mod department;
mod images;
mod layout;
mod lead;
mod session;
mod sign_in;
mod teacher;
mod words;

use axum::Router;
use axum::routing::{get, post};

use crate::graphql::AppSchema;
use crate::state::AppState;

/// What the console's handlers share.
#[derive(Clone)]
pub struct ConsoleState {
    pub app: AppState,
    pub schema: AppSchema,
}

/// The console's routes, to be nested at `/console`.
pub fn router(app: AppState, schema: AppSchema) -> Router {
    Router::new()
        .route("/", get(sign_in::home))
        .route("/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/still-here", post(sign_in::still_here))
        .route("/console.js", get(assets::script))
        .route("/console.css", get(assets::style))
        .route("/media/{id}/{rendition}", get(images::rendition))
        .merge(teacher::routes())
        .merge(lead::routes())
        .merge(department::routes())
        .merge(coordinator::routes())
        .with_state(ConsoleState { app, schema })
}
