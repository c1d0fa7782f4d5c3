//! A small read-through cache for data shown on busy pages (the comune page is public).
//!
//! An entry is valid while no write has succeeded since it was loaded (the router bumps
//! [`Generazione`] after every successful POST), and for at most `ttl`. With several nodes on
//! one database ([`Generazione::sincronizza`], started by `piazza serve`) a write on any node
//! bumps a shared counter, and every node reads it each second: a change made elsewhere is seen
//! within about a second; the TTL bounds the rest (the command line writing directly).

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;

/// The shared counter of writes (`contatori`).
const SCRITTURE: &str = "scritture";

/// Counts successful writes, and wakes who waits for a change (the alert notifier).
#[derive(Debug, Default)]
pub struct Generazione(
    AtomicU64,
    tokio::sync::Notify,
    OnceLock<DatabaseConnection>,
    Arc<Condivisa>,
);

/// The shared counter's increments: at most one in flight; bumps made meanwhile are folded
/// into one more (the other nodes only look for a change, not for how many).
#[derive(Debug, Default)]
struct Condivisa {
    in_volo: AtomicBool,
    ancora: AtomicBool,
}

impl Generazione {
    pub fn current(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    /// After a write: this node's cached reads are stale, and (once [`Self::sincronizza`]
    /// runs) the other nodes' too.
    pub fn bump(&self) {
        self.avanza();
        let Some(db) = self.2.get().cloned() else {
            return;
        };
        let c = self.3.clone();
        c.ancora.store(true, Ordering::SeqCst);
        if c.in_volo.swap(true, Ordering::SeqCst) {
            return;
        }
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            c.in_volo.store(false, Ordering::SeqCst);
            return;
        };
        rt.spawn(async move {
            loop {
                c.ancora.store(false, Ordering::SeqCst);
                if let Err(e) = piazza_db::nodi::incrementa(&db, SCRITTURE).await {
                    tracing::warn!(error = %e, "shared write counter not updated");
                }
                if c.ancora.load(Ordering::SeqCst) {
                    continue;
                }
                // SeqCst throughout (a store then a load of the other flag on both sides): the
                // release of the flag and the check that follows are not reordered, or a bump
                // made between them would be lost.
                c.in_volo.store(false, Ordering::SeqCst);
                // A bump between the check and the release found the flag still set: take it.
                if !c.ancora.load(Ordering::SeqCst) || c.in_volo.swap(true, Ordering::SeqCst) {
                    break;
                }
            }
        });
    }

    fn avanza(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
        self.1.notify_waiters();
    }

    /// Completes at the next [`Generazione::bump`] (`enable` it before checking the state).
    pub fn cambiata(&self) -> tokio::sync::futures::Notified<'_> {
        self.1.notified()
    }

    /// Shares the generation with the other nodes on `db`: from now on a bump also counts in
    /// the database, and a change of that count made by another node bumps this one (checked
    /// every `ogni`). Runs until the process ends.
    pub fn sincronizza(self: Arc<Self>, db: DatabaseConnection, ogni: Duration) {
        if self.2.set(db.clone()).is_err() {
            return;
        }
        tokio::spawn(async move {
            let mut visto = piazza_db::nodi::contatore(&db, SCRITTURE).await.ok();
            let mut tick = tokio::time::interval(ogni);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match piazza_db::nodi::contatore(&db, SCRITTURE).await {
                    Ok(n) if Some(n) != visto => {
                        if visto.is_some() {
                            self.avanza();
                        }
                        visto = Some(n);
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "shared write counter not read"),
                }
            }
        });
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
