//! `coso bench load`: a load generator against a real server process. It starts
//! `coso serve` on the configured database (seed the national tier first), makes a
//! viewer token, and keeps `--connections` keep-alive connections busy for `--seconds`
//! with the dashboard request (indicators by district, and a page of 50 units with
//! their district, chief and headquarters), once with a viewer token for the whole
//! database and once with a viewer token of one district (a district chief's
//! dashboard), and the district one again with an analyst token, whose answers are never
//! taken from the response cache, and `{ __typename }` with the analyst's token (the fixed
//! cost of a GraphQL request). In the same run it measures `GET /health` the same
//! way, as the baseline of what the HTTP stack alone does on this machine.
//! Prints requests per second, p50/p99/max latency, errors and the server's peak memory.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::db;
use crate::domain::Role;
use crate::service::tokens;

/// The dashboard document.
pub const DASHBOARD: &str = "query Dashboard {
  indicators(groupBy: [DISTRICT]) {
    code value numerator denominator display status dataAsOf
    group { kind code name }
  }
  units(first: 50) {
    totalCount
    edges { node {
      code name kind
      district { code name }
      chief { rank position postedFrom }
      headquarters { model status inUseOn }
    } }
  }
}";

/// The same dashboard asking each indicator value only for what a table by district
/// shows (code, value, status, district).
pub const DASHBOARD_LEAN: &str = "query DashboardLean {
  indicators(groupBy: [DISTRICT]) { code value status group { code name } }
  units(first: 50) {
    totalCount
    edges { node {
      code name kind
      district { code name }
      chief { rank position postedFrom }
      headquarters { model status inUseOn }
    } }
  }
}";

/// Options of `coso bench load`.
#[derive(clap::Args, Debug)]
pub struct Options {
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Seconds of load per measurement.
    #[arg(long, default_value_t = 30)]
    pub seconds: u64,
    /// Database pool size of the server under load.
    #[arg(long, default_value_t = 16)]
    pub pool: u32,
}

/// What one measurement saw.
struct Measured {
    requests: u64,
    errors: u64,
    first_error: Option<String>,
    elapsed: Duration,
    micros: Vec<u32>,
}

impl Measured {
    fn print(&mut self, name: &str) -> f64 {
        self.micros.sort_unstable();
        let pct = |p: f64| {
            let i = ((self.micros.len() as f64 - 1.0) * p).round() as usize;
            f64::from(self.micros.get(i).copied().unwrap_or(0)) / 1000.0
        };
        let rps = self.requests as f64 / self.elapsed.as_secs_f64();
        println!(
            "{name:<13} {:>8.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>8.2} ms  requests {}  errors {}",
            rps,
            pct(0.5),
            pct(0.99),
            pct(1.0),
            self.requests,
            self.errors
        );
        if let Some(e) = &self.first_error {
            println!("           first error: {e}");
        }
        rps
    }
}

/// Runs the benchmark and prints its figures.
pub async fn run(database_url: &str, opts: &Options) -> anyhow::Result<()> {
    let (conn, _) = db::connect_and_migrate(database_url, 2, Duration::ZERO).await?;
    if crate::seed::is_empty(&conn).await? {
        anyhow::bail!("the database is empty: seed it first (coso seed --synthetic l)");
    }
    // The first district area (areas come from the administrative history).
    let district = entity::area::Entity::find()
        .filter(entity::area::Column::Kind.eq(crate::service::areas::DISTRICT))
        .order_by_asc(entity::area::Column::Code)
        .one(&conn)
        .await?
        .map(|d| d.code)
        .ok_or_else(|| anyhow::anyhow!("no district area"))?;
    let (wide, token) = tokens::create(&conn, Role::Viewer, None, "bench load").await?;
    let (scoped, district_token) =
        tokens::create(&conn, Role::Viewer, Some(district.clone()), "bench load").await?;
    // An analyst's answers are never cached: the same dashboard computed every time.
    let (analyst, analyst_token) =
        tokens::create(&conn, Role::Analyst, Some(district.clone()), "bench load").await?;
    let mut server = Server::start(database_url, opts.pool, &[])?;
    let base = server.base.clone();
    println!(
        "server pid {} on {base}; {} connections, {} s each",
        server.child.id(),
        opts.connections,
        opts.seconds
    );
    let body = Arc::new(json!({ "query": DASHBOARD }));
    let lean = Arc::new(json!({ "query": DASHBOARD_LEAN }));
    // Warm up: stores the indicator snapshot and fills the caches the way a running
    // server has them.
    let warm_ups = [
        ("whole database", &token, &body),
        ("whole database, lean", &token, &lean),
        ("one district", &district_token, &body),
    ];
    for (who, token, body) in warm_ups {
        match one(&reqwest::Client::new(), &base, token, body).await {
            Ok(bytes) => println!("dashboard answer for {who}: {} kB", bytes / 1024),
            Err(e) => anyhow::bail!("the dashboard request fails: {e}"),
        }
    }
    let after_warm = server.peak_mib();
    let secs = Duration::from_secs(opts.seconds.max(1));
    let n = opts.connections;
    let mut health = load(&base, None, None, n, secs).await;
    let mut dashboard = load(&base, Some(&token), Some(body.clone()), n, secs).await;
    let mut slim = load(&base, Some(&token), Some(lean), n, secs).await;
    let mut local = load(&base, Some(&district_token), Some(body.clone()), n, secs).await;
    let mut uncached = load(&base, Some(&analyst_token), Some(body), n, secs).await;
    // The fixed cost of a GraphQL request: the token (verified from memory), the rate
    // limit, the request id, metrics and the schema, with nothing to resolve.
    let typename = Arc::new(json!({ "query": "{ __typename }" }));
    let mut fixed = load(&base, Some(&analyst_token), Some(typename), n, secs).await;
    let baseline = health.print("health");
    let bare = fixed.print("__typename");
    let whole = dashboard.print("dashboard");
    let whole_lean = slim.print("  lean");
    let one_district = local.print(&format!("district {district}"));
    let computed = uncached.print("  uncached");
    println!(
        "throughput / health: dashboard {:.3} (lean {:.3}), district dashboard {:.3} (uncached {:.3}); cache gain {:.1}x",
        whole / baseline.max(1.0),
        whole_lean / baseline.max(1.0),
        one_district / baseline.max(1.0),
        computed / baseline.max(1.0),
        one_district / computed.max(1.0)
    );
    println!(
        "{{ __typename }} with a token / health: {:.3}",
        bare / baseline.max(1.0)
    );
    println!(
        "server peak memory: {} MiB (after warm-up {} MiB)",
        server.peak_mib().map_or("?".into(), |m| format!("{m:.0}")),
        after_warm.map_or("?".into(), |m| format!("{m:.0}")),
    );
    server.stop();
    tokens::revoke(&conn, wide.id).await?;
    tokens::revoke(&conn, scoped.id).await?;
    tokens::revoke(&conn, analyst.id).await?;
    Ok(())
}

