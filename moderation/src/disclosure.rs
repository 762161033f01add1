//! Disclosures of harm, recognised by their structure (`rules/disclosure.tsv`): who did it, what
//! was done, to whom, rather than a list of whole sentences. A frame is a few slots (sets of
//! words) in order with bounded gaps, looked for within one clause or two side by side; a clause
//! that is hypothetical, preventive or fiction ("如果有人欺负我", "防止溺水", "游戏里") raises
//! nothing but thoughts of self-harm and frames marked `!` (threats to kill), which are never
//! explained away.

use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashMap;
use std::ops::Range;

use crate::normalise::{Folded, Tables};
use crate::rules::{RuleError, problem};
use crate::screening::{Finding, FindingKind};

const FILE: &str = "disclosure.tsv";
/// Characters `…` allows between two slots; `~` allows [`NEAR`].
const FAR: usize = 10;
/// Words of the bit set of term sets present in a window: at most 64 × this many sets.
const SET_WORDS: usize = 8;
const NEAR: usize = 3;
/// The subkind whose frames no guard silences.
const UNGUARDED: &str = "self_harm";
/// Where one clause ends and the next begins.
const CLAUSE_ENDS: [char; 16] = [
    '。', '！', '？', '!', '?', '；', ';', '\n', '，', ',', '、', '…', '.', '：', ':', '~',
];

/// One frame: slots (indices of term sets) and the most characters allowed before each slot but
/// the first.
struct Frame {
    subkind: &'static str,
    /// Raised even in a hypothetical clause: a threat to kill ("要是告诉老师就打死我") is one.
    unguarded: bool,
    slots: Vec<usize>,
    gaps: Vec<usize>,
}

pub(crate) struct Disclosures {
    automaton: AhoCorasick,
    /// For each pattern, the term sets it belongs to.
    sets_of: Vec<Vec<usize>>,
    frames: Vec<Frame>,
    guard: Option<usize>,
    allow: usize,
}

