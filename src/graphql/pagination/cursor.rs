//! The cursors of list queries, between the client and keyset paging: base64url of
//! `{"v":1,"list":..,"order":..,"key":[..]}`, the key of a row in one list's order.
//! Decoding checks everything (size, encoding, version, list, order, the number and
//! type of the key values) and answers `None` for any cursor this list and order did
//! not make: it is not signed, because a cursor only says where to resume inside rows
//! the token may read anyway (scope and filters are in the SQL), and unsigned cursors
//! stay valid across restarts and replicas without a shared secret.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use async_graphql::connection::CursorType;
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

/// The cursor of a row: its list, order and key, encoded only when the answer asks
/// for it (`edges.cursor`, `pageInfo`), and then once: a page of 100 nodes that selects
/// no cursor builds no cursor text, and a document asking a cursor under many aliases
/// encodes each row's once.
pub struct RowCursor {
    list: Cow<'static, str>,
    order: Arc<str>,
    key: CursorKey,
    text: OnceLock<String>,
}

/// A cursor's key: a row's values, written as JSON only if the cursor is encoded (a
/// date's text, for one, is made then), or the JSON a client's cursor held.
enum CursorKey {
    Row(Vec<sea_orm::Value>),
    Read(Vec<Json>),
}

impl CursorKey {
    fn json(&self) -> Cow<'_, [Json]> {
        match self {
            Self::Row(values) => Cow::Owned(crate::service::keyset::key_json(values)),
            Self::Read(json) => Cow::Borrowed(json),
        }
    }
}

impl RowCursor {
    /// The cursor of a row whose key (in the order `order` of `list`) is `key`.
    pub fn new(list: &'static str, order: Arc<str>, key: Vec<Json>) -> Self {
        Self::with_key(list, order, CursorKey::Read(key))
    }

    /// The cursor of a row whose key values (`Listing::key_of`) are `key`.
    pub fn of_row(list: &'static str, order: Arc<str>, key: Vec<sea_orm::Value>) -> Self {
        Self::with_key(list, order, CursorKey::Row(key))
    }

    fn with_key(list: &'static str, order: Arc<str>, key: CursorKey) -> Self {
        Self {
            list: Cow::Borrowed(list),
            order,
            key,
            text: OnceLock::new(),
        }
    }
}

impl CursorType for RowCursor {
    type Error = &'static str;

    fn decode_cursor(s: &str) -> Result<Self, Self::Error> {
        let p = payload(s).ok_or("not a cursor of coso")?;
        let (list, order) = (Cow::Owned(p.list), Arc::from(p.order));
        Ok(Self {
            list,
            order,
            key: CursorKey::Read(p.key),
            text: OnceLock::from(s.to_owned()),
        })
    }

    fn encode_cursor(&self) -> String {
        let encode = || {
            let (list, order) = (&*self.list, &*self.order);
            let key = self.key.json();
            let payload = json!({ "v": VERSION, "list": list, "order": order, "key": key });
            URL_SAFE_NO_PAD.encode(payload.to_string())
        };
        self.text.get_or_init(encode).clone()
    }
}

/// The payload of a cursor of this format, if `cursor` is one.
fn payload(cursor: &str) -> Option<Payload> {
    if cursor.len() > MAX_CURSOR_LEN {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let p: Payload = serde_json::from_slice(&bytes).ok()?;
    (p.v == VERSION).then_some(p)
}

/// The key in `cursor`, if `listing` (same list, same order) made it.
pub fn decode<E: EntityTrait>(listing: &Listing<E>, cursor: &str) -> Option<Key> {
    let p = payload(cursor)?;
    let ours = p.list == listing.list && p.order == listing.order;
    ours.then(|| listing.parse_key(&p.key)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_read_back_encodes_to_the_same_text() {
        let key = vec![json!("21010"), json!(7)];
        let made = RowCursor::new("units", Arc::from("code_asc"), key.clone());
        let text = made.encode_cursor();
        let read = RowCursor::decode_cursor(&text).expect("its own cursor reads back");
        let read_key = read.key.json().into_owned();
        assert_eq!(
            (&*read.list, &*read.order, &read_key),
            ("units", "code_asc", &key)
        );
        let rebuilt = RowCursor::new("units", read.order.clone(), read_key);
        assert_eq!(rebuilt.encode_cursor(), text);
        // A row's values make the same text as their JSON.
        let values = vec![sea_orm::Value::from("21010"), sea_orm::Value::from(7)];
        let of_row = RowCursor::of_row("units", Arc::from("code_asc"), values);
        assert_eq!(of_row.encode_cursor(), text);
        assert_eq!(
            made.encode_cursor(),
            text,
            "the second encoding is the first"
        );
        assert!(RowCursor::decode_cursor("not-a-cursor").is_err());
    }
}
