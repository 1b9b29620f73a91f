//! `DialogueSession` and `DialogueQuestion`: the dialogue conference and what was asked.

use crate::graphql::carry::Lazy;
use crate::graphql::node::{Kind, global};
use async_graphql::{Context, ID, Object, Result};
use chrono::NaiveDate;
use entity::{dialogue_question, dialogue_session};

use super::{Unit, parsed, unit_of};
use crate::domain::{AskerGroup, DialogueTopic, QuestionStatus};
use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::graphql::loaders::SessionById;

/// A dialogue conference.
pub struct DialogueSession(pub dialogue_session::Model);

#[Object]
impl DialogueSession {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::DialogueSession, self.0.id)
    }
    /// Record id.
    async fn db_id(&self) -> i32 {
        self.0.id
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Date held.
    async fn held_on(&self) -> NaiveDate {
        self.0.held_on
    }
    /// Who chaired it.
    async fn chaired_by(&self) -> &str {
        &self.0.chaired_by
    }
    /// Where.
    async fn location(&self) -> Option<&str> {
        self.0.location.as_deref()
    }
}

/// An opinion or question raised at a dialogue conference.
pub struct DialogueQuestion(pub dialogue_question::Model);

/// The question's long texts, left out of a page whose nodes do not ask for them
/// (`graphql::carry::Lazy`).
pub const QUESTION_LAZY: Lazy<dialogue_question::Column> = &[
    (dialogue_question::Column::Question, &["question"]),
    (dialogue_question::Column::SearchText, &[]),
    (
        dialogue_question::Column::AnsweringDepartment,
        &["answeringDepartment"],
    ),
    (dialogue_question::Column::Answer, &["answer"]),
];

#[Object]
impl DialogueQuestion {
    /// Global id (`node(id:)` fetches the record by it).
    pub(crate) async fn id(&self) -> ID {
        global(Kind::DialogueQuestion, self.0.id)
    }
    /// Record id.
    async fn db_id(&self) -> i32 {
        self.0.id
    }
    /// The session.
    async fn session(&self, ctx: &Context<'_>) -> Result<Option<DialogueSession>> {
        let row = ctx
            .loader()
            .load_one(SessionById(self.0.session_id))
            .await
            .gql()?;
        Ok(row.map(DialogueSession))
    }
    /// Topic.
    async fn topic(&self) -> Result<DialogueTopic> {
        parsed("topic", &self.0.topic, DialogueTopic::from_code)
    }
    /// Who asked.
    async fn asker_group(&self) -> Result<AskerGroup> {
        parsed("asker group", &self.0.asker_group, AskerGroup::from_code)
    }
    /// Unit that asked, if any.
    async fn asker_unit_code(&self) -> Option<&str> {
        self.0.asker_unit_code.as_deref()
    }
    /// The unit that asked, if any.
    async fn asker_unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        match &self.0.asker_unit_code {
            Some(code) => unit_of(ctx, code, self.0.asked_on).await,
            None => Ok(None),
        }
    }
    /// The question.
    async fn question(&self) -> &str {
        &self.0.question
    }
    /// Department that answers.
    async fn answering_department(&self) -> &str {
        &self.0.answering_department
    }
    /// The answer, once given.
    async fn answer(&self) -> Option<&str> {
        self.0.answer.as_deref()
    }
    /// Answered or not.
    async fn status(&self) -> Result<QuestionStatus> {
        parsed("question status", &self.0.status, QuestionStatus::from_code)
    }
    /// Date asked.
    async fn asked_on(&self) -> NaiveDate {
        self.0.asked_on
    }
    /// Date answered.
    async fn answered_on(&self) -> Option<NaiveDate> {
        self.0.answered_on
    }
}
