//! Dialogue sessions and their questions from a sheet: one row a question, naming its
//! session by title and day (a session not yet recorded is created by a province
//! admin's file; an area admin may only add to recorded sessions, which are
//! province-level). The asking unit must be in force on the day asked and in the
//! caller's scope (no unit: province admins only); an answered question needs its
//! answer and day, after the day asked. Compared by the natural key (session, asking
//! unit, question text). A question is never ended, so a complete file ends nothing.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{dialogue_question as question, dialogue_session as session};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use super::cell::{Problem, Value};
use super::check::{Units, bad_value, change, dates, day_text, province_only};
use super::directives::choice;
use super::errors::Errors;
use super::keyed::{Input, Keyed, distinct};
use super::kind::Kind;
use crate::auth::Scope;
use crate::domain::{AskerGroup, DialogueTopic, QuestionStatus};
use crate::service::{Result, scope};
use crate::text::fold;

const KIND: Kind = Kind::Questions;

/// One question of the file.
#[derive(Clone, Debug)]
pub struct Question {
    line: u32,
    title: String,
    held_on: NaiveDate,
    topic: &'static str,
    unit: Option<String>,
    group: &'static str,
    text: String,
    department: String,
    answer: Option<String>,
    status: &'static str,
    asked_on: NaiveDate,
    answered_on: Option<NaiveDate>,
}

/// A recorded question with its session's title and day.
#[derive(Clone, Debug)]
pub struct Stored {
    q: question::Model,
    title: String,
    held_on: NaiveDate,
}

type Key = (String, NaiveDate, Option<String>, String);

async fn sessions(
    db: &impl ConnectionTrait,
    titles: &[String],
) -> Result<HashMap<(String, NaiveDate), session::Model>> {
    let mut out = HashMap::new();
    for chunk in titles.chunks(1_000) {
        for s in session::Entity::find()
            .filter(session::Column::Title.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            out.entry((s.title.clone(), s.held_on)).or_insert(s);
        }
    }
    Ok(out)
}

/// Dialogue questions.
pub struct Questions;

impl Keyed for Questions {
    const KIND: Kind = KIND;
    const DUPLICATE_AT: &'static str = "question";
    const KEY: (&'static str, &'static str) = (
        "cùng hội nghị, đơn vị hỏi, câu hỏi",
        "session, asking unit, question",
    );
    type Item = Question;
    type Model = Stored;
    type Key = Key;

