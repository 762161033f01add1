//! `schema/schema.graphql` is the schema the code serves.

#[test]
fn the_committed_schema_file_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/schema.graphql");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let current = tongsheng::graphql::sdl();
    assert!(
        committed == current,
        "schema/schema.graphql is out of date; regenerate it with `cargo run -- export-schema`"
    );
}

/// What the schema linter's description rules ask (`scripts/outside-checks.sh`), kept in the
/// suite: every type, field, argument, input field and enum value says what it is.
#[test]
fn every_type_field_argument_and_enum_value_is_described() {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

    let document = async_graphql::parser::parse_schema(tongsheng::graphql::sdl())
        .expect("the served schema parses");
    let mut missing = Vec::new();
    for definition in document.definitions {
        let TypeSystemDefinition::Type(definition) = definition else {
            continue;
        };
        let definition = definition.node;
        let name = definition.name.node.to_string();
        if definition.description.is_none() {
            missing.push(name.clone());
        }
        match definition.kind {
            TypeKind::Object(object) => {
                for field in object.fields {
                    let field = field.node;
                    let path = format!("{name}.{}", field.name.node);
                    if field.description.is_none() {
                        missing.push(path.clone());
                    }
                    for argument in field.arguments {
                        if argument.node.description.is_none() {
                            missing.push(format!("{path}({})", argument.node.name.node));
                        }
                    }
                }
            }
            TypeKind::InputObject(input) => {
                for field in input.fields {
                    if field.node.description.is_none() {
                        missing.push(format!("{name}.{}", field.node.name.node));
                    }
                }
            }
            TypeKind::Enum(values) => {
                for value in values.values {
                    if value.node.description.is_none() {
                        missing.push(format!("{name}.{}", value.node.value.node));
                    }
                }
            }
            _ => {}
        }
    }
    assert!(missing.is_empty(), "without a description: {missing:?}");
}
