//! Relay-style connections over domain pages, with opaque cursors.

use async_graphql::OutputType;
use async_graphql::connection::{Connection, CursorType, Edge, OpaqueCursor};

use crate::domain::page::{Page, PageRequest, invalid_cursor};
use crate::error::AppError;

/// A forward-only connection keyed by `K`.
pub type KeyedConnection<K, T> = Connection<OpaqueCursor<K>, T>;

/// Parses `first` and `after` into a domain page request. A cursor the server did not issue is a
/// validation error on `after`.
pub fn page_request<K>(
    first: Option<i32>,
    after: Option<String>,
) -> Result<PageRequest<K>, AppError>
where
    K: serde::de::DeserializeOwned + serde::Serialize + Send + Sync,
{
    let after = match after {
        None => None,
        Some(cursor) => Some(
            OpaqueCursor::<K>::decode_cursor(&cursor)
                .map_err(|_| invalid_cursor())?
                .0,
        ),
    };
    PageRequest::parse(first, after)
}

/// Turns a domain page into a connection, each edge's cursor made by `key`.
pub fn connection<K, D, T>(
    page: Page<D>,
    key: impl Fn(&D) -> K,
    mut node: impl FnMut(D) -> T,
) -> KeyedConnection<K, T>
where
    K: serde::de::DeserializeOwned + serde::Serialize + Send + Sync,
    T: OutputType,
{
    let mut connection = Connection::new(false, page.has_next_page);
    connection.edges.extend(
        page.items
            .into_iter()
            .map(|item| Edge::new(OpaqueCursor(key(&item)), node(item))),
    );
    connection
}
