//! Tracking: what a child sees of their own proposal. Where it stands, in words for their age;
//! its history as steps the child can tell apart; whether they may rate the answer. These rules
//! live here once: the API, the subscription, the notifications and the pages all use them.

use chrono::{DateTime, Utc};

use crate::domain::children::AgeBand;
use crate::domain::lifecycle::{GovernmentState, SchoolState};
use crate::domain::proposals::Event;

/// Where a proposal stands, as its child sees it: the department's state once there is one,
/// else the school's. A proposal screened but not yet looked at reads as awaiting review, and an
/// escalation reads as "the teacher will talk with you": a child who disclosed harm is never
/// told their idea was refused, nor alarmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChildStatus {
    Submitted,
    AwaitingReview,
    TeacherWillTalk,
    ReturnedForChanges,
    Rejected,
    Withdrawn,
    Approved,
    Routed,
    SignedFor,
    Bounced,
    ExtensionRequested,
    Answered,
    Published,
    Closed,
    Reopened,
}

crate::domain::text_enum!(ChildStatus {
    Submitted = "submitted",
    AwaitingReview = "awaiting_review",
    TeacherWillTalk = "teacher_will_talk",
    ReturnedForChanges = "returned_for_changes",
    Rejected = "rejected",
    Withdrawn = "withdrawn",
    Approved = "approved",
    Routed = "routed",
    SignedFor = "signed_for",
    Bounced = "bounced",
    ExtensionRequested = "extension_requested",
    Answered = "answered",
    Published = "published",
    Closed = "closed",
    Reopened = "reopened",
});

impl ChildStatus {
    /// The status of a proposal in these states.
    pub fn of(school: SchoolState, government: Option<GovernmentState>) -> ChildStatus {
        use ChildStatus as C;
        use GovernmentState as G;
        use SchoolState as S;
        match (school, government) {
            (_, Some(G::Routed)) => C::Routed,
            (_, Some(G::SignedFor)) => C::SignedFor,
            (_, Some(G::Bounced)) => C::Bounced,
            (_, Some(G::ExtensionRequested)) => C::ExtensionRequested,
            (_, Some(G::Answered)) => C::Answered,
            (_, Some(G::Published)) => C::Published,
            (_, Some(G::Closed)) => C::Closed,
            (_, Some(G::Reopened)) => C::Reopened,
            (S::Submitted, None) => C::Submitted,
            (S::Screened | S::AwaitingReview, None) => C::AwaitingReview,
            (S::Escalated, None) => C::TeacherWillTalk,
            (S::ReturnedForChanges, None) => C::ReturnedForChanges,
            (S::Rejected, None) => C::Rejected,
            (S::Withdrawn, None) => C::Withdrawn,
            (S::Approved, None) => C::Approved,
        }
    }

    /// The status a step of the proposal's history reached (a state of either layer).
    pub fn of_recorded(state: &str) -> ChildStatus {
        match (SchoolState::parse(state), GovernmentState::parse(state)) {
            (Some(school), _) => ChildStatus::of(school, None),
            (None, Some(government)) => ChildStatus::of(SchoolState::Approved, Some(government)),
            (None, None) => ChildStatus::Submitted,
        }
    }

