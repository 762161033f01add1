//! Campaigns: a call for ideas, open for a time, to some schools and age bands, with a form for
//! each band.

use chrono::{DateTime, Utc};

use crate::domain::children::AgeBand;
use crate::domain::forms::{Form, band_letter, default_form};
use crate::domain::ids::{CampaignId, SchoolId};
use crate::domain::topics::Topic;
use crate::error::FieldCode;
use crate::error::{AppError, FieldError};

/// The standing channel (“我的想法”): a campaign that is always open, to every school and band,
/// on every topic, so a child can send an idea at any time (the plan's 常态化 participation).
/// Coordinators pause it, district-wide or for a school; they never close or edit it.
pub const STANDING: CampaignId = CampaignId(uuid::uuid!("0193e0a0-0000-7000-8005-000000000001"));

/// Where a pause of the standing channel applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PauseScope {
    District,
    School(SchoolId),
}

impl PauseScope {
    /// How it is stored.
    pub fn key(self) -> String {
        match self {
            PauseScope::District => "district".to_owned(),
            PauseScope::School(school) => school.to_string(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CampaignState {
    /// Being prepared; children do not see it.
    Draft,
    /// Children in its audience see it between its opening and closing times.
    Open,
    Closed,
}

crate::domain::text_enum!(CampaignState { Draft = "draft", Open = "open", Closed = "closed" });

/// Who publishes answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Publication {
    /// A coordinator decides each.
    ByCoordinator,
    /// Published as soon as the department answers (with the consents it needs).
    AfterAnswer,
}

crate::domain::text_enum!(Publication { ByCoordinator = "by_coordinator", AfterAnswer = "after_answer" });

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Campaign {
    pub id: CampaignId,
    pub title: String,
    pub description: String,
    /// Every school of the district, or only `school_ids`.
    pub all_schools: bool,
    pub school_ids: Vec<SchoolId>,
    pub bands: Vec<AgeBand>,
    pub topics: Vec<Topic>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// Working days a department has to sign for a task.
    pub sign_for_days: u32,
    /// Working days a department has to answer.
    pub answer_days: u32,
    pub publication: Publication,
    pub forms: Vec<Form>,
    pub state: CampaignState,
}

/// What a coordinator sets on a campaign.
#[derive(Clone, Debug)]
pub struct CampaignSettings {
    pub title: String,
    pub description: String,
    pub school_ids: Option<Vec<SchoolId>>,
    pub bands: Vec<AgeBand>,
    pub topics: Vec<String>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub sign_for_days: i32,
    pub answer_days: i32,
    pub publication: Publication,
    /// The campaign's own questions, added to every band's form.
    pub extra_questions: Vec<crate::domain::extra_questions::ExtraQuestion>,
}

impl Campaign {
    /// Builds a campaign (or its new settings) from what a coordinator typed; every problem is
    /// reported on its input field. Forms are the defaults for the chosen bands, with the campaign's
    /// own questions added.
    pub fn from_settings(
        id: CampaignId,
        settings: CampaignSettings,
        state: CampaignState,
    ) -> Result<Campaign, AppError> {
        let mut problems = Vec::new();
        let field = |name: &str, code: FieldCode, message: &str| {
            FieldError::new(&["input", name], code, message)
        };
        let title = settings.title.trim().to_owned();
        if !(2..=100).contains(&title.chars().count()) {
            problems.push(field(
                "title",
                FieldCode::Length,
                "标题应为 2 到 100 个字。",
            ));
        }
        let description = settings.description.trim().to_owned();
        if description.chars().count() > 2000 {
            problems.push(field(
                "description",
                FieldCode::Length,
                "说明最多 2000 个字。",
            ));
        }
        let mut bands = settings.bands.clone();
        bands.sort();
        bands.dedup();
        if bands.is_empty() {
            problems.push(field("bands", FieldCode::Required, "至少选一个年龄段。"));
        }
        let topics: Vec<Topic> = settings
            .topics
            .iter()
            .filter_map(|key| Topic::parse(key))
            .collect();
        if topics.len() != settings.topics.len() {
            problems.push(field("topics", FieldCode::UnknownTopic, "有不认识的主题。"));
        } else if topics.is_empty() {
            problems.push(field("topics", FieldCode::Required, "至少选一个主题。"));
        }
        if settings.closes_at <= settings.opens_at {
            problems.push(field(
                "closesAt",
                FieldCode::BeforeOpening,
                "结束时间要晚于开始时间。",
            ));
        }
        for (name, days) in [
            ("signForDays", settings.sign_for_days),
            ("answerDays", settings.answer_days),
        ] {
            if !(1..=60).contains(&days) {
                problems.push(field(
                    name,
                    FieldCode::OutOfRange,
                    "工作日数应在 1 到 60 之间。",
                ));
            }
        }
        let school_ids = settings.school_ids.clone().unwrap_or_default();
        if settings.school_ids.as_ref().is_some_and(Vec::is_empty) {
            problems.push(field(
                "schoolIds",
                FieldCode::Required,
                "至少选一所学校，或者不填表示全部学校。",
            ));
        }
        problems.extend(crate::domain::extra_questions::check(
            &settings.extra_questions,
            &bands,
        ));
        if !problems.is_empty() {
            return Err(AppError::Validation(problems));
        }
        let extra = crate::domain::extra_questions::fields(&settings.extra_questions);
        Ok(Campaign {
            id,
            title,
            description,
            all_schools: settings.school_ids.is_none(),
            school_ids,
            forms: bands
                .iter()
                .map(|band| {
                    let mut form = default_form(*band);
                    form.fields.extend(extra.iter().cloned());
                    form
                })
                .collect(),
            bands,
            topics,
            opens_at: settings.opens_at,
            closes_at: settings.closes_at,
            sign_for_days: settings.sign_for_days as u32,
            answer_days: settings.answer_days as u32,
            publication: settings.publication,
            state,
        })
    }

    /// Whether children can answer it at `now`.
    pub fn is_open_at(&self, now: DateTime<Utc>) -> bool {
        self.state == CampaignState::Open && self.opens_at <= now && now < self.closes_at
    }

    /// Whether a child of this school and band is asked.
    pub fn includes(&self, school: SchoolId, band: AgeBand) -> bool {
        (self.all_schools || self.school_ids.contains(&school)) && self.bands.contains(&band)
    }

    pub fn form_for(&self, band: AgeBand) -> Option<&Form> {
        self.forms
            .iter()
            .find(|form| form.band == band_letter(band))
    }

    pub fn offers(&self, topic: &Topic) -> bool {
        self.topics.contains(topic)
    }
}
