//! Relay-style connections over domain pages, with opaque cursors.

use std::borrow::Cow;

use async_graphql::connection::{CursorType, Edge, EmptyFields, OpaqueCursor, PageInfo};
use async_graphql::{Object, OutputType, TypeName};

use crate::domain::page::{Page, PageRequest, invalid_cursor};
use crate::error::AppError;

type KeyedEdge<K, T> = Edge<OpaqueCursor<K>, T, EmptyFields>;

/// A forward-only Relay connection keyed by `K`, named `<Node>Connection` like async-graphql's
/// own, which cannot carry a description.
pub struct KeyedConnection<K, T>
where
    K: serde::de::DeserializeOwned + serde::Serialize + Send + Sync,
    T: OutputType,
{
    edges: Vec<KeyedEdge<K, T>>,
    has_next_page: bool,
}

/// One page of a list, in the order its query gives. While `pageInfo.hasNextPage` is true, ask
/// for the next page with `after: pageInfo.endCursor`.
#[Object(name_type)]
impl<K, T> KeyedConnection<K, T>
where
    K: serde::de::DeserializeOwned + serde::Serialize + Send + Sync,
    T: OutputType,
{
    /// Information to aid in pagination.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_previous_page: false,
            has_next_page: self.has_next_page,
            start_cursor: self.edges.first().map(|edge| edge.cursor.encode_cursor()),
            end_cursor: self.edges.last().map(|edge| edge.cursor.encode_cursor()),
        }
    }

    /// A list of edges.
    async fn edges(&self) -> &[KeyedEdge<K, T>] {
        &self.edges
    }

    /// A list of nodes.
    async fn nodes(&self) -> Vec<&T> {
        self.edges.iter().map(|edge| &edge.node).collect()
    }
}

impl<K, T> TypeName for KeyedConnection<K, T>
where
    K: serde::de::DeserializeOwned + serde::Serialize + Send + Sync,
    T: OutputType,
{
    fn type_name() -> Cow<'static, str> {
        format!("{}Connection", T::type_name()).into()
    }
}

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
    KeyedConnection {
        edges: page
            .items
            .into_iter()
            .map(|item| Edge::new(OpaqueCursor(key(&item)), node(item)))
            .collect(),
        has_next_page: page.has_next_page,
    }
}
