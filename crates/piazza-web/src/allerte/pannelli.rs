//! What Allerte shows on other domains' pages: the alert section at the top of the comune page
//! and the subscribers' figure of the home page (see [`crate::kit::pannelli`]).

use askama::Template;

use crate::kit::fmt;
use crate::kit::pannelli::{Cifra, CifraVista, Pagina, Pannello, Posizione, Soggetto, html};
use crate::kit::view::Ctx;

#[derive(Template)]
#[template(path = "allerte/comune.html")]
struct SezioneComune {
    allerte: super::routes::SezioneComune,
}

async fn comune(ctx: &Ctx, s: Soggetto<'_>) -> crate::kit::error::AppResult<Option<String>> {
    let allerte = super::routes::sezione_comune(ctx, s.id, s.chiave).await?;
    html(&SezioneComune { allerte })
}

async fn iscritti(ctx: &Ctx) -> crate::kit::error::AppResult<Option<CifraVista>> {
    let a = super::iscrizioni_routes::adesione(ctx).await?;
    Ok(Some(CifraVista {
        id: "iscritti-home",
        valore: fmt::int(a.iscrizioni),
        etichetta: "iscritti alle allerte",
        href: Some("/allerte/iscriviti"),
    }))
}

pub const PANNELLI: &[Pannello] = &[Pannello {
    dominio: "allerte",
    pagina: Pagina::Comune,
    posizione: Posizione::Testa,
    mostra: |ctx, s| Box::pin(comune(ctx, s)),
}];

pub const CIFRE: &[Cifra] = &[Cifra {
    dominio: "allerte",
    mostra: |ctx| Box::pin(iscritti(ctx)),
}];
