//! Importing a class roster from a CSV or XLSX file.

use async_graphql::{Context, Enum, ID, Object};
use base64::Engine as _;

use super::classes::EnrolledChild;
use super::context::{actor, state};
use super::errors::GqlResult;
use super::ids::parse_id;
use crate::domain::ids::ClassId;
use crate::error::AppError;
use crate::error::FieldCode;
use crate::roster_files::RosterFormat as FileFormat;
use crate::services;
use crate::services::enrolment::ClassRoster;

/// The file format of a class roster.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum RosterFormat {
    /// Comma-separated, UTF-8 or GBK (as Excel saves it on a Chinese system).
    Csv,
    /// An Excel workbook (.xlsx); the first sheet is read.
    Xlsx,
}

#[derive(Default)]
pub struct RosterMutation;

#[Object]
impl RosterMutation {
    /// The class's teacher: enrols every child in a roster file, all or none. The file is sent
    /// base64-encoded (the request must stay under 64 KiB, ample for a class); its first row
    /// names the columns: 昵称, 出生年份, 出生月份 (or 出生年月). Errors name the spreadsheet's rows:
    /// `["rows", "3", "pseudonym"]`. Each child's PIN is shown this once.
    #[graphql(complexity = "super::MUTATION_COST * 4 + child_complexity")]
    async fn import_roster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The class to enrol the children in.")] class_id: ID,
        #[graphql(desc = "The file's format.")] format: RosterFormat,
        #[graphql(desc = "The file, base64-encoded.")] content_base64: String,
    ) -> GqlResult<Vec<EnrolledChild>> {
        let state = state(ctx)?;
        let class = parse_id(&class_id, ClassId::parse, &[])?;
        let teacher = services::access::class_teacher(&state.db, actor(ctx), class).await?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(content_base64.trim())
            .map_err(|_| {
                AppError::validation(
                    &["contentBase64"],
                    FieldCode::Format,
                    "文件内容不是有效的 base64。",
                )
            })?;
        let format = match format {
            RosterFormat::Csv => FileFormat::Csv,
            RosterFormat::Xlsx => FileFormat::Xlsx,
        };
        let roster = ClassRoster::of_teacher(&teacher);
        let enrolled =
            services::enrolment::import_roster(state, &roster, format, &bytes, &|| ()).await?;
        Ok(EnrolledChild::list(
            enrolled,
            crate::clock::local_date(state.clock.now()),
        ))
    }
}
