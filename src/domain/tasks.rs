//! Tasks: an approved proposal in a department's queue, with its clock running (DESIGN §5, §6).

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::departments::DepartmentId;
use crate::domain::ids::{CampaignId, ExtensionId, ProposalId, StaffId, TaskEventId, TaskId};
use crate::domain::lifecycle::GovernmentState;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    pub id: TaskId,
    pub proposal_id: ProposalId,
    pub campaign_id: CampaignId,
    pub topic: crate::domain::topics::Topic,
    /// None: in the coordinators' triage queue.
    pub department_id: Option<DepartmentId>,
    pub co_departments: Vec<DepartmentId>,
    pub state: GovernmentState,
    pub sign_for_due: NaiveDate,
    pub answer_due: NaiveDate,
    /// The deadline that runs now: signing for, then answering.
    pub due: NaiveDate,
    pub signed_for_at: Option<DateTime<Utc>>,
    pub reminded_at: Option<DateTime<Utc>>,
    pub escalated_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// The states in which a task waits on a department (its clock runs).
pub const OPEN_STATES: [GovernmentState; 4] = [
    GovernmentState::Routed,
    GovernmentState::SignedFor,
    GovernmentState::ExtensionRequested,
    GovernmentState::Reopened,
];

impl Task {
    pub fn is_open(&self) -> bool {
        OPEN_STATES.contains(&self.state)
    }

    /// Past its deadline on `today` and still waiting on the department.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.is_open() && today > self.due
    }

    /// A new deadline runs: the reminder and escalation of the last one no longer apply.
    pub fn restart_clock(&mut self, due: NaiveDate) {
        self.due = due;
        self.reminded_at = None;
        self.escalated_at = None;
    }
}

/// What happened to a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaskEventKind {
    Created,
    SignedFor,
    Note,
    ExtensionRequested,
    ExtensionApproved,
    ExtensionRefused,
    Bounced,
    Rerouted,
    /// 催办: the deadline has come and the department has not acted.
    Reminder,
    /// 督办: still nothing some working days later; the coordinators step in.
    Escalation,
    Answered,
    Progress,
    Published,
    /// The child was not satisfied: the department looks again.
    Reopened,
    /// The child was satisfied, or did not rate in time.
    Closed,
    /// Linked as the duplicate of another task, answered with it.
    Linked,
}

crate::domain::text_enum!(TaskEventKind {
    Created = "created",
    SignedFor = "signed_for",
    Note = "note",
    ExtensionRequested = "extension_requested",
    ExtensionApproved = "extension_approved",
    ExtensionRefused = "extension_refused",
    Bounced = "bounced",
    Rerouted = "rerouted",
    Reminder = "reminder",
    Escalation = "escalation",
    Answered = "answered",
    Progress = "progress",
    Published = "published",
    Reopened = "reopened",
    Closed = "closed",
    Linked = "linked",
});

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskEvent {
    pub id: TaskEventId,
    pub task_id: TaskId,
    pub kind: TaskEventKind,
    /// The department concerned (the one that bounced, the one reminded …).
    pub department_id: Option<DepartmentId>,
    pub staff_id: Option<StaffId>,
    pub text: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtensionState {
    Pending,
    Approved,
    Refused,
}

crate::domain::text_enum!(ExtensionState {
    Pending = "pending",
    Approved = "approved",
    Refused = "refused",
});

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    pub id: ExtensionId,
    pub task_id: TaskId,
    pub working_days: u32,
    pub reason: String,
    pub requested_by: StaffId,
    pub requested_at: DateTime<Utc>,
    pub state: ExtensionState,
}

/// The cursor of a queue: the deadline, then the id.
pub type QueueKey = (chrono::NaiveDate, uuid::Uuid);
