//! A cache in this instance's memory for rows every request reads and few change (sessions,
//! campaigns), kept exact by announcements: whatever changes such a row announces it on the
//! backplane after its transaction commits, and every instance forgets the entry at once.
//!
//! Two guards keep a stale entry from being trusted:
//! - an entry is used only in the stretch of delivery it was filled in
//!   ([`super::Backplane::delivery_epoch`]): while the instance cannot hear announcements
//!   nothing is kept, and everything filled before a break is dropped;
//! - a load that raced an announcement (read before the change committed, stored after the
//!   announcement arrived) is not stored: each announcement moves the generation on, and an
//!   entry is stored only if the generation is the one its load started in.
//!
//! Entries also expire after a while, so that a lost announcement costs a bounded delay.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct InstanceCache<K, V> {
    inner: Mutex<Inner<K, V>>,
    lifetime: Duration,
    capacity: usize,
}

struct Inner<K, V> {
    entries: HashMap<K, Entry<V>>,
    generation: u64,
}

struct Entry<V> {
    value: V,
    stored: Instant,
    epoch: u64,
}

/// Taken before reading a row from the database; storing it needs the same ticket.
#[derive(Clone, Copy)]
pub struct Ticket {
    generation: u64,
    epoch: Option<u64>,
}

impl<K: Eq + Hash, V: Clone> InstanceCache<K, V> {
    pub fn new(lifetime: Duration, capacity: usize) -> Self {
        InstanceCache {
            inner: Mutex::new(Inner {
                entries: HashMap::new(),
                generation: 0,
            }),
            lifetime,
            capacity,
        }
    }

    /// The entry for `key`, if it was stored in this stretch of delivery and has not expired.
    pub fn get(&self, key: &K, epoch: Option<u64>) -> Option<V> {
        let epoch = epoch?;
        let inner = self.inner.lock().ok()?;
        inner
            .entries
            .get(key)
            .filter(|entry| entry.epoch == epoch && entry.stored.elapsed() < self.lifetime)
            .map(|entry| entry.value.clone())
    }

    /// A ticket for a load that starts now.
    pub fn ticket(&self, epoch: Option<u64>) -> Ticket {
        Ticket {
            generation: self.inner.lock().map_or(u64::MAX, |inner| inner.generation),
            epoch,
        }
    }

    /// Stores what a load read, unless an announcement arrived since its ticket was taken or the
    /// instance could not hear announcements then.
    pub fn put(&self, key: K, value: V, ticket: Ticket) {
        let Some(epoch) = ticket.epoch else {
            return;
        };
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if inner.generation != ticket.generation {
            return;
        }
        if inner.entries.len() >= self.capacity {
            let lifetime = self.lifetime;
            inner
                .entries
                .retain(|_, entry| entry.stored.elapsed() < lifetime);
            if inner.entries.len() >= self.capacity {
                inner.entries.clear();
            }
        }
        inner.entries.insert(
            key,
            Entry {
                value,
                stored: Instant::now(),
                epoch,
            },
        );
    }

    /// Forgets the entries `changed` picks (an announcement arrived), and turns away the loads
    /// under way.
    pub fn forget(&self, changed: impl Fn(&K, &V) -> bool) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.generation += 1;
            inner
                .entries
                .retain(|key, entry| !changed(key, &entry.value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache() -> InstanceCache<u32, &'static str> {
        InstanceCache::new(Duration::from_secs(60), 2)
    }

    #[test]
    fn an_entry_is_used_only_in_the_stretch_it_was_stored_in() {
        let cache = cache();
        cache.put(1, "one", cache.ticket(Some(1)));
        assert_eq!(cache.get(&1, Some(1)), Some("one"));
        assert_eq!(cache.get(&1, Some(3)), None, "after a break in delivery");
        assert_eq!(cache.get(&1, None), None, "while nothing can be heard");
        cache.put(2, "two", cache.ticket(None));
        assert_eq!(cache.get(&2, Some(1)), None, "filled while deaf");
    }

    #[test]
    fn a_load_that_raced_an_announcement_is_not_stored() {
        let cache = cache();
        let ticket = cache.ticket(Some(1));
        cache.forget(|key, _| *key == 1);
        cache.put(1, "stale", ticket);
        assert_eq!(cache.get(&1, Some(1)), None);
        cache.put(1, "fresh", cache.ticket(Some(1)));
        assert_eq!(cache.get(&1, Some(1)), Some("fresh"));
    }

    #[test]
    fn an_announcement_forgets_what_it_names_and_nothing_else() {
        let cache = cache();
        cache.put(1, "one", cache.ticket(Some(1)));
        cache.put(2, "two", cache.ticket(Some(1)));
        cache.forget(|_, value| *value == "one");
        assert_eq!(cache.get(&1, Some(1)), None);
        assert_eq!(cache.get(&2, Some(1)), Some("two"));
    }

    #[test]
    fn a_full_cache_makes_room_and_entries_expire() {
        let cache = cache();
        for key in 0..5 {
            cache.put(key, "x", cache.ticket(Some(1)));
        }
        assert_eq!(cache.get(&4, Some(1)), Some("x"));
        let short = InstanceCache::new(Duration::ZERO, 8);
        short.put(1, "gone", short.ticket(Some(1)));
        assert_eq!(short.get(&1, Some(1)), None);
    }
}
