//! Nested fields go through DataLoaders: a page of 100 units with three levels of
//! nesting costs a constant number of SQL statements, whatever the page size. A page
//! whose nodes ask for their unit, or units asking for their district, buildings and
//! officers by rank, carries those rows in its own statement (`graphql::carry`): one
//! statement, and the same answers as the loaders give.

use serde_json::json;

use crate::helpers::TestApp;

const NESTED: &str = r#"query($n: Int) {
  units(first: $n) { edges { node {
    code district { name }
    chief { rank unit { code district { code } } partyMemberships { body unit { code } } }
    officers { dbId position unit { district { name } } }
    headquarters { model status unit { code } }
    partyMemberships { body officer { rank unit { code } } }
    awards { form officer { rank } unit { code } }
  } } }
}"#;

async fn statements_for(app: &TestApp, n: i64) -> u64 {
    // The token is then usually verified from memory (for a second); a run slower than
    // that pays the lookup, which the bound below leaves room for.
    app.data(&app.analyst, "{ __typename }", json!({})).await;
    let before = app.statements.get();
    let data = app.data(&app.analyst, NESTED, json!({ "n": n })).await;
    assert_eq!(
        data["units"]["edges"].as_array().map(Vec::len),
        Some(n as usize)
    );
    app.statements.get() - before
}

/// The fewest statements of three runs of a page of `n` units, and the most. A batch
/// that the window splits (a worker descheduled on a busy machine) only adds statements,
/// so the fewest is the cost of the code, and the most shows whether any path runs one
/// statement per row (which would cost at least one per unit: 100 or more here).
async fn fewest_and_most(app: &TestApp, n: i64) -> (u64, u64) {
    let mut counts = Vec::new();
    for _ in 0..3 {
        counts.push(statements_for(app, n).await);
    }
    let fewest = counts.iter().copied().min().unwrap_or(0);
    (fewest, counts.into_iter().max().unwrap_or(0))
}

#[tokio::test]
async fn a_page_of_100_nested_units_costs_a_constant_number_of_statements() {
    // A 30 ms window so that a slow debug build on a busy machine usually gathers each
    // level's keys into one batch; production waits on no timer (0 ms).
    let limits = coso::config::Limits {
        batch_window_ms: 30,
        ..Default::default()
    };
    let app = TestApp::spawn_with(limits, true).await;
    // At most one statement per nested field path that loads (16 in NESTED), plus the
    // token lookup and the page itself, whatever the page size.
    let bound = 18;
    // Room for split batches, far below the 100 statements of one path loaded per unit.
    let split_slack = 12;
    for n in [5, 100, 173] {
        let (fewest, most) = fewest_and_most(&app, n).await;
        eprintln!("statements for {n} units: {fewest} to {most}");
        assert!(fewest <= bound, "{fewest} statements for {n} units");
        assert!(
            most <= bound + split_slack,
            "{most} statements for {n} units: one per row somewhere"
        );
    }
}

/// The officers of every unit of a page, in answer order, as `(unit code, officers)`.
fn officers_by_unit(data: &serde_json::Value, drop: &[&str]) -> Vec<(String, serde_json::Value)> {
    let edges = data["units"]["edges"].as_array().expect("edges");
    edges
        .iter()
        .map(|e| {
            let mut officers = e["node"]["officers"].clone();
            for o in officers.as_array_mut().expect("officers") {
                for key in drop {
                    o.as_object_mut().expect("officer").remove(*key);
                }
            }
            (
                e["node"]["code"].as_str().expect("code").to_owned(),
                officers,
            )
        })
        .collect()
}

