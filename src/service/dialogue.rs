//! Dialogue questions: the list query and writes (record a question, answer it).
//! Questions from no unit (youth or women's representatives at province level) are
//! visible to every token.

use chrono::NaiveDate;
use entity::{dialogue_question as question, dialogue_session as session};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait,
    QueryFilter, QueryTrait,
};

use super::keyset::{Listing, order_name};
use super::page::{DateRange, SortDirection, date_range, eq_in};
use super::{Result, ServiceError, plausible, scope, units, version};
use crate::auth::Scope;
use crate::domain::{AskerGroup, DialogueTopic, QuestionStatus};
use crate::text::{fold, like_pattern};

/// Filters of the `dialogueQuestions` query.
#[derive(Clone, Debug, Default)]
pub struct QuestionFilter {
    /// Session.
    pub session_id: Option<i32>,
    /// Topic.
    pub topic: Option<DialogueTopic>,
    /// Any of these topics.
    pub topic_in: Option<Vec<DialogueTopic>>,
    /// Answered or not.
    pub status: Option<QuestionStatus>,
    /// Who asked.
    pub asker_group: Option<AskerGroup>,
    /// Asked by this unit.
    pub asker_unit_code: Option<String>,
    /// Asked by units of this district.
    pub district_code: Option<String>,
    /// Department that answers.
    pub answering_department: Option<String>,
    /// Date range of the question.
    pub asked_on: Option<DateRange>,
    /// Words of the question, ignoring case and diacritics.
    pub search: Option<String>,
}

/// The filtered, scoped query behind `dialogueQuestions`, by id.
pub fn query(
    scope: &Scope,
    filter: QuestionFilter,
    direction: SortDirection,
) -> Listing<question::Entity> {
    use question::Column as C;
    let select = scope::apply(question::Entity::find(), scope);
    let select = eq_in(select, C::SessionId, filter.session_id, None);
    let topics = filter
        .topic_in
        .map(|ts| ts.into_iter().map(|t| t.code()).collect());
    let select = eq_in(
        select,
        C::Topic,
        filter.topic.map(DialogueTopic::code),
        topics,
    );
    let select = eq_in(
        select,
        C::Status,
        filter.status.map(QuestionStatus::code),
        None,
    );
    let select = eq_in(
        select,
        C::AskerGroup,
        filter.asker_group.map(AskerGroup::code),
        None,
    );
    let select = eq_in(select, C::AskerUnitCode, filter.asker_unit_code, None);
    let select = eq_in(
        select,
        C::AnsweringDepartment,
        filter.answering_department,
        None,
    );
    let select = date_range(select, C::AskedOn, filter.asked_on)
        .apply_if(filter.district_code, |s, d| {
            s.filter(C::AskerUnitCode.in_subquery(scope::unit_codes_of(&d)))
        })
        .apply_if(filter.search, |s, q| {
            s.filter(C::SearchText.like(like_pattern(&q)))
        });
    let order = order_name(&"Id", direction);
    Listing::new(
        "dialogueQuestions",
        order,
        select,
        (C::Id, C::Id),
        direction,
    )
}

/// Dialogue sessions by id (one statement; sessions are province-level).
pub async fn sessions_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<Vec<session::Model>> {
    Ok(session::Entity::find()
        .filter(session::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// A question raised at a session.
#[derive(Clone, Debug)]
pub struct QuestionInput {
    /// Session.
    pub session_id: i32,
    /// Topic.
    pub topic: DialogueTopic,
    /// Who asked.
    pub asker_group: AskerGroup,
    /// Unit that asked, if any.
    pub asker_unit_code: Option<String>,
    /// The question.
    pub question: String,
    /// Department that answers, e.g. "Phòng Tham mưu".
    pub answering_department: String,
    /// Date asked.
    pub asked_on: NaiveDate,
}

/// Records a question.
pub async fn create(
    db: &impl ConnectionTrait,
    scope: &Scope,
    input: QuestionInput,
) -> Result<question::Model> {
    let text = plausible::paragraph("question", &input.question, 4000)?;
    let department = plausible::line("answeringDepartment", &input.answering_department, 200)?;
    plausible::date("askedOn", input.asked_on)?;
    if sessions_by_ids(db, &[input.session_id]).await?.is_empty() {
        return Err(ServiceError::not_found(
            "dialogue session",
            input.session_id,
        ));
    }
    match &input.asker_unit_code {
        Some(code) => drop(units::require(db, scope, code, input.asked_on).await?),
        None if scope.area.is_some() => {
            return Err(ServiceError::Forbidden(
                "an area token must give a unit of its area".into(),
            ));
        }
        None => {}
    }
    version::touch(db, &[input.asker_unit_code.as_deref()]).await?;
    let row = question::ActiveModel {
        session_id: Set(input.session_id),
        topic: Set(input.topic.code().to_owned()),
        asker_unit_code: Set(input.asker_unit_code),
        asker_group: Set(input.asker_group.code().to_owned()),
        search_text: Set(fold(&text)),
        question: Set(text),
        answering_department: Set(department),
        answer: Set(None),
        status: Set(QuestionStatus::Open.code().to_owned()),
        asked_on: Set(input.asked_on),
        answered_on: Set(None),
        ..Default::default()
    };
    let row = row.insert(db).await?;
    scope::check_written(db, scope, question::Entity::find_by_id(row.id)).await?;
    Ok(row)
}

/// Records the answer to a question.
pub async fn answer(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: i32,
    answer: String,
    answered_on: NaiveDate,
) -> Result<question::Model> {
    let answer = plausible::paragraph("answer", &answer, 8000)?;
    plausible::date("answeredOn", answered_on)?;
    let current = require(db, scope, id).await?;
    super::error::check_range("answeredOn", current.asked_on, Some(answered_on))?;
    version::touch(db, &[current.asker_unit_code.as_deref()]).await?;
    let mut row: question::ActiveModel = current.into();
    row.answer = Set(Some(answer));
    row.answered_on = Set(Some(answered_on));
    row.status = Set(QuestionStatus::Answered.code().to_owned());
    Ok(row.update(db).await?)
}

/// Deletes a question recorded by mistake.
pub async fn delete(db: &impl ConnectionTrait, scope: &Scope, id: i32) -> Result<question::Model> {
    let row = require(db, scope, id).await?;
    version::touch(db, &[row.asker_unit_code.as_deref()]).await?;
    row.clone().delete(db).await?;
    Ok(row)
}

async fn require(db: &impl ConnectionTrait, scope: &Scope, id: i32) -> Result<question::Model> {
    let select = scope::apply(question::Entity::find_by_id(id), scope);
    let row = select
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::not_found("dialogue question", id))?;
    if scope.area.is_some() && row.asker_unit_code.is_none() {
        return Err(ServiceError::Forbidden(
            "an area token cannot change province-level questions".into(),
        ));
    }
    Ok(row)
}
