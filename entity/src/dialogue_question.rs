//! An opinion or question raised at a dialogue conference, and its answer.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "dialogue_question")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub session_id: i32,
    pub topic: String,
    pub asker_unit_code: Option<String>,
    pub asker_group: String,
    pub question: String,
    pub search_text: String,
    pub answering_department: String,
    pub answer: Option<String>,
    pub status: String,
    pub asked_on: Date,
    pub answered_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
