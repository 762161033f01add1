//! Proposals: what a child asked, and how its state reads to them.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::domain::children::AgeBand;
use crate::domain::forms::Answer;
use crate::domain::ids::{CampaignId, ChildId, ClassId, ProposalId, SchoolId, StaffId};
use crate::domain::lifecycle::{GovernmentState, SchoolState};
use crate::domain::moderation::ProposalScreening;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub id: ProposalId,
    pub campaign_id: CampaignId,
    pub child_id: ChildId,
    pub class_id: ClassId,
    pub school_id: SchoolId,
    /// The band the child was in when they submitted: the form they answered.
    pub band: AgeBand,
    pub topic: String,
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

/// What an escalated proposal reads as to its child: neutral, never "rejected".
pub const TEACHER_WILL_TALK: &str = "teacher_will_talk";

/// The state as a child should read it: the department's, once there is one, else the school's.
/// An escalation reads as "the teacher will talk with you": a child who disclosed harm is never
/// told their idea was refused, nor alarmed.
pub fn status_key(school: SchoolState, government: Option<GovernmentState>) -> &'static str {
    match (school, government) {
        (_, Some(state)) => state.as_str(),
        (SchoolState::Screened, None) => SchoolState::AwaitingReview.as_str(),
        (SchoolState::Escalated, None) => TEACHER_WILL_TALK,
        (state, None) => state.as_str(),
    }
}

/// The status in simplified Chinese, for the child's age band: plain words for the youngest.
pub fn status_label(key: &str, band: AgeBand) -> &'static str {
    let young = matches!(band, AgeBand::A | AgeBand::B);
    let (young_label, older_label) = match key {
        "submitted" => ("你的想法已经交上去啦", "已提交"),
        "awaiting_review" => ("老师正在看你的想法", "老师审核中"),
        TEACHER_WILL_TALK => (
            "老师看到了你写的话，会找时间和你聊一聊",
            "老师会找时间和你当面聊一聊",
        ),
        "returned_for_changes" => ("老师请你再改一改", "需要修改后再提交"),
        "rejected" => ("这次的想法没有送出去，老师会告诉你为什么", "未通过学校审核"),
        "withdrawn" => ("你已经把这个想法收回了", "已撤回"),
        "approved" | "routed" => ("你的想法已经送到负责的部门了", "已转交负责部门"),
        "signed_for" => ("部门已经收到你的想法", "部门已签收"),
        "bounced" => ("正在找最合适的部门", "正在重新安排负责部门"),
        "extension_requested" => ("部门还需要多一点时间", "部门申请延期答复"),
        "answered" => ("部门已经写好回复了", "部门已答复"),
        "published" => ("回复已经公开啦，快去看看", "答复已公开"),
        "closed" => ("这件事完成啦", "已办结"),
        "reopened" => ("部门会再认真看一看", "已重新办理"),
        _ => ("正在处理", "处理中"),
    };
    if young { young_label } else { older_label }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lifecycle::SchoolState as S;

    #[test]
    fn an_escalation_reads_to_the_child_as_the_teacher_coming_to_talk() {
        assert_eq!(status_key(S::Escalated, None), "teacher_will_talk");
        assert_eq!(
            status_label(status_key(S::Escalated, None), AgeBand::A),
            "老师看到了你写的话，会找时间和你聊一聊"
        );
    }

    #[test]
    fn every_state_has_a_label_for_young_and_older_children() {
        let keys = S::ALL
            .iter()
            .map(|s| status_key(*s, None))
            .chain(GovernmentState::ALL.iter().map(|s| s.as_str()));
        for key in keys {
            for band in [AgeBand::A, AgeBand::D] {
                assert_ne!(status_label(key, band), "正在处理", "{key} has no label");
            }
        }
        assert_ne!(
            status_label("submitted", AgeBand::A),
            status_label("submitted", AgeBand::D)
        );
    }

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
