//! Text folding for search that ignores Vietnamese diacritics: "Nghĩa Hành" and
//! "nghia hanh" fold to the same key. Stored `search_*` columns hold the folded form.

use unicode_normalization::UnicodeNormalization;

/// Lower-cases, strips combining marks and maps đ/Đ to d.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
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
