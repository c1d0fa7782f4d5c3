//! The legislature-risk report (page and CSV).

use askama::Template;
use axum::response::Response;

use super::portafoglio::{RigaVista, riga_vista};
use super::{CRUMB, schede, visibilita};
use crate::kit::error::AppResult;
use crate::kit::export::{Cell, Table, csv_response};
use crate::kit::fmt;
use crate::kit::view::{Chrome, Ctx, Scheda, render};
use crate::progetti::model;
use crate::progetti::store::{self, Contesto};

pub struct VoceRischio {
    pub v: RigaVista,
    pub comuni: String,
    pub staff: String,
    pub continuita: Vec<(String, bool)>,
}

#[derive(Template)]
#[template(path = "progetti/rischio.html")]
struct RischioPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    finestre: Vec<String>,
    righe: Vec<VoceRischio>,
    budget_fmt: String,
    quota_fmt: String,
    n_comuni: usize,
    senza_piano: usize,
}

/// The risk report as a spreadsheet (Italian CSV), one row per project at risk.
pub async fn rischio_csv(ctx: Ctx) -> AppResult<Response> {
    let vis = visibilita(&ctx)?;
    let db = &ctx.state.db;
    let c = Contesto::carica(db, &ctx.state.config).await?;
    let righe = store::a_rischio(db, &c, &vis).await?;
    let t = ctx.state.territorio.get();
    let mut tab = Table::new(&[
        "Codice",
        "Acronimo",
        "Programma",
        "Stato",
        "Inizio",
        "Fine",
        "Motivo",
        "Budget totale (€)",
        "Quota associazione (€)",
        "Comuni",
        "Personale (mesi/persona)",
        "Piano di continuità",
    ]);
    for r in &righe {
        let p = &r.r.p;
        tab.rows.push(vec![
            p.codice.clone().into(),
            p.acronimo.clone().into(),
            r.r.programma.clone().into(),
            model::nome(model::STATI, &p.stato).into(),
            p.data_inizio.into(),
            p.data_fine.into(),
            r.r.rischio
                .iter()
                .map(|m| m.descrizione())
                .collect::<Vec<_>>()
                .join("; ")
                .into(),
            Cell::Dec(p.budget_totale as f64 / 100.0, 2),
            Cell::Dec(p.quota_associazione as f64 / 100.0, 2),
            r.comuni
                .iter()
                .filter_map(|id| t.comune_by_id(*id).map(|c| c.nome.clone()))
                .collect::<Vec<_>>()
                .join(", ")
                .into(),
            r.staff
                .iter()
                .map(|(n, m)| format!("{n} ({})", fmt::numero(*m)))
                .collect::<Vec<_>>()
                .join(", ")
                .into(),
            r.continuita
                .iter()
                .map(|(x, _)| format!("{} entro il {}", x.azione, fmt::date(x.data)))
                .collect::<Vec<_>>()
                .join("; ")
                .into(),
        ]);
    }
    Ok(csv_response(&tab, "progetti-rischio-legislatura.csv"))
}

pub async fn rischio(ctx: Ctx) -> AppResult<Response> {
    let vis = visibilita(&ctx)?;
    let db = &ctx.state.db;
    let c = Contesto::carica(db, &ctx.state.config).await?;
    let righe = store::a_rischio(db, &c, &vis).await?;
    let t = ctx.state.territorio.get();
    let mut comuni: Vec<i64> = righe
        .iter()
        .flat_map(|r| r.comuni.iter().copied())
        .collect();
    comuni.sort_unstable();
    comuni.dedup();
    render(&RischioPage {
        chrome: ctx.chrome(
            "Rischio cambio legislatura",
            &[CRUMB, ("Rischio legislatura", "/progetti/rischio")],
        ),
        schede: schede(&ctx, "/progetti/rischio"),
        finestre: c
            .rischio
            .finestre
            .iter()
            .map(|w| {
                format!(
                    "{} ({}): finestra dal {} al {}",
                    w.titolo,
                    fmt::date(w.fine_legislatura),
                    fmt::date(w.dal),
                    fmt::date(w.al)
                )
            })
            .collect(),
        budget_fmt: fmt::euro_intero(righe.iter().map(|r| r.r.p.budget_totale).sum()),
        quota_fmt: fmt::euro_intero(righe.iter().map(|r| r.r.p.quota_associazione).sum()),
        n_comuni: comuni.len(),
        senza_piano: righe.iter().filter(|r| r.continuita.is_empty()).count(),
        righe: righe
            .iter()
            .map(|r| VoceRischio {
                v: riga_vista(&r.r),
                comuni: if r.comuni.len() > 8 {
                    format!("{} comuni", r.comuni.len())
                } else {
                    r.comuni
                        .iter()
                        .filter_map(|id| t.comune_by_id(*id).map(|c| c.nome.clone()))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                staff: r
                    .staff
                    .iter()
                    .map(|(n, m)| format!("{n} ({} m/p)", fmt::numero(*m)))
                    .collect::<Vec<_>>()
                    .join(", "),
                continuita: r
                    .continuita
                    .iter()
                    .map(|(x, n)| {
                        (
                            format!(
                                "{} — entro il {}{}",
                                x.azione,
                                fmt::date(x.data),
                                n.as_ref().map(|n| format!(", {n}")).unwrap_or_default()
                            ),
                            x.fatta,
                        )
                    })
                    .collect(),
            })
            .collect(),
    })
}
