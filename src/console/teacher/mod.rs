//! Teachers: the moderation queue of each class, and the class itself.

mod class;
mod entry;
pub mod review;
pub use review::Answer;

use axum::Router;
use axum::routing::get;

use super::ConsoleState;

pub fn routes() -> Router<ConsoleState> {
    Router::new()
        .route("/review", get(review::classes))
        .route("/classes/{class}/review", get(review::queue))
        .route(
            "/classes/{class}/review/{proposal}",
            get(review::proposal).post(review::decide),
        )
        .route(
            "/classes/{class}/children/{child}/idea",
            get(entry::page).post(entry::submit),
        )
        .merge(class::routes())
}
