//! Forms are data: one per age band a campaign targets, each a list of fields with a key, a
//! type, labels per locale and limits. The defaults ship in `schema/forms/`. An answer that does
//! not fit the child's form is refused with an error on each field that is wrong.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

use crate::domain::children::AgeBand;
use crate::error::FieldCode;
use crate::error::{AppError, FieldError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    ShortText,
    LongText,
    SingleChoice,
    MultipleChoice,
    /// The proposal's topic, given as the top-level `topic` input.
    Topic,
    /// Where: free text, as long as `max_length` allows.
    Place,
    /// A drawing or photo.
    Attachment,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChoiceOption {
    pub key: String,
    pub label: BTreeMap<String, String>,
    /// The picture the app shows with the option.
    #[serde(default)]
    pub picture: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FormField {
    pub key: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    pub required: bool,
    /// Labels by locale: `zh-CN` always, `en` usually.
    pub label: BTreeMap<String, String>,
    #[serde(default)]
    pub max_length: Option<u32>,
    #[serde(default)]
    pub max_count: Option<u32>,
    #[serde(default)]
    pub options: Vec<ChoiceOption>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    pub band: String,
    pub fields: Vec<FormField>,
    /// Groups of fields of which at least one must be answered (a sentence or a drawing).
    #[serde(default, rename = "oneOf", skip_serializing_if = "Vec::is_empty")]
    pub one_of: Vec<Vec<String>>,
}

/// A child's answer to one field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// For attachment fields: the ids of uploaded images.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<String>,
}

const DEFAULTS: [(AgeBand, &str); 4] = [
    (AgeBand::A, include_str!("../../schema/forms/band-a.json")),
    (AgeBand::B, include_str!("../../schema/forms/band-b.json")),
    (AgeBand::C, include_str!("../../schema/forms/band-c.json")),
    (AgeBand::D, include_str!("../../schema/forms/band-d.json")),
];

/// The default form for a band, as shipped in `schema/forms/`.
pub fn default_form(band: AgeBand) -> Form {
    let text = DEFAULTS
        .iter()
        .find(|(b, _)| *b == band)
        .map(|(_, text)| *text)
        .unwrap_or("");
    match serde_json::from_str(text) {
        Ok(form) => form,
        // The files are checked by a unit test; an empty form would refuse every answer.
        Err(_) => Form {
            one_of: Vec::new(),
            band: band_letter(band).to_owned(),
            fields: Vec::new(),
        },
    }
}

pub fn band_letter(band: AgeBand) -> &'static str {
    match band {
        AgeBand::A => "A",
        AgeBand::B => "B",
        AgeBand::C => "C",
        AgeBand::D => "D",
    }
}

/// The band a letter names: `A` to `D`.
pub fn band_from_letter(letter: &str) -> Option<AgeBand> {
    match letter {
        "A" => Some(AgeBand::A),
        "B" => Some(AgeBand::B),
        "C" => Some(AgeBand::C),
        "D" => Some(AgeBand::D),
        _ => None,
    }
}

