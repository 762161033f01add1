//! The kind words a child reads when a teacher decides without writing their own: one text per
//! reason and age band, from `rules/feedback.tsv`. None repeats what the child wrote.

/// The age bands of DESIGN §4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Band {
    /// 6-8
    A,
    /// 9-11
    B,
    /// 12-14
    C,
    /// 15-17
    D,
}

impl Band {
    pub const ALL: [Band; 4] = [Band::A, Band::B, Band::C, Band::D];

    /// The band of an age; under 6 reads as the youngest band, over 17 as the oldest.
    pub fn for_age(age: u8) -> Band {
        match age {
            0..=8 => Band::A,
            9..=11 => Band::B,
            12..=14 => Band::C,
            _ => Band::D,
        }
    }

    pub(crate) fn parse(letter: &str) -> Option<Band> {
        match letter {
            "A" => Some(Band::A),
            "B" => Some(Band::B),
            "C" => Some(Band::C),
            "D" => Some(Band::D),
            _ => None,
        }
    }
}

/// The reasons a teacher may give, each with a default text for every band.
pub const REASONS: [&str; 5] = [
    "unkind_words",
    "personal_information",
    "unclear",
    "off_topic",
    "duplicate",
];
