//! Personal information a child should not publish, each finding a proposed redaction: mobile
//! numbers (also spaced, dashed, full-width or in Chinese numerals), resident ID numbers
//! (checksum verified), QQ and WeChat ids near their context words, e-mail, home addresses and
//! full names after a naming phrase. Grades, years, scores, bus numbers and times are too short
//! or too plain to match any of these.

use regex::Regex;
use std::ops::Range;

use crate::normalise::{Folded, Tables};
use crate::rules::{RuleError, Rules, problem};
use crate::screening::{Finding, FindingKind};

/// How far before a number its context word may end, in characters.
const CONTEXT_REACH: usize = 8;

/// Characters that may separate the digits of one number ("138 1234 5678", "138-1234-5678").
const SEPARATORS: [char; 5] = [' ', '-', '.', '_', '—'];

pub(crate) struct Pii {
    email: Regex,
    wechat_id: Regex,
    addresses: Vec<Regex>,
    name: Regex,
    qq_words: Vec<&'static str>,
    wechat_words: Vec<&'static str>,
}

impl Pii {
    pub fn compile(rules: &Rules) -> Result<Pii, RuleError> {
        let words = |subkind: &str| -> Vec<&'static str> {
            rules
                .contexts
                .iter()
                .filter(|(kind, _)| *kind == subkind)
                .map(|(_, word)| *word)
                .collect()
        };
        let alternation = |words: &[&str]| {
            words
                .iter()
                .map(|word| regex::escape(word))
                .collect::<Vec<_>>()
                .join("|")
        };
        let wechat_words = words("wechat");
        let surnames = {
            // Compound surnames first, so that 欧阳 wins over a single 欧.
            let mut names = rules.surnames.clone();
            names.sort_by_key(|name| std::cmp::Reverse(name.chars().count()));
            alternation(&names)
        };
        // Characters that end a place name or a name rather than belong to it.
        let not_place = r"[\p{Han}--[在住是的我到从去和与了就也都很这那个附近旁边对面里]]";
        let not_name = r"[\p{Han}--[是的了今年岁我在和与也很想要说住家老师学生年级班校同桌们，。]]";
        let number = r"[0-9一二三四五六七八九十百零〇两]+";
        let compile = |pattern: String| {
            Regex::new(&pattern).map_err(|error| problem("contexts.tsv", 0, error.to_string()))
        };
        Ok(Pii {
            email: compile(r"[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}".to_owned())?,
            wechat_id: compile(format!(
                r"(?:{})号?\s*(?:是|为|:|：)?\s*([a-z][a-z0-9_\-]{{5,19}})",
                alternation(&wechat_words)
            ))?,
            addresses: vec![
                // 人民路 25 号(3 栋 201 室)
                compile(format!(
                    r"{not_place}{{1,8}}(?:大街|大道|路|街|巷|弄){number}号(?:{number}(?:栋|幢|号楼|单元|室|楼))*"
                ))?,
                // 阳光花园 3 栋(2 单元 301)
                compile(format!(
                    r"{not_place}{{2,8}}(?:小区|花园|公寓|新村|家园|苑){number}(?:栋|幢|号楼|期|区)(?:{number}(?:单元|室|号|楼)?)*"
                ))?,
                // 3 栋 2 单元 301 室
                compile(format!(
                    r"{number}(?:栋|幢|号楼){number}(?:单元{number})?室?"
                ))?,
                // 我家住在张家村 / 家住阳光小区
                compile(format!(
                    r"(?:{})\s*({not_place}{{2,8}}(?:村|小区|花园|公寓|新村|家园|苑))",
                    alternation(&words("address"))
                ))?,
            ],
            name: compile(format!(
                r"(?:{})\s*[:：]?\s*((?:{surnames}){not_name}{{1,2}})",
                alternation(&words("name"))
            ))?,
            qq_words: words("qq"),
            wechat_words,
        })
    }

    /// The personal information in a text folded in full.
    pub fn find(&self, tables: &Tables, full: &Folded) -> Vec<Finding> {
        let numeric = tables.numeric(full);
        let mut found = self.numbers(full, &numeric);
        let mut spans = Vec::new();
        let haystack = full.text.as_str();
        if haystack.bytes().any(|b| b.is_ascii_alphabetic()) {
            let email = full.email_form();
            for hit in self.email.find_iter(&email.text) {
                found.push(Finding {
                    kind: FindingKind::Pii,
                    subkind: "email",
                    span: email.original(hit.range()),
                });
            }
        }
        for captures in self.wechat_id.captures_iter(haystack) {
            if let Some(id) = captures.get(1) {
                spans.push(("wechat", id.range()));
            }
        }
        for pattern in &self.addresses {
            for captures in pattern.captures_iter(haystack) {
                if let Some(place) = captures.get(1).or_else(|| captures.get(0)) {
                    spans.push(("address", place.range()));
                }
            }
        }
        for captures in self.name.captures_iter(haystack) {
            if let Some(name) = captures.get(1) {
                spans.push(("name", name.range()));
            }
        }
        found.extend(spans.into_iter().map(|(subkind, range)| Finding {
            kind: FindingKind::Pii,
            subkind,
            span: full.original(range),
        }));
        found
    }

    /// Runs of digits (ASCII, full-width or Chinese numerals, with single separators between),
    /// read as mobile numbers, ID numbers, or QQ and WeChat ids after their context words; and a
    /// mobile number split into groups by a few words or signs ("138，1234，5678", "前三位138中间
    /// 1234", keycap emoji).
    fn numbers(&self, full: &Folded, numeric: &Folded) -> Vec<Finding> {
        let runs = digit_runs(&numeric.text);
        let mut found = split_mobiles(numeric, &runs);
        for run in runs {
            let digits = run.digits.as_str();
            let national = digits.strip_prefix("86").filter(|rest| rest.len() == 11);
            let subkind = if is_mobile(national.unwrap_or(digits)) {
                Some("mobile")
            } else if is_id_number(digits) {
                Some("id_number")
            } else {
                // The numeric form has the same characters as the full form, not the same bytes.
                let start = full.offset(numeric.char_index(run.range.start));
                let before = &full.text[..start];
                let near = |words: &[&str]| {
                    words.iter().any(|word| {
                        before.rfind(word).is_some_and(|at| {
                            full.chars_between(at + word.len(), start) <= CONTEXT_REACH
                        })
                    })
                };
                if (5..=11).contains(&digits.len()) && near(&self.qq_words) {
                    Some("qq")
                } else if (5..=20).contains(&digits.len()) && near(&self.wechat_words) {
                    Some("wechat")
                } else {
                    None
                }
            };
            if let Some(subkind) = subkind {
                found.push(Finding {
                    kind: FindingKind::Pii,
                    subkind,
                    span: numeric.original(run.range),
                });
            }
        }
        found
    }
}

