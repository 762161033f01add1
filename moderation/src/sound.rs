//! Insults by their sound (`rules/sounds.tsv`): the text is read as toneless pinyin, every
//! Chinese character as its syllable, so one entry catches the characters, their homophones
//! (沙比, 煞笔), full pinyin typed in Latin letters (sha bi) and a syllable swapped for its initial
//! (傻B, 草NM, nmsl). A match must begin and end on a syllable's edge, so 沙包 (sha bao) holds no
//! "shab"; a match that abbreviates a syllable must have come at least partly from Latin letters.

use aho_corasick::{AhoCorasick, MatchKind};
use pinyin::ToPinyin;

use crate::normalise::Folded;
use crate::rules::{RuleError, problem};
use crate::screening::{Finding, FindingKind};

const FILE: &str = "sounds.tsv";
/// Abbreviated forms shorter than this are too common by chance (wc, sb is a listed word).
const SHORTEST_ABBREVIATION: usize = 3;

pub(crate) struct Sounds {
    automaton: AhoCorasick,
    /// For each pattern: the entry's kind and subkind, and whether it abbreviates a syllable.
    patterns: Vec<(FindingKind, &'static str, bool)>,
}

/// A text as sound: letters, and for each letter the compact character it came from, whether a
/// syllable starts or ends there, and whether it was typed as a Latin letter.
struct SoundForm {
    letters: String,
    from: Vec<usize>,
    starts: Vec<bool>,
    ends: Vec<bool>,
    latin: Vec<bool>,
}

impl Sounds {
    pub fn compile(data: &'static str) -> Result<Sounds, RuleError> {
        let mut forms: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        for (index, line) in data.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&'static str> = line.split('\t').map(str::trim).collect();
            let kind = match fields.as_slice() {
                [_, "abuse", _, "tongsheng"] => FindingKind::Abuse,
                [_, "sexual", _, "tongsheng"] => FindingKind::Sexual,
                _ => {
                    return Err(problem(
                        FILE,
                        index + 1,
                        "expected sound, kind, subkind, source".into(),
                    ));
                }
            };
            let syllables: Vec<&str> = fields[0].split_whitespace().collect();
            // Every syllable full or as its initial: 2^n forms, the first all full.
            for mask in 0..(1u32 << syllables.len()) {
                let form: String = syllables
                    .iter()
                    .enumerate()
                    .map(|(i, syllable)| {
                        if mask & (1 << i) == 0 {
                            (*syllable).to_owned()
                        } else {
                            syllable.chars().take(1).collect()
                        }
                    })
                    .collect();
                if mask != 0 && form.len() < SHORTEST_ABBREVIATION {
                    continue;
                }
                forms.push(form);
                patterns.push((kind, fields[2], mask != 0));
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            // A DFA: the screen runs on every text, so memory buys speed.
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&forms)
            .map_err(|error| problem(FILE, 0, error.to_string()))?;
        Ok(Sounds {
            automaton,
            patterns,
        })
    }

    /// The insults heard in a compact-folded text, with spans into the original.
    pub fn find(&self, compact: &Folded) -> Vec<Finding> {
        let sound = sound_form(compact);
        let mut found = Vec::new();
        for hit in self.automaton.find_overlapping_iter(sound.letters.as_str()) {
            let (start, end) = (hit.start(), hit.end());
            let (kind, subkind, abbreviated) = self.patterns[hit.pattern().as_usize()];
            if !sound.starts[start] || !sound.ends[end - 1] {
                continue;
            }
            if abbreviated && !sound.latin[start..end].iter().any(|latin| *latin) {
                continue;
            }
            let (first, last) = (sound.from[start], sound.from[end - 1]);
            let bytes = compact.offset(first)..compact.offset(last + 1);
            found.push(Finding {
                kind,
                subkind,
                span: compact.original(bytes),
            });
        }
        found
    }
}

fn sound_form(compact: &Folded) -> SoundForm {
    let mut form = SoundForm {
        letters: String::with_capacity(compact.text.len() * 2),
        from: Vec::new(),
        starts: Vec::new(),
        ends: Vec::new(),
        latin: Vec::new(),
    };
    for (index, c) in compact.text.chars().enumerate() {
        let (letters, latin): (&str, bool) = match c.to_pinyin() {
            Some(syllable) => (syllable.plain(), false),
            None if c.is_ascii_lowercase() => (ascii(c), true),
            // A digit or anything else breaks a sound.
            None => ("|", false),
        };
        let count = letters.len();
        for (at, letter) in letters.chars().enumerate() {
            form.letters.push(letter);
            form.from.push(index);
            form.starts.push(latin || at == 0);
            form.ends.push(latin || at + 1 == count);
            form.latin.push(latin);
        }
    }
    form
}

/// A lower-case ASCII letter as a string.
fn ascii(c: char) -> &'static str {
    const LETTERS: &str = "abcdefghijklmnopqrstuvwxyz";
    let at = (c as usize).saturating_sub('a' as usize).min(25);
    &LETTERS[at..at + 1]
}
