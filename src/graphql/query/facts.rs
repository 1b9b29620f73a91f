//! Queries over headquarters, directives, union activities, dialogue questions and awards.

use async_graphql::{Context, Object, Result};

use crate::graphql::carry::Carry;
use crate::graphql::context::Ctx;
use crate::graphql::input::ToDomain;
use crate::graphql::input::activities::ActivityFilter;
use crate::graphql::input::awards::AwardFilter;
use crate::graphql::input::dialogue::QuestionFilter;
use crate::graphql::input::directives::{DirectiveFilter, DirectiveSort};
use crate::graphql::input::headquarters::{HeadquartersFilter, HeadquartersSort};
use crate::graphql::input::page::SortDirection;
use crate::graphql::pagination::{Page, connection_carrying};
use crate::graphql::types::{
    self, Award, DialogueQuestion, Directive, Headquarters, UnionActivity,
};
use crate::service::carry::row::RecordDay::{On, Until};
use crate::service::{activities, awards, dialogue, directives, headquarters};
use entity::{
    award, dialogue_question as question, headquarters as hq, union_activity as activity,
};

/// Queries over the facts that hang off units.
#[derive(Default)]
pub struct FactQuery;

#[Object]
impl FactQuery {
    /// Headquarters buildings, filtered, sorted and paged.
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
    async fn headquarters(
        &self,
        ctx: &Context<'_>,
        filter: Option<HeadquartersFilter>,
        order_by: Option<HeadquartersSort>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Headquarters>> {
        let today = ctx.request().today;
        let select = headquarters::query(
            ctx.scope(),
            filter.to_domain().unwrap_or_default(),
            order_by.to_domain().unwrap_or_default(),
            today,
        );
        let carry = Carry::unit_at(
            ctx,
            "unit",
            hq::Column::UnitCode,
            Until(hq::Column::ClosedOn),
        )
        .lazy(ctx, types::headquarters::LAZY);
        connection_carrying(ctx, select, first, after, Headquarters::from, carry).await
    }

    /// Leadership and direction documents, filtered, sorted and paged.
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
    async fn directives(
        &self,
        ctx: &Context<'_>,
        filter: Option<DirectiveFilter>,
        order_by: Option<DirectiveSort>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Directive>> {
        let select = directives::query(
            filter.to_domain().unwrap_or_default(),
            order_by.to_domain().unwrap_or_default(),
        );
        let carry = Carry::none().lazy(ctx, types::directive::LAZY);
        connection_carrying(ctx, select, first, after, Directive, carry).await
    }

    /// Union activities, works and models, filtered and paged (by start date).
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
    async fn union_activities(
        &self,
        ctx: &Context<'_>,
        filter: Option<ActivityFilter>,
        #[graphql(default)] direction: SortDirection,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<UnionActivity>> {
        let select = activities::query(
            ctx.scope(),
            filter.to_domain().unwrap_or_default(),
            direction.into(),
        );
        let carry = Carry::unit_at(
            ctx,
            "unit",
            activity::Column::UnitCode,
            Until(activity::Column::EndedOn),
        )
        .lazy(ctx, types::union_activity::LAZY);
        connection_carrying(ctx, select, first, after, UnionActivity, carry).await
    }

    /// Dialogue questions, filtered and paged (by id).
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
    async fn dialogue_questions(
        &self,
        ctx: &Context<'_>,
        filter: Option<QuestionFilter>,
        #[graphql(default)] direction: SortDirection,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<DialogueQuestion>> {
        let select = dialogue::query(
            ctx.scope(),
            filter.to_domain().unwrap_or_default(),
            direction.into(),
        );
        let carry = Carry::unit_at(
            ctx,
            "askerUnit",
            question::Column::AskerUnitCode,
            On(question::Column::AskedOn),
        )
        .and_session(ctx, question::Column::SessionId)
        .lazy(ctx, types::dialogue::QUESTION_LAZY);
        connection_carrying(ctx, select, first, after, DialogueQuestion, carry).await
    }

    /// Awards, filtered and paged (by date).
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
    async fn awards(
        &self,
        ctx: &Context<'_>,
        filter: Option<AwardFilter>,
        #[graphql(default)] direction: SortDirection,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Page<Award>> {
        let select = awards::query(
            ctx.scope(),
            filter.to_domain().unwrap_or_default(),
            direction.into(),
        );
        let carry = Carry::unit_at(
            ctx,
            "unit",
            award::Column::UnitCode,
            On(award::Column::AwardedOn),
        )
        .and_officer(ctx, award::Column::OfficerId)
        .lazy(ctx, types::award::LAZY);
        connection_carrying(ctx, select, first, after, Award::from, carry).await
    }
}
