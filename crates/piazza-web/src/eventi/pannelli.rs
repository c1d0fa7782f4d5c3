//! What Eventi shows on other pages: the comune page's events (held there, and the events its
//! people registered to), and the home figure of the coming events.

use askama::Template;

use crate::kit::error::AppResult;
use crate::kit::moduli::EVENTI;
use crate::kit::pannelli::{Cifra, CifraVista, Pagina, Pannello, Posizione, html};
use crate::kit::view::Ctx;
use crate::registrazioni::messaggi::quando;

#[derive(Template)]
#[template(path = "eventi/pannello_comune.html")]
struct PannelloComune {
    eventi: Vec<(String, String, String)>,
}

async fn del_comune(ctx: &Ctx, comune: i64) -> AppResult<Option<String>> {
    if !ctx.can_read(EVENTI) {
        return Ok(None);
    }
    let eventi: Vec<(String, String, String)> =
        super::store::elenco(&ctx.state.db, true, Some(comune))
            .await?
            .into_iter()
            .rev()
            .take(10)
            .map(|s| {
                (
                    s.e.public_id.clone(),
                    s.e.titolo.clone(),
                    quando(&s.sessioni),
                )
            })
            .collect();
    if eventi.is_empty() {
        return Ok(None);
    }
    html(&PannelloComune { eventi })
}

pub const PANNELLI: &[Pannello] = &[Pannello {
    dominio: "eventi",
    pagina: Pagina::Comune,
    posizione: Posizione::Corpo,
    mostra: |ctx, s| Box::pin(del_comune(ctx, s.id)),
}];

async fn prossimi(ctx: &Ctx) -> AppResult<Option<CifraVista>> {
    let n = super::store::in_programma(&ctx.state.db, chrono::Utc::now()).await?;
    Ok(Some(CifraVista {
        id: "cifra-eventi",
        valore: crate::kit::fmt::int(n),
        etichetta: "eventi in programma",
        href: Some("/eventi"),
    }))
}

pub const CIFRE: &[Cifra] = &[Cifra {
    dominio: "eventi",
    mostra: |ctx| Box::pin(prossimi(ctx)),
}];
