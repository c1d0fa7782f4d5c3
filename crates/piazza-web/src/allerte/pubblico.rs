//! The public alert state as one snapshot (`Quadro`): the level of every comune per risk, the
//! alerts in force with their levels, the notices in force. An alert storm means everyone opens
//! the public pages at once, so the snapshot is loaded once and shared, and the bytes of each
//! public page and feed are rendered once per snapshot. A snapshot is replaced after a write in
//! this process, at the next instant an alert starts or expires, and at most after a few
//! seconds (changes made by another process: the CLI, a poller elsewhere).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use chrono::{DateTime, Utc};
use piazza_db::entities::{allerta, allerta_voce, avviso_comunale};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::bollettino::Livello;
use super::store::{self, Stato};
use crate::kit::cache::Generazione;
use crate::kit::error::AppResult;

/// How long a snapshot may be served at most.
const DURATA: Duration = Duration::from_secs(5);

/// An alert in force with its levels.
pub struct Attiva {
    pub a: allerta::Model,
    pub voci: Vec<allerta_voce::Model>,
    /// The alerts it superseded (for the Update of the published CAP).
    pub sostituite: Vec<allerta::Model>,
}

impl Attiva {
    pub fn livello(&self) -> Livello {
        Livello::da_numero(self.a.livello_max)
    }

    /// Risk → (highest level, number of comuni).
    pub fn rischi(&self) -> BTreeMap<&str, (Livello, usize)> {
        let mut out: BTreeMap<&str, (Livello, usize)> = BTreeMap::new();
        for v in &self.voci {
            let e = out.entry(v.rischio.as_str()).or_insert((Livello::Verde, 0));
            e.0 = e.0.max(Livello::da_numero(v.livello));
            e.1 += 1;
        }
        out
    }

    pub fn tocca(&self, comune_id: i64) -> bool {
        self.voci.iter().any(|v| v.comune_id == comune_id)
    }
}

pub struct Quadro {
    pub at: DateTime<Utc>,
    pub stato: Stato,
    pub attive: Vec<Attiva>,
    pub avvisi: Vec<avviso_comunale::Model>,
    /// Changes whenever the content may have changed.
    pub etag: String,
    pagine: Mutex<HashMap<String, Bytes>>,
}

impl Quadro {
    /// The highest level of a comune over the risks (or one risk).
    pub fn livello(&self, comune_id: i64, rischio: Option<&str>) -> Livello {
        self.stato
            .get(&comune_id)
            .map(|m| {
                m.iter()
                    .filter(|(r, _)| rischio.is_none_or(|x| x == r.as_str()))
                    .map(|(_, l)| *l)
                    .max()
                    .unwrap_or(Livello::Verde)
            })
            .unwrap_or(Livello::Verde)
    }

    /// The gzip form of a page of this snapshot (`corpo` is its bytes), compressed on first use:
    /// under load every client asks for it, and compressing per request would cost more than
    /// rendering.
    pub fn gzip(&self, chiave: &str, corpo: &Bytes) -> Bytes {
        let k = format!("{chiave}\u{0}gzip");
        if let Some(b) = self.pagine.lock().expect("pagine").get(&k) {
            return b.clone();
        }
        let mut e = flate2::write::GzEncoder::new(
            Vec::with_capacity(corpo.len() / 4),
            flate2::Compression::default(),
        );
        let b = match std::io::Write::write_all(&mut e, corpo).and_then(|_| e.finish()) {
            Ok(v) => Bytes::from(v),
            Err(_) => return corpo.clone(),
        };
        let mut p = self.pagine.lock().expect("pagine");
        if p.len() < 2_000 {
            p.insert(k, b.clone());
        }
        b
    }

    /// The bytes of a page of this snapshot, rendered on first use.
    pub fn pagina(
        &self,
        chiave: &str,
        rendi: impl FnOnce(&Self) -> AppResult<Bytes>,
    ) -> AppResult<Bytes> {
        if let Some(b) = self.pagine.lock().expect("pagine").get(chiave) {
            return Ok(b.clone());
        }
        let b = rendi(self)?;
        let mut p = self.pagine.lock().expect("pagine");
        if p.len() < 2_000 {
            p.insert(chiave.to_owned(), b.clone());
        }
        Ok(b)
    }
}

