//! Screening a proposal and a teacher's decision on it (DESIGN §7): plain values and the rules
//! that do not need the database. Findings point into one text field of the proposal by
//! character offsets, so a teacher's app can highlight them and a redaction can be applied.

use moderation::{Action, Band, FindingKind, Options, Screener};
use serde::{Deserialize, Serialize};

use crate::domain::children::AgeBand;
use crate::domain::forms::Answer;
use crate::domain::safeguarding::Signal;
use crate::error::FieldCode;
use crate::error::{AppError, FieldError};

/// What replaces a redacted span in the text shown beyond the school.
pub const REDACTED: &str = "＊＊＊";

/// One finding in one of a proposal's text fields: `answers.<key>` or `place`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFinding {
    pub field: String,
    pub kind: FindingKind,
    pub subkind: String,
    /// Characters of the field's text.
    pub start: usize,
    pub end: usize,
}

/// The latest screening of a proposal, stored with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalScreening {
    pub action: Action,
    pub findings: Vec<StoredFinding>,
}

impl ProposalScreening {
    pub fn escalates(&self) -> bool {
        self.action == Action::Escalate
    }

    /// The signs of harm found, each once.
    pub fn signals(&self) -> Vec<Signal> {
        let mut signals: Vec<Signal> = self
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::Safeguarding)
            .filter_map(|f| Signal::parse(&f.subkind))
            .collect();
        signals.sort_unstable();
        signals.dedup();
        signals
    }

    /// Personal information found: the redactions proposed to the teacher.
    pub fn proposed_redactions(&self) -> Vec<Redaction> {
        self.findings
            .iter()
            .filter(|f| f.kind == FindingKind::Pii)
            .map(|f| Redaction {
                field: f.field.clone(),
                start: f.start,
                end: f.end,
            })
            .collect()
    }
}

/// The text fields of a proposal, each with its field path.
pub fn text_fields<'a>(
    answers: &'a [Answer],
    place: Option<&'a str>,
) -> impl Iterator<Item = (String, &'a str)> + 'a {
    answers
        .iter()
        .filter_map(|a| Some((format!("answers.{}", a.key), a.text.as_deref()?)))
        .chain(place.map(|place| ("place".to_owned(), place)))
}

/// Screens every text field of a proposal; the most severe action over all fields wins.
pub fn screen(
    screener: &Screener,
    band: AgeBand,
    answers: &[Answer],
    place: Option<&str>,
) -> ProposalScreening {
    let options = Options {
        age: youngest_age(band),
    };
    let mut action = Action::Publish;
    let mut findings = Vec::new();
    for (field, text) in text_fields(answers, place) {
        let screening = screener.screen(text, &options);
        action = action.max(screening.action);
        findings.extend(screening.findings.iter().map(|finding| {
            let span = finding.char_span(text);
            StoredFinding {
                field: field.clone(),
                kind: finding.kind,
                subkind: finding.subkind.to_owned(),
                start: span.start,
                end: span.end,
            }
        }));
    }
    ProposalScreening { action, findings }
}

/// The screening library's band for ours.
pub fn feedback_band(band: AgeBand) -> Band {
    match band {
        AgeBand::A => Band::A,
        AgeBand::B => Band::B,
        AgeBand::C => Band::C,
        AgeBand::D => Band::D,
    }
}

fn youngest_age(band: AgeBand) -> u8 {
    match band {
        AgeBand::A => 6,
        AgeBand::B => 9,
        AgeBand::C => 12,
        AgeBand::D => 15,
    }
}

/// What a teacher decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    ReturnForChanges,
    Reject,
    Escalate,
}

crate::domain::text_enum!(Decision {
    Approve = "approve",
    ReturnForChanges = "return_for_changes",
    Reject = "reject",
    Escalate = "escalate",
});

/// Why a teacher returns or rejects a proposal; each has a default text per band.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    UnkindWords,
    PersonalInformation,
    Unclear,
    OffTopic,
    Duplicate,
}

crate::domain::text_enum!(Reason {
    UnkindWords = "unkind_words",
    PersonalInformation = "personal_information",
    Unclear = "unclear",
    OffTopic = "off_topic",
    Duplicate = "duplicate",
});

/// A span of one text field to hide beyond the school.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redaction {
    pub field: String,
    pub start: usize,
    pub end: usize,
}

