//! Proposals: what a child asked (how its state reads to them is `tracking`).

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::domain::children::AgeBand;
use crate::domain::forms::Answer;
use crate::domain::ids::{CampaignId, ChildId, ClassId, ProposalId, SchoolId, StaffId};
use crate::domain::lifecycle::{GovernmentState, SchoolState};
use crate::domain::moderation::ProposalScreening;
use crate::domain::topics::Topic;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub id: ProposalId,
    pub campaign_id: CampaignId,
    pub child_id: ChildId,
    pub class_id: ClassId,
    pub school_id: SchoolId,
    /// The band the child was in when they submitted: the form they answered.
    pub band: AgeBand,
    pub topic: Topic,
    pub answers: Vec<Answer>,
    pub place: Option<String>,
    pub consent_to_publish: bool,
    pub client_submission_id: uuid::Uuid,
    pub content_hash: String,
    /// The teacher who typed it for a child who dictated.
    pub assisted_by: Option<StaffId>,
    pub school_state: SchoolState,
    pub government_state: Option<GovernmentState>,
    /// The department looked again once, after the child was not satisfied.
    pub reopened: bool,
    /// The latest screening; none before the first.
    pub screening: Option<ProposalScreening>,
    pub created_at: DateTime<Utc>,
}

impl Proposal {
    /// Whether its words and images are the school's safeguarding lead's alone: once escalated,
    /// nobody else reads them, not the teacher and not the child's own view (a device at home
    /// may be read by the very person the child disclosed).
    pub fn is_with_the_lead(&self) -> bool {
        self.school_state == SchoolState::Escalated
    }
}

/// What identifies a submission's content, so that a retry with the same `clientSubmissionId`
/// is recognised as the same proposal and a different one as a conflict.
pub fn content_hash(
    campaign: CampaignId,
    topic: &str,
    answers: &[Answer],
    place: Option<&str>,
    consent: bool,
) -> String {
    let canonical = serde_json::json!({
        "campaign": campaign.to_string(),
        "topic": topic,
        "answers": answers,
        "place": place,
        "consent": consent,
    });
    Sha256::digest(canonical.to_string().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_content_hashes_alike_and_any_change_differs() {
        let campaign = CampaignId::new();
        let answers = vec![Answer {
            key: "idea".into(),
            text: Some("秋千".into()),
            choices: vec![],
            ..Default::default()
        }];
        let hash = content_hash(campaign, "places_to_play", &answers, None, true);
        assert_eq!(
            hash,
            content_hash(campaign, "places_to_play", &answers, None, true)
        );
        assert_ne!(
            hash,
            content_hash(campaign, "places_to_play", &answers, None, false)
        );
        assert_ne!(hash, content_hash(campaign, "safety", &answers, None, true));
    }
}

/// One entry of a proposal's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub at: chrono::DateTime<chrono::Utc>,
    pub layer: &'static str,
    pub from: Option<String>,
    pub to: String,
    pub reason: Option<String>,
}