#[tokio::test]
async fn officers_asked_for_their_rank_alone_answer_as_whole_rows_do() {
    // `officers { id dbId rank unitCode }` reads three columns of the officer rows (a
    // narrower statement); anything more reads whole rows. Both answer alike, through a
    // fragment too, and in a scope as well as province-wide. A unit's buildings asked
    // for their model, status and dates alone likewise.
    let app = TestApp::spawn().await;
    let ranked =
        "{ units(first: 60) { edges { node { code officers { id dbId rank unitCode } } } } }";
    let fragment = "query { units(first: 60) { edges { node { code officers { ...R } } } } } \
                    fragment R on Officer { id dbId rank unitCode }";
    let whole = "{ units(first: 60) { edges { node { code officers { id dbId rank unitCode position postedFrom } } } } }";
    for (who, token) in [("analyst", &app.analyst), ("city viewer", &app.city_viewer)] {
        let ranked = officers_by_unit(&app.data(token, ranked, json!({})).await, &[]);
        let fragment = officers_by_unit(&app.data(token, fragment, json!({})).await, &[]);
        let whole = officers_by_unit(
            &app.data(token, whole, json!({})).await,
            &["position", "postedFrom"],
        );
        assert_eq!(ranked, whole, "{who}: rank rows and whole rows differ");
        assert_eq!(fragment, whole, "{who}: through a fragment");
        let officers: usize = ranked
            .iter()
            .map(|(_, o)| o.as_array().map_or(0, Vec::len))
            .sum();
        assert!(officers >= 20, "{who}: only {officers} officers to compare");
    }
    // A unit's chief likewise.
    let chief = |fields: &str| {
        format!("{{ units(first: 60) {{ edges {{ node {{ code chief {{ {fields} }} }} }} }} }}")
    };
    for (who, token) in [("analyst", &app.analyst), ("city viewer", &app.city_viewer)] {
        let ranked = app.data(token, &chief("id dbId rank"), json!({})).await;
        let mut whole = app
            .data(token, &chief("id dbId rank position"), json!({}))
            .await;
        let edges = whole["units"]["edges"].as_array_mut().expect("edges");
        let mut chiefs = 0;
        for e in edges.iter_mut() {
            if let Some(c) = e["node"]["chief"].as_object_mut() {
                assert_eq!(c.remove("position"), Some(json!("CHIEF")), "{who}");
                chiefs += 1;
            }
        }
        assert!(chiefs >= 10, "{who}: only {chiefs} chiefs to compare");
        assert_eq!(
            ranked, whole,
            "{who}: a chief's rank row and whole row differ"
        );
    }
    // A unit's buildings asked for their model and status alone likewise.
    let buildings = |fields: &str| {
        format!(
            "{{ units(first: 100, filter: {{activeOn: \"2025-06-30\"}}) \
             {{ edges {{ node {{ code headquarters {{ {fields} }} }} }} }} }}"
        )
    };
    let narrow = "id dbId unitCode model status approvedOn constructionStartedOn inUseOn closedOn";
    for (who, token) in [("analyst", &app.analyst), ("city viewer", &app.city_viewer)] {
        let lean = app.data(token, &buildings(narrow), json!({})).await;
        let mut whole = app
            .data(token, &buildings(&format!("{narrow} address")), json!({}))
            .await;
        let mut seen = 0;
        for e in whole["units"]["edges"].as_array_mut().expect("edges") {
            for h in e["node"]["headquarters"].as_array_mut().expect("buildings") {
                h.as_object_mut().expect("building").remove("address");
                seen += 1;
            }
        }
        assert!(seen >= 10, "{who}: only {seen} buildings to compare");
        assert_eq!(lean, whole, "{who}: status rows and whole rows differ");
    }
    // The city viewer's page holds only the city's units, and so only their officers.
    let city = app
        .data(
            &app.city_viewer,
            "{ units(first: 200) { edges { node { districtCode officers { unitCode } } } } }",
            json!({}),
        )
        .await;
    let edges = city["units"]["edges"].as_array().expect("edges");
    assert!(!edges.is_empty(), "the city viewer sees the city's units");
    for e in edges {
        assert_eq!(e["node"]["districtCode"], crate::helpers::CITY);
        for o in e["node"]["officers"].as_array().expect("officers") {
            assert!(o["unitCode"].is_string());
        }
    }
}

/// The `officer` of each node of a page (`page`), in answer order, without `drop`.
fn officers_of_page(data: &serde_json::Value, field: &str, drop: &str) -> Vec<serde_json::Value> {
    let edges = data["page"]["edges"].as_array().expect("edges");
    edges
        .iter()
        .map(|e| {
            let mut officer = e["node"][field].clone();
            if let Some(o) = officer.as_object_mut() {
                o.remove(drop);
            }
            officer
        })
        .collect()
}

