//! The GraphQL attacks that used to hold a CPU or a gigabyte, sent to a real server
//! process: each gets a clean coded answer within a bounded time, the process stays up,
//! `/health` answers and its memory settles back. And a panic in a request, through
//! the real middleware stack, is a `500 INTERNAL`, never a dropped connection.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::limits::{DEEP, INTROSPECTION, aliases};
use crate::process::ServerProcess;

/// Resident memory the process must settle under after the attacks (it starts near
/// 60 MiB; the 1,000-alias document used to leave 880 MiB behind).
const SETTLED_MIB: f64 = 250.0;

#[tokio::test]
async fn graphql_attacks_get_coded_answers_and_the_process_survives() {
    let mut server = ServerProcess::start(&[]).await;
    let viewer = server.token("viewer", None);
    let analyst = server.token("analyst", None);
    let attacks: [(&str, &str, String, &str); 18] = [
        (
            "viewer, 50 aliases",
            &viewer,
            aliases(50),
            "QUERY_TOO_COMPLEX",
        ),
        (
            "analyst, 50 aliases",
            &analyst,
            aliases(50),
            "QUERY_TOO_COMPLEX",
        ),
        (
            "viewer, 1,000 aliases",
            &viewer,
            aliases(1_000),
            "QUERY_TOO_COMPLEX",
        ),
        (
            "analyst, 1,000 aliases",
            &analyst,
            aliases(1_000),
            "QUERY_TOO_COMPLEX",
        ),
        ("introspection", &viewer, INTROSPECTION.to_owned(), "ok"),
        (
            "the largest pages carrying their nested rows (`graphql::carry`), every carrying list",
            &viewer,
            carried_pages(1),
            "ok",
        ),
        (
            "deep data query",
            &viewer,
            DEEP.to_owned(),
            "QUERY_TOO_DEEP",
        ),
        (
            "a list literal 3,000 levels deep (it overflowed a worker's stack)",
            &viewer,
            nested_list(3_000),
            "QUERY_TOO_DEEP",
        ),
        (
            "a list literal 200 levels deep: parsed, then refused by type",
            &viewer,
            nested_list(200),
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            "fragment fan-out",
            &viewer,
            fan_out(30),
            "QUERY_TOO_COMPLEX",
        ),
        (
            "history: the largest pages with lineage",
            &viewer,
            history(5),
            "ok",
        ),
        (
            "history: 500 aliases of the largest page",
            &viewer,
            history(500),
            "QUERY_TOO_COMPLEX",
        ),
        (
            "900 aliases of each cursor of a page of 100 (cursors are encoded on demand)",
            &viewer,
            cursors(900),
            "ok",
        ),
        (
            "1,000 aliases of each cursor of a page of 100",
            &viewer,
            cursors(1_000),
            "QUERY_TOO_COMPLEX",
        ),
        (
            "8 aliases each of a page of units' officers and chiefs, read by rank and whole",
            &viewer,
            officer_reads(8),
            "ok",
        ),
        (
            "20 aliases each of units' officers and chiefs, read by rank and whole",
            &viewer,
            officer_reads(20),
            "QUERY_TOO_COMPLEX",
        ),
        (
            "three indicators of every unit, every field, through fragments and aliases (`graphql::plain`)",
            &viewer,
            indicator_walk(
                &[
                    "staffing_ratio",
                    "party_standing_committee_rate",
                    "hq_new_model_coverage",
                ],
                1,
            ),
            "ok",
        ),
        (
            "400 aliases of every indicator of every unit through fragments",
            &viewer,
            indicator_walk(&[], 400),
            "QUERY_TOO_COMPLEX",
        ),
    ];
    for (name, token, document, expected) in attacks {
        let started = Instant::now();
        let (status, body) = server.graphql(token, &document).await;
        let took = started.elapsed();
        let code = match body.get("errors") {
            Some(errors) => errors[0]["extensions"]["code"].as_str().unwrap_or("?"),
            None => "ok",
        };
        println!(
            "{name}: {} ms, HTTP {status}, {code}, peak {:.0} MiB, now {:.0} MiB",
            took.as_millis(),
            server.peak_mib(),
            server.rss_mib()
        );
        assert_eq!((status, code), (200, expected), "{name}: {body}");
        assert!(took < Duration::from_secs(5), "{name} took {took:?}");
        assert!(server.alive(), "{name}: the process died");
        assert!(server.healthy().await, "{name}: /health does not answer");
    }
    // By GET, the handler tells a query from a mutation before the schema parses: the
    // deep literal must not reach the parser there either.
    let resp = server
        .client
        .get(format!("{}/graphql", server.base))
        .query(&[("query", nested_list(3_000))])
        .bearer_auth(&viewer)
        .send()
        .await
        .expect("GET");
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "QUERY_TOO_DEEP",
        "{body}"
    );
    assert!(
        server.alive() && server.healthy().await,
        "GET: the process survives"
    );
    // The parsed-document cache (`graphql::parsed`): 200 distinct texts of nearly the 4 KB
    // it keeps, each the largest tree that size parses to (aliases), more than the 128 it
    // holds, from four tokens (the rate limit's burst is 60): each is answered, memory
    // stays bounded, the process answers /health.
    let fillers: Vec<String> = (0..4).map(|_| server.token("viewer", None)).collect();
    let before = server.rss_mib();
    let started = Instant::now();
    for i in 0..200 {
        let document = cache_filler(i);
        assert!(document.len() <= 4 * 1024 && document.len() > 3_900);
        let (status, body) = server.graphql(&fillers[i % 4], &document).await;
        assert_eq!(status, 200, "{body}");
        assert!(body["data"]["a0"].is_string(), "answered: {body}");
    }
    println!(
        "200 cache-filling documents: {} ms, {before:.0} -> {:.0} MiB, peak {:.0} MiB",
        started.elapsed().as_millis(),
        server.rss_mib(),
        server.peak_mib()
    );
    assert!(
        server.rss_mib() - before < 64.0,
        "the kept documents are bounded"
    );
    assert!(
        server.alive() && server.healthy().await,
        "after the cache flood"
    );
    // Page sizes are written into each list's SQL (`service::page::fetch`), so every size
    // is a prepared statement of its own: 200 sizes, twice the statements sqlx keeps per
    // connection, from a viewer's tokens. Each page is right, memory stays bounded (the
    // statement cache evicts), the process answers /health.
    let sizers: Vec<String> = (0..4).map(|_| server.token("viewer", None)).collect();
    let before = server.rss_mib();
    let started = Instant::now();
    let mut total = None;
    for n in 1..=200usize {
        let document = format!("{{ units(first: {n}) {{ edges {{ node {{ code }} }} }} }}");
        let (status, body) = server.graphql(&sizers[n % 4], &document).await;
        assert_eq!(status, 200, "{body}");
        let edges = body["data"]["units"]["edges"]
            .as_array()
            .map_or(0, Vec::len);
        if edges < n {
            // fewer units than asked: the same count for every larger size
            assert_eq!(*total.get_or_insert(edges), edges, "first: {n}");
        } else {
            assert_eq!(edges, n, "first: {n}: {body}");
        }
    }
    println!(
        "200 page sizes: {} ms, {before:.0} -> {:.0} MiB",
        started.elapsed().as_millis(),
        server.rss_mib()
    );
    assert!(
        server.rss_mib() - before < 64.0,
        "the prepared statements are bounded"
    );
    assert!(
        server.alive() && server.healthy().await,
        "after 200 page sizes"
    );
    let (_, body) = server.graphql(&viewer, &aliases(1)).await;
    assert!(
        body["data"]["a0"]
            .as_array()
            .is_some_and(|v| v.len() > 1_500)
    );
    let rss = server
        .settle_rss(SETTLED_MIB, Duration::from_secs(10))
        .await;
    println!("settled at {rss:.0} MiB, peak {:.0} MiB", server.peak_mib());
    assert!(rss <= SETTLED_MIB, "resident memory {rss} MiB");
}

