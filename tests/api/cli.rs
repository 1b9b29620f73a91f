//! The binary as an operator uses it: `coso token create` prints the secret last, and
//! `coso` with no configuration serves the embedded SQLite default with the demo data.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_coso");

#[tokio::test]
async fn the_embedded_default_serves_the_demo_and_token_create_prints_the_secret_last() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(BIN)
        .current_dir(dir.path())
        .env_remove("COSO_DATABASE_URL")
        .env("COSO_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start coso");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let (mut base, mut token) = (String::new(), String::new());
    for line in lines.by_ref() {
        let line = line.expect("line");
        if let Some(url) = line.strip_prefix("coso listening on ") {
            base = url.to_owned();
        }
        if let Some(t) = line.strip_prefix("Authenticate with the header  Authorization: Bearer ") {
            token = t.to_owned();
        }
        if !base.is_empty() && !token.is_empty() {
            break;
        }
    }
    assert!(
        !base.is_empty() && !token.is_empty(),
        "startup banner gives the URL and a token"
    );
    let client = reqwest::Client::new();
    let ask = async |token: &str, query: &str| -> Value {
        let body = json!({ "query": query });
        let resp = client
            .post(format!("{base}/graphql"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("post");
        resp.json().await.expect("json")
    };
    // Started as a new user would today: the 96 units since 1 Jul 2025, not the 173 of
    // the source report.
    let today = "{ units { totalCount } }";
    assert_eq!(ask(&token, today).await["data"]["units"]["totalCount"], 96);
    assert!(
        dir.path().join("coso.db").exists(),
        "the SQLite file is in the working directory"
    );

    let out = Command::new(BIN)
        .current_dir(dir.path())
        .env_remove("COSO_DATABASE_URL")
        .args([
            "token",
            "create",
            "--role",
            "viewer",
            "--district",
            "522",
            "--name",
            "cli test",
        ])
        .output()
        .expect("token create");
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).expect("utf8");
    let secret = stdout
        .lines()
        .last()
        .expect("a last line")
        .trim()
        .to_owned();
    // (a district is an office of the days before 1 Jul 2025)
    let scoped = ask(
        &secret,
        r#"{ units(filter: { activeOn: "2024-12-31" }) { totalCount } }"#,
    )
    .await;
    let n = scoped["data"]["units"]["totalCount"]
        .as_u64()
        .expect("count");
    assert!(
        n > 0 && n < 173,
        "a district token sees its district only: {scoped}"
    );
    // Both tokens made on the command line are in the audit log, without their secrets.
    let log = client
        .post(format!("{base}/graphql"))
        .bearer_auth(&token)
        .json(&json!({ "query": r#"{ auditLog(filter: { kind: "token" }) { edges { node { operation role tokenName arguments } } } }"# }))
        .send()
        .await
        .expect("post")
        .text()
        .await
        .expect("text");
    let rows: Value = serde_json::from_str(&log).expect("json");
    let ops: Vec<_> = rows["data"]["auditLog"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["operation"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(ops, ["token create", "bootstrap token"], "{log}");
    assert_eq!(
        rows["data"]["auditLog"]["edges"][0]["node"]["arguments"]["areaCode"],
        "522"
    );
    assert!(!log.contains(&secret) && !log.contains(&token));
    let _ = child.kill();
    let _ = child.wait();
}

#[tokio::test]
async fn an_explicit_database_is_never_filled_with_demo_data_unless_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("explicit.db").display()
    );
    let settings = crate::helpers::settings(url.clone(), Default::default());
    let app = coso::app::Application::build(&settings)
        .await
        .expect("build");
    assert!(coso::seed::is_empty(app.db()).await.expect("query"));
    drop(app);
    let out = Command::new(BIN)
        .args(["--database-url", &url, "seed", "--demo"])
        .output()
        .expect("seed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let app = coso::app::Application::build(&settings)
        .await
        .expect("build");
    assert!(!coso::seed::is_empty(app.db()).await.expect("query"));
}
