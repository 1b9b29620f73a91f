//! Answers keep the order in which the query selected the fields (the GraphQL spec's
//! ordered response maps), whatever order the resolvers finish in: read from the raw
//! body, since a JSON parser may reorder a map.

use serde_json::json;

use crate::helpers::TestApp;

/// The raw body of a query.
async fn raw(app: &TestApp, query: &str) -> String {
    let body = json!({ "query": query });
    let resp = app.post(Some(&app.admin), &body).await;
    assert_eq!(resp.status(), 200);
    resp.text().await.expect("body")
}

/// The keys of the first object that has `first` among its keys, in body order.
fn keys_after(body: &str, first: &str) -> Vec<String> {
    let start = body.find(&format!("\"{first}\"")).expect("first key");
    let object = &body[body[..start].rfind('{').expect("object")..];
    let mut keys = Vec::new();
    let mut depth = 0;
    let mut chars = object.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            '"' => {
                let end = object[i + 1..].find('"').expect("string end") + i + 1;
                let text = &object[i + 1..end];
                if depth == 1 && object[end + 1..].starts_with(':') {
                    keys.push(text.to_owned());
                }
                while chars.peek().is_some_and(|(j, _)| *j <= end) {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    keys
}

#[tokio::test]
async fn fields_come_back_in_the_order_the_query_asked() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        let body = raw(
            &app,
            "{ units(first: 3) { nodes { name chief { rank } district { name } code officerCount headquarters { model } } } }",
        )
        .await;
        assert_eq!(
            keys_after(&body, "name"),
            [
                "name",
                "chief",
                "district",
                "code",
                "officerCount",
                "headquarters"
            ],
            "{body}"
        );
        let body = raw(
            &app,
            "{ units(first: 3) { nodes { headquarters { model } officerCount code district { name } chief { rank } name } } }",
        )
        .await;
        assert_eq!(
            keys_after(&body, "headquarters"),
            [
                "headquarters",
                "officerCount",
                "code",
                "district",
                "chief",
                "name"
            ],
            "{body}"
        );
    }
}

/// Indicator values are answered in one pass over the selection (`graphql::plain`): a
/// document with fragments, aliases, a key selected twice and the executor's directives
/// gets the same bytes as the same selection written out.
#[tokio::test]
async fn indicator_values_answer_fragments_as_the_selection_written_out() {
    let app = TestApp::spawn().await;
    let args =
        r#"codes: ["staffing_ratio", "hq_new_model_coverage"], groupBy: [PROVINCE, DISTRICT]"#;
    let written = raw(
        &app,
        &format!(
            "{{ indicators({args}) {{ group {{ name code }} v: value code __typename status }} }}"
        ),
    )
    .await;
    let spread = raw(
        &app,
        &format!(
            "query {{ indicators({args}) {{ ...G v: value ... on IndicatorValue {{ code }} ... {{ __typename }} \
             status @include(if: true) numerator @skip(if: true) }} }} \
             fragment G on IndicatorValue {{ group {{ name }} group {{ code }} }}"
        ),
    )
    .await;
    assert!(written.contains(r#""code":"staffing_ratio""#), "{written}");
    assert!(
        written.contains(r#""code":"hq_new_model_coverage""#),
        "{written}"
    );
    assert_eq!(spread, written);
    assert_eq!(
        keys_after(&written, "group"),
        ["group", "v", "code", "__typename", "status"]
    );
    assert_eq!(keys_after(&written, "name"), ["name", "code"]);
}
