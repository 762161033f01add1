//! Campaigns and their forms.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::children::AgeBand;
use super::context::{actor, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use crate::domain::campaigns::{
    Campaign as DomainCampaign, CampaignSettings, CampaignState as DomainState,
    Publication as DomainPublication,
};
use crate::domain::children::AgeBand as DomainBand;
use crate::domain::forms::{
    FieldType as DomainFieldType, Form as DomainForm, FormField as DomainField,
};
use crate::domain::ids::{CampaignId, SchoolId};
use crate::services;

/// Where a campaign is in its life: drafted, open for proposals, or closed.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum CampaignState {
    /// Being prepared; children cannot see it yet.
    Draft,
    /// Open: children in its schools and bands can send proposals until it closes.
    Open,
    /// Closed to new proposals; answers still go on.
    Closed,
}

/// When answers become public: as soon as they are given, or when a coordinator decides.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum Publication {
    /// A coordinator decides each answer's publication.
    ByCoordinator,
    /// Answers are published as soon as they are given (with the consents they need).
    AfterAnswer,
}

/// What kind of answer a form field takes.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// One line of text, up to `maxLength` characters.
    ShortText,
    /// Several lines of text, up to `maxLength` characters.
    LongText,
    /// One of `options`.
    SingleChoice,
    /// Up to `maxCount` of `options`.
    MultipleChoice,
    /// Answered by the `topic` input of `submitProposal`.
    Topic,
    /// Where it is, in the child's words; answered by the `place` input of `submitProposal`.
    Place,
    /// A drawing or photo.
    Attachment,
}

/// One option of a choice field, with its label and an optional picture.
#[derive(SimpleObject)]
pub struct ChoiceOption {
    /// The key sent back in the answer.
    pub key: String,
    /// In the requested locale.
    pub label: String,
    /// A picture's name for the youngest children, where the option has one.
    pub picture: Option<String>,
}

/// One field of a form.
#[derive(SimpleObject)]
pub struct FormField {
    /// The key its answer carries in `answers`.
    pub key: String,
    /// What kind of answer it takes.
    #[graphql(name = "type")]
    pub field_type: FieldType,
    /// Whether a proposal must answer it.
    pub required: bool,
    /// In the requested locale (`zh-CN` unless `en` is asked for and present).
    pub label: String,
    /// For text fields: the most characters an answer may have.
    pub max_length: Option<i32>,
    /// For multiple choice: the most options that may be chosen.
    pub max_count: Option<i32>,
    /// For choice fields: the options, in order.
    pub options: Vec<ChoiceOption>,
}

/// The form one age band fills in for a campaign.
#[derive(SimpleObject)]
pub struct Form {
    /// The age band that fills it in.
    pub band: AgeBand,
    /// Its fields, in the order to show them.
    pub fields: Vec<FormField>,
}

fn localised(labels: &std::collections::BTreeMap<String, String>, locale: &str) -> String {
    labels
        .get(locale)
        .or_else(|| labels.get("zh-CN"))
        .cloned()
        .unwrap_or_default()
}

impl Form {
    pub fn from_domain(form: &DomainForm, band: DomainBand, locale: &str) -> Self {
        Form {
            band: band.into(),
            fields: form
                .fields
                .iter()
                .map(|field| field_of(field, locale))
                .collect(),
        }
    }
}

fn field_of(field: &DomainField, locale: &str) -> FormField {
    FormField {
        key: field.key.clone(),
        field_type: match field.field_type {
            DomainFieldType::ShortText => FieldType::ShortText,
            DomainFieldType::LongText => FieldType::LongText,
            DomainFieldType::SingleChoice => FieldType::SingleChoice,
            DomainFieldType::MultipleChoice => FieldType::MultipleChoice,
            DomainFieldType::Topic => FieldType::Topic,
            DomainFieldType::Place => FieldType::Place,
            DomainFieldType::Attachment => FieldType::Attachment,
        },
        required: field.required,
        label: localised(&field.label, locale),
        max_length: field.max_length.map(|n| n as i32),
        max_count: field.max_count.map(|n| n as i32),
        options: field
            .options
            .iter()
            .map(|option| ChoiceOption {
                key: option.key.clone(),
                label: localised(&option.label, locale),
                picture: option.picture.clone(),
            })
            .collect(),
    }
}

/// A topic a campaign asks about, with the label children see.
#[derive(SimpleObject)]
pub struct Topic {
    /// The topic's key, for example `places_to_play`.
    pub key: String,
    /// The label children see.
    pub label_zh: String,
    /// Its picture, for children who pick by pictures (band A and B): a path on this server.
    pub picture: String,
    /// What the picture shows, for screen readers and reading aloud.
    pub picture_alt: String,
}