    async fn check(
        db: &impl ConnectionTrait,
        input: Input<'_>,
        errors: &mut Errors,
    ) -> Result<(Vec<Question>, Vec<Stored>)> {
        let (scope, rows, layout) = (input.scope, input.rows, input.layout);
        let place = |key: &str| layout.place(KIND, key);
        let codes = distinct(rows, |r| r.text(KIND, "asker_unit_code"));
        let units = Units::load(db, scope, &codes).await?;
        let titles = distinct(rows, |r| r.text(KIND, "session_title"));
        let known = sessions(db, &titles).await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            let (
                Some(title),
                Some(held_on),
                Some(topic),
                Some(group),
                Some(text),
                Some(department),
                Some(status),
                Some(asked_on),
            ) = (
                r.text(KIND, "session_title"),
                r.date(KIND, "held_on"),
                r.choice(KIND, "topic").and_then(DialogueTopic::from_code),
                r.choice(KIND, "asker_group")
                    .and_then(AskerGroup::from_code),
                r.text(KIND, "question"),
                r.text(KIND, "answering_department"),
                r.choice(KIND, "status").and_then(QuestionStatus::from_code),
                r.date(KIND, "asked_on"),
            )
            else {
                continue;
            };
            let unit = r.text(KIND, "asker_unit_code");
            let answer = r.text(KIND, "answer");
            let answered_on = r.date(KIND, "answered_on");
            let days = [
                ("held_on", Some(held_on)),
                ("asked_on", Some(asked_on)),
                ("answered_on", answered_on),
            ];
            let mut fine = dates(
                errors,
                r.line,
                layout,
                KIND,
                &days,
                &[("asked_on", "answered_on")],
            );
            let answered = matches!(status, QuestionStatus::Answered);
            let consistent = if answered {
                answer.is_some() && answered_on.is_some()
            } else {
                answer.is_none() && answered_on.is_none()
            };
            if !consistent {
                errors.at(
                    r.line,
                    place("status"),
                    bad_value(
                        "câu hỏi đã trả lời cần nội dung và ngày trả lời; câu hỏi chưa trả lời thì để trống",
                        "an answered question needs its answer and day; an open one leaves them empty",
                    ),
                );
                fine = false;
            }
            let in_scope = match &unit {
                Some(code) => units.check(code, Some(asked_on)),
                None if !scope.is_all() => Err(province_only()),
                None => Ok(()),
            };
            if let Err(p) = in_scope {
                errors.at(r.line, place("asker_unit_code"), p);
                fine = false;
            }
            if !scope.is_all() && !known.contains_key(&(title.clone(), held_on)) {
                errors.at(
                    r.line,
                    place("session_title"),
                    Problem::new(
                        "IMPORT_UNKNOWN_SESSION",
                        format!(
                            "chưa có hội nghị \"{title}\" ngày {}; hội nghị do Công an tỉnh tạo",
                            crate::format::date_vi(held_on)
                        ),
                        format!(
                            "no session \"{title}\" on {held_on}; sessions are created by the province"
                        ),
                    ),
                );
                fine = false;
            }
            if fine {
                items.push(Question {
                    line: r.line,
                    title,
                    held_on,
                    topic: topic.code(),
                    unit,
                    group: group.code(),
                    text,
                    department,
                    answer,
                    status: status.code(),
                    asked_on,
                    answered_on,
                });
            }
        }
        let by_id: HashMap<i32, &session::Model> = known.values().map(|s| (s.id, s)).collect();
        let ids: Vec<i32> = by_id.keys().copied().collect();
        let mut stored = Vec::new();
        for chunk in ids.chunks(1_000) {
            let select = question::Entity::find()
                .filter(question::Column::SessionId.is_in(chunk.iter().copied()));
            for q in scope::apply(select, scope).all(db).await? {
                if !scope.is_all() && q.asker_unit_code.is_none() {
                    continue;
                }
                let s = by_id[&q.session_id];
                stored.push(Stored {
                    title: s.title.clone(),
                    held_on: s.held_on,
                    q,
                });
            }
        }
        Ok((items, stored))
    }

    fn line(q: &Question) -> u32 {
        q.line
    }

    fn key(q: &Question) -> Key {
        (q.title.clone(), q.held_on, q.unit.clone(), q.text.clone())
    }

    fn stored_key(s: &Stored) -> Key {
        (
            s.title.clone(),
            s.held_on,
            s.q.asker_unit_code.clone(),
            s.q.question.clone(),
        )
    }

    fn id(s: &Stored) -> i32 {
        s.q.id
    }

    fn label(q: &Question) -> String {
        let text: String = q.text.chars().take(40).collect();
        format!(
            "dòng {}: {} — {}",
            q.line,
            q.unit.as_deref().unwrap_or("toàn tỉnh"),
            text
        )
    }

    fn differences(s: &Stored, q: &Question) -> Vec<String> {
        let m = &s.q;
        let mut out = Vec::new();
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
        for (field, was, now) in [
            ("lĩnh vực", m.topic.as_str(), q.topic),
            ("người hỏi", m.asker_group.as_str(), q.group),
            (
                "đơn vị trả lời",
                m.answering_department.as_str(),
                q.department.as_str(),
            ),
            ("tình trạng", m.status.as_str(), q.status),
        ] {
            if was != now {
                out.push(change(field, was, now));
            }
        }
        if m.answer != q.answer {
            out.push(change("trả lời", show(&m.answer), show(&q.answer)));
        }
        if m.asked_on != q.asked_on {
            out.push(change(
                "ngày hỏi",
                day_text(Some(m.asked_on)),
                day_text(Some(q.asked_on)),
            ));
        }
        if m.answered_on != q.answered_on {
            out.push(change(
                "ngày trả lời",
                day_text(m.answered_on),
                day_text(q.answered_on),
            ));
        }
        out
    }

    fn unit(s: &Stored) -> Option<String> {
        s.q.asker_unit_code.clone()
    }

    fn item_unit(q: &Question) -> Option<String> {
        q.unit.clone()
    }

    async fn update(db: &impl ConnectionTrait, s: Stored, q: Question) -> Result<()> {
        let mut row: question::ActiveModel = s.q.into();
        row.topic = Set(q.topic.to_owned());
        row.asker_group = Set(q.group.to_owned());
        row.answering_department = Set(q.department);
        row.answer = Set(q.answer);
        row.status = Set(q.status.to_owned());
        row.asked_on = Set(q.asked_on);
        row.answered_on = Set(q.answered_on);
        row.update(db).await?;
        Ok(())
    }

    /// Creates the sessions the batch names that are not recorded yet, then the questions.
    async fn insert(db: &impl ConnectionTrait, items: &[Question]) -> Result<()> {
        let titles: Vec<String> = items.iter().map(|q| q.title.clone()).collect();
        let mut known = sessions(db, &titles).await?;
        for q in items {
            if let std::collections::hash_map::Entry::Vacant(slot) =
                known.entry((q.title.clone(), q.held_on))
            {
                let s = session::ActiveModel {
                    title: Set(q.title.clone()),
                    held_on: Set(q.held_on),
                    chaired_by: Set(String::new()),
                    location: Set(None),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                slot.insert(s);
            }
        }
        let rows = items.iter().map(|q| question::ActiveModel {
            session_id: Set(known[&(q.title.clone(), q.held_on)].id),
            topic: Set(q.topic.to_owned()),
            asker_unit_code: Set(q.unit.clone()),
            asker_group: Set(q.group.to_owned()),
            search_text: Set(fold(&q.text)),
            question: Set(q.text.clone()),
            answering_department: Set(q.department.clone()),
            answer: Set(q.answer.clone()),
            status: Set(q.status.to_owned()),
            asked_on: Set(q.asked_on),
            answered_on: Set(q.answered_on),
            ..Default::default()
        });
        question::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
        Ok(())
    }

    /// Questions of the scope asked by `day` (an area's own, not province-wide ones).
    async fn export(
        db: &impl ConnectionTrait,
        scope: &Scope,
        day: NaiveDate,
    ) -> Result<Vec<Vec<Value>>> {
        let mut rows = scope::apply(question::Entity::find(), scope)
            .filter(question::Column::AskedOn.lte(day))
            .all(db)
            .await?;
        rows.retain(|q| scope.is_all() || q.asker_unit_code.is_some());
        let by_id: HashMap<i32, session::Model> = session::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        rows.sort_by_key(|q| {
            (
                by_id.get(&q.session_id).map(|s| s.held_on),
                q.session_id,
                q.id,
            )
        });
        Ok(rows
            .into_iter()
            .filter_map(|q| {
                let s = by_id.get(&q.session_id)?;
                Some(vec![
                    Value::Text(s.title.clone()),
                    Value::Date(s.held_on),
                    choice(DialogueTopic::from_code(&q.topic).map(DialogueTopic::code)),
                    q.asker_unit_code.map_or(Value::None, Value::Text),
                    choice(AskerGroup::from_code(&q.asker_group).map(AskerGroup::code)),
                    Value::Text(q.question),
                    Value::Text(q.answering_department),
                    q.answer.map_or(Value::None, Value::Text),
                    choice(QuestionStatus::from_code(&q.status).map(QuestionStatus::code)),
                    Value::Date(q.asked_on),
                    q.answered_on.map_or(Value::None, Value::Date),
                ])
            })
            .collect())
    }
}
