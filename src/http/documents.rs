//! Operations kept parsed, and persisted queries.
//!
//! The children's app and the console send the same few dozen operations all day; parsing each
//! one again is work the answer does not need. This instance keeps each operation it has parsed
//! by its SHA-256, and hands the parsed document to the executor (validation still runs on
//! every request). A client may also send only the hash, in the shape Apollo's persisted
//! queries use (`extensions.persistedQuery.sha256Hash`), which saves a school network the text
//! of every request: an unknown hash is answered `PERSISTED_QUERY_NOT_FOUND`, and the client
//! sends the text with the hash once.

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The most operations kept; a full store starts afresh (operations are few and stable).
const KEPT: usize = 2_000;
/// The longest operation kept (longer ones are parsed each time, and never persisted).
const LONGEST: usize = 32 * 1024;

#[derive(Clone, Default)]
pub struct Documents {
    by_hash: Arc<Mutex<HashMap<String, Kept>>>,
}

#[derive(Clone)]
struct Kept {
    query: String,
    document: ExecutableDocument,
}

/// Why a request could not be prepared.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Only a hash was sent, and this instance does not know it: send the text with it.
    NotFound,
    /// The hash sent is not the text's.
    HashMismatch,
}

impl Documents {
    /// The request with its parsed document, from what this instance keeps when it can.
    pub fn prepare(&self, mut request: Request) -> Result<Request, Refusal> {
        let sent_hash = persisted_hash(&request);
        if request.query.is_empty() {
            let Some(hash) = sent_hash else {
                return Ok(request);
            };
            let kept = self.kept(&hash).ok_or(Refusal::NotFound)?;
            request.query = kept.query;
            request.set_parsed_query(kept.document);
            return Ok(request);
        }
        if request.query.len() > LONGEST {
            return Ok(request);
        }
        let hash = sha256(&request.query);
        if sent_hash.is_some_and(|sent| !sent.eq_ignore_ascii_case(&hash)) {
            return Err(Refusal::HashMismatch);
        }
        if let Some(kept) = self.kept(&hash) {
            request.set_parsed_query(kept.document);
            return Ok(request);
        }
        // A text that does not parse is left to the executor, which explains the error.
        if let Ok(document) = async_graphql::parser::parse_query(&request.query) {
            self.keep(
                hash,
                Kept {
                    query: request.query.clone(),
                    document: document.clone(),
                },
            );
            request.set_parsed_query(document);
        }
        Ok(request)
    }

    fn kept(&self, hash: &str) -> Option<Kept> {
        self.by_hash.lock().ok()?.get(hash).cloned()
    }

    fn keep(&self, hash: String, kept: Kept) {
        if let Ok(mut by_hash) = self.by_hash.lock() {
            if by_hash.len() >= KEPT {
                by_hash.clear();
            }
            by_hash.insert(hash, kept);
        }
    }
}

fn persisted_hash(request: &Request) -> Option<String> {
    let Value::Object(persisted) = request.extensions.0.get("persistedQuery")? else {
        return None;
    };
    match persisted.get("sha256Hash")? {
        Value::String(hash) => Some(hash.to_ascii_lowercase()),
        _ => None,
    }
}

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_hash(query: &str, hash: &str) -> Request {
        let mut request = Request::new(query);
        let persisted = async_graphql::indexmap::IndexMap::from([(
            async_graphql::Name::new("sha256Hash"),
            Value::String(hash.to_owned()),
        )]);
        request
            .extensions
            .0
            .insert("persistedQuery".into(), Value::Object(persisted));
        request
    }

    #[test]
    fn a_hash_alone_finds_the_operation_once_its_text_was_sent() {
        let documents = Documents::default();
        let query = "{ viewer { kind } }";
        let hash = sha256(query);
        assert_eq!(
            documents.prepare(with_hash("", &hash)).err(),
            Some(Refusal::NotFound)
        );
        documents.prepare(with_hash(query, &hash)).unwrap();
        let prepared = documents.prepare(with_hash("", &hash)).unwrap();
        assert_eq!(prepared.query, query);
    }

    #[test]
    fn a_hash_that_is_not_the_texts_is_refused() {
        let documents = Documents::default();
        assert_eq!(
            documents
                .prepare(with_hash("{ viewer { kind } }", &sha256("{ other }")))
                .err(),
            Some(Refusal::HashMismatch)
        );
    }

    #[test]
    fn text_that_does_not_parse_is_left_for_the_executor_to_explain() {
        let documents = Documents::default();
        let prepared = documents.prepare(Request::new("{ viewer { ")).unwrap();
        assert_eq!(prepared.query, "{ viewer { ");
        assert!(documents.by_hash.lock().unwrap().is_empty());
    }
}
