//! Task events for departments' own systems: one Redis stream per department (the contract is in
//! the README), and the reading side those systems use, as a library: consumer groups, at least
//! once, entries stuck with a dead consumer reclaimed, an entry that keeps failing moved to a
//! dead-letter stream after [`MAX_DELIVERIES`], and trimming that never removes an entry not yet
//! acknowledged by every group.

use redis::aio::ConnectionManager;
use redis::streams::{
    StreamAutoClaimReply, StreamId, StreamInfoGroupsReply, StreamPendingCountReply, StreamReadReply,
};
use redis::{RedisResult, Value};
use std::collections::HashMap;
use std::time::Duration;

use super::Backplane;

/// The version of the entry format, in every entry's `v` field.
pub const STREAM_VERSION: &str = "1";

/// Deliveries after which an entry goes to the dead-letter stream instead of its consumer.
pub const MAX_DELIVERIES: usize = 5;

/// A department's stream, before the key prefix: `tasks:<department code>`.
pub fn department_stream(code: &str) -> String {
    format!("tasks:{code}")
}

/// The dead-letter stream of a stream.
pub fn dead_letters(stream: &str) -> String {
    format!("{stream}:dead")
}

impl Backplane {
    /// Appends an entry to a stream (the prefix added). `Ok(false)` on the in-process stand-in,
    /// which has no streams: departments' systems need Redis.
    pub async fn append(&self, stream: &str, fields: &[(&str, String)]) -> RedisResult<bool> {
        let Backplane::Redis(redis) = self else {
            return Ok(false);
        };
        let mut connection = redis.connection();
        let mut command = redis::cmd("XADD");
        command.arg(redis.key(stream)).arg("*");
        for (name, value) in fields {
            command.arg(*name).arg(value);
        }
        command.query_async::<String>(&mut connection).await?;
        Ok(true)
    }

    /// Trims what every consumer group has acknowledged from a stream (the prefix added);
    /// returns how many entries went. Nothing goes while the stream has no group.
    pub async fn trim_acknowledged(&self, stream: &str) -> RedisResult<u64> {
        let Backplane::Redis(redis) = self else {
            return Ok(0);
        };
        trim_acknowledged(&mut redis.connection(), &redis.key(stream)).await
    }
}

/// An entry id as (milliseconds, sequence), for comparing.
fn parse_id(id: &str) -> Option<(u64, u64)> {
    let (ms, seq) = id.split_once('-')?;
    Some((ms.parse().ok()?, seq.parse().ok()?))
}

/// Removes the entries before the oldest one some group still needs: its oldest pending entry,
/// or the first it has not been delivered.
pub async fn trim_acknowledged(connection: &mut ConnectionManager, key: &str) -> RedisResult<u64> {
    let groups: StreamInfoGroupsReply = match redis::cmd("XINFO")
        .arg("GROUPS")
        .arg(key)
        .query_async(connection)
        .await
    {
        Ok(groups) => groups,
        // No such stream yet.
        Err(_) => return Ok(0),
    };
    if groups.groups.is_empty() {
        return Ok(0);
    }
    let mut keep_from: Option<(u64, u64)> = None;
    for group in &groups.groups {
        let pending: StreamPendingCountReply = redis::cmd("XPENDING")
            .arg(key)
            .arg(&group.name)
            .arg("-")
            .arg("+")
            .arg(1)
            .query_async(connection)
            .await?;
        let needed = match pending.ids.first().and_then(|p| parse_id(&p.id)) {
            Some(oldest_pending) => oldest_pending,
            None => {
                let (ms, seq) = parse_id(&group.last_delivered_id).unwrap_or((0, 0));
                (ms, seq + 1)
            }
        };
        keep_from = Some(keep_from.map_or(needed, |kept| kept.min(needed)));
    }
    let Some((ms, seq)) = keep_from else {
        return Ok(0);
    };
    redis::cmd("XTRIM")
        .arg(key)
        .arg("MINID")
        .arg(format!("{ms}-{seq}"))
        .query_async(connection)
        .await
}

/// One entry as a consumer receives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub fields: HashMap<String, String>,
}

fn entry(raw: &StreamId) -> Entry {
    let fields = raw
        .map
        .iter()
        .filter_map(|(name, value)| match value {
            Value::BulkString(bytes) => {
                Some((name.clone(), String::from_utf8_lossy(bytes).into_owned()))
            }
            Value::SimpleString(text) => Some((name.clone(), text.clone())),
            _ => None,
        })
        .collect();
    Entry {
        id: raw.id.clone(),
        fields,
    }
}

