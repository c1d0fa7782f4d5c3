//! Typed links between records of different modules. A kind of record that can be linked
//! registers itself in [`TIPI`] with how to find records (for the link form) and how to show a
//! linked one (label and page). Piano links objectives to any of them; later modules (projects,
//! services, events, courses, documents) add a line here and get linked without touching Piano.

use std::future::Future;
use std::pin::Pin;

use piazza_db::entities::{organizzazione, persona, progetto};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::AppState;
use crate::error::AppResult;
use crate::moduli;
use crate::text::normalize;

/// A linked record as a page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Destinazione {
    pub chiave: String,
    pub etichetta: String,
    pub url: String,
}

type Fut<'a, T> = Pin<Box<dyn Future<Output = AppResult<T>> + Send + 'a>>;

/// Who is looking: a kind of record may show only some of its records to some users (a
/// referente sees only the projects of their comuni).
pub type Chi<'a> = Option<&'a crate::auth::Principal>;

pub struct TipoCollegamento {
    /// Stored in the link (`collegamenti_obiettivo.tipo`).
    pub codice: &'static str,
    pub nome: &'static str,
    /// Links of this kind are shown to those who may read this module.
    pub modulo: &'static str,
    /// Up to [`MAX_RISULTATI`] records matching a search text (name or key) that `chi` may see.
    pub cerca: for<'a> fn(&'a AppState, Chi<'a>, &'a str) -> Fut<'a, Vec<Destinazione>>,
    /// The records with these keys that `chi` may see (the others are left out).
    pub risolvi: for<'a> fn(&'a AppState, Chi<'a>, &'a [String]) -> Fut<'a, Vec<Destinazione>>,
}

pub const MAX_RISULTATI: usize = 10;

pub const TIPI: &[TipoCollegamento] = &[
    TipoCollegamento {
        codice: "comune",
        nome: "Comune",
        modulo: moduli::TERRITORIO,
        cerca: |s, _, q| Box::pin(comuni_cerca(s, q)),
        risolvi: |s, _, k| Box::pin(comuni_risolvi(s, k)),
    },
    TipoCollegamento {
        codice: "persona",
        nome: "Persona",
        modulo: moduli::ANAGRAFICA,
        cerca: |s, _, q| Box::pin(persone_cerca(s, q)),
        risolvi: |s, _, k| Box::pin(persone_risolvi(s, k)),
    },
    TipoCollegamento {
        codice: "organizzazione",
        nome: "Organizzazione",
        modulo: moduli::ANAGRAFICA,
        cerca: |s, _, q| Box::pin(organizzazioni_cerca(s, q)),
        risolvi: |s, _, k| Box::pin(organizzazioni_risolvi(s, k)),
    },
    TipoCollegamento {
        codice: "progetto",
        nome: "Progetto",
        modulo: moduli::PROGETTI,
        cerca: |s, u, q| Box::pin(progetti_cerca(s, u, q)),
        risolvi: |s, u, k| Box::pin(progetti_risolvi(s, u, k)),
    },
];

pub fn tipo(codice: &str) -> Option<&'static TipoCollegamento> {
    TIPI.iter().find(|t| t.codice == codice)
}

fn comune_dest(c: &crate::territorio::model::ComuneInfo) -> Destinazione {
    Destinazione {
        chiave: c.codice_istat.clone(),
        etichetta: format!("{} ({})", c.nome, c.sigla_provincia),
        url: format!("/comuni/{}", c.codice_istat),
    }
}

async fn comuni_cerca(s: &AppState, q: &str) -> AppResult<Vec<Destinazione>> {
    let t = s.territorio.get();
    let q = normalize(q);
    Ok(t.comuni
        .iter()
        .filter(|c| !q.is_empty() && (c.nome_norm.contains(&q) || c.codice_istat == q))
        .take(MAX_RISULTATI)
        .map(comune_dest)
        .collect())
}

async fn comuni_risolvi(s: &AppState, chiavi: &[String]) -> AppResult<Vec<Destinazione>> {
    let t = s.territorio.get();
    Ok(chiavi
        .iter()
        .filter_map(|k| t.comune(k))
        .map(comune_dest)
        .collect())
}

