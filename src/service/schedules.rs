//! Report schedules as data: validated create, update, pause and delete, with their
//! recipients. Cron expressions and time zones are checked by the scheduler's timing
//! rules, addresses and display names by the mail module's (IDN domains stored as
//! punycode), recipients de-duplicated; nothing is written unless everything is valid.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entity::{report_recipient as recipient, report_run, report_schedule as schedule};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::error::check_range;
use super::{Result, ServiceError};
use crate::domain::{MissedPolicy, ReportFormat, ReportKind, ReportLanguage};
use crate::mail::address::{self, RecipientError};
use crate::scheduler::timing::{Timing, TimingError};

/// The default time zone of a schedule.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Ho_Chi_Minh";

/// A recipient of a schedule's reports.
#[derive(Clone, Debug)]
pub struct RecipientInput {
    /// E-mail address (an internationalised domain is stored as punycode).
    pub address: String,
    /// Display name, e.g. "Đại tá Phan Công Bình": at most 100 characters, no control,
    /// bidirectional or invisible characters.
    pub display_name: String,
    /// Limit this recipient's report to one area (code; a 2024 district's area has
    /// the district's code).
    pub area_code: Option<String>,
    /// The older name of `areaCode`.
    pub district_code: Option<String>,
}

/// A schedule, new or replacing an existing one.
#[derive(Clone, Debug)]
pub struct ScheduleInput {
    /// Name.
    pub name: String,
    /// Standard 5-field cron expression, e.g. "0 8 1 * *" (08:00 on the 1st).
    pub cron: String,
    /// IANA time zone it fires in (default: the server's `COSO_TIME_ZONE`,
    /// Asia/Ho_Chi_Minh unless configured).
    pub time_zone: Option<String>,
    /// What to send.
    pub report_kind: ReportKind,
    /// Language (Vietnamese by default).
    pub language: ReportLanguage,
    /// Formats (all by default).
    pub formats: Option<Vec<ReportFormat>>,
    /// First day the schedule may fire.
    pub start_date: Option<NaiveDate>,
    /// Last day the schedule may fire.
    pub end_date: Option<NaiveDate>,
    /// Enabled (true) or paused.
    pub enabled: bool,
    /// Runs missed while every replica was down: skip, or run the latest one once.
    pub missed_policy: MissedPolicy,
    /// Data older than this many days makes the run fail (nothing sent, owner told).
    pub max_data_age_days: i32,
    /// Owner's address: told when a run fails.
    pub owner_address: String,
    /// Owner's name.
    pub owner_name: String,
    /// Recipients (at least one).
    pub recipients: Vec<RecipientInput>,
}

/// Every schedule with its recipients, by id.
pub async fn list(
    db: &impl ConnectionTrait,
) -> Result<Vec<(schedule::Model, Vec<recipient::Model>)>> {
    let schedules = schedule::Entity::find()
        .order_by_asc(schedule::Column::Id)
        .all(db)
        .await?;
    let mut recipients = recipient::Entity::find()
        .order_by_asc(recipient::Column::Id)
        .all(db)
        .await?;
    Ok(schedules
        .into_iter()
        .map(|s| {
            let (mine, rest) = recipients.drain(..).partition(|r| r.schedule_id == s.id);
            recipients = rest;
            (s, mine)
        })
        .collect())
}

/// One schedule with its recipients.
pub async fn get(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<(schedule::Model, Vec<recipient::Model>)> {
    let s = schedule::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::not_found("report schedule", id))?;
    let r = recipient::Entity::find()
        .filter(recipient::Column::ScheduleId.eq(id))
        .order_by_asc(recipient::Column::Id)
        .all(db)
        .await?;
    Ok((s, r))
}

/// Creates a schedule and its recipients.
pub async fn create(
    db: &impl ConnectionTrait,
    input: ScheduleInput,
) -> Result<(schedule::Model, Vec<recipient::Model>)> {
    let mut row = <schedule::ActiveModel as Default>::default();
    let recipients = validate(db, &input).await?;
    fill(&mut row, input);
    row.created_at = Set(Utc::now());
    let saved = row.insert(db).await?;
    let rows = insert_recipients(db, saved.id, recipients).await?;
    Ok((saved, rows))
}

