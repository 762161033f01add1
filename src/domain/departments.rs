//! Departments: the queues that children's proposals end up in.

use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DepartmentId(pub Uuid);

/// A department's stable code, such as `education_sports`: lower-case ASCII letters, digits and
/// underscores, 2 to 64 characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DepartmentCode(String);

impl DepartmentCode {
    pub fn parse(raw: &str) -> Option<Self> {
        let valid = (2..=64).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        valid.then(|| DepartmentCode(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Department {
    pub id: DepartmentId,
    pub code: DepartmentCode,
    /// The name as the district's documents write it, for example 教体局.
    pub name_zh: String,
    pub name_en: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_lower_snake_case_ascii() {
        assert!(DepartmentCode::parse("education_sports").is_some());
        assert!(DepartmentCode::parse("Education").is_none());
        assert!(DepartmentCode::parse("教体局").is_none());
        assert!(DepartmentCode::parse("x").is_none());
        assert!(DepartmentCode::parse(&"a".repeat(65)).is_none());
    }
}
