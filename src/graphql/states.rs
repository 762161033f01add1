//! The domain's closed sets as GraphQL enums, each value described, so that an app's code
//! generator types them. Each mirrors its domain type (`remote`): a value added to one and not
//! the other does not compile. Open keys (topics, which coordinators extend) stay strings.

use async_graphql::Enum;

use crate::domain::moderation::Decision;
use crate::domain::tracking::Notice;

/// Where a proposal stands, as its child sees it.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "crate::domain::tracking::ChildStatus")]
pub enum ProposalStatus {
    /// Sent; the screen has not finished with it.
    Submitted,
    /// With the teacher, who reads every idea before it goes on.
    AwaitingReview,
    /// The teacher will talk with the child (what an escalation reads as to its child).
    TeacherWillTalk,
    /// The teacher asked the child to change something; the note says what.
    ReturnedForChanges,
    /// It did not go on; the note says why.
    Rejected,
    /// The child took it back.
    Withdrawn,
    /// The school approved it; it is on its way to a department.
    Approved,
    /// In a department's queue.
    Routed,
    /// The department signed for it and is working on an answer.
    SignedFor,
    /// Being passed to the department it belongs with.
    Bounced,
    /// The department asked for more time.
    ExtensionRequested,
    /// The department answered.
    Answered,
    /// The answer is public.
    Published,
    /// Finished: the child rated the answer, or did not in time.
    Closed,
    /// The child was not satisfied; the department looks again.
    Reopened,
}

/// Where a proposal stands at school, as its teacher sees it.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "crate::domain::lifecycle::SchoolState")]
pub enum SchoolStatus {
    /// Sent; waiting for the screen.
    Submitted,
    /// Screened; about to join the teacher's queue.
    Screened,
    /// In the teacher's moderation queue.
    AwaitingReview,
    /// Sent back to the child to change.
    ReturnedForChanges,
    /// Not going on.
    Rejected,
    /// With the safeguarding lead.
    Escalated,
    /// Approved and routed to the departments.
    Approved,
    /// Taken back by the child.
    Withdrawn,
}

/// What the screen decided a proposal needs, the most severe of its texts.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "moderation::Action")]
pub enum ScreeningAction {
    /// Nothing found (a teacher still reads it).
    Publish,
    /// Personal information found: redactions are proposed.
    Redact,
    /// Unkind or unsafe words: the teacher must look closely.
    Review,
    /// A sign that the child may be at risk: the safeguarding lead sees it.
    Escalate,
}

/// What a finding of the screen is.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "moderation::FindingKind")]
pub enum FindingKind {
    /// Insults, slurs, profanity or an unkind tone.
    Abuse,
    /// Sexual words.
    Sexual,
    /// Violent words.
    Violence,
    /// Personal information: a proposed redaction.
    Pii,
    /// A sign that the child may be at risk.
    Safeguarding,
}

/// What happened to a task.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "crate::domain::tasks::TaskEventKind")]
pub enum TaskEventKind {
    /// The task opened when the school approved the proposal.
    Created,
    /// The department signed for it (签收).
    SignedFor,
    /// A note from the lead or a co-department.
    Note,
    /// The department asked for more working days.
    ExtensionRequested,
    /// A coordinator granted the extension.
    ExtensionApproved,
    /// A coordinator refused the extension.
    ExtensionRefused,
    /// The department sent it back as not its business.
    Bounced,
    /// A coordinator routed it to a department.
    Rerouted,
    /// The deadline came: a reminder (催办).
    Reminder,
    /// Still not done after the reminder: escalated (督办).
    Escalation,
    /// The department answered.
    Answered,
    /// The department reported progress.
    Progress,
    /// The answer was made public.
    Published,
    /// The child was not satisfied; back with the department once.
    Reopened,
    /// Finished.
    Closed,
    /// Linked to a duplicate proposal's task.
    Linked,
}

/// A decision in a proposal's moderation log.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum LogDecision {
    /// The automatic screen (its action is the entry's `reason`).
    Screen,
    /// The teacher approved it.
    Approve,
    /// The teacher returned it to the child to change.
    ReturnForChanges,
    /// The teacher rejected it.
    Reject,
    /// The teacher escalated it to the safeguarding lead.
    Escalate,
}

impl From<Option<Decision>> for LogDecision {
    fn from(decision: Option<Decision>) -> Self {
        match decision {
            None => LogDecision::Screen,
            Some(Decision::Approve) => LogDecision::Approve,
            Some(Decision::ReturnForChanges) => LogDecision::ReturnForChanges,
            Some(Decision::Reject) => LogDecision::Reject,
            Some(Decision::Escalate) => LogDecision::Escalate,
        }
    }
}

/// What kind of notice a child has about one of their proposals.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum NotificationKind {
    /// The proposal reached a new status (the notification's `status` says which).
    Status,
    /// The department reported progress on what it promised.
    Progress,
}

impl NotificationKind {
    /// The kind of a notice, and the status it announces if it announces one.
    pub fn of(notice: Notice) -> (NotificationKind, Option<ProposalStatus>) {
        match notice {
            Notice::Status(status) => (NotificationKind::Status, Some(status.into())),
            Notice::Progress => (NotificationKind::Progress, None),
        }
    }
}
