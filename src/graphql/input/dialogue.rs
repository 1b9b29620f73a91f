//! The `dialogueQuestions` query's filter and the question mutation's input, turned
//! into `service::dialogue`'s before a resolver calls it.

use chrono::NaiveDate;

use crate::domain::{AskerGroup, DialogueTopic, QuestionStatus};
use crate::graphql::mirror::input_object;
use crate::service::dialogue;

use super::page::DateRange;

input_object! {
    /// Filters of the `dialogueQuestions` query.
    pub struct QuestionFilter => dialogue::QuestionFilter {
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
}

input_object! {
    /// A question raised at a session.
    pub struct QuestionInput => dialogue::QuestionInput {
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
}
