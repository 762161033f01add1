//! Snapshots of every table of words a child reads (`cargo insta review` after a change): a
//! change to what a six-year-old reads is a change someone looks at, not a side effect.

use crate::domain::answers::{Outcome, templates};
use crate::domain::children::AgeBand;
use crate::domain::lifecycle::{GovernmentState, SchoolState};
use crate::domain::moderation::feedback_band;
use crate::domain::proposals::Event;
use crate::domain::topics::TOPICS;
use crate::domain::tracking::{ChildStatus, timeline};

const BANDS: [AgeBand; 4] = [AgeBand::A, AgeBand::B, AgeBand::C, AgeBand::D];

#[test]
fn every_status_in_every_band() {
    let mut table = String::new();
    for status in ChildStatus::ALL {
        table.push_str(status.as_str());
        for band in BANDS {
            table.push_str(&format!("\n  {band:?}: {}", status.label(band)));
        }
        table.push('\n');
    }
    insta::assert_snapshot!(table);
}

#[test]
fn a_whole_loop_as_each_band_reads_its_timeline() {
    let at = chrono::DateTime::UNIX_EPOCH;
    let step = |to: &str, reason: Option<&str>| Event {
        at,
        layer: "school",
        from: None,
        to: to.into(),
        reason: reason.map(Into::into),
    };
    let events = [
        step(SchoolState::Submitted.as_str(), None),
        step(SchoolState::Screened.as_str(), Some("publish")),
        step(SchoolState::AwaitingReview.as_str(), None),
        step(
            SchoolState::ReturnedForChanges.as_str(),
            Some("请写清楚是哪个路口"),
        ),
        step(SchoolState::Submitted.as_str(), None),
        step(SchoolState::AwaitingReview.as_str(), None),
        step(SchoolState::Approved.as_str(), None),
        step(GovernmentState::Routed.as_str(), None),
        step(GovernmentState::SignedFor.as_str(), None),
        step(GovernmentState::Answered.as_str(), None),
        step(GovernmentState::Closed.as_str(), None),
    ];
    let mut table = String::new();
    for band in BANDS {
        table.push_str(&format!("{band:?}\n"));
        for step in timeline(&events) {
            table.push_str(&format!("  {}", step.status.label(band)));
            if let Some(note) = step.note {
                table.push_str(&format!("（{note}）"));
            }
            table.push('\n');
        }
    }
    insta::assert_snapshot!(table);
}

#[test]
fn the_kind_words_for_each_reason_in_every_band() {
    let screener = moderation::Screener::builtin();
    let mut table = String::new();
    for reason in moderation::REASONS {
        table.push_str(reason);
        for band in BANDS {
            let words = screener
                .feedback(reason, feedback_band(band))
                .unwrap_or("(none)");
            table.push_str(&format!("\n  {band:?}: {words}"));
        }
        table.push('\n');
    }
    insta::assert_snapshot!(table);
}

#[test]
fn the_topics_as_children_pick_them() {
    let table: Vec<String> = TOPICS
        .iter()
        .map(|(key, label, _)| format!("{key}: {label}"))
        .collect();
    insta::assert_snapshot!(table.join("\n"));
}

#[test]
fn the_answer_templates_in_a_childs_words() {
    let mut table = String::new();
    for outcome in Outcome::ALL {
        for template in templates("places_to_play", *outcome) {
            table.push_str(&format!(
                "{} {}: {}\n",
                outcome.as_str(),
                template.topic.unwrap_or("*"),
                template.child_text
            ));
        }
    }
    insta::assert_snapshot!(table);
}
