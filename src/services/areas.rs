//! The district's townships and subdistricts.

use crate::domain::areas::{Area, AreaKind, parse_code};
use crate::error::AppError;
use crate::error::FieldCode;
use crate::services::access::Coordinator;
use crate::services::people::SHANGYU;
use crate::state::AppState;
use crate::store;

/// Anyone: the areas, by code.
pub async fn list(state: &AppState) -> Result<Vec<Area>, AppError> {
    Ok(store::areas::all(&state.db).await?)
}

/// Coordinators: adds an area from the district's official division list.
pub async fn create(
    state: &AppState,
    _: &Coordinator,
    code: &str,
    name_zh: &str,
    kind: AreaKind,
) -> Result<Area, AppError> {
    let code = parse_code(code)?;
    let name_zh = name_zh.trim();
    if !(2..=30).contains(&name_zh.chars().count()) {
        return Err(AppError::validation(
            &["input", "nameZh"],
            FieldCode::Length,
            "名称应为 2 到 30 个字。",
        ));
    }
    if store::areas::code_taken(&state.db, &code).await? {
        return Err(AppError::validation(
            &["input", "code"],
            FieldCode::Taken,
            "这个代码已经有了。",
        ));
    }
    let area = Area {
        id: uuid::Uuid::now_v7(),
        code,
        name_zh: name_zh.to_owned(),
        kind,
    };
    store::areas::insert(&state.db, SHANGYU, &area, state.clock.now()).await?;
    Ok(area)
}
