//! The deadlines between two dates and their iCalendar feeds (the office's and a project's).

use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use serde::Deserialize;

use super::{CRUMB, schede, visibilita, visibilita_di};
use crate::auth::Principal;
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::{Path, Query};
use crate::kit::fmt;
use crate::kit::fmt::oggi as today;
use crate::kit::ical;
use crate::kit::view::{Chrome, Ctx, FormErrors, Opzione, Scheda, render};
use crate::progetti::store;

#[derive(Debug, Default, Deserialize)]
pub struct ScadenzeQuery {
    #[serde(default)]
    dal: String,
    #[serde(default)]
    al: String,
    /// One kind of deadline only (`Rendicontazione`, `Milestone`, ...).
    #[serde(default)]
    tipo: String,
}

/// The kinds of deadline, as `store::Scadenza::categoria` names them.
const CATEGORIE_SCADENZA: &[&str] = &[
    "Rendicontazione",
    "Milestone",
    "Deliverable",
    "Fine progetto",
    "Bando",
];

pub struct RigaScadenza {
    pub data: String,
    pub categoria: &'static str,
    pub titolo: String,
    pub url: String,
    pub fatta: bool,
    pub passata: bool,
}

#[derive(Template)]
#[template(path = "progetti/scadenze.html")]
struct ScadenzePage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    dal: String,
    al: String,
    righe: Vec<RigaScadenza>,
    feed: String,
    /// When the default window is empty: the nearest deadline and a window around it.
    vicina: Option<(String, String)>,
    tipi: Vec<Opzione>,
    /// The deadlines of next month (query string of this page).
    prossimo_mese: String,
}

