//! Schools and staff accounts.

use sea_orm::ConnectionTrait;

use crate::domain::departments::DepartmentId;
use crate::domain::ids::{DistrictId, SchoolId, StaffId};
use crate::domain::people::Actor;
use crate::domain::people::School;
use crate::domain::people::{NewPassword, Role, StaffMember, Username};
use crate::error::AppError;
use crate::error::FieldCode;
use crate::secrets::{hash_password, verify_password};
use crate::services::access::Coordinator;
use crate::state::AppState;
use crate::store;
use crate::store::sessions::Ending;

/// The district every record belongs to until a second one is configured.
pub const SHANGYU: DistrictId = DistrictId(uuid::uuid!("0193e0a0-0000-7000-8000-000000000001"));

pub struct NewStaff {
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub role: Role,
    pub school_id: Option<SchoolId>,
    pub department_id: Option<DepartmentId>,
}

/// The `tongsheng admin create-coordinator` command only: the first account of a deployment.
pub async fn bootstrap_coordinator(
    state: &AppState,
    username: &str,
    password: &str,
) -> Result<StaffMember, AppError> {
    let input = NewStaff {
        username: username.to_owned(),
        password: password.to_owned(),
        display_name: username.to_owned(),
        role: Role::Coordinator,
        school_id: None,
        department_id: None,
    };
    insert_staff(state, input).await
}

/// Coordinators: adds a member of staff. Teachers and safeguarding leads belong to a school,
/// department staff to a department, coordinators to neither.
pub async fn create_staff(
    state: &AppState,
    _: &Coordinator,
    input: NewStaff,
) -> Result<StaffMember, AppError> {
    insert_staff(state, input).await
}

/// A signed-in member of staff: changes their own password, given the current one (a wrong one
/// is UNAUTHENTICATED on `currentPassword`'s behalf, counted like a failed sign-in). Every other
/// session of theirs ends, on every instance.
pub async fn change_password(
    state: &AppState,
    actor: &Actor,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let staff = actor.staff()?;
    let new = NewPassword::parse(new, &["newPassword"])?;
    let credentials = store::people::find_credentials(&state.db, &staff.member.username)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if !verify_password(Some(credentials.password_hash), current.to_owned()).await {
        return Err(AppError::validation(
            &["currentPassword"],
            FieldCode::WrongPassword,
            "现在的密码不对。",
        ));
    }
    let hash = hash_password(new.reveal().to_owned())
        .await
        .map_err(AppError::internal)?;
    let now = state.clock.now();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    store::people::set_password_hash(&transaction, staff.member.id, hash).await?;
    let ending = Ending::OtherStaffSessions(staff.member.id, staff.session_id);
    let ended = store::sessions::end(&transaction, ending, now).await?;
    transaction.commit().await?;
    crate::services::sessions::announce_ended(state, &ended).await;
    Ok(())
}

/// Coordinators: deactivates a member of staff (not themselves): they cannot sign in again, and
/// every session of theirs ends at once, on every instance.
pub async fn deactivate_staff(
    state: &AppState,
    coordinator: &Coordinator,
    id: StaffId,
) -> Result<StaffMember, AppError> {
    if coordinator.staff().member.id == id {
        return Err(AppError::validation(
            &["staffId"],
            FieldCode::SelfReference,
            "不能停用自己的账号。",
        ));
    }
    let (member, _) = store::people::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let transaction = sea_orm::TransactionTrait::begin(&state.db).await?;
    store::people::disable(&transaction, id, now).await?;
    let ended = store::sessions::end(&transaction, Ending::Staff(id), now).await?;
    transaction.commit().await?;
    crate::services::sessions::announce_ended(state, &ended).await;
    Ok(member)
}

async fn insert_staff(state: &AppState, input: NewStaff) -> Result<StaffMember, AppError> {
    let username = Username::parse(&input.username, &["input", "username"])?;
    let password = NewPassword::parse(&input.password, &["input", "password"])?;
    let display_name = input.display_name.trim().to_owned();
    if !(1..=50).contains(&display_name.chars().count()) {
        return Err(AppError::validation(
            &["input", "displayName"],
            FieldCode::Length,
            "显示名称应为 1 到 50 个字。",
        ));
    }
    let (school_id, department_id) =
        placement(&state.db, input.role, input.school_id, input.department_id).await?;
    if store::people::username_taken(&state.db, &username).await? {
        return Err(AppError::validation(
            &["input", "username"],
            FieldCode::Taken,
            "这个用户名已经有人用了。",
        ));
    }
    let member = StaffMember {
        id: StaffId::new(),
        district_id: SHANGYU,
        username,
        display_name,
        role: input.role,
        school_id,
        department_id,
    };
    let hash = hash_password(password.reveal().to_owned())
        .await
        .map_err(AppError::internal)?;
    store::people::insert(&state.db, &member, hash, state.clock.now()).await?;
    Ok(member)
}

async fn placement(
    db: &impl ConnectionTrait,
    role: Role,
    school: Option<SchoolId>,
    department: Option<DepartmentId>,
) -> Result<(Option<SchoolId>, Option<DepartmentId>), AppError> {
    match role {
        Role::Teacher | Role::SafeguardingLead => {
            let school = school.ok_or_else(|| {
                AppError::validation(&["input", "schoolId"], FieldCode::Required, "请选择学校。")
            })?;
            if store::people::find_school(db, school).await?.is_none() {
                return Err(AppError::validation(
                    &["input", "schoolId"],
                    FieldCode::NotFound,
                    "没有这所学校。",
                ));
            }
            Ok((Some(school), None))
        }
        Role::DepartmentStaff => {
            let department = department.ok_or_else(|| {
                AppError::validation(
                    &["input", "departmentId"],
                    FieldCode::Required,
                    "请选择部门。",
                )
            })?;
            if store::departments::find(db, department).await?.is_none() {
                return Err(AppError::validation(
                    &["input", "departmentId"],
                    FieldCode::NotFound,
                    "没有这个部门。",
                ));
            }
            Ok((None, Some(department)))
        }
        Role::Coordinator | Role::DistrictSafeguardingLead => Ok((None, None)),
    }
}

/// Coordinators: every school of the district, by name.
pub async fn schools(state: &AppState, _: &Coordinator) -> Result<Vec<School>, AppError> {
    Ok(store::people::schools(&state.db).await?)
}

/// Coordinators: adds a school.
pub async fn create_school(
    state: &AppState,
    _: &Coordinator,
    code: &str,
    name_zh: &str,
) -> Result<School, AppError> {
    let code = code.trim().to_ascii_lowercase();
    let valid_code = (2..=64).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !valid_code {
        return Err(AppError::validation(
            &["input", "code"],
            FieldCode::Format,
            "学校代码应为 2 到 64 个小写字母、数字或下划线。",
        ));
    }
    let name_zh = name_zh.trim();
    if !(2..=50).contains(&name_zh.chars().count()) {
        return Err(AppError::validation(
            &["input", "nameZh"],
            FieldCode::Length,
            "学校名称应为 2 到 50 个字。",
        ));
    }
    if store::people::school_code_taken(&state.db, &code).await? {
        return Err(AppError::validation(
            &["input", "code"],
            FieldCode::Taken,
            "这个学校代码已经有了。",
        ));
    }
    let school = School {
        id: SchoolId::new(),
        district_id: SHANGYU,
        code,
        name_zh: name_zh.to_owned(),
    };
    store::people::insert_school(&state.db, &school, state.clock.now()).await?;
    Ok(school)
}
