//! The analytics worker process (`coso analytics-worker`, started by [`super::runner`]):
//! it sets its memory budget, reads one request on stdin, runs it on a thread with a
//! large stack and writes the reply on stdout. An allocation past the budget aborts
//! this process only; the server sees how it ended.

use std::io::{Read, Write};

use super::engine;
use super::wire::{self, Reply};

/// Stack of the thread that plans and runs the query (the gate bounds its depth).
pub const QUERY_STACK: usize = 64 * 1024 * 1024;
/// Largest reply (JSON rows) sent back to the server.
pub const MAX_REPLY_BYTES: usize = 64 * 1024 * 1024;
/// Stack of the engine's pool threads (`RUST_MIN_STACK`, set by the runner).
pub const POOL_STACK: usize = 16 * 1024 * 1024;

/// Runs one request from stdin with a data-segment budget of `memory_mib` MiB.
pub fn main(memory_mib: u64) -> anyhow::Result<()> {
    // Never above a hard limit set from outside (a container's), which we could not raise.
    let (_, hard) = rlimit::getrlimit(rlimit::Resource::DATA)?;
    let bytes = memory_mib.saturating_mul(1024 * 1024).min(hard);
    rlimit::setrlimit(rlimit::Resource::DATA, bytes, bytes)?;
    let mut input = Vec::new();
    std::io::stdin().lock().read_to_end(&mut input)?;
    let reply = std::thread::Builder::new()
        .name("analytics".into())
        .stack_size(QUERY_STACK)
        .spawn(move || run(&input))?
        .join()
        .unwrap_or_else(|_| Reply::Failed {
            code: "SQL_UNSUPPORTED".into(),
            message: "the engine failed on this query".into(),
            detail: "the engine panicked (see the worker's stderr)".into(),
        });
    let mut bytes = serde_json::to_vec(&reply)?;
    if bytes.len() > MAX_REPLY_BYTES {
        bytes = serde_json::to_vec(&Reply::Failed {
            code: "SQL_RESULT_TOO_LARGE".into(),
            message: format!(
                "the result is larger than {} MiB: select fewer columns or rows",
                MAX_REPLY_BYTES >> 20
            ),
            detail: format!("{} bytes of JSON", bytes.len()),
        })?;
    }
    let mut out = std::io::stdout().lock();
    out.write_all(&bytes)?;
    out.flush()?;
    Ok(())
}

fn run(input: &[u8]) -> Reply {
    match wire::decode(input) {
        Ok((header, tables)) => engine::execute(&header.sql, header.limit, tables),
        Err(e) => Reply::Failed {
            code: "INTERNAL".into(),
            message: "internal error".into(),
            detail: format!("decoding the request: {e}"),
        },
    }
}