/// Most characters between two groups of one split number.
const GROUP_GAP: usize = 4;

/// Mobile numbers written in groups with a few characters between (and no digit), each a
/// finding spanning its groups. A number written in one run is left to [`Pii::numbers`].
fn split_mobiles(numeric: &Folded, runs: &[DigitRun]) -> Vec<Finding> {
    let mut found = Vec::new();
    let mut first = 0;
    while first < runs.len() {
        let mut digits = runs[first].digits.clone();
        let mut last = first;
        while digits.len() < 11 && last + 1 < runs.len() {
            let gap = numeric.chars_between(runs[last].range.end, runs[last + 1].range.start);
            if gap > GROUP_GAP {
                break;
            }
            last += 1;
            digits.push_str(&runs[last].digits);
        }
        if last > first && is_mobile(&digits) {
            found.push(Finding {
                kind: FindingKind::Pii,
                subkind: "mobile",
                span: numeric.original(runs[first].range.start..runs[last].range.end),
            });
            first = last + 1;
        } else {
            first += 1;
        }
    }
    found
}

struct DigitRun {
    /// Bytes of the numeric form.
    range: Range<usize>,
    digits: String,
}

/// Maximal runs of digits with single separators between them; a trailing `x` after 17 digits
/// (the ID number's check character) belongs to the run.
fn digit_runs(text: &str) -> Vec<DigitRun> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = chars[i].0;
        let mut digits = String::new();
        let mut end = i;
        let mut j = i;
        while j < chars.len() {
            let c = chars[j].1;
            if c.is_ascii_digit() {
                digits.push(c);
                end = j;
                j += 1;
            } else if SEPARATORS.contains(&c)
                && chars
                    .get(j + 1)
                    .is_some_and(|(_, next)| next.is_ascii_digit())
            {
                j += 1;
            } else if (c == 'x') && digits.len() == 17 {
                digits.push('X');
                end = j;
                j += 1;
                break;
            } else {
                break;
            }
        }
        let last = chars[end];
        runs.push(DigitRun {
            range: start..last.0 + last.1.len_utf8(),
            digits,
        });
        i = j.max(i + 1);
    }
    runs
}

fn is_mobile(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    bytes.len() == 11 && bytes[0] == b'1' && (b'3'..=b'9').contains(&bytes[1])
}

/// A mainland resident ID number: 17 digits and a check character (ISO 7064 MOD 11-2).
fn is_id_number(digits: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let chars: Vec<char> = digits.chars().collect();
    if chars.len() != 18 || chars[0] == '0' {
        return false;
    }
    let mut sum = 0;
    for (c, weight) in chars.iter().zip(WEIGHTS) {
        match c.to_digit(10) {
            Some(digit) => sum += digit * weight,
            None => return false,
        }
    }
    CHECK[(sum % 11) as usize] == chars[17]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_checksum_accepts_a_valid_number_and_refuses_one_digit_off() {
        assert!(is_id_number("11010519491231002X"));
        assert!(!is_id_number("110105194912310021"));
        assert!(is_id_number("440524188001010014"));
    }

    #[test]
    fn digit_runs_join_single_separators_only() {
        let runs = digit_runs("138 1234-5678 和 2025年");
        let digits: Vec<&str> = runs.iter().map(|run| run.digits.as_str()).collect();
        assert_eq!(digits, ["13812345678", "2025"]);
    }
}
