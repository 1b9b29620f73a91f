//! Passwords in settings (`COSO_DATABASE_URL`, `COSO_SMTP_URL`) kept out of everything
//! the process prints, from the first line: URLs are shown with the password replaced by
//! `***`, and error text is scrubbed of the passwords before it is written.

/// `text` (a URL, parsable or not) with the password of its user information replaced by
/// `***`: whatever lies between the first `:` after `scheme://` and the last `@`.
pub fn redact_url(text: &str) -> String {
    let start = text.find("://").map_or(0, |i| i + 3);
    let Some(at) = text[start..].rfind('@').map(|i| start + i) else {
        return text.to_owned();
    };
    match text[start..at].find(':').map(|i| start + i) {
        Some(colon) => format!("{}:***{}", &text[..colon], &text[at..]),
        None => text.to_owned(),
    }
}

/// The password of a URL as written and percent-decoded (empty when it has none).
pub fn url_secrets(text: &str) -> Vec<String> {
    let start = text.find("://").map_or(0, |i| i + 3);
    let Some(at) = text[start..].rfind('@').map(|i| start + i) else {
        return Vec::new();
    };
    let Some((_, password)) = text[start..at].split_once(':') else {
        return Vec::new();
    };
    let decoded = percent_decode(password);
    [password.to_owned(), decoded]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect()
}

/// `text` with each of `urls` shown redacted and each of their passwords as `***`.
pub fn scrub(text: &str, urls: &[&str]) -> String {
    let mut out = text.to_owned();
    for url in urls.iter().filter(|u| !u.is_empty()) {
        out = out.replace(url, &redact_url(url));
        for secret in url_secrets(url) {
            out = out.replace(&secret, "***");
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked_in_urls_that_do_not_even_parse() {
        assert_eq!(
            redact_url("smtp://u:hunter2@mail.example.vn:99999"),
            "smtp://u:***@mail.example.vn:99999"
        );
        assert_eq!(
            redact_url("postgres://coso:p@ss/w?rd@db:5432/coso"),
            "postgres://coso:***@db:5432/coso"
        );
        assert_eq!(
            redact_url("smtps://mail.example.vn"),
            "smtps://mail.example.vn"
        );
        assert_eq!(redact_url("smtp://user@host"), "smtp://user@host");
        assert_eq!(redact_url("u:secret@host"), "u:***@host");
    }

    #[test]
    fn scrubbing_hides_the_url_and_its_decoded_password() {
        let url = "postgres://coso:m%E1%BA%ADt@db/coso";
        let text = format!("cannot parse '{url}'; password mật");
        let out = scrub(&text, &[url]);
        assert!(
            !out.contains("m%E1%BA%ADt") && !out.contains("mật"),
            "{out}"
        );
        assert!(out.contains("postgres://coso:***@db/coso"), "{out}");
    }
}
