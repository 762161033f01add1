//! Staff and the acting user of a request.

use crate::domain::departments::DepartmentId;
use crate::domain::ids::{ChildId, ClassId, DistrictId, SchoolId, SessionId, StaffId};
use crate::error::AppError;
use crate::error::FieldCode;

/// What a member of staff does (DESIGN §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Enrols and moderates their classes.
    Teacher,
    /// Receives a school's safeguarding escalations.
    SafeguardingLead,
    /// Receives the district's safeguarding cases that no school lead took up in time, or whose
    /// school has no lead; assigned by coordinators.
    DistrictSafeguardingLead,
    /// Works one department's task queue.
    DepartmentStaff,
    /// Runs the district's campaigns, routing and publication.
    Coordinator,
}

crate::domain::text_enum!(Role {
    Teacher = "teacher",
    SafeguardingLead = "safeguarding_lead",
    DistrictSafeguardingLead = "district_safeguarding_lead",
    DepartmentStaff = "department_staff",
    Coordinator = "coordinator",
});

/// A staff sign-in name: 3 to 64 lower-case letters, digits, `.`, `_` or `-`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str, path: &[&str]) -> Result<Self, AppError> {
        let name = raw.trim().to_ascii_lowercase();
        let valid = (3..=64).contains(&name.len())
            && name.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            });
        if valid {
            Ok(Username(name))
        } else {
            Err(AppError::validation(
                path,
                FieldCode::Format,
                "用户名应为 3 到 64 个小写字母、数字或 ._-。",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: at least 10 characters. Never logged, never returned.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(raw: &str, path: &[&str]) -> Result<Self, AppError> {
        match raw.chars().count() {
            10..=200 => Ok(NewPassword(raw.to_owned())),
            _ => Err(AppError::validation(
                path,
                FieldCode::Length,
                "密码至少要有 10 个字符。",
            )),
        }
    }

    pub fn reveal(&self) -> &str {
        &self.0
    }
}

/// A member of staff, as the rest of the app sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffMember {
    pub id: StaffId,
    pub district_id: DistrictId,
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    /// Teachers' and safeguarding leads' school.
    pub school_id: Option<SchoolId>,
    /// Department staff's department.
    pub department_id: Option<DepartmentId>,
}

/// Who is making a request, resolved once from its session token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    Anonymous,
    Child(ChildActor),
    Staff(StaffActor),
    /// A department's own system, with an API key: it may do what the department's clerks do
    /// with tasks, and nothing else.
    Integration(IntegrationActor),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildActor {
    pub id: ChildId,
    pub class_id: ClassId,
    pub school_id: SchoolId,
    pub session_id: SessionId,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffActor {
    pub member: StaffMember,
    pub session_id: SessionId,
}

/// A department's system, acting with its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntegrationActor {
    pub key_id: crate::domain::ids::ApiKeyId,
    /// The key's account, a member of the department's staff who cannot sign in.
    pub account: StaffMember,
    pub department_id: DepartmentId,
}

impl Actor {
    /// The session the request came with; for a key, the key's id, which its revocation
    /// announces as ended (so the WebSockets opened with it close).
    pub fn session_id(&self) -> Option<SessionId> {
        match self {
            Actor::Anonymous => None,
            Actor::Child(child) => Some(child.session_id),
            Actor::Staff(staff) => Some(staff.session_id),
            Actor::Integration(key) => Some(SessionId(key.key_id.0)),
        }
    }

    /// The signed-in staff member, or UNAUTHENTICATED / FORBIDDEN.
    pub fn staff(&self) -> Result<&StaffActor, AppError> {
        match self {
            Actor::Staff(staff) => Ok(staff),
            Actor::Child(_) | Actor::Integration(_) => Err(AppError::Forbidden),
            Actor::Anonymous => Err(AppError::Unauthenticated),
        }
    }

    /// The signed-in child, or UNAUTHENTICATED / FORBIDDEN.
    pub fn child(&self) -> Result<&ChildActor, AppError> {
        match self {
            Actor::Child(child) => Ok(child),
            Actor::Staff(_) | Actor::Integration(_) => Err(AppError::Forbidden),
            Actor::Anonymous => Err(AppError::Unauthenticated),
        }
    }
}

/// A school as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct School {
    pub id: crate::domain::ids::SchoolId,
    pub district_id: crate::domain::ids::DistrictId,
    pub code: String,
    pub name_zh: String,
}
