//! What Progetti shows on other domains' pages: the projects of a comune, of a person (staff)
//! and of an organisation (partner), to those who may see them (see [`crate::kit::pannelli`]).

use askama::Template;
use piazza_db::entities::progetto;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::AppState;
use crate::kit::collegamenti::{Chi, Destinazione, MAX_RISULTATI, TipoCollegamento};
use crate::kit::error::AppResult;
use crate::kit::moduli;
use crate::kit::pannelli::{Pagina, Pannello, Posizione, html};
use crate::kit::text::normalize;
use crate::kit::view::Ctx;

use super::store::Filtro;

#[derive(Template)]
#[template(path = "progetti/collegati.html")]
struct Collegati {
    progetti: Vec<super::routes::RigaVista>,
}

async fn collegati(ctx: &Ctx, f: Filtro) -> AppResult<Option<String>> {
    let progetti = super::routes::collegati(ctx, f).await?;
    if progetti.is_empty() {
        return Ok(None);
    }
    html(&Collegati { progetti })
}

pub const PANNELLI: &[Pannello] = &[
    Pannello {
        dominio: "progetti",
        pagina: Pagina::Comune,
        posizione: Posizione::Corpo,
        mostra: |ctx, s| {
            Box::pin(collegati(
                ctx,
                Filtro {
                    comune: Some(s.id),
                    ..Default::default()
                },
            ))
        },
    },
    Pannello {
        dominio: "progetti",
        pagina: Pagina::Persona,
        posizione: Posizione::Corpo,
        mostra: |ctx, s| {
            Box::pin(collegati(
                ctx,
                Filtro {
                    persona: Some(s.id),
                    ..Default::default()
                },
            ))
        },
    },
    Pannello {
        dominio: "progetti",
        pagina: Pagina::Organizzazione,
        posizione: Posizione::Corpo,
        mostra: |ctx, s| {
            Box::pin(collegati(
                ctx,
                Filtro {
                    organizzazione: Some(s.id),
                    ..Default::default()
                },
            ))
        },
    },
];

/// Projects can be linked (to plan objectives, ...); a referente finds and sees only the
/// projects of their comuni.
pub const COLLEGAMENTI: &[TipoCollegamento] = &[TipoCollegamento {
    codice: "progetto",
    nome: "Progetto",
    modulo: moduli::PROGETTI,
    cerca: |s, u, q| Box::pin(progetti_cerca(s, u, q)),
    risolvi: |s, u, k| Box::pin(progetti_risolvi(s, u, k)),
}];

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
    use super::store::{Visibilita, visibile};
    let Some(vis) = chi.and_then(super::routes::visibilita_di) else {
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
