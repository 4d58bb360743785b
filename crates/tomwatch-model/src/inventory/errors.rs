//! The one walk over every `Collected` value of an inventory: what the report's errors and a
//! unit's success are both derived from.
//!
//! Model types derive `CollectedErrors` (tomwatch-model-derive), so a field added to the model is
//! walked without a list to keep in step; the impls below cover the containers and the plain
//! values the model is built from.

use super::AccountInventory;
use crate::{Collected, CollectionError, ErrorKind};
use std::collections::BTreeMap;

impl AccountInventory {
    /// Every collection error in this inventory, each once, in a stable order.
    pub fn errors(&self) -> Vec<CollectionError> {
        let mut out = Vec::new();
        self.errors_into(&mut out);
        let mut unique: Vec<CollectionError> = Vec::with_capacity(out.len());
        for error in out {
            if !unique.contains(&error) {
                unique.push(error);
            }
        }
        unique
    }
}

/// A value whose collection errors can be listed: a failed collection, or the nested ones of a
/// collected value.
pub trait CollectedErrors {
    /// Pushes every collection error, nested ones included.
    fn errors_into(&self, out: &mut Vec<CollectionError>);

    /// Every value was collected.
    fn is_complete(&self) -> bool {
        let mut errors = Vec::new();
        self.errors_into(&mut errors);
        errors.is_empty()
    }
}

impl<T: CollectedErrors> CollectedErrors for Collected<T> {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        match self {
            Ok(value) => value.errors_into(out),
            // A service AWS does not offer in the region was not called: no error, no gap.
            Err(error) if error.kind == ErrorKind::NotOffered => {}
            Err(error) => out.push(error.clone()),
        }
    }
}

impl<T: CollectedErrors> CollectedErrors for Option<T> {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        if let Some(value) = self {
            value.errors_into(out);
        }
    }
}

impl<T: CollectedErrors> CollectedErrors for Vec<T> {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        self.iter().for_each(|item| item.errors_into(out));
    }
}

impl<K, V: CollectedErrors> CollectedErrors for BTreeMap<K, V> {
    fn errors_into(&self, out: &mut Vec<CollectionError>) {
        self.values().for_each(|value| value.errors_into(out));
    }
}

/// Plain values hold no collection error.
macro_rules! plain {
    ($($type:ty),*) => {
        $(impl CollectedErrors for $type {
            fn errors_into(&self, _: &mut Vec<CollectionError>) {}
        })*
    };
}

plain!(String, bool, i32, i64, u16, u32, u64, usize, f64);
