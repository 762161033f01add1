//! Live notifications between instances: Redis pub/sub when configured, an in-process broadcast
//! otherwise. Messages carry ids only, never content: a subscriber reads the truth from the
//! database, so a message lost while Redis is down costs a live update, never data.

use futures_util::StreamExt as _;
use futures_util::stream::BoxStream;
use tokio::sync::broadcast;

use super::{Backplane, LocalBackplane};

/// How many unread messages an in-process channel keeps for a slow subscriber.
const LOCAL_CAPACITY: usize = 256;

impl Backplane {
    /// Sends `message` to every subscriber of `channel`, on every instance. A failure is logged,
    /// not returned: the change it announces is already committed.
    pub async fn publish(&self, channel: &str, message: &str) {
        match self {
            Backplane::Local(local) => {
                let _ = local.sender(channel).send(message.to_owned());
            }
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

    /// The messages sent to `channel` from now on.
    pub async fn subscribe(&self, channel: &str) -> redis::RedisResult<BoxStream<'static, String>> {
        match self {
            Backplane::Local(local) => {
                let receiver = local.sender(channel).subscribe();
                let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
                    loop {
                        match receiver.recv().await {
                            Ok(message) => return Some((message, receiver)),
                            Err(broadcast::error::RecvError::Lagged(_)) => continue,
                            Err(broadcast::error::RecvError::Closed) => return None,
                        }
                    }
                });
                Ok(stream.boxed())
            }
            Backplane::Redis(redis) => {
                let mut pubsub = redis.client.get_async_pubsub().await?;
                pubsub.subscribe(redis.key(channel)).await?;
                let stream = pubsub
                    .into_on_message()
                    .filter_map(|message| async move { message.get_payload::<String>().ok() });
                Ok(stream.boxed())
            }
        }
    }
}

impl LocalBackplane {
    fn sender(&self, channel: &str) -> broadcast::Sender<String> {
        let Ok(mut channels) = self.channels.lock() else {
            return broadcast::channel(1).0;
        };
        channels.retain(|_, sender| sender.receiver_count() > 0);
        channels
            .entry(channel.to_owned())
            .or_insert_with(|| broadcast::channel(LOCAL_CAPACITY).0)
            .clone()
    }
}
