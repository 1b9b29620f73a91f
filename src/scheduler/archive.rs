//! The report archive: each rendition sent (one per run and scope) is stored with its
//! files, a SHA-256 of its content, the data version and the values it showed, before
//! anything is sent. Retries and take-overs send the stored rendition again, so every
//! recipient of a run gets the same report, and the API can show it exactly as sent.

use chrono::{SubsecRound, Utc};
use entity::{report_archive as archive, report_archive_file as file, report_run as run};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::report::{Attachment, InlineImage, RenderedReport, ReportData};
use crate::service::{Result, ServiceError};

/// A file's role: an inline chart or an attachment.
const INLINE: &str = "inline";
const ATTACHMENT: &str = "attachment";

/// A headline value as a report showed it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShownValue {
    /// Indicator code.
    pub code: String,
    /// Numerator.
    pub numerator: f64,
    /// Denominator, for rates and ratios.
    pub denominator: Option<f64>,
    /// Value.
    pub value: f64,
}

/// The scope code of a recipient: its district, or `""` for the whole province.
pub fn scope_code(district: Option<&str>) -> String {
    district.unwrap_or_default().to_owned()
}

/// SHA-256 (hex) of everything a recipient sees: subject, bodies, and every file.
pub fn content_hash(report: &RenderedReport) -> String {
    let mut h = Sha256::new();
    let mut part = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    part(report.subject.as_bytes());
    part(report.html.as_bytes());
    part(report.text.as_bytes());
    for image in &report.inline_images {
        part(image.cid.as_bytes());
        part(&image.png);
    }
    for a in &report.attachments {
        part(a.filename.as_bytes());
        part(a.content_type.as_bytes());
        part(&a.bytes);
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The rendition of `run_id` for `scope`, if one was stored.
pub async fn find(
    db: &impl ConnectionTrait,
    run_id: i32,
    scope: &str,
) -> Result<Option<archive::Model>> {
    Ok(archive::Entity::find()
        .filter(archive::Column::RunId.eq(run_id))
        .filter(archive::Column::ScopeCode.eq(scope))
        .one(db)
        .await?)
}

/// Stores a rendition and its files in one transaction. When another worker stored
/// this run and scope first, theirs is returned (one rendition per run and scope).
pub async fn store(
    db: &DatabaseConnection,
    run_id: i32,
    scope: &str,
    data: &ReportData,
    report: &RenderedReport,
) -> Result<archive::Model> {
    let shown: Vec<ShownValue> = data
        .headlines
        .iter()
        .map(|h| ShownValue {
            code: h.code.clone(),
            numerator: h.numerator,
            denominator: h.denominator,
            value: h.value,
        })
        .collect();
    let values = serde_json::to_string(&shown)
        .map_err(|e| ServiceError::Internal(format!("archiving values: {e}")))?;
    let row = archive::ActiveModel {
        run_id: Set(run_id),
        scope_code: Set(scope.to_owned()),
        scope_name: Set(data.scope.name.clone()),
        report_date: Set(data.report_date),
        language: Set(data.language.code().to_owned()),
        subject: Set(report.subject.clone()),
        html: Set(report.html.clone()),
        body_text: Set(report.text.clone()),
        content_hash: Set(content_hash(report)),
        data_version: Set(data.data_version),
        data_as_of: Set(Some(data.data_as_of)),
        indicator_values: Set(values),
        created_at: Set(Utc::now().trunc_subsecs(6)),
        ..Default::default()
    };
    let txn = crate::db::begin_write(db).await?;
    let saved = match row.insert(&txn).await {
        Ok(saved) => saved,
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            drop(txn);
            return find(db, run_id, scope)
                .await?
                .ok_or_else(|| ServiceError::Internal("archived rendition vanished".into()));
        }
        Err(e) => return Err(e.into()),
    };
    for (position, (role, name, content_type, bytes)) in files(report).enumerate() {
        file::ActiveModel {
            archive_id: Set(saved.id),
            position: Set(position as i32),
            role: Set(role.to_owned()),
            name: Set(name.to_owned()),
            content_type: Set(content_type.to_owned()),
            bytes: Set(bytes.to_vec()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(saved)
}

/// (role, name, content type, bytes) of every file, inline images first.
fn files(report: &RenderedReport) -> impl Iterator<Item = (&str, &str, &str, &[u8])> {
    let images = report.inline_images.iter().map(|i| {
        (
            INLINE,
            i.cid.as_str(),
            crate::report::PNG_CONTENT_TYPE,
            &i.png[..],
        )
    });
    let attachments = report.attachments.iter().map(|a| {
        (
            ATTACHMENT,
            a.filename.as_str(),
            a.content_type.as_str(),
            &a.bytes[..],
        )
    });
    images.chain(attachments)
}

/// An archived rendition with its files, rebuilt as the report that was sent.
pub async fn load(db: &impl ConnectionTrait, id: i32) -> Result<(archive::Model, RenderedReport)> {
    let row = archive::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::not_found("archived report", id))?;
    let files = files_of(db, id).await?;
    let mut report = RenderedReport {
        subject: row.subject.clone(),
        html: row.html.clone(),
        text: row.body_text.clone(),
        inline_images: Vec::new(),
        attachments: Vec::new(),
    };
    for f in files {
        match f.role.as_str() {
            INLINE => report.inline_images.push(InlineImage {
                cid: f.name,
                png: f.bytes,
            }),
            _ => report.attachments.push(Attachment {
                filename: f.name,
                content_type: f.content_type,
                bytes: f.bytes,
            }),
        }
    }
    Ok((row, report))
}

/// The files of an archived rendition, in order.
pub async fn files_of(db: &impl ConnectionTrait, archive_id: i32) -> Result<Vec<file::Model>> {
    Ok(file::Entity::find()
        .filter(file::Column::ArchiveId.eq(archive_id))
        .order_by_asc(file::Column::Position)
        .all(db)
        .await?)
}

/// The renditions of a run.
pub async fn of_run(db: &impl ConnectionTrait, run_id: i32) -> Result<Vec<archive::Model>> {
    Ok(archive::Entity::find()
        .filter(archive::Column::RunId.eq(run_id))
        .order_by_asc(archive::Column::Id)
        .all(db)
        .await?)
}

/// The values the last report of `schedule_id` for `scope` about a month before
/// `month_start` showed (runs before run `before` that sent at least one message), by
/// indicator code: a report compares with an earlier month, never with another
/// rendition of its own month.
pub async fn previous_values(
    db: &impl ConnectionTrait,
    schedule_id: i32,
    scope: &str,
    before: i32,
    month_start: chrono::NaiveDate,
) -> Result<super::compose::Previous> {
    let runs = sea_orm::sea_query::Query::select()
        .column(run::Column::Id)
        .from(run::Entity)
        .and_where(run::Column::ScheduleId.eq(schedule_id))
        .and_where(run::Column::Id.lt(before))
        .and_where(run::Column::Status.is_in(["sent", "partial"]))
        .to_owned();
    let row = archive::Entity::find()
        .filter(archive::Column::RunId.in_subquery(runs))
        .filter(archive::Column::ScopeCode.eq(scope))
        .filter(archive::Column::ReportDate.lt(month_start))
        .order_by_desc(archive::Column::ReportDate)
        .order_by_desc(archive::Column::RunId)
        .one(db)
        .await?;
    match row {
        Some(row) => Ok(super::compose::Previous {
            day: Some(row.report_date),
            values: parse_values(&row.indicator_values)?
                .into_iter()
                .map(|v| (v.code, v.value))
                .collect(),
        }),
        None => Ok(Default::default()),
    }
}

/// The values stored with a rendition.
pub fn parse_values(json: &str) -> Result<Vec<ShownValue>> {
    serde_json::from_str(json)
        .map_err(|e| ServiceError::Internal(format!("archived values are not readable: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_changes_with_any_part() {
        let base = RenderedReport {
            subject: "Báo cáo".into(),
            html: "<p>57/173</p>".into(),
            text: "57/173".into(),
            inline_images: vec![],
            attachments: vec![Attachment {
                filename: "a.csv".into(),
                content_type: "text/csv".into(),
                bytes: b"x".to_vec(),
            }],
        };
        let h = content_hash(&base);
        assert_eq!(h.len(), 64);
        assert_eq!(h, content_hash(&base.clone()));
        let mut other = base.clone();
        other.attachments[0].bytes = b"y".to_vec();
        assert_ne!(h, content_hash(&other));
        let mut moved = base.clone();
        moved.subject = "Báo cáo5".into();
        moved.html = "7/173</p>".into();
        assert_ne!(h, content_hash(&moved), "parts are length-prefixed");
    }
}
