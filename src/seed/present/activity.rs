//! One month of the stage since July 2025 in the seed flow, drawn from the month's own
//! seed: a few postings end (officers moving to the province) and a few start (new
//! officers, to the units with the fewest), union activities and a work of the "Mẹ đỡ
//! đầu" programme, a dialogue session in the last month of each quarter, and awards
//! (the Director's every month, the Chairman's at the year-end review).

use chrono::{Datelike, NaiveDate, TimeDelta};
use entity::{award, dialogue_question, dialogue_session, union_activity};
use rand::Rng;

use super::monthly::World;
use super::people::Origin;
use crate::domain::{
    ActivityKind, AskerGroup, AwardForm, AwardIssuer, Position, QuestionStatus, RecipientKind,
};
use crate::seed::catalogue::{COLLECTIVE_REASONS, GODMOTHER, INDIVIDUAL_REASONS, VOLUNTEER};
use crate::seed::dates::Window;
use crate::seed::dialogue::department;
use crate::seed::names::police_of;
use crate::seed::questions::{QUESTIONS, Question};
use crate::seed::quota::{pick, sample};
use crate::text::fold;

/// Postings ending (plain officers posted for at least six months) and starting.
pub(super) fn movement(rng: &mut impl Rng, days: Window, w: &mut World) {
    let first = days.from;
    let settled = first - TimeDelta::days(180);
    let mut leaving = Vec::new();
    for u in &w.units {
        leaving.extend(w.staff.in_post(&u.code, first).into_iter().filter(|&i| {
            let p = &w.staff.posts[i];
            p.position == Position::Officer && p.from <= settled
        }));
    }
    let ends = rng.random_range(2..=5).min(leaving.len());
    for k in sample(rng, leaving.len(), ends) {
        let on = days.pick(rng);
        w.end_post(leaving[k], on);
    }
    for _ in 0..rng.random_range(3..=6) {
        // The smallest of three units drawn: newcomers go where officers are fewest.
        let unit = (0..3)
            .map(|_| rng.random_range(0..w.units.len()))
            .min_by_key(|&i| (w.staff.count(&w.units[i].code, first, None), i))
            .unwrap_or(0);
        let code = w.units[unit].code.clone();
        let from = days.pick(rng);
        w.post(rng, &code, Position::Officer, Origin::Recruit, from);
    }
}

/// Volunteer activities (more in the summer campaign), one in six province-wide, and
/// every other month a maintained work of the "Mẹ đỡ đầu" programme.
pub(super) fn unions(rng: &mut impl Rng, days: Window, w: &mut World) {
    let summer = matches!(days.from.month(), 6..=8);
    let count = rng.random_range(4..=8) + if summer { 4 } else { 0 };
    for _ in 0..count {
        let unit = (!rng.random_bool(1.0 / 6.0)).then(|| rng.random_range(0..w.units.len()));
        let (organisation, what) = pick(rng, &VOLUNTEER);
        let started_on = days.pick(rng);
        let ended_on = started_on + TimeDelta::days(rng.random_range(0..=10));
        let name = format!("{what} năm {} - {}", started_on.year(), scope(w, unit));
        let row = activity(w, unit, name, started_on);
        w.drafts.activities.push(union_activity::Model {
            organisation: organisation.code().to_owned(),
            ended_on: Some(ended_on),
            ..row
        });
    }
    if rng.random_bool(0.5) {
        let unit = Some(rng.random_range(0..w.units.len()));
        let (organisation, what) = pick(rng, &GODMOTHER.works);
        let started_on = days.pick(rng);
        let name = format!("{what} - {}", scope(w, unit));
        let row = activity(w, unit, name, started_on);
        w.drafts.activities.push(union_activity::Model {
            organisation: organisation.code().to_owned(),
            kind: ActivityKind::WorkOrModel.code().to_owned(),
            programme: Some(GODMOTHER.name.to_owned()),
            maintained: true,
            ..row
        });
    }
}

/// A volunteer activity of `unit` (the province when none), without an end.
fn activity(
    w: &World,
    unit: Option<usize>,
    name: String,
    started_on: NaiveDate,
) -> union_activity::Model {
    union_activity::Model {
        id: 0,
        organisation: String::new(),
        kind: ActivityKind::VolunteerActivity.code().to_owned(),
        search_name: fold(&name),
        name,
        programme: None,
        unit_code: unit.map(|i| w.units[i].code.clone()),
        started_on,
        ended_on: None,
        maintained: false,
    }
}