/// `connections` workers sending for `secs`; GET /health without a body, else POST /graphql.
async fn load(
    base: &str,
    token: Option<&str>,
    body: Option<Arc<Value>>,
    connections: usize,
    secs: Duration,
) -> Measured {
    let until = Instant::now() + secs;
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (base, token, body) = (base.to_owned(), token.map(str::to_owned), body.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .build()
                    .unwrap_or_default();
                let mut m = Measured {
                    requests: 0,
                    errors: 0,
                    first_error: None,
                    elapsed: Duration::ZERO,
                    micros: Vec::new(),
                };
                while Instant::now() < until {
                    let t = Instant::now();
                    let outcome = match (&token, &body) {
                        (Some(token), Some(body)) => {
                            one(&client, &base, token, body).await.map(|_| ())
                        }
                        _ => health(&client, &base).await,
                    };
                    m.micros
                        .push(t.elapsed().as_micros().min(u32::MAX as u128) as u32);
                    m.requests += 1;
                    if let Err(e) = outcome {
                        m.errors += 1;
                        m.first_error.get_or_insert(e);
                    }
                }
                m
            })
        })
        .collect();
    let mut total = Measured {
        requests: 0,
        errors: 0,
        first_error: None,
        elapsed: Duration::ZERO,
        micros: Vec::new(),
    };
    for w in workers {
        if let Ok(m) = w.await {
            total.requests += m.requests;
            total.errors += m.errors;
            total.micros.extend(m.micros);
            if total.first_error.is_none() {
                total.first_error = m.first_error;
            }
        }
    }
    total.elapsed = started.elapsed();
    total
}

/// One dashboard request; its answer's size. The answer is checked without parsing it
/// all (the generator must not be the bottleneck): 200, data first, no `errors`.
async fn one(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    body: &Value,
) -> Result<usize, String> {
    let resp = client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status();
    let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
    let has = |needle: &[u8]| memchr::memmem::find(&bytes, needle).is_some();
    if !status.is_success() || !bytes.starts_with(b"{\"data\":{") || has(b"\"errors\"") {
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(300)]).into_owned();
        return Err(format!("{status}: {text}"));
    }
    // A dashboard answer lists units; `{ __typename }` answers only the type's name.
    if !has(b"\"edges\":[{") && !has(b"\"__typename\":\"Query\"") {
        return Err("no units in the answer".into());
    }
    Ok(bytes.len())
}

async fn health(client: &reqwest::Client, base: &str) -> Result<(), String> {
    let resp = client
        .get(format!("{base}/health"))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    match resp.status().is_success() {
        true => resp.bytes().await.map(|_| ()).map_err(|e| e.to_string()),
        false => Err(resp.status().to_string()),
    }
}

/// The server process under load.
pub(super) struct Server {
    pub(super) child: Child,
    pub(super) base: String,
}

impl Server {
    /// Starts `coso serve` on the database, with these settings added (`COSO_*`).
    pub(super) fn start(
        database_url: &str,
        pool: u32,
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let exe = std::env::current_exe()?;
        let mut child = Command::new(exe)
            .args(["--database-url", database_url, "serve"])
            .envs(env.iter().copied())
            .env("COSO_LISTEN", "127.0.0.1:0")
            .env("COSO_DB_MAX_CONNECTIONS", pool.to_string())
            // One token for all the load: the per-token limit would refuse most of it.
            .env("COSO_RATE_LIMIT_PER_MIN", "0")
            .env("COSO_SCHEDULER_TICK_SECS", "0")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
        let mut lines = BufReader::new(stdout).lines();
        let base = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| l.strip_prefix("coso listening on ").map(str::to_owned))
            .ok_or_else(|| anyhow::anyhow!("the server did not start"))?;
        // Keep reading what it prints: a closed pipe would fail its next line.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Self { child, base })
    }

    /// The server's peak resident memory (VmHWM), MiB.
    fn peak_mib(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        super::vm_hwm_mib(&status)
    }

    pub(super) fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}
