//! `coso bench graphql`: what GraphQL costs over the database, against a floor. It
//! starts `coso serve` on the configured database with the floor route on
//! (`COSO_BENCH_FLOOR`, see `http::floor`), makes admin, viewer and analyst tokens
//! (province-wide), and for each request of [`cases`] checks that GraphQL (viewer and
//! analyst) and the floor (one hand-written SQL statement through the same HTTP stack)
//! give the same answer, then keeps `--connections` connections busy for `--seconds`
//! with: the floor; the viewer with the response cache; the viewer without it (each
//! request's variables differ, so its cache key does); the analyst (never cached);
//! `--rounds` times over (each round starting one way further on), each way's figures
//! summed over its rounds.
//! Prints req/s, p50, p99 and the CPU per request of the server process and of the
//! database (PostgreSQL: its backends serving this database, from /proc; SQLite runs
//! inside the server), and the ratio of the CPU per request to the floor's.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use super::load::Server;
use crate::db;
use crate::domain::Role;
use crate::service::tokens;

/// Options of `coso bench graphql`.
#[derive(clap::Args, Debug)]
pub struct Options {
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Seconds of load per measurement.
    #[arg(long, default_value_t = 3.0)]
    pub seconds: f64,
    /// Rounds per request: the floor and the three GraphQL ways measured one after the
    /// other this many times, each way's figures summed over its rounds (on a shared
    /// machine whose speed drifts, alternating short rounds compare fairer than one long
    /// measurement each).
    #[arg(long, default_value_t = 1)]
    pub rounds: u32,
    /// Database pool size of the server under load.
    #[arg(long, default_value_t = 16)]
    pub pool: u32,
    /// Only the requests whose name contains this.
    #[arg(long)]
    pub only: Option<String>,
    /// The server's allocator (`COSO_ALLOCATOR`): `system`, `mimalloc`, or both, one
    /// server after the other in the same run (`--allocators system,mimalloc`).
    #[arg(long, value_delimiter = ',', default_value = "system")]
    pub allocators: Vec<String>,
}

/// One request of the bench: its GraphQL document and variables, and the floor's body.
#[derive(Clone)]
struct Case {
    name: &'static str,
    document: &'static str,
    variables: Value,
    floor: Value,
}

/// The three requests of issue 13, and every list of the API (100 rows, or 50) with
/// nested fields two levels deep where it has them. `district` and `day`: a district with the most units on the
/// last day districts existed (none: the first request is left out).
fn cases(district: Option<(String, NaiveDate)>) -> Vec<Case> {
    let mut out = Vec::new();
    if let Some((d, day)) = &district {
        out.push(Case {
            name: "units_of_district",
            document: "query($d: String!, $day: NaiveDate!) { units(first: 50, filter: {districtCode: $d, activeOn: $day}) \
                { edges { node { code name district { code name } chief { rank } headquarters { model status } } } } }",
            variables: json!({ "d": d, "day": day }),
            floor: json!({ "request": "units_of_district", "district": d, "day": day }),
        });
    }
    let plain = |name: &'static str, document: &'static str| Case {
        name,
        document,
        variables: json!({}),
        floor: json!({ "request": name }),
    };
    if let Some((_, day)) = district {
        // The second request as it was measured (2024's units: about 15 officers
        // each); today's merged communes hold three times as many.
        out.push(Case {
            name: "units_with_officers_on_day",
            document: "query($day: NaiveDate!) { units(first: 100, filter: {activeOn: $day}) \
                { edges { node { code district { code name } officers { id rank } } } } }",
            variables: json!({ "day": day }),
            floor: json!({ "request": "units_with_officers", "day": day }),
        });
    }
    out.push(plain(
        "units_with_officers",
        "{ units(first: 100) { edges { node { code district { code name } officers { id rank } } } } }",
    ));
    out.push(plain(
        "staffing_by_district",
        "{ indicators(codes: [\"staffing_ratio\"], groupBy: [DISTRICT]) { code value numerator denominator group { kind code name } } }",
    ));
    out.push(plain(
        "officers_with_units",
        "{ officers(first: 100) { edges { node { id rank unit { code name district { code name } } } } } }",
    ));
    out.push(plain(
        "headquarters_with_units",
        "{ headquarters(first: 100) { edges { node { id model status unit { code name district { code name } } } } } }",
    ));
    out.push(plain(
        "districts",
        "{ districts(first: 50) { edges { node { code name kind } } } }",
    ));
    out.push(plain(
        "directives",
        "{ directives(first: 100) { edges { node { id number kind issuer title issuedOn } } } }",
    ));
    out.push(plain(
        "union_activities",
        "{ unionActivities(first: 100) { edges { node { id name kind startedOn unit { code name district { code name } } } } } }",
    ));
    out.push(plain(
        "dialogue_questions",
        "{ dialogueQuestions(first: 100) { edges { node { id topic status askedOn session { title heldOn } askerUnit { code name } } } } }",
    ));
    out.push(plain(
        "awards",
        "{ awards(first: 100) { edges { node { id form awardedOn unit { code name } officer { rank } } } } }",
    ));
    out.push(plain(
        "party_memberships",
        "{ partyMemberships(first: 100) { edges { node { id body term startedOn officer { rank } unit { code name } } } } }",
    ));
    out
}

