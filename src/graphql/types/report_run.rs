//! `ReportRun`, its per-recipient `ReportDelivery` rows and the `ReportArchive` of what
//! was sent (with its files and the values it showed); `ReportPreview` for a report
//! rendered without sending.

use crate::graphql::node::{Kind, global};
use async_graphql::{ComplexObject, Context, ID, Object, Result, SimpleObject};
use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{report_archive, report_archive_file, report_delivery, report_run};

use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::report::RenderedReport;
use crate::scheduler::{archive, deliver};

/// One run of a schedule: a due time (or a manual run) and what came of it.
pub struct ReportRun(pub report_run::Model);

#[Object]
impl ReportRun {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::ReportRun, self.0.id)
    }
    /// Record id.
    async fn db_id(&self) -> i32 {
        self.0.id
    }
    /// The schedule.
    async fn schedule_id(&self) -> i32 {
        self.0.schedule_id
    }
    /// The due time it ran for (the second it was started, for a manual run).
    async fn due_at(&self) -> DateTime<Utc> {
        self.0.due_at
    }
    /// `schedule`, `catch_up` (the latest run missed while every replica was down) or `manual`.
    async fn trigger(&self) -> &str {
        &self.0.trigger
    }
    /// `running`, `sent` (every recipient), `partial`, `failed` or `skipped`.
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// The replica working on it (or that did).
    async fn claimed_by(&self) -> &str {
        &self.0.claimed_by
    }
    /// When it started.
    async fn started_at(&self) -> DateTime<Utc> {
        self.0.started_at
    }
    /// When it finished.
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.finished_at
    }
    /// Seconds from start to finish.
    async fn duration_seconds(&self) -> Option<f64> {
        self.0
            .finished_at
            .map(|f| (f - self.0.started_at).num_milliseconds() as f64 / 1000.0)
    }
    /// The data version the report was computed from.
    async fn data_version(&self) -> Option<i64> {
        self.0.data_version
    }
    /// Why it failed, with a stable code first (`STALE_DATA: ...`).
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// Per-recipient outcomes.
    async fn deliveries(&self, ctx: &Context<'_>) -> Result<Vec<ReportDelivery>> {
        let rows = deliver::of_run(ctx.db(), self.0.id).await.gql()?;
        Ok(rows.into_iter().map(ReportDelivery::from).collect())
    }
    /// The reports sent (one per recipient scope), as archived.
    async fn archives(&self, ctx: &Context<'_>) -> Result<Vec<ReportArchive>> {
        let rows = archive::of_run(ctx.db(), self.0.id).await.gql()?;
        Ok(rows.into_iter().map(ReportArchive).collect())
    }
}

/// The delivery of a run to one recipient.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ReportDelivery {
    /// Record id.
    pub db_id: i32,
    /// The recipient.
    pub recipient_id: i32,
    /// Address.
    pub address: String,
    /// `pending`, `retry`, `sent` or `failed`.
    pub status: String,
    /// Attempts made.
    pub attempts: i32,
    /// The last failure, with its code (`MAIL_TRANSIENT: ...`).
    pub last_error: Option<String>,
    /// When the next attempt is due (status `retry`).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When it was accepted.
    pub sent_at: Option<DateTime<Utc>>,
    /// The archived report it got.
    pub archive_id: Option<i32>,
}

#[ComplexObject]
impl ReportDelivery {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::ReportDelivery, self.db_id)
    }
}

impl From<report_delivery::Model> for ReportDelivery {
    fn from(d: report_delivery::Model) -> Self {
        Self {
            db_id: d.id,
            recipient_id: d.recipient_id,
            address: d.address,
            status: d.status,
            attempts: d.attempts,
            last_error: d.last_error,
            next_attempt_at: d.next_attempt_at,
            sent_at: d.sent_at,
            archive_id: d.archive_id,
        }
    }
}

/// A report as it was sent.
pub struct ReportArchive(pub report_archive::Model);

