//! What this instance keeps in memory so that a child's request does not ask the database for
//! what rarely changes: the session behind a token, and campaigns with their forms. Both are kept
//! exact by announcements ([`crate::backplane::instance_cache`]): ending a session or changing a
//! campaign announces it after the commit, the instance that made the change forgets at once, and
//! every other instance as soon as the announcement arrives.

use futures_util::StreamExt as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

use crate::backplane::Backplane;
use crate::backplane::instance_cache::InstanceCache;
use crate::domain::campaigns::Campaign;
use crate::domain::ids::{CampaignId, SessionId};
use crate::store::sessions::StoredSession;

/// The backplane channel on which ended sessions are announced (their ids, comma-separated).
pub const ENDED_CHANNEL: &str = "sessions:ended";
/// The backplane channel on which changed campaigns are announced (their ids, comma-separated).
pub const CAMPAIGNS_CHANNEL: &str = "campaigns:changed";

/// The backplane channel on which a change to what the public reads is announced (published,
/// withdrawn, answered, backed, …).
pub const PUBLIC_CHANNEL: &str = "public:changed";

/// How long an entry is trusted without an announcement: the most a lost announcement delays.
const LIFETIME: Duration = Duration::from_secs(60);

pub struct Caches {
    /// Sessions by token digest.
    pub sessions: InstanceCache<String, StoredSession>,
    pub campaigns: InstanceCache<CampaignId, Campaign>,
    /// The public lists (the feed, the wall, open data) by what was asked, as
    /// [`crate::services::publicity`] reads them: the same for everyone.
    pub public: InstanceCache<String, Arc<dyn std::any::Any + Send + Sync>>,
    backplane: Backplane,
    /// Whether this instance hears the announcements (set once it has subscribed).
    listening: AtomicBool,
}

impl Caches {
    pub fn new(backplane: Backplane) -> Arc<Caches> {
        Arc::new(Caches {
            sessions: InstanceCache::new(LIFETIME, 100_000),
            campaigns: InstanceCache::new(LIFETIME, 1_000),
            public: InstanceCache::new(LIFETIME, 1_000),
            backplane,
            listening: AtomicBool::new(false),
        })
    }

    /// The stretch of delivery entries are trusted in: `None` (nothing cached) until this
    /// instance hears announcements, and while it cannot.
    pub fn epoch(&self) -> Option<u64> {
        if self.listening.load(Ordering::Acquire) {
            self.backplane.delivery_epoch()
        } else {
            None
        }
    }

    /// Sessions that ended, here or on another instance.
    pub fn sessions_ended(&self, ended: &[SessionId]) {
        self.sessions
            .forget(|_, session| ended.contains(&session.id));
    }

    /// Campaigns that changed, here or on another instance.
    pub fn campaigns_changed(&self, changed: &[CampaignId]) {
        self.campaigns.forget(|id, _| changed.contains(id));
    }

    /// Something the public reads changed.
    pub fn public_changed(&self) {
        self.public.forget(|_, _| true);
    }

    /// Hears the announcements until `shutdown`; subscribes again after a failure.
    pub async fn listen(self: Arc<Self>, shutdown: CancellationToken) {
        loop {
            let subscribed = async {
                let ended = self.backplane.subscribe(ENDED_CHANNEL).await?;
                let campaigns = self.backplane.subscribe(CAMPAIGNS_CHANNEL).await?;
                let public = self.backplane.subscribe(PUBLIC_CHANNEL).await?;
                Ok::<_, redis::RedisError>((ended, campaigns, public))
            };
            let (ended, campaigns, public) = tokio::select! {
                () = shutdown.cancelled() => return,
                subscribed = subscribed => match subscribed {
                    Ok(streams) => streams,
                    Err(error) => {
                        tracing::warn!(error = %error, "instance caches off until announcements can be heard");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                },
            };
            self.listening.store(true, Ordering::Release);
            let mut announcements = futures_util::stream::select_all([
                ended.map(|ids| (Channel::Sessions, ids)).boxed(),
                campaigns.map(|ids| (Channel::Campaigns, ids)).boxed(),
                public.map(|ids| (Channel::Public, ids)).boxed(),
            ]);
            loop {
                let announced = tokio::select! {
                    () = shutdown.cancelled() => return,
                    announced = announcements.next() => announced,
                };
                match announced {
                    Some((Channel::Sessions, ids)) => {
                        self.sessions_ended(&parse(&ids, SessionId::parse))
                    }
                    Some((Channel::Campaigns, ids)) => {
                        self.campaigns_changed(&parse(&ids, CampaignId::parse))
                    }
                    Some((Channel::Public, _)) => self.public_changed(),
                    None => break,
                }
            }
            self.listening.store(false, Ordering::Release);
        }
    }
}

enum Channel {
    Sessions,
    Campaigns,
    Public,
}

fn parse<T>(ids: &str, one: impl Fn(&str) -> Option<T>) -> Vec<T> {
    ids.split(',').filter_map(one).collect()
}
