//! Text cells of every CSV and XLSX file coso writes (analytics exports, report
//! attachments): text that a spreadsheet would read as a formula is neutralised.

use std::borrow::Cow;

/// Whether a spreadsheet would take `text` as a formula: its first character, after any
/// leading spaces and tabs, is `=`, `+`, `-` or `@`, or it starts with a tab or CR.
pub fn looks_like_formula(text: &str) -> bool {
    if text.starts_with(['\t', '\r']) {
        return true;
    }
    text.trim_start_matches([' ', '\t'])
        .starts_with(['=', '+', '-', '@'])
}

/// `text` for a CSV cell: with a leading `'` when a spreadsheet would take it as a
/// formula (the OWASP advice), unchanged otherwise. Only for text: numbers are written
/// as numbers.
pub fn csv_text(text: &str) -> Cow<'_, str> {
    if looks_like_formula(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_the_rest_kept() {
        for f in [
            "=1+1",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "  =HYPERLINK(\"x\")",
            "\t-1",
        ] {
            assert_eq!(csv_text(f), format!("'{f}"), "{f:?}");
        }
        for t in ["Xã Nghĩa Hà", "", "1-2", "a=b", " x", "57/173 (32,9%)"] {
            assert_eq!(csv_text(t), t, "{t:?}");
        }
    }
}
