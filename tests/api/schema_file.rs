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