/// Loads the state at `t` (now, or a past instant for `?al=`).
pub async fn carica(db: &impl ConnectionTrait, t: DateTime<Utc>) -> AppResult<Quadro> {
    let stato = store::stato_al(db, t).await?;
    let attive = store::attive_al(db, t).await?;
    let ids: Vec<i64> = attive.iter().map(|a| a.id).collect();
    let mut voci: HashMap<i64, Vec<allerta_voce::Model>> = HashMap::new();
    let mut sostituite: HashMap<i64, Vec<allerta::Model>> = HashMap::new();
    for blocco in ids.chunks(500) {
        for v in allerta_voce::Entity::find()
            .filter(allerta_voce::Column::AllertaId.is_in(blocco.to_vec()))
            .order_by_asc(allerta_voce::Column::Id)
            .all(db)
            .await?
        {
            voci.entry(v.allerta_id).or_default().push(v);
        }
        for s in allerta::Entity::find()
            .filter(allerta::Column::TerminataDaId.is_in(blocco.to_vec()))
            .filter(allerta::Column::Dal.is_not_null())
            .order_by_asc(allerta::Column::Id)
            .all(db)
            .await?
        {
            if let Some(da) = s.terminata_da_id {
                sostituite.entry(da).or_default().push(s);
            }
        }
    }
    let avvisi = avvisi_al(db, t).await?;
    let etag = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for a in &attive {
            (a.id, a.stato.as_str(), a.scadenza.map(|s| s.timestamp())).hash(&mut h);
        }
        for a in &avvisi {
            (a.id, a.ritirato_at.is_some()).hash(&mut h);
        }
        (t.timestamp() / 60).hash(&mut h);
        format!("\"a{:x}\"", h.finish())
    };
    Ok(Quadro {
        at: t,
        stato,
        attive: attive
            .into_iter()
            .map(|a| Attiva {
                voci: voci.remove(&a.id).unwrap_or_default(),
                sostituite: sostituite.remove(&a.id).unwrap_or_default(),
                a,
            })
            .collect(),
        avvisi,
        etag,
        pagine: Mutex::default(),
    })
}

/// The notices in force at `t`, newest first.
pub async fn avvisi_al(
    db: &impl ConnectionTrait,
    t: DateTime<Utc>,
) -> AppResult<Vec<avviso_comunale::Model>> {
    use sea_orm::Condition;
    Ok(avviso_comunale::Entity::find()
        .filter(avviso_comunale::Column::Dal.lte(t))
        .filter(
            Condition::any()
                .add(avviso_comunale::Column::Al.is_null())
                .add(avviso_comunale::Column::Al.gt(t)),
        )
        .filter(
            Condition::any()
                .add(avviso_comunale::Column::RitiratoAt.is_null())
                .add(avviso_comunale::Column::RitiratoAt.gt(t)),
        )
        .order_by_desc(avviso_comunale::Column::Dal)
        .all(db)
        .await?)
}

struct Slot {
    generazione: u64,
    caricato: Instant,
    valido_fino: Option<DateTime<Utc>>,
    quadro: Arc<Quadro>,
}

/// The current snapshot, shared.
#[derive(Default)]
pub struct StatoPubblico {
    slot: Mutex<Option<Slot>>,
    /// One load at a time: the others wait for it and take its result.
    carico: tokio::sync::Mutex<()>,
}

impl StatoPubblico {
    fn valido(&self, g: u64) -> Option<Arc<Quadro>> {
        let s = self.slot.lock().expect("stato pubblico");
        let s = s.as_ref()?;
        (s.generazione == g
            && s.caricato.elapsed() < DURATA
            && s.valido_fino.is_none_or(|f| Utc::now() < f))
        .then(|| s.quadro.clone())
    }

    pub async fn corrente(
        &self,
        db: &impl ConnectionTrait,
        generazione: &Generazione,
    ) -> AppResult<Arc<Quadro>> {
        let g = generazione.current();
        if let Some(q) = self.valido(g) {
            return Ok(q);
        }
        let _guard = self.carico.lock().await;
        if let Some(q) = self.valido(g) {
            return Ok(q);
        }
        let ora = Utc::now();
        let quadro = Arc::new(carica(db, ora).await?);
        let valido_fino = store::prossimo_cambio(db, ora).await?;
        *self.slot.lock().expect("stato pubblico") = Some(Slot {
            generazione: g,
            caricato: Instant::now(),
            valido_fino,
            quadro: quadro.clone(),
        });
        Ok(quadro)
    }
}
