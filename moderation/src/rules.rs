//! The rule files under `moderation/rules/`, compiled into the binary and checked when read: every
//! entry names a known source, every kind and subkind is one the screener knows, and every
//! feedback reason has a text for every band.

use std::fmt;

use crate::feedback::Band;
use crate::normalise::Tables;
use crate::screening::FindingKind;

/// The sources an entry may cite; `SOURCES.md` gives each one's licence.
const SOURCES: [&str; 2] = ["tongsheng", "ldnoobw"];

const WORDS: &str = include_str!("../rules/words.tsv");
const SAFEGUARDING: &str = include_str!("../rules/safeguarding.tsv");
pub(crate) const DISCLOSURE: &str = include_str!("../rules/disclosure.tsv");
pub(crate) const CLASSIFIER: &str = include_str!("../rules/classifier.tsv");
pub(crate) const SOUNDS: &str = include_str!("../rules/sounds.tsv");
const SHAPES: &str = include_str!("../rules/shapes.tsv");
const ALLOW: &str = include_str!("../rules/allow.txt");
const SIMPLIFIED: &str = include_str!("../rules/t2s.tsv");
const DIGITS: &str = include_str!("../rules/digits.tsv");
const CONTEXTS: &str = include_str!("../rules/contexts.tsv");
const SURNAMES: &str = include_str!("../rules/surnames.txt");
const FEEDBACK: &str = include_str!("../rules/feedback.tsv");

/// A rule file that does not say what it must.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub file: &'static str,
    pub line: usize,
    pub problem: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}: {}", self.file, self.line, self.problem)
    }
}

impl std::error::Error for RuleError {}

/// An unkind or unsafe word.
pub(crate) struct Word {
    pub term: &'static str,
    pub kind: FindingKind,
    pub subkind: &'static str,
}

/// A safeguarding phrase: one part, or two that must come close together ("爸爸…打我").
pub(crate) struct Phrase {
    pub parts: Vec<&'static str>,
    pub subkind: &'static str,
}

/// Every rule file, read.
pub(crate) struct Rules {
    pub words: Vec<Word>,
    pub phrases: Vec<Phrase>,
    pub allow: Vec<&'static str>,
    pub tables: Tables,
    /// (subkind, word): words that make a nearby number or id personal information.
    pub contexts: Vec<(&'static str, &'static str)>,
    pub surnames: Vec<&'static str>,
    pub feedback: Vec<(&'static str, Band, &'static str)>,
}

/// The subkinds of a safeguarding finding: the signals a case records.
pub const SAFEGUARDING_SUBKINDS: [&str; 10] = [
    "self_harm",
    "abuse_at_home",
    "neglect",
    "bullying",
    "sexual_abuse",
    "adult_at_school",
    "running_away",
    "child_labour",
    "exploitation",
    "harm",
];
const CONTEXT_SUBKINDS: [&str; 4] = ["qq", "wechat", "name", "address"];

impl Rules {
    pub fn builtin() -> Result<Rules, RuleError> {
        Ok(Rules {
            words: words()?,
            phrases: phrases()?,
            allow: rows("allow.txt", ALLOW, 1)?
                .map(|(_, fields)| fields[0])
                .collect(),
            tables: Tables {
                simplified: char_pairs("t2s.tsv", SIMPLIFIED)?,
                digits: char_pairs("digits.tsv", DIGITS)?,
                shapes: shapes()?,
            },
            contexts: rows("contexts.tsv", CONTEXTS, 2)?
                .map(|(line, fields)| {
                    known("contexts.tsv", line, fields[0], &CONTEXT_SUBKINDS)?;
                    Ok((fields[0], fields[1]))
                })
                .collect::<Result<_, _>>()?,
            surnames: rows("surnames.txt", SURNAMES, 1)?
                .map(|(_, fields)| fields[0])
                .collect(),
            feedback: feedback()?,
        })
    }
}

fn words() -> Result<Vec<Word>, RuleError> {
    rows("words.tsv", WORDS, 4)?
        .map(|(line, fields)| {
            let kind = match fields[1] {
                "abuse" => FindingKind::Abuse,
                "sexual" => FindingKind::Sexual,
                "violence" => FindingKind::Violence,
                other => return Err(problem("words.tsv", line, format!("unknown kind {other}"))),
            };
            known("words.tsv", line, fields[3], &SOURCES)?;
            Ok(Word {
                term: fields[0],
                kind,
                subkind: fields[2],
            })
        })
        .collect()
}

