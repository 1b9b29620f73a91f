//! Vietnamese typed in a legacy font encoding (TCVN3/ABC, VNI) and read as Unicode comes
//! out as garbage ("NguyÔn V¨n", "Nguyeãn Vaên"). Such a name is refused, not stored:
//! converting it back is only reliable when the font is known, and a wrong guess would
//! store a wrong name that looks right. The check runs on NFC text.
//!
//! It flags three patterns, none of which Vietnamese orthography produces:
//! - a character of the Latin-1 or Latin Extended blocks outside the Vietnamese
//!   alphabet (TCVN3's `¨ © ª « ¬ ® µ ¶ · ¸ ¹ ...`, VNI's `ø ï ö ë ...`);
//! - a non-ASCII capital right after a small letter inside a word (TCVN3's small
//!   letters at the code points of Latin-1 capitals: "NguyÔn");
//! - a plain `a` or `e` followed by a vowel with a diacritic (VNI writes the mark as a
//!   second character: "Vaên", "Nguyeãn"; Vietnamese puts the tone on the `a`/`e` of
//!   `ai ao au ay eo`, never after it).

/// The Vietnamese letters outside ASCII (NFC), small and capital.
const VIETNAMESE: &str = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ\
ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ";

fn is_vietnamese_letter(c: char) -> bool {
    VIETNAMESE.contains(c)
}

/// Whether `text` looks like Vietnamese typed in a TCVN3 or VNI font and read as Unicode.
pub fn looks_garbled(text: &str) -> bool {
    let mut prev: Option<char> = None;
    for c in text.chars() {
        let code = c as u32;
        // Latin-1 Supplement (from U+00A0) to Latin Extended-B, and the spacing
        // modifiers: a Vietnamese name uses none of them but its own letters.
        if (0xA0..=0x2FF).contains(&code) && !is_vietnamese_letter(c) {
            return true;
        }
        if let Some(p) = prev {
            if p.is_lowercase() && !c.is_ascii() && c.is_uppercase() {
                return true;
            }
            if matches!(p, 'a' | 'e' | 'A' | 'E') && is_vietnamese_letter(c) && is_vowel_mark(c) {
                return true;
            }
        }
        prev = Some(c);
    }
    false
}

/// A vowel with a diacritic (every Vietnamese letter outside ASCII but đ).
fn is_vowel_mark(c: char) -> bool {
    !matches!(c, 'đ' | 'Đ')
}

#[cfg(test)]
mod tests {
    use super::looks_garbled;

    #[test]
    fn unicode_names_pass() {
        for name in [
            "Nguyễn Văn An",
            "Trần Thị Bích Ngọc",
            "Đặng Quốc Hưng",
            "Hoàng Thuý Hằng",
            "Lê Nguyễn Khuê",
            "Phạm Thị Thu Thủy",
            "Ngô Ngọc Tuấn",
            "Võ Thị Ánh Tuyết",
            "Huỳnh Ngọc Quý",
            "Mai Xuân Khoa",
            "Bùi Đức Giang",
            "O'Brien Smith",
        ] {
            assert!(!looks_garbled(name), "{name}");
        }
    }

    #[test]
    fn tcvn3_and_vni_are_caught() {
        // TCVN3 (ABC) read as Windows-1252.
        for name in ["NguyÔn V¨n An", "TrÇn ThÞ B×nh", "§Æng Quèc H\u{AD}ng"] {
            assert!(looks_garbled(name), "{name}");
        }
        // VNI read as Windows-1252.
        for name in ["Nguyeãn Vaên An", "Traàn Thò Bình", "Ñaëng Quoác Höng"] {
            assert!(looks_garbled(name), "{name}");
        }
    }
}