/// The `i`th distinct document of nearly 4 KB of `__typename` aliases.
fn cache_filler(i: usize) -> String {
    let mut doc = format!("{{ a0: __typename b{i}: __typename");
    let mut n = 1;
    while doc.len() < 3_950 {
        doc.push_str(&format!(" a{n}: __typename"));
        n += 1;
    }
    doc.push_str(" }");
    doc
}

/// `n` aliases each of the largest pages whose statements carry nested rows: units with
/// district, buildings, chief's and officers' ranks; officers, buildings, awards, seats,
/// questions and union activities with their unit (and its district, officer, session),
/// 500 rows a page, each row joining or aggregating its nested rows. Two of each cost
/// more than the complexity limit.
fn carried_pages(n: usize) -> String {
    let unit = "unit { code name district { code name } }";
    let one = |i: usize| {
        format!(
            "u{i}: units(first: 500) {{ edges {{ node {{ code district {{ code name }} \
             headquarters {{ model status }} chief {{ rank }} officers {{ id rank }} }} }} }} \
             o{i}: officers(first: 500) {{ edges {{ node {{ id {unit} }} }} }} \
             h{i}: headquarters(first: 500) {{ edges {{ node {{ id {unit} }} }} }} \
             a{i}: awards(first: 500) {{ edges {{ node {{ id {unit} officer {{ rank }} }} }} }} \
             m{i}: partyMemberships(first: 500) {{ edges {{ node {{ id {unit} officer {{ rank }} }} }} }} \
             q{i}: dialogueQuestions(first: 500) {{ edges {{ node {{ id askerUnit {{ code }} session {{ title }} }} }} }} \
             x{i}: unionActivities(first: 500) {{ edges {{ node {{ id {unit} }} }} }} "
        )
    };
    format!("{{ {} }}", (0..n).map(one).collect::<String>())
}

