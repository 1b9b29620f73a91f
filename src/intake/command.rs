//! `coso import FILE --kind KIND [--dry-run] [--complete] [--day] [--encoding]`,
//! `coso import template KIND [--lang en] [--out FILE]` and
//! `coso export KIND [--as-of DAY] [--out FILE]`: the spreadsheet flow on the command
//! line, province-wide (the operator on the server), audited as the command line.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::{Bounds, Caller, Encoding, Kind, Outcome, Request};
use crate::auth::Scope;
use crate::config::Settings;
use crate::db;

/// Arguments of `coso import`.
#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub template: Option<TemplateCommand>,
    /// The file (XLSX or CSV).
    pub file: Option<PathBuf>,
    /// officers, seats or headquarters.
    #[arg(long)]
    pub kind: Option<String>,
    /// Show what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The file is the complete list on `--day`: records missing from it are ended.
    #[arg(long)]
    pub complete: bool,
    /// The day of a complete file (default today).
    #[arg(long)]
    pub day: Option<NaiveDate>,
    /// A CSV's encoding: utf-8 or cp1258 (detected when not given).
    #[arg(long)]
    pub encoding: Option<String>,
    /// Where to write the error copy of a refused file.
    #[arg(long)]
    pub errors_out: Option<PathBuf>,
}

/// `coso import template KIND`.
#[derive(clap::Subcommand, Debug)]
pub enum TemplateCommand {
    /// Write a kind's empty template.
    Template {
        /// officers, seats, headquarters, directives, activities, questions, awards, areas.
        kind: String,
        /// `en` for English headers.
        #[arg(long, default_value = "vi")]
        lang: String,
        /// The file to write (default `coso-KIND-template.xlsx`).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

/// Arguments of `coso export`.
#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// officers, seats or headquarters.
    pub kind: String,
    /// The day (default today).
    #[arg(long)]
    pub as_of: Option<NaiveDate>,
    /// `en` for English headers.
    #[arg(long, default_value = "vi")]
    pub lang: String,
    /// The file to write (default `coso-KIND-DAY.xlsx`).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

fn kind(code: &str) -> anyhow::Result<Kind> {
    Kind::from_code(code).ok_or_else(|| {
        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.code()).collect();
        anyhow::anyhow!("IMPORT_UNKNOWN_KIND: `{code}`; kinds: {}", kinds.join(", "))
    })
}

/// Runs `coso import`.
pub async fn import(settings: &Settings, args: ImportArgs) -> anyhow::Result<()> {
    if let Some(TemplateCommand::Template { kind: k, lang, out }) = args.template {
        let kind = kind(&k)?;
        let bytes = super::sheet::template(kind, lang == "en")?;
        let out = out.unwrap_or_else(|| format!("coso-{}-template.xlsx", kind.code()).into());
        std::fs::write(&out, bytes)?;
        println!("wrote {}", out.display());
        return Ok(());
    }
    let file = args
        .file
        .ok_or_else(|| anyhow::anyhow!("give a FILE to import, or `template KIND`"))?;
    let kind = kind(args.kind.as_deref().unwrap_or_default())?;
    let bytes =
        std::fs::read(&file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    if bytes.len() > settings.limits.import_max_bytes {
        anyhow::bail!(
            "IMPORT_TOO_LARGE: {} is larger than {} bytes (COSO_IMPORT_MAX_BYTES)",
            file.display(),
            settings.limits.import_max_bytes
        );
    }
    let encoding = match args.encoding.as_deref() {
        None => None,
        Some(e) => {
            Some(Encoding::parse(e).ok_or_else(|| anyhow::anyhow!("--encoding: utf-8 or cp1258"))?)
        }
    };
    let (conn, _) = db::connect(settings.database_url(), 2).await?;
    db::migrate(&conn).await?;
    let today = settings.today.unwrap_or_else(|| settings.clock().today());
    let request = Request {
        kind,
        file_name: file
            .file_name()
            .map_or_else(|| "upload".into(), |n| n.to_string_lossy().into_owned()),
        bytes,
        dry_run: args.dry_run,
        complete: args.complete,
        day: args.day.unwrap_or(today),
        encoding,
    };
    let bounds = Bounds::of(&settings.limits);
    match super::run(&conn, &Caller::command_line(), request, bounds).await? {
        Outcome::Done(report) => {
            let what = if report.dry_run {
                "dry run (nothing written)"
            } else {
                "imported"
            };
            println!(
                "{what}: {} rows of {}; {}",
                report.rows, report.kind, report.summary
            );
            for (label, list) in [
                ("created", &report.samples.created),
                ("updated", &report.samples.updated),
                ("ended", &report.samples.ended),
            ] {
                for line in list {
                    println!("  {label}: {line}");
                }
            }
            Ok(())
        }
        Outcome::Refused(r) => {
            for e in &r.errors {
                eprintln!(
                    "{}!{}{} {}: {}",
                    e.sheet,
                    e.column.as_deref().unwrap_or(""),
                    e.row,
                    e.code,
                    e.vi
                );
            }
            if let (Some(out), Some(table)) = (&args.errors_out, &r.table) {
                let bytes = super::sheet::error_copy(&table.sheet, &table.rows, &r.errors, false)?;
                std::fs::write(out, bytes)?;
                eprintln!("error copy written to {}", out.display());
            }
            anyhow::bail!("{}: {}; nothing was written", r.problem.code, r.problem.en)
        }
    }
}

/// Runs `coso export`.
pub async fn export(settings: &Settings, args: ExportArgs) -> anyhow::Result<()> {
    let kind = kind(&args.kind)?;
    let (conn, _) = db::connect(settings.database_url(), 2).await?;
    db::migrate(&conn).await?;
    let day = args
        .as_of
        .unwrap_or_else(|| settings.today.unwrap_or_else(|| settings.clock().today()));
    let bytes = super::export::workbook(&conn, &Scope::all(), kind, day, args.lang == "en")
        .await?
        .ok_or_else(|| anyhow::anyhow!("no export of {} yet", kind.code()))?;
    let out = args
        .out
        .unwrap_or_else(|| format!("coso-{}-{day}.xlsx", kind.code()).into());
    std::fs::write(&out, bytes)?;
    let args_json =
        serde_json::json!({ "kind": kind.code(), "asOf": day, "out": out.display().to_string() });
    let entry = crate::service::audit::Entry::command_line("export", "export", args_json);
    crate::service::audit::record(&conn, entry).await?;
    println!("wrote {}", out.display());
    Ok(())
}