    /// The status in simplified Chinese, for the child's age band: plain words for the youngest.
    pub fn label(self, band: AgeBand) -> &'static str {
        use ChildStatus as C;
        let (young, older) = match self {
            C::Submitted => ("你的想法已经交上去啦", "已提交"),
            C::AwaitingReview => ("老师正在看你的想法", "老师审核中"),
            C::TeacherWillTalk => (
                "老师看到了你写的话，会找时间和你聊一聊",
                "老师会找时间和你当面聊一聊",
            ),
            C::ReturnedForChanges => ("老师请你再改一改", "需要修改后再提交"),
            C::Rejected => ("这次的想法没有送出去，老师会告诉你为什么", "未通过学校审核"),
            C::Withdrawn => ("你已经把这个想法收回了", "已撤回"),
            C::Approved | C::Routed => ("你的想法已经送到负责的部门了", "已转交负责部门"),
            C::SignedFor => ("部门已经收到你的想法", "部门已签收"),
            C::Bounced => ("正在找最合适的部门", "正在重新安排负责部门"),
            C::ExtensionRequested => ("部门还需要多一点时间", "部门申请延期答复"),
            C::Answered => ("部门已经写好回复了", "部门已答复"),
            C::Published => ("回复已经公开啦，快去看看", "答复已公开"),
            C::Closed => ("这件事完成啦", "已办结"),
            C::Reopened => ("部门会再认真看一看", "已重新办理"),
        };
        if matches!(band, AgeBand::A | AgeBand::B) {
            young
        } else {
            older
        }
    }

    /// The words for this status where the step that reached it says more: a proposal stopped
    /// because a guardian withdrew consent (the child did nothing: they must not read that they
    /// took it back), and one closed after the child said a second time that the answer was not
    /// good enough (they must not read "all done!"). `reason` is the one recorded with the step.
    pub fn label_for(self, band: AgeBand, reason: Option<&str>) -> &'static str {
        let young = matches!(band, AgeBand::A | AgeBand::B);
        let unsatisfied = crate::domain::answers::Rating::NotSatisfied.as_str();
        match (self, reason) {
            (ChildStatus::Withdrawn, Some(GUARDIAN_WITHDREW)) if young => {
                "这个想法先停下来了，等家里的大人同意后才能再送出去"
            }
            (ChildStatus::Withdrawn, Some(GUARDIAN_WITHDREW)) => {
                "监护人撤回了同意，这条建议已停止处理"
            }
            (ChildStatus::Closed, Some(reason)) if reason.starts_with(unsatisfied) && young => {
                "你说了还不满意，区里的叔叔阿姨会看到你的意见"
            }
            (ChildStatus::Closed, Some(reason)) if reason.starts_with(unsatisfied) => {
                "已办结：你的不满意已经记下，会报给区里"
            }
            _ => self.label(band),
        }
    }

    /// The step a child reads: approval and routing are one ("sent to the department").
    fn reads_as(self) -> ChildStatus {
        match self {
            ChildStatus::Approved => ChildStatus::Routed,
            other => other,
        }
    }

    /// Whether the teacher's words go with this step: what to change, or why it stopped.
    pub fn carries_note(self) -> bool {
        matches!(
            self,
            ChildStatus::ReturnedForChanges | ChildStatus::Rejected
        )
    }
}

/// The reason recorded when a proposal is withdrawn because a guardian withdrew consent.
pub const GUARDIAN_WITHDREW: &str = "监护人撤回了同意";

/// The words for where a proposal stands now: its status, told apart by the reason of the last
/// step that reached it (`label_for`).
/// The notification a child gets for a proposal just submitted: written with the proposal.
pub fn submitted_notice(proposal: &crate::domain::proposals::Proposal) -> (Notice, &'static str) {
    let status = ChildStatus::of(SchoolState::Submitted, None);
    let events = [crate::domain::proposals::Event::submitted(
        proposal.created_at,
    )];
    (
        Notice::Status(status),
        current_label(status, proposal.band, &events),
    )
}

pub fn current_label(status: ChildStatus, band: AgeBand, events: &[Event]) -> &'static str {
    let reason = events
        .iter()
        .rev()
        .find(|event| ChildStatus::of_recorded(&event.to) == status)
        .and_then(|event| event.reason.as_deref());
    status.label_for(band, reason)
}

/// What a notice to a child is about: a new status of their proposal, or progress on what the
/// department promised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    Status(ChildStatus),
    Progress,
}

impl Notice {
    const PROGRESS: &'static str = "progress";

    /// The notice's stored key: the status's key, or `progress`.
    pub fn key(self) -> &'static str {
        match self {
            Notice::Status(status) => status.as_str(),
            Notice::Progress => Self::PROGRESS,
        }
    }

    pub fn parse(key: &str) -> Option<Notice> {
        match key {
            Self::PROGRESS => Some(Notice::Progress),
            key => ChildStatus::parse(key).map(Notice::Status),
        }
    }
}

/// One step of a proposal's history, as its child reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub at: DateTime<Utc>,
    pub status: ChildStatus,
    /// What the teacher asked to change (returned), or why it did not go on (rejected).
    pub note: Option<String>,
}

/// The history as the child reads it, oldest first: steps a child would not tell apart
/// (screened, then awaiting review; approved, then routed) read as one.
pub fn timeline(events: &[Event]) -> Vec<Step> {
    timeline_with_reasons(events)
        .into_iter()
        .map(|(step, _)| step)
        .collect()
}

