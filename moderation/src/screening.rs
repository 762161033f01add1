//! The shape of a screening: findings, the action they call for, and the screener that makes them.

use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::sync::OnceLock;

use crate::classifier::Classifier;
use crate::disclosure::Disclosures;
use crate::feedback::Band;
use crate::lexicon::Lexicon;
use crate::pii::Pii;
use crate::rules::{RuleError, Rules};
use crate::sound::Sounds;

/// What must happen to a text, from least to most severe. Declaration order is severity order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Publish => "publish",
            Action::Redact => "redact",
            Action::Review => "review",
            Action::Escalate => "escalate",
        }
    }

    /// The action whose [`Action::as_str`] is `text`.
    pub fn parse(text: &str) -> Option<Action> {
        [
            Action::Publish,
            Action::Redact,
            Action::Review,
            Action::Escalate,
        ]
        .into_iter()
        .find(|action| action.as_str() == text)
    }
}

/// The kind of a finding, which fixes the action it calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    /// Insults, slurs and profanity.
    Abuse,
    Sexual,
    Violence,
    /// Personal information: a proposed redaction.
    Pii,
    Safeguarding,
}

impl FindingKind {
    pub fn action(self) -> Action {
        match self {
            FindingKind::Abuse | FindingKind::Sexual | FindingKind::Violence => Action::Review,
            FindingKind::Pii => Action::Redact,
            FindingKind::Safeguarding => Action::Escalate,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Abuse => "abuse",
            FindingKind::Sexual => "sexual",
            FindingKind::Violence => "violence",
            FindingKind::Pii => "pii",
            FindingKind::Safeguarding => "safeguarding",
        }
    }

    /// The kind whose [`FindingKind::as_str`] is `text`.
    pub fn parse(text: &str) -> Option<FindingKind> {
        [
            FindingKind::Abuse,
            FindingKind::Sexual,
            FindingKind::Violence,
            FindingKind::Pii,
            FindingKind::Safeguarding,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

/// One thing found in a text. `span` is a byte range into the original text, on char boundaries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// The rule's category within its kind, for example `mobile` or `self_harm`.
    pub subkind: &'static str,
    pub span: Range<usize>,
}

impl Finding {
    /// The span in characters of `text` (the text that was screened).
    pub fn char_span(&self, text: &str) -> Range<usize> {
        let start = text.get(..self.span.start).map_or(0, |s| s.chars().count());
        let length = text.get(self.span.clone()).map_or(0, |s| s.chars().count());
        start..start + length
    }
}

/// Who wrote the text: the writer's age, which decides the band of the feedback they read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    pub age: u8,
}

impl Options {
    pub fn band(&self) -> Band {
        Band::for_age(self.age)
    }
}

/// The result of screening one text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Screening {
    pub action: Action,
    pub findings: Vec<Finding>,
    /// How unkind the classifier finds the text, 0 to 1000; a finding `unkind_tone` (on the
    /// n-gram that weighed most) when it is over the threshold chosen on COLD's dev split.
    pub unkind_permille: u16,
}

impl Screening {
    /// Builds a screening from its findings: the most severe finding decides the action. A
    /// finding inside another of the same kind ("想死" in "我想死") adds nothing and is dropped.
    pub fn from_findings(mut findings: Vec<Finding>) -> Self {
        findings.sort_by_key(|finding| (finding.span.start, std::cmp::Reverse(finding.span.end)));
        let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
        for finding in findings {
            let inside = kept.iter().any(|other| {
                other.kind == finding.kind
                    && other.span.start <= finding.span.start
                    && finding.span.end <= other.span.end
            });
            if !inside {
                kept.push(finding);
            }
        }
        let action = kept
            .iter()
            .map(|finding| finding.kind.action())
            .max()
            .unwrap_or(Action::Publish);
        Screening {
            action,
            findings: kept,
            unkind_permille: 0,
        }
    }
}

/// The compiled rules. Build once ([`Screener::builtin`]), share by reference.
pub struct Screener {
    rules: Rules,
    lexicon: Lexicon,
    pii: Pii,
    disclosures: Disclosures,
    sounds: Sounds,
    /// None only while a new classifier is trained.
    classifier: Option<Classifier>,
}

impl std::fmt::Debug for Screener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Screener").finish_non_exhaustive()
    }
}

impl Screener {
    /// Compiles the rules under `moderation/rules/`.
    pub fn new() -> Result<Screener, RuleError> {
        Screener::build(Some(Classifier::parse(crate::rules::CLASSIFIER)?))
    }

