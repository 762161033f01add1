//! Who may do what. Sensitive operations take a capability that only these checks can make, so
//! forgetting a check does not compile (STYLE.md, Permissions).
//!
//! A forbidden object and a missing one answer alike: NOT_FOUND.

use sea_orm::ConnectionTrait;

use crate::domain::children::Child;
use crate::domain::classes::Class;
use crate::domain::departments::DepartmentId;
use crate::domain::ids::{ApiKeyId, ChildId, ClassId, SchoolId, StaffId};
use crate::domain::page::{Page, PageRequest};
use crate::domain::people::{Actor, ChildActor, Role, StaffActor};
use crate::error::AppError;
use crate::state::AppState;
use crate::store;
use crate::store::access_log::AccessEntry;
use crate::telemetry::RequestId;

/// Proof that the actor is a signed-in child: what a child may do is to and with their own
/// proposals, notifications and profile. Reads as the child it proves (`child.id`).
pub struct SignedInChild(ChildActor);

impl std::ops::Deref for SignedInChild {
    type Target = ChildActor;

    fn deref(&self) -> &ChildActor {
        &self.0
    }
}

/// The signed-in child, or UNAUTHENTICATED / FORBIDDEN.
pub fn signed_in_child(actor: &Actor) -> Result<SignedInChild, AppError> {
    actor.child().cloned().map(SignedInChild)
}

/// Proof that the actor is a district coordinator.
pub struct Coordinator(StaffActor);

impl Coordinator {
    pub fn staff(&self) -> &StaffActor {
        &self.0
    }
}

/// A coordinator, or UNAUTHENTICATED / FORBIDDEN.
pub fn coordinator(actor: &Actor) -> Result<Coordinator, AppError> {
    let staff = actor.staff()?;
    match staff.member.role {
        Role::Coordinator => Ok(Coordinator(staff.clone())),
        _ => Err(AppError::Forbidden),
    }
}

/// Proof that the actor is a safeguarding lead: of one school, or of the district (who takes up
/// what no school lead took up in time, and the cases of schools without a lead).
#[derive(Clone)]
pub struct SafeguardingLead {
    staff: StaffActor,
    /// None for the district's lead.
    school: Option<SchoolId>,
}

impl SafeguardingLead {
    pub fn staff(&self) -> &StaffActor {
        &self.staff
    }

    /// The school whose lead this is; None for the district's lead.
    pub fn school(&self) -> Option<SchoolId> {
        self.school
    }

    /// Whether the case is this lead's: their school's, or, for the district's lead, one that
    /// went up to the district.
    pub fn covers(&self, case: &crate::domain::safeguarding::Case) -> bool {
        match self.school {
            Some(school) => case.school_id == school,
            None => case.escalated_at.is_some(),
        }
    }
}

/// A school's or the district's safeguarding lead, or UNAUTHENTICATED / FORBIDDEN.
pub fn safeguarding_lead(actor: &Actor) -> Result<SafeguardingLead, AppError> {
    let staff = actor.staff()?;
    let school = match (staff.member.role, staff.member.school_id) {
        (Role::SafeguardingLead, Some(school)) => Some(school),
        (Role::DistrictSafeguardingLead, _) => None,
        _ => return Err(AppError::Forbidden),
    };
    Ok(SafeguardingLead {
        staff: staff.clone(),
        school,
    })
}

/// The safeguarding lead of this school, or the district's, or NOT_FOUND (what is with the lead,
/// nobody else may know exists).
pub fn safeguarding_lead_of(actor: &Actor, school: SchoolId) -> Result<SafeguardingLead, AppError> {
    match safeguarding_lead(actor) {
        Ok(lead) if lead.school.is_none_or(|own| own == school) => Ok(lead),
        Err(AppError::Unauthenticated) => Err(AppError::Unauthenticated),
        _ => Err(AppError::NotFound),
    }
}

/// Proof that the actor works in a department: one of its clerks, or its own system with an
/// API key (which acts through an account of the department's, so its records read alike).
#[derive(Clone)]
pub struct DepartmentMember {
    account: StaffId,
    department: DepartmentId,
    key: Option<ApiKeyId>,
}

impl DepartmentMember {
    /// Who the department's records say took a step: the clerk, or the key's account.
    pub fn by(&self) -> StaffId {
        self.account
    }

    pub fn department(&self) -> DepartmentId {
        self.department
    }

    /// The key the department's system used; None for a clerk.
    pub fn key(&self) -> Option<ApiKeyId> {
        self.key
    }
}

/// The actor as a member of their department (a clerk, or the department's system with its
/// key), or UNAUTHENTICATED / FORBIDDEN.
pub fn department_member(actor: &Actor) -> Result<DepartmentMember, AppError> {
    if let Actor::Integration(key) = actor {
        return Ok(DepartmentMember {
            account: key.account.id,
            department: key.department_id,
            key: Some(key.key_id),
        });
    }
    let staff = actor.staff()?;
    match (staff.member.role, staff.member.department_id) {
        (Role::DepartmentStaff, Some(department)) => Ok(DepartmentMember {
            account: staff.member.id,
            department,
            key: None,
        }),
        _ => Err(AppError::Forbidden),
    }
}

/// The signed-in member of staff; UNAUTHENTICATED for nobody, NOT_FOUND for a child (what staff
/// may see, a child may not know exists).
fn signed_in_staff(actor: &Actor) -> Result<&StaffActor, AppError> {
    match actor {
        Actor::Anonymous => Err(AppError::Unauthenticated),
        Actor::Child(_) | Actor::Integration(_) => Err(AppError::NotFound),
        Actor::Staff(staff) => Ok(staff),
    }
}

