//! Classes and the teacher's tools for them.

use async_graphql::{ComplexObject, Context, ID, InputObject, Object, SimpleObject};

use super::children::Child;
use super::context::{actor, request_id, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use super::page::{KeyedConnection, connection, page_request};
use crate::domain::children::{Child as DomainChild, Pin};
use crate::domain::classes::Class as DomainClass;
use crate::domain::ids::{ChildId, ClassId};
use crate::services;
use crate::services::classes::NewClass;
use crate::services::enrolment::{ClassRoster, Enrolment};
use chrono::NaiveDate;

/// A school class, its teachers and its children.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Class {
    /// This class.
    pub id: ID,
    /// The code children type to sign in, printed on their cards.
    pub code: String,
    /// 1 (first year of primary) to 12.
    pub grade: i32,
    /// The grade as schools write it, for example 四年级 or 初二.
    pub grade_label: String,
    /// For example 3班.
    pub name: String,
    /// The year the school year starts in.
    pub school_year: i32,
    /// PIN sign-in is locked after too many failures; resetting any child's PIN unlocks it.
    pub sign_in_locked: bool,
    #[graphql(skip)]
    pub domain: DomainClass,
}

impl From<DomainClass> for Class {
    fn from(class: DomainClass) -> Self {
        Class {
            id: ID(class.id.to_string()),
            code: class.code.as_str().to_owned(),
            grade: i32::from(class.grade.get()),
            grade_label: class.grade.label_zh(),
            name: class.name.clone(),
            school_year: class.school_year,
            sign_in_locked: class.sign_in_locked,
            domain: class,
        }
    }
}

#[ComplexObject]
impl Class {
    /// The class's teachers: the campaigns open to the class's school now, with the form of
    /// each band they take: what the teacher fills in for a child who dictates or wrote on paper.
    async fn open_campaigns(
        &self,
        ctx: &Context<'_>,
    ) -> GqlResult<Vec<super::campaigns::Campaign>> {
        let state = state(ctx)?;
        let teacher =
            services::access::class_teacher(&state.db, actor(ctx), self.domain.id).await?;
        let open = services::campaigns::open_for_class(state, &teacher).await?;
        Ok(open
            .into_iter()
            .map(super::campaigns::Campaign::with_all_forms)
            .collect())
    }

    /// The class's children, in enrolment order. Each read is logged.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 50) as usize * child_complexity + 1")]
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return: 20 if not given, at most 50.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the page before; the first page if not given.")] after: Option<String>,
    ) -> GqlResult<KeyedConnection<String, Child>> {
        let state = state(ctx)?;
        let request =
            page_request::<String>(first, after)?.try_map_after(|id| ChildId::parse(&id))?;
        let page = services::access::read_class_children(
            state,
            actor(ctx),
            &self.domain,
            &request,
            request_id(ctx)?,
        )
        .await?;
        let today = crate::clock::local_date(state.clock.now());
        Ok(connection(
            page,
            |child| child.id.to_string(),
            |child| Child::from_domain(child, today),
        ))
    }
}

/// A new class in the teacher's school.
#[derive(InputObject)]
pub struct CreateClassInput {
    /// 1 (first year of primary) to 12.
    pub grade: i32,
    /// For example 3班.
    pub name: String,
    /// The year the school year starts in, for example 2026.
    pub school_year: i32,
}

/// A child to enrol: a pseudonym and the month of birth, never a real name.
#[derive(InputObject)]
pub struct EnrolChildInput {
    /// A name the child goes by here; never their real name.
    pub pseudonym: String,
    /// Year of birth; the child must be 6 to 17.
    pub birth_year: i32,
    /// Month of birth, 1 to 12.
    pub birth_month: i32,
}

/// A newly enrolled child and their PIN, shown this once.
#[derive(SimpleObject)]
pub struct EnrolledChild {
    /// The child as enrolled.
    pub child: Child,
    /// Their 6-digit PIN, shown this once; print it on their card.
    pub pin: String,
}

impl EnrolledChild {
    /// Newly enrolled children with their PINs, as the API shows them (this once).
    pub fn list(enrolled: Vec<(DomainChild, Pin)>, today: NaiveDate) -> Vec<EnrolledChild> {
        enrolled
            .into_iter()
            .map(|(child, pin)| EnrolledChild {
                child: Child::from_domain(child, today),
                pin: pin.reveal().to_owned(),
            })
            .collect()
    }
}

/// A new QR badge; the token is shown this once (print it as a QR code).
#[derive(SimpleObject)]
pub struct IssuedBadge {
    /// The child the badge is for.
    pub child: Child,
    /// The token to print as a QR code, shown this once.
    pub badge_token: String,
}

fn parse_child_ids(ids: Option<Vec<ID>>) -> Result<Option<Vec<ChildId>>, crate::error::AppError> {
    ids.map(|ids| {
        ids.iter()
            .map(|id| parse_id(id, ChildId::parse, &[]))
            .collect()
    })
    .transpose()
}

