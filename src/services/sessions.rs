//! Signing in and out, and resolving a request's actor from its token.
//!
//! Wrong credentials of every kind get the same answer (an unknown class code and a wrong PIN
//! alike), and failures are limited per client address, per class and per staff account. A class
//! whose PIN sign-in failed 100 times in all locks until its teacher resets a PIN.

use chrono::{DateTime, Utc};
use std::net::IpAddr;
use std::time::Duration;

use crate::backplane::Limit;
use crate::domain::children::Pin;
use crate::domain::classes::ClassCode;
use crate::domain::ids::SessionId;
use crate::domain::ids::{ChildId, ClassId};
use crate::domain::integrations::PresentedKey;
use crate::domain::people::{Actor, ChildActor, StaffActor, Username};
use crate::domain::sessions::SessionPolicy;
use crate::error::AppError;
use crate::secrets::{random_token, token_digest, verify_password};
use crate::state::AppState;
use crate::store;
use crate::store::sessions::{Ending, StoredSession, Subject};

const FIFTEEN_MINUTES: Duration = Duration::from_secs(15 * 60);
/// A school's pupils may share one address, so this is generous.
pub const PER_ADDRESS: Limit = Limit {
    name: "sign_in:address",
    max: 100,
    window: FIFTEEN_MINUTES,
};
pub const PER_CLASS: Limit = Limit {
    name: "sign_in:class",
    max: 30,
    window: FIFTEEN_MINUTES,
};
pub const PER_ACCOUNT: Limit = Limit {
    name: "sign_in:account",
    max: 10,
    window: FIFTEEN_MINUTES,
};
/// Failed PIN sign-ins in all after which a class locks until its teacher resets a PIN.
pub const CLASS_LOCK_AFTER: i32 = 100;

/// A new session: the bearer token (shown once) and when it ends at the latest.
pub struct SignedIn {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub actor: Actor,
}

fn wrong_credentials() -> AppError {
    AppError::Unauthenticated
}

/// Anyone: a child signs in with their class code and PIN.
pub async fn sign_in_child(
    state: &AppState,
    class_code: &str,
    pin: &str,
    client: IpAddr,
) -> Result<SignedIn, AppError> {
    let now = state.clock.now();
    let address = client.to_string();
    let class_key = class_code.trim().to_ascii_uppercase();
    let limits = [
        (&PER_ADDRESS, address.as_str()),
        (&PER_CLASS, class_key.as_str()),
    ];
    take_attempt(state, &limits, now).await?;

    let class = match ClassCode::parse(class_code) {
        Some(code) => store::classes::find_by_code(&state.db, &code).await?,
        None => None,
    };
    if class.as_ref().is_some_and(|class| class.sign_in_locked) {
        // Only after 100 failures does a class's existence show: the children need to hear
        // "ask your teacher", not "wrong PIN" for ever.
        return Err(AppError::Forbidden);
    }
    let child = match (&class, Pin::parse(pin)) {
        (Some(class), Some(pin)) => {
            let digest = state.secrets.pin_digest(class.id, &pin);
            match store::children::find_by_pin(&state.db, class.id, &digest).await? {
                Some(child) => Some(child),
                None => rekeyed(state, class.id, &pin, &digest).await?,
            }
        }
        _ => None,
    };
    match (class, child) {
        (Some(_), Some(child)) => {
            give_back(state, &limits).await;
            open_session(
                state,
                Subject::Child {
                    id: child,
                    badge: None,
                },
                SessionPolicy::for_child(),
                now,
            )
            .await
        }
        (class, _) => {
            if let Some(class) = class {
                lock_after_too_many(state, class.id).await?;
            }
            Err(wrong_credentials())
        }
    }
}

/// A PIN stored under the key before the last rotation: found by its old digest, and stored
/// again under the current key as the child signs in.
async fn rekeyed(
    state: &AppState,
    class: ClassId,
    pin: &Pin,
    digest: &str,
) -> Result<Option<ChildId>, AppError> {
    let Some(previous) = state.secrets.previous_pin_digest(class, pin) else {
        return Ok(None);
    };
    let Some(child) = store::children::find_by_pin(&state.db, class, &previous).await? else {
        return Ok(None);
    };
    store::children::set_pin_digest(&state.db, child, digest.to_owned()).await?;
    Ok(Some(child))
}

