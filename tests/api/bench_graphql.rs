//! `coso bench graphql` and its floor route: the route is off unless the server is started
//! with `COSO_BENCH_FLOOR=1`, answers admin tokens only, refuses a bad body with a code;
//! and the bench itself runs for a moment on the demo data and prints its table and that
//! GraphQL and the floor gave identical answers (so that it cannot rot).

use std::process::Stdio;

use serde_json::json;

use crate::process::{ServerProcess, command};

#[tokio::test]
async fn the_floor_route_is_off_by_default_and_admin_only() {
    let on = ServerProcess::start(&[("COSO_BENCH_FLOOR", "1")]).await;
    let admin = on.token("admin", None);
    let viewer = on.token("viewer", None);
    let body = json!({ "request": "districts" });
    let (status, answer) = on.post_json("/bench/floor", &viewer, &body).await;
    assert_eq!(status, 403, "{answer}");
    assert_eq!(answer["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let (status, answer) = on
        .post_json("/bench/floor", &admin, &json!({ "request": "drop_tables" }))
        .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["errors"][0]["extensions"]["code"], "INVALID_INPUT");
    let (status, answer) = on.post_json("/bench/floor", &admin, &body).await;
    assert_eq!(status, 200, "{answer}");
    let districts = answer["data"]["districts"]["edges"]
        .as_array()
        .expect("edges");
    assert!(!districts.is_empty(), "{answer}");
    // The same districts as GraphQL gives.
    let (_, gql) = on
        .graphql(
            &admin,
            "{ districts(first: 50) { edges { node { code name kind } } } }",
        )
        .await;
    assert_eq!(gql["data"], answer["data"]);
    let off = ServerProcess::start_on(&on.database_url, &[]).await;
    let (status, _) = off.post_json("/bench/floor", &admin, &body).await;
    assert_eq!(status, 404, "no floor without COSO_BENCH_FLOOR");
}

#[tokio::test]
async fn the_bench_prints_its_table_and_identical_answers() {
    let server = ServerProcess::start(&[]).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = command(dir.path(), &server.database_url)
        .args([
            "bench",
            "graphql",
            "--seconds",
            "0.3",
            "--connections",
            "2",
            "--pool",
            "2",
        ])
        .stderr(Stdio::piped())
        .output()
        .expect("coso bench graphql");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("answers identical"), "{stdout}");
    for name in [
        "units_of_district",
        "units_with_officers",
        "staffing_by_district",
        "officers_with_units",
        "headquarters_with_units",
        "districts",
    ] {
        let rows = stdout.lines().filter(|l| l.starts_with(name)).count();
        assert!(rows >= 4, "{name}: floor, viewer twice, analyst\n{stdout}");
    }
    assert!(
        stdout.contains("req/s") && stdout.contains("x floor"),
        "{stdout}"
    );
    assert!(!stdout.contains("first error"), "{stdout}");
}
