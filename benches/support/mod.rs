//! What the service benchmarks share: a GraphQL client for a running server, its SQL statement
//! counter, and a fresh PostgreSQL database for each run.

use serde_json::{Value, json};

/// A running server, as the benchmarks reach it over HTTP.
pub struct Api {
    pub url: String,
    pub client: reqwest::Client,
}

impl Api {
    /// Sends one operation: its data, or what went wrong.
    pub async fn try_gql(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Result<Value, String> {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.url))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let body: Value = response.json().await.map_err(|e| e.to_string())?;
        if body["errors"].is_null() {
            Ok(body["data"].clone())
        } else {
            Err(body["errors"].to_string())
        }
    }

    /// Sends one operation that must succeed: its data.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        self.try_gql(token, query, variables)
            .await
            .unwrap_or_else(|errors| panic!("{query} failed: {errors}"))
    }

    /// A coordinator opens a campaign for `bands` on `topics`, open from an hour ago for a week.
    pub async fn open_campaign(&self, coordinator: &str, bands: &[&str], topics: &[&str]) -> Value {
        let now = chrono::Utc::now();
        let campaign = self
            .gql(
                Some(coordinator),
                "mutation($i: CampaignInput!) { createCampaign(input: $i) { id } }",
                json!({ "i": {
                    "title": "我心中的上虞", "description": "说说你的想法", "bands": bands, "topics": topics,
                    "opensAt": (now - chrono::Duration::hours(1)).to_rfc3339(),
                    "closesAt": (now + chrono::Duration::days(7)).to_rfc3339() } }),
            )
            .await["createCampaign"]["id"]
            .clone();
        self.gql(
            Some(coordinator),
            "mutation($c: ID!) { openCampaign(id: $c) { id } }",
            json!({ "c": campaign }),
        )
        .await;
        campaign
    }

    /// SQL statements the server has run so far (its own counter, from `/metrics`).
    #[allow(dead_code)] // each bench compiles this module; not every one counts statements
    pub async fn statements(&self) -> u64 {
        let metrics = self
            .client
            .get(format!("{}/metrics", self.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        metrics
            .lines()
            .filter(|l| l.starts_with("tongsheng_db_statements_total"))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    }
}

/// A new, empty database on the server `admin` points at; its URL.
pub fn fresh_postgres(admin: &str, prefix: &str) -> String {
    let name = format!("{prefix}_{}", uuid::Uuid::now_v7().simple());
    let status = std::process::Command::new("psql")
        .arg(admin)
        .args(["-qc", &format!("CREATE DATABASE {name}")])
        .status()
        .expect("psql");
    assert!(status.success());
    let base = admin.rsplit_once('/').map_or(admin, |(base, _)| base);
    format!("{base}/{name}")
}
