//! Eventi's store: events (each with its offer in the registration core), partners, the
//! calendar, the figures per comune and province, and the proposals of the comuni.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use piazza_db::entities::{
    evento, evento_partner, offerta, offerta_sessione, organizzazione, proposta_evento,
};
use piazza_db::lavoro::Lavoro;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

use super::model::NuovoEvento;
use crate::kit::error::{AppError, AppResult};
use crate::kit::fmt;
use crate::registrazioni::messaggi::Avvisi;
use crate::registrazioni::store::{self as reg, NuovaOfferta};

/// An event with its offer and sessions.
#[derive(Debug, Clone)]
pub struct Scheda {
    pub e: evento::Model,
    pub o: offerta::Model,
    pub sessioni: Vec<offerta_sessione::Model>,
}

impl Scheda {
    pub fn inizio(&self) -> Option<DateTime<Utc>> {
        self.sessioni.first().map(|s| s.inizio)
    }
}

fn offerta_di(n: &NuovoEvento, public_id: &str) -> NuovaOfferta {
    NuovaOfferta {
        tipo: "evento",
        titolo: n.titolo.clone(),
        url: format!("/eventi/{public_id}"),
        capienza: n.capienza,
        apre_at: n.apre_at,
        chiude_at: n.chiude_at,
        approvazione: n.approvazione,
        idoneita: n.idoneita.clone(),
        quota_comune: n.quota_comune,
        quote_tipo: n.quote_tipo.clone(),
        ore_offerta: n.ore_offerta,
        domande: n.domande.clone(),
        sessioni: n.sessioni.clone(),
    }
}

/// A public id from the title and the first day (`2020-05-15-dire-e-fare`), unique.
async fn public_id(db: &impl ConnectionTrait, n: &NuovoEvento) -> Result<String, DbErr> {
    let giorno = n
        .sessioni
        .first()
        .map(|s| fmt::ora_italiana(s.inizio))
        .map(|d| format!("{}-{}-{}", &d[6..10], &d[3..5], &d[..2]))
        .unwrap_or_default();
    let slug: String = crate::kit::text::normalize(&n.titolo)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .take(6)
        .collect::<Vec<_>>()
        .join("-");
    let base = format!("{giorno}-{slug}");
    let mut id = base.clone();
    let mut i = 2;
    while evento::Entity::find()
        .filter(evento::Column::PublicId.eq(id.clone()))
        .one(db)
        .await?
        .is_some()
    {
        id = format!("{base}-{i}");
        i += 1;
    }
    Ok(id)
}

/// Creates an event and its offer.
pub async fn crea(
    uow: &Lavoro,
    n: NuovoEvento,
    proposta_id: Option<i64>,
    ora: DateTime<Utc>,
) -> AppResult<evento::Model> {
    let pid = public_id(uow, &n).await?;
    let o = reg::crea_offerta(uow, offerta_di(&n, &pid), ora).await?;
    Ok(uow
        .inserisci(evento::ActiveModel {
            public_id: Set(pid),
            titolo: Set(n.titolo),
            tipo: Set(n.tipo),
            descrizione: Set(n.descrizione),
            comune_id: Set(n.comune_id),
            indirizzo: Set(n.indirizzo),
            link_online: Set(n.link_online),
            relatori: Set(n.relatori),
            progetto: Set(n.progetto),
            stato: Set(n.stato),
            patrocinio: Set(n.patrocinio),
            offerta_id: Set(o.id),
            proposta_id: Set(proposta_id),
            created_at: Set(ora),
            updated_at: Set(ora),
            ..Default::default()
        })
        .await?)
}

/// Changes an event and its offer.
pub async fn aggiorna(
    uow: &Lavoro,
    prima: &evento::Model,
    n: NuovoEvento,
    avvisi: &Avvisi,
    ora: DateTime<Utc>,
) -> AppResult<evento::Model> {
    reg::aggiorna_offerta(
        uow,
        prima.offerta_id,
        offerta_di(&n, &prima.public_id),
        avvisi,
        ora,
    )
    .await?;
    let mut am: evento::ActiveModel = prima.clone().into();
    am.titolo = Set(n.titolo);
    am.tipo = Set(n.tipo);
    am.descrizione = Set(n.descrizione);
    am.comune_id = Set(n.comune_id);
    am.indirizzo = Set(n.indirizzo);
    am.link_online = Set(n.link_online);
    am.relatori = Set(n.relatori);
    am.progetto = Set(n.progetto);
    am.stato = Set(n.stato);
    am.patrocinio = Set(n.patrocinio);
    am.updated_at = Set(ora);
    Ok(uow.aggiorna(prima, am).await?)
}

