//! Departments' own systems: API keys, and the feed of task events they read.
//!
//! A key reads `tsk_<prefix>_<secret>`: the prefix finds its row, the whole key's digest proves
//! it. It is shown once, when issued; only the digest is kept.

use chrono::{DateTime, Utc};

use crate::domain::departments::DepartmentId;
use crate::domain::ids::{ApiKeyId, ProposalId, StaffId, TaskEventId, TaskId};
use crate::error::{AppError, FieldCode};

/// What every key begins with, so a leaked one is recognised (and a session token never is one).
pub const KEY_MARK: &str = "tsk_";

/// The prefix's length: eight of [`PREFIX_ALPHABET`].
pub const PREFIX_LEN: usize = 8;

/// Lower-case letters and digits without 0, o, 1, l and i, which read alike.
pub const PREFIX_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";

/// A presented key, split into the prefix that finds its row and the whole that proves it.
#[derive(Debug, PartialEq, Eq)]
pub struct PresentedKey<'a> {
    pub prefix: &'a str,
    pub whole: &'a str,
}

impl<'a> PresentedKey<'a> {
    /// `None` for anything not shaped like a key (a session token, say).
    pub fn parse(token: &'a str) -> Option<Self> {
        let rest = token.strip_prefix(KEY_MARK)?;
        let (prefix, secret) = rest.split_at_checked(PREFIX_LEN)?;
        let secret = secret.strip_prefix('_')?;
        let prefix_ok = prefix.bytes().all(|b| PREFIX_ALPHABET.contains(&b));
        (prefix_ok && secret.len() >= 32).then_some(PresentedKey {
            prefix,
            whole: token,
        })
    }
}

/// The whole key from its parts.
pub fn compose_key(prefix: &str, secret: &str) -> String {
    format!("{KEY_MARK}{prefix}_{secret}")
}

/// A key's name, for the people who manage it: 1 to 64 characters, such as "建设局工单系统".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyName(String);

impl KeyName {
    pub fn parse(raw: &str, path: &[&str]) -> Result<Self, AppError> {
        let name = raw.trim();
        match name.chars().count() {
            1..=64 => Ok(KeyName(name.to_owned())),
            _ => Err(AppError::validation(
                path,
                FieldCode::Length,
                "名称应为 1 到 64 个字。",
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An API key as its managers see it (never the key itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub department_id: DepartmentId,
    /// The account it acts through: what the department's records show it did.
    pub account_id: StaffId,
    pub name: String,
    pub prefix: String,
    pub created_by: StaffId,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// The last feed number its system acknowledged.
    pub acknowledged: i64,
}

/// One use of a key: which operation, in which request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyUse {
    pub operation: String,
    pub request_id: String,
    pub at: DateTime<Utc>,
}

/// One entry of a department's feed: a task event, numbered in the order it was committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedEntry {
    pub seq: i64,
    pub event_id: TaskEventId,
    pub task_id: TaskId,
    pub proposal_id: ProposalId,
    pub kind: crate::domain::tasks::TaskEventKind,
    /// The department leads the task (else it helps).
    pub lead: bool,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_recognised_by_its_mark_prefix_and_length() {
        let secret = "a".repeat(43);
        let key = compose_key("k7m2p9qx", &secret);
        let presented = PresentedKey::parse(&key).expect("a key");
        assert_eq!(presented.prefix, "k7m2p9qx");
        assert_eq!(presented.whole, key);
        // A session token, a short secret, a prefix with a look-alike letter: not keys.
        assert_eq!(PresentedKey::parse(&secret), None);
        assert_eq!(PresentedKey::parse("tsk_k7m2p9qx_short"), None);
        assert_eq!(PresentedKey::parse(&compose_key("k7m2p9q0", &secret)), None);
        assert_eq!(PresentedKey::parse("tsk_"), None);
    }

    #[test]
    fn a_key_name_is_one_to_sixty_four_characters() {
        assert_eq!(
            KeyName::parse(" 建设局工单系统 ", &[]).unwrap().as_str(),
            "建设局工单系统"
        );
        assert!(KeyName::parse("  ", &[]).is_err());
        assert!(KeyName::parse(&"名".repeat(65), &[]).is_err());
    }
}
