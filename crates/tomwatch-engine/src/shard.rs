//! Splitting the configured accounts among replicas: `--shard INDEX/COUNT`.
//!
//! An account belongs to the shard that Lamping and Veach's jump consistent hash of its ID
//! picks. Every replica computes the same split from the same config without talking to the
//! others, and growing from N to N+1 shards moves only about 1/(N+1) of the accounts (their
//! drift history stays behind with the shard that scanned them), where `hash % count` would
//! move almost all of them.

use std::fmt;

/// One replica's part of the configured accounts; `0/1` (the default) is all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: u32,
    count: u32,
}

/// At most this many shards: far beyond any organization's need, and small enough that a
/// typo like `3/30000` is caught instead of starting one replica of thirty thousand.
pub const MAX_SHARDS: u32 = 1024;

impl Default for Shard {
    fn default() -> Self {
        Shard { index: 0, count: 1 }
    }
}

impl Shard {
    /// Parses `INDEX/COUNT` (0-based index, as a StatefulSet numbers its pods). `source` names
    /// where the text came from, for the error.
    pub fn parse(text: &str, source: &str) -> Result<Shard, String> {
        let usage = || {
            format!(
                "{source} `{text}` is not INDEX/COUNT with 0 <= INDEX < COUNT <= {MAX_SHARDS}, \
                 like 0/3 (the first of three replicas; a StatefulSet pod's ordinal is its INDEX)"
            )
        };
        let (index, count) = text.trim().split_once('/').ok_or_else(usage)?;
        let index: u32 = index.trim().parse().map_err(|_| usage())?;
        let count: u32 = count.trim().parse().map_err(|_| usage())?;
        if count == 0 || count > MAX_SHARDS || index >= count {
            return Err(usage());
        }
        Ok(Shard { index, count })
    }

    pub fn index(self) -> u32 {
        self.index
    }

    pub fn count(self) -> u32 {
        self.count
    }

    /// More than one replica shares the accounts.
    pub fn is_split(self) -> bool {
        self.count > 1
    }

    /// The shard an account belongs to.
    pub fn of_account(account_id: &str, count: u32) -> u32 {
        jump_consistent_hash(fnv1a_64(account_id.as_bytes()), count)
    }

    /// This shard audits the account.
    pub fn owns(self, account_id: &str) -> bool {
        Shard::of_account(account_id, self.count) == self.index
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// FNV-1a, 64 bit: a fixed, documented function, so that a shard's accounts never change with
/// a Rust release (the standard library's hasher promises no stability).
fn fnv1a_64(bytes: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET_BASIS, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(PRIME)
    })
}

/// "A Fast, Minimal Memory, Consistent Hash Algorithm" (Lamping, Veach, 2014), as published.
fn jump_consistent_hash(mut key: u64, buckets: u32) -> u32 {
    let mut bucket: i64 = -1;
    let mut next: i64 = 0;
    while next < i64::from(buckets) {
        bucket = next;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        let divisor = ((key >> 33) + 1) as f64;
        next = ((bucket + 1) as f64 * ((1u64 << 31) as f64 / divisor)) as i64;
    }
    // 0 <= bucket < buckets <= u32::MAX, so the conversion cannot fail.
    u32::try_from(bucket).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(n: u64) -> String {
        format!("{:012}", 100_000_000_000 + n * 7_919)
    }

    #[test]
    fn parses_index_over_count_and_says_what_is_wrong() {
        assert_eq!(Shard::parse("0/1", "--shard"), Ok(Shard::default()));
        let shard = Shard::parse(" 2/3 ", "--shard").unwrap();
        assert_eq!(
            (shard.index(), shard.count(), shard.to_string()),
            (2, 3, "2/3".into())
        );
        for bad in [
            "", "3", "3/3", "4/3", "-1/3", "0/0", "a/3", "1/b", "1/2/3", "0/1025",
        ] {
            let error = Shard::parse(bad, "TOMWATCH_SHARD").unwrap_err();
            assert!(
                error.starts_with(&format!("TOMWATCH_SHARD `{bad}` is not INDEX/COUNT")),
                "{error}"
            );
        }
    }

    #[test]
    fn the_hashes_are_the_published_functions() {
        // FNV-1a test vectors (Fowler, Noll, Vo: "FNV-1a 64 bit" test suite).
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a_64(b"foobar"), 0x8594_4171_f739_67e8);
        // Jump hash: the vectors every published implementation tests against.
        for (key, buckets, bucket) in [
            (1, 1, 0),
            (42, 57, 43),
            (0xDEAD_10CC, 1, 0),
            (0xDEAD_10CC, 666, 361),
            (256, 1024, 520),
            (u64::MAX, 128, 92),
            (128, 100_000_000, 38_172_097),
        ] {
            assert_eq!(
                jump_consistent_hash(key, buckets),
                bucket,
                "{key} {buckets}"
            );
        }
    }

    #[test]
    fn every_account_has_exactly_one_shard() {
        for count in [1, 2, 3, 7, 50] {
            for n in 0..500 {
                let id = account(n);
                let owners = (0..count)
                    .filter(|index| {
                        Shard {
                            index: *index,
                            count,
                        }
                        .owns(&id)
                    })
                    .count();
                assert_eq!(owners, 1, "{id} among {count} shards");
            }
        }
    }

    #[test]
    fn accounts_spread_evenly() {
        let count = 4;
        let mut per_shard = [0usize; 4];
        for n in 0..4_000 {
            per_shard[Shard::of_account(&account(n), count) as usize] += 1;
        }
        for (shard, accounts) in per_shard.iter().enumerate() {
            assert!(
                (850..=1_150).contains(accounts),
                "shard {shard} got {accounts} of 4000: {per_shard:?}"
            );
        }
    }

    #[test]
    fn one_more_shard_moves_only_its_share_of_accounts() {
        let accounts: Vec<String> = (0..3_000).map(account).collect();
        let moved = accounts
            .iter()
            .filter(|id| Shard::of_account(id, 5) != Shard::of_account(id, 6))
            .count();
        // Ideal: 1/6 of 3,000 = 500; `hash % count` would move about 5/6.
        assert!((400..=600).contains(&moved), "{moved} of 3000 moved");
        for id in &accounts {
            let (before, after) = (Shard::of_account(id, 5), Shard::of_account(id, 6));
            assert!(
                before == after || after == 5,
                "{id} moved from {before} to {after}"
            );
        }
    }
}