async fn lock_after_too_many(state: &AppState, class: ClassId) -> Result<(), AppError> {
    if store::classes::count_failed_sign_in(&state.db, class, CLASS_LOCK_AFTER).await? {
        tracing::warn!(class = %class, "class PIN sign-in locked after too many failures");
    }
    Ok(())
}

/// Anyone: a child signs in with the token of their QR badge.
pub async fn sign_in_with_badge(
    state: &AppState,
    token: &str,
    client: IpAddr,
) -> Result<SignedIn, AppError> {
    let now = state.clock.now();
    let address = client.to_string();
    let limits = [(&PER_ADDRESS, address.as_str())];
    take_attempt(state, &limits, now).await?;
    let Some((badge, child)) =
        store::children::find_badge(&state.db, &token_digest(token.trim())).await?
    else {
        return Err(wrong_credentials());
    };
    give_back(state, &limits).await;
    open_session(
        state,
        Subject::Child {
            id: child,
            badge: Some(badge),
        },
        SessionPolicy::for_child(),
        now,
    )
    .await
}

/// Anyone: staff sign in with username and password.
pub async fn sign_in_staff(
    state: &AppState,
    username: &str,
    password: &str,
    client: IpAddr,
) -> Result<SignedIn, AppError> {
    let now = state.clock.now();
    let address = client.to_string();
    let account = username.trim().to_ascii_lowercase();
    let limits = [
        (&PER_ADDRESS, address.as_str()),
        (&PER_ACCOUNT, account.as_str()),
    ];
    take_attempt(state, &limits, now).await?;
    let credentials = match Username::parse(username, &[]) {
        Ok(username) => store::people::find_credentials(&state.db, &username).await?,
        Err(_) => None,
    };
    let hash = credentials.as_ref().map(|c| c.password_hash.clone());
    let verified = verify_password(hash, password.to_owned()).await;
    match credentials {
        Some(credentials) if verified && !credentials.disabled => {
            give_back(state, &limits).await;
            open_session(
                state,
                Subject::Staff(credentials.member.id),
                SessionPolicy::for_staff(),
                now,
            )
            .await
        }
        _ => Err(wrong_credentials()),
    }
}

/// Counts this attempt against every limit before the credentials are checked, so that racing
/// attempts cannot all pass a limit read before any of them was counted; RATE_LIMITED when one
/// is over. A sign-in that succeeds gives its attempt back: the limits count failures.
async fn take_attempt(
    state: &AppState,
    limits: &[(&Limit, &str)],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for (taken, (limit, subject)) in limits.iter().enumerate() {
        if let Err(retry_after) = state.backplane.take(limit, subject, now).await {
            give_back(state, &limits[..taken]).await;
            return Err(AppError::RateLimited { retry_after });
        }
    }
    Ok(())
}

async fn give_back(state: &AppState, limits: &[(&Limit, &str)]) {
    for (limit, subject) in limits {
        state.backplane.give_back(limit, subject).await;
    }
}

