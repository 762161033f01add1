//! Plain Rust: ids, validated values, lifecycle rules. No `sea_orm`, `async_graphql` or `axum`
//! here; every value is obtained by parsing, so a service that holds one knows it is valid.

pub mod departments;
pub mod page;
