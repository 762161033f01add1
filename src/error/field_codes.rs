//! The stable codes of field errors (`extensions.fields[].code`): each says what is wrong with
//! one input field, so an app can show its own words or the message beside the field. Each code
//! is listed in the README's table and used somewhere in `src/` (a test checks both).

use super::ErrorCode;

/// What is wrong with one input field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldCode {
    /// An age outside the bands a campaign can ask (6 to 17).
    Age,
    /// The proposal is already linked to another as its duplicate.
    AlreadyLinked,
    /// A closing time before the opening time.
    BeforeOpening,
    /// Characters the field does not allow (for example in a class code or username).
    Characters,
    /// A control character in a text.
    ControlCharacter,
    /// Too few or too many items in a list.
    Count,
    /// The same value twice in a list that needs each once.
    Duplicate,
    /// Give one of two fields, not both or neither.
    EitherOr,
    /// Nothing but spaces where text is needed.
    Empty,
    /// A file whose text is not UTF-8 (or GB18030).
    Encoding,
    /// A value in the wrong format (a date, a phone number, a file).
    Format,
    /// A spreadsheet's header row does not name the columns needed.
    Header,
    /// A page cursor this list did not give out.
    InvalidCursor,
    /// Not an id of the kind the field takes.
    InvalidId,
    /// A date after today where only past dates make sense.
    InTheFuture,
    /// A date before today where only coming dates make sense.
    InThePast,
    /// A text shorter or longer than the field allows.
    Length,
    /// A proposal that is itself a linked duplicate.
    LinkedDuplicate,
    /// A text that looks like personal information where none may be.
    LooksPersonal,
    /// An image that is not ready, not the child's, or refused.
    MediaNotUsable,
    /// A negative number where none may be.
    Negative,
    /// An image that is not attached to this proposal.
    NotAttached,
    /// An id in the input that names nothing the actor may use.
    NotFound,
    /// Words for a child that are not kind enough to send.
    NotKind,
    /// A proposal that cannot be linked as a duplicate (another campaign, itself).
    NotLinkable,
    /// Closing a case that records no action taken.
    NoActionRecorded,
    /// A false alarm marked on something the screen did not find.
    NoSuchFinding,
    /// At least one value is needed.
    OneRequired,
    /// A region outside the image.
    Outside,
    /// A number or span outside what the field allows.
    OutOfRange,
    /// A step after its deadline passed.
    PastDeadline,
    /// A value given twice.
    Repeated,
    /// A message to a child that repeats the words the screen flagged.
    RepeatsFlaggedWords,
    /// A value is needed.
    Required,
    /// A thing named as related to itself.
    SelfReference,
    /// The standing channel, which is paused or resumed, never edited or closed.
    Standing,
    /// A code or username already in use.
    Taken,
    /// A file or request larger than allowed.
    TooLarge,
    /// A text longer than the field allows.
    TooLong,
    /// More items than allowed.
    TooMany,
    /// A value smaller than allowed (an image, a region).
    TooSmall,
    /// A value the field does not know.
    Unknown,
    /// An area code no area has.
    UnknownArea,
    /// A form field the form does not have.
    UnknownField,
    /// A choice the form field does not offer.
    UnknownOption,
    /// A topic key no topic has.
    UnknownTopic,
    /// A file that cannot be read.
    Unreadable,
    /// The current password given is not right.
    WrongPassword,
    /// One item of a batch was refused as a whole request would be; its code is the API's.
    Refused(ErrorCode),
}