/// A consumer in a group: what a department's system runs (and what the tests drive).
pub struct StreamReader {
    connection: ConnectionManager,
    key: String,
    group: String,
    consumer: String,
    /// An entry pending with another consumer this long is taken over: that consumer is dead.
    pub reclaim_after: Duration,
}

impl StreamReader {
    /// A consumer of `key` (the full key) in `group`, creating the group (from the start of the
    /// stream) if it does not exist.
    pub async fn join(
        connection: ConnectionManager,
        key: &str,
        group: &str,
        consumer: &str,
    ) -> RedisResult<StreamReader> {
        let mut reader = StreamReader {
            connection,
            key: key.to_owned(),
            group: group.to_owned(),
            consumer: consumer.to_owned(),
            reclaim_after: Duration::from_secs(60),
        };
        let created: RedisResult<String> = redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(&reader.key)
            .arg(&reader.group)
            .arg("0")
            .arg("MKSTREAM")
            .query_async(&mut reader.connection)
            .await;
        match created {
            Ok(_) => {}
            Err(error) if error.code() == Some("BUSYGROUP") => {}
            Err(error) => return Err(error),
        }
        Ok(reader)
    }

    /// Up to `count` entries: first those a dead consumer left pending, then new ones. An entry
    /// delivered [`MAX_DELIVERIES`] times already goes to the dead-letter stream instead.
    pub async fn read(&mut self, count: usize) -> RedisResult<Vec<Entry>> {
        let idle = u64::try_from(self.reclaim_after.as_millis()).unwrap_or(u64::MAX);
        let reclaimed: StreamAutoClaimReply = redis::cmd("XAUTOCLAIM")
            .arg(&self.key)
            .arg(&self.group)
            .arg(&self.consumer)
            .arg(idle)
            .arg("0-0")
            .arg("COUNT")
            .arg(count)
            .query_async(&mut self.connection)
            .await?;
        let mut entries: Vec<StreamId> = reclaimed.claimed;
        if entries.len() < count {
            let fresh: Option<StreamReadReply> = redis::cmd("XREADGROUP")
                .arg("GROUP")
                .arg(&self.group)
                .arg(&self.consumer)
                .arg("COUNT")
                .arg(count - entries.len())
                .arg("STREAMS")
                .arg(&self.key)
                .arg(">")
                .query_async(&mut self.connection)
                .await?;
            if let Some(fresh) = fresh {
                entries.extend(fresh.keys.into_iter().flat_map(|key| key.ids));
            }
        }
        let mut delivered = Vec::with_capacity(entries.len());
        for raw in &entries {
            if self.deliveries(&raw.id).await? > MAX_DELIVERIES {
                self.bury(raw).await?;
            } else {
                delivered.push(entry(raw));
            }
        }
        Ok(delivered)
    }

    /// How many times an entry has been delivered (this time included).
    async fn deliveries(&mut self, id: &str) -> RedisResult<usize> {
        let pending: StreamPendingCountReply = redis::cmd("XPENDING")
            .arg(&self.key)
            .arg(&self.group)
            .arg(id)
            .arg(id)
            .arg(1)
            .query_async(&mut self.connection)
            .await?;
        Ok(pending.ids.first().map_or(0, |p| p.times_delivered))
    }

    /// Moves an entry to the dead-letter stream, with where it came from, and acknowledges it.
    async fn bury(&mut self, raw: &StreamId) -> RedisResult<()> {
        let original = entry(raw);
        let mut command = redis::cmd("XADD");
        command.arg(dead_letters(&self.key)).arg("*");
        for (name, value) in &original.fields {
            command.arg(name).arg(value);
        }
        command
            .arg("dead_from")
            .arg(&original.id)
            .arg("dead_group")
            .arg(&self.group);
        command.query_async::<String>(&mut self.connection).await?;
        self.ack(&[original.id]).await
    }

    /// Acknowledges entries handled.
    pub async fn ack(&mut self, ids: &[String]) -> RedisResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        redis::cmd("XACK")
            .arg(&self.key)
            .arg(&self.group)
            .arg(ids)
            .query_async::<i64>(&mut self.connection)
            .await
            .map(|_| ())
    }
}