fn persona_dest(p: persona::Model) -> Destinazione {
    Destinazione {
        etichetta: format!("{} {}", p.nome, p.cognome),
        url: format!("/persone/{}", p.public_id),
        chiave: p.public_id,
    }
}

async fn persone_cerca(s: &AppState, q: &str) -> AppResult<Vec<Destinazione>> {
    let q = normalize(q);
    if q.is_empty() {
        return Ok(Vec::new());
    }
    Ok(persona::Entity::find()
        .filter(persona::Column::NomeNorm.contains(&q))
        .order_by_asc(persona::Column::NomeNorm)
        .limit(MAX_RISULTATI as u64)
        .all(&s.db)
        .await?
        .into_iter()
        .map(persona_dest)
        .collect())
}

async fn persone_risolvi(s: &AppState, chiavi: &[String]) -> AppResult<Vec<Destinazione>> {
    Ok(persona::Entity::find()
        .filter(persona::Column::PublicId.is_in(chiavi.to_vec()))
        .all(&s.db)
        .await?
        .into_iter()
        .map(persona_dest)
        .collect())
}

fn organizzazione_dest(o: organizzazione::Model) -> Destinazione {
    Destinazione {
        etichetta: o.nome,
        url: format!("/organizzazioni/{}", o.public_id),
        chiave: o.public_id,
    }
}

async fn organizzazioni_cerca(s: &AppState, q: &str) -> AppResult<Vec<Destinazione>> {
    let q = normalize(q);
    if q.is_empty() {
        return Ok(Vec::new());
    }
    Ok(organizzazione::Entity::find()
        .filter(organizzazione::Column::NomeNorm.contains(&q))
        .order_by_asc(organizzazione::Column::NomeNorm)
        .limit(MAX_RISULTATI as u64)
        .all(&s.db)
        .await?
        .into_iter()
        .map(organizzazione_dest)
        .collect())
}

async fn organizzazioni_risolvi(s: &AppState, chiavi: &[String]) -> AppResult<Vec<Destinazione>> {
    Ok(organizzazione::Entity::find()
        .filter(organizzazione::Column::PublicId.is_in(chiavi.to_vec()))
        .all(&s.db)
        .await?
        .into_iter()
        .map(organizzazione_dest)
        .collect())
}

fn progetto_dest(p: progetto::Model) -> Destinazione {
    Destinazione {
        etichetta: format!("{} — {}", p.acronimo, p.titolo),
        url: format!("/progetti/{}", p.public_id),
        chiave: p.public_id,
    }
}

/// The projects among `progetti` that `chi` may see.
async fn progetti_visibili(
    s: &AppState,
    chi: Chi<'_>,
    progetti: Vec<progetto::Model>,
) -> AppResult<Vec<Destinazione>> {
    use crate::progetti::store::{Visibilita, visibile};
    let Some(vis) = chi.and_then(crate::progetti::routes::visibilita_di) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for p in progetti {
        if vis == Visibilita::Tutti || visibile(&s.db, &p, &vis).await? {
            out.push(progetto_dest(p));
        }
    }
    Ok(out)
}

async fn progetti_cerca(s: &AppState, chi: Chi<'_>, q: &str) -> AppResult<Vec<Destinazione>> {
    let n = normalize(q);
    if n.is_empty() {
        return Ok(Vec::new());
    }
    let trovati = progetto::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(progetto::Column::TitoloNorm.contains(&n))
                .add(progetto::Column::Acronimo.contains(q.trim()))
                .add(progetto::Column::Codice.eq(q.trim())),
        )
        .order_by_desc(progetto::Column::DataInizio)
        .limit(MAX_RISULTATI as u64)
        .all(&s.db)
        .await?;
    progetti_visibili(s, chi, trovati).await
}

async fn progetti_risolvi(
    s: &AppState,
    chi: Chi<'_>,
    chiavi: &[String],
) -> AppResult<Vec<Destinazione>> {
    let trovati = progetto::Entity::find()
        .filter(progetto::Column::PublicId.is_in(chiavi.to_vec()))
        .all(&s.db)
        .await?;
    progetti_visibili(s, chi, trovati).await
}
