//! A map whose entries expire, with a cap on how many it holds.
//!
//! Every kind of runtime entry (sessions, parked logins, codes, refresh and opaque tokens) lives
//! in one of these. Dropping what expired must not cost a walk over everything on every write
//! (a load test issuing 30-day refresh tokens would slow down and grow without end), so entries
//! are also indexed by expiry and by age: an insert drops the expired entries at the front of
//! the expiry index, each in `O(log n)`, and past the cap the oldest entry goes first.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::Hash;
use std::time::{Duration, Instant};

/// How often, at most, the log repeats that a full map is dropping entries.
const EVICTION_LOG_EVERY: Duration = Duration::from_secs(10);

struct Slot<V> {
    value: V,
    expires_at: i64,
    seq: u64,
    /// Bytes this entry is counted for against the budget.
    weight: usize,
}

/// Entries with an expiry time, bounded by `cap`.
pub(crate) struct Expiring<K, V> {
    kind: &'static str,
    cap: usize,
    /// Most bytes the entries may be counted for (`usize::MAX`: only the count is capped).
    budget: usize,
    /// Bytes the entries are counted for now.
    used: usize,
    entries: HashMap<K, Slot<V>>,
    /// `(expires_at, seq)` of every entry: the first one is the next to expire.
    by_expiry: BTreeSet<(i64, u64)>,
    /// Insertion order: the first one is the oldest.
    by_age: BTreeMap<u64, K>,
    next_seq: u64,
    evicted: u64,
    evicted_since_log: u64,
    last_log: Option<Instant>,
}

impl<K: Hash + Eq + Clone, V> Expiring<K, V> {
    /// An empty map holding at most `cap` entries of `kind` (the name used in log lines).
    pub(crate) fn new(kind: &'static str, cap: usize) -> Self {
        Self {
            kind,
            cap: cap.max(1),
            budget: usize::MAX,
            used: 0,
            entries: HashMap::new(),
            by_expiry: BTreeSet::new(),
            by_age: BTreeMap::new(),
            next_seq: 0,
            evicted: 0,
            evicted_since_log: 0,
            last_log: None,
        }
    }

    /// The same map, also bounded to entries counted for `bytes` in all (see
    /// [`Expiring::insert_weighed`]): for entries whose size the caller controls.
    pub(crate) fn with_budget(mut self, bytes: usize) -> Self {
        self.budget = bytes;
        self
    }

    /// Stores `value` under `key` until `expires_at`, replacing an entry with the same key.
    /// Returns what had to go to make room: entries expired at `now`, then the oldest ones past
    /// the cap (callers that index entries elsewhere forget them).
    pub(crate) fn insert(&mut self, key: K, value: V, expires_at: i64, now: i64) -> Vec<(K, V)> {
        self.insert_weighed(key, value, 0, expires_at, now)
    }

    /// [`Expiring::insert`] for an entry counted for `weight` bytes against the budget: the
    /// oldest entries also go while the budget would be exceeded.
    pub(crate) fn insert_weighed(
        &mut self,
        key: K,
        value: V,
        weight: usize,
        expires_at: i64,
        now: i64,
    ) -> Vec<(K, V)> {
        let mut dropped = self.purge(now);
        self.remove(&key);
        while self.entries.len() >= self.cap
            || (!self.entries.is_empty() && self.used.saturating_add(weight) > self.budget)
        {
            // Popping (not peeking) makes progress even if the indexes ever disagreed.
            let Some((_, oldest)) = self.by_age.pop_first() else {
                break;
            };
            if let Some(slot) = self.entries.remove(&oldest) {
                self.by_expiry.remove(&(slot.expires_at, slot.seq));
                self.used = self.used.saturating_sub(slot.weight);
                self.note_eviction();
                dropped.push((oldest, slot.value));
            }
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.by_expiry.insert((expires_at, seq));
        self.by_age.insert(seq, key.clone());
        self.used = self.used.saturating_add(weight);
        self.entries.insert(
            key,
            Slot {
                value,
                expires_at,
                seq,
                weight,
            },
        );
        dropped
    }

    /// Drops every entry expired at `now` and returns them.
    pub(crate) fn purge(&mut self, now: i64) -> Vec<(K, V)> {
        let mut dropped = Vec::new();
        while let Some(&(expires_at, seq)) = self.by_expiry.first() {
            if expires_at > now {
                break;
            }
            self.by_expiry.pop_first();
            if let Some(key) = self.by_age.remove(&seq)
                && let Some(slot) = self.entries.remove(&key)
            {
                self.used = self.used.saturating_sub(slot.weight);
                dropped.push((key, slot.value));
            }
        }
        dropped
    }

    /// The live entry for `key` at `now` (an expired one is as good as gone).
    pub(crate) fn get<Q>(&self, key: &Q, now: i64) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries
            .get(key)
            .filter(|s| s.expires_at > now)
            .map(|s| &s.value)
    }

