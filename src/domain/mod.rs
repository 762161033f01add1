//! Plain Rust: ids, validated values, lifecycle rules. No `sea_orm`, `async_graphql` or `axum`
//! here; every value is obtained by parsing, so a service that holds one knows it is valid.

pub mod answers;
pub mod areas;
pub mod calendar;
pub mod campaigns;
pub mod children;
pub mod classes;
pub mod departments;
pub mod extra_questions;
pub mod forms;
pub mod ids;
pub mod integrations;
pub mod lifecycle;
pub mod media;
pub mod moderation;
pub mod page;
pub mod people;
pub mod plan;
pub mod privacy;
pub mod proposals;
pub mod publicity;
pub mod roster;
pub mod routing;
pub mod safeguarding;
pub mod sessions;
pub mod tasks;
pub mod topics;
pub mod tracking;
#[cfg(test)]
mod wording;

/// Declares how an enum is written as text in the database and the API: `Variant = "text"`.
macro_rules! text_enum {
    ($name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),*
                }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use text_enum;
