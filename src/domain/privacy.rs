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

/// What a data request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    Export,
    Erasure,
}

crate::domain::text_enum!(RequestKind {
    Export = "export",
    Erasure = "erasure",
});

/// Where a data request stands: pending, then refused, approved (an export ready to download)
/// or done (an erasure carried out).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestState {
    Pending,
    Approved,
    Done,
    Refused,
}

crate::domain::text_enum!(RequestState {
    Pending = "pending",
    Approved = "approved",
    Done = "done",
    Refused = "refused",
});

impl RequestState {
    /// What a coordinator's decision on a pending request of `kind` makes it.
    pub fn decided(kind: RequestKind, approve: bool) -> RequestState {
        match (approve, kind) {
            (false, _) => RequestState::Refused,
            (true, RequestKind::Erasure) => RequestState::Done,
            (true, RequestKind::Export) => RequestState::Approved,
        }
    }
}

/// A teacher's request for a child's data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub id: uuid::Uuid,
    pub child_id: crate::domain::ids::ChildId,
    pub kind: RequestKind,
    pub reason: Option<String>,
    pub filed_by: crate::domain::ids::StaffId,
    pub filed_at: chrono::DateTime<chrono::Utc>,
    pub state: RequestState,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub done_at: Option<chrono::DateTime<chrono::Utc>>,
}