/// The deadlines between two dates (by default the next 60 days) and the calendar feed to
/// subscribe to.
pub async fn scadenze(ctx: Ctx, Query(q): Query<ScadenzeQuery>) -> AppResult<Response> {
    let vis = visibilita(&ctx)?;
    let oggi = today();
    let mut e = FormErrors::default();
    let dal = e.date("dal", &q.dal).unwrap_or(oggi);
    let al = e
        .date("al", &q.al)
        .unwrap_or_else(|| dal.checked_add_days(chrono::Days::new(60)).unwrap_or(dal));
    if let Some(m) = e.0.values().next() {
        return Err(AppError::BadRequest(m.clone()));
    }
    let u = ctx.require_login()?;
    let token = store::token_calendario(&ctx.state.db, u.id).await?;
    let tipo = match q.tipo.trim() {
        "" => None,
        t => Some(
            *CATEGORIE_SCADENZA
                .iter()
                .find(|c| c.eq_ignore_ascii_case(t))
                .ok_or_else(|| {
                    AppError::BadRequest(format!("Tipo di scadenza «{t}» sconosciuto."))
                })?,
        ),
    };
    let mut righe = store::scadenze(&ctx.state.db, &vis, None, Some(dal), Some(al)).await?;
    righe.retain(|s| tipo.is_none_or(|t| s.categoria == t));
    // Next month, for the quick links.
    let primo = oggi.with_day(1).unwrap_or(oggi);
    let mese_dopo = primo
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(primo);
    let fine_mese_dopo = mese_dopo
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(mese_dopo);
    let prossimo_mese = format!(
        "/progetti/scadenze?dal={}&al={}",
        fmt::date(mese_dopo),
        fmt::date(fine_mese_dopo)
    );
    // Nothing in the default window: point to the nearest deadline there is.
    let vicina = if righe.is_empty() && q.dal.is_empty() && q.al.is_empty() {
        let tutte = store::scadenze(&ctx.state.db, &vis, None, None, None).await?;
        tutte
            .iter()
            .find(|s| s.data >= oggi)
            .or(tutte.last())
            .map(|s| s.data)
    } else {
        None
    };
    render(&ScadenzePage {
        tipi: CATEGORIE_SCADENZA
            .iter()
            .map(|c| Opzione {
                valore: (*c).into(),
                nome: (*c).into(),
                scelta: Some(*c) == tipo,
            })
            .collect(),
        prossimo_mese,
        vicina: vicina.map(|d| {
            let da = d.checked_sub_days(chrono::Days::new(30)).unwrap_or(d);
            let a = d.checked_add_days(chrono::Days::new(30)).unwrap_or(d);
            (
                fmt::date(d),
                format!(
                    "/progetti/scadenze?dal={}&al={}",
                    fmt::date(da),
                    fmt::date(a)
                ),
            )
        }),
        chrome: ctx.chrome("Scadenze", &[CRUMB, ("Scadenze", "/progetti/scadenze")]),
        schede: schede(&ctx, "/progetti/scadenze"),
        dal: fmt::date(dal),
        al: fmt::date(al),
        righe: righe
            .into_iter()
            .map(|s| RigaScadenza {
                data: fmt::date(s.data),
                categoria: s.categoria,
                url: s
                    .progetto
                    .map(|(id, _)| format!("/progetti/{id}"))
                    .unwrap_or_else(|| "/progetti/bandi".into()),
                titolo: s.titolo,
                fatta: s.fatta,
                passata: s.data < oggi,
            })
            .collect(),
        feed: format!(
            "{}/progetti/calendario.ics?token={token}",
            ctx.state
                .config
                .associazione
                .public_url
                .trim_end_matches('/')
        ),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// The user of a calendar request: the session, or the secret token of the feed URL.
async fn utente_calendario(ctx: &Ctx, q: &TokenQuery) -> AppResult<Principal> {
    if let Some(u) = &ctx.user {
        return Ok(u.clone());
    }
    let Some(token) = q.token.as_deref().filter(|t| !t.is_empty()) else {
        ctx.require_login()?;
        return Err(AppError::Forbidden);
    };
    let uid = store::utente_del_token(&ctx.state.db, token)
        .await?
        .ok_or(AppError::Forbidden)?;
    crate::auth::store::load_principal(&ctx.state.db, uid)
        .await?
        .ok_or(AppError::Forbidden)
}

fn ics(nome: &str, s: Vec<store::Scadenza>, base: &str) -> Response {
    let eventi: Vec<ical::Evento> = s
        .into_iter()
        .map(|x| ical::Evento {
            uid: x.uid,
            quando: ical::Quando::Giorno(x.data),
            luogo: None,
            descrizione: x
                .progetto
                .as_ref()
                .map(|(_, a)| format!("Progetto {a}"))
                .unwrap_or_default(),
            url: x.progetto.map(|(id, _)| format!("{base}/progetti/{id}")),
            titolo: x.titolo,
            categoria: x.categoria,
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        ical::calendario(nome, &eventi, chrono::Utc::now()),
    )
        .into_response()
}

/// Every deadline of the office (of the projects the user may see), as iCalendar.
pub async fn calendario_ics(ctx: Ctx, Query(q): Query<TokenQuery>) -> AppResult<Response> {
    let u = utente_calendario(&ctx, &q).await?;
    let vis = visibilita_di(&u).ok_or(AppError::Forbidden)?;
    let s = store::scadenze(&ctx.state.db, &vis, None, None, None).await?;
    let base = ctx
        .state
        .config
        .associazione
        .public_url
        .trim_end_matches('/')
        .to_owned();
    Ok(ics(
        &format!(
            "Scadenze progetti — {}",
            ctx.state.config.associazione.nome_associazione
        ),
        s,
        &base,
    ))
}

/// The deadlines of one project, as iCalendar.
pub async fn progetto_ics(
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<TokenQuery>,
) -> AppResult<Response> {
    let u = utente_calendario(&ctx, &q).await?;
    let vis = visibilita_di(&u).ok_or(AppError::Forbidden)?;
    let p = store::per_public_id(&ctx.state.db, &id).await?;
    if !store::visibile(&ctx.state.db, &p, &vis).await? {
        return Err(AppError::Forbidden);
    }
    let s = store::scadenze(&ctx.state.db, &vis, Some(&p), None, None).await?;
    let base = ctx
        .state
        .config
        .associazione
        .public_url
        .trim_end_matches('/')
        .to_owned();
    Ok(ics(&format!("Scadenze {}", p.acronimo), s, &base))
}