/// Who sends a measured request, and how.
#[derive(Clone, Copy, PartialEq)]
enum Way {
    Floor,
    ViewerCached,
    ViewerUncached,
    Analyst,
}

impl Way {
    const ALL: [Way; 4] = [
        Way::Floor,
        Way::ViewerCached,
        Way::ViewerUncached,
        Way::Analyst,
    ];

    fn label(self) -> &'static str {
        match self {
            Way::Floor => "floor (SQL)",
            Way::ViewerCached => "viewer, cache",
            Way::ViewerUncached => "viewer, no cache",
            Way::Analyst => "analyst",
        }
    }
}

/// The tokens and the server's address.
#[derive(Clone)]
struct Target {
    base: String,
    admin: String,
    viewer: String,
    analyst: String,
}

impl Target {
    /// The request `way` sends for `case`; `n` makes the uncached viewer's key unique.
    fn request(
        &self,
        client: &reqwest::Client,
        case: &Case,
        way: Way,
        n: u64,
    ) -> reqwest::RequestBuilder {
        let (path, token, body) = match way {
            Way::Floor => ("/bench/floor", &self.admin, case.floor.clone()),
            Way::ViewerCached | Way::Analyst => {
                let token = if way == Way::Analyst {
                    &self.analyst
                } else {
                    &self.viewer
                };
                let body = json!({ "query": case.document, "variables": case.variables });
                ("/graphql", token, body)
            }
            Way::ViewerUncached => {
                let mut variables = case.variables.clone();
                variables["benchNonce"] = json!(n);
                let body = json!({ "query": case.document, "variables": variables });
                ("/graphql", &self.viewer, body)
            }
        };
        client
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(&body)
    }
}

/// One measurement.
struct Measured {
    requests: u64,
    errors: u64,
    first_error: Option<String>,
    micros: Vec<u32>,
    elapsed: Duration,
    server_ms: f64,
    db_ms: f64,
}

impl Measured {
    /// This measurement and `other` of the same way, as one.
    fn and(mut self, other: Measured) -> Self {
        self.requests += other.requests;
        self.errors += other.errors;
        self.first_error = self.first_error.or(other.first_error);
        self.micros.extend(other.micros);
        self.elapsed += other.elapsed;
        self.server_ms += other.server_ms;
        self.db_ms += other.db_ms;
        self
    }

    fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// CPU milliseconds per request, server and database.
    fn cpu_per_request(&self) -> (f64, f64) {
        let n = self.requests.max(1) as f64;
        (self.server_ms / n, self.db_ms / n)
    }

    fn percentile(&self, p: f64) -> f64 {
        let i = ((self.micros.len() as f64 - 1.0) * p).round().max(0.0) as usize;
        f64::from(self.micros.get(i).copied().unwrap_or(0)) / 1000.0
    }
}

/// CPU time of processes from /proc, in milliseconds.
struct Cpu {
    server: u32,
    /// The PostgreSQL database whose backends count (none: SQLite, in the server).
    database: Option<String>,
    tick_ms: f64,
}