/// Replaces a schedule's fields and recipients.
pub async fn update(
    db: &impl ConnectionTrait,
    id: i32,
    input: ScheduleInput,
) -> Result<(schedule::Model, Vec<recipient::Model>)> {
    let (current, _) = get(db, id).await?;
    let recipients = validate(db, &input).await?;
    let mut row: schedule::ActiveModel = current.into();
    fill(&mut row, input);
    let saved = row.update(db).await?;
    recipient::Entity::delete_many()
        .filter(recipient::Column::ScheduleId.eq(id))
        .exec(db)
        .await?;
    let rows = insert_recipients(db, id, recipients).await?;
    Ok((saved, rows))
}

/// Pauses or resumes a schedule.
pub async fn set_enabled(
    db: &impl ConnectionTrait,
    id: i32,
    enabled: bool,
) -> Result<(schedule::Model, Vec<recipient::Model>)> {
    let (current, recipients) = get(db, id).await?;
    let mut row: schedule::ActiveModel = current.into();
    row.enabled = Set(enabled);
    row.updated_at = Set(Utc::now());
    Ok((row.update(db).await?, recipients))
}

/// Deletes a schedule that never ran (one with runs keeps its history: pause it).
pub async fn delete(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<(schedule::Model, Vec<recipient::Model>)> {
    let (current, recipients) = get(db, id).await?;
    let runs = report_run::Entity::find()
        .filter(report_run::Column::ScheduleId.eq(id))
        .count(db)
        .await?;
    if runs > 0 {
        return Err(ServiceError::invalid(
            "id",
            format!("schedule {id} has {runs} runs on record: pause it instead"),
        ));
    }
    recipient::Entity::delete_many()
        .filter(recipient::Column::ScheduleId.eq(id))
        .exec(db)
        .await?;
    current.clone().delete(db).await?;
    Ok((current, recipients))
}

/// Checks every field; returns the normalised recipients.
async fn validate(db: &impl ConnectionTrait, input: &ScheduleInput) -> Result<Vec<RecipientInput>> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ServiceError::invalid("name", "must be 1 to 200 characters"));
    }
    let zone = input.time_zone.as_deref().unwrap_or(DEFAULT_TIME_ZONE);
    Timing::parse(&input.cron, zone).map_err(|e| ServiceError::Rejected {
        code: e.code(),
        field: match e {
            TimingError::Cron(..) => "cron",
            TimingError::TimeZone(_) => "timeZone",
        },
        message: e.to_string(),
    })?;
    if let (Some(start), end) = (input.start_date, input.end_date) {
        check_range("endDate", start, end)?;
    }
    if !(1..=3650).contains(&input.max_data_age_days) {
        return Err(ServiceError::invalid(
            "maxDataAgeDays",
            "must be between 1 and 3650",
        ));
    }
    address::normalize_address(&input.owner_address).map_err(rejected("ownerAddress"))?;
    address::normalize_display_name(&input.owner_name).map_err(rejected("ownerName"))?;
    if input.recipients.is_empty() || input.recipients.len() > 500 {
        return Err(ServiceError::invalid(
            "recipients",
            "give 1 to 500 recipients",
        ));
    }
    let mut out: Vec<RecipientInput> = Vec::with_capacity(input.recipients.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, r) in input.recipients.iter().enumerate() {
        let address =
            address::normalize_address(&r.address).map_err(rejected("recipients.address"))?;
        let display_name = address::normalize_display_name(&r.display_name)
            .map_err(rejected("recipients.displayName"))?;
        if let Some(first) = seen.insert(address::dedup_key(&address), i) {
            return Err(ServiceError::Rejected {
                code: "DUPLICATE_RECIPIENT",
                field: "recipients.address",
                message: format!(
                    "`{address}` is listed twice (recipients {} and {}); give each address once",
                    first + 1,
                    i + 1
                ),
            });
        }
        let area_code = match (&r.area_code, &r.district_code) {
            (Some(a), Some(d)) if a != d => {
                return Err(ServiceError::invalid(
                    "recipients.areaCode",
                    "give areaCode or its older name districtCode, not two different codes",
                ));
            }
            (a, d) => a.clone().or_else(|| d.clone()),
        };
        if let Some(code) = &area_code {
            let field = if r.area_code.is_some() {
                "recipients.areaCode"
            } else {
                "recipients.districtCode"
            };
            super::areas::check_exists(db, code, field).await?;
        }
        out.push(RecipientInput {
            address,
            display_name,
            area_code,
            district_code: None,
        });
    }
    Ok(out)
}

/// Maps a refused address or display name to the service error for `field`.
fn rejected(field: &'static str) -> impl Fn(RecipientError) -> ServiceError {
    move |e| ServiceError::Rejected {
        code: e.code(),
        field,
        message: e.to_string(),
    }
}