/// An event by public id, with its offer and sessions.
pub async fn scheda(db: &impl ConnectionTrait, public_id: &str) -> AppResult<Scheda> {
    let e = evento::Entity::find()
        .filter(evento::Column::PublicId.eq(public_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let o = reg::offerta(db, e.offerta_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let sessioni = reg::sessioni_di(db, o.id).await?;
    Ok(Scheda { e, o, sessioni })
}

/// Every event (`pubblici`: only published ones; `comune`: only those held there), in the
/// order of their first session.
pub async fn elenco(
    db: &impl ConnectionTrait,
    pubblici: bool,
    comune: Option<i64>,
) -> Result<Vec<Scheda>, DbErr> {
    let mut q = evento::Entity::find();
    if pubblici {
        q = q.filter(evento::Column::Stato.eq("pubblicato"));
    }
    if let Some(c) = comune {
        q = q.filter(evento::Column::ComuneId.eq(c));
    }
    let eventi = q.all(db).await?;
    let offerte: HashMap<i64, offerta::Model> = offerta::Entity::find()
        .filter(offerta::Column::Id.is_in(eventi.iter().map(|e| e.offerta_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let mut sessioni: HashMap<i64, Vec<offerta_sessione::Model>> = HashMap::new();
    for s in offerta_sessione::Entity::find()
        .filter(offerta_sessione::Column::OffertaId.is_in(offerte.keys().copied()))
        .order_by_asc(offerta_sessione::Column::Ordine)
        .all(db)
        .await?
    {
        sessioni.entry(s.offerta_id).or_default().push(s);
    }
    let mut v: Vec<Scheda> = eventi
        .into_iter()
        .filter_map(|e| {
            let o = offerte.get(&e.offerta_id)?.clone();
            let sessioni = sessioni.remove(&o.id).unwrap_or_default();
            Some(Scheda { e, o, sessioni })
        })
        .collect();
    v.sort_by_key(|s| s.inizio());
    Ok(v)
}

/// The partners and patronages of an event: (role, organisation).
pub async fn partner(
    db: &impl ConnectionTrait,
    evento_id: i64,
) -> Result<Vec<(evento_partner::Model, organizzazione::Model)>, DbErr> {
    let righe = evento_partner::Entity::find()
        .filter(evento_partner::Column::EventoId.eq(evento_id))
        .order_by_asc(evento_partner::Column::Ruolo)
        .all(db)
        .await?;
    let org: HashMap<i64, organizzazione::Model> = organizzazione::Entity::find()
        .filter(organizzazione::Column::Id.is_in(righe.iter().map(|r| r.organizzazione_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    Ok(righe
        .into_iter()
        .filter_map(|r| {
            let o = org.get(&r.organizzazione_id)?.clone();
            Some((r, o))
        })
        .collect())
}

/// How many published events have their first session at `ora` or later (one query: the
/// home page shows it).
pub async fn in_programma(db: &impl ConnectionTrait, ora: DateTime<Utc>) -> Result<i64, DbErr> {
    let r = db
        .query_one_raw(piazza_db::stmt(
            db,
            "SELECT COUNT(*) AS n FROM (SELECT e.id FROM eventi e \
             JOIN offerta_sessioni s ON s.offerta_id = e.offerta_id \
             WHERE e.stato = 'pubblicato' GROUP BY e.id HAVING MIN(s.inizio) >= $1) t",
            vec![piazza_db::al_ms(ora).into()],
        ))
        .await?;
    Ok(r.map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0))
}

/// Adds an organisation to an event in a role.
pub async fn aggiungi_partner(
    uow: &Lavoro,
    evento_id: i64,
    organizzazione_id: i64,
    ruolo: &str,
) -> Result<(), DbErr> {
    let gia = evento_partner::Entity::find()
        .filter(evento_partner::Column::EventoId.eq(evento_id))
        .filter(evento_partner::Column::OrganizzazioneId.eq(organizzazione_id))
        .filter(evento_partner::Column::Ruolo.eq(ruolo))
        .one(uow)
        .await?;
    if gia.is_none() {
        uow.inserisci(evento_partner::ActiveModel {
            evento_id: Set(evento_id),
            organizzazione_id: Set(organizzazione_id),
            ruolo: Set(ruolo.into()),
            ..Default::default()
        })
        .await?;
    }
    Ok(())
}

/// Events per comune whose first session is in `[da, a)` (the map "where we have been").
pub fn per_comune(eventi: &[Scheda], da: DateTime<Utc>, a: DateTime<Utc>) -> HashMap<i64, i64> {
    let mut m = HashMap::new();
    for s in eventi {
        if let (Some(c), Some(t)) = (s.e.comune_id, s.inizio())
            && t >= da
            && t < a
            && s.e.stato != "annullato"
        {
            *m.entry(c).or_default() += 1;
        }
    }
    m
}

/// The offers of the events held from `da` to `a` (not cancelled), for the figures of a period.
pub fn offerte_nel_periodo(eventi: &[Scheda], da: DateTime<Utc>, a: DateTime<Utc>) -> Vec<i64> {
    eventi
        .iter()
        .filter(|s| s.e.stato != "annullato" && s.inizio().is_some_and(|t| t >= da && t < a))
        .map(|s| s.o.id)
        .collect()
}

/// The unions of comuni of Anagrafica with their seat: name and comune.
pub async fn unioni(db: &impl ConnectionTrait) -> Result<Vec<(String, i64)>, DbErr> {
    Ok(organizzazione::Entity::find()
        .filter(organizzazione::Column::Tipo.eq("unione_comuni"))
        .order_by_asc(organizzazione::Column::Nome)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|o| Some((o.nome, o.comune_id?)))
        .collect())
}

/// The proposals of the comuni (`comuni`: only those of these comuni), newest first.
pub async fn proposte(
    db: &impl ConnectionTrait,
    comuni: Option<&[i64]>,
) -> Result<Vec<proposta_evento::Model>, DbErr> {
    let mut q = proposta_evento::Entity::find().order_by_desc(proposta_evento::Column::CreatedAt);
    if let Some(c) = comuni {
        q = q.filter(proposta_evento::Column::ComuneId.is_in(c.iter().copied()));
    }
    q.all(db).await
}
