//! The home page and the health check.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::error::AppResult;
use crate::fmt;
use crate::moduli::MODULI;
use crate::view::{Chrome, Ctx, render};

pub struct Scheda {
    pub nome: &'static str,
    pub path: &'static str,
    pub descrizione: &'static str,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    n_comuni: String,
    popolazione: String,
    n_zone: usize,
    n_province: usize,
    schede: Vec<Scheda>,
}

fn descrizione(chiave: &str) -> &'static str {
    match chiave {
        "territorio" => "I comuni con i loro dati, le zone di allerta e le mappe della regione.",
        "anagrafica" => "Persone, organizzazioni e amministratori comunali, con l'import dal registro del Ministero dell'Interno.",
        "amministrazione" => "Registro delle modifiche e utenti.",
        _ => "",
    }
}

pub async fn home(ctx: Ctx) -> AppResult<Response> {
    let t = ctx.state.territorio.get();
    let pop: i64 = t.comuni.iter().filter_map(|c| c.popolazione).sum();
    render(&HomePage {
        chrome: ctx.chrome("Home", &[]),
        n_comuni: fmt::int(t.comuni.len() as i64),
        popolazione: fmt::int(pop),
        n_zone: t.zone.len(),
        n_province: t.province.len(),
        schede: MODULI
            .iter()
            .filter(|m| ctx.can_read(m.chiave))
            .map(|m| Scheda { nome: m.nome, path: m.path, descrizione: descrizione(m.chiave) })
            .collect(),
    })
}

/// 200 once the server runs (migrations are applied before it listens).
pub async fn healthz() -> Response {
    (StatusCode::OK, "ok").into_response()
}
