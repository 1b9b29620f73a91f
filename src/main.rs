//! Entry point: parse the command line, set up logging, run.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = coso::cli::Cli::parse();
    coso::telemetry::init(&cli.settings.log_format);
    coso::telemetry::log_panics();
    coso::cli::run(cli).await
}
