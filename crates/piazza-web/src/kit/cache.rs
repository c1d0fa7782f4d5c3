//! A small read-through cache for data shown on busy pages (the comune page is public).
//!
//! An entry is valid while no write request has succeeded in this process since it was loaded
//! (the router bumps [`Generazione`] after every successful POST), and for at most `ttl`, which
//! bounds how long a change made by another process (the CLI, a second server) stays unseen.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Counts successful write requests of this process, and wakes who waits for a change (the
/// alert notifier).
#[derive(Debug, Default)]
pub struct Generazione(AtomicU64, tokio::sync::Notify);

impl Generazione {
    pub fn current(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }
    pub fn bump(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
        self.1.notify_waiters();
    }
    /// Completes at the next [`Generazione::bump`] (`enable` it before checking the state).
    pub fn cambiata(&self) -> tokio::sync::futures::Notified<'_> {
        self.1.notified()
    }
}

struct Entry<V> {
    at: Instant,
    generazione: u64,
    value: Arc<V>,
}

pub struct Cache<K, V> {
    ttl: Duration,
    entries: Mutex<HashMap<K, Entry<V>>>,
}

impl<K: Eq + Hash + Clone, V> Cache<K, V> {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The cached value for `key`, or what `load` returns (then cached).
    pub async fn get_or_load<E, F, Fut>(
        &self,
        key: K,
        generazione: &Generazione,
        load: F,
    ) -> Result<Arc<V>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        self.carica(key, generazione.current(), load).await
    }

    /// Like [`Cache::get_or_load`], bounded by the TTL alone: for figures that may lag behind
    /// the writes (counts).
    pub async fn get_or_load_ttl<E, F, Fut>(&self, key: K, load: F) -> Result<Arc<V>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        self.carica(key, 0, load).await
    }

    async fn carica<E, F, Fut>(&self, key: K, g: u64, load: F) -> Result<Arc<V>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        if let Some(e) = self.entries.lock().expect("cache").get(&key)
            && e.generazione == g
            && e.at.elapsed() < self.ttl
        {
            return Ok(e.value.clone());
        }
        let value = Arc::new(load().await?);
        let mut entries = self.entries.lock().expect("cache");
        if entries.len() > 10_000 {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                at: Instant::now(),
                generazione: g,
                value: value.clone(),
            },
        );
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_write_or_the_ttl_invalidates() {
        let g = Generazione::default();
        let c: Cache<i64, i64> = Cache::new(Duration::from_millis(50));
        let v = c
            .get_or_load(1, &g, || async { Ok::<_, ()>(10) })
            .await
            .unwrap();
        assert_eq!(*v, 10);
        let v = c
            .get_or_load(1, &g, || async { Ok::<_, ()>(11) })
            .await
            .unwrap();
        assert_eq!(*v, 10, "cached");
        g.bump();
        let v = c
            .get_or_load(1, &g, || async { Ok::<_, ()>(12) })
            .await
            .unwrap();
        assert_eq!(*v, 12, "a write invalidates");
        tokio::time::sleep(Duration::from_millis(60)).await;
        let v = c
            .get_or_load(1, &g, || async { Ok::<_, ()>(13) })
            .await
            .unwrap();
        assert_eq!(*v, 13, "the ttl invalidates");
    }
}