/// The proposal's text with the redactions applied, or the problems with them, each at
/// `["input", "redactions", "<index>"]`.
pub fn redact(
    answers: &[Answer],
    place: Option<&str>,
    redactions: &[Redaction],
) -> Result<(Vec<Answer>, Option<String>), AppError> {
    let fields: Vec<(String, &str)> = text_fields(answers, place).collect();
    let mut problems = Vec::new();
    for (index, redaction) in redactions.iter().enumerate() {
        let length = fields
            .iter()
            .find(|(field, _)| *field == redaction.field)
            .map(|(_, text)| text.chars().count());
        let index = index.to_string();
        let problem = match length {
            None => Some((FieldCode::UnknownField, "没有这个文字栏目。")),
            Some(length) if redaction.start >= redaction.end || redaction.end > length => {
                Some((FieldCode::OutOfRange, "要隐去的位置不在这段文字里。"))
            }
            _ => None,
        };
        if let Some((code, message)) = problem {
            problems.push(FieldError::new(
                &["input", "redactions", &index],
                code,
                message,
            ));
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let apply = |field: &str, text: &str| -> String {
        let mut spans: Vec<(usize, usize)> = redactions
            .iter()
            .filter(|r| r.field == field)
            .map(|r| (r.start, r.end))
            .collect();
        spans.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut covered_until = 0;
        for (index, c) in text.chars().enumerate() {
            match spans
                .iter()
                .find(|(start, end)| *start <= index && index < *end)
            {
                Some((start, end)) => {
                    if *start >= covered_until {
                        out.push_str(REDACTED);
                        covered_until = *end;
                    }
                }
                None => out.push(c),
            }
        }
        out
    };
    let answers = answers
        .iter()
        .map(|answer| {
            let mut answer = answer.clone();
            if let Some(text) = &answer.text {
                answer.text = Some(apply(&format!("answers.{}", answer.key), text));
            }
            answer
        })
        .collect();
    Ok((answers, place.map(|place| apply("place", place))))
}

/// A teacher's own words to a child must be kind: not flagged by the screen, and not repeating
/// what was flagged in the child's text (`flagged`, the excerpts).
pub fn check_message(
    screener: &Screener,
    message: &str,
    band: AgeBand,
    flagged: &[String],
) -> Result<(), AppError> {
    let path = ["input", "messageToChild"];
    let length = message.chars().count();
    if !(1..=200).contains(&length) {
        return Err(AppError::validation(
            &path,
            FieldCode::Length,
            "请用 1 到 200 个字和孩子说。",
        ));
    }
    if flagged.iter().any(|word| message.contains(word.as_str())) {
        return Err(AppError::validation(
            &path,
            FieldCode::RepeatsFlaggedWords,
            "请不要在给孩子的话里重复被标出的词。",
        ));
    }
    let options = Options {
        age: youngest_age(band),
    };
    if screener.screen(message, &options).action >= Action::Review {
        return Err(AppError::validation(
            &path,
            FieldCode::NotKind,
            "给孩子的话里有不合适的词，请换一种说法。",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(key: &str, text: &str) -> Answer {
        Answer {
            key: key.into(),
            text: Some(text.into()),
            ..Default::default()
        }
    }

    #[test]
    fn findings_point_into_their_field_by_characters() {
        let answers = [
            answer("idea", "公园多放秋千"),
            answer("why", "打13812345678找我"),
        ];
        let screening = screen(Screener::builtin(), AgeBand::B, &answers, Some("人民公园"));
        assert_eq!(screening.action, Action::Redact);
        assert_eq!(
            screening.findings,
            vec![StoredFinding {
                field: "answers.why".into(),
                kind: moderation::FindingKind::Pii,
                subkind: "mobile".into(),
                start: 1,
                end: 12,
            }]
        );
    }

    #[test]
    fn redactions_replace_their_spans_and_leave_the_rest() {
        let answers = [answer("why", "打13812345678找我")];
        let redaction = Redaction {
            field: "answers.why".into(),
            start: 1,
            end: 12,
        };
        let (redacted, place) = redact(&answers, Some("公园"), &[redaction]).unwrap_or_default();
        assert_eq!(redacted[0].text.as_deref(), Some("打＊＊＊找我"));
        assert_eq!(place.as_deref(), Some("公园"));
    }

    #[test]
    fn a_redaction_outside_its_field_is_refused_with_its_index() {
        let answers = [answer("why", "短")];
        let bad = [
            Redaction {
                field: "answers.why".into(),
                start: 0,
                end: 5,
            },
            Redaction {
                field: "answers.nope".into(),
                start: 0,
                end: 1,
            },
        ];
        let Err(AppError::Validation(problems)) = redact(&answers, None, &bad) else {
            panic!("expected a validation error");
        };
        assert_eq!(problems[0].path, ["input", "redactions", "0"]);
        assert_eq!(problems[0].code.as_str(), "OUT_OF_RANGE");
        assert_eq!(problems[1].code.as_str(), "UNKNOWN_FIELD");
    }

    #[test]
    fn a_message_repeating_the_flagged_word_or_unkind_is_refused() {
        let screener = Screener::builtin();
        let flagged = vec!["笨蛋".to_owned()];
        assert!(check_message(screener, "请不要写笨蛋。", AgeBand::A, &flagged).is_err());
        assert!(check_message(screener, "你是傻逼", AgeBand::A, &[]).is_err());
        assert!(check_message(screener, "我们换个友好的说法吧。", AgeBand::A, &flagged).is_ok());
    }
}

/// Where a suggestion for the allow-list stands: open, then accepted or dismissed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuggestionState {
    Open,
    Accepted,
    Dismissed,
}

crate::domain::text_enum!(SuggestionState {
    Open = "open",
    Accepted = "accepted",
    Dismissed = "dismissed",
});

/// A phrase a teacher marked as a false alarm, for coordinators to review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub id: crate::domain::ids::SuggestionId,
    pub phrase: String,
    pub kind: FindingKind,
    pub subkind: String,
    pub state: SuggestionState,
    pub marked_by: crate::domain::ids::StaffId,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
