//! The permission matrix: every role (and a department's API key) × every root query, mutation and subscription and every HTTP
//! route × own / other class / other school / other department, against one table. A test fails
//! when any root field of the schema or any route of the router has no row, so a new surface
//! cannot be added without saying who may use it. Escalated proposals and safeguarding cases are
//! for the school's lead alone: departments see none.

use serde_json::{Value, json};
use std::time::Duration;

use crate::both_databases;
use crate::helpers::TestApp;
use crate::helpers::live::Live;
use crate::helpers::world::{PASSWORD, World, open_campaign, record_consent, staff, submit};

both_databases!(every_role_can_do_exactly_what_the_matrix_says);

/// The actors, in the order of each row's expectations.
const ACTORS: [&str; 10] = [
    "anonymous",
    "child_a",
    "teacher_a",
    "teacher_a2",
    "teacher_b",
    "lead_a",
    "lead_b",
    "clerk",
    "coordinator",
    "key",
];

const OK: &str = "ok";
const UNAUTH: &str = "UNAUTHENTICATED";
const FORBID: &str = "FORBIDDEN";
const NOPE: &str = "NOT_FOUND";
/// Past the permission check: allowed, whatever the step then says of the state or the input
/// (VALIDATION, INVALID_TRANSITION …), but not UNAUTHENTICATED, FORBIDDEN or NOT_FOUND.
const PASS: &str = "passes";

