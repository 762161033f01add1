//! The demo district's past, so that the wall, the app and the console all show something real
//! on first start: guardian consent on file for most children (two in each class under 14
//! without, to show the refusal), a campaign open to every band, and a dozen ideas through the
//! loop: answered and published with progress and ratings, one returned for changes, one still in
//! a department's queue. Every step is an operation of the GraphQL schema, taken as the person who
//! would take it, so the demo's past is exactly what the loop would have made.

use async_graphql::{Request, Variables};
use serde_json::{Value, json};

use crate::domain::people::Actor;
use crate::error::AppError;
use crate::graphql::{AppSchema, ClientAddress, RequestId};
use crate::state::AppState;

pub struct Pupil {
    pub actor: Actor,
    pub id: String,
    pub pseudonym: String,
    pub pin: String,
}

pub struct Teacher {
    pub actor: Actor,
    /// How the sign-in sheet names the class.
    pub class: String,
    pub pupils: Vec<Pupil>,
}

pub struct People {
    pub coordinator: Actor,
    /// 建设局's clerk, then 教体局's.
    pub clerks: Vec<Actor>,
    /// The classes in band order: A, B, C, D.
    pub teachers: Vec<Teacher>,
}

/// Children per class under 14 whose guardian's consent is on file; the rest show the refusal.
const WITH_CONSENT: usize = 8;

