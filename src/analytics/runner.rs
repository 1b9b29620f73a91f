//! The server's side of the analytics worker: a slot among
//! `COSO_ANALYTICS_CONCURRENCY` (waiting at most `COSO_ANALYTICS_QUEUE_MS`, else
//! `BUSY`), one `coso analytics-worker` process per query with the request on its stdin,
//! killed at the time bound (its CPU and memory come back at once, and also when the
//! caller goes away), and its end read: a reply, or death past its memory budget.

use std::io::{Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;

use super::AnalyticsError;
use super::bounds::Bounds;
use super::guard::Refusal;
use super::settings::AnalyticsSettings;
use super::tables::EncodedTables;
use super::wire::Reply;
use super::worker::POOL_STACK;

/// How much of the worker's stderr is kept for the log.
const STDERR_KEPT: usize = 16 * 1024;

/// Runs analytics queries in worker processes, a bounded number at a time.
#[derive(Clone)]
pub struct Runner {
    settings: Arc<AnalyticsSettings>,
    program: PathBuf,
    slots: Arc<Semaphore>,
    tables: EncodedTables,
}

impl Runner {
    /// A runner with `settings`; the worker program is this executable unless set.
    pub fn new(settings: &AnalyticsSettings) -> Self {
        let program = settings
            .analytics_worker
            .clone()
            .or_else(|| std::env::current_exe().ok())
            .unwrap_or_else(|| PathBuf::from("coso"));
        Self {
            settings: Arc::new(settings.clone()),
            program,
            slots: Arc::new(Semaphore::new(settings.analytics_concurrency.max(1))),
            tables: EncodedTables::default(),
        }
    }

    /// The settings.
    pub fn settings(&self) -> &AnalyticsSettings {
        &self.settings
    }

    /// The encoded tables kept for the next queries.
    pub fn tables(&self) -> &EncodedTables {
        &self.tables
    }

    /// The statement bounds of the gate.
    pub fn bounds(&self) -> Bounds {
        Bounds::from(self.settings.as_ref())
    }

    /// Runs one encoded request (see `wire`) in a worker process.
    pub async fn run(&self, request: Vec<u8>) -> Result<Reply, AnalyticsError> {
        let s = &self.settings;
        let queue = Duration::from_millis(s.analytics_queue_ms);
        let _slot = match tokio::time::timeout(queue, self.slots.acquire()).await {
            Ok(Ok(permit)) => permit,
            _ => {
                return Err(AnalyticsError::Busy {
                    retry_after: s.analytics_timeout_ms.div_ceil(1000).max(1),
                });
            }
        };
        let mut child = Command::new(&self.program)
            .arg("analytics-worker")
            .arg("--memory-mib")
            .arg(s.analytics_memory_mib.to_string())
            .env_clear()
            .env("RUST_MIN_STACK", POOL_STACK.to_string())
            .env("POLARS_MAX_THREADS", s.analytics_threads.max(1).to_string())
            // glibc's allocator: the memory budget is a data-segment limit, which mimalloc's
            // up-front reservations would use up before the query allocates anything.
            .env(crate::allocator::VARIABLE, "system")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| internal(format!("starting {}: {e}", self.program.display())))?;
        let (stdin, stdout, stderr) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let worker = Worker(Arc::new(Mutex::new(child)));
        // The worker reads all of its stdin before it writes anything on stdout.
        let io = tokio::task::spawn_blocking(move || {
            if let Some(mut stdin) = stdin {
                // A worker that died early closes its end; its exit status tells why.
                let _ = stdin.write_all(&request);
            }
            drain(stdout, usize::MAX)
        });
        let err = tokio::task::spawn_blocking(move || drain(stderr, STDERR_KEPT));
        let waiting = Arc::clone(&worker.0);
        let exit = tokio::task::spawn_blocking(move || wait(&waiting));
        let limit = Duration::from_millis(s.analytics_timeout_ms);
        let ended = tokio::time::timeout(limit, async { tokio::join!(io, err, exit) }).await;
        let Ok((Ok(out), Ok(err), Ok(status))) = ended else {
            worker.kill();
            return match ended {
                Err(_) => Err(AnalyticsError::Timeout(s.analytics_timeout_ms)),
                Ok(_) => Err(internal("an analytics I/O thread failed".into())),
            };
        };
        let status = status.map_err(|e| internal(format!("waiting for the worker: {e}")))?;
        self.outcome(status, &out, &err)
    }

    fn outcome(&self, status: ExitStatus, out: &[u8], err: &[u8]) -> Result<Reply, AnalyticsError> {
        let stderr = String::from_utf8_lossy(err);
        if status.success() {
            return serde_json::from_slice(out).map_err(|e| {
                internal(format!("reading the worker's reply: {e}; stderr: {stderr}"))
            });
        }
        let memory = stderr.contains("memory allocation of") || status.signal() == Some(9);
        if memory {
            tracing::warn!(analytics.status = %status, "analytics worker ran out of its memory budget");
            return Err(AnalyticsError::MemoryLimit(
                self.settings.analytics_memory_mib,
            ));
        }
        if stderr.contains("has overflowed its stack") {
            tracing::warn!("analytics worker overflowed its stack");
            return Err(AnalyticsError::Refused(Refusal::TooComplex(
                "the query is too deeply nested for the engine".into(),
            )));
        }
        Err(internal(format!(
            "analytics worker ended with {status}; stderr: {stderr}"
        )))
    }
}

/// A worker process, killed (and reaped) when dropped before it ended: on the time
/// bound, or when the request is dropped because its client went away.
struct Worker(Arc<Mutex<Child>>);

fn lock(child: &Mutex<Child>) -> std::sync::MutexGuard<'_, Child> {
    child
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Waits for the worker to end (polling, so that `kill` can take the lock meanwhile).
fn wait(child: &Mutex<Child>) -> std::io::Result<ExitStatus> {
    loop {
        if let Some(status) = lock(child).try_wait()? {
            return Ok(status);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

impl Worker {
    /// Kills the worker if it is still running, and reaps it.
    fn kill(&self) {
        let mut child = lock(&self.0);
        if matches!(child.try_wait(), Ok(None)) {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

fn internal(detail: String) -> AnalyticsError {
    tracing::error!(analytics.detail = %detail, "analytics worker failed");
    AnalyticsError::Internal
}

/// Reads `from` to its end, keeping the first `keep` bytes.
fn drain(from: Option<impl Read>, keep: usize) -> Vec<u8> {
    let mut kept = Vec::new();
    let Some(mut from) = from else {
        return kept;
    };
    let mut buf = vec![0u8; 64 * 1024];
    while let Ok(n @ 1..) = from.read(&mut buf) {
        let room = keep.saturating_sub(kept.len()).min(n);
        kept.extend_from_slice(&buf[..room]);
    }
    kept
}
