//! The timeline (Gantt) of the projects active in a year.

use askama::Template;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};

use super::portafoglio::{Filtri, FiltroQuery, RigaVista, filtri, riga_vista};
use super::{CRUMB, schede, visibilita};
use crate::kit::error::AppResult;
use crate::kit::extract::Query;
use crate::kit::fmt::oggi as today;
use crate::kit::list::Pager;
use crate::kit::view::{Chrome, Ctx, Scheda, render};
use crate::progetti::gantt;
use crate::progetti::store::{self, Contesto};

#[derive(Template)]
#[template(path = "progetti/gantt.html")]
struct GanttPage {
    chrome: Chrome,
    azione_filtri: &'static str,
    anno_fisso: Option<i32>,
    schede: Vec<Scheda>,
    anno: i32,
    anni: Vec<i32>,
    svg: String,
    righe: Vec<RigaVista>,
    pager: Pager,
    filtri: Filtri,
}

pub async fn gantt_page(ctx: Ctx, Query(q): Query<FiltroQuery>) -> AppResult<Response> {
    let vis = visibilita(&ctx)?;
    let oggi = today();
    let mut f = q.filtro(&ctx).await?;
    let db = &ctx.state.db;
    let anno = match f.anno {
        Some(a) => a,
        None => store::anno_predefinito(db, &vis, oggi).await?,
    };
    f.anno = Some(anno);
    let c = Contesto::carica(db, &ctx.state.config).await?;
    let totale = store::conta(db, &f, &vis).await?;
    let mut params = q.params();
    params.retain(|(k, _)| *k != "anno");
    params.push(("anno", anno.to_string()));
    let pager = Pager::new(
        "/progetti/gantt",
        &params,
        q.pagina.as_deref(),
        q.per_pagina.as_deref(),
        totale as usize,
    );
    let righe = store::gantt(
        db,
        &c,
        anno,
        &f,
        &vis,
        pager.offset() as u64,
        pager.per_pagina as u64,
    )
    .await?;
    let linee: Vec<(NaiveDate, String)> = c
        .rischio
        .finestre
        .iter()
        .map(|w| (w.fine_legislatura, w.titolo.clone()))
        .collect();
    let svg_righe: Vec<gantt::Riga> = righe
        .iter()
        .map(|g| {
            let p = &g.r.p;
            let mut marcatori: Vec<gantt::Marcatore> = g
                .scadenze
                .iter()
                .map(|s| gantt::Marcatore {
                    data: s.scadenza,
                    tipo: if s.tipo == "milestone" {
                        "milestone"
                    } else {
                        "deliverable"
                    },
                    titolo: format!("{} {}", s.codice, s.titolo),
                })
                .collect();
            marcatori.extend(g.periodi.iter().map(|x| gantt::Marcatore {
                data: x.scadenza,
                tipo: "rendicontazione",
                titolo: format!("rendicontazione del periodo {}", x.numero),
            }));
            gantt::Riga {
                etichetta: p.acronimo.clone(),
                descrizione: format!("{} — {}", p.acronimo, p.titolo),
                url: format!("/progetti/{}", p.public_id),
                inizio: p.data_inizio,
                fine: p.data_fine,
                a_rischio: !g.r.rischio.is_empty(),
                marcatori,
            }
        })
        .collect();
    let programmi = c.programmi_per_nome();
    let mut anni: Vec<i32> = (anno - 4..=anno + 4).collect();
    for w in &c.rischio.finestre {
        anni.push(w.fine_legislatura.year());
    }
    anni.push(oggi.year());
    anni.sort_unstable();
    anni.dedup();
    render(&GanttPage {
        azione_filtri: "/progetti/gantt",
        anno_fisso: Some(anno),
        chrome: ctx.chrome(
            format!("Cronoprogramma {anno}"),
            &[CRUMB, ("Cronoprogramma", "/progetti/gantt")],
        ),
        schede: schede(&ctx, "/progetti/gantt"),
        svg: gantt::svg(anno, &svg_righe, oggi, &linee),
        righe: righe.iter().map(|g| riga_vista(&g.r)).collect(),
        filtri: filtri(&ctx, &q, &programmi).await?,
        anno,
        anni,
        pager,
    })
}