/// An idea of the demo: the class (by band), the pupil, the topic, and the answers as
/// (field key, text) in the band's own form.
type Idea = (
    usize,
    usize,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// A dozen ideas, in each band's own form.
const IDEAS: [Idea; 12] = [
    (0, 0, "places_to_play", &[("idea", "公园里多放几个秋千")]),
    (
        0,
        1,
        "places_to_play",
        &[("idea", "小区的滑梯坏了，想把它修好")],
    ),
    (0, 2, "school_life", &[("idea", "教室里放一个图书角")]),
    (
        1,
        0,
        "places_to_play",
        &[
            ("noticed", "江边公园没有给小朋友玩的地方"),
            ("idea", "在江边公园建一个儿童乐园"),
        ],
    ),
    (
        1,
        1,
        "school_life",
        &[
            ("noticed", "下雨天体育课只能在教室里"),
            ("idea", "学校建一个室内运动场"),
        ],
    ),
    (1, 2, "school_life", &[("noticed", "那个"), ("idea", "嗯")]),
    (
        2,
        0,
        "places_to_play",
        &[
            ("title", "篮球场的篮筐坏了"),
            (
                "problem",
                "社区篮球场有两个篮筐坏了半年了，大家只能挤在一个篮筐下打球。",
            ),
            ("suggestion", "请把坏的篮筐换掉，再检查一下场地的地面。"),
        ],
    ),
    (
        2,
        1,
        "school_life",
        &[
            ("title", "午休时间太短"),
            ("problem", "中午吃完饭只剩十五分钟就上课了，下午上课很困。"),
            ("suggestion", "把午休时间延长到四十分钟。"),
        ],
    ),
    (
        2,
        2,
        "places_to_play",
        &[
            ("title", "公园的饮水机"),
            ("problem", "夏天在公园玩的时候找不到地方喝水。"),
            ("suggestion", "在公园的游乐区装两台饮水机。"),
        ],
    ),
    (
        3,
        0,
        "school_life",
        &[
            ("title", "晚自习的自主选择"),
            ("background", "高三的同学晚自习都在教室里统一安排。"),
            (
                "problem",
                "有些同学更适合在图书馆安静复习，但图书馆晚上不开。",
            ),
            ("suggestion", "晚自习时开放学校图书馆，让同学自己选择地点。"),
            (
                "expected_effect",
                "同学们复习效率更高，图书馆也能被更好地利用。",
            ),
        ],
    ),
    (
        3,
        1,
        "places_to_play",
        &[
            ("title", "滨江绿道的夜间照明"),
            ("background", "很多同学晚上和家人在滨江绿道散步、跑步。"),
            ("problem", "绿道有一段路灯很暗，晚上看不清路面。"),
            ("suggestion", "在暗的那一段加装路灯，并定期检查。"),
            ("expected_effect", "晚上在绿道锻炼更安全。"),
        ],
    ),
    (
        3,
        2,
        "school_life",
        &[
            ("title", "社团活动的场地"),
            ("background", "学校有二十多个学生社团。"),
            ("problem", "社团活动只能借用教室，经常被占用。"),
            ("suggestion", "每周固定开放两间活动室给社团预约使用。"),
            ("expected_effect", "社团活动能按时开展。"),
        ],
    ),
];

struct Demo {
    schema: AppSchema,
}

impl Demo {
    async fn run(&self, actor: &Actor, query: &str, variables: Value) -> Result<Value, AppError> {
        let request = Request::new(query)
            .variables(Variables::from_json(variables))
            .data(RequestId::from_header(None))
            .data(actor.clone())
            .data(ClientAddress(std::net::Ipv4Addr::LOCALHOST.into()));
        let response = self.schema.execute(request).await;
        if let Some(error) = response.errors.first() {
            return Err(AppError::internal(anyhow::anyhow!(
                "the demo's {query}: {}",
                error.message
            )));
        }
        response
            .data
            .into_json()
            .map_err(|error| AppError::internal(anyhow::anyhow!("{error}")))
    }
}

/// Gives the demo district its past; the ids of the children who can submit.
pub async fn live(state: &AppState, people: &People) -> Result<Vec<String>, AppError> {
    let demo = Demo {
        schema: crate::graphql::build_schema(state.clone(), None),
    };
    let today = crate::clock::local_date(state.clock.now()).to_string();
    let mut can_submit = Vec::new();
    for teacher in &people.teachers {
        for (n, pupil) in teacher.pupils.iter().enumerate() {
            let needs = demo
                .run(
                    &teacher.actor,
                    "query($k: ID!) { child(id: $k) { needsGuardianConsent } }",
                    json!({ "k": pupil.id }),
                )
                .await?;
            if needs["child"]["needsGuardianConsent"] != true {
                can_submit.push(pupil.id.clone());
            } else if n < WITH_CONSENT {
                demo.run(
                    &teacher.actor,
                    "mutation($k: ID!, $i: GuardianConsentInput!) { recordGuardianConsent(childId: $k, input: $i) { id } }",
                    json!({ "k": pupil.id, "i": { "givenOn": today, "method": "WRITTEN", "relation": "MOTHER" } }),
                )
                .await?;
                can_submit.push(pupil.id.clone());
            }
        }
    }

    let now = state.clock.now();
    let campaign = demo
        .run(
            &people.coordinator,
            "mutation($i: CampaignInput!) { createCampaign(input: $i) { id } }",
            json!({ "i": {
                "title": "我们身边的小改变",
                "description": "你在上学路上、公园里、学校里发现了什么可以变得更好？说说你的想法。",
                "bands": ["A", "B", "C", "D"],
                "topics": ["places_to_play", "way_to_school", "school_life", "safety"],
                "opensAt": (now - chrono::Duration::days(7)).to_rfc3339(),
                "closesAt": (now + chrono::Duration::days(60)).to_rfc3339(),
            } }),
        )
        .await?["createCampaign"]["id"]
        .clone();
    demo.run(
        &people.coordinator,
        "mutation($c: ID!) { openCampaign(id: $c) { id } }",
        json!({ "c": campaign }),
    )
    .await?;

    let mut proposals = Vec::new();
    for (class, pupil, topic, answers) in IDEAS {
        let answers: Vec<Value> = answers
            .iter()
            .map(|(key, text)| json!({ "key": key, "text": text }))
            .collect();
        let submitted = demo
            .run(
                &people.teachers[class].pupils[pupil].actor,
                "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }",
                json!({ "i": { "campaignId": campaign, "clientSubmissionId": uuid::Uuid::new_v4().to_string(),
                    "topic": topic, "consentToPublish": true, "answers": answers } }),
            )
            .await?;
        proposals.push((class, submitted["submitProposal"]["id"].clone()));
    }
    crate::jobs::run_pending(state).await?;

    // The teachers look: the unclear one goes back to its child, the rest go on.
    for (n, (class, id)) in proposals.iter().enumerate() {
        let input = if n == 5 {
            json!({ "decision": "RETURN_FOR_CHANGES", "reason": "UNCLEAR" })
        } else {
            json!({ "decision": "APPROVE" })
        };
        demo.run(
            &people.teachers[*class].actor,
            "mutation($p: ID!, $i: ModerateProposalInput!) { moderateProposal(id: $p, input: $i) { id } }",
            json!({ "p": id, "i": input }),
        )
        .await?;
    }
    crate::jobs::run_pending(state).await?;

    // The departments answer all but one; the coordinators publish; progress and verdicts follow.
    let mut answered = Vec::new();
    for clerk in &people.clerks {
        let tasks = demo
            .run(
                clerk,
                "{ departmentTasks(first: 50) { nodes { id proposalId topic } } }",
                json!({}),
            )
            .await?;
        let tasks = tasks["departmentTasks"]["nodes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for (n, task) in tasks.iter().enumerate() {
            if n == 0 && answered.is_empty() {
                continue; // left in the queue, for the console
            }
            let t = json!({ "t": task["id"] });
            demo.run(
                clerk,
                "mutation($t: ID!) { signForTask(taskId: $t) { id } }",
                t.clone(),
            )
            .await?;
            let (outcome, official, child) =
                answer_for(task["topic"].as_str().unwrap_or_default(), n);
            demo.run(
                clerk,
                "mutation($t: ID!, $i: TaskAnswerInput!) { answerTask(taskId: $t, input: $i) { task { id } } }",
                json!({ "t": task["id"], "i": { "outcome": outcome, "officialText": official, "childText": child } }),
            )
            .await?;
            answered.push((clerk, task.clone()));
        }
    }
    for (n, (clerk, task)) in answered.iter().enumerate() {
        demo.run(
            &people.coordinator,
            "mutation($p: ID!) { publishProposal(id: $p) { id } }",
            json!({ "p": task["proposalId"] }),
        )
        .await?;
        if n % 3 == 0 {
            demo.run(
                clerk,
                "mutation($t: ID!, $s: ProgressStage!, $x: String!, $c: String!) { postProgress(taskId: $t, stage: $s, text: $x, childText: $c) { id } }",
                json!({ "t": task["id"], "s": "IN_PROGRESS", "x": "已列入本季度计划，正在施工。", "c": "我们已经开始做啦，做好了再告诉你。" }),
            )
            .await?;
        }
    }
    // Two children say what they think of their answers.
    for (class, pupil, rating) in [(0, 0, "SATISFIED"), (1, 0, "PARTLY")] {
        let child = &people.teachers[class].pupils[pupil].actor;
        let mine = demo
            .run(child, "{ myProposals { nodes { id canRate } } }", json!({}))
            .await?;
        if let Some(rateable) = mine["myProposals"]["nodes"]
            .as_array()
            .and_then(|nodes| nodes.iter().find(|p| p["canRate"] == true))
        {
            demo.run(
                child,
                "mutation($p: ID!, $r: AnswerRating!) { rateAnswer(proposalId: $p, rating: $r) { id } }",
                json!({ "p": rateable["id"], "r": rating }),
            )
            .await?;
        }
    }
    crate::jobs::run_pending(state).await?;
    Ok(can_submit)
}

/// A department's answer, by topic: (outcome, official text, words for the youngest reader).
fn answer_for(topic: &str, n: usize) -> (&'static str, &'static str, &'static str) {
    match (topic, n % 2) {
        ("places_to_play", 0) => (
            "ADOPTED",
            "经现场查看，采纳该建议，已列入本年度公园设施改造计划。",
            "你的想法很好！我们会把它做好，做好了再告诉你。",
        ),
        ("places_to_play", _) => (
            "PARTLY_ADOPTED",
            "部分采纳：先修复现有设施，新增设施纳入明年规划统筹考虑。",
            "我们先把坏的修好，新的要等到明年再看看。",
        ),
        (_, 0) => (
            "UNDER_STUDY",
            "该建议已转学校研究，将在下学期前给出具体方案。",
            "我们正在和学校一起想办法，下学期前告诉你。",
        ),
        _ => (
            "ADOPTED",
            "采纳该建议，已通知相关学校在本学期内落实。",
            "你的想法被采纳啦，学校这学期就会做。",
        ),
    }
}
