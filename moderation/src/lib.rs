//! Screening of what children write, before any adult or other child sees it.
//!
//! A pure library: [`Screener::screen`] takes a text and [`Options`] (the writer's age) and returns
//! a [`Screening`]: the findings, each with its byte span in the original text, and the single
//! [`Action`] they call for, the most severe finding winning. Nothing is ever dropped silently:
//! the caller decides what to do with the action and keeps the text.
//!
//! The rules are data (word lists with their sources and licences, allow-lists, normalisation
//! tables, personal-information patterns, safeguarding phrases), compiled once into a
//! [`Screener`] at start and shared read-only afterwards.

mod screening;

pub use screening::{Action, Finding, FindingKind, Options, Screener, Screening};
