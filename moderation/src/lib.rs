//! Screening of what children write, before any adult or other child sees it.
//!
//! A pure library: [`Screener::screen`] takes a text and [`Options`] (the writer's age) and returns
//! a [`Screening`]: the findings, each with its byte span in the original text, and the single
//! [`Action`] they call for, the most severe finding winning. Nothing is ever dropped silently:
//! the caller decides what to do with the action and keeps the text.
//!
//! The rules are data under `moderation/rules/` (word lists with their sources and licences, an
//! allow-list, normalisation tables, personal-information contexts, safeguarding phrases, feedback
//! texts per age band), compiled once into a [`Screener`] ([`Screener::builtin`]) and shared
//! read-only afterwards.
//!
//! How a text is read:
//! - [`normalise`] folds it (NFKC and full-width forms, lower case, traditional to simplified,
//!   separators and symbols dropped, long runs of one character collapsed), keeping for every
//!   folded character the span of the original it came from;
//! - [`lexicon`] finds listed words and safeguarding phrases in the folded text in one pass, and
//!   drops what lies inside an allow-listed phrase;
//! - [`pii`] finds personal information (numbers, ids, e-mail, addresses, names);
//! - [`feedback`] holds the kind words a child reads when a teacher does not write their own.

mod classifier;
pub mod cli;
mod disclosure;
#[cfg(test)]
mod disclosure_tests;
pub mod evaluation;
mod feedback;
mod lexicon;
mod normalise;
mod pii;
mod rules;
mod screening;
mod sound;
#[cfg(test)]
mod tests;
pub mod training;

pub use feedback::{Band, REASONS};
pub use rules::{RuleError, SAFEGUARDING_SUBKINDS};
pub use screening::{Action, Finding, FindingKind, Options, Screener, Screening};