impl Cpu {
    fn new(server: u32, database_url: &str) -> Self {
        let database = database_url
            .starts_with("postgres")
            .then(|| database_url.rsplit('/').next().unwrap_or_default())
            .map(|d| d.split('?').next().unwrap_or_default().to_owned());
        // SAFETY: sysconf only reads a configuration value.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        let tick_ms = 1000.0 / if hz > 0 { hz as f64 } else { 100.0 };
        Self {
            server,
            database,
            tick_ms,
        }
    }

    /// utime + stime of a process, in ticks.
    fn ticks(pid: &str) -> Option<u64> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
    }

    /// The server's ticks and those of each PostgreSQL backend serving the database.
    fn sample(&self) -> (u64, Vec<(String, u64)>) {
        let server = Self::ticks(&self.server.to_string()).unwrap_or(0);
        let mut backends = Vec::new();
        if let Some(db) = &self.database
            && let Ok(dir) = std::fs::read_dir("/proc")
        {
            let needle = format!(" {db} ");
            for entry in dir.flatten() {
                let pid = entry.file_name().to_string_lossy().into_owned();
                if !pid.bytes().all(|b| b.is_ascii_digit()) {
                    continue;
                }
                let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
                let cmdline = String::from_utf8_lossy(&cmdline);
                if cmdline.starts_with("postgres:")
                    && cmdline.contains(&needle)
                    && let Some(t) = Self::ticks(&pid)
                {
                    backends.push((pid, t));
                }
            }
        }
        (server, backends)
    }

    /// Milliseconds of CPU between two samples: the server's, the database's.
    fn between(&self, a: &(u64, Vec<(String, u64)>), b: &(u64, Vec<(String, u64)>)) -> (f64, f64) {
        let db: u64 =
            b.1.iter()
                .map(|(pid, t)| {
                    let before = a.1.iter().find(|(p, _)| p == pid).map_or(0, |(_, t)| *t);
                    t.saturating_sub(before)
                })
                .sum();
        (
            b.0.saturating_sub(a.0) as f64 * self.tick_ms,
            db as f64 * self.tick_ms,
        )
    }
}

/// Runs the benchmark and prints its figures.
pub async fn run(database_url: &str, opts: &Options) -> anyhow::Result<()> {
    let (conn, _) = db::connect_and_migrate(database_url, 2, Duration::ZERO).await?;
    if crate::seed::is_empty(&conn).await? {
        anyhow::bail!("the database is empty: seed it first (coso seed --demo or --synthetic l)");
    }
    if let Some(a) = opts
        .allocators
        .iter()
        .find(|a| !crate::allocator::NAMES.contains(&a.as_str()))
    {
        anyhow::bail!("unknown allocator {a}: system, mimalloc or jemalloc");
    }
    let district = busiest_district(&conn).await?;
    let cases: Vec<Case> = cases(district)
        .into_iter()
        .filter(|c| opts.only.as_deref().is_none_or(|o| c.name.contains(o)))
        .collect();
    let (admin, admin_secret) = tokens::create(&conn, Role::Admin, None, "bench graphql").await?;
    let (viewer, viewer_secret) =
        tokens::create(&conn, Role::Viewer, None, "bench graphql").await?;
    let (analyst, analyst_secret) =
        tokens::create(&conn, Role::Analyst, None, "bench graphql").await?;
    let mut outcome = Ok(());
    for allocator in &opts.allocators {
        let target = Target {
            base: String::new(),
            admin: admin_secret.clone(),
            viewer: viewer_secret.clone(),
            analyst: analyst_secret.clone(),
        };
        outcome = measure(database_url, &conn, opts, allocator, &cases, target).await;
        if outcome.is_err() {
            break;
        }
    }
    for t in [admin.id, viewer.id, analyst.id] {
        tokens::revoke(&conn, t).await?;
    }
    outcome
}