/// A call for ideas.
#[derive(SimpleObject)]
pub struct Campaign {
    /// This campaign.
    pub id: ID,
    /// Its title, shown to children.
    pub title: String,
    /// What it asks, shown to children.
    pub description: String,
    /// Draft, open or closed.
    pub state: CampaignState,
    /// The standing channel (“我的想法”), open at any time; every other campaign is a focused
    /// call for a time.
    pub standing: bool,
    /// Whether every school of the district takes part.
    pub all_schools: bool,
    /// The schools that take part, when not all do.
    pub school_ids: Vec<ID>,
    /// The age bands it asks.
    pub bands: Vec<AgeBand>,
    /// The topics it asks about.
    pub topics: Vec<Topic>,
    /// When children can start to send proposals.
    pub opens_at: DateTime<Utc>,
    /// When it stops taking proposals.
    pub closes_at: DateTime<Utc>,
    /// Working days a department has to sign for a task (签收).
    pub sign_for_days: i32,
    /// Working days a department has to answer a task (办结).
    pub answer_days: i32,
    /// When answers become public.
    pub publication: Publication,
    /// For coordinators: every band's form. For a child: the form for their band only.
    pub forms: Vec<Form>,
}

impl Campaign {
    pub fn from_domain(campaign: DomainCampaign, forms: Vec<Form>) -> Self {
        Campaign {
            id: ID(campaign.id.to_string()),
            standing: campaign.id == crate::domain::campaigns::STANDING,
            title: campaign.title,
            description: campaign.description,
            state: match campaign.state {
                DomainState::Draft => CampaignState::Draft,
                DomainState::Open => CampaignState::Open,
                DomainState::Closed => CampaignState::Closed,
            },
            all_schools: campaign.all_schools,
            school_ids: campaign
                .school_ids
                .iter()
                .map(|id| ID(id.to_string()))
                .collect(),
            bands: campaign.bands.iter().map(|band| (*band).into()).collect(),
            topics: campaign
                .topics
                .iter()
                .map(|t| Topic {
                    key: t.key().to_owned(),
                    label_zh: t.label_zh().to_owned(),
                    picture: t.picture_path(),
                    picture_alt: t.picture_alt().to_owned(),
                })
                .collect(),
            opens_at: campaign.opens_at,
            closes_at: campaign.closes_at,
            sign_for_days: campaign.sign_for_days as i32,
            answer_days: campaign.answer_days as i32,
            publication: match campaign.publication {
                DomainPublication::ByCoordinator => Publication::ByCoordinator,
                DomainPublication::AfterAnswer => Publication::AfterAnswer,
            },
            forms,
        }
    }

    pub(crate) fn with_all_forms(campaign: DomainCampaign) -> Self {
        let forms = campaign
            .bands
            .iter()
            .zip(&campaign.forms)
            .map(|(band, form)| Form::from_domain(form, *band, "zh-CN"))
            .collect();
        Campaign::from_domain(campaign, forms)
    }
}

/// What a coordinator sets when creating or changing a campaign.
#[derive(InputObject)]
pub struct CampaignInput {
    /// Its title, shown to children (2 to 100 characters).
    pub title: String,
    /// What it asks, shown to children.
    #[graphql(default)]
    pub description: String,
    /// Omit for every school of the district.
    pub school_ids: Option<Vec<ID>>,
    /// The age bands it asks; at least one.
    pub bands: Vec<AgeBand>,
    /// Topic keys, for example `places_to_play`.
    pub topics: Vec<String>,
    /// When children can start to send proposals.
    pub opens_at: DateTime<Utc>,
    /// When it stops taking proposals; after `opensAt`.
    pub closes_at: DateTime<Utc>,
    /// Working days a department has to sign for a task (签收); 2 if not given.
    #[graphql(default = 2)]
    pub sign_for_days: i32,
    /// Working days a department has to answer a task (办结); 15 if not given.
    #[graphql(default = 15)]
    pub answer_days: i32,
    /// When answers become public; by a coordinator if not given.
    #[graphql(default_with = "Publication::ByCoordinator")]
    pub publication: Publication,
    /// One or two questions of the campaign's own, added to every band's form as `extra1` and
    /// `extra2` (never required). Band A's form takes choice questions only.
    #[graphql(default)]
    pub extra_questions: Vec<ExtraQuestionInput>,
}

/// The kind of a campaign's own question.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ExtraQuestionType {
    /// A few words (at most 100 characters); not for band A.
    ShortText,
    /// One of two to six options.
    SingleChoice,
}

