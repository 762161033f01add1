//! A small district to test against, arranged through the API as its people would: a
//! coordinator, two schools, teachers, safeguarding leads, a department clerk, three classes and
//! their children.

use serde_json::{Value, json};

use super::TestApp;

pub const PASSWORD: &str = "a long enough password";

/// A signed-in person: their id and session token.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: String,
    pub token: String,
}

#[derive(Clone, Debug)]
pub struct Class {
    pub id: String,
    pub code: String,
    pub children: Vec<Pupil>,
}

/// An enrolled child and the PIN the teacher was shown.
#[derive(Clone, Debug)]
pub struct Pupil {
    pub id: String,
    pub pin: String,
}

pub struct World {
    pub coordinator: Person,
    pub school_a: String,
    /// Teaches `class_a`.
    pub teacher_a: Person,
    /// Teaches another class (2班, grade 2) in the same school as `teacher_a`.
    pub teacher_a2: Person,
    /// Teaches `class_b`, in the other school.
    pub teacher_b: Person,
    pub lead_a: Person,
    pub lead_b: Person,
    pub clerk: Person,
    pub class_a: Class,
    pub class_b: Class,
}

impl World {
    pub async fn build(app: &TestApp) -> World {
        let coordinator = app.first_coordinator("coordinator").await;
        let school_a = create_school(app, &coordinator, "baiguan_primary", "百官小学").await;
        let school_b = create_school(app, &coordinator, "caoe_middle", "曹娥中学").await;
        let teacher_a = staff(
            app,
            &coordinator,
            "teacher.a",
            "TEACHER",
            Some(&school_a),
            None,
        )
        .await;
        let teacher_a2 = staff(
            app,
            &coordinator,
            "teacher.a2",
            "TEACHER",
            Some(&school_a),
            None,
        )
        .await;
        let teacher_b = staff(
            app,
            &coordinator,
            "teacher.b",
            "TEACHER",
            Some(&school_b),
            None,
        )
        .await;
        let lead_a = staff(
            app,
            &coordinator,
            "lead.a",
            "SAFEGUARDING_LEAD",
            Some(&school_a),
            None,
        )
        .await;
        let lead_b = staff(
            app,
            &coordinator,
            "lead.b",
            "SAFEGUARDING_LEAD",
            Some(&school_b),
            None,
        )
        .await;
        let department = "0193e0a0-0000-7000-8001-000000000006";
        let clerk = staff(
            app,
            &coordinator,
            "clerk.construction",
            "DEPARTMENT_STAFF",
            None,
            Some(department),
        )
        .await;
        let class_a = class_with_children(
            app,
            &teacher_a,
            4,
            "1班",
            &["小星星", "Tiger", "月亮"],
            2017,
        )
        .await;
        class_with_children(app, &teacher_a2, 2, "2班", &["小雨"], 2019).await;
        let class_b = class_with_children(app, &teacher_b, 8, "3班", &["阿杰", "小敏"], 2013).await;
        World {
            coordinator,
            school_a,
            teacher_a,
            teacher_a2,
            teacher_b,
            lead_a,
            lead_b,
            clerk,
            class_a,
            class_b,
        }
    }
}

impl TestApp {
    /// The first coordinator, made as `tongsheng admin create-coordinator` makes it, signed in.
    pub async fn first_coordinator(&self, username: &str) -> Person {
        let member =
            tongsheng::services::people::bootstrap_coordinator(&self.state, username, PASSWORD)
                .await
                .unwrap_or_else(|e| panic!("bootstrap: {:?}", e.code()));
        let token = self.sign_in_staff(username, PASSWORD).await;
        Person {
            id: member.id.to_string(),
            token,
        }
    }

