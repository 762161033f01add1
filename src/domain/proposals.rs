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
    /// The township or subdistrict the place is in (an area's code), if the child named one.
    pub area_code: Option<String>,
    /// The short reference a child, teacher or parent quotes (`SY-26-4F7KQ`); none on proposals
    /// made before references existed.
    pub reference: Option<String>,
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

impl Event {
    /// A proposal's first event: submitted at `at`.
    pub fn submitted(at: chrono::DateTime<chrono::Utc>) -> Event {
        Event {
            at,
            layer: "school",
            from: None,
            to: crate::domain::lifecycle::SchoolState::Submitted
                .as_str()
                .to_owned(),
            reason: None,
        }
    }
}

/// The characters of a tracking reference: digits and capitals without 0, O, 1 and I, which
/// are misheard and misread.
pub const REFERENCE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// A new tracking reference for a proposal made in `year`: `SY-26-4F7KQ` (the district, the
/// year, five characters: 33 million a year, so a clash is rare and the caller draws again).
pub fn new_reference(year: i32, rng: &mut impl rand::Rng) -> String {
    use rand::RngExt as _;
    let code: String = (0..5)
        .map(|_| REFERENCE_ALPHABET[rng.random_range(0..REFERENCE_ALPHABET.len())] as char)
        .collect();
    format!("SY-{:02}-{code}", year.rem_euclid(100))
}

/// A reference as someone typed or said it: case, spaces and dashes do not matter, and the
/// letters people confuse with digits are read as the digits they look like are not in the
/// alphabet, so `o`, `i` and `l` are refused rather than guessed. `None` if it cannot be one.
pub fn normalise_reference(raw: &str) -> Option<String> {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let rest = compact.strip_prefix("SY")?;
    let (year, code) = rest.split_at_checked(2)?;
    let valid = year.bytes().all(|b| b.is_ascii_digit())
        && code.len() == 5
        && code.bytes().all(|b| REFERENCE_ALPHABET.contains(&b));
    valid.then(|| format!("SY-{year}-{code}"))
}

#[cfg(test)]
mod reference_tests {
    use super::*;

    #[test]
    fn a_reference_has_no_characters_that_read_alike_and_is_found_however_typed() {
        let mut rng = rand::rng();
        for _ in 0..200 {
            let reference = new_reference(2026, &mut rng);
            assert!(reference.starts_with("SY-26-"), "{reference}");
            assert!(
                !reference[6..].contains(['0', 'O', '1', 'I']),
                "{reference}"
            );
            assert_eq!(
                normalise_reference(&reference.to_lowercase()),
                Some(reference.clone())
            );
        }
        assert_eq!(
            normalise_reference(" sy 26 4f7kq "),
            Some("SY-26-4F7KQ".to_owned())
        );
        assert_eq!(normalise_reference("SY-26-4F7K0"), None);
        assert_eq!(normalise_reference("SY-26-4F7K"), None);
        assert_eq!(normalise_reference("XX-26-4F7KQ"), None);
    }
}
