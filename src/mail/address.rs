//! Recipients as mail can carry them: an address (its domain in ASCII, internationalised
//! domains encoded to punycode) and a display name lettre can write into a header (no
//! control, bidirectional-override or zero-width characters, at most
//! [`MAX_DISPLAY_NAME`] characters). Checked where schedules are written and again when a
//! message is built, so a stored bad value fails its delivery instead of the process.

use lettre::Address;
use lettre::message::Mailbox;
use unicode_normalization::UnicodeNormalization;

/// The longest display name, in characters.
pub const MAX_DISPLAY_NAME: usize = 100;

/// Why an address or display name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecipientError {
    /// Not an address coso can send to.
    #[error("`{address}` is not an e-mail address coso can send to: {why}")]
    Address {
        /// The address as given.
        address: String,
        /// What is wrong with it.
        why: String,
    },
    /// A display name that cannot go into a mail header.
    #[error("display name {name:?}: {why}")]
    DisplayName {
        /// The name as given.
        name: String,
        /// What is wrong with it.
        why: String,
    },
}

impl RecipientError {
    /// The stable code: `INVALID_ADDRESS` or `INVALID_DISPLAY_NAME`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Address { .. } => "INVALID_ADDRESS",
            Self::DisplayName { .. } => "INVALID_DISPLAY_NAME",
        }
    }
}

/// The address in the form coso stores and sends to: trimmed, the domain lower-case
/// ASCII (an internationalised domain as punycode, `xn--...`). A local part outside
/// ASCII is refused: it needs SMTPUTF8, which coso does not use.
pub fn normalize_address(text: &str) -> Result<String, RecipientError> {
    let refuse = |why: &str| RecipientError::Address {
        address: text.to_owned(),
        why: why.to_owned(),
    };
    let trimmed = text.trim();
    let (local, domain) = trimmed.rsplit_once('@').ok_or_else(|| refuse("no `@`"))?;
    if !local.is_ascii() {
        return Err(refuse(
            "the part before `@` must be ASCII (coso does not send SMTPUTF8 mail)",
        ));
    }
    let domain = if domain.starts_with('[') {
        domain.to_owned()
    } else {
        idna::domain_to_ascii_strict(domain)
            .map_err(|_| refuse("the domain is not a valid (internationalised) domain name"))?
    };
    let address = format!("{local}@{domain}");
    address
        .parse::<Address>()
        .map_err(|e| refuse(&e.to_string()))?;
    Ok(address)
}

/// The display name trimmed and in Unicode NFC; refused when it holds a character a
/// header cannot carry or that disguises text, or is longer than [`MAX_DISPLAY_NAME`].
pub fn normalize_display_name(text: &str) -> Result<String, RecipientError> {
    let refuse = |why: String| RecipientError::DisplayName {
        name: text.to_owned(),
        why,
    };
    let name: String = text.trim().nfc().collect();
    if let Some(c) = name.chars().find(|c| is_forbidden(*c)) {
        return Err(refuse(format!(
            "contains U+{:04X}, a control, bidirectional or invisible character",
            u32::from(c)
        )));
    }
    let length = name.chars().count();
    if length > MAX_DISPLAY_NAME {
        return Err(refuse(format!(
            "{length} characters; at most {MAX_DISPLAY_NAME}"
        )));
    }
    Ok(name)
}

/// The mailbox of a stored recipient, checked again (rows written before these rules,
/// or by hand, must fail their delivery rather than the message builder).
pub fn mailbox(display_name: &str, address: &str) -> Result<Mailbox, RecipientError> {
    let name = normalize_display_name(display_name)?;
    let address = normalize_address(address)?;
    let email = address
        .parse::<Address>()
        .map_err(|e| RecipientError::Address {
            address: address.clone(),
            why: e.to_string(),
        })?;
    Ok(Mailbox::new((!name.is_empty()).then_some(name), email))
}

/// The key under which two addresses are the same recipient: the local part as written,
/// the domain case-insensitive (already lower-case after [`normalize_address`]).
pub fn dedup_key(normalized: &str) -> String {
    match normalized.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_lowercase()),
        None => normalized.to_owned(),
    }
}

/// Control characters and the invisible ones ([`crate::text::is_invisible`]).
fn is_forbidden(c: char) -> bool {
    c.is_control() || crate::text::is_invisible(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idn_domains_become_punycode_and_local_parts_stay_ascii() {
        assert_eq!(
            normalize_address("  lanhdao@CôngAn.VN ").unwrap(),
            "lanhdao@xn--cngan-6ta.vn"
        );
        assert_eq!(normalize_address("a@Example.ORG").unwrap(), "a@example.org");
        for bad in [
            "lãnhđạo@congan.vn",
            "a@@b",
            "no-at",
            "a@b c.vn",
            "a@-x-.vn",
            "",
        ] {
            let e = normalize_address(bad).unwrap_err();
            assert_eq!(e.code(), "INVALID_ADDRESS", "{bad}");
        }
    }

    #[test]
    fn display_names_refuse_what_a_header_cannot_carry() {
        assert_eq!(
            normalize_display_name(" Đại tá Phan Công Bình, Giám đốc ").unwrap(),
            "Đại tá Phan Công Bình, Giám đốc"
        );
        for bad in [
            "Lãnh đạo\r\nBcc: x@y.vn",
            "a\0b",
            "bell\u{7}",
            "\u{202E}cod.exe",
            "zero\u{200B}width",
            "bom\u{FEFF}",
            "x\u{2066}y",
        ] {
            let e = normalize_display_name(bad).unwrap_err();
            assert_eq!(e.code(), "INVALID_DISPLAY_NAME", "{bad:?}");
        }
        assert!(normalize_display_name(&"ư".repeat(MAX_DISPLAY_NAME)).is_ok());
        assert!(normalize_display_name(&"ư".repeat(MAX_DISPLAY_NAME + 1)).is_err());
    }

    #[test]
    fn a_stored_bad_name_is_an_error_not_a_panic() {
        let e = mailbox("Lãnh\r\nđạo", "a@b.vn").unwrap_err();
        assert_eq!(e.code(), "INVALID_DISPLAY_NAME");
        let ok = mailbox("", "a@b.vn").unwrap();
        assert!(ok.name.is_none());
    }

    #[test]
    fn duplicates_differ_only_in_domain_case() {
        let a = dedup_key(&normalize_address("x@CA.vn").unwrap());
        let b = dedup_key(&normalize_address("x@ca.VN").unwrap());
        assert_eq!(a, b);
        assert_ne!(a, dedup_key(&normalize_address("X@ca.vn").unwrap()));
    }
}
