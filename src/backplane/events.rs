//! Live notifications between instances: Redis pub/sub when configured, an in-process broadcast
//! otherwise. Messages carry ids only, never content: a subscriber reads the truth from the
//! database, so a message lost while Redis is down costs a live update, never data.
//!
//! An instance holds one Redis pub/sub connection for all its subscribers (ten thousand children
//! waiting for news of their proposals are ten thousand in-process receivers, not ten thousand
//! Redis connections). When that connection drops, the subscribers' streams stay open and the
//! instance reconnects and subscribes again while anyone is listening.

use futures_util::FutureExt as _;
use futures_util::StreamExt as _;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use redis::aio::PubSubSink;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;

use super::Backplane;

/// How many unread messages an in-process channel keeps for a slow subscriber.
const LOCAL_CAPACITY: usize = 256;
/// How long the hub waits between tries to reconnect to Redis.
const RECONNECT_EVERY: Duration = Duration::from_secs(1);

impl Backplane {
    /// Sends `message` to every subscriber of `channel`, on every instance. A failure is logged,
    /// not returned: the change it announces is already committed.
    pub async fn publish(&self, channel: &str, message: &str) {
        match self {
            Backplane::Local(local) => local.channels.deliver(channel, message),
            Backplane::Redis(redis) => {
                let channel = redis.key(channel);
                let result = redis
                    .on_request_path(|mut connection| async move {
                        redis::cmd("PUBLISH")
                            .arg(channel)
                            .arg(message)
                            .query_async::<i64>(&mut connection)
                            .await
                    })
                    .await;
                if let Some(Err(error)) = result {
                    tracing::warn!(error = %error, "could not publish a live update");
                }
            }
        }
    }

    /// The messages sent to `channel` from now on. With Redis, fails only when this instance has
    /// no pub/sub connection and cannot make one.
    pub async fn subscribe(&self, channel: &str) -> redis::RedisResult<BoxStream<'static, String>> {
        match self {
            Backplane::Local(local) => Ok(local.channels.listen(channel).0),
            Backplane::Redis(redis) => redis.hub.listen(redis.key(channel)).await,
        }
    }

    /// Which unbroken stretch of delivery this instance is in: the same number while no message
    /// can have been missed, `None` while none can be received. In-process delivery never breaks;
    /// with Redis, the number changes whenever the pub/sub connection drops or comes back.
    /// Instance caches kept exact by announcements trust only what they filled in the current
    /// stretch.
    pub fn delivery_epoch(&self) -> Option<u64> {
        match self {
            Backplane::Local(_) => Some(0),
            Backplane::Redis(redis) => redis.hub.epoch(),
        }
    }
}

/// In-process channels by name, each a broadcast to its receivers.
#[derive(Default)]
pub struct Channels(Mutex<HashMap<String, broadcast::Sender<String>>>);

impl Channels {
    /// A stream of what is delivered to `name` from now on, and whether it is the channel's
    /// first listener. Channels nobody listens to any more are dropped: the third part names them.
    fn listen(&self, name: &str) -> (BoxStream<'static, String>, bool, Vec<String>) {
        let Ok(mut channels) = self.0.lock() else {
            return (futures_util::stream::empty().boxed(), false, Vec::new());
        };
        let mut dropped = Vec::new();
        channels.retain(|channel, sender| {
            let listened = sender.receiver_count() > 0;
            if !listened && channel != name {
                dropped.push(channel.clone());
            }
            listened
        });
        let first = !channels.contains_key(name);
        let receiver = channels
            .entry(name.to_owned())
            .or_insert_with(|| broadcast::channel(LOCAL_CAPACITY).0)
            .subscribe();
        let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
            loop {
                match receiver.recv().await {
                    Ok(message) => return Some((message, receiver)),
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        });
        (stream.boxed(), first, dropped)
    }

    fn deliver(&self, name: &str, message: &str) {
        if let Ok(channels) = self.0.lock()
            && let Some(sender) = channels.get(name)
        {
            let _ = sender.send(message.to_owned());
        }
    }

    /// The channels someone listens to.
    fn listened(&self) -> Vec<String> {
        self.0.lock().map_or_else(
            |_| Vec::new(),
            |channels| {
                channels
                    .iter()
                    .filter(|(_, sender)| sender.receiver_count() > 0)
                    .map(|(name, _)| name.clone())
                    .collect()
            },
        )
    }
}

/// This instance's one Redis pub/sub connection, shared by all its subscribers.
pub struct Hub {
    client: redis::Client,
    channels: Channels,
    /// The connection's command half; `None` while there is no connection.
    sink: tokio::sync::Mutex<Option<PubSubSink>>,
    /// Odd while connected: one more on every connection and every drop.
    epoch: AtomicU64,
}

impl Hub {
    pub fn new(client: redis::Client) -> Arc<Hub> {
        Arc::new(Hub {
            client,
            channels: Channels::default(),
            sink: tokio::sync::Mutex::new(None),
            epoch: AtomicU64::new(0),
        })
    }

    fn epoch(&self) -> Option<u64> {
        let epoch = self.epoch.load(Ordering::Acquire);
        (epoch % 2 == 1).then_some(epoch)
    }

    async fn listen(
        self: &Arc<Self>,
        key: String,
    ) -> redis::RedisResult<BoxStream<'static, String>> {
        let (stream, first, dropped) = self.channels.listen(&key);
        let mut sink = self.sink.lock().await;
        match sink.as_mut() {
            Some(connected) => {
                if !dropped.is_empty() {
                    connected.unsubscribe(&dropped).await?;
                }
                if first {
                    connected.subscribe(&key).await?;
                }
            }
            // Connecting subscribes to every channel listened to, this one included.
            None => *sink = Some(self.connect().await?),
        }
        Ok(stream)
    }

    /// A new pub/sub connection subscribed to every channel someone listens to, with a task
    /// that hands its messages to the listeners and reconnects when it drops.
    async fn connect(self: &Arc<Self>) -> redis::RedisResult<PubSubSink> {
        let (mut sink, mut messages) = self.client.get_async_pubsub().await?.split();
        for key in self.channels.listened() {
            sink.subscribe(&key).await?;
        }
        let hub = Arc::clone(self);
        hub.epoch.fetch_add(1, Ordering::AcqRel);
        tokio::spawn(async move {
            while let Some(message) = messages.next().await {
                if let Ok(payload) = message.get_payload::<String>() {
                    hub.channels.deliver(message.get_channel_name(), &payload);
                }
            }
            hub.epoch.fetch_add(1, Ordering::AcqRel);
            tracing::warn!("the Redis pub/sub connection dropped; live updates pause");
            hub.reconnect().await;
        });
        Ok(sink)
    }

    /// After the connection dropped: tries again every second while anyone listens. With no
    /// listener left, the next subscriber connects. (Boxed: it and `connect` start each other.)
    fn reconnect(self: Arc<Self>) -> BoxFuture<'static, ()> {
        async move {
            *self.sink.lock().await = None;
            loop {
                tokio::time::sleep(RECONNECT_EVERY).await;
                let mut sink = self.sink.lock().await;
                if sink.is_some() || self.channels.listened().is_empty() {
                    return;
                }
                if let Ok(connected) = self.connect().await {
                    *sink = Some(connected);
                    tracing::info!("the Redis pub/sub connection is back");
                    return;
                }
            }
        }
        .boxed()
    }
}