/// (operation, query, expected outcome per actor). Variables: `$class` is class A, `$child` a
/// child of class A, `$pupil` another (whose PIN is reset and who leaves), `$school` school A,
/// `$n` a name unique to the call; `$proposal` a classmate's proposal awaiting review, `$mine`
/// the first child's approved proposal, `$task` its task in the clerk's department, `$case` an
/// open safeguarding case of school A, `$media` the first child's upload, `$staff` a teacher made
/// to be deactivated, `$request` a data request filed, `$department` another department.
/// Rows run in order, as each actor in turn: a step that changes state comes after those that
/// need the state before it, and signing out comes last.
const MATRIX: &[(&str, &str, [&str; 10])] = &[
    (
        "viewer",
        "{ viewer { kind } }",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "departments",
        "{ departments(first: 1) { nodes { code } } }",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "createSchool",
        "mutation($n: String!) { createSchool(input: { code: $n, nameZh: \"新的学校\" }) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "createStaff",
        "mutation($n: String!, $school: ID) { createStaff(input: { username: $n, password: \"long enough pw\", displayName: \"X\", role: TEACHER, schoolId: $school }) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "createClass",
        "mutation($n: String!) { createClass(input: { grade: 3, name: $n, schoolYear: 2026 }) { id } }",
        [
            UNAUTH, FORBID, OK, OK, OK, FORBID, FORBID, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "myClasses",
        "{ myClasses { id } }",
        [UNAUTH, FORBID, OK, OK, OK, OK, OK, OK, OK, FORBID],
    ),
    (
        "class",
        "query($class: ID!) { class(id: $class) { code } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "class.children",
        "query($class: ID!) { class(id: $class) { children { nodes { pseudonym } } } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "child",
        "query($child: ID!) { child(id: $child) { pseudonym } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, OK, NOPE, NOPE, OK, NOPE],
    ),
    (
        "enrolChildren",
        "mutation($class: ID!, $n: String!) { enrolChildren(classId: $class, children: [{ pseudonym: $n, birthYear: 2017, birthMonth: 5 }]) { pin } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "resetPin",
        "mutation($pupil: ID!) { resetPin(childId: $pupil) { pin } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "issueBadges",
        "mutation($class: ID!) { issueBadges(classId: $class) { badgeToken } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "voidBadges",
        "mutation($class: ID!) { voidBadges(classId: $class) }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "recordGuardianConsent",
        "mutation($child: ID!) { recordGuardianConsent(childId: $child, input: { method: WRITTEN, givenOn: \"2026-11-01\", relation: MOTHER }) { pseudonym } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "withdrawGuardianConsent",
        "mutation($child: ID!) { withdrawGuardianConsent(childId: $child) { pseudonym } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "areas",
        "{ areas { code } }",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "campaigns",
        "{ campaigns { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "createCampaign",
        "mutation($n: String!) { createCampaign(input: { title: $n, bands: [B], topics: [\"safety\"], opensAt: \"2026-11-01T00:00:00Z\", closesAt: \"2026-12-31T00:00:00Z\" }) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "openCampaigns",
        "{ openCampaigns { id } }",
        [
            UNAUTH, OK, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "myProposals",
        "{ myProposals { nodes { id } } }",
        [
            UNAUTH, OK, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "createArea",
        "mutation($n: String!) { createArea(input: { code: $n, nameZh: \"某某街道\", kind: SUBDISTRICT }) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "accessLog",
        "{ accessLog { nodes { operation } } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "moderationQueue",
        "query($class: ID!) { moderationQueue(classId: $class) { nodes { id } } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "moderationLog",
        "query($proposal: ID!) { moderationLog(proposalId: $proposal) { decision } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, OK, NOPE],
    ),
    (
        "moderateProposal",
        "mutation($proposal: ID!) { moderateProposal(id: $proposal, input: { decision: RETURN_FOR_CHANGES, reason: UNCLEAR }) { status } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "allowListSuggestions",
        "{ allowListSuggestions { nodes { id } } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "safeguardingCases",
        "{ safeguardingCases { nodes { id } } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, OK, OK, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "recordSafeguardingAction",
        "mutation($case: ID!) { recordSafeguardingAction(caseId: $case, input: { kind: TALKED_WITH_CHILD, occurredOn: \"2026-11-30\" }) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, OK, NOPE, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "routingRules",
        "{ routingRules { topic } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "suggestTopics",
        "{ suggestTopics(text: \"秋千\") { topic } }",
        [UNAUTH, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "departmentTasks",
        "{ departmentTasks { nodes { id } } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID, OK,
        ],
    ),
    (
        "task",
        "query($task: ID!) { task(id: $task) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, OK, OK,
        ],
    ),
    (
        "addTaskNote",
        "mutation($task: ID!) { addTaskNote(taskId: $task, note: \"已查看\") { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID, OK,
        ],
    ),
    (
        "triageTasks",
        "{ triageTasks { nodes { id } } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "departmentWorkload",
        "{ departmentWorkload { open } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "answerTemplates",
        "{ answerTemplates(topic: \"safety\", outcome: ADOPTED) { childText } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID, OK,
        ],
    ),
    (
        "myNotifications",
        "{ myNotifications { nodes { kind } } }",
        [
            UNAUTH, OK, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "publishedProposals",
        "{ publishedProposals { nodes { id } } }",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "publicStats",
        "{ publicStats { proposals } }",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "campaignReport",
        "query($campaign: ID!) { campaignReport(campaignId: $campaign) { title } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "dataRequests",
        "{ dataRequests { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "complianceReport",
        "{ complianceReport(year: 2026) { erasures } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "fileDataRequest",
        "mutation($child: ID!) { fileDataRequest(childId: $child, kind: EXPORT) { id } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "department",
        "{ department(code: \"construction\") { code } }",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "publishedProposal",
        "query($mine: ID!) { publishedProposal(id: $mine) { id } }",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "routingRuleHistory",
        "{ routingRuleHistory(topic: \"safety\") { topic } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "signInChild",
        "mutation($code: String!, $pin: String!) { signInChild(classCode: $code, pin: $pin) { token } }",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "signInWithBadge",
        "mutation { signInWithBadge(token: \"not a badge\") { token } }",
        [
            UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH, UNAUTH,
        ],
    ),
    (
        "signInStaff",
        "mutation($password: String!) { signInStaff(username: \"lead.b\", password: $password) { token } }",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "changeMyPassword",
        "mutation { changeMyPassword(currentPassword: \"not the password\", newPassword: \"a new long password\") }",
        [
            UNAUTH, FORBID, PASS, PASS, PASS, PASS, PASS, PASS, PASS, FORBID,
        ],
    ),
    (
        "updateCampaign",
        "mutation($campaign: ID!, $n: String!) { updateCampaign(id: $campaign, input: { title: $n, bands: [B], topics: [\"safety\"], opensAt: \"2026-11-01T00:00:00Z\", closesAt: \"2026-12-31T00:00:00Z\" }) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, PASS, FORBID,
        ],
    ),
    (
        "openCampaign",
        "mutation($campaign: ID!) { openCampaign(id: $campaign) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, PASS, FORBID,
        ],
    ),
    (
        "submitProposal",
        "mutation($campaign: ID!, $uuid: String!) { submitProposal(input: { campaignId: $campaign, clientSubmissionId: $uuid, topic: \"safety\", consentToPublish: false, answers: [{ key: \"noticed\", text: \"路口很挤\" }, { key: \"idea\", text: \"多派人\" }] }) { id } }",
        [
            UNAUTH, PASS, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "submitProposalForChild",
        "mutation($campaign: ID!, $child: ID!, $uuid: String!) { submitProposalForChild(childId: $child, input: { campaignId: $campaign, clientSubmissionId: $uuid, topic: \"safety\", consentToPublish: false, answers: [{ key: \"noticed\", text: \"路口很挤\" }, { key: \"idea\", text: \"多派人\" }] }) { id } }",
        [UNAUTH, NOPE, PASS, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "submitPaperProposals",
        "mutation($campaign: ID!, $class: ID!, $child: ID!, $uuid: String!) { submitPaperProposals(classId: $class, proposals: [{ childId: $child, proposal: { campaignId: $campaign, clientSubmissionId: $uuid, topic: \"safety\", consentToPublish: false, answers: [{ key: \"noticed\", text: \"路口很挤\" }, { key: \"idea\", text: \"多派人\" }] } }]) { id } }",
        [UNAUTH, NOPE, PASS, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "importRoster",
        "mutation($class: ID!) { importRoster(classId: $class, format: CSV, contentBase64: \"YQ==\") { pin } }",
        [UNAUTH, NOPE, PASS, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "returnProposalForChanges",
        "mutation($proposal: ID!) { returnProposalForChanges(id: $proposal, note: \"写清楚一点\") { id } }",
        [UNAUTH, NOPE, PASS, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "reviseProposal",
        "mutation($proposal: ID!) { reviseProposal(id: $proposal, input: { topic: \"safety\", consentToPublish: false, answers: [{ key: \"noticed\", text: \"路口很挤\" }, { key: \"idea\", text: \"多派人\" }] }) { id } }",
        [
            UNAUTH, NOPE, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "setMediaPublishable",
        "mutation($media: ID!) { setMediaPublishable(id: $media, publishable: false) { id } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "coverMedia",
        "mutation($media: ID!) { coverMedia(id: $media, regions: [{ x: 0.1, y: 0.1, width: 0.2, height: 0.2 }]) { id } }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "decideAllowListSuggestion",
        "mutation { decideAllowListSuggestion(id: \"0193e0a0-0000-7000-8000-00000000dead\", accept: false) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, NOPE, FORBID,
        ],
    ),
    (
        "setRoutingRule",
        "mutation { setRoutingRule(input: { topic: \"culture\" }) { topic } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, PASS, FORBID,
        ],
    ),
    (
        "signForTask",
        "mutation($task: ID!) { signForTask(taskId: $task) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, PASS, FORBID, PASS,
        ],
    ),
    (
        "requestExtension",
        "mutation($task: ID!) { requestExtension(taskId: $task, workingDays: 3, reason: \"要现场查看\") { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, PASS, FORBID, PASS,
        ],
    ),
    (
        "decideExtension",
        "mutation($task: ID!) { decideExtension(taskId: $task, approve: true) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, PASS, FORBID,
        ],
    ),
    (
        "answerTask",
        "mutation($task: ID!) { answerTask(taskId: $task, input: { outcome: ADOPTED, officialText: \"采纳。\", childText: \"会修好！\" }) { task { id } } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, PASS, FORBID, PASS,
        ],
    ),
    (
        "postProgress",
        "mutation($task: ID!) { postProgress(taskId: $task, stage: PLANNED, text: \"已列入计划。\", childText: \"我们开始准备了。\") { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, PASS, FORBID, OK,
        ],
    ),
    (
        "linkDuplicate",
        "mutation($task: ID!) { linkDuplicate(taskId: $task, duplicateOfTaskId: $task) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, PASS, FORBID, PASS,
        ],
    ),
    (
        "publishProposal",
        "mutation($mine: ID!) { publishProposal(id: $mine) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, PASS, FORBID,
        ],
    ),
    (
        "rateAnswer",
        "mutation($mine: ID!) { rateAnswer(proposalId: $mine, rating: SATISFIED) { id } }",
        [
            UNAUTH, PASS, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "withdrawPublicationConsent",
        "mutation($mine: ID!) { withdrawPublicationConsent(proposalId: $mine) { id } }",
        [
            UNAUTH, PASS, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "bounceTask",
        "mutation($task: ID!) { bounceTask(taskId: $task, reason: \"不归我们管\") { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, PASS, FORBID, PASS,
        ],
    ),
    (
        "rerouteTask",
        "mutation($task: ID!, $department: ID!) { rerouteTask(taskId: $task, departmentId: $department) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, PASS, FORBID,
        ],
    ),
    (
        "withdrawProposal",
        "mutation($mine: ID!) { withdrawProposal(id: $mine) { id } }",
        [
            UNAUTH, PASS, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "acknowledgeSafeguardingCase",
        "mutation($case: ID!) { acknowledgeSafeguardingCase(caseId: $case) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, OK, NOPE, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "staffNotifications",
        "{ staffNotifications { nodes { kind } } }",
        [UNAUTH, FORBID, OK, OK, OK, OK, OK, OK, OK, FORBID],
    ),
    (
        "closeSafeguardingCase",
        "mutation($case: ID!) { closeSafeguardingCase(caseId: $case, note: \"已与孩子和家长谈过\", outcome: { noReportReason: \"家长已配合，无需报告\" }) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, PASS, NOPE, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "decideDataRequest",
        "mutation($request: ID!) { decideDataRequest(id: $request, approve: true) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, PASS, FORBID,
        ],
    ),
    (
        "findProposal",
        "query($code: String!) { findProposal(reference: $code) { id } }",
        [UNAUTH, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "backProposal",
        "mutation($mine: ID!) { backProposal(id: $mine) { backers } }",
        [
            UNAUTH, NOPE, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "mostBackedTasks",
        "{ mostBackedTasks { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID, OK,
        ],
    ),
    (
        "planMeasures",
        "{ planMeasures { number } }",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "planReport",
        "{ planReport(cut: TOWNSHIP, from: \"2026-01-01\", to: \"2027-01-01\") { total { submitted } } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "setTopicMeasures",
        "mutation { setTopicMeasures(topic: \"having_a_say\", measures: [3]) }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "recordPolicyChange",
        "mutation($task: ID!) { recordPolicyChange(taskId: $task, text: \"改了规定。\") { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, PASS, FORBID, PASS,
        ],
    ),
    (
        "escalatedTasks",
        "{ escalatedTasks { workingDaysOverdue } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "schools",
        "{ schools { id nameZh } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "districtTasks",
        "{ districtTasks(states: [ANSWERED]) { nodes { id } } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "standingChannel",
        "{ standingChannel { pausedDistrictWide } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "pauseStandingChannel",
        "mutation($school: ID) { pauseStandingChannel(schoolId: $school) { pausedSchoolIds } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "resumeStandingChannel",
        "mutation($school: ID) { resumeStandingChannel(schoolId: $school) { pausedSchoolIds } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "closeCampaign",
        "mutation($campaign: ID!) { closeCampaign(id: $campaign) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, PASS, FORBID,
        ],
    ),
    (
        "markChildLeft",
        "mutation($pupil: ID!) { markChildLeft(childId: $pupil) }",
        [UNAUTH, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "deactivateStaff",
        "mutation($staff: ID!) { deactivateStaff(staffId: $staff) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "apiKeys",
        "{ apiKeys { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "apiKeyUses",
        "query($apikey: ID!) { apiKeyUses(keyId: $apikey) { nodes { at } } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "taskEvents",
        "{ taskEvents { end } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID, OK,
        ],
    ),
    (
        "acknowledgeTaskEvents",
        "mutation { acknowledgeTaskEvents(upTo: \"0\") }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,
        ],
    ),
    (
        "issueApiKey",
        "mutation($department: ID!) { issueApiKey(departmentId: $department, name: \"系统\") { secret } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "revokeApiKey",
        "mutation($apikey: ID!) { revokeApiKey(id: $apikey) { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "signOut",
        "mutation { signOut }",
        [UNAUTH, OK, OK, OK, OK, OK, OK, OK, OK, FORBID],
    ),
];

