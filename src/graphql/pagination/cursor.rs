//! The cursors of list queries, between the client and keyset paging: base64url of
//! `{"v":1,"list":..,"order":..,"key":[..]}`, the key of a row in one list's order.
//! Decoding checks everything (size, encoding, version, list, order, the number and
//! type of the key values) and answers `None` for any cursor this list and order did
//! not make: it is not signed, because a cursor only says where to resume inside rows
//! the token may read anyway (scope and filters are in the SQL), and unsigned cursors
//! stay valid across restarts and replicas without a shared secret.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::EntityTrait;
use serde::Deserialize;
use serde_json::{Value as Json, json};

use crate::service::keyset::{Key, Listing};

/// Version of the cursor format.
const VERSION: u8 = 1;
/// Longest cursor accepted: a key holds an id and at most one text of 1 KiB
/// (`MAX_TEXT_KEY`; sorted texts are codes, folded names and numbers far shorter).
const MAX_CURSOR_LEN: usize = 4096;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Payload {
    v: u8,
    list: String,
    order: String,
    key: Vec<Json>,
}

/// The cursor of a row whose key (in `listing`'s order) is `key`.
pub fn encode<E: EntityTrait>(listing: &Listing<E>, key: Vec<Json>) -> String {
    let payload = json!({ "v": VERSION, "list": listing.list, "order": listing.order, "key": key });
    URL_SAFE_NO_PAD.encode(payload.to_string())
}

/// The key in `cursor`, if `listing` (same list, same order) made it.
pub fn decode<E: EntityTrait>(listing: &Listing<E>, cursor: &str) -> Option<Key> {
    if cursor.len() > MAX_CURSOR_LEN {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let p: Payload = serde_json::from_slice(&bytes).ok()?;
    let ours = p.v == VERSION && p.list == listing.list && p.order == listing.order;
    ours.then(|| listing.parse_key(&p.key)).flatten()
}
