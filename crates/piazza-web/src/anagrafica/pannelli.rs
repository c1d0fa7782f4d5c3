//! What Anagrafica shows on other domains' pages: the administrators of a comune on its page
//! (see [`crate::kit::pannelli`]).

use std::sync::Arc;

use askama::Template;
use piazza_db::entities::{organizzazione, persona};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::AppState;
use crate::kit::collegamenti::{Destinazione, MAX_RISULTATI, TipoCollegamento};
use crate::kit::error::{AppError, AppResult};
use crate::kit::moduli::{self, ANAGRAFICA};
use crate::kit::pannelli::{Pagina, Pannello, Posizione, Soggetto, html};
use crate::kit::text::normalize;
use crate::kit::view::Ctx;

use super::model::AmministratoreView;

#[derive(Template)]
#[template(path = "anagrafica/pannello_amministratori.html")]
struct Amministratori {
    amministratori: Arc<Vec<AmministratoreView>>,
    puo_vedere_anagrafica: bool,
}

async fn amministratori(ctx: &Ctx, s: Soggetto<'_>) -> AppResult<Option<String>> {
    let t = ctx.state.territorio.get();
    let c = t.comune_by_id(s.id).ok_or(AppError::NotFound)?;
    let (db, config) = (&ctx.state.db, &ctx.state.config);
    let amministratori = ctx
        .state
        .anagrafica
        .amministratori
        .get_or_load(c.id, &ctx.state.generazione, || {
            super::store::amministratori_del_comune(db, c, config)
        })
        .await?;
    html(&Amministratori {
        amministratori,
        puo_vedere_anagrafica: ctx.can_read(ANAGRAFICA),
    })
}

pub const PANNELLI: &[Pannello] = &[Pannello {
    dominio: "anagrafica",
    pagina: Pagina::Comune,
    posizione: Posizione::Corpo,
    mostra: |ctx, s| Box::pin(amministratori(ctx, s)),
}];

/// People and organisations can be linked (to plan objectives, ...).
pub const COLLEGAMENTI: &[TipoCollegamento] = &[
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
];

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