impl Disclosures {
    pub fn compile(
        tables: &Tables,
        data: &'static str,
        allow: &[&'static str],
        subkinds: &[&'static str],
    ) -> Result<Disclosures, RuleError> {
        let mut sets: Vec<Vec<String>> = Vec::new();
        let mut named: HashMap<&str, usize> = HashMap::new();
        let mut frames = Vec::new();
        for (index, line) in data.lines().enumerate() {
            let number = index + 1;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
            if fields.len() != 3 || fields[2] != "tongsheng" {
                return Err(problem(
                    FILE,
                    number,
                    "expected three fields, the last the source".into(),
                ));
            }
            if let Some(name) = fields[0].strip_prefix('@') {
                named.insert(name, sets.len());
                sets.push(expand(fields[1]));
                continue;
            }
            let (unguarded, subkind) =
                match (fields[0].strip_prefix('!'), fields[0].strip_prefix('?')) {
                    (Some(subkind), _) => (true, subkind),
                    (_, Some(subkind)) => (false, subkind),
                    _ => (fields[0] == UNGUARDED, fields[0]),
                };
            let Some(subkind) = subkinds.iter().find(|s| **s == subkind).copied() else {
                return Err(problem(FILE, number, format!("unknown subkind {subkind}")));
            };
            let mut slots = Vec::new();
            let mut gaps = Vec::new();
            let mut gap = 0;
            let spaced = fields[1]
                .replace('~', " ~ ")
                .replace('…', " … ")
                .replace('@', " @");
            for token in spaced.split_whitespace() {
                match token {
                    "…" => gap = FAR,
                    "~" => gap = NEAR,
                    slot => {
                        let set = match slot.strip_prefix('@') {
                            Some(name) => *named.get(name).ok_or_else(|| {
                                problem(FILE, number, format!("no set @{name} above this line"))
                            })?,
                            None => {
                                sets.push(expand(slot));
                                sets.len() - 1
                            }
                        };
                        if !slots.is_empty() {
                            gaps.push(gap);
                        }
                        slots.push(set);
                        gap = 0;
                    }
                }
            }
            if slots.is_empty() {
                return Err(problem(FILE, number, "a frame needs a slot".into()));
            }
            let bare_alternatives = spaced
                .split_whitespace()
                .any(|token| !token.starts_with('@') && split_top(token).len() > 1);
            if slots.len() > 1 && bare_alternatives {
                return Err(problem(
                    FILE,
                    number,
                    "in a frame of several slots, put a slot's alternatives in braces".into(),
                ));
            }
            frames.push(Frame {
                subkind,
                unguarded,
                slots,
                gaps,
            });
        }
        let guard = named.get("guard").copied();
        let allow_set = sets.len();
        sets.push(allow.iter().map(|entry| (*entry).to_owned()).collect());
        if sets.len() > SET_WORDS * 64 {
            return Err(problem(
                FILE,
                0,
                format!("{} term sets; at most {}", sets.len(), SET_WORDS * 64),
            ));
        }
        let mut patterns: Vec<String> = Vec::new();
        let mut sets_of: Vec<Vec<usize>> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for (set, terms) in sets.iter().enumerate() {
            for term in terms {
                let folded = tables.compact(term).text;
                if folded.is_empty() {
                    continue;
                }
                let at = *index.entry(folded.clone()).or_insert_with(|| {
                    patterns.push(folded);
                    sets_of.push(Vec::new());
                    patterns.len() - 1
                });
                if !sets_of[at].contains(&set) {
                    sets_of[at].push(set);
                }
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            // A DFA: the screen runs on every text, so memory buys speed.
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&patterns)
            .map_err(|error| problem(FILE, 0, error.to_string()))?;
        Ok(Disclosures {
            automaton,
            sets_of,
            frames,
            guard,
            allow: allow_set,
        })
    }

    /// The disclosures in `text`, with byte spans into it, and the byte ranges of its clauses
    /// that are hypothetical, preventive or fiction (where a listed phrase is no disclosure
    /// either). The text is folded and scanned once; clauses are ranges of the folded text.
    pub fn find(&self, folded: &Folded, text: &str) -> (Vec<Finding>, Vec<Range<usize>>) {
        let hits = self.hits(folded);
        let clauses: Vec<(Range<usize>, Range<usize>)> = clauses(text)
            .into_iter()
            .map(|bytes| {
                let chars =
                    folded.index_of_original(bytes.start)..folded.index_of_original(bytes.end);
                (bytes, chars)
            })
            .collect();
        let guarded: Vec<bool> = clauses
            .iter()
            .map(|(_, chars)| {
                hits.iter()
                    .any(|hit| Some(hit.set) == self.guard && within(&hit.chars, chars))
            })
            .collect();
        let mut found = Vec::new();
        for (index, (_, chars)) in clauses.iter().enumerate() {
            self.find_in(
                folded,
                &hits,
                chars.clone(),
                guarded[index],
                false,
                &mut found,
            );
            if let Some((_, next)) = clauses.get(index + 1) {
                let joined = chars.start..next.end;
                let guard = guarded[index] || guarded[index + 1];
                self.find_in(folded, &hits, joined, guard, true, &mut found);
            }
        }
        let guarded_bytes = clauses
            .into_iter()
            .zip(guarded)
            .filter(|(_, guarded)| *guarded)
            .map(|((bytes, _), _)| bytes)
            .collect();
        (found, guarded_bytes)
    }

    /// Frames in one window of the folded text (character positions); a window of two clauses
    /// (`joined`) is for frames whose slots may fall on either side of the boundary, so
    /// single-slot frames skip it.
    fn find_in(
        &self,
        folded: &Folded,
        all_hits: &[Hit],
        window: Range<usize>,
        guarded: bool,
        joined: bool,
        found: &mut Vec<Finding>,
    ) {
        let hits: Vec<&Hit> = all_hits
            .iter()
            .filter(|hit| within(&hit.chars, &window))
            .collect();
        if hits.is_empty() {
            return;
        }
        let mut present = [0u64; SET_WORDS];
        for hit in &hits {
            present[hit.set / 64] |= 1 << (hit.set % 64);
        }
        let has = |set: usize| present[set / 64] & (1 << (set % 64)) != 0;
        for frame in &self.frames {
            if guarded && !frame.unguarded
                || joined && frame.slots.len() == 1
                || !frame.slots.iter().all(|slot| has(*slot))
            {
                continue;
            }
            if let Some((chars, last)) = frame.first_match(&hits) {
                // What was done lies in an ordinary phrase ("摸摸我的头"): no disclosure.
                let inside_allowed = hits
                    .iter()
                    .any(|allow| allow.set == self.allow && within(&last, &allow.chars));
                if inside_allowed {
                    continue;
                }
                let bytes = folded.offset(chars.start)..folded.offset(chars.end);
                found.push(Finding {
                    kind: FindingKind::Safeguarding,
                    subkind: frame.subkind,
                    span: folded.original(bytes),
                });
            }
        }
    }

    fn hits(&self, folded: &Folded) -> Vec<Hit> {
        let mut hits = Vec::new();
        for hit in self.automaton.find_overlapping_iter(folded.text.as_str()) {
            let chars = folded.char_index(hit.start())..folded.char_index(hit.end());
            for set in &self.sets_of[hit.pattern().as_usize()] {
                hits.push(Hit {
                    set: *set,
                    chars: chars.clone(),
                });
            }
        }
        hits
    }
}

struct Hit {
    set: usize,
    /// Folded character positions.
    chars: Range<usize>,
}

/// Whether `inner` lies within `outer`.
fn within(inner: &Range<usize>, outer: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

impl Frame {
    /// The characters of the first place the frame's slots follow one another within their gaps,
    /// and those of its last slot.
    fn first_match(&self, hits: &[&Hit]) -> Option<(Range<usize>, Range<usize>)> {
        hits.iter()
            .filter(|hit| hit.set == self.slots[0])
            .find_map(|first| self.continue_from(hits, 1, first.chars.clone(), first.chars.clone()))
    }

    fn continue_from(
        &self,
        hits: &[&Hit],
        slot: usize,
        so_far: Range<usize>,
        last: Range<usize>,
    ) -> Option<(Range<usize>, Range<usize>)> {
        if slot == self.slots.len() {
            return Some((so_far, last));
        }
        let gap = self.gaps[slot - 1];
        hits.iter()
            .filter(|hit| {
                hit.set == self.slots[slot]
                    && hit.chars.start >= so_far.end
                    && hit.chars.start - so_far.end <= gap
            })
            .find_map(|hit| {
                self.continue_from(
                    hits,
                    slot + 1,
                    so_far.start..hit.chars.end,
                    hit.chars.clone(),
                )
            })
    }
}

/// The byte ranges of the clauses of `text`, each without its closing punctuation.
fn clauses(text: &str) -> Vec<Range<usize>> {
    let mut clauses = Vec::new();
    let mut start = 0;
    for (at, c) in text.char_indices() {
        if CLAUSE_ENDS.contains(&c) {
            if at > start {
                clauses.push(start..at);
            }
            start = at + c.len_utf8();
        }
    }
    if start < text.len() {
        clauses.push(start..text.len());
    }
    clauses
}

/// Alternatives separated by `|`, where `{a|b}{c|d}` stands for ac, ad, bc and bd.
fn expand(alternatives: &str) -> Vec<String> {
    let mut out = Vec::new();
    for alternative in split_top(alternatives) {
        let mut forms = vec![String::new()];
        let mut rest = alternative;
        while !rest.is_empty() {
            if let Some(inner) = rest.strip_prefix('{') {
                let close = inner.find('}').unwrap_or(inner.len());
                let options: Vec<&str> = inner[..close].split('|').collect();
                forms = forms
                    .iter()
                    .flat_map(|form| options.iter().map(move |option| format!("{form}{option}")))
                    .collect();
                rest = inner.get(close + 1..).unwrap_or("");
            } else {
                let next = rest.find('{').unwrap_or(rest.len());
                for form in &mut forms {
                    form.push_str(&rest[..next]);
                }
                rest = &rest[next..];
            }
        }
        out.extend(forms);
    }
    out
}

/// Splits on `|` outside braces.
fn split_top(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (at, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            '|' if depth == 0 => {
                parts.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_multiply_and_bars_separate() {
        assert_eq!(
            expand("{打|踢}{我|了我}|把我打"),
            ["打我", "打了我", "踢我", "踢了我", "把我打"]
        );
    }

    #[test]
    fn clauses_split_at_punctuation() {
        let text = "路灯坏了，爸爸会打人。我不敢回家";
        let parts: Vec<&str> = clauses(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(parts, ["路灯坏了", "爸爸会打人", "我不敢回家"]);
    }
}
