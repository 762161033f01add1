//! The two layers of a proposal's state (DESIGN §3), each with one transition function that
//! holds its whole table. Nothing else decides whether a step is allowed.
//!
//! - The school layer: submitted → screened → awaiting review → returned for changes (→
//!   submitted again), rejected, escalated or approved; a child may withdraw before approval.
//! - The government layer, from approval: routed → signed for → bounced (→ routed), extension
//!   requested (→ signed for) or answered → (published →) closed, or reopened (→ signed for)
//!   once.

/// Where a proposal stands at school.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SchoolState {
    Submitted,
    Screened,
    AwaitingReview,
    ReturnedForChanges,
    Rejected,
    Escalated,
    Approved,
    Withdrawn,
}

/// What happens to a proposal at school.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SchoolEvent {
    /// Automatic screening has run.
    Screen,
    /// Screening done, it waits for the teacher.
    QueueForReview,
    ReturnForChanges,
    /// The child sends it again after changing it.
    Resubmit,
    Reject,
    /// A safeguarding concern: it goes to the school's safeguarding lead.
    Escalate,
    Approve,
    /// The child takes it back.
    Withdraw,
}

impl SchoolState {
    /// The state after `event`, or `None` when the table does not allow it.
    pub fn next(self, event: SchoolEvent) -> Option<SchoolState> {
        use SchoolEvent as E;
        use SchoolState as S;
        match (self, event) {
            (S::Submitted, E::Screen) => Some(S::Screened),
            (S::Screened, E::QueueForReview) => Some(S::AwaitingReview),
            (S::AwaitingReview, E::ReturnForChanges) => Some(S::ReturnedForChanges),
            (S::ReturnedForChanges, E::Resubmit) => Some(S::Submitted),
            (S::AwaitingReview, E::Reject) => Some(S::Rejected),
            // A disclosure can surface at screening or at review; either way it is escalated.
            (S::Submitted | S::Screened | S::AwaitingReview, E::Escalate) => Some(S::Escalated),
            (S::AwaitingReview, E::Approve) => Some(S::Approved),
            (
                S::Submitted | S::Screened | S::AwaitingReview | S::ReturnedForChanges,
                E::Withdraw,
            ) => Some(S::Withdrawn),
            _ => None,
        }
    }
}

crate::domain::text_enum!(SchoolState {
    Submitted = "submitted",
    Screened = "screened",
    AwaitingReview = "awaiting_review",
    ReturnedForChanges = "returned_for_changes",
    Rejected = "rejected",
    Escalated = "escalated",
    Approved = "approved",
    Withdrawn = "withdrawn",
});

/// Where an approved proposal stands with the departments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GovernmentState {
    Routed,
    SignedFor,
    Bounced,
    ExtensionRequested,
    Answered,
    Published,
    Closed,
    Reopened,
}

crate::domain::text_enum!(GovernmentState {
    Routed = "routed",
    SignedFor = "signed_for",
    Bounced = "bounced",
    ExtensionRequested = "extension_requested",
    Answered = "answered",
    Published = "published",
    Closed = "closed",
    Reopened = "reopened",
});

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GovernmentEvent {
    /// To a department's queue (first routing, or re-routing after a bounce).
    Route,
    SignFor,
    /// Back to the coordinators: not this department's business.
    Bounce,
    RequestExtension,
    /// A coordinator decided the extension (either way the task goes back to work).
    DecideExtension,
    Answer,
    Publish,
    /// The child was satisfied, or did not reply in time.
    Close,
    /// The child was not satisfied: the department looks again, once.
    Reopen,
}

impl GovernmentState {
    /// The first government state, entered when the school approves.
    pub const ENTRY: GovernmentEvent = GovernmentEvent::Route;

