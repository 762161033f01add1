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

    /// The form e-mail addresses are looked for in: the words and signs children write for `@`
    /// and `.` ((at), 【at】, 艾特, 圈a, #; (dot), 点) read as the signs, between letters or digits,
    /// and spaces between letters dropped ("x i a o m i n g @ 1 6 3 . c o m").
    pub fn email_form(&self) -> Folded {
        const AT: [&str; 9] = [
            "(at)", "（at）", "[at]", "【at】", "<at>", "艾特", "圈a", "#", " at ",
        ];
        const DOT: [&str; 7] = [
            "(dot)",
            "（dot）",
            "[dot]",
            "【dot】",
            "<dot>",
            "点",
            " dot ",
        ];
        let chars: Vec<(char, Range<usize>)> =
            self.text.chars().zip(self.origin.iter().cloned()).collect();
        let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        let mut out: Vec<(char, Range<usize>)> = Vec::with_capacity(chars.len());
        let mut i = 0;
        'chars: while i < chars.len() {
            let before_is_word = out
                .iter()
                .rev()
                .find(|(c, _)| *c != ' ')
                .is_some_and(|(c, _)| word(*c));
            for (tokens, sign) in [(&AT[..], '@'), (&DOT[..], '.')] {
                for token in tokens {
                    let length = token.chars().count();
                    let Some(window) = chars.get(i..i + length) else {
                        continue;
                    };
                    let after_is_word = chars
                        .get(i + length..)
                        .and_then(|rest| rest.iter().find(|(c, _)| *c != ' '))
                        .is_some_and(|(c, _)| word(*c));
                    if before_is_word
                        && after_is_word
                        && window.iter().map(|(c, _)| *c).eq(token.chars())
                    {
                        while out.last().is_some_and(|(c, _)| *c == ' ') {
                            out.pop();
                        }
                        out.push((sign, window[0].1.start..window[length - 1].1.end));
                        i += length;
                        continue 'chars;
                    }
                }
            }
            let (c, span) = chars[i].clone();
            let joins = |c: char| word(c) || c == '@' || c == '.';
            if c == ' ' && out.last().is_some_and(|(c, _)| *c == '@' || *c == '.') {
                i += 1;
                continue;
            }
            let next_joins = chars
                .get(i + 1..)
                .and_then(|rest| rest.iter().find(|(c, _)| *c != ' '))
                .is_some_and(|(c, _)| joins(*c));
            if c == ' ' && out.last().is_some_and(|(c, _)| joins(*c)) && next_joins {
                i += 1;
                continue;
            }
            out.push((c, span));
            i += 1;
        }
        Folded::from_chars(out)
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
    /// Parts or pictures standing for a character (女马 for 妈, 🐴 for 马).
    pub shapes: Vec<(Vec<char>, char)>,
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
        self.compact_of(&self.full(text))
    }

    /// [`Tables::compact`] of a text already folded in full (the text is folded once).
    pub fn compact_of(&self, full: &Folded) -> Folded {
        let folded: Vec<(char, Range<usize>)> =
            full.text.chars().zip(full.origin.iter().cloned()).collect();
        let mut kept = self.unshape(folded);
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

    /// Parts and pictures folded into the character they stand for, spans merged.
    fn unshape(&self, chars: Vec<(char, Range<usize>)>) -> Vec<(char, Range<usize>)> {
        let starts = |c: char| {
            self.shapes
                .iter()
                .any(|(parts, _)| parts.first() == Some(&c))
        };
        if !chars
            .iter()
            .any(|(c, _)| (!c.is_ascii() || *c == '$') && starts(*c))
        {
            return chars;
        }
        let mut out = Vec::with_capacity(chars.len());
        let mut i = 0;
        'chars: while i < chars.len() {
            for (parts, whole) in &self.shapes {
                let candidate = chars.get(i..i + parts.len());
                if candidate.is_some_and(|window| window.iter().map(|(c, _)| c).eq(parts.iter())) {
                    let span = chars[i].1.start..chars[i + parts.len() - 1].1.end;
                    out.push((*whole, span));
                    i += parts.len();
                    continue 'chars;
                }
            }
            out.push(chars[i].clone());
            i += 1;
        }
        out
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
            shapes: Vec::new(),
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
