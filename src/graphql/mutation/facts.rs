//! Mutations on headquarters, directives, union activities, dialogue questions and awards.

use crate::graphql::node::{Kind, argument};
use async_graphql::{Context, ID, Object, Result};
use chrono::NaiveDate;

use super::in_txn;
use crate::graphql::context::Ctx;
use crate::graphql::error::GqlResult;
use crate::graphql::guards::AdminGuard;
use crate::graphql::input::activities::ActivityInput;
use crate::graphql::input::awards::AwardInput;
use crate::graphql::input::dialogue::QuestionInput;
use crate::graphql::input::directives::DirectiveInput;
use crate::graphql::input::headquarters::{CreateHeadquartersInput, UpdateHeadquartersInput};
use crate::graphql::types::{Award, DialogueQuestion, Directive, Headquarters, UnionActivity};
use crate::service::{activities, awards, dialogue, directives, headquarters};

/// Mutations on the facts that hang off units.
#[derive(Default)]
pub struct FactMutation;

#[Object]
impl FactMutation {
    /// Records a headquarters building or the plan for one.
    #[graphql(guard = "AdminGuard")]
    async fn create_headquarters(
        &self,
        ctx: &Context<'_>,
        input: CreateHeadquartersInput,
    ) -> Result<Headquarters> {
        Ok(Headquarters::from(in_txn!(
            ctx,
            |txn| headquarters::create(&txn, ctx.scope(), input.into())
        )))
    }

    /// Updates a building's dates and figures (approval, construction, use).
    #[graphql(guard = "AdminGuard")]
    async fn update_headquarters(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateHeadquartersInput,
    ) -> Result<Headquarters> {
        let id = argument(Kind::Headquarters, &id)?;
        Ok(Headquarters::from(in_txn!(
            ctx,
            |txn| headquarters::update(&txn, ctx.scope(), id, input.into())
        )))
    }

    /// Closes a building (it stops being used).
    #[graphql(guard = "AdminGuard")]
    async fn close_headquarters(
        &self,
        ctx: &Context<'_>,
        id: ID,
        closed_on: NaiveDate,
    ) -> Result<Headquarters> {
        let id = argument(Kind::Headquarters, &id)?;
        Ok(Headquarters::from(in_txn!(ctx, |txn| headquarters::close(
            &txn,
            ctx.scope(),
            id,
            closed_on
        ))))
    }

    /// Records a leadership or direction document (province admins only).
    #[graphql(guard = "AdminGuard")]
    async fn create_directive(
        &self,
        ctx: &Context<'_>,
        input: DirectiveInput,
    ) -> Result<Directive> {
        Ok(Directive(in_txn!(ctx, |txn| directives::create(
            &txn,
            ctx.scope(),
            input.into()
        ))))
    }

    /// Replaces a document's fields (province admins only).
    #[graphql(guard = "AdminGuard")]
    async fn update_directive(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: DirectiveInput,
    ) -> Result<Directive> {
        let id = argument(Kind::Directive, &id)?;
        Ok(Directive(in_txn!(ctx, |txn| directives::update(
            &txn,
            ctx.scope(),
            id,
            input.into()
        ))))
    }

    /// Deletes a document recorded by mistake (province admins only).
    #[graphql(guard = "AdminGuard")]
    async fn delete_directive(&self, ctx: &Context<'_>, id: ID) -> Result<Directive> {
        let id = argument(Kind::Directive, &id)?;
        Ok(Directive(in_txn!(ctx, |txn| directives::delete(
            &txn,
            ctx.scope(),
            id
        ))))
    }

    /// Records a union activity, work or model.
    #[graphql(guard = "AdminGuard")]
    async fn create_union_activity(
        &self,
        ctx: &Context<'_>,
        input: ActivityInput,
    ) -> Result<UnionActivity> {
        Ok(UnionActivity(in_txn!(ctx, |txn| activities::create(
            &txn,
            ctx.scope(),
            input.into()
        ))))
    }

    /// Replaces an activity's fields.
    #[graphql(guard = "AdminGuard")]
    async fn update_union_activity(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ActivityInput,
    ) -> Result<UnionActivity> {
        let id = argument(Kind::UnionActivity, &id)?;
        Ok(UnionActivity(in_txn!(ctx, |txn| activities::update(
            &txn,
            ctx.scope(),
            id,
            input.into()
        ))))
    }

    /// Deletes an activity recorded by mistake.
    #[graphql(guard = "AdminGuard")]
    async fn delete_union_activity(&self, ctx: &Context<'_>, id: ID) -> Result<UnionActivity> {
        let id = argument(Kind::UnionActivity, &id)?;
        Ok(UnionActivity(in_txn!(ctx, |txn| activities::delete(
            &txn,
            ctx.scope(),
            id
        ))))
    }

    /// Records a question raised at a dialogue session.
    #[graphql(guard = "AdminGuard")]
    async fn create_dialogue_question(
        &self,
        ctx: &Context<'_>,
        input: QuestionInput,
    ) -> Result<DialogueQuestion> {
        Ok(DialogueQuestion(in_txn!(ctx, |txn| dialogue::create(
            &txn,
            ctx.scope(),
            input.into()
        ))))
    }

    /// Records the answer to a question.
    #[graphql(guard = "AdminGuard")]
    async fn answer_dialogue_question(
        &self,
        ctx: &Context<'_>,
        id: ID,
        answer: String,
        answered_on: NaiveDate,
    ) -> Result<DialogueQuestion> {
        let id = argument(Kind::DialogueQuestion, &id)?;
        Ok(DialogueQuestion(in_txn!(ctx, |txn| dialogue::answer(
            &txn,
            ctx.scope(),
            id,
            answer,
            answered_on
        ))))
    }

    /// Deletes a question recorded by mistake.
    #[graphql(guard = "AdminGuard")]
    async fn delete_dialogue_question(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<DialogueQuestion> {
        let id = argument(Kind::DialogueQuestion, &id)?;
        Ok(DialogueQuestion(in_txn!(ctx, |txn| dialogue::delete(
            &txn,
            ctx.scope(),
            id
        ))))
    }

    /// Records an award to a unit or an officer.
    #[graphql(guard = "AdminGuard")]
    async fn create_award(&self, ctx: &Context<'_>, input: AwardInput) -> Result<Award> {
        Ok(Award::from(in_txn!(ctx, |txn| awards::create(
            &txn,
            ctx.scope(),
            input.into()
        ))))
    }

    /// Deletes an award recorded by mistake.
    #[graphql(guard = "AdminGuard")]
    async fn delete_award(&self, ctx: &Context<'_>, id: ID) -> Result<Award> {
        let id = argument(Kind::Award, &id)?;
        Ok(Award::from(in_txn!(ctx, |txn| awards::delete(
            &txn,
            ctx.scope(),
            id
        ))))
    }
}
