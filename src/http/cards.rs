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
    match cards(&state, &class, &headers).await {
        Ok((code, pdf)) => {
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
        Err(error) => refusal(&state, error),
    }
}

async fn cards(
    state: &HttpState,
    class: &str,
    headers: &HeaderMap,
) -> Result<(String, Vec<u8>), AppError> {
    let actor =
        services::sessions::authenticate(&state.app, bearer_token(headers).as_deref()).await?;
    let class = ClassId::parse(class).ok_or(AppError::NotFound)?;
    let teacher = services::access::class_teacher(&state.app.db, &actor, class).await?;
    let pdf = services::cards::print_cards(&state.app, &teacher).await?;
    Ok((teacher.class().code.as_str().to_owned(), pdf))
}
