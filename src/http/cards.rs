//! `POST /classes/{id}/cards.pdf`: the class's teacher prints sign-in cards. A POST because it
//! changes things: every child gets a new PIN and QR badge (see `services::cards`).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use super::client::bearer_token;
use super::{HttpState, refusal};
use crate::domain::ids::ClassId;
use crate::error::AppError;
use crate::services;

pub async fn print(
    State(state): State<HttpState>,
    Path(class): Path<String>,
    headers: HeaderMap,
) -> Response {
    let made = async {
        let actor =
            services::sessions::authenticate(&state.app, bearer_token(&headers).as_deref()).await?;
        cards(&state.app, &actor, &class).await
    };
    match made.await {
        Ok(cards) => pdf_response(cards),
        Err(error) => refusal(&state, error),
    }
}

/// The cards as a download.
pub fn pdf_response((code, pdf): (String, Vec<u8>)) -> Response {
    let disposition = format!("attachment; filename=\"cards-{code}.pdf\"");
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        pdf,
    )
        .into_response()
}

/// The class's teacher: new cards for every child (the console prints them too).
pub async fn cards(
    state: &crate::state::AppState,
    actor: &crate::domain::people::Actor,
    class: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let class = ClassId::parse(class).ok_or(AppError::NotFound)?;
    let teacher = services::access::class_teacher(&state.db, actor, class).await?;
    let pdf = services::cards::print_cards(state, &teacher).await?;
    Ok((teacher.class().code.as_str().to_owned(), pdf))
}