fn fill(row: &mut schedule::ActiveModel, input: ScheduleInput) {
    let formats = input.formats.unwrap_or_else(|| ReportFormat::ALL.to_vec());
    row.name = Set(input.name.trim().to_owned());
    row.cron = Set(input.cron.trim().to_owned());
    row.time_zone = Set(input
        .time_zone
        .unwrap_or_else(|| DEFAULT_TIME_ZONE.to_owned())
        .trim()
        .to_owned());
    row.report_kind = Set(input.report_kind.code().to_owned());
    row.language = Set(input.language.code().to_owned());
    row.formats = Set(formats
        .iter()
        .map(|f| f.code())
        .collect::<Vec<_>>()
        .join(","));
    row.start_date = Set(input.start_date);
    row.end_date = Set(input.end_date);
    row.enabled = Set(input.enabled);
    row.missed_policy = Set(input.missed_policy.code().to_owned());
    row.max_data_age_days = Set(input.max_data_age_days);
    row.owner_address = Set(address::normalize_address(&input.owner_address)
        .unwrap_or_else(|_| input.owner_address.trim().to_owned()));
    row.owner_name = Set(address::normalize_display_name(&input.owner_name)
        .unwrap_or_else(|_| input.owner_name.trim().to_owned()));
    row.updated_at = Set(Utc::now());
}

async fn insert_recipients(
    db: &impl ConnectionTrait,
    schedule_id: i32,
    list: Vec<RecipientInput>,
) -> Result<Vec<recipient::Model>> {
    let mut out = Vec::with_capacity(list.len());
    for r in list {
        let row = recipient::ActiveModel {
            schedule_id: Set(schedule_id),
            address: Set(r.address),
            display_name: Set(r.display_name),
            area_code: Set(r.area_code),
            ..Default::default()
        };
        out.push(row.insert(db).await?);
    }
    Ok(out)
}

/// The demo schedules: a monthly report for the province's leadership and one for the
/// police chief of Thành phố Quảng Ngãi, scoped to that district (example addresses).
pub async fn seed_demo(db: &impl ConnectionTrait) -> Result<()> {
    if schedule::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let leaders = vec![
        RecipientInput {
            address: "giamdoc@congan.quangngai.example".into(),
            display_name: "Đại tá Phan Công Bình, Giám đốc".into(),
            area_code: None,
            district_code: None,
        },
        RecipientInput {
            address: "phogiamdoc@congan.quangngai.example".into(),
            display_name: "Đại tá Hoàng Anh Tuấn, Phó Giám đốc".into(),
            area_code: None,
            district_code: None,
        },
        RecipientInput {
            address: "phongthammuu@congan.quangngai.example".into(),
            display_name: "Trưởng Phòng Tham mưu".into(),
            area_code: None,
            district_code: None,
        },
    ];
    let base = |name: &str, recipients| ScheduleInput {
        name: name.to_owned(),
        cron: "0 8 1 * *".into(),
        time_zone: None,
        report_kind: ReportKind::MonthlyOverview,
        language: ReportLanguage::Vi,
        formats: None,
        start_date: None,
        end_date: None,
        enabled: true,
        missed_policy: MissedPolicy::Latest,
        max_data_age_days: 3650,
        owner_address: "phongthammuu@congan.quangngai.example".into(),
        owner_name: "Phòng Tham mưu".into(),
        recipients,
    };
    create(db, base("Báo cáo tháng cho Ban Giám đốc", leaders)).await?;
    let chief = vec![RecipientInput {
        address: "truongcongan.tpquangngai@congan.quangngai.example".into(),
        display_name: "Trưởng Công an Thành phố Quảng Ngãi".into(),
        area_code: Some("522".into()),
        district_code: None,
    }];
    create(db, base("Báo cáo tháng – Thành phố Quảng Ngãi", chief)).await?;
    Ok(())
}

/// Runs, newest first: of one schedule or all, optionally with one status, at most `limit`.
pub async fn runs(
    db: &impl ConnectionTrait,
    schedule_id: Option<i32>,
    status: Option<String>,
    limit: u64,
) -> Result<Vec<report_run::Model>> {
    let mut q = report_run::Entity::find();
    if let Some(id) = schedule_id {
        q = q.filter(report_run::Column::ScheduleId.eq(id));
    }
    if let Some(status) = status {
        q = q.filter(report_run::Column::Status.eq(status));
    }
    Ok(q.order_by_desc(report_run::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}
