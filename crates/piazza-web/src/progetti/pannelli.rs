//! What Progetti shows on other domains' pages: the projects of a comune, of a person (staff)
//! and of an organisation (partner), to those who may see them (see [`crate::pannelli`]).

use askama::Template;

use crate::error::AppResult;
use crate::pannelli::{Pagina, Pannello, Posizione, html};
use crate::view::Ctx;

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
