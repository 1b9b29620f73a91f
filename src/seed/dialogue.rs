//! Dialogue conferences of one province, in the generator of the seed flow: one per
//! profile date, each with the 31 answered questions, chiefs' questions tied to
//! distinct units.

use chrono::{Datelike, NaiveDate};
use entity::{dialogue_question, dialogue_session};
use rand::Rng;
use rand::seq::SliceRandom;

use super::batch::{Gen, next};
use super::names::{full_name, police_of};
use super::questions::{QUESTIONS, Question};
use super::quota::sample;
use crate::domain::{AskerGroup, DialogueTopic, Gender, QuestionStatus};
use crate::text::fold;

/// Who chaired Quảng Ngãi's conference (from the article).
const QUANG_NGAI_CHAIRS: &str = "Đại tá Phan Công Bình, Giám đốc Công an tỉnh; Đại tá Hoàng Anh Tuấn, Phó Giám đốc Công an tỉnh";
const STAFF_DEPARTMENT: &str = "Phòng Tham mưu";
const PERSONNEL_DEPARTMENT: &str = "Phòng Tổ chức cán bộ";

/// Adds every conference of the profile with its questions.
pub(crate) fn generate(g: &mut Gen<'_>) {
    for &held_on in g.profile.sessions {
        session(g, held_on);
    }
}

fn session(g: &mut Gen<'_>, held_on: NaiveDate) {
    let police = police_of(&g.province.name);
    let row = dialogue_session::Model {
        id: next(&mut g.ids.session),
        title: format!(
            "Hội nghị đối thoại giữa lãnh đạo {police} với Trưởng Công an cấp xã, đoàn viên thanh niên, hội viên phụ nữ năm {}",
            held_on.year()
        ),
        held_on,
        chaired_by: chairs(g, &police),
        location: Some(format!("Hội trường {police}")),
    };
    let session_id = row.id;
    g.batch.sessions.push(row);
    let chiefs = QUESTIONS
        .iter()
        .filter(|q| q.group == AskerGroup::Chief)
        .count();
    let mut askers = sample(&mut g.rng, g.slots.len(), chiefs);
    askers.shuffle(&mut g.rng);
    let mut askers = askers.into_iter();
    for question in &QUESTIONS {
        let slot = (question.group == AskerGroup::Chief).then(|| {
            askers
                .next()
                .unwrap_or_else(|| g.rng.random_range(0..g.slots.len()))
        });
        question_row(g, session_id, held_on, question, slot);
    }
}

/// The director and a deputy: the article's names for Quảng Ngãi, drawn names elsewhere.
fn chairs(g: &mut Gen<'_>, police: &str) -> String {
    if g.province.code == "51" {
        return QUANG_NGAI_CHAIRS.to_owned();
    }
    let director = full_name(&mut g.rng, Gender::Male);
    let deputy = full_name(&mut g.rng, Gender::Male);
    format!("Đại tá {director}, Giám đốc {police}; Đại tá {deputy}, Phó Giám đốc {police}")
}

fn question_row(
    g: &mut Gen<'_>,
    session_id: i32,
    held_on: NaiveDate,
    question: &Question,
    slot: Option<usize>,
) {
    let row = dialogue_question::Model {
        id: next(&mut g.ids.question),
        session_id,
        topic: question.topic.code().to_owned(),
        asker_unit_code: slot
            .and_then(|s| g.slots.get(s))
            .map(|s| s.unit.code.clone()),
        asker_group: question.group.code().to_owned(),
        question: question.text.to_owned(),
        search_text: fold(question.text),
        answering_department: department(question.topic).to_owned(),
        answer: Some(question.answer.to_owned()),
        status: QuestionStatus::Answered.code().to_owned(),
        asked_on: held_on,
        answered_on: Some(held_on),
    };
    g.batch.questions.push(row);
}

/// The staff department answers operational topics, the personnel department the rest.
pub(crate) fn department(topic: DialogueTopic) -> &'static str {
    match topic {
        DialogueTopic::GrassrootsSecurity
        | DialogueTopic::Project06
        | DialogueTopic::LogisticsTechnical => STAFF_DEPARTMENT,
        DialogueTopic::PartyBuilding
        | DialogueTopic::OrganisationPersonnel
        | DialogueTopic::EmulationCommendation => PERSONNEL_DEPARTMENT,
    }
}
