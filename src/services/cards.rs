//! Printing a class's sign-in cards. PINs are kept only as digests, so a card can show a PIN
//! only when it is new: printing cards gives every child of the class a new PIN and a new QR
//! badge (the old ones stop working), then lays them out.

use crate::cards::{Card, CardFont, render};
use crate::domain::ids::ChildId;
use crate::error::AppError;
use crate::error::FieldCode;
use crate::secrets::{random_token, token_digest};
use crate::services::access::ClassTeacher;
use crate::services::enrolment::fresh_pin;
use crate::state::AppState;
use crate::store;
use crate::store::sessions::Ending;

/// The class's teacher: new PINs and badges for every child of the class, as a PDF of cards.
pub async fn print_cards(state: &AppState, teacher: &ClassTeacher) -> Result<Vec<u8>, AppError> {
    let Some(font) = CardFont::find(state.config.card_font.as_deref()) else {
        tracing::warn!("no CJK font for cards: install fonts-droid-fallback or set CARD_FONT");
        return Err(AppError::Unavailable);
    };
    let class = &teacher.class();
    let children = store::children::all_in_class(&state.db, class.id).await?;
    if children.is_empty() {
        return Err(AppError::validation(
            &["classId"],
            FieldCode::Empty,
            "这个班还没有登记孩子。",
        ));
    }
    let now = state.clock.now();
    let mut taken = std::collections::HashSet::new();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    let ids: Vec<ChildId> = children.iter().map(|child| child.id).collect();
    store::children::void_badges(&transaction, &ids, now).await?;
    // New PINs and new badges: every session the class's children had ends.
    let ended = store::sessions::end(&transaction, Ending::Children(&ids), now).await?;
    let label = format!("{}{}", class.grade.label_zh(), class.name);
    let mut cards = Vec::with_capacity(children.len());
    for child in &children {
        let (pin, digest) = fresh_pin(state, class.id, &mut taken);
        store::children::set_pin_digest(&transaction, child.id, digest).await?;
        let badge = random_token();
        store::children::insert_badge(
            &transaction,
            child.id,
            token_digest(&badge),
            teacher.staff().member.id,
            now,
        )
        .await?;
        cards.push(Card {
            class_label: label.clone(),
            pseudonym: child.pseudonym.as_str().to_owned(),
            class_code: class.code.as_str().to_owned(),
            pin: pin.reveal().to_owned(),
            badge_token: badge,
        });
    }
    store::classes::unlock_sign_in(&transaction, class.id).await?;
    let pdf = tokio::task::spawn_blocking(move || render(&cards, &font, "童声 登录卡"))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    transaction.commit().await?;
    crate::services::sessions::announce_ended(state, &ended).await;
    Ok(pdf)
}
