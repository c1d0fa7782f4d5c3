//! The association's share by programme and year.

use askama::Template;
use axum::response::Response;

use super::{CRUMB, schede, visibilita};
use crate::kit::error::AppResult;
use crate::kit::fmt;
use crate::kit::view::{Chrome, Ctx, Scheda, render};
use crate::progetti::store;

pub struct RigaBudget {
    pub programma: String,
    pub celle: Vec<String>,
    pub totale: String,
}

#[derive(Template)]
#[template(path = "progetti/budget.html")]
struct BudgetPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    anni: Vec<i32>,
    righe: Vec<RigaBudget>,
    totali: Vec<String>,
    totale: String,
    grafico: String,
}

/// An amount in thousands of euro for a chart label: `1.235 k€`.
fn migliaia(cents: i64) -> String {
    format!("{} k€", fmt::int((cents as f64 / 100_000.0).round() as i64))
}

/// Bars of the yearly totals as SVG.
fn grafico_anni(anni: &[i32], totali: &[i64]) -> String {
    use std::fmt::Write as _;
    let max = totali.iter().copied().max().unwrap_or(0).max(1) as f64;
    let w = 60.0;
    let h = 180.0;
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {:.0} {:.0}" width="100%" role="img" aria-label="Quota dell'associazione per anno" font-size="11" font-family="Titillium Web, sans-serif">"##,
        anni.len() as f64 * w + 20.0,
        h + 40.0
    );
    for (i, (a, t)) in anni.iter().zip(totali).enumerate() {
        let bh = *t as f64 / max * h;
        let x = 10.0 + i as f64 * w;
        let _ = write!(
            s,
            r##"<g><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="#2a6cb0"/><text x="{:.1}" y="{:.0}" text-anchor="middle">{a}</text><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="9" fill="#17324d">{}</text><title>{a}: {}</title></g>"##,
            x + 8.0,
            h + 10.0 - bh,
            w - 16.0,
            x + w / 2.0,
            h + 26.0,
            x + w / 2.0,
            (h + 6.0 - bh).max(9.0),
            migliaia(*t),
            crate::kit::text::esc(&fmt::euro(*t))
        );
    }
    s.push_str("</svg>");
    s
}

pub async fn budget(ctx: Ctx) -> AppResult<Response> {
    let vis = visibilita(&ctx)?;
    let (anni, per) = store::budget(&ctx.state.db, &vis).await?;
    let totali: Vec<i64> = anni
        .iter()
        .map(|a| {
            per.iter()
                .map(|(_, m, _)| m.get(a).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let totale: i64 = totali.iter().sum();
    render(&BudgetPage {
        chrome: ctx.chrome(
            "Budget per programma",
            &[CRUMB, ("Budget", "/progetti/budget")],
        ),
        schede: schede(&ctx, "/progetti/budget"),
        righe: per
            .iter()
            .map(|(g, m, t)| RigaBudget {
                programma: g.nome.clone(),
                celle: anni
                    .iter()
                    .map(|a| m.get(a).map(|c| fmt::euro_intero(*c)).unwrap_or_default())
                    .collect(),
                totale: fmt::euro_intero(*t),
            })
            .collect(),
        grafico: grafico_anni(&anni, &totali),
        totali: totali.iter().map(|t| fmt::euro_intero(*t)).collect(),
        totale: fmt::euro_intero(totale),
        anni,
    })
}