#[Object]
impl ReportArchive {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::ReportArchive, self.0.id)
    }
    /// Record id.
    async fn db_id(&self) -> i32 {
        self.0.id
    }
    /// The run.
    async fn run_id(&self) -> i32 {
        self.0.run_id
    }
    /// District code, or empty for the whole province.
    async fn scope_code(&self) -> &str {
        &self.0.scope_code
    }
    /// "Tỉnh Quảng Ngãi", "Thành phố Quảng Ngãi".
    async fn scope_name(&self) -> &str {
        &self.0.scope_name
    }
    /// The day its figures were taken on.
    async fn report_date(&self) -> NaiveDate {
        self.0.report_date
    }
    /// `vi` or `en`.
    async fn language(&self) -> &str {
        &self.0.language
    }
    /// Subject line.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// HTML body (charts referenced as `cid:`; see `files`).
    async fn html(&self) -> &str {
        &self.0.html
    }
    /// Plain-text body.
    async fn text(&self) -> &str {
        &self.0.body_text
    }
    /// SHA-256 of subject, bodies and files, taken when it was archived.
    async fn content_hash(&self) -> &str {
        &self.0.content_hash
    }
    /// Whether the stored content still has that hash.
    async fn verified(&self, ctx: &Context<'_>) -> Result<bool> {
        let (_, report) = archive::load(ctx.db(), self.0.id).await.gql()?;
        Ok(archive::content_hash(&report) == self.0.content_hash)
    }
    /// The data version its figures came from.
    async fn data_version(&self) -> i64 {
        self.0.data_version
    }
    /// When that data version was written.
    async fn data_as_of(&self) -> Option<DateTime<Utc>> {
        self.0.data_as_of
    }
    /// The headline values it showed.
    async fn values(&self) -> Result<Vec<ShownValue>> {
        let values = archive::parse_values(&self.0.indicator_values).gql()?;
        Ok(values
            .into_iter()
            .map(|v| ShownValue {
                code: v.code,
                numerator: v.numerator,
                denominator: v.denominator,
                value: v.value,
            })
            .collect())
    }
    /// Inline charts and attachments; download each at `GET /reports/files/{id}`.
    async fn files(&self, ctx: &Context<'_>) -> Result<Vec<ArchivedFile>> {
        let files = archive::files_of(ctx.db(), self.0.id).await.gql()?;
        Ok(files.into_iter().map(ArchivedFile::from).collect())
    }
}

/// A headline value a report showed.
#[derive(SimpleObject)]
pub struct ShownValue {
    /// Indicator code.
    pub code: String,
    /// Numerator.
    pub numerator: f64,
    /// Denominator.
    pub denominator: Option<f64>,
    /// Value.
    pub value: f64,
}

/// A file of an archived report.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ArchivedFile {
    /// Record id (`GET /reports/files/{dbId}`).
    pub db_id: i32,
    /// `inline` (a chart) or `attachment`.
    pub role: String,
    /// Content-ID of a chart, file name of an attachment.
    pub name: String,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size: i32,
    /// Where to download it.
    pub url: String,
}

#[ComplexObject]
impl ArchivedFile {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::ArchivedFile, self.db_id)
    }
}

impl From<report_archive_file::Model> for ArchivedFile {
    fn from(f: report_archive_file::Model) -> Self {
        Self {
            url: format!("/reports/files/{}", f.id),
            db_id: f.id,
            size: i32::try_from(f.bytes.len()).unwrap_or(i32::MAX),
            role: f.role,
            name: f.name,
            content_type: f.content_type,
        }
    }
}

/// A report rendered without sending.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ReportPreview {
    /// Subject line.
    pub subject: String,
    /// HTML body (charts referenced as `cid:`).
    pub html: String,
    /// Plain-text body.
    pub text: String,
    #[graphql(skip)]
    pub report: RenderedReport,
}

#[ComplexObject]
impl ReportPreview {
    /// SHA-256 of the content.
    async fn content_hash(&self) -> String {
        archive::content_hash(&self.report)
    }
    /// Charts and attachments, with their contents in base64.
    async fn files(&self) -> Vec<PreviewFile> {
        let images = self.report.inline_images.iter().map(|i| PreviewFile {
            role: "inline".into(),
            name: i.cid.clone(),
            content_type: crate::report::PNG_CONTENT_TYPE.into(),
            size: i.png.len() as i32,
            base64: base64::engine::general_purpose::STANDARD.encode(&i.png),
        });
        let attachments = self.report.attachments.iter().map(|a| PreviewFile {
            role: "attachment".into(),
            name: a.filename.clone(),
            content_type: a.content_type.clone(),
            size: a.bytes.len() as i32,
            base64: base64::engine::general_purpose::STANDARD.encode(&a.bytes),
        });
        images.chain(attachments).collect()
    }
}

/// A file of a preview.
#[derive(SimpleObject)]
pub struct PreviewFile {
    /// `inline` (a chart) or `attachment`.
    pub role: String,
    /// Content-ID of a chart, file name of an attachment.
    pub name: String,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size: i32,
    /// Contents, base64.
    pub base64: String,
}

impl From<RenderedReport> for ReportPreview {
    fn from(report: RenderedReport) -> Self {
        Self {
            subject: report.subject.clone(),
            html: report.html.clone(),
            text: report.text.clone(),
            report,
        }
    }
}
