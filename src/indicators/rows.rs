//! Plain Rust rows of the nine record kinds and their conversion into [`Frames`]: the
//! way tests, benchmarks and callers without a database feed the engine.

use chrono::NaiveDate;
use polars::prelude::{Column, DataFrame, PolarsResult};

use super::frames::Frames;

/// A commune-level unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitRow {
    /// 5-digit commune code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Code of its district.
    pub district_code: String,
    /// Code of its province.
    pub province_code: String,
    /// `xa`, `phuong` or `thi_tran`.
    pub kind: String,
    /// First day the unit exists.
    pub valid_from: NaiveDate,
    /// First day it no longer exists.
    pub valid_to: Option<NaiveDate>,
}

/// A district.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DistrictRow {
    /// 3-digit district code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Code of its province.
    pub province_code: String,
}

/// An officer and the posting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfficerRow {
    /// Officer id.
    pub id: i32,
    /// Unit posted to.
    pub unit_code: String,
    /// `chief`, `deputy` or `officer`.
    pub position: String,
    /// First day in post.
    pub posted_from: NaiveDate,
    /// First day no longer in post.
    pub posted_to: Option<NaiveDate>,
}

/// A seat on a commune Party committee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MembershipRow {
    /// The officer holding the seat.
    pub officer_id: i32,
    /// The unit whose commune the committee belongs to.
    pub unit_code: String,
    /// `executive` or `standing`.
    pub body: String,
    /// First day on the committee.
    pub started_on: NaiveDate,
    /// First day no longer on it.
    pub ended_on: Option<NaiveDate>,
}

/// A headquarters building of a unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeadquartersRow {
    /// The unit.
    pub unit_code: String,
    /// `new`, `legacy`, `temporary` or `shared`.
    pub model: String,
    /// Day the building was approved.
    pub approved_on: Option<NaiveDate>,
    /// Day construction started.
    pub construction_started_on: Option<NaiveDate>,
    /// First day in use.
    pub in_use_on: Option<NaiveDate>,
    /// First day no longer in use.
    pub closed_on: Option<NaiveDate>,
    /// Day it is due in use.
    pub target_date: Option<NaiveDate>,
}

/// A leadership or direction document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectiveRow {
    /// Id.
    pub id: i32,
    /// Kind (resolution, directive, ...).
    pub kind: String,
    /// Issuing body.
    pub issuer: String,
    /// Day issued.
    pub issued_on: NaiveDate,
}

/// A union activity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityRow {
    /// Id.
    pub id: i32,
    /// `volunteer_activity`, `work_or_model` or `programme`.
    pub kind: String,
    /// `youth_union` or `womens_association`.
    pub organisation: String,
    /// The unit, or none for a province-wide activity.
    pub unit_code: Option<String>,
    /// First day.
    pub started_on: NaiveDate,
    /// First day after it ended.
    pub ended_on: Option<NaiveDate>,
    /// Whether a work or model is still maintained.
    pub maintained: bool,
}

/// A dialogue question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionRow {
    /// Id.
    pub id: i32,
    /// One of the six topics.
    pub topic: String,
    /// The asking unit, if a unit asked.
    pub asker_unit_code: Option<String>,
    /// `open` or `answered`.
    pub status: String,
    /// Day asked.
    pub asked_on: NaiveDate,
    /// Day answered.
    pub answered_on: Option<NaiveDate>,
}

/// An award.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwardRow {
    /// Id.
    pub id: i32,
    /// Form (certificate of merit, ...).
    pub form: String,
    /// Issuer (minister, provincial chairman, director).
    pub issuer: String,
    /// `collective` or `individual`.
    pub recipient_kind: String,
    /// The unit (of the individual, for an individual award).
    pub unit_code: String,
    /// Day awarded.
    pub awarded_on: NaiveDate,
}

/// The records of a scope as plain rows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rows {
    /// Units.
    pub units: Vec<UnitRow>,
    /// Districts.
    pub districts: Vec<DistrictRow>,
    /// Officers.
    pub officers: Vec<OfficerRow>,
    /// Party committee seats.
    pub memberships: Vec<MembershipRow>,
    /// Headquarters.
    pub headquarters: Vec<HeadquartersRow>,
    /// Documents.
    pub directives: Vec<DirectiveRow>,
    /// Union activities.
    pub activities: Vec<ActivityRow>,
    /// Dialogue questions.
    pub questions: Vec<QuestionRow>,
    /// Awards.
    pub awards: Vec<AwardRow>,
}

/// A string column of one field of every row.
fn strs<R>(rows: &[R], name: &str, f: impl Fn(&R) -> &str) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<&str>>())
}

/// A nullable string column.
fn opt_strs<R>(rows: &[R], name: &str, f: impl Fn(&R) -> Option<&str>) -> Column {
    Column::new(
        name.into(),
        rows.iter().map(f).collect::<Vec<Option<&str>>>(),
    )
}

/// A date column.
fn dates<R>(rows: &[R], name: &str, f: impl Fn(&R) -> NaiveDate) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<NaiveDate>>())
}

/// A nullable date column.
fn opt_dates<R>(rows: &[R], name: &str, f: impl Fn(&R) -> Option<NaiveDate>) -> Column {
    Column::new(
        name.into(),
        rows.iter().map(f).collect::<Vec<Option<NaiveDate>>>(),
    )
}

