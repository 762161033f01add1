//! Measuring the screen on labelled cases, by category: the `evaluate` command's work, kept in the
//! library so that tests drive it.
//!
//! A case file has one JSON object a line: `{"label": …, "category": …, "text": …}`, where label is
//! - `disclosure`: a child telling of harm; it must escalate (recall by category);
//! - `lookalike`: ordinary writing that resembles one (safety, bullying prevention, hyperbole,
//!   stories); it must not escalate (false escalations by category);
//! - `offensive` / `benign`: unkind language, or not; held means `review` or `escalate`
//!   (precision and recall);
//! - `pii`: personal information of the kind named by category (`mobile`, `email`, `qq`, …); found
//!   means a personal-information finding of that subkind (recall by kind);
//! - `no_pii`: numbers and words that are not personal information; any such finding is a false one.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::{Action, FindingKind, Options, Screener};

#[derive(Debug, Deserialize)]
pub struct Case {
    pub label: String,
    #[serde(default)]
    pub category: String,
    pub text: String,
}

/// Reads cases, one JSON object a line (blank lines and `#` comments skipped).
pub fn read_cases(data: &str) -> Result<Vec<Case>, String> {
    data.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(index, line)| {
            serde_json::from_str(line).map_err(|error| format!("line {}: {error}", index + 1))
        })
        .collect()
}

/// A COLD-style CSV (`label` 1 = offensive, 0 = safe; `TEXT`): (offensive, text) per row.
pub fn read_labelled_csv(
    path: &std::path::Path,
) -> Result<Vec<(bool, String)>, Box<dyn std::error::Error>> {
    let mut reader = csv::Reader::from_path(path)?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .ok_or(format!("no {name} column"))
    };
    let (label, text) = (column("label")?, column("TEXT")?);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record?;
        rows.push((
            record.get(label) == Some("1"),
            record.get(text).unwrap_or_default().to_owned(),
        ));
    }
    Ok(rows)
}

/// Hits out of cases, per category.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub hits: u32,
    pub cases: u32,
}

impl Tally {
    fn add(&mut self, hit: bool) {
        self.cases += 1;
        self.hits += u32::from(hit);
    }

    pub fn rate(&self) -> f64 {
        if self.cases == 0 {
            f64::NAN
        } else {
            f64::from(self.hits) / f64::from(self.cases)
        }
    }
}

/// What the screen did with each label's cases.
#[derive(Debug, Default)]
pub struct Report {
    /// Disclosures escalated, by category.
    pub escalated: BTreeMap<String, Tally>,
    /// Look-alikes escalated (false escalations), by category.
    pub falsely_escalated: BTreeMap<String, Tally>,
    /// Offensive texts held, and benign texts held.
    pub offensive_held: Tally,
    pub benign_held: Tally,
    /// Personal information found, by kind; and texts without any, found anyway.
    pub pii_found: BTreeMap<String, Tally>,
    pub no_pii_found: Tally,
    /// The cases the screen got wrong, `label/category: text`.
    pub wrong: Vec<String>,
}

/// Screens every case and tallies the outcome by label and category.
pub fn evaluate(screener: &Screener, cases: &[Case]) -> Report {
    let mut report = Report::default();
    let options = Options { age: 12 };
    for case in cases {
        let screening = screener.screen(&case.text, &options);
        let escalated = screening.action == Action::Escalate;
        let held = screening.action >= Action::Review;
        let pii = |subkind: Option<&str>| {
            screening.findings.iter().any(|finding| {
                finding.kind == FindingKind::Pii && subkind.is_none_or(|s| finding.subkind == s)
            })
        };
        let right = match case.label.as_str() {
            "disclosure" => tally(&mut report.escalated, &case.category, escalated),
            "lookalike" => !tally(&mut report.falsely_escalated, &case.category, escalated),
            "offensive" => {
                report.offensive_held.add(held);
                held
            }
            "benign" => {
                report.benign_held.add(held);
                !held
            }
            "pii" => tally(
                &mut report.pii_found,
                &case.category,
                pii(Some(&case.category)),
            ),
            "no_pii" => {
                let found = pii(None);
                report.no_pii_found.add(found);
                !found
            }
            _ => true,
        };
        if !right {
            report
                .wrong
                .push(format!("{}/{}: {}", case.label, case.category, case.text));
        }
    }
    report
}

fn tally(tallies: &mut BTreeMap<String, Tally>, category: &str, hit: bool) -> bool {
    tallies.entry(category.to_owned()).or_default().add(hit);
    hit
}

impl Report {
    /// The report as text, one measure a line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut section = |title: &str, tallies: &BTreeMap<String, Tally>| {
            if tallies.is_empty() {
                return;
            }
            let total = tallies.values().fold(Tally::default(), |sum, t| Tally {
                hits: sum.hits + t.hits,
                cases: sum.cases + t.cases,
            });
            let _ = writeln!(
                out,
                "{title}: {} of {} ({:.1}%)",
                total.hits,
                total.cases,
                100.0 * total.rate()
            );
            for (category, t) in tallies {
                let _ = writeln!(out, "  {category}: {} of {}", t.hits, t.cases);
            }
        };
        section("disclosures escalated", &self.escalated);
        section("look-alikes escalated", &self.falsely_escalated);
        section("personal information found", &self.pii_found);
        if self.no_pii_found.cases > 0 {
            let _ = writeln!(
                out,
                "texts without personal information given a finding: {} of {}",
                self.no_pii_found.hits, self.no_pii_found.cases
            );
        }
        let (tp, fn_) = (
            self.offensive_held.hits,
            self.offensive_held.cases - self.offensive_held.hits,
        );
        let fp = self.benign_held.hits;
        if tp + fn_ + fp > 0 {
            let precision = f64::from(tp) / f64::from((tp + fp).max(1));
            let recall = f64::from(tp) / f64::from((tp + fn_).max(1));
            let _ = writeln!(
                out,
                "offensive: precision {precision:.3}, recall {recall:.3}"
            );
            let _ = writeln!(
                out,
                "benign texts held: {} of {}",
                self.benign_held.hits, self.benign_held.cases
            );
        }
        out
    }
}
