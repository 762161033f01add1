//! Listed words and safeguarding phrases, found in one pass over the compact form of a text.
//!
//! Every entry is folded the way the text is, so an entry is written once and still matches its
//! full-width, traditional, spaced-out or stretched forms. A finding that lies wholly inside an
//! allow-listed phrase is dropped.

use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashMap;
use std::ops::Range;

use crate::normalise::{Folded, Tables};
use crate::rules::{RuleError, Rules, problem};
use crate::screening::{Finding, FindingKind};

/// The most folded characters allowed between the two parts of a safeguarding phrase.
const PAIR_GAP: usize = 8;

/// What a matched pattern means; one pattern may mean several things.
#[derive(Clone, Copy, Debug)]
enum Role {
    Word(usize),
    Phrase(usize),
    Allow,
    /// The first or second part of a two-part phrase.
    First(usize),
    Second(usize),
}

pub(crate) struct Lexicon {
    automaton: AhoCorasick,
    roles: Vec<Vec<Role>>,
    /// Whether the pattern starts or ends with a Latin letter or digit, which then must not run
    /// on into more of them ("sb" is not in "usb").
    latin_edges: Vec<(bool, bool)>,
    words: Vec<(FindingKind, &'static str)>,
    phrases: Vec<&'static str>,
    pairs: Vec<&'static str>,
}

impl Lexicon {
    pub fn compile(rules: &Rules) -> Result<Lexicon, RuleError> {
        let mut builder = PatternSet::default();
        let mut words = Vec::new();
        for word in &rules.words {
            let folded = folded_entry(&rules.tables, word.term);
            if folded.chars().count() < 2 {
                return Err(problem(
                    "words.tsv",
                    0,
                    format!(
                        "{} is a single character, which never matches alone",
                        word.term
                    ),
                ));
            }
            builder.add(folded, Role::Word(words.len()));
            words.push((word.kind, word.subkind));
        }
        let mut phrases = Vec::new();
        let mut pairs = Vec::new();
        for phrase in &rules.phrases {
            match phrase.parts.as_slice() {
                [single] => {
                    let folded = folded_entry(&rules.tables, single);
                    if folded.chars().count() < 2 {
                        return Err(problem(
                            "safeguarding.tsv",
                            0,
                            format!("{single} is a single character, which never matches alone"),
                        ));
                    }
                    builder.add(folded, Role::Phrase(phrases.len()));
                    phrases.push(phrase.subkind);
                }
                [first, second] => {
                    builder.add(folded_entry(&rules.tables, first), Role::First(pairs.len()));
                    builder.add(
                        folded_entry(&rules.tables, second),
                        Role::Second(pairs.len()),
                    );
                    pairs.push(phrase.subkind);
                }
                _ => {}
            }
        }
        for allowed in &rules.allow {
            builder.add(folded_entry(&rules.tables, allowed), Role::Allow);
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            // A DFA: the screen runs on every text, so memory buys speed.
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&builder.patterns)
            .map_err(|error| problem("words.tsv", 0, error.to_string()))?;
        let latin_edges = builder
            .patterns
            .iter()
            .map(|pattern| {
                let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                (latin(pattern.chars().next()), latin(pattern.chars().last()))
            })
            .collect();
        Ok(Lexicon {
            automaton,
            roles: builder.roles,
            latin_edges,
            words,
            phrases,
            pairs,
        })
    }

    /// The listed words and phrases in a compact-folded text, with spans into the original.
    pub fn find(&self, folded: &Folded) -> Vec<Finding> {
        let text = folded.text.as_str();
        let mut found: Vec<(FindingKind, &'static str, Range<usize>)> = Vec::new();
        let mut allowed: Vec<Range<usize>> = Vec::new();
        let mut firsts: Vec<(usize, Range<usize>)> = Vec::new();
        let mut seconds: Vec<(usize, Range<usize>)> = Vec::new();
        for hit in self.automaton.find_overlapping_iter(text) {
            let pattern = hit.pattern().as_usize();
            let range = hit.range();
            if !self.stands_alone(text, pattern, &range) {
                continue;
            }
            for role in &self.roles[pattern] {
                match *role {
                    Role::Word(index) => {
                        let (kind, subkind) = self.words[index];
                        found.push((kind, subkind, range.clone()));
                    }
                    Role::Phrase(index) => found.push((
                        FindingKind::Safeguarding,
                        self.phrases[index],
                        range.clone(),
                    )),
                    Role::Allow => allowed.push(range.clone()),
                    Role::First(index) => firsts.push((index, range.clone())),
                    Role::Second(index) => seconds.push((index, range.clone())),
                }
            }
        }
        for (pair, first) in &firsts {
            let close = seconds.iter().find(|(other, second)| {
                other == pair
                    && second.start >= first.end
                    && folded.chars_between(first.end, second.start) <= PAIR_GAP
            });
            if let Some((_, second)) = close {
                found.push((
                    FindingKind::Safeguarding,
                    self.pairs[*pair],
                    first.start..second.end,
                ));
            }
        }
        found
            .into_iter()
            .filter(|(_, _, range)| {
                !allowed
                    .iter()
                    .any(|allow| allow.start <= range.start && range.end <= allow.end)
            })
            .map(|(kind, subkind, range)| Finding {
                kind,
                subkind,
                span: folded.original(range),
            })
            .collect()
    }

    fn stands_alone(&self, text: &str, pattern: usize, range: &Range<usize>) -> bool {
        let (starts_latin, ends_latin) = self.latin_edges[pattern];
        let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        !(starts_latin && latin(text[..range.start].chars().next_back())
            || ends_latin && latin(text[range.end..].chars().next()))
    }
}

/// The patterns, each once, with every role it plays.
#[derive(Default)]
struct PatternSet {
    patterns: Vec<String>,
    roles: Vec<Vec<Role>>,
    index: HashMap<String, usize>,
}

impl PatternSet {
    fn add(&mut self, pattern: String, role: Role) {
        if pattern.is_empty() {
            return;
        }
        let next = self.patterns.len();
        let at = *self.index.entry(pattern.clone()).or_insert(next);
        if at == next {
            self.patterns.push(pattern);
            self.roles.push(Vec::new());
        }
        self.roles[at].push(role);
    }
}

fn folded_entry(tables: &Tables, entry: &str) -> String {
    tables.compact(entry).text
}
