//! Report rendering, between the indicator service (which fills a [`ReportData`]) and
//! mail delivery (which sends a [`RenderedReport`]): subject, HTML and plain-text bodies
//! from the templates of `reports/`, inline PNG charts, XLSX and CSV attachments. Pure:
//! no database, no network, no async.

pub mod bench;
mod charts;
mod csv_file;
mod data;
mod error;
mod glyphs;
mod labels;
mod locale;
mod sample;
mod templates;
mod view;
pub(crate) mod workbook;

#[cfg(test)]
mod tests;

pub use charts::{HQ_CODE, MAX_BARS};
pub use data::{
    DistrictRow, DistrictValue, GapList, GapUnit, Headline, Language, ReportData, ReportPeriod,
    ReportScope, ScopeLevel, Series, StructureChange,
};
pub use error::ReportError;
pub use locale::{ascii_slug, date_en, number_en};
pub use view::GAP_ROWS_IN_BODY;

use labels::label;
use locale::Locale;

/// MIME type of the workbook.
pub const XLSX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// MIME type of the CSV.
pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8";
/// MIME type of every inline image.
pub const PNG_CONTENT_TYPE: &str = "image/png";

/// An image shown inline in the HTML body, referenced as `cid:<cid>`.
#[derive(Clone, Debug)]
pub struct InlineImage {
    /// Content-ID, without angle brackets.
    pub cid: String,
    /// PNG bytes.
    pub png: Vec<u8>,
}

/// A file attached to the report.
#[derive(Clone, Debug)]
pub struct Attachment {
    /// File name (may hold Vietnamese letters).
    pub filename: String,
    /// MIME type, e.g. `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`.
    pub content_type: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// A report ready to send: subject, HTML and plain-text bodies, inline charts, attachments.
#[derive(Clone, Debug)]
pub struct RenderedReport {
    /// Subject line.
    pub subject: String,
    /// HTML body (references inline images as `cid:...`).
    pub html: String,
    /// Plain-text body.
    pub text: String,
    /// Charts shown in the HTML.
    pub inline_images: Vec<InlineImage>,
    /// Workbook, CSV, ...
    pub attachments: Vec<Attachment>,
}

/// Renders a report: validates `data`, draws the charts, writes the workbook and CSV,
/// then the subject and bodies. Either everything is rendered or an error says why.
pub fn render(data: &ReportData) -> Result<RenderedReport, ReportError> {
    data.validate()?;
    let charts = charts::draw_all(data)?;
    let attachments = attachments(data)?;
    let names = attachments.iter().map(|a| a.filename.clone()).collect();
    let view = view::build(data, &charts, names);
    Ok(RenderedReport {
        subject: templates::subject(&view)?,
        html: templates::render(templates::HTML, &view)?,
        text: templates::render(templates::TEXT, &view)?,
        inline_images: charts
            .into_iter()
            .map(|c| InlineImage {
                cid: c.cid,
                png: c.png,
            })
            .collect(),
        attachments,
    })
}

/// The ASCII stem of the attachment names: "Bao-cao-thang-11-2026", with the district
/// for a district-scoped report ("Bao-cao-thang-11-2026-Huyen-Son-Ha").
pub fn file_stem(data: &ReportData) -> String {
    let stem = Locale(data.language).file_stem(data.period);
    match data.scope.level {
        ScopeLevel::District => format!("{stem}-{}", ascii_slug(&data.scope.name)),
        _ => stem,
    }
}

/// The workbook and the CSV of the headline indicators.
fn attachments(data: &ReportData) -> Result<Vec<Attachment>, ReportError> {
    let stem = file_stem(data);
    let xlsx = workbook::workbook(data).map_err(|e| ReportError::Workbook(e.to_string()))?;
    let csv = csv_file::headlines_csv(data)?;
    let csv_suffix = ascii_slug(label(data.language, "csv_suffix"));
    Ok(vec![
        Attachment {
            filename: format!("{stem}.xlsx"),
            content_type: XLSX_CONTENT_TYPE.to_string(),
            bytes: xlsx,
        },
        Attachment {
            filename: format!("{stem}-{csv_suffix}.csv"),
            content_type: CSV_CONTENT_TYPE.to_string(),
            bytes: csv,
        },
    ])
}