    /// The entry for `key`, live or expired but not yet purged.
    pub(crate) fn get_any<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.get(key).map(|s| &s.value)
    }

    /// The live entry for `key` at `now`, to change in place.
    pub(crate) fn get_mut<Q>(&mut self, key: &Q, now: i64) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries
            .get_mut(key)
            .filter(|s| s.expires_at > now)
            .map(|s| &mut s.value)
    }

    /// Removes `key` and returns its value, live or expired.
    pub(crate) fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let slot = self.entries.remove(key)?;
        self.by_expiry.remove(&(slot.expires_at, slot.seq));
        self.by_age.remove(&slot.seq);
        self.used = self.used.saturating_sub(slot.weight);
        Some(slot.value)
    }

    /// Removes `key` and returns its value if it is live at `now`.
    pub(crate) fn take<Q>(&mut self, key: &Q, now: i64) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let live = self.entries.get(key).is_some_and(|s| s.expires_at > now);
        let value = self.remove(key)?;
        live.then_some(value)
    }

    /// Removes every entry whose key `drop` picks. Walks everything: for rare operations only.
    pub(crate) fn remove_where_key(&mut self, mut drop: impl FnMut(&K) -> bool) {
        let keys: Vec<K> = self.entries.keys().filter(|k| drop(k)).cloned().collect();
        for k in keys {
            self.remove(&k);
        }
    }

    /// Every value, to change in place. Walks everything: for rare operations only (a reset
    /// link replacing older ones).
    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.values_mut().map(|s| &mut s.value)
    }

    /// Removes every entry `drop` picks and returns them. Walks everything: for rare
    /// operations only (deleting a user).
    pub(crate) fn remove_where(&mut self, mut drop: impl FnMut(&V) -> bool) -> Vec<(K, V)> {
        let keys: Vec<K> = self
            .entries
            .iter()
            .filter(|(_, s)| drop(&s.value))
            .map(|(k, _)| k.clone())
            .collect();
        keys.into_iter()
            .filter_map(|k| self.remove(&k).map(|v| (k, v)))
            .collect()
    }

    /// Entries held, live or not yet purged.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Bytes the entries are counted for.
    pub(crate) fn weight(&self) -> usize {
        self.used
    }

    /// Entries dropped to respect the cap since this map was made.
    pub(crate) fn evicted(&self) -> u64 {
        self.evicted
    }

    fn note_eviction(&mut self) {
        self.evicted += 1;
        self.evicted_since_log += 1;
        let due = self
            .last_log
            .is_none_or(|at| at.elapsed() >= EVICTION_LOG_EVERY);
        if due {
            tracing::warn!(
                kind = self.kind,
                cap = self.cap,
                dropped = self.evicted_since_log,
                total_dropped = self.evicted,
                "runtime store full: dropped the oldest {} to stay within the cap",
                self.kind
            );
            self.last_log = Some(Instant::now());
            self.evicted_since_log = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_gone_once_it_expires() {
        let mut m = Expiring::new("thing", 10);
        m.insert("a", 1, 100, 0);
        assert_eq!(m.get("a", 99), Some(&1));
        assert_eq!(m.get("a", 100), None);
        assert_eq!(m.take("a", 100), None);
        assert_eq!(m.len(), 0);
    }

    #[test]
    fn an_insert_drops_what_expired_without_touching_the_rest() {
        let mut m = Expiring::new("thing", 10);
        m.insert("old", 1, 10, 0);
        m.insert("new", 2, 1000, 0);
        let dropped = m.insert("later", 3, 2000, 500);
        assert_eq!(dropped, vec![("old", 1)]);
        assert_eq!(m.len(), 2);
        assert_eq!(m.get("new", 500), Some(&2));
    }

    #[test]
    fn past_the_byte_budget_the_oldest_goes_first() {
        let mut m = Expiring::new("thing", 100).with_budget(10);
        m.insert_weighed("first", 1, 4, 1000, 0);
        m.insert_weighed("second", 2, 4, 1000, 0);
        let dropped = m.insert_weighed("third", 3, 4, 1000, 0);
        assert_eq!(dropped, vec![("first", 1)]);
        assert_eq!(m.weight(), 8);
        m.remove("second");
        m.take("third", 0);
        assert_eq!(m.weight(), 0);
    }

    #[test]
    fn past_the_cap_the_oldest_goes_first() {
        let mut m = Expiring::new("thing", 2);
        m.insert("first", 1, 1000, 0);
        m.insert("second", 2, 500, 0);
        let dropped = m.insert("third", 3, 1000, 0);
        assert_eq!(dropped, vec![("first", 1)]);
        assert_eq!(m.evicted(), 1);
        assert_eq!(m.get("second", 0), Some(&2));
        assert_eq!(m.get("third", 0), Some(&3));
    }

    #[test]
    fn replacing_a_key_keeps_one_entry_with_the_new_expiry() {
        let mut m = Expiring::new("thing", 10);
        m.insert("a", 1, 10, 0);
        m.insert("a", 2, 100, 0);
        assert_eq!(m.len(), 1);
        assert!(m.purge(50).is_empty());
        assert_eq!(m.get("a", 50), Some(&2));
    }

    #[test]
    fn removed_entries_leave_no_index_behind() {
        let mut m = Expiring::new("thing", 10);
        for i in 0..100 {
            m.insert(i, i, 1000 + i64::from(i), 0);
            assert_eq!(m.remove(&i), Some(i));
        }
        assert_eq!(m.len(), 0);
        assert!(m.by_expiry.is_empty() && m.by_age.is_empty());
    }

    #[test]
    fn remove_where_drops_only_the_matching_entries() {
        let mut m = Expiring::new("thing", 10);
        m.insert("a", 1, 100, 0);
        m.insert("b", 2, 100, 0);
        let gone = m.remove_where(|v| *v == 2);
        assert_eq!(gone, vec![("b", 2)]);
        assert_eq!(m.len(), 1);
    }
}