#[derive(Default)]
pub struct ClassesQuery;

#[Object]
impl ClassesQuery {
    /// Teachers: the classes they teach.
    async fn my_classes(&self, ctx: &Context<'_>) -> GqlResult<Vec<Class>> {
        let classes = services::classes::my_classes(state(ctx)?, actor(ctx)).await?;
        Ok(classes.into_iter().map(Class::from).collect())
    }

    /// The class's teacher: one class.
    async fn class(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The class.")] id: ID,
    ) -> GqlResult<Class> {
        let state = state(ctx)?;
        let id = parse_id(&id, ClassId::parse, &[])?;
        Ok(services::access::class_teacher(&state.db, actor(ctx), id)
            .await?
            .class()
            .clone()
            .into())
    }
}

#[derive(Default)]
pub struct ClassesMutation;

#[Object]
impl ClassesMutation {
    /// Teachers: creates a class in their school, with them as its teacher.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn create_class(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new class.")] input: CreateClassInput,
    ) -> GqlResult<Class> {
        let new = NewClass {
            grade: input.grade,
            name: input.name,
            school_year: input.school_year,
        };
        Ok(
            services::classes::create_class(state(ctx)?, actor(ctx), new)
                .await?
                .into(),
        )
    }

    /// The class's teacher: enrols children, all or none; each gets a PIN, shown this once.
    #[graphql(complexity = "super::MUTATION_COST * 4 + child_complexity")]
    async fn enrol_children(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The class to enrol them in.")] class_id: ID,
        #[graphql(desc = "The children to enrol; if any is refused, none is enrolled.")]
        children: Vec<EnrolChildInput>,
    ) -> GqlResult<Vec<EnrolledChild>> {
        let state = state(ctx)?;
        let class = parse_id(&class_id, ClassId::parse, &[])?;
        let teacher = services::access::class_teacher(&state.db, actor(ctx), class).await?;
        let entries = children
            .into_iter()
            .enumerate()
            .map(|(row, child)| Enrolment {
                row: row.to_string(),
                pseudonym: child.pseudonym,
                birth_year: child.birth_year,
                birth_month: child.birth_month,
            })
            .collect();
        let enrolled = services::enrolment::enrol(
            state,
            &ClassRoster::of_teacher(&teacher),
            "children",
            entries,
            &|| (),
        )
        .await?;
        Ok(EnrolledChild::list(
            enrolled,
            crate::clock::local_date(state.clock.now()),
        ))
    }

    /// The class's teacher: a new PIN for a child, shown this once. Unlocks a locked class.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn reset_pin(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The child.")] child_id: ID,
    ) -> GqlResult<EnrolledChild> {
        let state = state(ctx)?;
        let id = parse_id(&child_id, ChildId::parse, &[])?;
        let teacher = services::access::teacher_of_child(state, actor(ctx), id).await?;
        let (child, pin) = services::classes::reset_pin(state, &teacher, id).await?;
        let today = crate::clock::local_date(state.clock.now());
        Ok(EnrolledChild {
            child: Child::from_domain(child, today),
            pin: pin.reveal().to_owned(),
        })
    }

    /// The class's teacher: new QR badges for the named children, or the whole class.
    #[graphql(complexity = "super::MUTATION_COST * 4 + child_complexity")]
    async fn issue_badges(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The class.")] class_id: ID,
        #[graphql(desc = "The children to issue badges to; the whole class if not given.")]
        child_ids: Option<Vec<ID>>,
    ) -> GqlResult<Vec<IssuedBadge>> {
        let state = state(ctx)?;
        let class = parse_id(&class_id, ClassId::parse, &[])?;
        let teacher = services::access::class_teacher(&state.db, actor(ctx), class).await?;
        let issued =
            services::classes::issue_badges(state, &teacher, parse_child_ids(child_ids)?).await?;
        let today = crate::clock::local_date(state.clock.now());
        Ok(issued
            .into_iter()
            .map(|(child, token)| IssuedBadge {
                child: Child::from_domain(child, today),
                badge_token: token,
            })
            .collect())
    }

    /// The class's teacher: voids the badges of the named children, or the whole class, and
    /// ends the sessions opened with them. Returns how many badges were voided.
    #[graphql(complexity = "super::MUTATION_COST * 4")]
    async fn void_badges(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The class.")] class_id: ID,
        #[graphql(desc = "The children whose badges to void; the whole class if not given.")]
        child_ids: Option<Vec<ID>>,
    ) -> GqlResult<i32> {
        let state = state(ctx)?;
        let class = parse_id(&class_id, ClassId::parse, &[])?;
        let teacher = services::access::class_teacher(&state.db, actor(ctx), class).await?;
        let voided =
            services::classes::void_badges(state, &teacher, parse_child_ids(child_ids)?).await?;
        Ok(i32::try_from(voided).unwrap_or(i32::MAX))
    }
}
