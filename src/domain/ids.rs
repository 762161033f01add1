//! One id type per kind of record, so a child's id can never be passed where a class's is meant.

use uuid::Uuid;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub struct $name(pub Uuid);

            impl $name {
                /// A new, time-ordered id.
                pub fn new() -> Self {
                    $name(Uuid::now_v7())
                }

                /// Parses an id as clients send it; `None` for anything that is not a UUID.
                pub fn parse(text: &str) -> Option<Self> {
                    Uuid::parse_str(text).ok().map($name)
                }
            }

            impl Default for $name {
                fn default() -> Self {
                    Self::new()
                }
            }

            impl std::fmt::Display for $name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    self.0.fmt(f)
                }
            }
        )*
    };
}

ids!(
    DistrictId,
    SchoolId,
    ClassId,
    ChildId,
    StaffId,
    SessionId,
    BadgeId,
    ConsentId,
    CampaignId,
    ProposalId,
    MediaId,
    CaseId,
    SuggestionId,
    TaskId,
    TaskEventId,
    ExtensionId,
    ApiKeyId,
);
