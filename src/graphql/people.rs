//! Staff accounts and schools, and the viewer (who am I).

use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, Object, SimpleObject};

use super::context::{actor, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use crate::domain::departments::DepartmentId;
use crate::domain::ids::{SchoolId, StaffId};
use crate::domain::people::School as DomainSchool;
use crate::domain::people::{Actor, Role as DomainRole, StaffMember};
use crate::services;
use crate::services::people::NewStaff;

/// What a member of staff does.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Teaches classes: enrols children, moderates their proposals, records consents.
    Teacher,
    /// The school's safeguarding lead: handles the cases teachers escalate.
    SafeguardingLead,
    /// Takes up the cases no school lead acknowledged in time, and those of schools without one.
    DistrictSafeguardingLead,
    /// Works a department's task queue and answers proposals.
    DepartmentStaff,
    /// Runs the district's campaigns, routing, publication and privacy requests.
    Coordinator,
}

impl From<DomainRole> for Role {
    fn from(role: DomainRole) -> Self {
        match role {
            DomainRole::Teacher => Role::Teacher,
            DomainRole::SafeguardingLead => Role::SafeguardingLead,
            DomainRole::DistrictSafeguardingLead => Role::DistrictSafeguardingLead,
            DomainRole::DepartmentStaff => Role::DepartmentStaff,
            DomainRole::Coordinator => Role::Coordinator,
        }
    }
}

impl From<Role> for DomainRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Teacher => DomainRole::Teacher,
            Role::SafeguardingLead => DomainRole::SafeguardingLead,
            Role::DistrictSafeguardingLead => DomainRole::DistrictSafeguardingLead,
            Role::DepartmentStaff => DomainRole::DepartmentStaff,
            Role::Coordinator => DomainRole::Coordinator,
        }
    }
}

/// A member of staff.
#[derive(SimpleObject)]
pub struct Staff {
    /// This member of staff.
    pub id: ID,
    /// What they sign in with.
    pub username: String,
    /// The name shown to other staff.
    pub display_name: String,
    /// What they do.
    pub role: Role,
    /// Their school, for teachers and safeguarding leads.
    pub school_id: Option<ID>,
    /// Their department, for department staff.
    pub department_id: Option<ID>,
}

impl From<StaffMember> for Staff {
    fn from(member: StaffMember) -> Self {
        Staff {
            id: ID(member.id.to_string()),
            username: member.username.as_str().to_owned(),
            display_name: member.display_name,
            role: member.role.into(),
            school_id: member.school_id.map(|id| ID(id.to_string())),
            department_id: member.department_id.map(|id| ID(id.0.to_string())),
        }
    }
}

/// A school of the district.
#[derive(SimpleObject)]
pub struct School {
    /// This school.
    pub id: ID,
    /// A stable code, for example `baiguan_primary`.
    pub code: String,
    /// Its name in Chinese.
    pub name_zh: String,
}

impl From<DomainSchool> for School {
    fn from(school: DomainSchool) -> Self {
        School {
            id: ID(school.id.to_string()),
            code: school.code,
            name_zh: school.name_zh,
        }
    }
}

/// A new school of the district.
#[derive(InputObject)]
pub struct CreateSchoolInput {
    /// A stable code, lower-case ASCII, for example `baiguan_primary`.
    pub code: String,
    /// Its name in Chinese.
    pub name_zh: String,
}

/// A new member of staff: teacher, safeguarding lead, department staff or coordinator.
#[derive(InputObject)]
pub struct CreateStaffInput {
    /// What they will sign in with; unique.
    pub username: String,
    /// At least 10 characters.
    pub password: String,
    /// The name shown to other staff.
    pub display_name: String,
    /// What they do.
    pub role: Role,
    /// For teachers and safeguarding leads.
    pub school_id: Option<ID>,
    /// For department staff.
    pub department_id: Option<ID>,
}

#[derive(Default)]
pub struct PeopleMutation;

