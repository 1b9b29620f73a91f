//! The server's side of a request's tables: each encoded once per scope, data version
//! and table (`wire::encode_table`), so that repeated queries over the same data do not
//! pay for it again. A few recent entries are kept; the stored indicator values, loaded
//! per query, are always encoded afresh.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use polars::prelude::{DataFrame, PolarsResult};

use super::wire::{self, Encoded};

/// Entries kept (tables of a few scopes and versions).
const KEPT: usize = 40;

/// Scope (district code, or none for the province), data version, table.
type Key = (Option<String>, i64, String);

/// Kept entries, oldest first.
type Entries = VecDeque<(Key, Arc<Encoded>)>;

/// Encoded tables by scope, data version and name.
#[derive(Clone, Default)]
pub struct EncodedTables(Arc<Mutex<Entries>>);

impl EncodedTables {
    /// The encoded `frame`, the table `name` of `scope` at `version`, encoded when not kept.
    pub fn get(
        &self,
        scope: Option<&str>,
        version: i64,
        name: &str,
        frame: &DataFrame,
    ) -> PolarsResult<Arc<Encoded>> {
        let key: Key = (scope.map(str::to_owned), version, name.to_owned());
        let found = self
            .lock()
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, e)| e.clone());
        if let Some(encoded) = found {
            return Ok(encoded);
        }
        let encoded = Arc::new(wire::encode_table(frame)?);
        let mut entries = self.lock();
        entries.push_back((key, encoded.clone()));
        while entries.len() > KEPT {
            entries.pop_front();
        }
        Ok(encoded)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use polars::prelude::*;

    use super::*;

    #[test]
    fn a_table_is_encoded_once_per_scope_and_version() {
        let kept = EncodedTables::default();
        let frame = df!("code" => ["1", "2"]).unwrap();
        let first = kept.get(None, 1, "units", &frame).unwrap();
        assert!(Arc::ptr_eq(
            &first,
            &kept.get(None, 1, "units", &frame).unwrap()
        ));
        assert!(!Arc::ptr_eq(
            &first,
            &kept.get(None, 2, "units", &frame).unwrap()
        ));
        assert!(!Arc::ptr_eq(
            &first,
            &kept.get(Some("522"), 1, "units", &frame).unwrap()
        ));
        for v in 3..100 {
            kept.get(None, v, "units", &frame).unwrap();
        }
        assert_eq!(kept.lock().len(), KEPT);
    }
}
