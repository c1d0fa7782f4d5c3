//! The engine as one node among several on one database (`piazza_db::nodi`): it registers at
//! its first claim, beats every `battito`, and takes over what nodes that stopped beating
//! had claimed (their rows go back in the queue, for any node's workers).

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};

use chrono::Utc;
use piazza_db::nodi;
use sea_orm::DbErr;

use super::Motore;
use crate::outbox;

static PROCESSO: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Motore {
    /// This node's id (registering it, and starting its heartbeat, the first time).
    pub(super) async fn nodo(self: &Arc<Self>) -> Result<i64, DbErr> {
        let id = self.nodo.load(Ordering::Acquire);
        if id != 0 {
            return Ok(id);
        }
        self.registra_nodo().await.map(|(id, _)| id)
    }

    /// Registers the node, puts back in the queue what earlier processes of its name and dead
    /// nodes left claimed, starts the heartbeat. Returns the id and the rows requeued.
    pub(super) async fn registra_nodo(self: &Arc<Self>) -> Result<(i64, u64), DbErr> {
        let _uno = self.registrazione.lock().await;
        let id = self.nodo.load(Ordering::Acquire);
        if id != 0 {
            return Ok((id, 0));
        }
        let nome = if self.cfg.nodo.is_empty() {
            format!(
                "{} pid {} n. {}",
                nodi::host(),
                std::process::id(),
                PROCESSO.fetch_add(1, Ordering::Relaxed)
            )
        } else {
            self.cfg.nodo.clone()
        };
        let ora = Utc::now();
        let (id, precedenti) = nodi::registra(&self.db, &nome, ora).await?;
        let ripresi = outbox::riprendi(&self.db, id, ora - self.perso(), &precedenti).await?;
        nodi::dimentica(&self.db, &precedenti).await?;
        self.nodo.store(id, Ordering::Release);
        tracing::info!(nodo = id, nome = %nome, ripresi, "delivery node registered");
        tokio::spawn(battito(Arc::downgrade(self), id, nome));
        Ok((id, ripresi))
    }

    fn perso(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.cfg.nodo_perso).unwrap_or(chrono::Duration::seconds(20))
    }
}

/// Every `battito`: renew this node's beat; requeue what dead nodes held and forget them.
/// Ends when the engine is dropped.
async fn battito(motore: Weak<Motore>, mut id: i64, nome: String) {
    let passo = motore
        .upgrade()
        .map(|m| m.cfg.battito)
        .unwrap_or_default()
        .max(std::time::Duration::from_millis(100));
    let mut tick = tokio::time::interval(passo);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(m) = motore.upgrade() else {
            return;
        };
        let ora = Utc::now();
        match nodi::batti(&m.db, id, ora).await {
            Ok(true) => {}
            Ok(false) => {
                // The others took this node for dead (it could not beat for too long) and
                // requeued its claims: it goes on under a new registration.
                tracing::warn!(nodo = id, "delivery node taken for dead: registering again");
                match nodi::registra(&m.db, &nome, ora).await {
                    Ok((nuovo, _)) => {
                        id = nuovo;
                        m.nodo.store(id, Ordering::Release);
                    }
                    Err(e) => tracing::warn!(error = %e, "delivery node not registered"),
                }
            }
            Err(e) => tracing::warn!(nodo = id, error = %e, "delivery node: heartbeat failed"),
        }
        let limite = ora - m.perso();
        let r = async {
            let persi = nodi::persi(&m.db, id, limite).await?;
            // Nobody lost, nothing to take over: the outbox is not scanned every beat (rows of
            // nodes no longer registered are taken back when any node starts).
            if persi.is_empty() {
                return Ok((persi, 0));
            }
            let ripresi = outbox::riprendi(&m.db, id, limite, &persi).await?;
            nodi::dimentica(&m.db, &persi).await?;
            Ok::<_, DbErr>((persi, ripresi))
        }
        .await;
        match r {
            Ok((persi, ripresi)) if ripresi > 0 || !persi.is_empty() => {
                tracing::warn!(
                    ?persi,
                    ripresi,
                    "delivery nodes gone: their messages in flight are queued again"
                );
                m.sveglia.notify_waiters();
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "delivery node: takeover failed"),
        }
    }
}
