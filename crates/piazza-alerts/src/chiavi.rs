//! The service's keys, generated at install (the first start on a database) and kept in the
//! database: the VAPID key pair that identifies Piazza to the push services (browsers bind a
//! subscription to its public key, so it must never change), and the secret that signs the
//! links in every message (confirm, manage, unsubscribe) — a link names a subscription and
//! proves it came from us, without storing a token per subscriber.

use chrono::Utc;
use piazza_db::entities::chiave_servizio;
use piazza_push::{Vapid, b64, da_b64};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

const VAPID: &str = "vapid_pkcs8";
const SEGRETO: &str = "segreto_link";

pub struct Chiavi {
    pub vapid: Vapid,
    segreto: hmac::Key,
}

/// What a link is for: a confirmation link cannot be used to manage, and the other way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scopo {
    Conferma,
    Gestione,
    /// A registration's ticket (an event, a course): confirm, see, cancel, accept a seat.
    Biglietto,
}

impl Scopo {
    fn etichetta(self) -> &'static [u8] {
        match self {
            Scopo::Conferma => b"conferma",
            Scopo::Gestione => b"gestione",
            Scopo::Biglietto => b"biglietto",
        }
    }
}

/// Reads a key, creating it first if absent. Two processes starting together both try the
/// insert; the unique name keeps the first and both read it back.
async fn leggi_o_crea(
    db: &impl ConnectionTrait,
    nome: &str,
    nuovo: impl FnOnce() -> String,
) -> Result<String, DbErr> {
    let trova = || chiave_servizio::Entity::find().filter(chiave_servizio::Column::Nome.eq(nome));
    if let Some(k) = trova().one(db).await? {
        return Ok(k.valore);
    }
    chiave_servizio::Entity::insert(chiave_servizio::ActiveModel {
        nome: Set(nome.to_owned()),
        valore: Set(nuovo()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(chiave_servizio::Column::Nome)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(trova()
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(nome.to_owned()))?
        .valore)
}

fn corrotta(nome: &str) -> DbErr {
    DbErr::Custom(format!("chiave di servizio «{nome}» non leggibile"))
}

impl Chiavi {
    /// The keys of this database, generated on first use.
    pub async fn carica(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        let v = leggi_o_crea(db, VAPID, || b64(Vapid::genera().pkcs8())).await?;
        let vapid = da_b64(&v)
            .and_then(|p| Vapid::da_pkcs8(&p))
            .ok_or_else(|| corrotta(VAPID))?;
        let s = leggi_o_crea(db, SEGRETO, || {
            let mut k = [0u8; 32];
            SystemRandom::new().fill(&mut k).expect("system randomness");
            b64(&k)
        })
        .await?;
        let s = da_b64(&s)
            .filter(|k| k.len() == 32)
            .ok_or_else(|| corrotta(SEGRETO))?;
        Ok(Self {
            vapid,
            segreto: hmac::Key::new(hmac::HMAC_SHA256, &s),
        })
    }

    /// The VAPID public key as the browser's `applicationServerKey` wants it (base64url).
    pub fn chiave_pubblica(&self) -> String {
        b64(self.vapid.chiave_pubblica())
    }

    fn firma(&self, scopo: Scopo, id: i64) -> String {
        let mut m = scopo.etichetta().to_vec();
        m.push(b':');
        m.extend_from_slice(id.to_string().as_bytes());
        b64(&hmac::sign(&self.segreto, &m).as_ref()[..16])
    }

    /// The token of a link: `<id>-<first 128 bits of HMAC-SHA256(purpose:id)>`.
    pub fn gettone(&self, scopo: Scopo, id: i64) -> String {
        format!("{id}-{}", self.firma(scopo, id))
    }

    /// The subscription a token names, if we signed it for this purpose.
    pub fn verifica(&self, scopo: Scopo, gettone: &str) -> Option<i64> {
        let (id, firma) = gettone.split_once('-')?;
        let id: i64 = id.parse().ok()?;
        let mut m = scopo.etichetta().to_vec();
        m.push(b':');
        m.extend_from_slice(id.to_string().as_bytes());
        let attesa = hmac::sign(&self.segreto, &m);
        let data = da_b64(firma)?;
        uguali(&data, &attesa.as_ref()[..16]).then_some(id)
    }
}

/// Whether two secrets are equal, in time that does not depend on where they differ (tokens,
/// signatures, hashes of API keys).
pub fn uguali(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
