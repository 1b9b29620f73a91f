//! Inside the worker process: polars' SQL engine over the tables of a request, and its
//! errors turned into stable codes with a short message (the full text goes to the log).

use polars::prelude::*;
use polars::sql::SQLContext;

use super::convert;
use super::wire::Reply;

/// Runs `sql` over `tables`, keeping at most `limit` rows.
pub fn execute(sql: &str, limit: usize, tables: Vec<(String, DataFrame)>) -> Reply {
    let mut ctx = SQLContext::new();
    for (name, frame) in tables {
        ctx.register(&name, frame.lazy());
    }
    let cap = IdxSize::try_from(limit.saturating_add(1)).unwrap_or(IdxSize::MAX);
    match ctx.execute(sql).and_then(|plan| plan.limit(cap).collect()) {
        Ok(frame) => Reply::Rows {
            columns: convert::columns(&frame),
            rows: convert::rows(&frame.head(Some(limit))),
            truncated: frame.height() > limit,
        },
        Err(e) => failed(&e),
    }
}

/// The innermost error under polars' context wrappers.
fn innermost(e: &PolarsError) -> &PolarsError {
    match e {
        PolarsError::Context { error, .. } | PolarsError::ExprContext { error, .. } => {
            innermost(error)
        }
        other => other,
    }
}

/// The first line of an engine message when it reads as a sentence, not as a dump of
/// the engine's structures.
fn first_line(e: &PolarsError) -> Option<String> {
    let text = match e {
        PolarsError::ColumnNotFound(s)
        | PolarsError::ComputeError(s)
        | PolarsError::Duplicate(s)
        | PolarsError::InvalidOperation(s)
        | PolarsError::SchemaFieldNotFound(s)
        | PolarsError::SchemaMismatch(s)
        | PolarsError::SQLInterface(s)
        | PolarsError::SQLSyntax(s)
        | PolarsError::StructFieldNotFound(s) => s.to_string(),
        _ => return None,
    };
    let line = text.lines().next()?.trim();
    let dump = line.contains(['{', '}']) || line.contains("Some(") || line.len() > 200;
    (!line.is_empty() && !dump).then(|| line.to_owned())
}

/// Whether the SQL layer's message is about a column it cannot find.
fn names_a_missing_column(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("column")
        && (m.contains("not found") || m.contains("no column") || m.contains("unable to find"))
}

/// The stable code of an engine error and its message for the client.
pub fn classify(e: &PolarsError) -> (&'static str, String) {
    let inner = innermost(e);
    let (code, generic) = match inner {
        PolarsError::ColumnNotFound(_)
        | PolarsError::SchemaFieldNotFound(_)
        | PolarsError::StructFieldNotFound(_) => (
            "SQL_UNKNOWN_COLUMN",
            "the query names a column that does not exist",
        ),
        PolarsError::SchemaMismatch(_) | PolarsError::InvalidOperation(_) => (
            "SQL_TYPE_MISMATCH",
            "the query combines values of types that do not go together",
        ),
        PolarsError::SQLInterface(s) if names_a_missing_column(s) => (
            "SQL_UNKNOWN_COLUMN",
            "the query names a column that does not exist",
        ),
        PolarsError::SQLInterface(_) | PolarsError::SQLSyntax(_) => (
            "SQL_UNSUPPORTED",
            "the query uses SQL the engine does not support",
        ),
        _ => ("SQL_INVALID", "the engine could not run the query"),
    };
    let message = match first_line(inner) {
        Some(line) => format!("{generic}: {line}"),
        None => generic.to_owned(),
    };
    (code, message)
}

fn failed(e: &PolarsError) -> Reply {
    let (code, message) = classify(e);
    Reply::Failed {
        code: code.to_owned(),
        message,
        detail: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sql: &str) -> Reply {
        let units = df!("code" => ["1", "2"], "n" => [1i64, 2]).unwrap();
        execute(sql, 1, vec![("units".into(), units)])
    }

    #[test]
    fn rows_are_capped_and_errors_coded_without_plans() {
        let Reply::Rows {
            rows, truncated, ..
        } = run("SELECT code FROM units ORDER BY code")
        else {
            panic!("rows")
        };
        assert_eq!((rows.len(), truncated), (1, true));
        for (sql, want) in [
            ("SELECT nope FROM units", "SQL_UNKNOWN_COLUMN"),
            ("SELECT code + n FROM units", "SQL_TYPE_MISMATCH"),
        ] {
            match run(sql) {
                Reply::Failed { code, message, .. } => {
                    assert_eq!(code, want, "{sql}: {message}");
                    assert!(
                        !message.contains("plan") && !message.contains('{'),
                        "{message}"
                    );
                }
                other => panic!("{sql}: {other:?}"),
            }
        }
    }
}