#[tokio::test]
async fn a_records_officer_asked_for_its_rank_alone_answers_as_the_whole_row() {
    // An award's or a seat's `officer { id dbId rank unitCode }` is carried (and loaded)
    // as three columns; with one more field, as the whole row. Both answer alike, on a
    // page and through `nodes(ids:)` (the loaders), in a scope as well as province-wide,
    // and one document may ask both ways under two aliases.
    let app = TestApp::spawn_with(Default::default(), true).await;
    let ranked = "id dbId rank unitCode";
    let whole = "id dbId rank unitCode gender";
    for list in ["awards(first: 100)", "partyMemberships(first: 100)"] {
        let page =
            |fields: &str| format!("{{ page: {list} {{ edges {{ node {{ id {fields} }} }} }} }}");
        for (who, token) in [("analyst", &app.analyst), ("city viewer", &app.city_viewer)] {
            let (spent, ranked_page) =
                statements_of(&app, token, &page(&format!("officer {{ {ranked} }}"))).await;
            // one, or two when the token's second in memory ran out
            assert!(spent <= 2, "{list} {who}: {spent} statements");
            let whole_page = app
                .data(token, &page(&format!("officer {{ {whole} }}")), json!({}))
                .await;
            let ranked_officers = officers_of_page(&ranked_page, "officer", "");
            assert_eq!(
                ranked_officers,
                officers_of_page(&whole_page, "officer", "gender"),
                "{list} {who}: rank rows and whole rows differ"
            );
            let found = ranked_officers.iter().filter(|o| !o.is_null()).count();
            // the demo's city holds a single individual award
            let least = if token == &app.analyst { 5 } else { 1 };
            assert!(
                found >= least,
                "{list} {who}: only {found} officers to compare"
            );
            let both = app
                .data(
                    token,
                    &page(&format!(
                        "r: officer {{ {ranked} }} w: officer {{ {whole} }}"
                    )),
                    json!({}),
                )
                .await;
            assert_eq!(
                officers_of_page(&both, "r", ""),
                ranked_officers,
                "{list} {who}"
            );
            assert_eq!(
                officers_of_page(&both, "w", ""),
                officers_of_page(&whole_page, "officer", ""),
                "{list} {who}"
            );
            // the same records one by one through the loaders
            let ids: Vec<&serde_json::Value> = ranked_page["page"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| &e["node"]["id"])
                .collect();
            let by_id = app
                .data(
                    token,
                    &format!(
                        "query($ids: [ID!]!) {{ nodes(ids: $ids) {{ \
                         ... on Award {{ officer {{ {ranked} }} }} \
                         ... on PartyMembership {{ officer {{ {ranked} }} }} }} }}"
                    ),
                    json!({ "ids": ids }),
                )
                .await;
            let loaded: Vec<serde_json::Value> = by_id["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["officer"].clone())
                .collect();
            assert_eq!(loaded, ranked_officers, "{list} {who}: loaded one by one");
        }
    }
}

/// The statements one request costs, the token verified beforehand (from memory then).
async fn statements_of(app: &TestApp, token: &str, query: &str) -> (u64, serde_json::Value) {
    app.data(token, "{ __typename }", json!({})).await;
    let before = app.statements.get();
    let data = app.data(token, query, json!({})).await;
    (app.statements.get() - before, data)
}

/// The same units asked one by one at the top level (`unit(code:)`, not a list: its
/// district comes from the DataLoader), by code.
async fn units_by_code(
    app: &TestApp,
    token: &str,
    codes: &[&str],
    selection: &str,
    on: Option<&str>,
) -> serde_json::Value {
    let on = on.map_or(String::new(), |d| format!(", on: \"{d}\""));
    let fields: String = codes
        .iter()
        .enumerate()
        .map(|(i, c)| format!("u{i}: unit(code: \"{c}\"{on}) {{ {selection} }} "))
        .collect();
    app.data(token, &format!("{{ {fields} }}"), json!({})).await
}

/// A page whose nodes ask for their unit (and its district), or a page of units asking
/// for their district, carries those rows in its own statement: one statement for the
/// answer (the loader's way costs three), and each node's unit is the one the loader
/// gives for its code, for a province-wide token and a district's viewer alike (the
/// carried rows are scoped as the loader's are).
#[tokio::test]
async fn a_page_carries_its_nodes_unit_and_district_in_its_own_statement() {
    let app = TestApp::spawn_with(Default::default(), true).await;
    for token in [&app.analyst, &app.city_viewer] {
        carried_pages_answer_as_loaded(&app, token).await;
    }
}

/// Pages of the records placed at a unit carry their unit (and its district), their
/// officer and their dialogue session the same way: one statement, and every node
/// answers as the same record fetched by id through `nodes(ids:)` (whose nested fields
/// go through the DataLoaders), for a province-wide token and a district's viewer.
#[tokio::test]
async fn records_carry_their_unit_officer_and_session_in_their_page() {
    let app = TestApp::spawn_with(Default::default(), true).await;
    let unit = "code name district { code name }";
    let officer = "officer { dbId rank }";
    let lists = [
        (
            "awards(first: 100)",
            "Award",
            format!("unit {{ {unit} }} {officer}"),
        ),
        (
            "partyMemberships(first: 100)",
            "PartyMembership",
            format!("unit {{ {unit} }} {officer}"),
        ),
        (
            "unionActivities(first: 100)",
            "UnionActivity",
            format!("unit {{ {unit} }}"),
        ),
        (
            "dialogueQuestions(first: 100)",
            "DialogueQuestion",
            format!("askerUnit {{ {unit} }} session {{ dbId title heldOn }}"),
        ),
    ];
    for token in [&app.analyst, &app.city_viewer] {
        for (list, kind, fields) in &lists {
            let query = format!("{{ page: {list} {{ edges {{ node {{ id {fields} }} }} }} }}");
            let (spent, data) = statements_of(&app, token, &query).await;
            // one, or two when the token's second in memory ran out
            assert!(spent <= 2, "{list}: {spent} statements");
            let nodes: Vec<serde_json::Value> = data["page"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"].clone())
                .collect();
            let ids: Vec<&str> = nodes.iter().map(|n| n["id"].as_str().unwrap()).collect();
            let reference = app
                .data(
                    token,
                    &format!(
                        "query($ids: [ID!]!) {{ nodes(ids: $ids) {{ ... on {kind} {{ id {fields} }} }} }}"
                    ),
                    json!({ "ids": ids }),
                )
                .await;
            assert_eq!(
                serde_json::Value::Array(nodes.clone()),
                reference["nodes"],
                "{list}"
            );
            if token == &app.analyst {
                // the demo has these records, most with every nested field
                let full = nodes
                    .iter()
                    .filter(|n| n.as_object().unwrap().values().all(|v| !v.is_null()))
                    .count();
                assert!(nodes.len() >= 10, "{list}: {} nodes", nodes.len());
                assert!(
                    full * 2 >= nodes.len(),
                    "{list}: {full} of {} full",
                    nodes.len()
                );
            }
        }
    }
}

async fn carried_pages_answer_as_loaded(app: &TestApp, token: &str) {
    let unit_fields = "code name district { code name }";
    let unit = format!("unit {{ {unit_fields} }}");
    // in primary key order (rows of one unit carry it once a run) and in another
    for list in [
        "headquarters(first: 100)",
        "officers(first: 100)",
        "officers(first: 100, orderBy: {field: RANK, direction: DESC})",
    ] {
        let query = format!("{{ page: {list} {{ edges {{ node {{ unitCode {unit} }} }} }} }}");
        let (spent, data) = statements_of(app, token, &query).await;
        // one, or two when the token's second in memory ran out
        assert!(spent <= 2, "{list}: {spent} statements");
        let nodes: Vec<&serde_json::Value> = data["page"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["node"])
            .collect();
        assert!(nodes.len() >= 10, "{list}: {} nodes", nodes.len());
        let codes: Vec<&str> = nodes
            .iter()
            .map(|n| n["unitCode"].as_str().unwrap())
            .collect();
        let reference = units_by_code(app, token, &codes, unit_fields, None).await;
        let mut compared = 0;
        for (i, node) in nodes.iter().enumerate() {
            let expected = &reference[format!("u{i}")];
            // a record on a code with no unit today: the page answers its nearest period
            if expected.is_null() {
                continue;
            }
            assert_eq!(&node["unit"], expected, "{list} {i}");
            assert!(!node["unit"]["district"].is_null() || expected["district"].is_null());
            compared += 1;
        }
        assert!(
            compared * 10 >= nodes.len() * 9,
            "{list}: {compared} of {} compared",
            nodes.len()
        );
    }

    // a page of units of today, and one of units that ended (their nested rows are
    // those of their last day)
    // buildings as whole rows, and for their model and status alone
    for buildings in [
        "dbId model status heldFrom",
        "id dbId model status inUseOn closedOn",
    ] {
        units_page_answers_as_loaded(app, token, None, buildings).await;
        units_page_answers_as_loaded(app, token, Some("2025-06-30"), buildings).await;
    }
}

/// A page of units asking for their district, `buildings` of their headquarters, and
/// the chief and officers by rank alone, in force on `on` (today by default).
async fn units_page_answers_as_loaded(
    app: &TestApp,
    token: &str,
    on: Option<&str>,
    buildings: &str,
) {
    let filter = on.map_or(String::new(), |d| {
        format!(", filter: {{activeOn: \"{d}\"}}")
    });
    let fields = format!(
        "code name district {{ code name }} headquarters {{ {buildings} }} \
         chief {{ dbId rank }} officers {{ id rank }}"
    );
    let fields = fields.as_str();
    let (spent, data) = statements_of(
        app,
        token,
        &format!("{{ units(first: 100{filter}) {{ edges {{ node {{ {fields} }} }} }} }}"),
    )
    .await;
    assert!(
        spent <= 2,
        "units on {on:?} ({buildings}): {spent} statements"
    );
    let nodes = data["units"]["edges"].as_array().unwrap();
    assert!(nodes.len() >= 10, "units on {on:?}: {}", nodes.len());
    let codes: Vec<&str> = nodes
        .iter()
        .map(|e| e["node"]["code"].as_str().unwrap())
        .collect();
    let reference = units_by_code(app, token, &codes, fields, on).await;
    let mut seen = [0; 3];
    for (i, e) in nodes.iter().enumerate() {
        let node = &e["node"];
        assert_eq!(node, &reference[format!("u{i}")], "unit {i} on {on:?}");
        for (n, field) in ["district", "chief", "headquarters"].iter().enumerate() {
            seen[n] += usize::from(!node[field].is_null() && node[field] != json!([]));
        }
    }
    assert!(
        seen.iter().all(|&n| n > 0),
        "units on {on:?} with a district, a chief, buildings: {seen:?}"
    );
}

/// The scalar and enum fields of `type_name` that take no argument (introspection).
async fn plain_fields(app: &TestApp, type_name: &str) -> Vec<String> {
    let data = app
        .data(
            &app.analyst,
            "query($t: String!) { __type(name: $t) { fields { name args { name } \
             type { kind ofType { kind ofType { kind } } } } } }",
            json!({ "t": type_name }),
        )
        .await;
    let leaf = |t: &serde_json::Value| {
        let mut t = t;
        while t["kind"] == "NON_NULL" || t["kind"] == "LIST" {
            t = &t["ofType"];
        }
        t["kind"] == "SCALAR" || t["kind"] == "ENUM"
    };
    data["__type"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter(|f| f["args"].as_array().is_none_or(Vec::is_empty) && leaf(&f["type"]))
        .map(|f| f["name"].as_str().expect("name").to_owned())
        .collect()
}

/// A page leaves out the long texts its nodes do not ask for (`graphql::carry::Lazy`):
/// every plain field of every listed type, asked alone (so each page leaves out all it
/// can), answers as the same record fetched by `nodes(ids:)`, which reads whole rows. A
/// field reading a column its type's declaration does not name would answer the stand-in
/// (an empty text, or null) here.
#[tokio::test]
async fn pages_leaving_out_unasked_texts_answer_every_field_as_whole_rows_do() {
    // two requests a field, about 80 fields: without the per-token rate limit
    let limits = coso::config::Limits {
        rate_limit_per_min: 0,
        ..Default::default()
    };
    let app = TestApp::spawn_with(limits, true).await;
    let lists = [
        ("headquarters(first: 40)", "Headquarters"),
        ("directives(first: 40)", "Directive"),
        ("unionActivities(first: 40)", "UnionActivity"),
        ("dialogueQuestions(first: 40)", "DialogueQuestion"),
        ("awards(first: 40)", "Award"),
        ("officers(first: 40)", "Officer"),
        ("units(first: 40)", "Unit"),
    ];
    let mut compared = 0;
    for (list, kind) in lists {
        let fields = plain_fields(&app, kind).await;
        assert!(fields.len() >= 5, "{kind}: {fields:?}");
        for field in &fields {
            let page = app
                .data(
                    &app.analyst,
                    &format!("{{ page: {list} {{ edges {{ node {{ id {field} }} }} }} }}"),
                    json!({}),
                )
                .await;
            let nodes: Vec<serde_json::Value> = page["page"]["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .map(|e| e["node"].clone())
                .collect();
            assert!(nodes.len() >= 10, "{list}: {} nodes", nodes.len());
            let ids: Vec<&str> = nodes.iter().map(|n| n["id"].as_str().unwrap()).collect();
            let reference = app
                .data(
                    &app.analyst,
                    &format!(
                        "query($ids: [ID!]!) {{ nodes(ids: $ids) {{ ... on {kind} {{ id {field} }} }} }}"
                    ),
                    json!({ "ids": ids }),
                )
                .await;
            assert_eq!(
                serde_json::Value::Array(nodes),
                reference["nodes"],
                "{list} {{ {field} }}"
            );
            compared += 1;
        }
    }
    // the long texts themselves were among the fields compared
    assert!(compared >= 50, "{compared} fields compared");
}