    /// The state after `event`, or `None` when the table does not allow it. `reopened_before`:
    /// a proposal reopens once at most.
    pub fn next(self, event: GovernmentEvent, reopened_before: bool) -> Option<GovernmentState> {
        use GovernmentEvent as E;
        use GovernmentState as G;
        match (self, event) {
            (G::Routed | G::Reopened, E::SignFor) => Some(G::SignedFor),
            (G::Routed | G::SignedFor, E::Bounce) => Some(G::Bounced),
            (G::Bounced, E::Route) => Some(G::Routed),
            (G::SignedFor, E::RequestExtension) => Some(G::ExtensionRequested),
            (G::ExtensionRequested, E::DecideExtension) => Some(G::SignedFor),
            (G::SignedFor, E::Answer) => Some(G::Answered),
            (G::Answered, E::Publish) => Some(G::Published),
            // The child's verdict closes or reopens an answer whether or not it could be
            // published (publication needs consents the child may not have given).
            (G::Answered | G::Published, E::Close) => Some(G::Closed),
            (G::Answered | G::Published, E::Reopen) if !reopened_before => Some(G::Reopened),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use GovernmentEvent as GE;
    use GovernmentState as G;
    use SchoolEvent as E;
    use SchoolState as S;

    const SCHOOL_EVENTS: [SchoolEvent; 8] = [
        E::Screen,
        E::QueueForReview,
        E::ReturnForChanges,
        E::Resubmit,
        E::Reject,
        E::Escalate,
        E::Approve,
        E::Withdraw,
    ];

    /// Every allowed school transition; every other (state, event) pair is refused.
    const SCHOOL_TABLE: [(SchoolState, SchoolEvent, SchoolState); 13] = [
        (S::Submitted, E::Screen, S::Screened),
        (S::Screened, E::QueueForReview, S::AwaitingReview),
        (
            S::AwaitingReview,
            E::ReturnForChanges,
            S::ReturnedForChanges,
        ),
        (S::ReturnedForChanges, E::Resubmit, S::Submitted),
        (S::AwaitingReview, E::Reject, S::Rejected),
        (S::Submitted, E::Escalate, S::Escalated),
        (S::Screened, E::Escalate, S::Escalated),
        (S::AwaitingReview, E::Escalate, S::Escalated),
        (S::AwaitingReview, E::Approve, S::Approved),
        (S::Submitted, E::Withdraw, S::Withdrawn),
        (S::Screened, E::Withdraw, S::Withdrawn),
        (S::AwaitingReview, E::Withdraw, S::Withdrawn),
        (S::ReturnedForChanges, E::Withdraw, S::Withdrawn),
    ];

    #[test]
    fn the_school_table_allows_exactly_its_pairs() {
        for from in SchoolState::ALL.iter().copied() {
            for event in SCHOOL_EVENTS {
                let expected = SCHOOL_TABLE
                    .iter()
                    .find(|(f, e, _)| *f == from && *e == event)
                    .map(|(_, _, to)| *to);
                assert_eq!(from.next(event), expected, "{from:?} on {event:?}");
            }
        }
    }

    #[test]
    fn approved_rejected_escalated_and_withdrawn_are_final_at_school() {
        for end in [S::Approved, S::Rejected, S::Escalated, S::Withdrawn] {
            assert!(
                SCHOOL_EVENTS.iter().all(|event| end.next(*event).is_none()),
                "{end:?}"
            );
        }
    }

    const GOVERNMENT_EVENTS: [GovernmentEvent; 9] = [
        GE::Route,
        GE::SignFor,
        GE::Bounce,
        GE::RequestExtension,
        GE::DecideExtension,
        GE::Answer,
        GE::Publish,
        GE::Close,
        GE::Reopen,
    ];

    /// Every allowed government transition, with whether it needs the proposal never to have
    /// been reopened; every other triple is refused.
    const GOVERNMENT_TABLE: [(GovernmentState, GovernmentEvent, GovernmentState, bool); 13] = [
        (G::Routed, GE::SignFor, G::SignedFor, false),
        (G::Reopened, GE::SignFor, G::SignedFor, false),
        (G::Routed, GE::Bounce, G::Bounced, false),
        (G::SignedFor, GE::Bounce, G::Bounced, false),
        (G::Bounced, GE::Route, G::Routed, false),
        (
            G::SignedFor,
            GE::RequestExtension,
            G::ExtensionRequested,
            false,
        ),
        (
            G::ExtensionRequested,
            GE::DecideExtension,
            G::SignedFor,
            false,
        ),
        (G::SignedFor, GE::Answer, G::Answered, false),
        (G::Answered, GE::Publish, G::Published, false),
        (G::Answered, GE::Close, G::Closed, false),
        (G::Published, GE::Close, G::Closed, false),
        (G::Answered, GE::Reopen, G::Reopened, true),
        (G::Published, GE::Reopen, G::Reopened, true),
    ];

    #[test]
    fn the_government_table_allows_exactly_its_pairs() {
        for from in GovernmentState::ALL.iter().copied() {
            for event in GOVERNMENT_EVENTS {
                for reopened_before in [false, true] {
                    let expected = GOVERNMENT_TABLE
                        .iter()
                        .find(|(f, e, _, once)| {
                            *f == from && *e == event && !(*once && reopened_before)
                        })
                        .map(|(_, _, to, _)| *to);
                    assert_eq!(
                        from.next(event, reopened_before),
                        expected,
                        "{from:?} on {event:?}, reopened: {reopened_before}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_proposal_reopens_once_only() {
        assert_eq!(G::Published.next(GE::Reopen, false), Some(G::Reopened));
        assert_eq!(G::Published.next(GE::Reopen, true), None);
        assert!(
            GOVERNMENT_EVENTS
                .iter()
                .all(|event| G::Closed.next(*event, false).is_none()),
            "closed is final"
        );
    }
}
