//! The home page and the health check.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::kit::error::AppResult;
use crate::kit::moduli::MODULI;
use crate::kit::view::{Chrome, Ctx, render};

pub struct Scheda {
    pub nome: &'static str,
    pub path: &'static str,
    pub descrizione: &'static str,
    pub collegamenti: &'static [(&'static str, &'static str)],
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    /// The figures the domains register (comuni, residents, subscribers...).
    cifre: Vec<crate::kit::pannelli::CifraVista>,
    schede: Vec<Scheda>,
}

type Links = &'static [(&'static str, &'static str)];

fn descrizione(chiave: &str) -> (&'static str, Links) {
    match chiave {
        "territorio" => (
            "I comuni con i loro dati, le zone di allerta e le mappe della regione.",
            &[
                ("Comuni", "/comuni"),
                ("Mappa", "/mappa"),
                ("Zone di allerta", "/zone-allerta"),
            ],
        ),
        "anagrafica" => (
            "Persone, organizzazioni e amministratori comunali, con l'import dal registro del Ministero dell'Interno.",
            &[
                ("Persone", "/persone"),
                ("Organizzazioni", "/organizzazioni"),
                ("Amministratori", "/amministratori"),
            ],
        ),
        "piano" => (
            "Il piano di attività dell'anno: aree, obiettivi e il loro avanzamento.",
            &[("Piano", "/piano")],
        ),
        "progetti" => (
            "Il portafoglio dei progetti europei e regionali: partner, budget, scadenze e il rischio del cambio di legislatura.",
            &[
                ("Portafoglio", "/progetti"),
                ("Cronoprogramma", "/progetti/gantt"),
                ("Scadenze", "/progetti/scadenze"),
                ("Rischio legislatura", "/progetti/rischio"),
            ],
        ),
        "allerte" => (
            "Cittadino Informato: lo stato delle allerte di ogni comune, i feed aperti e le iscrizioni dei cittadini.",
            &[
                ("Stato delle allerte", "/allerte"),
                ("Ricevi le allerte", "/allerte/iscriviti"),
            ],
        ),
        "amministrazione" => (
            "Registro delle modifiche e utenti.",
            &[("Registro", "/admin/audit"), ("Utenti", "/admin/utenti")],
        ),
        _ => ("", &[]),
    }
}

pub async fn home(ctx: Ctx) -> AppResult<Response> {
    render(&HomePage {
        chrome: ctx.chrome("Home", &[]),
        cifre: crate::kit::pannelli::cifre(&ctx).await?,
        schede: MODULI
            .iter()
            .filter(|m| ctx.can_read(m.chiave))
            .map(|m| {
                let (descrizione, collegamenti) = descrizione(m.chiave);
                Scheda {
                    nome: m.nome,
                    path: m.path,
                    descrizione,
                    collegamenti,
                }
            })
            .collect(),
    })
}

/// 200 once the server runs (migrations are applied before it listens).
pub async fn healthz() -> Response {
    (StatusCode::OK, "ok").into_response()
}

/// The routes of the home page: the home page, the health check and the static files.
pub fn router(_cfg: &crate::AppConfig) -> crate::kit::rotte::Rotte {
    crate::kit::rotte::Rotte::new()
        .get("/", home)
        .get("/healthz", healthz)
        .get("/static/{*path}", crate::kit::assets::serve)
}