async fn measure(
    database_url: &str,
    conn: &sea_orm::DatabaseConnection,
    opts: &Options,
    allocator: &str,
    cases: &[Case],
    mut target: Target,
) -> anyhow::Result<()> {
    let env = [
        ("COSO_BENCH_FLOOR", "1"),
        (crate::allocator::VARIABLE, allocator),
    ];
    let mut server = Server::start(database_url, opts.pool, &env)?;
    target.base = server.base.clone();
    let cpu = Cpu::new(server.child.id(), database_url);
    println!(
        "server pid {} on {}, allocator {allocator}; {} connections, {} round(s) of {} s each; database CPU: {}",
        server.child.id(),
        target.base,
        opts.connections,
        opts.rounds.max(1),
        opts.seconds,
        match &cpu.database {
            Some(db) => format!("PostgreSQL backends of {db}"),
            None => "SQLite, inside the server".to_owned(),
        }
    );
    wait_for_snapshot(conn).await?;
    let client = reqwest::Client::new();
    let mut differ = Vec::new();
    for case in cases {
        let floor = answer(&client, &target, case, Way::Floor).await?;
        for way in [Way::ViewerCached, Way::Analyst] {
            let gql = answer(&client, &target, case, way).await?;
            if gql != floor {
                differ.push(format!(
                    "{} ({}): GraphQL {} vs floor {}",
                    case.name,
                    way.label(),
                    clip(&gql),
                    clip(&floor)
                ));
            }
        }
        println!("{}: {} bytes of data", case.name, floor.to_string().len());
    }
    let secs = Duration::from_secs_f64(opts.seconds.max(0.1));
    println!(
        "{:<24} {:<17} {:>8} {:>8} {:>8} {:>10} {:>10} {:>10} {:>8} {:>6}",
        "request",
        "by",
        "req/s",
        "p50 ms",
        "p99 ms",
        "server ms",
        "db ms",
        "cpu ms",
        "x floor",
        "errors"
    );
    for case in cases {
        let mut summed: Vec<Option<Measured>> = Way::ALL.iter().map(|_| None).collect();
        for round in 0..opts.rounds.max(1) as usize {
            // Each round starts one way further on, so that over as many rounds as there
            // are ways each is measured in every place once (the same way always after
            // the same other would carry that one's after-effects: the heap it left, a
            // burst of 25,000 cached answers a second).
            for i in 0..Way::ALL.len() {
                let k = (i + round) % Way::ALL.len();
                let (sum, way) = (&mut summed[k], Way::ALL[k]);
                let before = cpu.sample();
                let mut m = load(&target, case, way, opts.connections, secs).await;
                let after = cpu.sample();
                (m.server_ms, m.db_ms) = cpu.between(&before, &after);
                *sum = Some(match sum.take() {
                    Some(total) => total.and(m),
                    None => m,
                });
            }
        }
        let mut floor_cpu = None;
        for (m, way) in summed.into_iter().zip(Way::ALL) {
            let Some(mut m) = m else {
                continue;
            };
            m.micros.sort_unstable();
            let (server_ms, db_ms) = m.cpu_per_request();
            let total = server_ms + db_ms;
            let floor_total = *floor_cpu.get_or_insert(total);
            println!(
                "{:<24} {:<17} {:>8.0} {:>8.2} {:>8.2} {:>10.3} {:>10.3} {:>10.3} {:>8.2} {:>6}",
                case.name,
                way.label(),
                m.rps(),
                m.percentile(0.5),
                m.percentile(0.99),
                server_ms,
                db_ms,
                total,
                total / floor_total.max(1e-9),
                m.errors
            );
            if let Some(e) = &m.first_error {
                println!("    first error: {e}");
            }
        }
    }
    server.stop();
    if differ.is_empty() {
        println!(
            "answers identical: GraphQL (viewer and analyst) and the floor, {} requests",
            cases.len()
        );
        Ok(())
    } else {
        for d in &differ {
            println!("ANSWERS DIFFER: {d}");
        }
        anyhow::bail!("{} answers differ from the floor", differ.len())
    }
}

/// The first 300 characters of an answer, for a message.
fn clip(v: &Value) -> String {
    v.to_string().chars().take(300).collect()
}

/// The `data` of one answer, refusing errors.
async fn answer(
    client: &reqwest::Client,
    target: &Target,
    case: &Case,
    way: Way,
) -> anyhow::Result<Value> {
    let resp = target.request(client, case, way, 0).send().await?;
    let status = resp.status();
    let body: Value = resp.json().await?;
    if !status.is_success() || body.get("errors").is_some() {
        anyhow::bail!(
            "{} ({}) fails: {status} {}",
            case.name,
            way.label(),
            clip(&body)
        );
    }
    Ok(body.get("data").cloned().unwrap_or(Value::Null))
}

