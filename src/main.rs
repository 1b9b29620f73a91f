//! Entry point: parse the command line, set up logging, run. An error that ends the
//! process is printed with the passwords of the database and SMTP URLs masked.

use std::process::ExitCode;

use clap::Parser;

/// glibc's allocator, or mimalloc with `COSO_ALLOCATOR=mimalloc` (`coso::allocator`).
#[global_allocator]
static ALLOCATOR: coso::allocator::Switch = coso::allocator::Switch;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = coso::cli::Cli::parse();
    coso::telemetry::init(&cli.settings.log_format);
    coso::telemetry::log_panics();
    let database_url = cli.settings.database_url().to_owned();
    let smtp_secrets = cli
        .settings
        .mail
        .smtp_url
        .as_ref()
        .map(coso::mail::SmtpUrl::secrets)
        .unwrap_or_default();
    match coso::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let text = coso::secret::scrub(&format!("{e:?}"), &[&database_url]);
            let text = smtp_secrets
                .iter()
                .fold(text, |text, secret| text.replace(secret, "***"));
            eprintln!("Error: {text}");
            ExitCode::FAILURE
        }
    }
}
