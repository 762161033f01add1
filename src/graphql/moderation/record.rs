//! What moderation leaves behind: the log a safeguarding lead reads, and the allow-list suggestions coordinators review.

use crate::domain::moderation::Suggestion;
use crate::graphql::proposals::Answer;
use async_graphql::{Enum, ID, SimpleObject};
use chrono::{DateTime, Utc};

/// Where a suggestion for the allow-list stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::moderation::SuggestionState")]
pub enum SuggestionState {
    /// Not yet decided.
    Open,
    /// To be added to the allow-list in the next release.
    Accepted,
    /// Not to be added.
    Dismissed,
}

/// A phrase a teacher marked as a false alarm of the screen.
#[derive(SimpleObject)]
pub struct AllowListSuggestion {
    /// This suggestion.
    pub id: ID,
    /// The phrase the screen flagged.
    pub phrase: String,
    /// What the screen took it for.
    pub kind: crate::graphql::states::FindingKind,
    /// More exactly: an open key from the screen's rule data, for example `insult`.
    pub subkind: String,
    /// Where it stands.
    pub state: SuggestionState,
    /// When a teacher first marked it.
    pub created_at: DateTime<Utc>,
}

impl From<Suggestion> for AllowListSuggestion {
    fn from(suggestion: Suggestion) -> Self {
        AllowListSuggestion {
            id: ID(suggestion.id.to_string()),
            phrase: suggestion.phrase,
            kind: suggestion.kind.into(),
            subkind: suggestion.subkind,
            state: suggestion.state.into(),
            created_at: suggestion.created_at,
        }
    }
}

/// A proposal's text as the log kept it.
#[derive(SimpleObject)]
pub struct LoggedText {
    /// The answers to the form.
    pub answers: Vec<Answer>,
    /// Where it is, in the child's words.
    pub place: Option<String>,
}

impl LoggedText {
    pub(super) fn from_json(value: serde_json::Value) -> Option<LoggedText> {
        let answers: Vec<crate::domain::forms::Answer> =
            serde_json::from_value(value.get("answers")?.clone()).ok()?;
        Some(LoggedText {
            answers: answers.into_iter().map(Answer::from).collect(),
            place: value.get("place")?.as_str().map(str::to_owned),
        })
    }
}

/// One decision on a proposal: the screen's (no `staffId`) or a teacher's.
#[derive(SimpleObject)]
pub struct ModerationLogEntry {
    /// When the decision was made.
    pub at: DateTime<Utc>,
    /// The teacher who decided; null for the screen.
    pub staff_id: Option<ID>,
    /// The screen's, or the teacher's decision.
    pub decision: crate::graphql::states::LogDecision,
    /// The teacher's reason, when returned or rejected for one.
    pub reason: Option<super::ModerationReason>,
    /// The screen's action, on the screen's entry.
    pub screening_action: Option<crate::graphql::states::ScreeningAction>,
    /// What the child read (returned, rejected), or the note for the lead (escalated).
    pub message: Option<String>,
    /// The topic's key before the decision.
    pub topic_before: String,
    /// The topic's key after it.
    pub topic_after: String,
    /// The text as the child sent it; null once the child's data is erased.
    pub text_before: Option<LoggedText>,
    /// On approval: the text with redactions applied, as departments and the public read it.
    pub text_after: Option<LoggedText>,
}
