//! Children as staff see them, and guardian consent.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::NaiveDate;

use super::context::{actor, request_id, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use crate::domain::children::{
    AgeBand as DomainBand, CONSENT_AGE, Child as DomainChild, ConsentMethod as DomainMethod,
    GuardianRelation as DomainRelation,
};
use crate::domain::ids::ChildId;
use crate::services;

/// The age band a form is written for: A 6-8, B 9-11, C 12-14, D 15-17.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum AgeBand {
    /// 6-8
    A,
    /// 9-11
    B,
    /// 12-14
    C,
    /// 15-17
    D,
}

impl From<AgeBand> for DomainBand {
    fn from(band: AgeBand) -> Self {
        match band {
            AgeBand::A => DomainBand::A,
            AgeBand::B => DomainBand::B,
            AgeBand::C => DomainBand::C,
            AgeBand::D => DomainBand::D,
        }
    }
}

impl From<DomainBand> for AgeBand {
    fn from(band: DomainBand) -> Self {
        match band {
            DomainBand::A => AgeBand::A,
            DomainBand::B => AgeBand::B,
            DomainBand::C => AgeBand::C,
            DomainBand::D => AgeBand::D,
        }
    }
}

/// How a guardian gave their consent.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ConsentMethod {
    /// A signed paper form.
    Written,
    /// Said to the teacher in person.
    InPerson,
    /// Given electronically, for example on a signed electronic form.
    Electronic,
}

/// Who the guardian is to the child.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum GuardianRelation {
    /// The child's mother.
    Mother,
    /// The child's father.
    Father,
    /// A grandparent.
    Grandparent,
    /// A legal guardian who is not a parent.
    Guardian,
    /// Someone else with the right to consent; the teacher keeps the details.
    Other,
}

macro_rules! mirror {
    ($api:ident, $domain:ident, [$($variant:ident),*]) => {
        impl From<$domain> for $api {
            fn from(value: $domain) -> Self {
                match value { $($domain::$variant => $api::$variant),* }
            }
        }
        impl From<$api> for $domain {
            fn from(value: $api) -> Self {
                match value { $($api::$variant => $domain::$variant),* }
            }
        }
    };
}

mirror!(ConsentMethod, DomainMethod, [Written, InPerson, Electronic]);
mirror!(
    GuardianRelation,
    DomainRelation,
    [Mother, Father, Grandparent, Guardian, Other]
);

/// A guardian's consent for a child, as the teacher recorded it.
#[derive(SimpleObject)]
pub struct GuardianConsent {
    /// How it was given.
    pub method: ConsentMethod,
    /// The day it was given.
    pub given_on: NaiveDate,
    /// Who gave it.
    pub relation: GuardianRelation,
}

/// A child as their teachers see them. Every read is written to the access log.
#[derive(SimpleObject)]
pub struct Child {
    /// This child.
    pub id: ID,
    /// The name the child goes by here; never their real name.
    pub pseudonym: String,
    /// Year of birth.
    pub birth_year: i32,
    /// Month of birth, 1 to 12.
    pub birth_month: i32,
    /// Age today, in whole years.
    pub age: Option<i32>,
    /// Age band today; decides the child's form.
    pub age_band: Option<AgeBand>,
    /// The guardian's consent in force, if any.
    pub guardian_consent: Option<GuardianConsent>,
    /// Under 14 with no consent in force: the child cannot submit yet.
    pub needs_guardian_consent: bool,
}

impl Child {
    pub fn from_domain(child: DomainChild, today: NaiveDate) -> Self {
        let age = child.birth.age_on(today);
        Child {
            id: ID(child.id.to_string()),
            pseudonym: child.pseudonym.as_str().to_owned(),
            birth_year: child.birth.year(),
            birth_month: child.birth.month() as i32,
            age: age.map(|age| age as i32),
            age_band: child.birth.band_on(today).map(Into::into),
            needs_guardian_consent: child.consent.is_none()
                && age.is_some_and(|age| age < CONSENT_AGE),
            guardian_consent: child.consent.map(|consent| GuardianConsent {
                method: consent.method.into(),
                given_on: consent.given_on,
                relation: consent.relation.into(),
            }),
        }
    }
}

/// A guardian's consent as the teacher records it.
#[derive(InputObject)]
pub struct GuardianConsentInput {
    /// How it was given.
    pub method: ConsentMethod,
    /// The day the guardian gave consent; not in the future.
    pub given_on: NaiveDate,
    /// Who gave it.
    pub relation: GuardianRelation,
}

#[derive(Default)]
pub struct ChildrenQuery;

#[Object]
impl ChildrenQuery {
    /// The child's teachers, the school's safeguarding lead, coordinators: one child. Logged.
    async fn child(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The child.")] id: ID,
    ) -> GqlResult<Child> {
        let state = state(ctx)?;
        let id = parse_id(&id, ChildId::parse, &[])?;
        let child = services::children::get(state, actor(ctx), id, request_id(ctx)?).await?;
        Ok(Child::from_domain(
            child,
            crate::clock::local_date(state.clock.now()),
        ))
    }
}

#[derive(Default)]
pub struct ChildrenMutation;

#[Object]
impl ChildrenMutation {
    /// The child's teacher: records a guardian's consent (needed before an under-14 submits).
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn record_guardian_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The child the consent is for.")] child_id: ID,
        #[graphql(desc = "The consent.")] input: GuardianConsentInput,
    ) -> GqlResult<Child> {
        let state = state(ctx)?;
        let id = parse_id(&child_id, ChildId::parse, &[])?;
        let child = services::children::record_consent(
            state,
            actor(ctx),
            id,
            input.method.into(),
            input.given_on,
            input.relation.into(),
            request_id(ctx)?,
        )
        .await?;
        Ok(Child::from_domain(
            child,
            crate::clock::local_date(state.clock.now()),
        ))
    }

    /// The child's teacher: records that the guardian withdrew consent.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn withdraw_guardian_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The child whose consent was withdrawn.")] child_id: ID,
    ) -> GqlResult<Child> {
        let state = state(ctx)?;
        let id = parse_id(&child_id, ChildId::parse, &[])?;
        let child =
            services::children::withdraw_consent(state, actor(ctx), id, request_id(ctx)?).await?;
        Ok(Child::from_domain(
            child,
            crate::clock::local_date(state.clock.now()),
        ))
    }
}