fn scope(w: &World, unit: Option<usize>) -> String {
    unit.map_or_else(|| w.province.police(), |i| police_of(&w.units[i].name))
}

/// A dialogue session in March, June, September and December: five chiefs' questions
/// from distinct units, two from the youth, one from the women, answered within three
/// weeks (still open when that is after the cut-off day).
pub(super) fn dialogue(rng: &mut impl Rng, days: Window, w: &mut World) {
    if !days.from.month().is_multiple_of(3) {
        return;
    }
    let held_on = Window::new(
        days.from + TimeDelta::days(9),
        days.from + TimeDelta::days(24),
    )
    .pick(rng);
    let local = w.drafts.sessions.len() as i32 + 1;
    let police = w.province.police();
    w.drafts.sessions.push(dialogue_session::Model {
        id: local,
        title: format!(
            "Hội nghị đối thoại giữa lãnh đạo {police} với Trưởng Công an cấp xã, đoàn viên thanh niên, hội viên phụ nữ quý {}/{}",
            days.from.month() / 3,
            held_on.year()
        ),
        held_on,
        chaired_by: format!("Ban Giám đốc {police}"),
        location: Some(format!("Hội trường {police}")),
    });
    let askers = sample(rng, w.units.len(), 5);
    let mut askers = askers.into_iter();
    for (group, count) in [
        (AskerGroup::Chief, 5),
        (AskerGroup::Youth, 2),
        (AskerGroup::Women, 1),
    ] {
        // Questions about the district police no longer fit after 2025.
        let pool: Vec<&Question> = QUESTIONS
            .iter()
            .filter(|q| {
                q.group == group && !q.text.contains("huyện") && !q.answer.contains("huyện")
            })
            .collect();
        for k in sample(rng, pool.len(), count) {
            let q = pool[k];
            let unit = (group == AskerGroup::Chief)
                .then(|| askers.next())
                .flatten()
                .map(|i| w.units[i].code.clone());
            let answered_on = held_on + TimeDelta::days(rng.random_range(0..=21));
            w.drafts.questions.push(dialogue_question::Model {
                id: 0,
                session_id: local,
                topic: q.topic.code().to_owned(),
                asker_unit_code: unit,
                asker_group: group.code().to_owned(),
                question: q.text.to_owned(),
                search_text: fold(q.text),
                answering_department: department(q.topic).to_owned(),
                answer: Some(q.answer.to_owned()),
                status: QuestionStatus::Answered.code().to_owned(),
                asked_on: held_on,
                answered_on: Some(answered_on),
            });
        }
    }
}

/// One to three of the Director's awards a month; in December four of the Chairman's
/// and one of the Minister's. Half to an officer in post at the unit that day.
pub(super) fn awards(rng: &mut impl Rng, days: Window, w: &mut World) {
    let mut issued = vec![
        (AwardIssuer::Director, AwardForm::CertificateOfCommendation);
        rng.random_range(1..=3)
    ];
    if days.from.month() == 12 {
        issued.extend(
            [(
                AwardIssuer::ProvincialChairman,
                AwardForm::CertificateOfMerit,
            ); 4],
        );
        issued.push((AwardIssuer::Minister, AwardForm::CertificateOfMerit));
    }
    for (issuer, form) in issued {
        let unit = rng.random_range(0..w.units.len());
        let code = w.units[unit].code.clone();
        let awarded_on = days.pick(rng);
        let in_post = w.staff.in_post(&code, awarded_on);
        let officer = (rng.random_bool(0.5) && !in_post.is_empty())
            .then(|| w.staff.posts[in_post[rng.random_range(0..in_post.len())]].key);
        let (kind, reason) = match officer {
            Some(_) => (RecipientKind::Individual, pick(rng, &INDIVIDUAL_REASONS)),
            None => (RecipientKind::Collective, pick(rng, &COLLECTIVE_REASONS)),
        };
        w.drafts.awards.push(award::Model {
            id: 0,
            form: form.code().to_owned(),
            issuer: issuer.code().to_owned(),
            recipient_kind: kind.code().to_owned(),
            unit_code: code,
            officer_id: officer,
            awarded_on,
            reason: format!("{reason} năm {}", awarded_on.year()),
        });
    }
}
