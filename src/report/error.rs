//! Errors of report rendering: bad input is the caller's (`REPORT_INVALID_DATA`,
//! `UNSUPPORTED_LANGUAGE`); a failing template, chart, workbook or CSV is a bug or a
//! resource problem on our side, reported with which part failed.

/// Why a report could not be rendered. No partial report is ever returned.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The input does not describe a report that can be shown (no headline, a NaN, ...).
    #[error("invalid report data: {0}")]
    InvalidData(String),
    /// A language other than `vi` and `en`.
    #[error("unsupported report language `{0}` (use `vi` or `en`)")]
    UnsupportedLanguage(String),
    /// A template failed to compile or render.
    #[error("report template `{name}`: {message}")]
    Template {
        /// Template name (`monthly.html.j2`, ...).
        name: String,
        /// What went wrong.
        message: String,
    },
    /// A chart could not be drawn or encoded.
    #[error("report chart `{name}`: {message}")]
    Chart {
        /// Chart name.
        name: String,
        /// What went wrong.
        message: String,
    },
    /// The XLSX workbook could not be written.
    #[error("report workbook: {0}")]
    Workbook(String),
    /// The CSV attachment could not be written.
    #[error("report CSV: {0}")]
    Csv(String),
}

impl ReportError {
    /// A stable code for logs, run records and API errors.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidData(_) => "REPORT_INVALID_DATA",
            Self::UnsupportedLanguage(_) => "UNSUPPORTED_LANGUAGE",
            Self::Template { .. } => "REPORT_TEMPLATE",
            Self::Chart { .. } => "REPORT_CHART",
            Self::Workbook(_) => "REPORT_WORKBOOK",
            Self::Csv(_) => "REPORT_CSV",
        }
    }

    /// Whether the input is at fault (rather than the renderer).
    pub fn is_input_error(&self) -> bool {
        matches!(self, Self::InvalidData(_) | Self::UnsupportedLanguage(_))
    }

    /// A [`ReportError::Chart`].
    pub(crate) fn chart(name: &str, err: impl std::fmt::Display) -> Self {
        Self::Chart {
            name: name.to_string(),
            message: err.to_string(),
        }
    }
}
