//! HTTP caching of `GET /graphql`: the `ETag` of an answer and `If-None-Match`. The tag
//! is a hash of the answer's bytes, its media type and the token that asked, so it
//! changes whenever the answer does, and a tag one token got never validates another
//! token's request (a client cannot learn by a `304` that its answer equals someone
//! else's). A viewer's repeated question is answered from the response cache, so its
//! `304` costs a token check and a data-version lookup.

use base64::Engine;
use sha2::{Digest, Sha256};

use super::media::Media;
use crate::auth::Principal;

/// The (strong) entity tag of `bytes` answered to `principal` in `media`.
pub fn of(principal: &Principal, media: Media, bytes: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(principal.token_id.to_be_bytes());
    h.update(match media {
        Media::Json => [0],
        Media::GraphqlResponse => [1],
    });
    h.update(bytes);
    let digest = h.finalize();
    let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..18]);
    format!("\"{tag}\"")
}

/// Whether an `If-None-Match` value holds `tag` (weak comparison, RFC 9110 13.1.2;
/// `*` holds any).
pub fn matches(if_none_match: &str, tag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    if_none_match.trim() == "*" || if_none_match.split(',').any(|t| bare(t) == bare(tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_matches_itself_in_a_list_and_weak_but_not_another() {
        let tag = "\"abc\"";
        assert!(matches("\"abc\"", tag));
        assert!(matches("\"x\", W/\"abc\"", tag));
        assert!(matches("*", tag));
        assert!(!matches("\"abd\"", tag));
        assert!(!matches("", tag));
    }
}
