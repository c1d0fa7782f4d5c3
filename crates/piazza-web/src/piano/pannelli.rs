//! What Piano shows on other domains' pages: the plan objectives linked to a comune, a person or
//! an organisation (see [`crate::kit::pannelli`]).

use askama::Template;

use crate::kit::error::AppResult;
use crate::kit::pannelli::{Pagina, Pannello, Posizione, Soggetto, html};
use crate::kit::view::Ctx;

#[derive(Template)]
#[template(path = "piano/collegati.html")]
struct Collegati {
    obiettivi: std::sync::Arc<Vec<super::store::ObiettivoCollegato>>,
}

async fn collegati(ctx: &Ctx, tipo: &str, s: Soggetto<'_>) -> AppResult<Option<String>> {
    let obiettivi = super::routes::obiettivi_collegati(ctx, tipo, s.chiave).await?;
    if obiettivi.is_empty() {
        return Ok(None);
    }
    html(&Collegati { obiettivi })
}

pub const PANNELLI: &[Pannello] = &[
    Pannello {
        dominio: "piano",
        pagina: Pagina::Comune,
        posizione: Posizione::Corpo,
        mostra: |ctx, s| Box::pin(collegati(ctx, "comune", s)),
    },
    Pannello {
        dominio: "piano",
        pagina: Pagina::Persona,
        posizione: Posizione::Corpo,
        mostra: |ctx, s| Box::pin(collegati(ctx, "persona", s)),
    },
    Pannello {
        dominio: "piano",
        pagina: Pagina::Organizzazione,
        posizione: Posizione::Corpo,
        mostra: |ctx, s| Box::pin(collegati(ctx, "organizzazione", s)),
    },
];
