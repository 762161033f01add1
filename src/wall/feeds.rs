//! Open data: an Atom feed and a CSV of the published proposals.

use chrono::{DateTime, Utc};

use super::escape;
use crate::services::publicity::PublicItem;

fn texts(item: &PublicItem) -> String {
    item.publication
        .answers
        .iter()
        .filter_map(|a| a.text.clone())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The Atom feed of published proposals, newest first.
pub fn atom(items: &[PublicItem], base: &str, now: DateTime<Utc>) -> String {
    let updated = items
        .first()
        .map_or(now, |item| item.publication.published_at)
        .to_rfc3339();
    let mut xml = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>童声 · 孩子们的建议</title><id>{base}/</id><link href="{base}/"/><link rel="self" href="{base}/feed.atom"/><updated>{updated}</updated>"#,
        base = escape(base)
    );
    for item in items {
        let p = &item.publication;
        let answer = item
            .answer
            .as_ref()
            .map(|a| a.child_text.as_str())
            .unwrap_or_default();
        let title = p.topic.label_zh();
        xml.push_str(&format!(
            r#"<entry><id>urn:uuid:{id}</id><title>{title}</title><updated>{at}</updated><link href="{base}/#p-{id}"/><content type="text">{text} —— 回复：{answer}{backers}</content></entry>"#,
            id = p.proposal_id,
            title = escape(title),
            at = p.published_at.to_rfc3339(),
            base = escape(base),
            text = escape(&texts(item)),
            answer = escape(answer),
            backers = backers_zh(item.backers),
        ));
    }
    xml.push_str("</feed>");
    xml
}

/// The published proposals as CSV, one row each, with a header row.
pub fn csv(items: &[PublicItem]) -> Result<Vec<u8>, csv::Error> {
    let header = [
        "id",
        "published_at",
        "topic",
        "grade",
        "school",
        "department",
        "proposal",
        "place",
        "outcome",
        "answer_for_children",
        "answer_official",
        "answered_at",
        "backers",
    ]
    .map(str::to_owned);
    let rows = items.iter().map(|item| {
        let p = &item.publication;
        let answer = item.answer.as_ref();
        [
            p.proposal_id.to_string(),
            p.published_at.to_rfc3339(),
            p.topic.key().to_owned(),
            p.grade.to_string(),
            p.school_name.clone().unwrap_or_default(),
            item.department
                .as_ref()
                .map(|d| d.code.as_str().to_owned())
                .unwrap_or_default(),
            texts(item),
            p.place.clone().unwrap_or_default(),
            answer
                .map(|a| a.outcome.as_str().to_owned())
                .unwrap_or_default(),
            answer.map(|a| a.child_text.clone()).unwrap_or_default(),
            answer.map(|a| a.official_text.clone()).unwrap_or_default(),
            answer
                .map(|a| a.answered_at.to_rfc3339())
                .unwrap_or_default(),
            item.backers.to_string(),
        ]
    });
    crate::spreadsheet::csv(std::iter::once(header).chain(rows))
}

/// How many children back a proposal, as a line after its text: nothing when none do.
pub fn backers_zh(backers: u64) -> String {
    if backers == 0 {
        String::new()
    } else {
        format!("（{backers} 位小朋友也这么想）")
    }
}
