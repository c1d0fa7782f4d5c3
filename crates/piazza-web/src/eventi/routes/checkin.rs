//! The door: a page for a phone (camera, typed code, USB scanners, search by name; scans made
//! offline are queued by the page and sent with their nonce) and its JSON endpoints. The
//! module's viewers are the check-in staff: they see this page, not the participants' list.

use askama::Template;
use axum::response::Response;
use chrono::Utc;
use piazza_db::lavoro::Lavoro;
use serde::Deserialize;
use serde_json::{Value, json};

use super::CRUMB;
use crate::eventi::store;
use crate::kit::error::{ApiErrore, AppError, AppResult};
use crate::kit::extract::{Corpo, Path, Query};
use crate::kit::moduli::EVENTI;
use crate::kit::view::{Chrome, Ctx, render};
use crate::registrazioni::model::stato;
use crate::registrazioni::store::{self as reg, Scansione};

#[derive(Template)]
#[template(path = "eventi/checkin.html")]
struct CheckinPage {
    chrome: Chrome,
    id: String,
    titolo: String,
    presenti: i64,
    confermati: i64,
}

pub async fn checkin_page(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    ctx.require_grant(EVENTI)?;
    let s = store::scheda(&ctx.state.db, &id).await?;
    let c = reg::conteggi(&ctx.state.db, s.o.id).await?;
    render(&CheckinPage {
        chrome: ctx.chrome(
            "Accoglienza",
            &[
                CRUMB,
                (&s.e.titolo, &format!("/eventi/{id}")),
                ("Accoglienza", ""),
            ],
        ),
        id,
        titolo: s.e.titolo,
        presenti: c.presenti,
        confermati: c.confermate,
    })
}

/// A scan: `{"codice", "nonce", "verso", "at"}` → the outcome and the count of people inside.
pub async fn checkin_scansione(
    ctx: Ctx,
    Path(id): Path<String>,
    Corpo(corpo): Corpo,
) -> Result<axum::Json<Value>, ApiErrore> {
    ctx.require_grant(EVENTI)?;
    // Read after the permission check: a stranger learns nothing from the body's errors.
    let s: Scansione = serde_json::from_slice(&corpo).map_err(|_| {
        AppError::BadRequest("Lettura non valida: serve un JSON con codice, nonce e verso.".into())
    })?;
    if s.nonce.trim().is_empty() || s.nonce.len() > 64 || s.codice.len() > 64 {
        return Err(AppError::BadRequest(
            "Lettura non valida: manca il nonce o il codice è troppo lungo.".into(),
        )
        .into());
    }
    if !matches!(s.verso.as_str(), "entrata" | "uscita") {
        return Err(AppError::BadRequest("Verso non valido: «entrata» o «uscita».".into()).into());
    }
    let ev = store::scheda(&ctx.state.db, &id).await?;
    let uow = Lavoro::apri(&ctx.state.db, &ctx.actor())
        .await
        .map_err(AppError::from)?;
    let (esito, r) = reg::scansiona(&uow, ev.o.id, &s, Utc::now())
        .await
        .map_err(AppError::from)?;
    let presenti = reg::presenti(&uow, ev.o.id).await.map_err(AppError::from)?;
    uow.conferma().await.map_err(AppError::from)?;
    let mut v = json!({
        "esito": esito.codice(),
        "messaggio": esito.messaggio(),
        "presenti": presenti,
    });
    // Other events' tickets name nobody here.
    if let Some(r) = r.filter(|r| r.offerta_id == ev.o.id) {
        v["nome"] = json!(format!("{} {}", r.nome, r.cognome));
    }
    Ok(axum::Json(v))
}

#[derive(Debug, Default, Deserialize)]
pub struct Cerca {
    #[serde(default)]
    q: String,
}

/// People of this event matching a name, an e-mail or the start of a code.
pub async fn checkin_cerca(
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<Cerca>,
) -> Result<axum::Json<Value>, ApiErrore> {
    ctx.require_grant(EVENTI)?;
    let ev = store::scheda(&ctx.state.db, &id).await?;
    let v: Vec<Value> = reg::cerca(&ctx.state.db, ev.o.id, &q.q)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|r| json!({"codice": r.codice, "nome": format!("{} {}", r.nome, r.cognome), "stato": stato::nome(&r.stato)}))
        .collect();
    Ok(axum::Json(Value::Array(v)))
}
