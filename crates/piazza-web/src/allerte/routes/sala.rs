//! The desk: alerts waiting for approval, the latest documents, the sources' health.

use askama::Template;
use axum::response::Response;

use super::fonti::{FonteRiga, fonte_riga};
use super::{CRUMB, DocumentoRiga, documento_riga, richiedi_staff, schede, visibile_al_desk};
use crate::allerte::store;
use crate::kit::error::AppResult;
use crate::kit::moduli::ALLERTE;
use crate::kit::view::{Chrome, Ctx, Scheda, render};

#[derive(Template)]
#[template(path = "allerte/gestione.html")]
struct GestionePage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    puo_comporre: bool,
    in_attesa: Vec<DocumentoRiga>,
    recenti: Vec<DocumentoRiga>,
    fonti: Vec<FonteRiga>,
}

pub async fn gestione(ctx: Ctx) -> AppResult<Response> {
    richiedi_staff(&ctx)?;
    let db = &ctx.state.db;
    let fonti = store::fonti(db).await?;
    let in_attesa = store::in_attesa(db)
        .await?
        .iter()
        .filter(|a| visibile_al_desk(&ctx, a))
        .map(|a| documento_riga(a, &fonti))
        .collect();
    let recenti = store::recenti(db, 50)
        .await?
        .iter()
        .filter(|a| visibile_al_desk(&ctx, a))
        .map(|a| documento_riga(a, &fonti))
        .collect();
    render(&GestionePage {
        chrome: ctx.chrome(
            "Sala operativa",
            &[CRUMB, ("Sala operativa", "/allerte/gestione")],
        ),
        schede: schede(&ctx, "/allerte/gestione"),
        puo_comporre: ctx.can_edit_some(ALLERTE),
        in_attesa,
        recenti,
        fonti: if ctx.has_grant(ALLERTE) {
            fonti.iter().map(fonte_riga).collect()
        } else {
            Vec::new()
        },
    })
}