/// A units query whose search is a list literal nested `n` levels deep.
fn nested_list(n: usize) -> String {
    format!(
        "{{ units(filter: {{ search: {}\"a\"{} }}) {{ totalCount }} }}",
        "[".repeat(n),
        "]".repeat(n)
    )
}

/// A page of 100 units asking each edge's cursor under `n` aliases: the most cursor
/// text one document can ask for (100 × 900 cursors fit the complexity limit).
fn cursors(n: usize) -> String {
    let each: Vec<String> = (0..n).map(|i| format!("c{i}: cursor")).collect();
    format!(
        "{{ units(first: 100) {{ edges {{ {} }} }} }}",
        each.join(" ")
    )
}

/// `n` aliases each of a unit's officers and chief asked for their rank alone (three
/// columns read) and whole (whole rows), on a page of 100 units.
fn officer_reads(n: usize) -> String {
    let each: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "r{i}: officers {{ id rank }} w{i}: officers {{ id rank position }} \
                 rc{i}: chief {{ rank }} wc{i}: chief {{ rank position }}"
            )
        })
        .collect();
    format!(
        "{{ units(first: 100) {{ edges {{ node {{ {} }} }} }} }}",
        each.join(" ")
    )
}

/// Indicators (`codes`: all when empty) of every unit, every field (the walk of
/// `graphql::plain`) through a named fragment, an inline one and `n` aliases of the group,
/// keys selected twice merged.
fn indicator_walk(codes: &[&str], n: usize) -> String {
    let groups: Vec<String> = (0..n)
        .map(|i| format!("g{i}: group {{ code name }} g{i}: group {{ kind }}"))
        .collect();
    format!(
        "query {{ indicators(codes: {codes:?}, groupBy: [UNIT]) {{ ...V ... on IndicatorValue {{ {} }} }} }} \
         fragment V on IndicatorValue {{ code name nameEn unit value numerator denominator display \
         target targetDate status group {{ kind code name }} asOf structureChanged rule dataAsOf \
         dataVersion computedAt __typename }}",
        groups.join(" ")
    )
}

