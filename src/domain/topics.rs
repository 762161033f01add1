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

/// Each topic's picture (`schema/topics/<key>.svg`, drawn for this project) and what it shows,
/// for children who cannot read yet and for screen readers.
pub const PICTURES: &[(&str, &str, &str)] = &[
    (
        "culture",
        include_str!("../../schema/topics/culture.svg"),
        "一本打开的书",
    ),
    (
        "family",
        include_str!("../../schema/topics/family.svg"),
        "一座房子和一家人",
    ),
    (
        "having_a_say",
        include_str!("../../schema/topics/having_a_say.svg"),
        "一个说话的气泡",
    ),
    (
        "health",
        include_str!("../../schema/topics/health.svg"),
        "一个红十字",
    ),
    (
        "help_for_children",
        include_str!("../../schema/topics/help_for_children.svg"),
        "两只手托着一颗心",
    ),
    (
        "life_online",
        include_str!("../../schema/topics/life_online.svg"),
        "一台平板电脑",
    ),
    (
        "places_to_play",
        include_str!("../../schema/topics/places_to_play.svg"),
        "一个秋千",
    ),
    (
        "rights_and_law",
        include_str!("../../schema/topics/rights_and_law.svg"),
        "一架天平",
    ),
    (
        "safety",
        include_str!("../../schema/topics/safety.svg"),
        "一个盾牌",
    ),
    (
        "school_life",
        include_str!("../../schema/topics/school_life.svg"),
        "一所学校",
    ),
    (
        "something_else",
        include_str!("../../schema/topics/something_else.svg"),
        "一个问号",
    ),
    (
        "sport_and_events",
        include_str!("../../schema/topics/sport_and_events.svg"),
        "一个足球",
    ),
    (
        "way_to_school",
        include_str!("../../schema/topics/way_to_school.svg"),
        "一条有斑马线的路",
    ),
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

    /// Where its picture is served.
    pub fn picture_path(&self) -> String {
        format!("/topics/{}.svg", self.0)
    }

    /// What its picture shows, in words.
    pub fn picture_alt(&self) -> &'static str {
        PICTURES
            .iter()
            .find(|(k, _, _)| *k == self.0)
            .map_or("", |(_, _, alt)| *alt)
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
        // Every topic has its picture, and nothing else has one.
        assert_eq!(PICTURES.len(), TOPICS.len());
        for (key, svg, alt) in PICTURES {
            assert!(Topic::parse(key).is_some(), "{key}");
            assert!(svg.starts_with("<svg") && svg.contains(&format!("<title>{alt}</title>")));
        }
    }
}
