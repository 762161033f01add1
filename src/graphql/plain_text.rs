//! Free text is plain text: a control character (NUL and the rest of the C0 set, other than tab
//! and newline) in any string an operation passes, inline or as a variable, is refused with
//! VALIDATION and the argument's path, before anything runs. One check for every field, so a new
//! field cannot forget it (PostgreSQL refuses a NUL in text, and nobody types the others).

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ServerResult, Value, Variables};
use std::sync::Arc;

use crate::error::FieldCode;
use crate::error::{AppError, FieldError};

pub struct PlainText;

impl ExtensionFactory for PlainText {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PlainText)
    }
}

#[async_trait::async_trait]
impl Extension for PlainText {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let mut problems = Vec::new();
        for (_, operation) in document.operations.iter() {
            walk(&operation.node.selection_set.node, variables, &mut problems);
        }
        for fragment in document.fragments.values() {
            walk(&fragment.node.selection_set.node, variables, &mut problems);
        }
        if problems.is_empty() {
            Ok(document)
        } else {
            Err(async_graphql::Error::from(AppError::Validation(problems))
                .into_server_error(Default::default()))
        }
    }
}

fn walk(set: &SelectionSet, variables: &Variables, problems: &mut Vec<FieldError>) {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                for (name, value) in &field.node.arguments {
                    // Variables put in place; one that is missing is validation's to refuse.
                    let value = value
                        .node
                        .clone()
                        .into_const_with(|name| variables.get(&name).cloned().ok_or(()));
                    if let Ok(value) = value {
                        check_const(&value, vec![name.node.to_string()], problems);
                    }
                }
                walk(&field.node.selection_set.node, variables, problems);
            }
            Selection::InlineFragment(fragment) => {
                walk(&fragment.node.selection_set.node, variables, problems);
            }
            Selection::FragmentSpread(_) => {}
        }
    }
}

fn check_const(value: &Value, path: Vec<String>, problems: &mut Vec<FieldError>) {
    match value {
        Value::String(text) => refuse_controls(text, path, problems),
        Value::List(items) => {
            for (index, item) in items.iter().enumerate() {
                check_const(item, extended(&path, index.to_string()), problems);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                check_const(item, extended(&path, key.to_string()), problems);
            }
        }
        _ => {}
    }
}

fn extended(path: &[String], part: String) -> Vec<String> {
    let mut path = path.to_vec();
    path.push(part);
    path
}

fn refuse_controls(text: &str, path: Vec<String>, problems: &mut Vec<FieldError>) {
    if text.chars().any(is_refused) {
        problems.push(FieldError {
            path,
            code: FieldCode::ControlCharacter,
            message: "文字里有看不见的控制字符，请删掉后再试。".into(),
        });
    }
}

/// NUL and the other C0 control characters, but tab and newline.
pub fn is_refused(c: char) -> bool {
    c.is_ascii_control() && c != '\t' && c != '\n' && c != '\u{7f}'
}

#[cfg(test)]
mod tests {
    use super::is_refused;

    #[test]
    fn tab_and_newline_pass_and_the_other_c0_controls_do_not() {
        assert!(!"孩子写的字\n第二行\t缩进".chars().any(is_refused));
        for c in ['\0', '\u{1}', '\r', '\u{1b}', '\u{1f}'] {
            assert!(is_refused(c), "{c:?}");
        }
    }
}