/// `n` aliases of the administrative history's largest page, each with its lineage.
fn history(n: usize) -> String {
    let one = "unitsOn(on: \"2025-07-01\", first: 200) { totalCount nodes { code name } }";
    let lineage = "unitLineage(code: \"21040\", on: \"2025-07-01\") { predecessors { share } }";
    let body: Vec<String> = (0..n)
        .map(|i| format!("u{i}: {one} l{i}: {lineage}"))
        .collect();
    format!("{{ {} }}", body.join(" "))
}

/// `n` fragments, each spreading the next twice: 2^n fields from a few hundred bytes
/// (before, 22 of them held a CPU for 24 s in validation).
fn fan_out(n: usize) -> String {
    let frags: Vec<String> = (0..n)
        .map(|i| format!("fragment F{i} on Query {{ ...F{} ...F{} }}", i + 1, i + 1))
        .collect();
    let last = format!("fragment F{n} on Query {{ me {{ role }} }}");
    format!("{{ ...F0 }} {} {last}", frags.join(" "))
}

#[poem::handler]
async fn boom() -> &'static str {
    panic!("a bug in a handler")
}

#[poem::handler]
async fn fine() -> &'static str {
    "fine"
}

#[tokio::test]
async fn a_panic_in_a_request_is_a_500_with_internal_not_a_dropped_connection() {
    use poem::listener::{Acceptor, Listener, TcpListener};
    let routes = poem::Route::new()
        .at("/boom", poem::get(boom))
        .at("/fine", poem::get(fine));
    let app = coso::http::stack(routes, Duration::from_secs(1));
    let acceptor = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .unwrap();
    let port = acceptor.local_addr()[0].as_socket_addr().unwrap().port();
    tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(app));
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..2 {
        let resp = client.get(format!("{base}/boom")).send().await.unwrap();
        assert_eq!(resp.status(), 500);
        assert!(
            resp.headers().contains_key("x-request-id"),
            "through the stack"
        );
        let body: Value = resp.json().await.unwrap();
        let expected =
            json!({"errors": [{"message": "internal error", "extensions": {"code": "INTERNAL"}}]});
        assert_eq!(body, expected);
        let ok = client.get(format!("{base}/fine")).send().await.unwrap();
        assert_eq!(ok.text().await.unwrap(), "fine");
    }
}

/// The largest restructuring plan a province admin can send (a body just under
/// `COSO_MAX_BODY_BYTES`: about 11,000 lines of codes that exist nowhere) is checked in
/// one lookup and refused whole with every line listed; the process stays healthy.
#[tokio::test]
async fn the_largest_restructuring_plan_is_refused_whole_and_the_process_survives() {
    let server = ServerProcess::start(&[]).await;
    let admin = server.token("admin", None);
    let mut plan = String::from("from_code,to_code,share\n");
    let mut n = 0;
    while plan.len() < 240 * 1024 {
        plan.push_str(&format!("9{n:05},8{n:05},whole\n"));
        n += 1;
    }
    let body = json!({
        "query": "mutation($p: String!) { applyRestructuring(plan: $p, effective: \"2027-01-01\", dryRun: true) { summary } }",
        "variables": { "p": plan },
    });
    let started = Instant::now();
    let (status, answer) = server.post_json("/graphql", &admin, &body).await;
    let took = started.elapsed();
    eprintln!(
        "plan of {n} lines ({} KiB): HTTP {status} in {took:?}",
        plan.len() / 1024
    );
    let error = &answer["errors"][0];
    assert_eq!(error["extensions"]["code"], "PLAN_REJECTED", "{error}");
    let listed = error["extensions"]["planErrors"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(listed >= n, "every line refused: {listed} of {n}");
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert!(
        server.healthy().await,
        "/health answers after the largest plan"
    );
}
