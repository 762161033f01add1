//! Departments, as anyone may read them.

use async_graphql::{Context, ID, Object, SimpleObject};

use super::context::state;
use super::errors::GqlResult;
use super::page::{KeyedConnection, connection, page_request};
use crate::domain::departments::{Department as DomainDepartment, DepartmentCode};
use crate::services;

/// A department of the district government that answers children's proposals.
#[derive(SimpleObject)]
pub struct Department {
    /// This department.
    pub id: ID,
    /// A stable code, for example `education_sports`.
    pub code: String,
    /// The name as the district writes it, for example 教体局.
    pub name_zh: String,
    /// The name in English, for example Education and Sports Bureau.
    pub name_en: String,
}

impl From<DomainDepartment> for Department {
    fn from(department: DomainDepartment) -> Self {
        Department {
            id: ID(department.id.0.to_string()),
            code: department.code.as_str().to_owned(),
            name_zh: department.name_zh,
            name_en: department.name_en,
        }
    }
}

#[derive(Default)]
pub struct DepartmentsQuery;

#[Object]
impl DepartmentsQuery {
    /// The departments, ordered by code. At most 50 a page.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 50) as usize * child_complexity + 1")]
    async fn departments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return: 20 if not given, at most 50.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the page before; the first page if not given.")] after: Option<String>,
    ) -> GqlResult<KeyedConnection<String, Department>> {
        let request = page_request::<String>(first, after)?;
        let request = request.try_map_after(|code| DepartmentCode::parse(&code))?;
        let page = services::departments::list(&state(ctx)?.db, &request).await?;
        Ok(connection(
            page,
            |d| d.code.as_str().to_owned(),
            Department::from,
        ))
    }

    /// One department by its code; null when there is none.
    async fn department(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The department's code, for example `education_sports`.")] code: String,
    ) -> GqlResult<Option<Department>> {
        match services::departments::get(&state(ctx)?.db, &code).await {
            Ok(department) => Ok(Some(department.into())),
            Err(crate::error::AppError::NotFound) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }
}