/// The timeline, each step with the reason recorded with it (for `label_for`).
pub fn timeline_with_reasons(events: &[Event]) -> Vec<(Step, Option<String>)> {
    let mut steps: Vec<(Step, Option<String>)> = Vec::new();
    // "Sent to the department" is read once, unless the department sent it back in between (a
    // re-routing, or a new task for a helping department, is not news to the child).
    let mut sent = false;
    for event in events {
        let status = ChildStatus::of_recorded(&event.to);
        if steps
            .last()
            .is_some_and(|(last, _)| last.status.reads_as() == status.reads_as())
        {
            continue;
        }
        match status.reads_as() {
            ChildStatus::Routed if sent => continue,
            ChildStatus::Routed => sent = true,
            ChildStatus::Bounced | ChildStatus::ReturnedForChanges => sent = false,
            _ => {}
        }
        steps.push((
            Step {
                at: event.at,
                status,
                note: status
                    .carries_note()
                    .then(|| event.reason.clone())
                    .flatten(),
            },
            event.reason.clone(),
        ));
    }
    steps
}

/// Whether the child may say now if the answer was good enough: once it is answered (published
/// or not), and before the task closes.
pub fn may_rate(task: Option<GovernmentState>) -> bool {
    matches!(
        task,
        Some(GovernmentState::Answered | GovernmentState::Published)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_to_the_department_is_read_once_unless_it_came_back() {
        let at = chrono::DateTime::UNIX_EPOCH;
        let step = |to: &str| Event {
            at,
            layer: "government",
            from: None,
            to: to.into(),
            reason: None,
        };
        let events = [
            step(SchoolState::Approved.as_str()),
            step(GovernmentState::Routed.as_str()),
            step(GovernmentState::SignedFor.as_str()),
            step(GovernmentState::Routed.as_str()),
            step(GovernmentState::Bounced.as_str()),
            step(GovernmentState::Routed.as_str()),
        ];
        let read: Vec<ChildStatus> = timeline(&events).into_iter().map(|s| s.status).collect();
        assert_eq!(
            read,
            [
                ChildStatus::Approved,
                ChildStatus::SignedFor,
                ChildStatus::Bounced,
                ChildStatus::Routed
            ]
        );
    }

    #[test]
    fn an_escalation_reads_to_the_child_as_the_teacher_coming_to_talk() {
        let status = ChildStatus::of(SchoolState::Escalated, None);
        assert_eq!(status, ChildStatus::TeacherWillTalk);
        assert_eq!(
            status.label(AgeBand::A),
            "老师看到了你写的话，会找时间和你聊一聊"
        );
    }

    #[test]
    fn every_status_has_different_words_for_young_and_older_children() {
        for status in ChildStatus::ALL {
            assert_ne!(
                status.label(AgeBand::A),
                status.label(AgeBand::D),
                "{status:?}"
            );
        }
    }

    #[test]
    fn every_recorded_state_reads_as_a_status() {
        for state in SchoolState::ALL {
            assert_eq!(
                ChildStatus::of_recorded(state.as_str()),
                ChildStatus::of(*state, None)
            );
        }
        for state in GovernmentState::ALL {
            assert_eq!(
                ChildStatus::of_recorded(state.as_str()).as_str(),
                state.as_str()
            );
        }
    }

    #[test]
    fn screened_and_awaiting_review_are_one_step_and_only_a_return_carries_a_note() {
        let at = Utc::now();
        let event = |to: &str, reason: Option<&str>| Event {
            at,
            layer: "school",
            from: None,
            to: to.into(),
            reason: reason.map(Into::into),
        };
        let steps = timeline(&[
            event("submitted", None),
            event("screened", Some("screen")),
            event("awaiting_review", None),
            event("returned_for_changes", Some("请写清楚在哪里")),
        ]);
        let statuses: Vec<_> = steps.iter().map(|s| s.status).collect();
        assert_eq!(
            statuses,
            [
                ChildStatus::Submitted,
                ChildStatus::AwaitingReview,
                ChildStatus::ReturnedForChanges
            ]
        );
        assert_eq!(steps[1].note, None);
        assert_eq!(steps[2].note.as_deref(), Some("请写清楚在哪里"));
    }

    #[test]
    fn a_notice_reads_back_from_its_key() {
        for notice in ChildStatus::ALL
            .iter()
            .map(|s| Notice::Status(*s))
            .chain([Notice::Progress])
        {
            assert_eq!(Notice::parse(notice.key()), Some(notice));
        }
        assert_eq!(Notice::parse("rumour"), None);
    }

    #[test]
    fn only_an_answer_not_yet_closed_may_be_rated() {
        assert!(may_rate(Some(GovernmentState::Answered)));
        assert!(may_rate(Some(GovernmentState::Published)));
        assert!(!may_rate(Some(GovernmentState::Closed)));
        assert!(!may_rate(None));
    }
}
