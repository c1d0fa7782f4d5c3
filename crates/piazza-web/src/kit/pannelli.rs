//! Panels: how a domain shows itself on another domain's page without that domain knowing it.
//!
//! The comune page (Territorio), the person and organisation pages (Anagrafica) and the home
//! page's figures are built from what the domains register here, as [`crate::kit::collegamenti`]
//! does for links: each domain declares its [`Pannello`]s and [`Cifra`]s in its own
//! `pannelli.rs`, the application lists them once in [`crate::REGISTRO`], and the page asks the
//! registry ([`mostra`], [`cifre`]). A new module adds its panels there and appears on the
//! comune page without a line changed in Territorio.

use std::future::Future;
use std::pin::Pin;

use askama::Template;

use crate::kit::error::{AppError, AppResult};
use crate::kit::view::Ctx;

type Fut<'a, T> = Pin<Box<dyn Future<Output = AppResult<T>> + Send + 'a>>;

/// A page that shows panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pagina {
    Comune,
    Persona,
    Organizzazione,
}

/// Where on the page a panel goes: at the top (what a visitor must see first, the alerts) or in
/// the body, after the page's own data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posizione {
    Testa,
    Corpo,
}

/// The record a page is about: its row id and its key in URLs and links (a comune's ISTAT code,
/// a person's or organisation's public id).
#[derive(Debug, Clone, Copy)]
pub struct Soggetto<'a> {
    pub id: i64,
    pub chiave: &'a str,
}

/// A panel a domain offers to a page: `mostra` renders it for the user of `ctx` (HTML), or
/// `None` when it has nothing to show to them.
pub struct Pannello {
    pub dominio: &'static str,
    pub pagina: Pagina,
    pub posizione: Posizione,
    pub mostra: for<'a> fn(&'a Ctx, Soggetto<'a>) -> Fut<'a, Option<String>>,
}

/// A figure of the home page (how many comuni, how many subscribers, ...).
pub struct Cifra {
    pub dominio: &'static str,
    pub mostra: for<'a> fn(&'a Ctx) -> Fut<'a, Option<CifraVista>>,
}

/// A figure as the home page shows it.
#[derive(Debug, Clone)]
pub struct CifraVista {
    /// The `id` of its element (tests and the browser find it).
    pub id: &'static str,
    pub valore: String,
    pub etichetta: &'static str,
    pub href: Option<&'static str>,
}

/// What the application registers: every panel and figure, in the order pages show them.
/// (Each domain's list, in the order of the domains.)
pub struct Registro {
    pub pannelli: &'static [&'static [Pannello]],
    pub cifre: &'static [&'static [Cifra]],
    /// The kinds of record that can be linked: see [`crate::kit::collegamenti`].
    pub collegamenti: &'static [&'static [crate::kit::collegamenti::TipoCollegamento]],
}

/// The rendered panels of a page, by position.
#[derive(Debug, Default)]
pub struct PannelliPagina {
    pub testa: Vec<String>,
    pub corpo: Vec<String>,
}

/// Renders the panels registered for `pagina` about `soggetto`, in the registry's order.
pub async fn mostra(
    ctx: &Ctx,
    pagina: Pagina,
    soggetto: Soggetto<'_>,
) -> AppResult<PannelliPagina> {
    let mut out = PannelliPagina::default();
    for p in ctx
        .state
        .registro
        .pannelli
        .iter()
        .flat_map(|d| d.iter())
        .filter(|p| p.pagina == pagina)
    {
        if let Some(html) = (p.mostra)(ctx, soggetto).await? {
            match p.posizione {
                Posizione::Testa => out.testa.push(html),
                Posizione::Corpo => out.corpo.push(html),
            }
        }
    }
    Ok(out)
}

/// The figures of the home page that the user of `ctx` may see.
pub async fn cifre(ctx: &Ctx) -> AppResult<Vec<CifraVista>> {
    let mut out = Vec::new();
    for c in ctx.state.registro.cifre.iter().flat_map(|d| d.iter()) {
        if let Some(v) = (c.mostra)(ctx).await? {
            out.push(v);
        }
    }
    Ok(out)
}

/// A panel's template rendered to HTML (the panels' `mostra` end with it).
pub fn html(t: &impl Template) -> AppResult<Option<String>> {
    t.render()
        .map(Some)
        .map_err(|e| AppError::causa("pannello", e))
}
