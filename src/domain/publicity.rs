//! What the public sees of the loop: which published proposals a public list shows, and its cursor.

/// Which publications a public list shows.
#[derive(Clone, Debug, Default)]
pub struct PublicFilter {
    pub campaign: Option<crate::domain::ids::CampaignId>,
    pub topic: Option<String>,
    pub department: Option<crate::domain::departments::DepartmentId>,
}

/// The cursor of a public list: newest first.
pub type PublicKey = (chrono::DateTime<chrono::Utc>, uuid::Uuid);