/// Proof that the actor teaches this class.
pub struct ClassTeacher {
    staff: StaffActor,
    class: Class,
}

impl ClassTeacher {
    pub fn staff(&self) -> &StaffActor {
        &self.staff
    }

    pub fn class(&self) -> &Class {
        &self.class
    }
}

/// The actor as a teacher of `class`, or NOT_FOUND (also for a class that exists but is not
/// theirs).
pub async fn class_teacher(
    db: &impl ConnectionTrait,
    actor: &Actor,
    class: ClassId,
) -> Result<ClassTeacher, AppError> {
    let staff = signed_in_staff(actor)?;
    if staff.member.role != Role::Teacher
        || !store::classes::is_teacher_of(db, staff.member.id, class).await?
    {
        return Err(AppError::NotFound);
    }
    let class = store::classes::find(db, class)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(ClassTeacher {
        staff: staff.clone(),
        class,
    })
}

/// The actor as a teacher of the child's class.
pub async fn teacher_of_child(
    state: &AppState,
    actor: &Actor,
    child: ChildId,
) -> Result<ClassTeacher, AppError> {
    let record = store::children::find(&state.db, child)
        .await?
        .ok_or(AppError::NotFound)?;
    class_teacher(&state.db, actor, record.class_id).await
}

/// Whether the staff member may read personal data of children in `class`: its teachers, the
/// school's safeguarding lead, and coordinators.
async fn may_read_class(
    db: &impl ConnectionTrait,
    staff: &StaffActor,
    class: &Class,
) -> Result<bool, AppError> {
    Ok(match staff.member.role {
        Role::Coordinator => true,
        Role::SafeguardingLead => staff.member.school_id == Some(class.school_id),
        // The district lead reads a child's data through a case, never a class.
        Role::DistrictSafeguardingLead => false,
        Role::Teacher => store::classes::is_teacher_of(db, staff.member.id, class.id).await?,
        Role::DepartmentStaff => false,
    })
}

/// Reads one child's personal data and logs the read. NOT_FOUND when the actor may not.
pub async fn read_child(
    state: &AppState,
    actor: &Actor,
    child: ChildId,
    operation: &str,
    request: &RequestId,
) -> Result<Child, AppError> {
    let staff = signed_in_staff(actor)?;
    let child = store::children::find(&state.db, child)
        .await?
        .ok_or(AppError::NotFound)?;
    let class = store::classes::find(&state.db, child.class_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_read_class(&state.db, staff, &class).await? {
        return Err(AppError::NotFound);
    }
    log_reads(state, staff, &[child.id], operation, request).await?;
    Ok(child)
}

/// Reads a page of a class's children and logs a read of each. NOT_FOUND when the actor may not.
pub async fn read_class_children(
    state: &AppState,
    actor: &Actor,
    class: &Class,
    page: &PageRequest<ChildId>,
    request: &RequestId,
) -> Result<Page<Child>, AppError> {
    let staff = signed_in_staff(actor)?;
    if !may_read_class(&state.db, staff, class).await? {
        return Err(AppError::NotFound);
    }
    let children = store::children::in_class(&state.db, class.id, page).await?;
    let ids: Vec<_> = children.items.iter().map(|child| child.id).collect();
    log_reads(state, staff, &ids, "class.children", request).await?;
    Ok(children)
}

/// Appends to the access log (未成年人网络保护条例 第三十六条): one row per child read, however
/// many of their records the read showed.
pub async fn log_reads(
    state: &AppState,
    staff: &StaffActor,
    children: &[ChildId],
    operation: &str,
    request: &RequestId,
) -> Result<(), AppError> {
    let mut children = children.to_vec();
    children.sort_unstable();
    children.dedup();
    let children = children.as_slice();
    let now = state.clock.now();
    store::access_log::append(
        &state.db,
        staff.member.id,
        children,
        operation,
        &request.0,
        now,
    )
    .await?;
    Ok(())
}

/// Coordinators only: the access log, newest first, filtered.
pub async fn access_log(
    db: &impl ConnectionTrait,
    _: &Coordinator,
    filter: &crate::domain::privacy::AccessFilter,
    page: &PageRequest<i64>,
) -> Result<Page<AccessEntry>, AppError> {
    Ok(store::access_log::list(db, filter, page).await?)
}

/// Whether the actor may follow a proposal found by its reference: its class's teachers, the
/// departments (or their systems) of its task, coordinators, and its own child. NOT_FOUND for
/// anyone else; UNAUTHENTICATED for nobody.
pub async fn may_follow_proposal(
    db: &impl ConnectionTrait,
    actor: &Actor,
    proposal: &crate::domain::proposals::Proposal,
    task: Option<&crate::domain::tasks::Task>,
) -> Result<(), AppError> {
    let of_task = |department: DepartmentId| {
        task.is_some_and(|task| {
            task.department_id == Some(department) || task.co_departments.contains(&department)
        })
    };
    let may = match actor {
        Actor::Anonymous => return Err(AppError::Unauthenticated),
        Actor::Child(child) => child.id == proposal.child_id,
        Actor::Integration(key) => of_task(key.department_id),
        Actor::Staff(staff) => match staff.member.role {
            Role::Coordinator => true,
            Role::Teacher => {
                store::classes::is_teacher_of(db, staff.member.id, proposal.class_id).await?
            }
            Role::DepartmentStaff => staff.member.department_id.is_some_and(of_task),
            Role::SafeguardingLead | Role::DistrictSafeguardingLead => false,
        },
    };
    if may { Ok(()) } else { Err(AppError::NotFound) }
}
