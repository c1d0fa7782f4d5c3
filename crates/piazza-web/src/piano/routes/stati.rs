//! The catalogue of objective states.

use crate::kit::extract::Form;
use askama::Template;
use axum::response::Response;
use piazza_db::entities::stato_obiettivo;
use serde::Deserialize;

use super::{CRUMB, parse_percentuale};
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::Path;
use crate::kit::moduli::PIANO;
use crate::kit::view::{Chrome, Ctx, render, render_invalid, see_other};
use crate::piano::store::{self};

#[derive(Debug, Default, Deserialize)]
pub struct StatoForm {
    #[serde(default)]
    nome: String,
    #[serde(default)]
    progresso_predefinito: String,
    #[serde(default)]
    escluso_dal_calcolo: Option<String>,
}

#[derive(Template)]
#[template(path = "piano/stati.html")]
struct StatiPage {
    chrome: Chrome,
    stati: Vec<stato_obiettivo::Model>,
    errore: Option<String>,
}

async fn stati_page(ctx: &Ctx, errore: Option<String>) -> AppResult<StatiPage> {
    Ok(StatiPage {
        chrome: ctx.chrome(
            "Stati degli obiettivi",
            &[CRUMB, ("Stati degli obiettivi", "/piano/stati")],
        ),
        stati: store::stati(&ctx.state.db).await?,
        errore,
    })
}

pub async fn stati(ctx: Ctx) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    render(&stati_page(&ctx, None).await?)
}

fn validate_stato(f: &StatoForm) -> Result<store::StatoValido, String> {
    let nome = f.nome.trim();
    if nome.is_empty() {
        return Err("Indicare il nome dello stato.".into());
    }
    let progresso_predefinito = parse_percentuale(&f.progresso_predefinito)
        .map_err(|()| "L'avanzamento predefinito è un numero da 0 a 100, o vuoto.".to_owned())?;
    Ok(store::StatoValido {
        nome: nome.to_owned(),
        progresso_predefinito,
        escluso_dal_calcolo: f.escluso_dal_calcolo.is_some(),
    })
}

async fn salva_stato(ctx: &Ctx, codice: Option<&str>, f: &StatoForm) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let errore = match validate_stato(f) {
        Ok(v) => match store::salva_stato(&ctx.state.db, &ctx.actor(), codice, &v).await {
            Ok(()) => return Ok(see_other("/piano/stati")),
            Err(AppError::Conflict(m) | AppError::BadRequest(m)) => m,
            Err(e) => return Err(e),
        },
        Err(m) => m,
    };
    render_invalid(&stati_page(ctx, Some(errore)).await?)
}

pub async fn stato_aggiungi(ctx: Ctx, Form(f): Form<StatoForm>) -> AppResult<Response> {
    salva_stato(&ctx, None, &f).await
}

pub async fn stato_aggiorna(
    ctx: Ctx,
    Path(codice): Path<String>,
    Form(f): Form<StatoForm>,
) -> AppResult<Response> {
    salva_stato(&ctx, Some(&codice), &f).await
}
