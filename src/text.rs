//! Text folding for search that ignores Vietnamese diacritics: "Nghĩa Hành" and
//! "nghia hanh" fold to the same key. Stored `search_*` columns hold the folded form.
//! Also the characters that change how text is shown without being seen, which no stored
//! name may hold.

use unicode_normalization::UnicodeNormalization;

/// Lower-cases, strips combining marks and maps đ/Đ to d.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// Strips combining marks and maps đ/Đ to d/D, keeping case ("Nghĩa Hành" → "Nghia Hanh").
pub fn ascii_name(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

/// A LIKE pattern matching `needle` anywhere in a folded column, with LIKE's
/// wildcards in the needle escaped (the query uses `ESCAPE '\'`).
pub fn like_pattern(needle: &str) -> String {
    let mut out = String::from("%");
    for c in fold(needle.trim()).chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Line and paragraph separators: line breaks in a one-line field.
fn is_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// Format characters that change how text is shown without being seen: zero-width
/// characters, bidirectional marks, embeddings, overrides and isolates, the BOM, the
/// soft hyphen, invisible operators, interlinear annotations, line and paragraph separators;
/// and noncharacters. Refused in stored names and texts and in e-mail display names.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFB}' | '\u{FFFE}' | '\u{FFFF}'
        | '\u{E0000}'..='\u{E007F}'
    ) || is_separator(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Phường Nghĩa Chánh"), "phuong nghia chanh");
        assert_eq!(fold("ĐỨC PHỔ"), "duc pho");
        assert_eq!(fold("Thị trấn Châu Ổ"), "thi tran chau o");
    }

    #[test]
    fn escapes_like_wildcards() {
        assert_eq!(like_pattern(" 50%_x "), "%50\\%\\_x%");
    }
}
