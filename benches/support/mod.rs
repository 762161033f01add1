//! What the service benchmarks share: a GraphQL client for a running server, its SQL statement
//! counter, a district's staff and children set up through the API, and a fresh PostgreSQL
//! database for each run.

// Each bench compiles this module; not every one uses all of it.
#![allow(dead_code)]

use serde_json::{Value, json};

/// The password of every member of staff the benches make.
pub const PASSWORD: &str = "a long enough password";

/// A district's staff, signed in: the coordinator, a teacher of the school, and a clerk of the
/// construction bureau.
pub struct Staff {
    pub coordinator: String,
    pub teacher: String,
    pub clerk: String,
}

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

    /// A member of staff signs in: their token.
    pub async fn sign_in_staff(&self, username: &str) -> String {
        self.gql(None, "mutation($u: String!, $p: String!) { signInStaff(username: $u, password: $p) { token } }", json!({ "u": username, "p": PASSWORD }))
            .await["signInStaff"]["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The first coordinator (made in `state`), a school coded `school`, its teacher and a
    /// construction clerk, all signed in.
    pub async fn staff(&self, state: &tongsheng::state::AppState, school: &str) -> Staff {
        tongsheng::services::people::bootstrap_coordinator(state, "coordinator", PASSWORD)
            .await
            .map_err(|e| e.code())
            .unwrap();
        let coordinator = self.sign_in_staff("coordinator").await;
        let school = self
            .gql(Some(&coordinator), "mutation($c: String!) { createSchool(input: { code: $c, nameZh: \"百官小学\" }) { id } }", json!({ "c": school }))
            .await["createSchool"]["id"]
            .clone();
        let construction = self
            .gql(
                None,
                "{ department(code: \"construction\") { id } }",
                json!({}),
            )
            .await["department"]["id"]
            .clone();
        for (username, role, school, department) in [
            ("teacher", "TEACHER", school, Value::Null),
            ("clerk", "DEPARTMENT_STAFF", Value::Null, construction),
        ] {
            self.gql(
                Some(&coordinator),
                "mutation($i: CreateStaffInput!) { createStaff(input: $i) { id } }",
                json!({ "i": {
                "username": username, "password": PASSWORD, "displayName": username, "role": role,
                "schoolId": school, "departmentId": department } }),
            )
            .await;
        }
        Staff {
            coordinator,
            teacher: self.sign_in_staff("teacher").await,
            clerk: self.sign_in_staff("clerk").await,
        }
    }

    /// The teacher enrols the named children (born 2017, band B) in `class` (its `id` and
    /// `code`), records each one's guardian's consent, and each signs in: their tokens.
    pub async fn signed_in_children(
        &self,
        teacher: &str,
        class: &Value,
        names: &[String],
    ) -> Vec<String> {
        let mut tokens = Vec::new();
        for batch in names.chunks(40) {
            let children: Vec<Value> = batch
                .iter()
                .map(|name| json!({ "pseudonym": name, "birthYear": 2017, "birthMonth": 3 }))
                .collect();
            let enrolled = self
                .gql(Some(teacher), "mutation($c: ID!, $k: [EnrolChildInput!]!) { enrolChildren(classId: $c, children: $k) { pin child { id } } }", json!({ "c": class["id"], "k": children }))
                .await;
            for child in enrolled["enrolChildren"].as_array().unwrap() {
                self.gql(Some(teacher), "mutation($k: ID!) { recordGuardianConsent(childId: $k, input: { method: WRITTEN, givenOn: \"2026-11-01\", relation: MOTHER }) { id } }", json!({ "k": child["child"]["id"] }))
                    .await;
                let signed = self
                    .gql(None, "mutation($c: String!, $p: String!) { signInChild(classCode: $c, pin: $p) { token } }", json!({ "c": class["code"], "p": child["pin"] }))
                    .await;
                tokens.push(signed["signInChild"]["token"].as_str().unwrap().to_owned());
            }
        }
        tokens
    }

    /// SQL statements the server has run so far (its own counter, from `/metrics`).
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