impl FieldCode {
    /// Every code but [`FieldCode::Refused`], whose codes are the API's own.
    pub const ALL: &[FieldCode] = &[
        FieldCode::Age,
        FieldCode::AlreadyLinked,
        FieldCode::BeforeOpening,
        FieldCode::Characters,
        FieldCode::ControlCharacter,
        FieldCode::Count,
        FieldCode::Duplicate,
        FieldCode::EitherOr,
        FieldCode::Empty,
        FieldCode::Encoding,
        FieldCode::Format,
        FieldCode::Header,
        FieldCode::InvalidCursor,
        FieldCode::InvalidId,
        FieldCode::InTheFuture,
        FieldCode::InThePast,
        FieldCode::Length,
        FieldCode::LinkedDuplicate,
        FieldCode::LooksPersonal,
        FieldCode::MediaNotUsable,
        FieldCode::Negative,
        FieldCode::NotAttached,
        FieldCode::NotFound,
        FieldCode::NotKind,
        FieldCode::NotLinkable,
        FieldCode::NoActionRecorded,
        FieldCode::NoSuchFinding,
        FieldCode::OneRequired,
        FieldCode::Outside,
        FieldCode::OutOfRange,
        FieldCode::PastDeadline,
        FieldCode::Repeated,
        FieldCode::RepeatsFlaggedWords,
        FieldCode::Required,
        FieldCode::SelfReference,
        FieldCode::Standing,
        FieldCode::Taken,
        FieldCode::TooLarge,
        FieldCode::TooLong,
        FieldCode::TooMany,
        FieldCode::TooSmall,
        FieldCode::Unknown,
        FieldCode::UnknownArea,
        FieldCode::UnknownField,
        FieldCode::UnknownOption,
        FieldCode::UnknownTopic,
        FieldCode::Unreadable,
        FieldCode::WrongPassword,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldCode::Age => "AGE",
            FieldCode::AlreadyLinked => "ALREADY_LINKED",
            FieldCode::BeforeOpening => "BEFORE_OPENING",
            FieldCode::Characters => "CHARACTERS",
            FieldCode::ControlCharacter => "CONTROL_CHARACTER",
            FieldCode::Count => "COUNT",
            FieldCode::Duplicate => "DUPLICATE",
            FieldCode::EitherOr => "EITHER_OR",
            FieldCode::Empty => "EMPTY",
            FieldCode::Encoding => "ENCODING",
            FieldCode::Format => "FORMAT",
            FieldCode::Header => "HEADER",
            FieldCode::InvalidCursor => "INVALID_CURSOR",
            FieldCode::InvalidId => "INVALID_ID",
            FieldCode::InTheFuture => "IN_THE_FUTURE",
            FieldCode::InThePast => "IN_THE_PAST",
            FieldCode::Length => "LENGTH",
            FieldCode::LinkedDuplicate => "LINKED_DUPLICATE",
            FieldCode::LooksPersonal => "LOOKS_PERSONAL",
            FieldCode::MediaNotUsable => "MEDIA_NOT_USABLE",
            FieldCode::Negative => "NEGATIVE",
            FieldCode::NotAttached => "NOT_ATTACHED",
            FieldCode::NotFound => "NOT_FOUND",
            FieldCode::NotKind => "NOT_KIND",
            FieldCode::NotLinkable => "NOT_LINKABLE",
            FieldCode::NoActionRecorded => "NO_ACTION_RECORDED",
            FieldCode::NoSuchFinding => "NO_SUCH_FINDING",
            FieldCode::OneRequired => "ONE_REQUIRED",
            FieldCode::Outside => "OUTSIDE",
            FieldCode::OutOfRange => "OUT_OF_RANGE",
            FieldCode::PastDeadline => "PAST_DEADLINE",
            FieldCode::Repeated => "REPEATED",
            FieldCode::RepeatsFlaggedWords => "REPEATS_FLAGGED_WORDS",
            FieldCode::Required => "REQUIRED",
            FieldCode::SelfReference => "SELF",
            FieldCode::Standing => "STANDING",
            FieldCode::Taken => "TAKEN",
            FieldCode::TooLarge => "TOO_LARGE",
            FieldCode::TooLong => "TOO_LONG",
            FieldCode::TooMany => "TOO_MANY",
            FieldCode::TooSmall => "TOO_SMALL",
            FieldCode::Unknown => "UNKNOWN",
            FieldCode::UnknownArea => "UNKNOWN_AREA",
            FieldCode::UnknownField => "UNKNOWN_FIELD",
            FieldCode::UnknownOption => "UNKNOWN_OPTION",
            FieldCode::UnknownTopic => "UNKNOWN_TOPIC",
            FieldCode::Unreadable => "UNREADABLE",
            FieldCode::WrongPassword => "WRONG_PASSWORD",
            FieldCode::Refused(code) => code.as_str(),
        }
    }

    /// What the code means, as the README's table says it.
    pub fn meaning(self) -> &'static str {
        match self {
            FieldCode::Age => "An age outside the bands a campaign can ask (6 to 17).",
            FieldCode::AlreadyLinked => {
                "The proposal is already linked to another as its duplicate."
            }
            FieldCode::BeforeOpening => "A closing time before the opening time.",
            FieldCode::Characters => {
                "Characters the field does not allow (for example in a class code or username)."
            }
            FieldCode::ControlCharacter => "A control character in a text.",
            FieldCode::Count => "Too few or too many items in a list.",
            FieldCode::Duplicate => "The same value twice in a list that needs each once.",
            FieldCode::EitherOr => "Give one of two fields, not both or neither.",
            FieldCode::Empty => "Nothing but spaces where text is needed.",
            FieldCode::Encoding => "A file whose text is not UTF-8 (or GB18030).",
            FieldCode::Format => "A value in the wrong format (a date, a phone number, a file).",
            FieldCode::Header => "A spreadsheet's header row does not name the columns needed.",
            FieldCode::InvalidCursor => "A page cursor this list did not give out.",
            FieldCode::InvalidId => "Not an id of the kind the field takes.",
            FieldCode::InTheFuture => "A date after today where only past dates make sense.",
            FieldCode::InThePast => "A date before today where only coming dates make sense.",
            FieldCode::Length => "A text shorter or longer than the field allows.",
            FieldCode::LinkedDuplicate => "A proposal that is itself a linked duplicate.",
            FieldCode::LooksPersonal => {
                "A text that looks like personal information where none may be."
            }
            FieldCode::MediaNotUsable => "An image that is not ready, not the child's, or refused.",
            FieldCode::Negative => "A negative number where none may be.",
            FieldCode::NotAttached => "An image that is not attached to this proposal.",
            FieldCode::NotFound => "An id in the input that names nothing the actor may use.",
            FieldCode::NotKind => "Words for a child that are not kind enough to send.",
            FieldCode::NotLinkable => {
                "A proposal that cannot be linked as a duplicate (another campaign, itself)."
            }
            FieldCode::NoActionRecorded => "Closing a case that records no action taken.",
            FieldCode::NoSuchFinding => {
                "A false alarm marked on something the screen did not find."
            }
            FieldCode::OneRequired => "At least one value is needed.",
            FieldCode::Outside => "A region outside the image.",
            FieldCode::OutOfRange => "A number or span outside what the field allows.",
            FieldCode::PastDeadline => "A step after its deadline passed.",
            FieldCode::Repeated => "A value given twice.",
            FieldCode::RepeatsFlaggedWords => {
                "A message to a child that repeats the words the screen flagged."
            }
            FieldCode::Required => "A value is needed.",
            FieldCode::SelfReference => "A thing named as related to itself.",
            FieldCode::Standing => {
                "The standing channel, which is paused or resumed, never edited or closed."
            }
            FieldCode::Taken => "A code or username already in use.",
            FieldCode::TooLarge => "A file or request larger than allowed.",
            FieldCode::TooLong => "A text longer than the field allows.",
            FieldCode::TooMany => "More items than allowed.",
            FieldCode::TooSmall => "A value smaller than allowed (an image, a region).",
            FieldCode::Unknown => "A value the field does not know.",
            FieldCode::UnknownArea => "An area code no area has.",
            FieldCode::UnknownField => "A form field the form does not have.",
            FieldCode::UnknownOption => "A choice the form field does not offer.",
            FieldCode::UnknownTopic => "A topic key no topic has.",
            FieldCode::Unreadable => "A file that cannot be read.",
            FieldCode::WrongPassword => "The current password given is not right.",
            FieldCode::Refused(_) => "One item of a batch was refused; the code is the API's.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn sources(dir: &Path, into: &mut String) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.ends_with("field_codes.rs")
            {
                into.push_str(&std::fs::read_to_string(&path).unwrap());
            }
        }
    }

    #[test]
    fn every_code_is_distinct_upper_snake_case_and_documented_in_the_readme() {
        let readme =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
                .unwrap();
        let mut seen = std::collections::BTreeSet::new();
        for code in FieldCode::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "{name} twice");
            assert!(
                name.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "{name}"
            );
            assert!(
                readme.contains(&format!("| `{name}` | {} |", code.meaning())),
                "the README's table of field codes lacks {name}"
            );
        }
    }

    #[test]
    fn every_code_is_used() {
        let mut all = String::new();
        sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut all);
        for code in FieldCode::ALL {
            let variant = format!("FieldCode::{code:?}");
            assert!(all.contains(&variant), "{variant} is never used");
        }
    }
}
