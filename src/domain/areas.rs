//! Areas: the townships and subdistricts a proposal's place lies in.

use crate::error::AppError;
use crate::error::FieldCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AreaKind {
    /// 街道
    Subdistrict,
    /// 镇
    Town,
    /// 乡
    Township,
}

crate::domain::text_enum!(AreaKind { Subdistrict = "subdistrict", Town = "town", Township = "township" });

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Area {
    pub id: uuid::Uuid,
    /// A stable code, for example `baiguan`.
    pub code: String,
    /// For example 百官街道.
    pub name_zh: String,
    pub kind: AreaKind,
}

/// An area code: 2 to 64 lower-case ASCII letters, digits or underscores.
pub fn parse_code(raw: &str) -> Result<String, AppError> {
    let code = raw.trim().to_ascii_lowercase();
    let valid = (2..=64).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    valid.then_some(code).ok_or_else(|| {
        AppError::validation(
            &["input", "code"],
            FieldCode::Format,
            "代码应为 2 到 64 个小写字母、数字或下划线。",
        )
    })
}