/// A question a campaign adds to its forms.
#[derive(InputObject)]
pub struct ExtraQuestionInput {
    /// The question, 2 to 60 characters, in words for the youngest band asked.
    pub label: String,
    /// Its kind.
    #[graphql(name = "type")]
    pub kind: ExtraQuestionType,
    /// For a choice: two to six options, 1 to 20 characters each.
    #[graphql(default)]
    pub options: Vec<String>,
}

impl CampaignInput {
    fn settings(self) -> Result<CampaignSettings, crate::error::AppError> {
        let school_ids = self
            .school_ids
            .map(|ids| {
                ids.iter()
                    .map(|id| parse_id(id, SchoolId::parse, &["input", "schoolIds"]))
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        Ok(CampaignSettings {
            title: self.title,
            description: self.description,
            school_ids,
            bands: self.bands.into_iter().map(Into::into).collect(),
            topics: self.topics,
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            sign_for_days: self.sign_for_days,
            answer_days: self.answer_days,
            publication: match self.publication {
                Publication::ByCoordinator => DomainPublication::ByCoordinator,
                Publication::AfterAnswer => DomainPublication::AfterAnswer,
            },
            extra_questions: self
                .extra_questions
                .into_iter()
                .map(|question| crate::domain::extra_questions::ExtraQuestion {
                    label: question.label,
                    kind: match question.kind {
                        ExtraQuestionType::ShortText => {
                            crate::domain::extra_questions::QuestionKind::ShortText
                        }
                        ExtraQuestionType::SingleChoice => {
                            crate::domain::extra_questions::QuestionKind::SingleChoice
                        }
                    },
                    options: question.options,
                })
                .collect(),
        })
    }
}

#[derive(Default)]
pub struct CampaignsQuery;

#[Object]
impl CampaignsQuery {
    /// Coordinators: every campaign, newest first.
    async fn campaigns(&self, ctx: &Context<'_>) -> GqlResult<Vec<Campaign>> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let campaigns = services::campaigns::all(state(ctx)?, &coordinator).await?;
        Ok(campaigns
            .into_iter()
            .map(Campaign::with_all_forms)
            .collect())
    }

    /// A signed-in child: the campaigns open now for them, each with the form for their band.
    async fn open_campaigns(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = "zh-CN",
            desc = "`zh-CN` (the default) or `en` for the labels."
        )]
        locale: String,
    ) -> GqlResult<Vec<Campaign>> {
        let open = services::campaigns::open_for_child(
            state(ctx)?,
            &crate::services::access::signed_in_child(actor(ctx))?,
        )
        .await?;
        Ok(open
            .into_iter()
            .map(|(campaign, form, band)| {
                let form = Form::from_domain(&form, band, &locale);
                Campaign::from_domain(campaign, vec![form])
            })
            .collect())
    }
}

#[derive(Default)]
pub struct CampaignsMutation;

#[Object]
impl CampaignsMutation {
    /// Coordinators: a new campaign, in draft, with the default form for each band.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn create_campaign(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new campaign's settings.")] input: CampaignInput,
    ) -> GqlResult<Campaign> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let campaign =
            services::campaigns::create(state(ctx)?, &coordinator, input.settings()?).await?;
        Ok(Campaign::with_all_forms(campaign))
    }

    /// Coordinators: new settings for a campaign that is not closed.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn update_campaign(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign to change; a closed one cannot be.")] id: ID,
        #[graphql(desc = "Its new settings, all of them.")] input: CampaignInput,
    ) -> GqlResult<Campaign> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let id = parse_id(&id, CampaignId::parse, &[])?;
        let campaign =
            services::campaigns::update(state(ctx)?, &coordinator, id, input.settings()?).await?;
        Ok(Campaign::with_all_forms(campaign))
    }

    /// Coordinators: opens a campaign; children see it between its opening and closing times.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn open_campaign(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign to open.")] id: ID,
    ) -> GqlResult<Campaign> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let id = parse_id(&id, CampaignId::parse, &[])?;
        Ok(Campaign::with_all_forms(
            services::campaigns::open(state(ctx)?, &coordinator, id).await?,
        ))
    }

    /// Coordinators: closes a campaign.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn close_campaign(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign to close.")] id: ID,
    ) -> GqlResult<Campaign> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let id = parse_id(&id, CampaignId::parse, &[])?;
        Ok(Campaign::with_all_forms(
            services::campaigns::close(state(ctx)?, &coordinator, id).await?,
        ))
    }
}
