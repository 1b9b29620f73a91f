//! The command line: `coso` (serve), `coso migrate`, `coso seed`, `coso token create`,
//! `coso restructure apply`, `coso import`, `coso export`, `coso schema`. Each command is a short function over the library.

use clap::{Parser, Subcommand};

use crate::app::{Application, shutdown_signal};
use crate::config::Settings;
use crate::domain::Role;
use crate::seed::{self, Tier};
use crate::service::tokens;
use crate::{db, graphql};

/// coso: the commune-level police build-up tracker.
#[derive(Parser, Debug)]
#[command(name = "coso", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do (serve when none is given).
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the HTTP server (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Load data: the demo data set, or a synthetic tier for benchmarks.
    Seed {
        /// The 173 real Quảng Ngãi units with demo facts reproducing the source report.
        #[arg(long, conflicts_with = "synthetic")]
        demo: bool,
        /// A synthetic tier: s, m, l (national) or xl.
        #[arg(long)]
        synthetic: Option<Tier>,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Administrative restructurings (province admins' operation).
    Restructure {
        #[command(subcommand)]
        action: RestructureAction,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Import a spreadsheet (`coso import FILE --kind KIND [--dry-run]`), or write a
    /// kind's template (`coso import template KIND`).
    Import(crate::intake::command::ImportArgs),
    /// Export a kind's records on a day as its template filled in.
    Export(crate::intake::command::ExportArgs),
    /// Runs one analytics query from stdin (started by the server, not by hand).
    #[command(hide = true)]
    AnalyticsWorker {
        /// Memory budget, in MiB.
        #[arg(long)]
        memory_mib: u64,
    },
    /// Benchmarks that print figures.
    Bench {
        #[command(subcommand)]
        which: BenchCommand,
    },
}

/// Benchmark commands.
#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// The polars indicator engine against SQL GROUP BY, on the configured database.
    Indicators(crate::bench::indicators::Options),
    /// Making a monthly report: rendering alone (province and national size), then the
    /// whole path on the configured database.
    Report(crate::bench::report::Options),
    /// The dashboard request under concurrent load against a server process it starts.
    Load(crate::bench::load::Options),
    /// GraphQL requests (viewer and analyst, with and without the response cache)
    /// against the same answers from hand-written SQL through the same HTTP stack, with
    /// CPU per request of the server and the database, on a server process it starts.
    Graphql(crate::bench::graphql::Options),
    /// Analytics queries in a worker process against in-process, in the same run.
    Analytics(crate::bench::analytics::Options),
    /// What an area scope costs at the dataset load and in the engine, against the
    /// unscoped admin in the same run (meant for the national tier on PostgreSQL).
    Scope(crate::bench::scope::Options),
    /// A national-sized officer workbook: read, dry run and import on the configured
    /// database, with rows per second and peak memory.
    Import(crate::bench::import::Options),
}

/// Token commands.
#[derive(Subcommand, Debug)]
pub enum TokenAction {
    /// Create a token; its secret is the last line of the output.
    Create {
        /// admin, analyst or viewer.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Limit the token to one area (code; a 2024 district's area has its code,
        /// e.g. 522). `--district` is its older name.
        #[arg(long, alias = "district", conflicts_with = "unit")]
        area: Option<String>,
        /// Limit the token to one unit: the period of this unit code in force on `--on`
        /// (default today), an area of its own.
        #[arg(long)]
        unit: Option<String>,
        /// The day that says which unit of a reused code `--unit` means.
        #[arg(long, requires = "unit")]
        on: Option<chrono::NaiveDate>,
        /// A name to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

/// Restructuring commands.
#[derive(Subcommand, Debug)]
pub enum RestructureAction {
    /// Apply a plan (CSV: predecessor and successor codes, as the shipped mapping files)
    /// effective on a day, in one transaction; prints what changes per successor.
    Apply {
        /// The plan file.
        plan: std::path::PathBuf,
        /// The first day of the new units (YYYY-MM-DD).
        #[arg(long)]
        effective: chrono::NaiveDate,
        /// Show what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::from_code(s).ok_or_else(|| format!("unknown role `{s}`: use admin, analyst or viewer"))
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = cli.settings;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&settings).await,
        Command::AnalyticsWorker { memory_mib } => crate::analytics::worker::main(memory_mib),
        Command::Schema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::Migrate => {
            let (conn, _) = db::connect(settings.database_url(), 1).await?;
            db::migrate(&conn).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Seed { demo, synthetic } => seed_cmd(&settings, demo, synthetic).await,
        Command::Import(args) => crate::intake::command::import(&settings, args).await,
        Command::Export(args) => crate::intake::command::export(&settings, args).await,
        Command::Bench {
            which: BenchCommand::Indicators(opts),
        } => crate::bench::indicators::run(settings.database_url(), &opts).await,
        Command::Bench {
            which: BenchCommand::Report(opts),
        } => crate::bench::report::run(settings.database_url(), &opts).await,
        Command::Bench {
            which: BenchCommand::Analytics(opts),
        } => {
            crate::bench::analytics::run(settings.database_url(), &opts, &settings.analytics).await
        }
        Command::Bench {
            which: BenchCommand::Load(opts),
        } => crate::bench::load::run(settings.database_url(), &opts).await,
        Command::Bench {
            which: BenchCommand::Graphql(opts),
        } => crate::bench::graphql::run(settings.database_url(), &opts).await,
        Command::Bench {
            which: BenchCommand::Scope(opts),
        } => crate::bench::scope::run(settings.database_url(), &opts).await,
        Command::Bench {
            which: BenchCommand::Import(opts),
        } => crate::bench::import::run(&settings, &opts).await,
        Command::Restructure {
            action:
                RestructureAction::Apply {
                    plan,
                    effective,
                    dry_run,
                },
        } => restructure_cmd(&settings, &plan, effective, dry_run).await,
        Command::Token {
            action:
                TokenAction::Create {
                    role,
                    area,
                    unit,
                    on,
                    name,
                },
        } => {
            let (conn, _) = db::connect(settings.database_url(), 1).await?;
            db::migrate(&conn).await?;
            let area = match unit {
                Some(code) => {
                    let on = on.unwrap_or_else(|| chrono::Utc::now().date_naive());
                    Some(
                        crate::service::areas::unit_area(&conn, &code, on)
                            .await?
                            .code,
                    )
                }
                None => area,
            };
            let (row, secret) = tokens::create(&conn, role, area.clone(), &name).await?;
            let args = serde_json::json!({ "id": row.id, "role": role.code(), "areaCode": area, "name": name });
            let entry = crate::service::audit::Entry::command_line("token", "token create", args);
            crate::service::audit::record(&conn, entry).await?;
            println!("created {} token #{} \"{}\"", role.code(), row.id, row.name);
            println!("{secret}");
            Ok(())
        }
    }
}

async fn serve(settings: &Settings) -> anyhow::Result<()> {
    let app = Application::build(settings).await?;
    let base = format!("http://{}:{}", settings.listen.ip(), app.port());
    say(format_args!("coso listening on {base}"));
    say(format_args!(
        "GraphiQL: {base}/graphql  (health: {base}/health)"
    ));
    if settings.is_default_database() && tokens::list(app.db()).await?.is_empty() {
        let (row, secret) = tokens::create(app.db(), Role::Admin, None, "bootstrap admin").await?;
        let args = serde_json::json!({ "id": row.id, "role": "admin", "name": row.name });
        let entry = crate::service::audit::Entry::command_line("token", "bootstrap token", args);
        crate::service::audit::record(app.db(), entry).await?;
        say(format_args!(
            "Authenticate with the header  Authorization: Bearer {secret}"
        ));
        say(format_args!(
            "(a bootstrap admin token, shown once; make others with `coso token create`)"
        ));
    } else {
        say(format_args!(
            "Authenticate with  Authorization: Bearer <token>  (make one with `coso token create --role admin`)"
        ));
    }
    app.run(shutdown_signal()).await?;
    Ok(())
}

/// Prints a line of the start-up banner; a closed stdout (a supervisor gone) must not
/// bring the server down, so write errors are ignored.
fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}

async fn seed_cmd(settings: &Settings, demo: bool, synthetic: Option<Tier>) -> anyhow::Result<()> {
    let (conn, _) = db::connect(settings.database_url(), 4).await?;
    db::migrate(&conn).await?;
    let started = std::time::Instant::now();
    let report = match (demo, synthetic) {
        (true, _) => {
            let report = seed::seed_demo(&conn).await?;
            crate::service::schedules::seed_demo(&conn).await?;
            report
        }
        (false, Some(tier)) => seed::seed_synthetic(&conn, tier).await?,
        (false, None) => anyhow::bail!("give --demo or --synthetic <tier>"),
    };
    db::refresh_statistics(&conn).await;
    println!("{report:?} in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

async fn restructure_cmd(
    settings: &Settings,
    path: &std::path::Path,
    effective: chrono::NaiveDate,
    dry_run: bool,
) -> anyhow::Result<()> {
    use crate::restructure::{self, RestructureError};
    let plan = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let (conn, _) = db::connect(settings.database_url(), 1).await?;
    db::migrate(&conn).await?;
    let txn = db::begin_write(&conn).await?;
    let report = match restructure::apply(&txn, &plan, effective, dry_run).await {
        Ok(report) => report,
        Err(RestructureError::Rejected(errors)) => {
            txn.rollback().await?;
            for e in &errors {
                eprintln!("{e}");
            }
            anyhow::bail!(
                "PLAN_REJECTED: {} problem(s) in {}; nothing was written",
                errors.len(),
                path.display()
            );
        }
        Err(e) => {
            txn.rollback().await?;
            // The operator runs this on the server: the cause is theirs to see.
            anyhow::bail!("{}: {e:?}", e.code());
        }
    };
    if dry_run {
        txn.rollback().await?;
    } else {
        let args = serde_json::json!({
            "plan": path.display().to_string(),
            "effective": effective,
            "summary": report.summary(),
        });
        let entry =
            crate::service::audit::Entry::command_line("mutation", "restructure apply", args);
        crate::service::audit::record(&txn, entry).await?;
        txn.commit().await?;
        db::refresh_statistics(&conn).await;
    }
    print!("{}", report.text());
    Ok(())
}
