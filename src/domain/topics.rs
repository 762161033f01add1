//! The topics children choose from, each with a picture in the app (DESIGN §5). Routing maps
//! each to a lead department.

/// (key, label for children, English label)
pub const TOPICS: &[(&str, &str, &str)] = &[
    ("places_to_play", "玩耍的地方", "Places to play"),
    ("way_to_school", "上学的路", "The way to school"),
    ("school_life", "学校生活", "School life"),
    ("sport_and_events", "运动和活动", "Sport and events"),
    ("health", "健康", "Health"),
    ("safety", "安全", "Safety"),
    ("life_online", "网上生活", "Life online"),
    ("family", "家庭", "Family"),
    (
        "help_for_children",
        "帮助需要帮助的孩子",
        "Help for children who need it",
    ),
    ("rights_and_law", "权利和法律", "Rights and the law"),
    ("culture", "文化和阅读", "Culture and reading"),
    ("having_a_say", "参与城市建设", "Having a say in the city"),
    ("something_else", "其他事情", "Something else"),
];

/// A topic key that exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Topic(&'static str);

impl Topic {
    pub fn parse(key: &str) -> Option<Topic> {
        TOPICS
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(k, _, _)| Topic(k))
    }

    pub fn key(&self) -> &'static str {
        self.0
    }

    pub fn label_zh(&self) -> &'static str {
        TOPICS
            .iter()
            .find(|(k, _, _)| *k == self.0)
            .map(|(_, zh, _)| *zh)
            .unwrap_or(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_of_the_design_parses_and_nothing_else_does() {
        assert_eq!(TOPICS.len(), 13);
        for (key, _, _) in TOPICS {
            assert_eq!(Topic::parse(key).map(|t| t.key()), Some(*key));
        }
        assert!(Topic::parse("weather").is_none());
    }
}