/// An id column.
fn ids<R>(rows: &[R], name: &str, f: impl Fn(&R) -> i32) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<i32>>())
}

/// A boolean column.
fn bools<R>(rows: &[R], name: &str, f: impl Fn(&R) -> bool) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<bool>>())
}

/// A frame of `height` rows from its columns.
fn frame(height: usize, columns: Vec<Column>) -> PolarsResult<DataFrame> {
    DataFrame::new(height, columns)
}

impl Frames {
    /// Builds the frames from plain rows (then validated like any frames).
    pub fn from_rows(rows: &Rows) -> PolarsResult<Frames> {
        let frames = Frames {
            units: units(&rows.units)?,
            districts: districts(&rows.districts)?,
            officers: officers(&rows.officers)?,
            memberships: memberships(&rows.memberships)?,
            headquarters: headquarters(&rows.headquarters)?,
            directives: directives(&rows.directives)?,
            activities: activities(&rows.activities)?,
            questions: questions(&rows.questions)?,
            awards: awards(&rows.awards)?,
            areas: Frames::empty().areas,
        };
        frames.validate()?;
        Ok(frames)
    }
}

fn units(r: &[UnitRow]) -> PolarsResult<DataFrame> {
    frame(
        r.len(),
        vec![
            strs(r, "code", |x| &x.code),
            strs(r, "name", |x| &x.name),
            strs(r, "district_code", |x| &x.district_code),
            strs(r, "province_code", |x| &x.province_code),
            strs(r, "kind", |x| &x.kind),
            dates(r, "valid_from", |x| x.valid_from),
            opt_dates(r, "valid_to", |x| x.valid_to),
        ],
    )
}

fn districts(r: &[DistrictRow]) -> PolarsResult<DataFrame> {
    frame(
        r.len(),
        vec![
            strs(r, "code", |x| &x.code),
            strs(r, "name", |x| &x.name),
            strs(r, "province_code", |x| &x.province_code),
        ],
    )
}

fn officers(r: &[OfficerRow]) -> PolarsResult<DataFrame> {
    frame(
        r.len(),
        vec![
            ids(r, "id", |x| x.id),
            strs(r, "unit_code", |x| &x.unit_code),
            strs(r, "position", |x| &x.position),
            dates(r, "posted_from", |x| x.posted_from),
            opt_dates(r, "posted_to", |x| x.posted_to),
        ],
    )
}

fn memberships(r: &[MembershipRow]) -> PolarsResult<DataFrame> {
    frame(
        r.len(),
        vec![
            ids(r, "officer_id", |x| x.officer_id),
            strs(r, "unit_code", |x| &x.unit_code),
            strs(r, "body", |x| &x.body),
            dates(r, "started_on", |x| x.started_on),
            opt_dates(r, "ended_on", |x| x.ended_on),
        ],
    )
}

fn headquarters(r: &[HeadquartersRow]) -> PolarsResult<DataFrame> {
    frame(
        r.len(),
        vec![
            strs(r, "unit_code", |x| &x.unit_code),
            strs(r, "model", |x| &x.model),
            opt_dates(r, "approved_on", |x| x.approved_on),
            opt_dates(r, "construction_started_on", |x| x.construction_started_on),
            opt_dates(r, "in_use_on", |x| x.in_use_on),
            opt_dates(r, "closed_on", |x| x.closed_on),
            opt_dates(r, "target_date", |x| x.target_date),
        ],
    )
}

fn directives(r: &[DirectiveRow]) -> PolarsResult<DataFrame> {
    frame(
        r.len(),
        vec![
            ids(r, "id", |x| x.id),
            strs(r, "kind", |x| &x.kind),
            strs(r, "issuer", |x| &x.issuer),
            dates(r, "issued_on", |x| x.issued_on),
        ],
    )
}

fn activities(r: &[ActivityRow]) -> PolarsResult<DataFrame> {
    frame(
        r.len(),
        vec![
            ids(r, "id", |x| x.id),
            strs(r, "kind", |x| &x.kind),
            strs(r, "organisation", |x| &x.organisation),
            opt_strs(r, "unit_code", |x| x.unit_code.as_deref()),
            dates(r, "started_on", |x| x.started_on),
            opt_dates(r, "ended_on", |x| x.ended_on),
            bools(r, "maintained", |x| x.maintained),
        ],
    )
}

fn questions(r: &[QuestionRow]) -> PolarsResult<DataFrame> {
    frame(
        r.len(),
        vec![
            ids(r, "id", |x| x.id),
            strs(r, "topic", |x| &x.topic),
            opt_strs(r, "asker_unit_code", |x| x.asker_unit_code.as_deref()),
            strs(r, "status", |x| &x.status),
            dates(r, "asked_on", |x| x.asked_on),
            opt_dates(r, "answered_on", |x| x.answered_on),
        ],
    )
}

fn awards(r: &[AwardRow]) -> PolarsResult<DataFrame> {
    frame(
        r.len(),
        vec![
            ids(r, "id", |x| x.id),
            strs(r, "form", |x| &x.form),
            strs(r, "issuer", |x| &x.issuer),
            strs(r, "recipient_kind", |x| &x.recipient_kind),
            strs(r, "unit_code", |x| &x.unit_code),
            dates(r, "awarded_on", |x| x.awarded_on),
        ],
    )
}