/// A district with the most units on the last day districts existed, and that day.
async fn busiest_district(
    conn: &sea_orm::DatabaseConnection,
) -> anyhow::Result<Option<(String, NaiveDate)>> {
    use entity::unit_period::{Column as C, Entity};
    let last = Entity::find()
        .filter(C::DistrictCode.is_not_null())
        .filter(C::ValidTo.is_not_null())
        .order_by_desc(C::ValidTo)
        .one(conn)
        .await?;
    let Some(day) = last.and_then(|p| p.valid_to) else {
        return Ok(None);
    };
    let periods = Entity::find()
        .filter(crate::service::units::active_on(day))
        .filter(C::DistrictCode.is_not_null())
        .all(conn)
        .await?;
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for p in periods {
        *counts
            .entry(p.district_code.unwrap_or_default())
            .or_default() += 1;
    }
    let best = counts
        .into_iter()
        .max_by_key(|(code, n)| (*n, std::cmp::Reverse(code.clone())));
    Ok(best.map(|(code, _)| (code, day)))
}

/// Waits (at most two minutes) for the server's first indicator snapshot, which the
/// indicator request is answered from.
async fn wait_for_snapshot(conn: &sea_orm::DatabaseConnection) -> anyhow::Result<()> {
    use sea_orm::PaginatorTrait;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(120) {
        if let Some(v) = crate::service::version::current(conn).await? {
            let stored = entity::indicator_value::Entity::find()
                .filter(entity::indicator_value::Column::DataVersion.eq(v.version))
                .count(conn)
                .await?;
            if stored > 0 {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    println!("no indicator snapshot after 120 s: the indicator request is computed");
    Ok(())
}

/// The uncached viewer's nonces (`Target::request`), never the same twice in a run.
static NONCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// `connections` workers sending `way`'s request for `case` for `secs`.
async fn load(
    target: &Target,
    case: &Case,
    way: Way,
    connections: usize,
    secs: Duration,
) -> Measured {
    let started = Instant::now();
    let until = started + secs;
    let shared = Arc::new((target.clone(), case.clone()));
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let shared = shared.clone();
            tokio::spawn(async move {
                let (target, case) = &*shared;
                let client = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .build()
                    .unwrap_or_default();
                let (mut micros, mut errors, mut first_error) = (Vec::new(), 0u64, None);
                while Instant::now() < until {
                    // Unique across the run: a nonce sent again in a later round would be
                    // a question asked before (kept from its second asking), and the
                    // uncached viewer's line would count answers from the cache.
                    let n = NONCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let t = Instant::now();
                    let outcome = send(target.request(&client, case, way, n)).await;
                    micros.push(t.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                    if let Err(e) = outcome {
                        errors += 1;
                        first_error.get_or_insert(e);
                    }
                }
                (micros, errors, first_error)
            })
        })
        .collect();
    let mut total = Measured {
        requests: 0,
        errors: 0,
        first_error: None,
        micros: Vec::new(),
        elapsed: Duration::ZERO,
        server_ms: 0.0,
        db_ms: 0.0,
    };
    for w in workers {
        if let Ok((micros, errors, first_error)) = w.await {
            total.requests += micros.len() as u64;
            total.micros.extend(micros);
            total.errors += errors;
            if total.first_error.is_none() {
                total.first_error = first_error;
            }
        }
    }
    total.elapsed = started.elapsed();
    total
}

/// Sends one request; an answer is good when it is 200 with data and no errors
/// (checked without parsing it: the generator must not be the bottleneck).
async fn send(request: reqwest::RequestBuilder) -> Result<(), String> {
    let resp = request.send().await.map_err(|e| e.to_string())?;
    let status = resp.status();
    let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
    let errors = memchr::memmem::find(&bytes, b"\"errors\"").is_some();
    if !status.is_success() || !bytes.starts_with(b"{\"data\":") || errors {
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(300)]).into_owned();
        return Err(format!("{status}: {text}"));
    }
    Ok(())
}
