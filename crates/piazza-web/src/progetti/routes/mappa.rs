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

/// The map layer "projects per comune": classes 1, 2–3, 4–6, 7–10, more.
pub fn layer_progetti(
    t: &crate::territorio::Territorio,
    conteggi: &HashMap<i64, i64>,
) -> crate::territorio::map::Layer {
    use crate::territorio::map::{Classe, Layer, SEQUENTIAL};
    let limiti = [1, 2, 4, 7, 11];
    let etichette = ["1", "2 – 3", "4 – 6", "7 – 10", "11 e oltre"];
    let mut valori = HashMap::new();
    for c in &t.comuni {
        if let Some(n) = conteggi.get(&c.id).filter(|n| **n > 0) {
            let classe = limiti.iter().take_while(|l| *n >= **l).count() - 1;
            valori.insert(
                c.codice_istat.clone(),
                (
                    classe,
                    if *n == 1 {
                        "1 progetto".to_owned()
                    } else {
                        format!("{n} progetti")
                    },
                ),
            );
        }
    }
    Layer {
        titolo: "Progetti per comune".into(),
        classi: etichette
            .iter()
            .zip(SEQUENTIAL)
            .map(|(e, c)| Classe {
                etichetta: (*e).into(),
                colore: c,
            })
            .collect(),
        valori,
        etichette: Vec::new(),
    }
}
