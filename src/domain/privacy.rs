//! What privacy work is about: a data request on a child, and which reads an audit looks at.

/// Which reads an audit looks at.
#[derive(Clone, Debug, Default)]
pub struct AccessFilter {
    pub child: Option<crate::domain::ids::ChildId>,
    pub staff: Option<crate::domain::ids::StaffId>,
    pub operation: Option<String>,
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

/// A teacher's request for a child's data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub id: uuid::Uuid,
    pub child_id: crate::domain::ids::ChildId,
    pub kind: String,
    pub reason: Option<String>,
    pub filed_by: crate::domain::ids::StaffId,
    pub filed_at: chrono::DateTime<chrono::Utc>,
    pub state: String,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub done_at: Option<chrono::DateTime<chrono::Utc>>,
}
