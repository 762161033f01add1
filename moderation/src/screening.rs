//! The shape of a screening: findings, the action they call for, and the screener that makes them.

use serde::Serialize;
use std::ops::Range;

/// What must happen to a text, from least to most severe. Declaration order is severity order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Clean: a teacher still looks before it is published, but nothing was found.
    Publish,
    /// Personal information was found: propose redactions.
    Redact,
    /// Unkind or unsafe language: a teacher must look before anything else happens.
    Review,
    /// A safeguarding signal: the school's safeguarding lead must see it.
    Escalate,
}

/// The kind of a finding, which fixes the action it calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    Insult,
    Sexual,
    Violent,
    PersonalInformation,
    Safeguarding,
}

impl FindingKind {
    pub fn action(self) -> Action {
        match self {
            FindingKind::Insult | FindingKind::Sexual | FindingKind::Violent => Action::Review,
            FindingKind::PersonalInformation => Action::Redact,
            FindingKind::Safeguarding => Action::Escalate,
        }
    }
}

/// One thing found in a text. `span` is a byte range into the original text, on char boundaries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// The rule's category within its kind, for example `mobile_number` or `self_harm`.
    pub category: String,
    pub span: Range<usize>,
}

/// Who wrote the text: the rules and the feedback depend on the writer's age.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    pub age: u8,
}

/// The result of screening one text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Screening {
    pub action: Action,
    pub findings: Vec<Finding>,
}

impl Screening {
    /// Builds a screening from its findings: the most severe finding decides the action.
    pub fn from_findings(mut findings: Vec<Finding>) -> Self {
        findings.sort_by_key(|finding| (finding.span.start, finding.span.end));
        let action = findings
            .iter()
            .map(|finding| finding.kind.action())
            .max()
            .unwrap_or(Action::Publish);
        Screening { action, findings }
    }
}

/// The compiled rules. Build once, share by reference.
#[derive(Debug, Default)]
pub struct Screener {
    /// Literal phrases and the finding kind each signals. The rule data arrives with the
    /// moderation issue; until then a screener only knows what it is given.
    phrases: Vec<(String, FindingKind, String)>,
}

impl Screener {
    /// A screener that knows the given phrases: `(phrase, kind, category)`.
    pub fn with_phrases(phrases: Vec<(String, FindingKind, String)>) -> Self {
        Screener { phrases }
    }

    /// Screens one text. Never fails and never drops anything: every match is a finding.
    pub fn screen(&self, text: &str, _options: &Options) -> Screening {
        let mut findings = Vec::new();
        for (phrase, kind, category) in &self.phrases {
            if phrase.is_empty() {
                continue;
            }
            for (start, matched) in text.match_indices(phrase.as_str()) {
                findings.push(Finding {
                    kind: *kind,
                    category: category.clone(),
                    span: start..start + matched.len(),
                });
            }
        }
        Screening::from_findings(findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screener() -> Screener {
        Screener::with_phrases(vec![
            ("笨蛋".into(), FindingKind::Insult, "insult".into()),
            (
                "不想活".into(),
                FindingKind::Safeguarding,
                "self_harm".into(),
            ),
        ])
    }

    #[test]
    fn clean_text_is_publishable_with_no_findings() {
        let screening = screener().screen("公园里多放几个秋千", &Options { age: 8 });
        assert_eq!(screening.action, Action::Publish);
        assert!(screening.findings.is_empty());
    }

    #[test]
    fn the_most_severe_finding_decides_the_action() {
        let screening = screener().screen("你这个笨蛋，我不想活了", &Options { age: 10 });
        assert_eq!(screening.action, Action::Escalate);
        assert_eq!(screening.findings.len(), 2);
    }

    #[test]
    fn spans_point_into_the_original_text() {
        let text = "他说我是笨蛋";
        let screening = screener().screen(text, &Options { age: 7 });
        let span = screening.findings[0].span.clone();
        assert_eq!(&text[span], "笨蛋");
    }

    #[test]
    fn severity_order_is_publish_redact_review_escalate() {
        assert!(Action::Publish < Action::Redact);
        assert!(Action::Redact < Action::Review);
        assert!(Action::Review < Action::Escalate);
    }
}
