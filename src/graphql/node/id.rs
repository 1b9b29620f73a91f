//! Global object ids (the Relay server spec): every entity type's `id: ID!` is the
//! URL-safe base64 (no padding) of `"<Type>:<key>"`, the key being the record id, a
//! district's or area's code, or a unit period's `<code>:<validFrom>`. Resolvers encode
//! here; `node`/`nodes` and the arguments that take a record id decode here (a malformed
//! id answers `INVALID_ID`, whatever is wrong with it).

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::graphql::error::coded;

/// Longest id decoded (anything longer is refused before decoding).
const MAX_ID_CHARS: usize = 200;

macro_rules! kinds {
    ($($kind:ident),* $(,)?) => {
        /// The entity types with a global id (each is a GraphQL type of that name).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Kind {
            $(#[allow(missing_docs)] $kind,)*
        }

        impl Kind {
            /// Every kind.
            pub const ALL: &'static [Kind] = &[$(Kind::$kind,)*];

            /// The GraphQL type name.
            pub fn name(self) -> &'static str {
                match self {
                    $(Kind::$kind => stringify!($kind),)*
                }
            }
        }
    };
}

kinds!(
    Unit,
    District,
    Area,
    Officer,
    PartyMembership,
    Headquarters,
    Directive,
    UnionActivity,
    DialogueSession,
    DialogueQuestion,
    Award,
    ApiToken,
    ReportSchedule,
    ReportRecipient,
    ReportRun,
    ReportDelivery,
    ReportArchive,
    ArchivedFile,
    ImportRecord,
    AuditEntry,
);

impl Kind {
    fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.name() == name)
    }
}

/// The global id of the `kind` record with `key`.
pub fn global(kind: Kind, key: impl std::fmt::Display) -> ID {
    use std::io::Write;
    // Written on the stack first (a page of 100 nodes makes 100 ids): one allocation,
    // the id's own; a key too long for the buffer takes the longer way.
    let mut raw = [0u8; 96];
    let mut rest = &mut raw[..];
    if write!(rest, "{}:{key}", kind.name()).is_ok() {
        let left = rest.len();
        let written = raw.len() - left;
        return ID(URL_SAFE_NO_PAD.encode(&raw[..written]));
    }
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{key}", kind.name())))
}

/// The kind and key a global id names, or `INVALID_ID`.
pub fn decode(id: &str) -> async_graphql::Result<(Kind, String)> {
    let invalid = || {
        let shown: String = id.chars().take(40).collect();
        coded(
            "INVALID_ID",
            format!("`{shown}` is not an id this server made"),
        )
    };
    if id.is_empty() || id.len() > MAX_ID_CHARS {
        return Err(invalid());
    }
    let bytes = URL_SAFE_NO_PAD.decode(id).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (name, key) = text.split_once(':').ok_or_else(invalid)?;
    let kind = Kind::parse(name).ok_or_else(invalid)?;
    if key.is_empty() || key.chars().any(char::is_control) {
        return Err(invalid());
    }
    Ok((kind, key.to_owned()))
}

/// The integer record id of a global id of `kind` (the key must be a positive 32-bit
/// number), or `INVALID_ID`.
pub fn record_id(kind: Kind, id: &str) -> async_graphql::Result<i64> {
    let (found, key) = decode(id)?;
    let number = key.parse::<i64>().ok().filter(|n| *n > 0);
    match number {
        Some(n) if found == kind => Ok(n),
        _ => Err(coded(
            "INVALID_ID",
            format!("`{id}` is not the id of a {}", kind.name()),
        )),
    }
}

/// An argument naming a `kind` record: its global id, or (still accepted) the integer
/// record id, as a number or a string of digits.
pub fn argument(kind: Kind, id: &ID) -> async_graphql::Result<i32> {
    let n = match id.parse::<i64>() {
        Ok(n) => n,
        Err(_) => record_id(kind, id)?,
    };
    i32::try_from(n).ok().filter(|n| *n > 0).ok_or_else(|| {
        coded(
            "INVALID_ID",
            format!("`{}` is not a record id", id.as_str()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_bad_ones_are_refused() {
        for kind in Kind::ALL {
            let id = global(*kind, 42);
            assert_eq!(decode(&id).expect("decodes"), (*kind, "42".to_owned()));
            assert_eq!(argument(*kind, &id).expect("argument"), 42);
        }
        let unit = global(Kind::Unit, "21010:2024-01-01");
        assert_eq!(decode(&unit).expect("unit").1, "21010:2024-01-01");
        // A key longer than the stack buffer (an area's code may be long) is whole too.
        let long = "k".repeat(120);
        assert_eq!(decode(&global(Kind::Area, &long)).expect("area").1, long);
        assert_eq!(argument(Kind::Officer, &ID::from("17")).expect("int"), 17);
        let bad = [
            "",
            "!!!",
            "T2ZmaWNlcg",                             // "Officer", no key
            &URL_SAFE_NO_PAD.encode("Nothing:1"),     // unknown type
            &URL_SAFE_NO_PAD.encode("Officer:"),      // empty key
            &URL_SAFE_NO_PAD.encode("Officer:\u{0}"), // control character
        ];
        for b in bad {
            assert!(decode(b).is_err(), "{b}");
        }
        assert!(argument(Kind::Officer, &global(Kind::Award, 1)).is_err());
        assert!(argument(Kind::Officer, &global(Kind::Officer, "x")).is_err());
        assert!(argument(Kind::Officer, &ID::from("0")).is_err());
        assert!(argument(Kind::Officer, &ID::from("99999999999")).is_err());
        assert!(decode(&"A".repeat(MAX_ID_CHARS + 1)).is_err());
    }
}
