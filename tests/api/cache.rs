//! Repeated viewer queries are answered from the response cache, but never past a
//! write: every write bumps the data version, and the next answer is computed afresh.

use serde_json::json;

use crate::helpers::TestApp;

const COUNT: &str = "{ directives { totalCount } }";
const CREATE: &str = "mutation { createDirective(input: { number: \"99/CT-CAT\", title: \"Chỉ thị thử\", issuedOn: \"2026-11-27\", kind: DIRECTIVE, issuer: PROVINCIAL_PEOPLES_COMMITTEE }) { dbId } }";

#[tokio::test]
async fn a_write_is_seen_by_the_next_viewer_query() {
    let app = TestApp::spawn().await;
    let count = async |token: &str| {
        app.data(token, COUNT, json!({})).await["directives"]["totalCount"].clone()
    };
    // Asked first: computed, not kept (a one-off question); asked again: computed and
    // kept; from then on answered from the cache.
    let before = app.statements.get();
    assert_eq!(count(&app.viewer).await, 16);
    let first_cost = app.statements.get() - before;
    assert_eq!(count(&app.viewer).await, 16);
    let before = app.statements.get();
    assert_eq!(count(&app.viewer).await, 16);
    let cached_cost = app.statements.get() - before;
    assert!(
        first_cost > cached_cost,
        "the first asking is computed: {first_cost} against {cached_cost}"
    );
    assert!(
        cached_cost <= 2,
        "a repeated viewer query costs the token and version lookups only: {cached_cost}"
    );
    app.data(&app.admin, CREATE, json!({})).await;
    let before = app.statements.get();
    assert_eq!(count(&app.viewer).await, 17, "not a stale answer");
    assert!(
        app.statements.get() - before > cached_cost,
        "computed afresh"
    );
    // A question asked before is kept again at its first asking after the write.
    let before = app.statements.get();
    assert_eq!(count(&app.viewer).await, 17);
    assert!(app.statements.get() - before <= cached_cost, "kept again");
    assert_eq!(count(&app.city_viewer).await, count(&app.city_viewer).await);
    // A district viewer never gets the province-wide answer to the same document.
    let units = async |token: &str| {
        let q = "{ units { totalCount } }";
        app.data(token, q, json!({})).await["units"]["totalCount"].as_u64()
    };
    assert_eq!(units(&app.viewer).await, Some(173));
    let city = units(&app.city_viewer).await.expect("n");
    assert!(city < 173, "{city}");
}

/// Viewers asking all the time (the data version is then read once for each crowd of
/// them, `service::shared_read`): a viewer's question sent after a write's answer came
/// back is never answered from before the write, cached or not.
#[tokio::test]
async fn viewers_asking_together_never_get_an_answer_from_before_a_write_they_followed() {
    // without the per-token rate limit: the crowd sends hundreds of requests
    let limits = coso::config::Limits {
        rate_limit_per_min: 0,
        ..Default::default()
    };
    let app = TestApp::spawn_with(limits, true).await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let crowd: Vec<_> = (0..8)
        .map(|i| {
            let (client, base, token, stop) = (
                app.client.clone(),
                app.base.clone(),
                app.viewer.clone(),
                stop.clone(),
            );
            tokio::spawn(async move {
                let mut n = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    // half the crowd asks the same question (kept answers), half new ones
                    let variables = if i % 2 == 0 {
                        json!({})
                    } else {
                        json!({ "n": n })
                    };
                    let body = json!({ "query": COUNT, "variables": variables });
                    let sent = client
                        .post(format!("{base}/graphql"))
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await;
                    assert!(sent.is_ok_and(|r| r.status() == 200));
                    n += 1;
                }
                n
            })
        })
        .collect();
    for written in 1..=5 {
        let create = CREATE.replace("99/CT-CAT", &format!("{written}/CT-THU"));
        app.data(&app.admin, &create, json!({})).await;
        for asked in 0..4 {
            let variables = if asked % 2 == 0 {
                json!({})
            } else {
                json!({ "w": written })
            };
            let data = app.data(&app.viewer, COUNT, variables).await;
            assert_eq!(
                data["directives"]["totalCount"],
                16 + written,
                "write {written}, question {asked}: an answer from before the write"
            );
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut asked = 0;
    for task in crowd {
        asked += task.await.expect("the crowd's requests were answered");
    }
    eprintln!("the crowd asked {asked} questions around the writes");
    assert!(asked > 0);
}
