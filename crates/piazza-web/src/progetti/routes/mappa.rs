//! The map of projects per comune.

use std::collections::HashMap;

use askama::Template;
use axum::response::Response;

use super::{CRUMB, schede, visibilita};
use crate::kit::error::AppResult;
use crate::kit::view::{Chrome, Ctx, Scheda, render};
use crate::progetti::store;

#[derive(Template)]
#[template(path = "progetti/mappa.html")]
struct MappaPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    mappa: crate::territorio::model::MappaPronta,
}

/// The projects per comune on the map of the region (what the user may see).
pub async fn mappa(ctx: Ctx) -> AppResult<Response> {
    let vis = visibilita(&ctx)?;
    let conteggi = store::per_comune(&ctx.state.db, &vis).await?;
    let t = ctx.state.territorio.get();
    let layer = layer_progetti(&t, &conteggi);
    render(&MappaPage {
        chrome: ctx.chrome(
            "Progetti per comune",
            &[CRUMB, ("Mappa", "/progetti/mappa")],
        ),
        schede: schede(&ctx, "/progetti/mappa"),
        mappa: crate::territorio::model::MappaPronta {
            svg: t.render_map(&layer),
            titolo: layer.titolo,
            classi: layer.classi,
        },
    })
}

/// The map layer "projects per comune" (see [`crate::territorio::Territorio::layer_conteggi`]).
pub fn layer_progetti(
    t: &crate::territorio::Territorio,
    conteggi: &HashMap<i64, i64>,
) -> crate::territorio::map::Layer {
    t.layer_conteggi("Progetti per comune", conteggi, "progetto", "progetti")
}
