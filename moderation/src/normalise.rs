//! Folding a text into the form the rules are written in, remembering where each folded character
//! came from, so that every finding's span points into the original text.

use std::collections::HashMap;
use std::ops::Range;
use unicode_normalization::UnicodeNormalization;

/// A folded text: `text`, and for each of its characters the byte span of the original it came
/// from (several folded characters may share one original span, and one folded character may
/// stand for a run of original ones).
#[derive(Debug)]
pub(crate) struct Folded {
    pub text: String,
    /// The byte offset in `text` of each folded character, then `text.len()`.
    starts: Vec<usize>,
    origin: Vec<Range<usize>>,
}

impl Folded {
    fn from_chars(chars: Vec<(char, Range<usize>)>) -> Self {
        let mut text = String::with_capacity(chars.len() * 3);
        let mut starts = Vec::with_capacity(chars.len() + 1);
        let mut origin = Vec::with_capacity(chars.len());
        for (c, span) in chars {
            starts.push(text.len());
            text.push(c);
            origin.push(span);
        }
        starts.push(text.len());
        Folded {
            text,
            starts,
            origin,
        }
    }

    /// The index of the folded character that starts at byte `offset` of `text`.
    pub fn char_index(&self, offset: usize) -> usize {
        self.starts.partition_point(|start| *start < offset)
    }

    /// The span of the original text that the folded bytes `range` came from.
    pub fn original(&self, range: Range<usize>) -> Range<usize> {
        let first = self.char_index(range.start);
        let last = self.char_index(range.end).saturating_sub(1).max(first);
        match (self.origin.get(first), self.origin.get(last)) {
            (Some(start), Some(end)) => start.start..end.end,
            _ => 0..0,
        }
    }

    /// The byte offset in `text` of the folded character `index` (the end, past the last).
    pub fn offset(&self, index: usize) -> usize {
        self.starts.get(index).copied().unwrap_or(self.text.len())
    }

    /// The index of the first folded character that came from byte `at` of the original or later.
    pub fn index_of_original(&self, at: usize) -> usize {
        self.origin.partition_point(|span| span.start < at)
    }

    /// How many folded characters lie between two byte offsets of `text`.
    pub fn chars_between(&self, from: usize, to: usize) -> usize {
        self.char_index(to).saturating_sub(self.char_index(from))
    }
}

/// The normalisation tables: traditional to simplified, and characters read as digits.
#[derive(Debug, Default)]
pub(crate) struct Tables {
    pub simplified: HashMap<char, char>,
    pub digits: HashMap<char, char>,
}

impl Tables {
    /// One original character as folded characters: NFKC (full-width forms, compatibility
    /// ideographs), lower case, simplified.
    fn fold_char(&self, c: char, out: &mut Vec<char>) {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if ('\u{4e00}'..='\u{9fff}').contains(&c) {
            out.push(*self.simplified.get(&c).unwrap_or(&c));
        } else {
            for folded in std::iter::once(c).nfkc() {
                for lower in folded.to_lowercase() {
                    out.push(*self.simplified.get(&lower).unwrap_or(&lower));
                }
            }
        }
    }

    /// Every character folded, nothing dropped: the form personal information is looked for in.
    pub fn full(&self, text: &str) -> Folded {
        let mut chars = Vec::with_capacity(text.len());
        self.fold_into(text, &mut chars);
        Folded::from_chars(chars)
    }

    /// As [`Tables::full`], with the characters of `digits.tsv` read as ASCII digits.
    pub fn numeric(&self, full: &Folded) -> Folded {
        let chars = full
            .text
            .chars()
            .zip(full.origin.iter().cloned())
            .map(|(c, span)| (*self.digits.get(&c).unwrap_or(&c), span))
            .collect();
        Folded::from_chars(chars)
    }

    /// The form words are matched in: folded, with everything that is not a letter or a digit
    /// dropped (so separators and symbols inserted between characters vanish), and a run of one
    /// character collapsed (three or more of a Chinese character, two or more of a Latin
    /// letter, so that 妈妈 stays 妈妈 while 傻傻傻 and "sbbb" collapse).
    pub fn compact(&self, text: &str) -> Folded {
        let mut kept = Vec::with_capacity(text.len());
        self.fold_into(text, &mut kept);
        kept.retain(|(c, _)| c.is_alphanumeric());
        let mut chars = Vec::with_capacity(kept.len());
        let mut i = 0;
        while i < kept.len() {
            let c = kept[i].0;
            let run = kept[i..]
                .iter()
                .take_while(|(other, _)| *other == c)
                .count();
            let collapses = if c.is_ascii_alphabetic() {
                run >= 2
            } else {
                run >= 3
            };
            if collapses {
                chars.push((c, kept[i].1.start..kept[i + run - 1].1.end));
            } else {
                chars.extend(kept[i..i + run].iter().cloned());
            }
            i += run;
        }
        Folded::from_chars(chars)
    }

    fn fold_into(&self, text: &str, out: &mut Vec<(char, Range<usize>)>) {
        let mut buffer = Vec::with_capacity(4);
        for (at, c) in text.char_indices() {
            buffer.clear();
            self.fold_char(c, &mut buffer);
            let span = at..at + c.len_utf8();
            out.extend(buffer.iter().map(|folded| (*folded, span.clone())));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables() -> Tables {
        Tables {
            simplified: [('傻', '傻'), ('蛋', '蛋'), ('媽', '妈')]
                .into_iter()
                .collect(),
            digits: [('一', '1'), ('三', '3')].into_iter().collect(),
        }
    }

    #[test]
    fn full_width_and_case_fold_and_spans_point_back() {
        let text = "ＳＢ你好";
        let folded = tables().full(text);
        assert_eq!(folded.text, "sb你好");
        assert_eq!(&text[folded.original(0..2)], "ＳＢ");
    }

    #[test]
    fn separators_vanish_and_long_runs_collapse_but_pairs_stay() {
        let text = "傻 * 傻 傻-蛋, 妈妈";
        let folded = tables().compact(text);
        assert_eq!(folded.text, "傻蛋妈妈");
        let span = folded.original(0..6);
        assert_eq!(&text[span], "傻 * 傻 傻-蛋");
    }

    #[test]
    fn latin_repeats_collapse_from_two() {
        assert_eq!(tables().compact("sss bbb").text, "sb");
    }

    #[test]
    fn traditional_characters_fold_to_simplified() {
        assert_eq!(tables().compact("你媽").text, "你妈");
    }

    #[test]
    fn chinese_numerals_read_as_digits_only_in_the_numeric_form() {
        let tables = tables();
        let full = tables.full("一三");
        assert_eq!(full.text, "一三");
        assert_eq!(tables.numeric(&full).text, "13");
    }
}
