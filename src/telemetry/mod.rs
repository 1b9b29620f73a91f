//! Observability, beside the data flow: logging through `tracing` (human-readable by
//! default, JSON with `COSO_LOG_FORMAT=json`; level from `RUST_LOG`, default `info`),
//! Prometheus [`metrics`], and the [`readiness`] flags behind `GET /ready`.

pub mod metrics;
pub mod readiness;

use tracing::Subscriber;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Installs the global subscriber (once; later calls do nothing).
pub fn init(format: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing::subscriber::set_global_default(subscriber(format, filter, std::io::stderr));
}

/// Logs every panic (message, place, backtrace) through `tracing`, in the span where it
/// happened, instead of printing it to stderr (the server's `main` installs it; a
/// request that panicked still gets its `500 INTERNAL` answer from the HTTP layer).
pub fn log_panics() {
    std::panic::set_hook(Box::new(|info| {
        let backtrace = std::backtrace::Backtrace::force_capture();
        tracing::error!(panic = %info, %backtrace, "panic");
    }));
}

/// The subscriber `init` installs, writing to `writer`: JSON lines for `json` (with the
/// current span as `span` and every enclosing one in `spans`, so the `request` span's
/// `request_id` is there even inside a nested span), text otherwise.
pub fn subscriber<W>(
    format: &str,
    filter: EnvFilter,
    writer: W,
) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        "json" => Box::new(
            builder
                .json()
                .with_current_span(true)
                .with_span_list(true)
                .finish(),
        ),
        _ => Box::new(builder.finish()),
    }
}
