//! The templates, last step of rendering: the files of `reports/` embedded in the binary
//! and compiled once into a minijinja environment; HTML templates are autoescaped.

use std::sync::OnceLock;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, Output, State, UndefinedBehavior};

use super::error::ReportError;
use super::view::View;

/// The HTML body.
pub const HTML: &str = "monthly.html.j2";
/// The plain-text body.
pub const TEXT: &str = "monthly.txt.j2";
/// The subject line.
pub const SUBJECT: &str = "subject.txt.j2";

/// (name, source) of every template; `reports/` holds the sources.
const SOURCES: [(&str, &str); 3] = [
    (HTML, include_str!("../../reports/monthly.html.j2")),
    (TEXT, include_str!("../../reports/monthly.txt.j2")),
    (SUBJECT, include_str!("../../reports/subject.txt.j2")),
];

/// The compiled environment, or the (template, message) that failed to compile.
fn environment() -> Result<&'static Environment<'static>, ReportError> {
    static ENV: OnceLock<Result<Environment<'static>, (String, String)>> = OnceLock::new();
    ENV.get_or_init(compile)
        .as_ref()
        .map_err(|(name, message)| ReportError::Template {
            name: name.clone(),
            message: message.clone(),
        })
}

fn compile() -> Result<Environment<'static>, (String, String)> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html.j2") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(html_formatter);
    let failed = |name: &str, e: minijinja::Error| (name.to_string(), format!("{e:#}"));
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
        .map_err(|e| failed("syntax", e))?;
    env.set_syntax(syntax);
    for (name, source) in SOURCES {
        env.add_template(name, source)
            .map_err(|e| failed(name, e))?;
    }
    Ok(env)
}

/// Writes a value: strings of HTML templates escaped for text and quoted attributes
/// (`&<>"'`), leaving `/` as is so that "57/173" reads the same in the mail's source;
/// anything else as minijinja does.
fn html_formatter(
    out: &mut Output,
    state: &mut State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    match value.as_str() {
        Some(text) if *state.auto_escape() == AutoEscape::Html && !value.is_safe() => out
            .write_str(&escape_html(text))
            .map_err(minijinja::Error::from),
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// `text` with `&`, `<`, `>`, `"` and `'` as character references.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn template_error(name: &str, err: &minijinja::Error) -> ReportError {
    ReportError::Template {
        name: name.to_string(),
        message: format!("{err:#}"),
    }
}

/// Renders template `name` with `view`.
pub(crate) fn render(name: &str, view: &View) -> Result<String, ReportError> {
    let env = environment()?;
    let template = env
        .get_template(name)
        .map_err(|e| template_error(name, &e))?;
    template
        .render(Value::from(Serde(view)))
        .map_err(|e| template_error(name, &e))
}

/// The subject: the subject template on one line.
pub(crate) fn subject(view: &View) -> Result<String, ReportError> {
    let raw = render(SUBJECT, view)?;
    Ok(raw.split_whitespace().collect::<Vec<_>>().join(" "))
}
