//! Logging with `tracing`: JSON in production, readable text in development, a request id on
//! every line of a request. Logs never carry a child's personal data: request bodies, query
//! strings and variables are not logged.

use std::io::IsTerminal as _;
use tracing_subscriber::EnvFilter;

use crate::config::{Config, LogFormat};

/// Installs the global subscriber. `RUST_LOG` overrides the default `info` level.
pub fn init(config: &Config) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal());
    let result = match config.log_format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
    if let Err(error) = result {
        eprintln!("logging was already set up: {error}");
    }
}

/// The id of one HTTP request (or WebSocket connection). It is in every log line of the request,
/// in the `x-request-id` response header, and in the extensions of every internal error, so a
/// user's report can be matched with the server's log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    /// Keeps a caller's id when it is short and plain (so a load balancer's id carries through),
    /// otherwise makes a new one: a client cannot write arbitrary text into our logs.
    pub fn from_header(value: Option<&str>) -> Self {
        match value {
            Some(id)
                if (8..=64).contains(&id.len())
                    && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
            {
                RequestId(id.to_owned())
            }
            _ => RequestId(uuid::Uuid::now_v7().to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_incoming_id_is_kept_and_anything_else_replaced() {
        assert_eq!(RequestId::from_header(Some("abc-123-def")).0, "abc-123-def");
        assert_ne!(
            RequestId::from_header(Some("a\nb injected line")).0,
            "a\nb injected line"
        );
        assert_eq!(RequestId::from_header(None).0.len(), 36);
    }
}