/// Live operations over `/graphql/ws`: (field, subscription, expected outcome per actor).
const SUBSCRIPTIONS: &[(&str, &str, [&str; 10])] = &[
    (
        "proposalUpdated",
        "subscription { proposalUpdated { id } }",
        [
            UNAUTH, OK, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "safeguardingCaseOpened",
        "subscription { safeguardingCaseOpened { id } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, OK, OK, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "departmentTaskEvents",
        "subscription { departmentTaskEvents { task { id } } }",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID, OK,
        ],
    ),
];

/// Every route of the router: (method, the router's path, the path asked, expected outcome per
/// actor, by status: 2xx ok, 401, 403, 404). `/graphql/ws` is the subscriptions' table.
const ROUTES: &[(&str, &str, &str, [&str; 10])] = &[
    (
        "POST",
        "/graphql",
        "/graphql",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "GET",
        "/graphql",
        "/graphql",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "POST",
        "/media",
        "/media",
        [
            UNAUTH, OK, OK, OK, OK, FORBID, FORBID, FORBID, FORBID, FORBID,
        ],
    ),
    (
        "GET",
        "/media/{id}/{rendition}",
        "/media/$media/display",
        [UNAUTH, OK, OK, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
    (
        "GET",
        "/reports/campaigns/{file}",
        "/reports/campaigns/$campaign.csv",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "GET",
        "/reports/evaluation/{file}",
        "/reports/evaluation/2026.html",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "GET",
        "/topics/{file}",
        "/topics/places_to_play.svg",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "GET",
        "/reports/compliance/{file}",
        "/reports/compliance/2026.csv",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    (
        "GET",
        "/privacy/requests/{id}/export.zip",
        "/privacy/requests/$request/export.zip",
        [
            UNAUTH, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID,
        ],
    ),
    ("GET", "/", "/", [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK]),
    (
        "GET",
        "/feed.atom",
        "/feed.atom",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "GET",
        "/published.csv",
        "/published.csv",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "GET",
        "/healthz",
        "/healthz",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    (
        "GET",
        "/readyz",
        "/readyz",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    // Open to all only outside production with no METRICS_TOKEN (see trust.rs for production).
    (
        "GET",
        "/metrics",
        "/metrics",
        [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    ),
    // Class B's cards: printing gives its children new PINs, which must not end a session the
    // rows above use.
    (
        "POST",
        "/classes/{class}/cards.pdf",
        "/classes/$class_b/cards.pdf",
        [UNAUTH, NOPE, NOPE, NOPE, OK, NOPE, NOPE, NOPE, NOPE, NOPE],
    ),
];

/// What the rows act on (see [`MATRIX`]).
struct Fixtures {
    campaign: String,
    proposal: String,
    mine: String,
    case: String,
    task: String,
    media: String,
    staff: String,
    request: String,
    department: String,
    /// A key for the transport bureau, for revoking.
    spare_key: String,
}

async fn fixtures(app: &TestApp, world: &World, child_token: &str) -> Fixtures {
    let campaign = open_campaign(app, &world.coordinator, &["B"], None).await;
    record_consent(app, &world.teacher_a, &world.class_a.children[0].id).await;
    // The matrix withdraws the first child's consent, which withdraws what they submitted: the
    // proposal to moderate is a classmate's.
    let classmate = &world.class_a.children[1];
    record_consent(app, &world.teacher_a, &classmate.id).await;
    let classmate_token = app.sign_in_child(&world.class_a.code, &classmate.pin).await;
    let classmate_token = classmate_token.ok()["signInChild"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let answers = [("noticed", "路口没有红绿灯"), ("idea", "装一个")];
    let proposal = submit(app, &classmate_token, &campaign, "safety", &answers).await;
    let disclosure = [("noticed", "我不想活了"), ("idea", "想有人陪我")];
    submit(app, child_token, &campaign, "safety", &disclosure).await;
    let swings = [("noticed", "秋千坏了"), ("idea", "修好")];
    let mine = submit(app, child_token, &campaign, "places_to_play", &swings).await;
    app.run_pending().await;
    app.graphql_as(
        Some(&world.teacher_a.token),
        "mutation($p: ID!) { moderateProposal(id: $p, input: { decision: APPROVE }) { id } }",
        json!({ "p": mine }),
    )
    .await
    .ok();
    let tasks = app
        .graphql_as(
            Some(&world.clerk.token),
            "{ departmentTasks { nodes { id } } }",
            json!({}),
        )
        .await;
    let task = first_id(&tasks.ok()["departmentTasks"]);
    let cases = app
        .graphql_as(
            Some(&world.lead_a.token),
            "{ safeguardingCases { nodes { id } } }",
            json!({}),
        )
        .await;
    let case = first_id(&cases.ok()["safeguardingCases"]);
    let (_, upload) =
        crate::media::upload(app, Some(child_token), "me.png", crate::media::png(64, 64)).await;
    let media = upload["id"].as_str().unwrap().to_owned();
    let school = Some(world.school_a.as_str());
    let staff = staff(
        app,
        &world.coordinator,
        "to.deactivate",
        "TEACHER",
        school,
        None,
    )
    .await;
    let filed = app
        .graphql_as(
            Some(&world.teacher_a.token),
            "mutation($c: ID!) { fileDataRequest(childId: $c, kind: EXPORT) { id } }",
            json!({ "c": world.class_a.children[0].id }),
        )
        .await;
    let request = filed.ok()["fileDataRequest"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.graphql_as(
        Some(&world.coordinator.token),
        "mutation($r: ID!) { decideDataRequest(id: $r, approve: true) { id } }",
        json!({ "r": request }),
    )
    .await
    .ok();
    let departments = app
        .graphql(
            "{ departments(first: 50) { nodes { id code } } }",
            json!({}),
        )
        .await;
    let department = departments.ok()["departments"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "transport")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let spare = app
        .graphql_as(
            Some(&world.coordinator.token),
            "mutation($d: ID!) { issueApiKey(departmentId: $d, name: \"备用\") { key { id } } }",
            json!({ "d": department }),
        )
        .await;
    let spare_key = spare.ok()["issueApiKey"]["key"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Fixtures {
        spare_key,
        campaign,
        proposal,
        mine,
        case,
        task,
        media,
        staff: staff.id,
        request,
        department,
    }
}

fn first_id(connection: &Value) -> String {
    connection["nodes"][0]["id"].as_str().unwrap().to_owned()
}

async fn every_role_can_do_exactly_what_the_matrix_says(app: TestApp) {
    let world = World::build(&app).await;
    let child_a = &world.class_a.children[0];
    let child_session = app.sign_in_child(&world.class_a.code, &child_a.pin).await;
    let child_token = child_session.ok()["signInChild"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let key = app
        .graphql_as(
            Some(&world.coordinator.token),
            "mutation($d: ID!) { issueApiKey(departmentId: $d, name: \"工单系统\") { secret } }",
            json!({ "d": "0193e0a0-0000-7000-8001-000000000006" }),
        )
        .await;
    let key = key.ok()["issueApiKey"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let tokens: [Option<&str>; 10] = [
        None,
        Some(&child_token),
        Some(&world.teacher_a.token),
        Some(&world.teacher_a2.token),
        Some(&world.teacher_b.token),
        Some(&world.lead_a.token),
        Some(&world.lead_b.token),
        Some(&world.clerk.token),
        Some(&world.coordinator.token),
        Some(&key),
    ];
    let fixtures = fixtures(&app, &world, &child_token).await;
    let values = |unique: &str| -> Vec<(&'static str, Value)> {
        vec![
            ("$class_b", json!(world.class_b.id)),
            ("$class", json!(world.class_a.id)),
            ("$child", json!(child_a.id)),
            ("$pupil", json!(world.class_a.children[2].id)),
            ("$school", json!(world.school_a)),
            ("$n", json!(format!("user_{unique}"))),
            ("$uuid", json!(uuid::Uuid::new_v4().to_string())),
            ("$proposal", json!(fixtures.proposal)),
            ("$mine", json!(fixtures.mine)),
            ("$case", json!(fixtures.case)),
            ("$task", json!(fixtures.task)),
            ("$campaign", json!(fixtures.campaign)),
            ("$media", json!(fixtures.media)),
            ("$staff", json!(fixtures.staff)),
            ("$request", json!(fixtures.request)),
            ("$department", json!(fixtures.department)),
            ("$apikey", json!(fixtures.spare_key)),
            ("$code", json!(world.class_a.code)),
            ("$pin", json!(world.class_a.children[1].pin)),
            ("$password", json!(PASSWORD)),
        ]
    };
    let mut mismatches = Vec::new();
    let mut check = |what: &str, actor: &str, expected: &str, outcome: String| {
        let matches = match expected {
            PASS => {
                ![UNAUTH, FORBID, NOPE].contains(&outcome.as_str())
                    && !outcome.starts_with("HTTP")
                    && outcome != "INTERNAL"
            }
            expected => outcome == expected,
        };
        if !matches {
            mismatches.push(format!(
                "{what} as {actor}: expected {expected}, got {outcome}"
            ));
        }
    };

    for (field, subscription, expected) in SUBSCRIPTIONS {
        for (index, actor) in ACTORS.iter().enumerate() {
            let mut live = Live::start(&app, tokens[index], subscription).await;
            let outcome = match live.next(Duration::from_millis(300)).await {
                None => OK.to_owned(),
                Some(message) => {
                    let errors = match message["type"].as_str() {
                        Some("error") => message["payload"].clone(),
                        _ => message["payload"]["errors"].clone(),
                    };
                    errors[0]["extensions"]["code"]
                        .as_str()
                        .unwrap_or(OK)
                        .to_owned()
                }
            };
            check(field, actor, expected[index], outcome);
        }
    }

    for (method, _, path, expected) in ROUTES {
        for (index, actor) in ACTORS.iter().enumerate() {
            let mut path = (*path).to_owned();
            for (name, value) in values("") {
                path = path.replace(name, value.as_str().unwrap_or_default());
            }
            let outcome = route_outcome(&app, method, &path, tokens[index]).await;
            check(&format!("{method} {path}"), actor, expected[index], outcome);
        }
    }

    for (operation, query, expected) in MATRIX {
        for (index, actor) in ACTORS.iter().enumerate() {
            let unique = format!("n{}{}", operation.len(), index);
            let variables = variables(query, values(&unique));
            let answer = app.graphql_as(tokens[index], query, variables).await;
            let outcome = match answer.error_code() {
                None if answer.status == 200 => OK.to_owned(),
                None => format!("HTTP {}", answer.status),
                Some(code) => code.to_owned(),
            };
            check(operation, actor, expected[index], outcome);
        }
    }
    assert!(
        mismatches.is_empty(),
        "permission matrix mismatches:\n{}",
        mismatches.join("\n")
    );
}

/// An HTTP route's answer, by status.
async fn route_outcome(app: &TestApp, method: &str, path: &str, token: Option<&str>) -> String {
    let mut request = match (method, path) {
        ("POST", "/graphql") => app
            .client
            .post(app.url(path))
            .json(&json!({ "query": "{ viewer { kind } }" })),
        ("POST", "/media") => {
            let part = reqwest::multipart::Part::bytes(crate::media::png(8, 8))
                .file_name("t.png")
                .mime_str("image/png")
                .unwrap();
            let form = reqwest::multipart::Form::new().part("file", part);
            app.client.post(app.url(path)).multipart(form)
        }
        ("POST", _) => app.client.post(app.url(path)),
        _ => app.client.get(app.url(path)),
    };
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let status = request.send().await.unwrap().status().as_u16();
    match status {
        200..=299 => OK.to_owned(),
        401 => UNAUTH.to_owned(),
        403 => FORBID.to_owned(),
        404 => NOPE.to_owned(),
        other => format!("HTTP {other}"),
    }
}

/// Only the variables a query declares, so none is unused.
fn variables(query: &str, values: Vec<(&str, Value)>) -> Value {
    let mut variables = serde_json::Map::new();
    for (name, value) in values {
        if query.contains(&format!("{name}:")) {
            variables.insert(name.trim_start_matches('$').to_owned(), value);
        }
    }
    Value::Object(variables)
}

/// Every root field of the committed schema (which another test keeps equal to the code) and
/// every route of the router has its row: a new surface cannot be added without saying who may
/// use it.
#[test]
fn every_root_field_and_route_has_a_row_in_the_matrix() {
    let schema = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/schema.graphql"
    ))
    .unwrap();
    let mut rows: Vec<&str> = MATRIX.iter().map(|(operation, ..)| *operation).collect();
    rows.extend(SUBSCRIPTIONS.iter().map(|(field, ..)| *field));
    let mut missing = Vec::new();
    for root in ["Query", "Mutation", "Subscription"] {
        for field in root_fields(&schema, root) {
            if !rows.contains(&field.as_str()) {
                missing.push(format!("{root}.{field}"));
            }
        }
    }
    let router =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/http/mod.rs")).unwrap();
    for route in router.split(".route(").skip(1) {
        let path = route.trim_start().split('"').nth(1).unwrap();
        let covered =
            path == "/graphql/ws" || ROUTES.iter().any(|(_, template, ..)| *template == path);
        if !covered {
            missing.push(format!("route {path}"));
        }
    }
    assert!(
        missing.is_empty(),
        "no row in the permission matrix for:\n{}",
        missing.join("\n")
    );
}

/// The field names of `type <root> { … }` in SDL.
fn root_fields(schema: &str, root: &str) -> Vec<String> {
    let start = schema
        .find(&format!("\ntype {root} {{"))
        .unwrap_or_else(|| panic!("no type {root}"));
    let body = &schema[start..];
    let body = &body[..body.find("\n}").unwrap()];
    let mut fields = Vec::new();
    let mut in_description = false;
    for line in body.lines().skip(1) {
        let trimmed = line.trim();
        if trimmed.starts_with("\"\"\"") {
            let closes_here = trimmed.len() > 3 && trimmed.ends_with("\"\"\"");
            if !closes_here {
                in_description = !in_description;
            }
            continue;
        }
        // A field starts at one tab; its arguments are indented further.
        if in_description || !line.starts_with('\t') || line.starts_with("\t\t") {
            continue;
        }
        let name: String = trimmed
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            fields.push(name);
        }
    }
    fields
}