    fn build(classifier: Option<Classifier>) -> Result<Screener, RuleError> {
        let rules = Rules::builtin()?;
        let lexicon = Lexicon::compile(&rules)?;
        let pii = Pii::compile(&rules)?;
        let disclosures = Disclosures::compile(
            &rules.tables,
            crate::rules::DISCLOSURE,
            &rules.allow,
            &crate::rules::SAFEGUARDING_SUBKINDS,
        )?;
        Ok(Screener {
            sounds: Sounds::compile(crate::rules::SOUNDS)?,
            rules,
            lexicon,
            pii,
            disclosures,
            classifier,
        })
    }

    /// The rules without the classifier: what a new classifier is trained beside.
    pub fn without_classifier() -> Result<Screener, RuleError> {
        Screener::build(None)
    }

    /// The rules with a model the `train` command is weighing, under a threshold no score
    /// reaches: each screening's `unkind_permille` is the model's score, and its action the
    /// lists' alone.
    pub fn with_model(bias: f32, weights: &[(u64, f32)]) -> Result<Screener, RuleError> {
        Screener::build(Some(Classifier::from_model(
            bias,
            2.0,
            weights.iter().copied(),
        )))
    }

    /// A text folded as the rules read it (full-width, case, traditional forms and separators
    /// undone): what the classifier's n-grams are taken from.
    pub fn fold(&self, text: &str) -> String {
        self.rules.tables.compact(text).text
    }

    /// The screener of the built-in rules, compiled on first use and shared.
    #[allow(clippy::expect_used)]
    pub fn builtin() -> &'static Screener {
        static BUILTIN: OnceLock<Screener> = OnceLock::new();
        // The rules are compiled into the binary and read by the tests: they cannot fail here
        // unless a test has already failed.
        BUILTIN.get_or_init(|| Screener::new().expect("the built-in moderation rules compile"))
    }

    /// Screens one text. Never fails and never drops anything: every match is a finding.
    pub fn screen(&self, text: &str, _options: &Options) -> Screening {
        let tables = &self.rules.tables;
        let full = tables.full(text);
        let compact = tables.compact_of(&full);
        let mut findings = self.lexicon.find(&compact);
        findings.extend(self.sounds.find(&compact));
        let mut unkind_permille = 0;
        if let Some(classifier) = &self.classifier {
            let chars: Vec<char> = compact.text.chars().collect();
            let verdict = classifier.judge(&chars);
            unkind_permille = (verdict.score * 1000.0).round() as u16;
            if let Some(strongest) = verdict.strongest {
                let bytes = compact.offset(strongest.start)..compact.offset(strongest.end);
                findings.push(Finding {
                    kind: FindingKind::Abuse,
                    subkind: "unkind_tone",
                    span: compact.original(bytes),
                });
            }
        }
        let (disclosures, guarded) = self.disclosures.find(&compact, text);
        // A listed phrase in a hypothetical, preventive or fictional clause ("如果有人欺负我")
        // is no disclosure; thoughts of self-harm always are.
        findings.retain(|finding| {
            finding.kind != FindingKind::Safeguarding
                || finding.subkind == "self_harm"
                || !guarded
                    .iter()
                    .any(|clause| clause.contains(&finding.span.start))
        });
        findings.extend(disclosures);
        findings.extend(self.pii.find(tables, &full));
        let mut screening = Screening::from_findings(findings);
        screening.unkind_permille = unkind_permille;
        screening
    }

    /// What a child of this band reads when a teacher decides for `reason` without writing
    /// their own words; `None` for a reason the rules do not know.
    pub fn feedback(&self, reason: &str, band: Band) -> Option<&'static str> {
        self.rules
            .feedback
            .iter()
            .find(|(r, b, _)| *r == reason && *b == band)
            .map(|(_, _, text)| *text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_order_is_publish_redact_review_escalate() {
        assert!(Action::Publish < Action::Redact);
        assert!(Action::Redact < Action::Review);
        assert!(Action::Review < Action::Escalate);
    }

    #[test]
    fn the_most_severe_finding_decides_and_nested_findings_of_a_kind_merge() {
        let finding = |kind, span: Range<usize>| Finding {
            kind,
            subkind: "x",
            span,
        };
        let screening = Screening::from_findings(vec![
            finding(FindingKind::Safeguarding, 3..6),
            finding(FindingKind::Safeguarding, 0..9),
            finding(FindingKind::Abuse, 3..6),
        ]);
        assert_eq!(screening.action, Action::Escalate);
        assert_eq!(screening.findings.len(), 2);
    }
}
