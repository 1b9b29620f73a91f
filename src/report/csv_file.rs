//! The CSV attachment, made from the validated [`ReportData`] beside the workbook: the
//! headline indicators, one row each. UTF-8 with a byte-order mark (so Excel reads the
//! Vietnamese letters), comma-separated, numbers with a decimal point (machine-readable),
//! plus the figure as the report shows it. Text cells that a spreadsheet would run as a
//! formula get a leading `'`.

use super::data::{Headline, ReportData};
use super::error::ReportError;
use super::labels::{label, unit_label};
use super::locale::Locale;
use super::view::{name_in, status_style};
use crate::cells::csv_text;

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Header label keys, in column order.
const COLUMNS: [&str; 11] = [
    "code",
    "indicator",
    "unit",
    "numerator",
    "denominator",
    "value",
    "target",
    "previous",
    "change",
    "status",
    "display",
];

/// A number as plain text with at most `decimals` decimals ("57", "6.61", "32.9").
fn plain(value: f64, decimals: u32) -> String {
    let text = format!("{value:.*}", decimals as usize);
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" { "0".to_string() } else { text }
}

/// One headline's cells: text cells through [`csv_text`] (a leading `'` on anything a
/// spreadsheet would run as a formula), numbers as plain numbers.
fn row(data: &ReportData, h: &Headline) -> Vec<String> {
    let lang = data.language;
    let opt = |v: Option<f64>| v.map_or_else(String::new, |v| plain(v, h.decimals));
    let text = |s: &str| csv_text(s).into_owned();
    vec![
        text(&h.code),
        text(&name_in(lang, &h.name_vi, &h.name_en)),
        text(&unit_label(lang, &h.unit)),
        plain(h.numerator, 6),
        h.denominator.map_or_else(String::new, |v| plain(v, 6)),
        plain(h.value, h.decimals),
        opt(h.target),
        opt(h.previous),
        opt(h.previous.map(|p| h.value - p)),
        text(status_style(lang, h.status).0),
        text(&Locale(lang).display(&h.unit, h.numerator, h.denominator, h.value, h.decimals)),
    ]
}

/// The CSV of the headline indicators.
pub(crate) fn headlines_csv(data: &ReportData) -> Result<Vec<u8>, ReportError> {
    let fail = |e: csv::Error| ReportError::Csv(e.to_string());
    let mut writer = csv::Writer::from_writer(BOM.to_vec());
    writer
        .write_record(
            COLUMNS
                .iter()
                .map(|k| csv_text(label(data.language, k)).into_owned()),
        )
        .map_err(fail)?;
    for h in &data.headlines {
        writer.write_record(row(data, h)).map_err(fail)?;
    }
    writer
        .into_inner()
        .map_err(|e| ReportError::Csv(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn plain_numbers() {
        assert_eq!(plain(57.0, 6), "57");
        assert_eq!(plain(6.61, 2), "6.61");
        assert_eq!(plain(32.9, 1), "32.9");
        assert_eq!(plain(1.1000000000000014, 1), "1.1");
        assert_eq!(plain(-0.00001, 1), "0");
    }
}