#[Object]
impl PeopleMutation {
    /// Coordinators: adds a school.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn create_school(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new school.")] input: CreateSchoolInput,
    ) -> GqlResult<School> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let school =
            services::people::create_school(state(ctx)?, &coordinator, &input.code, &input.name_zh)
                .await?;
        Ok(school.into())
    }

    /// Coordinators: adds a member of staff.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn create_staff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new member of staff.")] input: CreateStaffInput,
    ) -> GqlResult<Staff> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let school_id = input
            .school_id
            .map(|id| parse_id(&id, SchoolId::parse, &["input", "schoolId"]))
            .transpose()?;
        let department_id = input
            .department_id
            .map(|id| {
                parse_id(
                    &id,
                    |text| uuid::Uuid::parse_str(text).ok().map(DepartmentId),
                    &["input", "departmentId"],
                )
            })
            .transpose()?;
        let new = NewStaff {
            username: input.username,
            password: input.password,
            display_name: input.display_name,
            role: input.role.into(),
            school_id,
            department_id,
        };
        Ok(
            services::people::create_staff(state(ctx)?, &coordinator, new)
                .await?
                .into(),
        )
    }

    /// A signed-in member of staff: changes their own password. Every other session of theirs
    /// ends at once; this one stays.
    #[graphql(complexity = "super::MUTATION_COST")]
    async fn change_my_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The password in use now.")] current_password: String,
        #[graphql(desc = "The new password: at least 10 characters.")] new_password: String,
    ) -> GqlResult<bool> {
        services::people::change_password(
            state(ctx)?,
            actor(ctx),
            &current_password,
            &new_password,
        )
        .await?;
        Ok(true)
    }

    /// Coordinators: deactivates a member of staff. They cannot sign in again, and every
    /// session of theirs ends at once.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn deactivate_staff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member of staff.")] staff_id: ID,
    ) -> GqlResult<Staff> {
        let coordinator = services::access::coordinator(actor(ctx))?;
        let id = parse_id(&staff_id, StaffId::parse, &["staffId"])?;
        Ok(
            services::people::deactivate_staff(state(ctx)?, &coordinator, id)
                .await?
                .into(),
        )
    }
}

/// Who is signed in on this request.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ViewerKind {
    /// Nobody is signed in.
    Anonymous,
    /// A child is signed in.
    Child,
    /// A member of staff is signed in.
    Staff,
    /// A department's own system, with an API key; `staff` is the key's account.
    Integration,
}

/// Who is signed in: a child, a member of staff, or nobody.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Viewer {
    /// Who is signed in.
    pub kind: ViewerKind,
    /// The signed-in member of staff.
    pub staff: Option<Staff>,
    /// The signed-in child's id.
    pub child_id: Option<ID>,
    /// Whom it describes: the request's actor, or the session a sign-in just opened.
    #[graphql(skip)]
    pub actor: Actor,
}

/// What a signed-in child sees of themselves.
#[derive(SimpleObject)]
pub struct ChildProfile {
    /// The name the child goes by here.
    pub pseudonym: String,
    /// Today's band: the forms the child gets.
    pub age_band: Option<super::children::AgeBand>,
    /// For example 四年级1班.
    pub class_label: String,
    /// The school's name.
    pub school_name: String,
    /// Under 14 with no guardian's consent recorded: the child cannot submit yet.
    pub needs_guardian_consent: bool,
}

#[ComplexObject]
impl Viewer {
    /// The signed-in child's own profile.
    async fn child(&self, ctx: &Context<'_>) -> GqlResult<Option<ChildProfile>> {
        if self.child_id.is_none() {
            return Ok(None);
        }
        let state = state(ctx)?;
        let (child, class, school) = services::children::own_profile(state, &self.actor).await?;
        let today = crate::clock::local_date(state.clock.now());
        let view = super::children::Child::from_domain(child, today);
        Ok(Some(ChildProfile {
            pseudonym: view.pseudonym,
            age_band: view.age_band,
            class_label: format!("{}{}", class.grade.label_zh(), class.name),
            school_name: school.name_zh,
            needs_guardian_consent: view.needs_guardian_consent,
        }))
    }
}

impl From<&Actor> for Viewer {
    fn from(actor: &Actor) -> Self {
        match actor {
            Actor::Anonymous => Viewer {
                kind: ViewerKind::Anonymous,
                staff: None,
                child_id: None,
                actor: actor.clone(),
            },
            Actor::Child(child) => Viewer {
                kind: ViewerKind::Child,
                staff: None,
                child_id: Some(ID(child.id.to_string())),
                actor: actor.clone(),
            },
            Actor::Staff(staff) => Viewer {
                kind: ViewerKind::Staff,
                staff: Some(staff.member.clone().into()),
                child_id: None,
                actor: actor.clone(),
            },
            Actor::Integration(key) => Viewer {
                kind: ViewerKind::Integration,
                staff: Some(key.account.clone().into()),
                child_id: None,
                actor: actor.clone(),
            },
        }
    }
}

#[derive(Default)]
pub struct PeopleQuery;

#[Object]
impl PeopleQuery {
    /// Who is signed in: anonymous, a child or a member of staff.
    async fn viewer(&self, ctx: &Context<'_>) -> Viewer {
        actor(ctx).into()
    }

    /// Coordinators: the district's schools, by name (a campaign's audience names them).
    async fn schools(&self, ctx: &Context<'_>) -> GqlResult<Vec<School>> {
        let coordinator = crate::services::access::coordinator(actor(ctx))?;
        let schools = services::people::schools(state(ctx)?, &coordinator).await?;
        Ok(schools.into_iter().map(Into::into).collect())
    }
}
