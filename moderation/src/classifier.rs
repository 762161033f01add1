//! A linear classifier over character n-grams, for unkind language no list holds (implicit
//! insults, contempt for a group, mockery): the lists catch explicit terms with exact spans, the
//! classifier catches the rest, and is only ever a reason for a teacher to look.
//!
//! Features are the character bigrams and trigrams of the compact-folded text (so the evasions the
//! folding undoes are undone here too), each counted once; the model is logistic regression,
//! trained by `cargo run --release -p moderation --bin train` on COLD's training split, its
//! threshold chosen on the dev split (see `rules/classifier.tsv`, whose header names the command
//! and the figures). The weights are a small data file compiled into the binary.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use crate::rules::{RuleError, problem};

const FILE: &str = "classifier.tsv";

/// A text must name or address someone for the classifier to speak: COLD's unkindness is aimed
/// at people (you, him, her, a group), while a child who finds dog mess 恶心 or plays with 沙子 is
/// aiming at no one. Folded characters.
const TARGETS: [char; 14] = [
    '你', '他', '她', '们', '女', '男', '黑', '佬', '族', '娘', '婊', '妹', '鬼', '逼',
];

/// An n-gram as one number: its characters' code points side by side (21 bits each).
pub(crate) type Gram = u64;

/// A multiply-shift hasher for n-gram keys, which are already well spread.
#[derive(Default)]
pub(crate) struct GramHasher(u64);

impl Hasher for GramHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x100_0000_01b3);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    }
}

pub(crate) type GramMap<V> = HashMap<Gram, V, BuildHasherDefault<GramHasher>>;

/// The bigrams and trigrams of a folded text, each with the range of folded characters it covers.
pub(crate) fn grams(chars: &[char]) -> impl Iterator<Item = (Gram, Range<usize>)> + '_ {
    (0..chars.len()).flat_map(move |start| {
        [2usize, 3].into_iter().filter_map(move |n| {
            let window = chars.get(start..start + n)?;
            Some((key(window), start..start + n))
        })
    })
}

/// A bigram's or trigram's key: the characters' code points, and a marker that tells the two
/// apart (bit 43 for a bigram, bit 63 for a trigram).
fn key(window: &[char]) -> Gram {
    let mut key = window.len() as u64;
    for c in window {
        key = (key << 21) | (u64::from(u32::from(*c)) & 0x1F_FFFF);
    }
    key
}

/// The gram of a written n-gram (as in the data file).
pub(crate) fn gram_of(text: &str) -> Option<Gram> {
    let chars: Vec<char> = text.chars().collect();
    matches!(chars.len(), 2 | 3).then(|| key(&chars))
}

pub(crate) struct Classifier {
    bias: f32,
    threshold: f32,
    weights: GramMap<f32>,
}

/// What the classifier made of a text: its score (0 to 1), and when it is over the threshold,
/// the folded characters that weighed most.
pub(crate) struct Verdict {
    pub score: f32,
    pub strongest: Option<Range<usize>>,
}

impl Classifier {
    /// Reads `threshold`, `bias` and `ngram<TAB>weight` lines.
    pub fn parse(data: &str) -> Result<Classifier, RuleError> {
        let mut bias = None;
        let mut threshold = None;
        let mut weights = GramMap::default();
        for (index, line) in data.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |what: &str| problem(FILE, index + 1, what.to_owned());
            let (key, value) = line
                .split_once('\t')
                .ok_or_else(|| bad("expected key<TAB>value"))?;
            let value: f32 = value.trim().parse().map_err(|_| bad("not a number"))?;
            match key {
                "bias" => bias = Some(value),
                "threshold" => threshold = Some(value),
                gram => {
                    let gram =
                        gram_of(gram).ok_or_else(|| bad("an n-gram is 2 or 3 characters"))?;
                    weights.insert(gram, value);
                }
            }
        }
        Ok(Classifier {
            bias: bias.ok_or_else(|| problem(FILE, 0, "no bias".into()))?,
            threshold: threshold.ok_or_else(|| problem(FILE, 0, "no threshold".into()))?,
            weights,
        })
    }

    /// A model as the `train` command makes it, before it is written out.
    pub fn from_model(
        bias: f32,
        threshold: f32,
        weights: impl IntoIterator<Item = (Gram, f32)>,
    ) -> Classifier {
        Classifier {
            bias,
            threshold,
            weights: weights.into_iter().collect(),
        }
    }

    /// Scores a compact-folded text (0 when it aims at no one: see [`TARGETS`]).
    pub fn judge(&self, chars: &[char]) -> Verdict {
        if !chars.iter().any(|c| TARGETS.contains(c)) {
            return Verdict {
                score: 0.0,
                strongest: None,
            };
        }
        let mut seen: Vec<Gram> = Vec::new();
        let mut sum = self.bias;
        let mut strongest: Option<(f32, Range<usize>)> = None;
        for (gram, range) in grams(chars) {
            let Some(weight) = self.weights.get(&gram) else {
                continue;
            };
            if seen.contains(&gram) {
                continue;
            }
            seen.push(gram);
            sum += weight;
            if strongest.as_ref().is_none_or(|(best, _)| weight > best) {
                strongest = Some((*weight, range));
            }
        }
        let score = 1.0 / (1.0 + (-sum).exp());
        Verdict {
            score,
            strongest: (score >= self.threshold)
                .then_some(strongest.map(|(_, range)| range))
                .flatten(),
        }
    }
}
