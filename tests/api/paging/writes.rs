//! The writes made between pages: rows that sort first and last in every order, and
//! rows removed from before the walk's position (deleted, or ended under an `activeOn`
//! filter). Each function answers the ids it removed.

use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, QueryOrder, Set};
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// An early date that sorts before the demo data.
pub const EARLY: &str = "2001-01-02";

/// The test servers' "today" (the article's day), the late date and the `activeOn` day
/// of the walks: the units listed are those of that day, and a record dated later at
/// one of them would be at a unit that no longer exists.
pub fn today() -> String {
    crate::helpers::ARTICLE_DAY.to_owned()
}

/// The first and last unit codes.
pub async fn edge_units(app: &TestApp) -> (String, String) {
    let q = "query($d: SortDirection!) { units(first: 1, orderBy: { field: CODE, direction: $d }) { edges { node { code } } } }";
    let mut out = Vec::new();
    for d in ["ASC", "DESC"] {
        let data = app.data(&app.admin, q, json!({ "d": d })).await;
        out.push(
            data["units"]["edges"][0]["node"]["code"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    (out[0].clone(), out[1].clone())
}

async fn mutate(app: &TestApp, doc: &str, vars: Value) -> Value {
    app.data(&app.admin, doc, vars).await
}

/// The first id of `page` that is in `initial` (rows from the demo data, safe to end).
fn first_initial(page: &[String], initial: &[String]) -> Option<String> {
    page.iter().find(|id| initial.contains(id)).cloned()
}

/// Two officers (first unit, lowest rank, early; last unit, highest rank, today) and
/// the end of a seen officer's posting.
pub async fn officers(
    app: &TestApp,
    units: &(String, String),
    page: &[String],
    initial: &[String],
) -> Vec<String> {
    let doc = "mutation($i: CreateOfficerInput!) { createOfficer(input: $i) { dbId } }";
    for (unit, rank, from) in [
        (&units.0, "BINH_NHI", EARLY.to_owned()),
        (&units.1, "TRUNG_TA", today()),
    ] {
        let i = json!({ "unitCode": unit, "fullName": "Lê Văn Phân Trang", "gender": "MALE",
            "birthYear": 1990, "rank": rank, "position": "OFFICER", "postedFrom": from });
        mutate(app, doc, json!({ "i": i })).await;
    }
    let Some(id) = first_initial(page, initial) else {
        return vec![];
    };
    let end =
        "mutation($id: ID!, $d: NaiveDate!) { endOfficerPosting(id: $id, postedTo: $d) { dbId } }";
    mutate(
        app,
        end,
        json!({ "id": id.parse::<i64>().unwrap(), "d": today() }),
    )
    .await;
    vec![id]
}

/// A new officer with a seat, and the end of a seen seat.
pub async fn memberships(
    app: &TestApp,
    unit: &str,
    page: &[String],
    initial: &[String],
) -> Vec<String> {
    let doc = "mutation($i: CreateOfficerInput!) { createOfficer(input: $i) { dbId } }";
    let i = json!({ "unitCode": unit, "fullName": "Lê Văn Phân Trang", "gender": "MALE",
        "birthYear": 1990, "rank": "THIEU_TA", "position": "OFFICER", "postedFrom": EARLY });
    let officer = mutate(app, doc, json!({ "i": i })).await["createOfficer"]["dbId"].clone();
    let doc = "mutation($i: CreateMembershipInput!) { createPartyMembership(input: $i) { dbId } }";
    let i = json!({ "officerId": officer, "body": "EXECUTIVE_COMMITTEE",
        "term": "2020-2025", "startedOn": "2021-01-04" });
    mutate(app, doc, json!({ "i": i })).await;
    let Some(id) = first_initial(page, initial) else {
        return vec![];
    };
    let end =
        "mutation($id: ID!, $d: NaiveDate!) { endPartyMembership(id: $id, endedOn: $d) { dbId } }";
    mutate(
        app,
        end,
        json!({ "id": id.parse::<i64>().unwrap(), "d": today() }),
    )
    .await;
    vec![id]
}

/// Two buildings: one without dates or budget (NULL sort keys), one with the smallest.
pub async fn headquarters(app: &TestApp, units: &(String, String)) -> Vec<String> {
    let doc = "mutation($i: CreateHeadquartersInput!) { createHeadquarters(input: $i) { dbId } }";
    let bare = json!({ "unitCode": units.1, "model": "NEW" });
    let small = json!({ "unitCode": units.0, "model": "NEW", "budgetMillionVnd": 1,
        "targetDate": EARLY, "approvedOn": EARLY, "constructionStartedOn": EARLY, "inUseOn": EARLY });
    for i in [bare, small] {
        mutate(app, doc, json!({ "i": i })).await;
    }
    vec![]
}

/// Deletes a seen row with `delete<Kind>(id:)`.
async fn delete_seen(
    app: &TestApp,
    mutation: &str,
    page: &[String],
    initial: &[String],
) -> Vec<String> {
    let Some(id) = first_initial(page, initial) else {
        return vec![];
    };
    let doc = format!("mutation($id: ID!) {{ {mutation}(id: $id) {{ dbId }} }}");
    mutate(app, &doc, json!({ "id": id.parse::<i64>().unwrap() })).await;
    vec![id]
}

/// Two directives (number and date sorting first and last) and a deleted seen one.
pub async fn directives(
    app: &TestApp,
    step: usize,
    page: &[String],
    initial: &[String],
) -> Vec<String> {
    let doc = "mutation($i: DirectiveInput!) { createDirective(input: $i) { dbId } }";
    let n = rand::random::<u32>();
    for (number, on) in [
        (format!("0{n}-KH/A{step}"), today()),
        (format!("Z{n}-KH/Z{step}"), EARLY.to_owned()),
    ] {
        let i = json!({ "number": number, "kind": "PLAN", "issuer": "POLICE_DEPARTMENT",
            "title": "Kế hoạch phân trang", "issuedOn": on });
        mutate(app, doc, json!({ "i": i })).await;
    }
    delete_seen(app, "deleteDirective", page, initial).await
}

/// Two activities (early in the first unit, today province-wide) and a deleted seen one.
pub async fn activities(
    app: &TestApp,
    units: &(String, String),
    page: &[String],
    initial: &[String],
) -> Vec<String> {
    let doc = "mutation($i: ActivityInput!) { createUnionActivity(input: $i) { dbId } }";
    for (unit, on) in [(json!(units.0), EARLY.to_owned()), (Value::Null, today())] {
        let i = json!({ "organisation": "YOUTH_UNION", "kind": "VOLUNTEER_ACTIVITY",
            "name": "Hoạt động phân trang", "unitCode": unit, "startedOn": on });
        mutate(app, doc, json!({ "i": i })).await;
    }
    delete_seen(app, "deleteUnionActivity", page, initial).await
}

/// A question (in session `session`) and a deleted seen one.
pub async fn questions(
    app: &TestApp,
    session: i64,
    page: &[String],
    initial: &[String],
) -> Vec<String> {
    let doc = "mutation($i: QuestionInput!) { createDialogueQuestion(input: $i) { dbId } }";
    let i = json!({ "sessionId": session, "topic": "GRASSROOTS_SECURITY", "askerGroup": "YOUTH",
        "question": "Câu hỏi phân trang?", "answeringDepartment": "Phòng Tham mưu", "askedOn": EARLY });
    mutate(app, doc, json!({ "i": i })).await;
    delete_seen(app, "deleteDialogueQuestion", page, initial).await
}

/// Two awards (early to the first unit, today to the last) and a deleted seen one.
pub async fn awards(
    app: &TestApp,
    units: &(String, String),
    page: &[String],
    initial: &[String],
) -> Vec<String> {
    let doc = "mutation($i: AwardInput!) { createAward(input: $i) { dbId } }";
    for (unit, on) in [(&units.0, EARLY.to_owned()), (&units.1, today())] {
        let i = json!({ "form": "CERTIFICATE_OF_MERIT", "issuer": "DIRECTOR", "unitCode": unit,
            "awardedOn": on, "reason": "Phân trang" });
        mutate(app, doc, json!({ "i": i })).await;
    }
    delete_seen(app, "deleteAward", page, initial).await
}

/// Units and districts have no mutation (reference data from the seed): they are
/// written straight into the database, as `coso seed` would. Inserts a unit that sorts
/// first (code and name) and one that sorts last, and deletes the one inserted first
/// at the previous step (a row before the walk's position).
pub async fn units(app: &TestApp, step: usize) -> Vec<String> {
    use entity::unit;
    let template = unit::Entity::find()
        .order_by_asc(unit::Column::Code)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    for (code, name) in [
        (format!("0000{step}"), format!("a {step}")),
        (format!("9999{step}"), format!("zz {step}")),
    ] {
        let mut row = template.clone().into_active_model();
        row.code = Set(code);
        row.search_name = Set(name.clone());
        row.name = Set(name);
        row.insert(&app.db).await.unwrap();
    }
    if step == 1 {
        return vec![];
    }
    let gone = format!("0000{}", step - 1);
    unit::Entity::delete_by_id(gone.clone())
        .exec(&app.db)
        .await
        .unwrap();
    vec![json!(gone).to_string()]
}

/// As [`units`], for districts.
pub async fn districts(app: &TestApp, step: usize) -> Vec<String> {
    use entity::district;
    let template = district::Entity::find()
        .order_by_asc(district::Column::Code)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    for (code, name) in [
        (format!("00{step}"), format!("A {step}")),
        (format!("99{step}"), format!("Z {step}")),
    ] {
        let mut row = template.clone().into_active_model();
        row.code = Set(code);
        row.name = Set(name);
        row.insert(&app.db).await.unwrap();
    }
    if step == 1 {
        return vec![];
    }
    let gone = format!("00{}", step - 1);
    district::Entity::delete_by_id(gone.clone())
        .exec(&app.db)
        .await
        .unwrap();
    vec![json!(gone).to_string()]
}
