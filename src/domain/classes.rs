//! Classes: the unit a teacher enrols and moderates, and the code children sign in with.

use crate::domain::ids::{ClassId, SchoolId};
use crate::error::AppError;
use crate::error::FieldCode;
use rand::RngExt as _;

/// The code a class signs in with, printed on its cards: six characters from an alphabet
/// without look-alikes (no 0/O, 1/I/L), so a six-year-old can type it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClassCode(String);

pub const CLASS_CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const CLASS_CODE_LENGTH: usize = 6;

impl ClassCode {
    /// Parses what a child typed: case and surrounding spaces do not matter.
    pub fn parse(typed: &str) -> Option<Self> {
        let code = typed.trim().to_ascii_uppercase();
        let valid = code.len() == CLASS_CODE_LENGTH
            && code.bytes().all(|b| CLASS_CODE_ALPHABET.contains(&b));
        valid.then_some(ClassCode(code))
    }

    /// A random code; the caller retries on the (rare) collision with an existing class.
    pub fn random(rng: &mut impl rand::Rng) -> Self {
        let code = (0..CLASS_CODE_LENGTH)
            .map(|_| {
                char::from(CLASS_CODE_ALPHABET[rng.random_range(0..CLASS_CODE_ALPHABET.len())])
            })
            .collect();
        ClassCode(code)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// School grade, 1 (first year of primary) to 12 (last year of senior high).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Grade(u8);

impl Grade {
    pub fn parse(grade: i32, path: &[&str]) -> Result<Self, AppError> {
        match u8::try_from(grade) {
            Ok(g @ 1..=12) => Ok(Grade(g)),
            _ => Err(AppError::validation(
                path,
                FieldCode::OutOfRange,
                "年级应在 1 到 12 之间。",
            )),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// How the grade is written for people: 一年级 … 六年级, 初一 … 初三, 高一 … 高三.
    pub fn label_zh(self) -> String {
        const NUMBERS: [&str; 6] = ["一", "二", "三", "四", "五", "六"];
        let n = usize::from(self.0);
        match n {
            1..=6 => format!("{}年级", NUMBERS[n - 1]),
            7..=9 => format!("初{}", NUMBERS[n - 7]),
            _ => format!("高{}", NUMBERS[n - 10]),
        }
    }
}

/// A class as its teacher and the school see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Class {
    pub id: ClassId,
    pub school_id: SchoolId,
    pub code: ClassCode,
    pub grade: Grade,
    /// The class's name within its grade, for example 3班.
    pub name: String,
    /// The year the school year starts in (2026 for 2026-2027).
    pub school_year: i32,
    /// PIN sign-in is locked after too many failures, until the teacher resets PINs.
    pub sign_in_locked: bool,
}

/// A class name: 1 to 20 characters after trimming.
pub fn parse_class_name(name: &str, path: &[&str]) -> Result<String, AppError> {
    let name = name.trim();
    match name.chars().count() {
        1..=20 => Ok(name.to_owned()),
        _ => Err(AppError::validation(
            path,
            FieldCode::Length,
            "班级名称应为 1 到 20 个字。",
        )),
    }
}

/// Who proposed it, as the public reads it: the grade, and the school where it may be named
/// (四年级 · 百官小学, or 四年级). Never the child.
pub fn proposer_label(grade: u8, school: Option<&str>) -> String {
    let grade = Grade::parse(i32::from(grade), &[])
        .map(Grade::label_zh)
        .unwrap_or_default();
    match school {
        Some(school) => format!("{grade} · {school}"),
        None => grade,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_code_is_read_without_regard_to_case_or_spaces() {
        assert_eq!(ClassCode::parse(" k7p3qx ").unwrap().as_str(), "K7P3QX");
        assert!(
            ClassCode::parse("K7P3Q0").is_none(),
            "0 is not in the alphabet"
        );
        assert!(ClassCode::parse("K7P3Q").is_none());
    }

    #[test]
    fn random_codes_parse() {
        let mut rng = rand::rng();
        for _ in 0..100 {
            let code = ClassCode::random(&mut rng);
            assert_eq!(ClassCode::parse(code.as_str()), Some(code));
        }
    }

    #[test]
    fn grades_are_labelled_as_schools_write_them() {
        assert_eq!(Grade::parse(4, &["grade"]).unwrap().label_zh(), "四年级");
        assert_eq!(Grade::parse(8, &["grade"]).unwrap().label_zh(), "初二");
        assert_eq!(Grade::parse(12, &["grade"]).unwrap().label_zh(), "高三");
        assert!(Grade::parse(0, &["grade"]).is_err());
        assert!(Grade::parse(13, &["grade"]).is_err());
    }
}