fn phrases() -> Result<Vec<Phrase>, RuleError> {
    rows("safeguarding.tsv", SAFEGUARDING, 3)?
        .map(|(line, fields)| {
            known("safeguarding.tsv", line, fields[1], &SAFEGUARDING_SUBKINDS)?;
            known("safeguarding.tsv", line, fields[2], &SOURCES)?;
            let parts: Vec<&str> = fields[0].split('…').collect();
            if parts.len() > 2 || parts.iter().any(|part| part.is_empty()) {
                return Err(problem(
                    "safeguarding.tsv",
                    line,
                    "a phrase is one part or two joined by …".into(),
                ));
            }
            Ok(Phrase {
                parts,
                subkind: fields[1],
            })
        })
        .collect()
}

/// Characters written as their parts or as a picture, and the character they stand for.
fn shapes() -> Result<Vec<(Vec<char>, char)>, RuleError> {
    rows("shapes.tsv", SHAPES, 3)?
        .map(|(line, fields)| {
            known("shapes.tsv", line, fields[2], &SOURCES)?;
            let mut to = fields[1].chars();
            match (to.next(), to.next()) {
                (Some(to), None) => Ok((fields[0].chars().collect(), to)),
                _ => Err(problem(
                    "shapes.tsv",
                    line,
                    "one character to fold to".into(),
                )),
            }
        })
        .collect()
}

fn feedback() -> Result<Vec<(&'static str, Band, &'static str)>, RuleError> {
    let entries: Vec<_> = rows("feedback.tsv", FEEDBACK, 3)?
        .map(|(line, fields)| {
            let band = Band::parse(fields[1])
                .ok_or_else(|| problem("feedback.tsv", line, "band must be A, B, C or D".into()))?;
            Ok((fields[0], band, fields[2]))
        })
        .collect::<Result<_, RuleError>>()?;
    for reason in crate::feedback::REASONS {
        for band in Band::ALL {
            if !entries.iter().any(|(r, b, _)| *r == reason && *b == band) {
                return Err(problem(
                    "feedback.tsv",
                    0,
                    format!("no text for {reason} in band {band:?}"),
                ));
            }
        }
    }
    Ok(entries)
}

fn char_pairs(
    file: &'static str,
    data: &'static str,
) -> Result<std::collections::HashMap<char, char>, RuleError> {
    rows(file, data, 2)?
        .map(|(line, fields)| {
            let mut from = fields[0].chars();
            let mut to = fields[1].chars();
            match (from.next(), from.next(), to.next(), to.next()) {
                (Some(from), None, Some(to), None) => Ok((from, to)),
                _ => Err(problem(file, line, "one character on each side".into())),
            }
        })
        .collect()
}

/// The data lines of a rule file (`#` starts a comment line), split on tabs, each with exactly
/// `columns` non-empty fields, with its 1-based line number.
fn rows(
    file: &'static str,
    data: &'static str,
    columns: usize,
) -> Result<impl Iterator<Item = (usize, Vec<&'static str>)>, RuleError> {
    let mut out = Vec::new();
    for (index, line) in data.lines().enumerate() {
        let line_number = index + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        if fields.len() != columns || fields.iter().any(|field| field.is_empty()) {
            return Err(problem(
                file,
                line_number,
                format!("expected {columns} tab-separated fields"),
            ));
        }
        out.push((line_number, fields));
    }
    Ok(out.into_iter())
}

fn known(file: &'static str, line: usize, value: &str, allowed: &[&str]) -> Result<(), RuleError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(problem(file, line, format!("unknown value {value}")))
    }
}

pub(crate) fn problem(file: &'static str, line: usize, problem: String) -> RuleError {
    RuleError {
        file,
        line,
        problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_rules_read_cleanly() {
        if let Err(error) = Rules::builtin() {
            panic!("{error}");
        }
    }

    #[test]
    fn a_row_with_a_missing_field_is_refused_with_its_line() {
        let error = rows("test.tsv", "# comment\n傻瓜\tabuse\n", 3).err();
        assert_eq!(error.map(|e| e.line), Some(2));
    }
}