impl Form {
    /// Checks answers against the form and returns them trimmed, in the form's order. Every
    /// problem is reported, each on `["input", "answers", <key>]`.
    pub fn validate(&self, answers: &[Answer]) -> Result<Vec<Answer>, AppError> {
        let mut problems = Vec::new();
        let problem = |key: &str, code: FieldCode, message: String| {
            FieldError::new(&["input", "answers", key], code, message)
        };
        let mut seen = HashSet::new();
        for answer in answers {
            let known = self
                .fields
                .iter()
                .any(|f| f.key == answer.key && !matches!(f.field_type, FieldType::Topic));
            if !known {
                problems.push(problem(
                    &answer.key,
                    FieldCode::UnknownField,
                    "表单里没有这一项。".into(),
                ));
            } else if !seen.insert(answer.key.as_str()) {
                problems.push(problem(
                    &answer.key,
                    FieldCode::Repeated,
                    "这一项填了两次。".into(),
                ));
            }
        }
        let mut accepted = Vec::new();
        for field in &self.fields {
            let given = answers.iter().find(|a| a.key == field.key);
            match field.field_type {
                FieldType::Topic => {}
                FieldType::Attachment => {
                    let media = given.map(|a| a.media.clone()).unwrap_or_default();
                    let max = field.max_count.unwrap_or(1);
                    if media.is_empty() {
                        if field.required {
                            problems.push(problem(
                                &field.key,
                                FieldCode::Required,
                                "请上传一张图片。".into(),
                            ));
                        }
                    } else if media.len() as u32 > max {
                        problems.push(problem(
                            &field.key,
                            FieldCode::TooMany,
                            format!("最多 {max} 张图片。"),
                        ));
                    } else {
                        accepted.push(Answer {
                            key: field.key.clone(),
                            text: None,
                            choices: Vec::new(),
                            media,
                        });
                    }
                }
                FieldType::ShortText | FieldType::LongText | FieldType::Place => {
                    let text = given
                        .and_then(|a| a.text.as_deref())
                        .map(str::trim)
                        .unwrap_or("");
                    let length = text.chars().count() as u32;
                    if text.is_empty() {
                        if field.required {
                            problems.push(problem(
                                &field.key,
                                FieldCode::Required,
                                "这一项还没有填。".into(),
                            ));
                        }
                    } else if let Some(max) = field.max_length.filter(|max| length > *max) {
                        problems.push(problem(
                            &field.key,
                            FieldCode::TooLong,
                            format!("最多 {max} 个字，现在有 {length} 个字。"),
                        ));
                    } else {
                        accepted.push(Answer {
                            key: field.key.clone(),
                            text: Some(text.to_owned()),
                            choices: Vec::new(),
                            media: Vec::new(),
                        });
                    }
                }
                FieldType::SingleChoice | FieldType::MultipleChoice => {
                    let choices = given.map(|a| a.choices.clone()).unwrap_or_default();
                    let single = field.field_type == FieldType::SingleChoice;
                    let valid = choices
                        .iter()
                        .all(|c| field.options.iter().any(|o| &o.key == c));
                    let max = if single {
                        1
                    } else {
                        field.max_count.unwrap_or(u32::MAX)
                    };
                    if choices.is_empty() {
                        if field.required {
                            problems.push(problem(
                                &field.key,
                                FieldCode::Required,
                                "请选一个。".into(),
                            ));
                        }
                    } else if !valid {
                        problems.push(problem(
                            &field.key,
                            FieldCode::UnknownOption,
                            "没有这个选项。".into(),
                        ));
                    } else if choices.len() as u32 > max {
                        problems.push(problem(
                            &field.key,
                            FieldCode::TooMany,
                            format!("最多选 {max} 个。"),
                        ));
                    } else {
                        accepted.push(Answer {
                            key: field.key.clone(),
                            text: None,
                            choices,
                            media: Vec::new(),
                        });
                    }
                }
            }
        }
        for group in &self.one_of {
            let answered = group
                .iter()
                .any(|key| accepted.iter().any(|a| &a.key == key));
            let already = problems
                .iter()
                .any(|p| group.iter().any(|key| p.path.last() == Some(key)));
            if !answered
                && !already
                && let Some(first) = group.first()
            {
                problems.push(problem(
                    first,
                    FieldCode::OneRequired,
                    "写一句话，或者画一幅画。".into(),
                ));
            }
        }
        if problems.is_empty() {
            Ok(accepted)
        } else {
            Err(AppError::Validation(problems))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(key: &str, text: &str) -> Answer {
        Answer {
            key: key.into(),
            text: Some(text.into()),
            choices: Vec::new(),
            ..Default::default()
        }
    }

    fn codes(error: AppError) -> Vec<(String, &'static str)> {
        match error {
            AppError::Validation(fields) => fields
                .into_iter()
                .map(|f| (f.path[2].clone(), f.code.as_str()))
                .collect(),
            other => panic!("{:?}", other.code()),
        }
    }

    #[test]
    fn the_shipped_forms_parse_and_follow_the_design_limits() {
        let limits = [
            (AgeBand::A, 50),
            (AgeBand::B, 200),
            (AgeBand::C, 500),
            (AgeBand::D, 1000),
        ];
        for (band, limit) in limits {
            let form = default_form(band);
            assert_eq!(form.band, band_letter(band));
            assert!(
                form.fields
                    .iter()
                    .any(|f| f.field_type == FieldType::Topic && f.required)
            );
            let longest = form.fields.iter().filter_map(|f| f.max_length).max();
            assert_eq!(longest, Some(limit), "{band:?}");
            assert!(form.fields.iter().all(|f| f.label.contains_key("zh-CN")));
        }
    }

    #[test]
    fn a_six_year_old_writes_one_sentence_of_fifty_characters_at_most() {
        let form = default_form(AgeBand::A);
        assert_eq!(
            form.validate(&[text("idea", " 公园里多放几个秋千 ")])
                .unwrap()[0]
                .text
                .as_deref(),
            Some("公园里多放几个秋千")
        );
        assert_eq!(
            codes(
                form.validate(&[text("idea", &"秋".repeat(51))])
                    .unwrap_err()
            ),
            vec![("idea".into(), "TOO_LONG")]
        );
        assert_eq!(
            codes(form.validate(&[]).unwrap_err()),
            vec![("idea".into(), "ONE_REQUIRED")]
        );
    }

    #[test]
    fn a_six_year_old_may_answer_with_a_drawing_instead_of_a_sentence() {
        let form = default_form(AgeBand::A);
        let drawing = Answer {
            key: "drawing".into(),
            media: vec!["m1".into()],
            ..Default::default()
        };
        assert_eq!(
            form.validate(std::slice::from_ref(&drawing)).unwrap()[0].media,
            vec!["m1".to_owned()]
        );
        assert!(form.validate(&[text("idea", "秋千")]).is_ok());
        assert_eq!(
            codes(form.validate(&[]).unwrap_err()),
            vec![("idea".into(), "ONE_REQUIRED")]
        );
        let two = Answer {
            key: "drawing".into(),
            media: vec!["m1".into(), "m2".into()],
            ..Default::default()
        };
        assert_eq!(
            codes(form.validate(&[two]).unwrap_err()),
            vec![("drawing".into(), "TOO_MANY")]
        );
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let form = default_form(AgeBand::C);
        let answers = [
            text("title", "操场"),
            text("problem", &"坑".repeat(501)),
            text("mood", "开心"),
        ];
        assert_eq!(
            codes(form.validate(&answers).unwrap_err()),
            vec![
                ("mood".into(), "UNKNOWN_FIELD"),
                ("problem".into(), "TOO_LONG"),
                ("suggestion".into(), "REQUIRED")
            ]
        );
    }

    #[test]
    fn choices_must_be_options_of_the_field() {
        let form = Form {
            one_of: Vec::new(),
            band: "A".into(),
            fields: vec![FormField {
                key: "where".into(),
                field_type: FieldType::SingleChoice,
                required: true,
                label: BTreeMap::new(),
                max_length: None,
                max_count: None,
                options: vec![ChoiceOption {
                    key: "park".into(),
                    label: BTreeMap::new(),
                    picture: None,
                }],
            }],
        };
        let choose = |choices: &[&str]| Answer {
            key: "where".into(),
            text: None,
            choices: choices.iter().map(|c| (*c).into()).collect(),
            ..Default::default()
        };
        assert!(form.validate(&[choose(&["park"])]).is_ok());
        assert_eq!(
            codes(form.validate(&[choose(&["moon"])]).unwrap_err()),
            vec![("where".into(), "UNKNOWN_OPTION")]
        );
        assert_eq!(
            codes(form.validate(&[choose(&["park", "park"])]).unwrap_err()),
            vec![("where".into(), "TOO_MANY")]
        );
    }
}
