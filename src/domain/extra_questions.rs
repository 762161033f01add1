//! A campaign's own questions (issue 20): a coordinator adds one or two questions to the forms,
//! of the kinds each band's form allows (a six-to-eight-year-old picks, and does not type), and
//! children's answers are checked against them like the built-in fields.

use std::collections::BTreeMap;

use crate::domain::children::AgeBand;
use crate::domain::forms::{ChoiceOption, FieldType, FormField};
use crate::error::{FieldCode, FieldError};

/// At most this many questions a campaign adds.
pub const MAX_QUESTIONS: usize = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuestionKind {
    /// A few words, at most 100 characters; not for band A.
    ShortText,
    /// One of two to six options.
    SingleChoice,
}

/// A question as the coordinator typed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraQuestion {
    pub label: String,
    pub kind: QuestionKind,
    pub options: Vec<String>,
}

/// Checks the questions against the bands the campaign asks; every problem on its field.
pub fn check(questions: &[ExtraQuestion], bands: &[AgeBand]) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let at = |index: usize, field: &str| -> Vec<String> {
        vec![
            "input".into(),
            "extraQuestions".into(),
            index.to_string(),
            field.into(),
        ]
    };
    let error = |path: Vec<String>, code: FieldCode, message: &str| {
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        FieldError::new(&path, code, message)
    };
    if questions.len() > MAX_QUESTIONS {
        problems.push(FieldError::new(
            &["input", "extraQuestions"],
            FieldCode::TooMany,
            "最多加两个问题。",
        ));
    }
    for (index, question) in questions.iter().enumerate() {
        if !(2..=60).contains(&question.label.trim().chars().count()) {
            problems.push(error(
                at(index, "label"),
                FieldCode::Length,
                "问题应为 2 到 60 个字。",
            ));
        }
        match question.kind {
            QuestionKind::ShortText => {
                if bands.contains(&AgeBand::A) {
                    problems.push(error(
                        at(index, "type"),
                        FieldCode::OutOfRange,
                        "一到三年级的孩子用选择题：这个年龄段的表单不加填空题。",
                    ));
                }
            }
            QuestionKind::SingleChoice => {
                let options: Vec<&str> = question.options.iter().map(|o| o.trim()).collect();
                let mut distinct = options.clone();
                distinct.sort_unstable();
                distinct.dedup();
                if !(2..=6).contains(&options.len())
                    || distinct.len() != options.len()
                    || options
                        .iter()
                        .any(|o| !(1..=20).contains(&o.chars().count()))
                {
                    problems.push(error(
                        at(index, "options"),
                        FieldCode::Count,
                        "选择题要有 2 到 6 个不同的选项，每个 1 到 20 个字。",
                    ));
                }
            }
        }
    }
    problems
}

/// The questions as form fields (`extra1`, `extra2`), never required.
pub fn fields(questions: &[ExtraQuestion]) -> Vec<FormField> {
    questions
        .iter()
        .enumerate()
        .map(|(index, question)| FormField {
            key: format!("extra{}", index + 1),
            field_type: match question.kind {
                QuestionKind::ShortText => FieldType::ShortText,
                QuestionKind::SingleChoice => FieldType::SingleChoice,
            },
            required: false,
            label: BTreeMap::from([("zh-CN".to_owned(), question.label.trim().to_owned())]),
            max_length: (question.kind == QuestionKind::ShortText).then_some(100),
            max_count: None,
            options: question
                .options
                .iter()
                .enumerate()
                .map(|(n, label)| ChoiceOption {
                    key: format!("o{}", n + 1),
                    label: BTreeMap::from([("zh-CN".to_owned(), label.trim().to_owned())]),
                    picture: None,
                })
                .collect(),
        })
        .collect()
}