async fn open_session(
    state: &AppState,
    subject: Subject,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<SignedIn, AppError> {
    let token = random_token();
    let (session, expires_at) =
        store::sessions::insert(&state.db, token_digest(&token), subject, policy, now).await?;
    let actor = actor_for(state, session, subject)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok(SignedIn {
        token,
        expires_at,
        actor,
    })
}

/// The actor for a bearer token: `Anonymous` for no token or one that is unknown, expired or
/// revoked.
pub async fn authenticate(state: &AppState, token: Option<&str>) -> Result<Actor, AppError> {
    let Some(token) = token else {
        return Ok(Actor::Anonymous);
    };
    if let Some(key) = PresentedKey::parse(token) {
        return authenticate_key(state, key).await;
    }
    let Some(session) = live_session(state, token_digest(token)).await? else {
        return Ok(Actor::Anonymous);
    };
    Ok(match (session.subject, session.child_place) {
        (Subject::Child { id, .. }, Some((class_id, school_id))) => Actor::Child(ChildActor {
            id,
            class_id,
            school_id,
            session_id: session.id,
        }),
        (Subject::Child { .. }, None) => Actor::Anonymous,
        (Subject::Staff(_), _) => actor_for(state, session.id, session.subject)
            .await?
            .unwrap_or(Actor::Anonymous),
    })
}

/// The live session with this token digest: from this instance's cache when it holds it (one
/// that looks ended there is read again, since another instance may have seen it used since),
/// otherwise from the database. Marks it used when it has not been for a while.
async fn live_session(state: &AppState, digest: String) -> Result<Option<StoredSession>, AppError> {
    let now = state.clock.now();
    let epoch = state.caches.epoch();
    let cached = state
        .caches
        .sessions
        .get(&digest, epoch)
        .filter(|session| session.times.is_live(now));
    let (mut session, ticket) = match cached {
        Some(session) => (session, None),
        None => {
            let ticket = state.caches.sessions.ticket(epoch);
            match store::sessions::find_by_digest(&state.db, &digest).await? {
                Some(session) if session.times.is_live(now) => (session, Some(ticket)),
                _ => return Ok(None),
            }
        }
    };
    let touched = session.times.should_touch(now);
    if touched {
        store::sessions::touch(&state.db, session.id, now).await?;
        session.times.last_seen_at = now;
    }
    if let Some(ticket) = ticket.or_else(|| touched.then(|| state.caches.sessions.ticket(epoch))) {
        state.caches.sessions.put(digest, session.clone(), ticket);
    }
    Ok(Some(session))
}

async fn actor_for(
    state: &AppState,
    session: SessionId,
    subject: Subject,
) -> Result<Option<Actor>, AppError> {
    Ok(match subject {
        Subject::Child { id, .. } => {
            let Some(class) = store::classes::of_child(&state.db, id).await? else {
                return Ok(None);
            };
            Some(Actor::Child(ChildActor {
                id,
                class_id: class.id,
                school_id: class.school_id,
                session_id: session,
            }))
        }
        Subject::Staff(id) => match store::people::find(&state.db, id).await? {
            Some((member, false)) => Some(Actor::Staff(StaffActor {
                member,
                session_id: session,
            })),
            _ => None,
        },
    })
}

/// Anyone signed in: ends their own session, on every instance.
pub async fn sign_out(state: &AppState, actor: &Actor) -> Result<(), AppError> {
    if let Actor::Integration(_) = actor {
        // A key has no session to end: a coordinator revokes it.
        return Err(AppError::Forbidden);
    }
    let session = actor.session_id().ok_or(AppError::Unauthenticated)?;
    let ended = store::sessions::end(&state.db, Ending::One(session), state.clock.now()).await?;
    announce_ended(state, &ended).await;
    Ok(())
}

pub use super::caches::ENDED_CHANNEL;

/// Tells every instance that these sessions ended (after the transaction that ended them
/// committed), so each closes the WebSockets opened with them at once. Every operation on a
/// WebSocket checks its session as well, so a lost announcement delays nothing but the close.
pub async fn announce_ended(state: &AppState, ended: &[SessionId]) {
    if ended.is_empty() {
        return;
    }
    state.caches.sessions_ended(ended);
    let ids: Vec<String> = ended.iter().map(ToString::to_string).collect();
    state.backplane.publish(ENDED_CHANNEL, &ids.join(",")).await;
}

/// Whether the session behind a token is still live, without counting this as a use (the
/// WebSocket watch asks this every minute).
pub async fn is_live(state: &AppState, token: &str) -> Result<bool, AppError> {
    if let Some(key) = PresentedKey::parse(token) {
        let actor = authenticate_key(state, key).await?;
        return Ok(actor != Actor::Anonymous);
    }
    let session = store::sessions::find_by_digest(&state.db, &token_digest(token)).await?;
    Ok(session.is_some_and(|session| session.times.is_live(state.clock.now())))
}

/// The actor for a presented key: `Anonymous` for one that is unknown, wrong or revoked, or
/// whose account was deactivated.
async fn authenticate_key(
    state: &AppState,
    presented: PresentedKey<'_>,
) -> Result<Actor, AppError> {
    let Some((key, digest)) =
        store::integrations::find_by_prefix(&state.db, presented.prefix).await?
    else {
        return Ok(Actor::Anonymous);
    };
    if !crate::secrets::same_secret(token_digest(presented.whole).as_bytes(), digest.as_bytes())
        || key.revoked_at.is_some()
    {
        return Ok(Actor::Anonymous);
    }
    Ok(
        match store::people::find(&state.db, key.account_id).await? {
            Some((account, false)) => Actor::Integration(crate::domain::people::IntegrationActor {
                key_id: key.id,
                account,
                department_id: key.department_id,
            }),
            _ => Actor::Anonymous,
        },
    )
}
