//! Every read and write of the console is an operation of the public GraphQL schema, run
//! in-process as the signed-in member of staff: the same resolvers, proofs, checks, access log
//! and error codes as a client of `/graphql` meets. A refusal comes back with its code and, for
//! invalid input, the message for each field, to be shown beside it.

use async_graphql::{Request, Variables};
use serde::de::DeserializeOwned;

use super::ConsoleState;
use super::session::Staff;
use crate::graphql::ClientAddress;

/// Why an operation was refused.
#[derive(Clone, Debug, Default)]
pub struct Refusal {
    /// The stable code (`VALIDATION`, `NOT_FOUND`, `FORBIDDEN` …).
    pub code: String,
    /// The message for the whole form.
    pub message: String,
    /// One message per input field, named by the last part of its path (`childText`).
    pub fields: Vec<(String, String)>,
}

impl Refusal {
    /// The message for the field `name`, if it was refused.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, message)| message.as_str())
    }

    /// Nothing here: an address that names no page, or no thing the viewer may see.
    pub fn not_found() -> Self {
        Refusal {
            code: "NOT_FOUND".into(),
            ..Refusal::default()
        }
    }

    pub fn is(&self, code: &str) -> bool {
        self.code == code
    }

    fn internal() -> Self {
        Refusal {
            code: "INTERNAL".into(),
            message: "出了点问题，请稍后再试。".into(),
            fields: Vec::new(),
        }
    }
}

/// Runs one operation as `staff` and reads its data as `T`.
pub async fn run<T: DeserializeOwned>(
    state: &ConsoleState,
    staff: &Staff,
    query: &str,
    variables: serde_json::Value,
) -> Result<T, Refusal> {
    let request = Request::new(query)
        .variables(Variables::from_json(variables))
        .data(staff.request_id.clone())
        .data(staff.actor.clone())
        .data(ClientAddress(staff.client));
    let response = state.schema.execute(request).await;
    if let Some(error) = response.errors.first() {
        return Err(refusal(error));
    }
    let data = response.data.into_json().map_err(|_| Refusal::internal())?;
    serde_json::from_value(data).map_err(|error| {
        tracing::error!(%error, "the console could not read an operation's data");
        Refusal::internal()
    })
}

fn refusal(error: &async_graphql::ServerError) -> Refusal {
    let extension = |name: &str| {
        error
            .extensions
            .as_ref()
            .and_then(|extensions| extensions.get(name))
            .and_then(|value| value.clone().into_json().ok())
    };
    let code = extension("code")
        .and_then(|code| code.as_str().map(str::to_owned))
        .unwrap_or_else(|| "BAD_REQUEST".into());
    let fields = extension("fields")
        .and_then(|fields| fields.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|field| {
            let name = field["path"].as_array()?.last()?.as_str()?.to_owned();
            let message = field["message"].as_str()?.to_owned();
            Some((name, message))
        })
        .collect();
    Refusal {
        code,
        message: error.message.clone(),
        fields,
    }
}
