//! Routing (DESIGN §5): which department answers a proposal, by topic (and optionally area), and
//! topic suggestions from the words children use.

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::OnceLock;

use crate::domain::departments::DepartmentId;
use crate::domain::ids::StaffId;

/// One row of the routing table. No lead department: the coordinators' triage queue (兜底).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoutingRule {
    pub topic: crate::domain::topics::Topic,
    /// Empty: any area.
    pub area_code: String,
    pub lead: Option<DepartmentId>,
    pub co: Vec<DepartmentId>,
    /// None for the seeded default.
    pub changed_by: Option<StaffId>,
    pub changed_at: DateTime<Utc>,
}

const KEYWORDS: &str = include_str!("../../schema/routing/topic-keywords.tsv");

/// (topic, word, weight) from the data file.
fn keywords() -> &'static [(String, String, u32)] {
    static TABLE: OnceLock<Vec<(String, String, u32)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        KEYWORDS
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(|line| {
                let mut fields = line.split('\t');
                let topic = fields.next()?.to_owned();
                let word = fields.next()?.to_owned();
                let weight = fields.next()?.trim().parse().ok()?;
                Some((topic, word, weight))
            })
            .collect()
    })
}

/// Topic keys ranked by how strongly the text speaks of them, each with a score in (0, 1]
/// (its share of all matched weight); at most three, none when nothing matches.
pub fn suggest_topics(text: &str) -> Vec<(String, f64)> {
    let mut scores: HashMap<&str, u32> = HashMap::new();
    for (topic, word, weight) in keywords() {
        let count = text.matches(word.as_str()).count() as u32;
        if count > 0 {
            *scores.entry(topic.as_str()).or_default() += weight * count;
        }
    }
    let total: u32 = scores.values().sum();
    let mut ranked: Vec<(String, f64)> = scores
        .into_iter()
        .map(|(topic, score)| (topic.to_owned(), f64::from(score) / f64::from(total.max(1))))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(3);
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::topics::Topic;

    #[test]
    fn every_keyword_names_a_topic_and_every_topic_but_something_else_has_words() {
        for (topic, _, weight) in keywords() {
            assert!(Topic::parse(topic).is_some(), "{topic}");
            assert!(*weight > 0);
        }
        for (key, _, _) in crate::domain::topics::TOPICS {
            if *key != "something_else" {
                assert!(keywords().iter().any(|(t, _, _)| t == key), "{key}");
            }
        }
    }

    /// How often the right topic comes first, and among the three, on the dev set
    /// (`schema/routing/topic-suggestions-dev.tsv`, written before the list was widened).
    /// Printed with `cargo test suggestions_on_the_dev_set -- --nocapture`.
    #[test]
    fn suggestions_on_the_dev_set() {
        let cases: Vec<(&str, &str)> =
            include_str!("../../schema/routing/topic-suggestions-dev.tsv")
                .lines()
                .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
                .filter_map(|line| line.split_once('\t'))
                .collect();
        let (mut first, mut three) = (0, 0);
        for (topic, text) in &cases {
            let ranked = suggest_topics(text);
            first += usize::from(ranked.first().is_some_and(|(t, _)| t == topic));
            three += usize::from(ranked.iter().any(|(t, _)| t == topic));
        }
        println!(
            "topic suggestions on {} dev sentences: first {first}, among three {three}",
            cases.len()
        );
        assert_eq!(cases.len(), 48);
        assert!(
            first * 10 >= cases.len() * 8,
            "first for {first} of {}",
            cases.len()
        );
        assert!(
            three * 100 >= cases.len() * 95,
            "among three for {three} of {}",
            cases.len()
        );
    }

    #[test]
    fn suggestions_rank_the_topic_the_text_speaks_of_first() {
        let ranked = suggest_topics("学校门口的马路没有红绿灯，过马路很危险");
        assert_eq!(ranked[0].0, "way_to_school");
        assert!(ranked.iter().any(|(topic, _)| topic == "safety"));
        assert!(ranked.iter().map(|(_, score)| score).sum::<f64>() <= 1.0 + 1e-9);
        assert!(suggest_topics("今天天气很好").is_empty());
    }
}
