//! The floor's answers for the lists of facts that hang off units: directives, union
//! activities, dialogue questions, awards and Party committee seats, 100 of each in the
//! lists' default order, with the nested fields a dashboard asks for (the GraphQL
//! documents are in `crate::bench::graphql`). One hand-written statement each, its rows
//! written straight into the shape of the GraphQL answer.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, QueryResult};
use serde_json::{Map, Value, json};

use super::{
    DISTRICT_COLUMNS, UNIT_COLUMNS, district, edges, named, rank_name, rows, until, with_unit,
};
use crate::domain::{
    ActivityKind, AwardForm, DialogueTopic, DirectiveIssuer, DirectiveKind, PartyBody,
    QuestionStatus,
};
use crate::graphql::node::{Kind, global};

/// A stored code's GraphQL enum name, through its domain enum.
fn code<T: async_graphql::InputType>(
    row: &QueryResult,
    column: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Value, sea_orm::DbErr> {
    Ok(named(parse(&row.try_get::<String>("", column)?)))
}

/// `{code, name}` of the unit in `u_code`, `u_name` (with its district when `with_district`), or null.
fn unit(row: &QueryResult, with_district: bool) -> Result<Value, sea_orm::DbErr> {
    let Some(code) = row.try_get::<Option<String>>("", "u_code")? else {
        return Ok(Value::Null);
    };
    let mut unit = Map::new();
    unit.insert("code".into(), code.into());
    unit.insert("name".into(), row.try_get::<String>("", "u_name")?.into());
    if with_district {
        unit.insert("district".into(), district(row)?);
    }
    Ok(Value::Object(unit))
}

/// `{rank}` of the officer in `o_id`, `o_rank`, or null.
fn officer(row: &QueryResult) -> Result<Value, sea_orm::DbErr> {
    Ok(match row.try_get::<Option<i32>>("", "o_id")? {
        Some(_) => json!({ "rank": rank_name(row.try_get("", "o_rank")?) }),
        None => Value::Null,
    })
}

fn date(row: &QueryResult, column: &str) -> Result<Value, sea_orm::DbErr> {
    Ok(json!(row.try_get::<NaiveDate>("", column)?))
}

fn id(row: &QueryResult, kind: Kind) -> Result<Value, sea_orm::DbErr> {
    Ok(global(kind, row.try_get::<i32>("", "id")?).0.into())
}

/// `{ directives(first: 100) { edges { node { id number kind issuer title issuedOn } } } }`
pub(super) async fn directives(db: &impl ConnectionTrait) -> Result<Value, sea_orm::DbErr> {
    let sql = "SELECT id, number, kind, issuer, title, issued_on FROM directive \
               ORDER BY issued_on, id LIMIT 100";
    let found = rows(db, sql.to_owned(), vec![]).await?;
    let mut nodes = Vec::with_capacity(found.len());
    for row in &found {
        nodes.push(json!({
            "id": id(row, Kind::Directive)?,
            "number": row.try_get::<String>("", "number")?,
            "kind": code(row, "kind", DirectiveKind::from_code)?,
            "issuer": code(row, "issuer", DirectiveIssuer::from_code)?,
            "title": row.try_get::<String>("", "title")?,
            "issuedOn": date(row, "issued_on")?,
        }));
    }
    Ok(json!({ "directives": edges(nodes) }))
}

/// `{ unionActivities(first: 100) { edges { node { id name kind startedOn unit { code
/// name district { code name } } } } } }`: the unit on the activity's last day or today.
pub(super) async fn union_activities(
    db: &impl ConnectionTrait,
    today: NaiveDate,
) -> Result<Value, sea_orm::DbErr> {
    let page = with_unit(
        "SELECT id, name, kind, started_on, ended_on, unit_code FROM union_activity ORDER BY started_on, id LIMIT 100",
        "r.unit_code",
        &until("ended_on"),
    );
    let sql = format!(
        "SELECT r.id, r.name, r.kind, r.started_on, {UNIT_COLUMNS}, \
         {DISTRICT_COLUMNS} \
         FROM {page} \
         ORDER BY r.started_on, r.id"
    );
    let found = rows(db, sql, vec![today.into()]).await?;
    let mut nodes = Vec::with_capacity(found.len());
    for row in &found {
        nodes.push(json!({
            "id": id(row, Kind::UnionActivity)?,
            "name": row.try_get::<String>("", "name")?,
            "kind": code(row, "kind", ActivityKind::from_code)?,
            "startedOn": date(row, "started_on")?,
            "unit": unit(row, true)?,
        }));
    }
    Ok(json!({ "unionActivities": edges(nodes) }))
}

/// `{ dialogueQuestions(first: 100) { edges { node { id topic status askedOn session {
/// title heldOn } askerUnit { code name } } } } }`: the unit on the day it asked.
pub(super) async fn dialogue_questions(db: &impl ConnectionTrait) -> Result<Value, sea_orm::DbErr> {
    let page = with_unit(
        "SELECT id, session_id, topic, status, asked_on, asker_unit_code FROM dialogue_question ORDER BY id LIMIT 100",
        "r.asker_unit_code",
        "q.valid_from <= r.asked_on",
    );
    let sql = format!(
        "SELECT r.id, r.topic, r.status, r.asked_on, s.id AS s_id, s.title AS s_title, \
         s.held_on AS s_held_on, {UNIT_COLUMNS} \
         FROM {page} \
         LEFT JOIN dialogue_session s ON s.id = r.session_id \
         ORDER BY r.id"
    );
    let found = rows(db, sql, vec![]).await?;
    let mut nodes = Vec::with_capacity(found.len());
    for row in &found {
        let session = match row.try_get::<Option<i32>>("", "s_id")? {
            Some(_) => json!({
                "title": row.try_get::<String>("", "s_title")?,
                "heldOn": date(row, "s_held_on")?,
            }),
            None => Value::Null,
        };
        nodes.push(json!({
            "id": id(row, Kind::DialogueQuestion)?,
            "topic": code(row, "topic", DialogueTopic::from_code)?,
            "status": code(row, "status", QuestionStatus::from_code)?,
            "askedOn": date(row, "asked_on")?,
            "session": session,
            "askerUnit": unit(row, false)?,
        }));
    }
    Ok(json!({ "dialogueQuestions": edges(nodes) }))
}

/// `{ awards(first: 100) { edges { node { id form awardedOn unit { code name } officer {
/// rank } } } } }`: the unit on the award's day.
pub(super) async fn awards(db: &impl ConnectionTrait) -> Result<Value, sea_orm::DbErr> {
    let page = with_unit(
        "SELECT id, form, awarded_on, unit_code, officer_id FROM award ORDER BY awarded_on, id LIMIT 100",
        "r.unit_code",
        "q.valid_from <= r.awarded_on",
    );
    let sql = format!(
        "SELECT r.id, r.form, r.awarded_on, {UNIT_COLUMNS}, \
         o.id AS o_id, o.rank AS o_rank \
         FROM {page} \
         LEFT JOIN officer o ON o.id = r.officer_id \
         ORDER BY r.awarded_on, r.id"
    );
    let found = rows(db, sql, vec![]).await?;
    let mut nodes = Vec::with_capacity(found.len());
    for row in &found {
        nodes.push(json!({
            "id": id(row, Kind::Award)?,
            "form": code(row, "form", AwardForm::from_code)?,
            "awardedOn": date(row, "awarded_on")?,
            "unit": unit(row, false)?,
            "officer": officer(row)?,
        }));
    }
    Ok(json!({ "awards": edges(nodes) }))
}

/// `{ partyMemberships(first: 100) { edges { node { id body term startedOn officer {
/// rank } unit { code name } } } } }`: the unit on the seat's last day or today.
pub(super) async fn party_memberships(
    db: &impl ConnectionTrait,
    today: NaiveDate,
) -> Result<Value, sea_orm::DbErr> {
    let page = with_unit(
        "SELECT id, body, term, started_on, ended_on, officer_id, unit_code FROM party_membership ORDER BY id LIMIT 100",
        "r.unit_code",
        &until("ended_on"),
    );
    let sql = format!(
        "SELECT r.id, r.body, r.term, r.started_on, o.id AS o_id, o.rank AS o_rank, \
         {UNIT_COLUMNS} \
         FROM {page} \
         LEFT JOIN officer o ON o.id = r.officer_id \
         ORDER BY r.id"
    );
    let found = rows(db, sql, vec![today.into()]).await?;
    let mut nodes = Vec::with_capacity(found.len());
    for row in &found {
        nodes.push(json!({
            "id": id(row, Kind::PartyMembership)?,
            "body": code(row, "body", PartyBody::from_code)?,
            "term": row.try_get::<String>("", "term")?,
            "startedOn": date(row, "started_on")?,
            "officer": officer(row)?,
            "unit": unit(row, false)?,
        }));
    }
    Ok(json!({ "partyMemberships": edges(nodes) }))
}
