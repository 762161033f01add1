//! How long a session lives (DESIGN §2, the identity issue): children 8 hours from sign-in;
//! staff 8 hours from sign-in and 30 minutes without use.

use chrono::{DateTime, Duration, Utc};

/// How a session was opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInMethod {
    Pin,
    Badge,
    Password,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    pub absolute: Duration,
    pub idle: Option<Duration>,
}

impl SessionPolicy {
    pub fn for_child() -> Self {
        SessionPolicy {
            absolute: Duration::hours(8),
            idle: None,
        }
    }

    pub fn for_staff() -> Self {
        SessionPolicy {
            absolute: Duration::hours(8),
            idle: Some(Duration::minutes(30)),
        }
    }
}

/// The times that decide whether a session is still good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionTimes {
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub idle_timeout: Option<Duration>,
    pub revoked: bool,
}

impl SessionTimes {
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        let idle_ok = self
            .idle_timeout
            .is_none_or(|idle| now < self.last_seen_at + idle);
        !self.revoked && now < self.expires_at && idle_ok
    }

    /// Whether this use should be written back as `last_seen_at`. Uses within a minute of the last
    /// recorded one are not, so a busy console does not write on every request.
    pub fn should_touch(&self, now: DateTime<Utc>) -> bool {
        self.idle_timeout.is_some() && now - self.last_seen_at >= Duration::minutes(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn times(policy: SessionPolicy, opened: DateTime<Utc>) -> SessionTimes {
        SessionTimes {
            last_seen_at: opened,
            expires_at: opened + policy.absolute,
            idle_timeout: policy.idle,
            revoked: false,
        }
    }

    #[test]
    fn a_child_session_lasts_eight_hours_however_idle() {
        let opened = Utc::now();
        let session = times(SessionPolicy::for_child(), opened);
        assert!(session.is_live(opened + Duration::hours(7) + Duration::minutes(59)));
        assert!(!session.is_live(opened + Duration::hours(8)));
    }

    #[test]
    fn a_staff_session_ends_after_thirty_idle_minutes_or_eight_hours() {
        let opened = Utc::now();
        let mut session = times(SessionPolicy::for_staff(), opened);
        assert!(session.is_live(opened + Duration::minutes(29)));
        assert!(!session.is_live(opened + Duration::minutes(30)));
        session.last_seen_at = opened + Duration::hours(7) + Duration::minutes(50);
        assert!(session.is_live(opened + Duration::hours(7) + Duration::minutes(59)));
        assert!(!session.is_live(opened + Duration::hours(8)));
    }

    #[test]
    fn a_revoked_session_is_over() {
        let opened = Utc::now();
        let mut session = times(SessionPolicy::for_child(), opened);
        session.revoked = true;
        assert!(!session.is_live(opened));
    }
}