    /// Signs a member of staff in; panics on failure.
    pub async fn sign_in_staff(&self, username: &str, password: &str) -> String {
        let answer = self
            .graphql(
                "mutation($u: String!, $p: String!) { signInStaff(username: $u, password: $p) { token } }",
                json!({ "u": username, "p": password }),
            )
            .await;
        answer.ok()["signInStaff"]["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Signs a child in with class code and PIN; the whole answer.
    pub async fn sign_in_child(&self, code: &str, pin: &str) -> super::Answer {
        self.graphql(
            "mutation($c: String!, $p: String!) { signInChild(classCode: $c, pin: $p) { token expiresAt viewer { kind childId } } }",
            json!({ "c": code, "p": pin }),
        )
        .await
    }

    /// Who the server thinks the token belongs to: ANONYMOUS, CHILD or STAFF.
    pub async fn viewer_kind(&self, token: &str) -> String {
        let answer = self
            .graphql_as(Some(token), "{ viewer { kind } }", json!({}))
            .await;
        answer.ok()["viewer"]["kind"].as_str().unwrap().to_owned()
    }
}

async fn create_school(app: &TestApp, coordinator: &Person, code: &str, name: &str) -> String {
    let answer = app
        .graphql_as(
            Some(&coordinator.token),
            "mutation($i: CreateSchoolInput!) { createSchool(input: $i) { id } }",
            json!({ "i": { "code": code, "nameZh": name } }),
        )
        .await;
    answer.ok()["createSchool"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn staff(
    app: &TestApp,
    coordinator: &Person,
    username: &str,
    role: &str,
    school: Option<&str>,
    department: Option<&str>,
) -> Person {
    let input = json!({
        "username": username, "password": PASSWORD, "displayName": username, "role": role,
        "schoolId": school, "departmentId": department,
    });
    let answer = app
        .graphql_as(
            Some(&coordinator.token),
            "mutation($i: CreateStaffInput!) { createStaff(input: $i) { id } }",
            json!({ "i": input }),
        )
        .await;
    let id = answer.ok()["createStaff"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Person {
        id,
        token: app.sign_in_staff(username, PASSWORD).await,
    }
}

pub async fn create_class(
    app: &TestApp,
    teacher: &Person,
    grade: i32,
    name: &str,
) -> (String, String) {
    let answer = app
        .graphql_as(
            Some(&teacher.token),
            "mutation($i: CreateClassInput!) { createClass(input: $i) { id code } }",
            json!({ "i": { "grade": grade, "name": name, "schoolYear": 2026 } }),
        )
        .await;
    let class = &answer.ok()["createClass"];
    (
        class["id"].as_str().unwrap().to_owned(),
        class["code"].as_str().unwrap().to_owned(),
    )
}

pub async fn enrol(app: &TestApp, teacher: &Person, class: &str, children: Value) -> super::Answer {
    app.graphql_as(
        Some(&teacher.token),
        "mutation($c: ID!, $k: [EnrolChildInput!]!) { enrolChildren(classId: $c, children: $k) { pin child { id pseudonym ageBand needsGuardianConsent } } }",
        json!({ "c": class, "k": children }),
    )
    .await
}

pub async fn class_with_children(
    app: &TestApp,
    teacher: &Person,
    grade: i32,
    name: &str,
    pseudonyms: &[&str],
    born: i32,
) -> Class {
    let (id, code) = create_class(app, teacher, grade, name).await;
    let children: Vec<_> = pseudonyms
        .iter()
        .map(|p| json!({ "pseudonym": p, "birthYear": born, "birthMonth": 3 }))
        .collect();
    let answer = enrol(app, teacher, &id, json!(children)).await;
    let children = answer.ok()["enrolChildren"]
        .as_array()
        .unwrap()
        .iter()
        .map(|enrolled| Pupil {
            id: enrolled["child"]["id"].as_str().unwrap().to_owned(),
            pin: enrolled["pin"].as_str().unwrap().to_owned(),
        })
        .collect();
    Class { id, code, children }
}

/// A campaign for the given bands (and schools; `None` for all), open from an hour before the
/// test clock's start for a week, with the topics children pick from in these tests.
pub async fn open_campaign(
    app: &TestApp,
    coordinator: &Person,
    bands: &[&str],
    schools: Option<Vec<&str>>,
) -> String {
    let input = json!({
        "title": "我心中的儿童友好城市", "description": "说说你的想法", "bands": bands, "schoolIds": schools,
        "topics": ["places_to_play", "way_to_school", "school_life", "safety"],
        "opensAt": (super::test_start() - chrono::Duration::hours(1)).to_rfc3339(),
        "closesAt": (super::test_start() + chrono::Duration::days(7)).to_rfc3339(),
    });
    let token = Some(coordinator.token.as_str());
    let created = app
        .graphql_as(
            token,
            "mutation($i: CampaignInput!) { createCampaign(input: $i) { id state } }",
            json!({ "i": input }),
        )
        .await;
    let id = created.ok()["createCampaign"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(created.data()["createCampaign"]["state"], "DRAFT");
    let opened = app
        .graphql_as(
            token,
            "mutation($c: ID!) { openCampaign(id: $c) { state } }",
            json!({ "c": id }),
        )
        .await;
    assert_eq!(opened.ok()["openCampaign"]["state"], "OPEN");
    id
}

/// The child's teacher records a guardian's written consent.
pub async fn record_consent(app: &TestApp, teacher: &Person, child: &str) {
    let record = "mutation($k: ID!) { recordGuardianConsent(childId: $k, input: { method: WRITTEN, givenOn: \"2026-11-01\", relation: MOTHER }) { id } }";
    app.graphql_as(Some(&teacher.token), record, json!({ "k": child }))
        .await
        .ok();
}

/// Signs a child in; their session token.
pub async fn child_token(app: &TestApp, code: &str, pin: &str) -> String {
    app.sign_in_child(code, pin).await.ok()["signInChild"]["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A signed-in child submits a proposal with these answers (`[(key, text)]`) on a topic; its id.
pub async fn submit(
    app: &TestApp,
    token: &str,
    campaign: &str,
    topic: &str,
    answers: &[(&str, &str)],
) -> String {
    let answers: Vec<Value> = answers
        .iter()
        .map(|(key, text)| json!({ "key": key, "text": text }))
        .collect();
    let input = json!({ "i": {
        "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
        "topic": topic, "consentToPublish": true, "answers": answers,
    }});
    let answer = app
        .graphql_as(
            Some(token),
            "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }",
            input,
        )
        .await;
    answer.ok()["submitProposal"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The world, an open campaign for band B, and the first child of class A with consent, signed
/// in: (world, campaign id, child token).
pub async fn class_with_child(app: &TestApp) -> (World, String, String) {
    let world = World::build(app).await;
    let campaign = open_campaign(app, &world.coordinator, &["B"], None).await;
    let pupil = &world.class_a.children[0];
    record_consent(app, &world.teacher_a, &pupil.id).await;
    let token = child_token(app, &world.class_a.code, &pupil.pin).await;
    (world, campaign, token)
}

/// The class-A teacher approves a screened proposal as it stands.
pub async fn approve(app: &TestApp, world: &World, proposal: &str) {
    let answer = app
        .graphql_as(
            Some(&world.teacher_a.token),
            "mutation($p: ID!) { moderateProposal(id: $p, input: { decision: APPROVE }) { status } }",
            json!({ "p": proposal }),
        )
        .await;
    assert_eq!(answer.ok()["moderateProposal"]["status"], "APPROVED");
}

/// The class-A teacher approves a screened proposal, the construction clerk signs for and answers
/// its task, and the coordinator publishes it.
pub async fn approve_answer_publish(app: &TestApp, world: &World, proposal: &str) {
    app.graphql_as(
        Some(&world.teacher_a.token),
        "mutation($p: ID!) { moderateProposal(id: $p, input: { decision: APPROVE }) { status } }",
        json!({ "p": proposal }),
    )
    .await
    .ok();
    answer_publish(app, world, proposal).await;
}

/// The construction clerk signs for and answers an approved proposal's task, and the
/// coordinator publishes it.
pub async fn answer_publish(app: &TestApp, world: &World, proposal: &str) {
    let tasks = app
        .graphql_as(
            Some(&world.clerk.token),
            "{ departmentTasks(first: 50) { nodes { id proposalId } } }",
            json!({}),
        )
        .await;
    let task = tasks.ok()["departmentTasks"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["proposalId"] == proposal)
        .unwrap()["id"]
        .clone();
    let t = json!({ "t": task });
    app.graphql_as(
        Some(&world.clerk.token),
        "mutation($t: ID!) { signForTask(taskId: $t) { state } }",
        t.clone(),
    )
    .await
    .ok();
    app.graphql_as(Some(&world.clerk.token), "mutation($t: ID!) { answerTask(taskId: $t, input: { outcome: ADOPTED, officialText: \"采纳。\", childText: \"会修好！\" }) { task { state } } }", t)
        .await
        .ok();
    app.graphql_as(
        Some(&world.coordinator.token),
        "mutation($p: ID!) { publishProposal(id: $p) { id } }",
        json!({ "p": proposal }),
    )
    .await
    .ok();
}

/// Every place a child's id could be written, as (table, column).
pub const CHILD_COLUMNS: [(&str, &str); 9] = [
    ("backings", "child_id"),
    ("children", "id"),
    ("proposals", "child_id"),
    ("media", "child_id"),
    ("sessions", "child_id"),
    ("badges", "child_id"),
    ("guardian_consents", "child_id"),
    ("notifications", "child_id"),
    ("safeguarding_cases", "child_id"),
];

/// An erased child: no row names their id or their pseudonym. `context` says which case failed.
pub async fn assert_nothing_names(app: &TestApp, child: &str, pseudonym: &str, context: &str) {
    for (table, column) in CHILD_COLUMNS {
        let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} = '{child}'");
        assert_eq!(
            app.count(&sql).await,
            0,
            "{context}: {table} still names {child}"
        );
    }
    let sql = format!("SELECT COUNT(*) AS n FROM children WHERE pseudonym = '{pseudonym}'");
    assert_eq!(
        app.count(&sql).await,
        0,
        "{context}: {pseudonym} is still on a roster"
    );
}

/// A department's (or township's) id by its code.
pub async fn department_id(app: &TestApp, code: &str) -> String {
    let answer = app
        .graphql(
            "query($c: String!) { department(code: $c) { id } }",
            json!({ "c": code }),
        )
        .await;
    answer.ok()["department"]["id"].as_str().unwrap().to_owned()
}
