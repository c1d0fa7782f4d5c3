//! The import of a projects list (XLSX, ODS, CSV).

use askama::Template;
use axum::response::Response;

use super::{CRUMB, MAX_UPLOAD, schede};
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::Multipart;
use crate::kit::moduli::PROGETTI;
use crate::kit::view::{Chrome, Ctx, Scheda, render, render_invalid};
use crate::progetti::import;
use crate::progetti::store;

#[derive(Template)]
#[template(path = "progetti/importa.html")]
struct ImportaPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    colonne: &'static [&'static str],
    errori: Vec<String>,
    esito: Option<store::EsitoImport>,
}

fn importa_chrome(ctx: &Ctx) -> Chrome {
    ctx.chrome(
        "Importa progetti",
        &[CRUMB, ("Importa", "/progetti/importa")],
    )
}

pub async fn importa_form(ctx: Ctx) -> AppResult<Response> {
    ctx.require_edit(PROGETTI, None)?;
    render(&ImportaPage {
        chrome: importa_chrome(&ctx),
        schede: schede(&ctx, ""),
        colonne: import::COLONNE,
        errori: Vec::new(),
        esito: None,
    })
}

pub async fn importa(ctx: Ctx, multipart: Multipart) -> AppResult<Response> {
    ctx.require_edit(PROGETTI, None)?;
    let bytes = crate::kit::view::campi_multipart(multipart, MAX_UPLOAD)
        .await?
        .remove("file");
    let errore = |errori: Vec<String>| ImportaPage {
        chrome: importa_chrome(&ctx),
        schede: schede(&ctx, ""),
        colonne: import::COLONNE,
        errori,
        esito: None,
    };
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return render_invalid(&errore(vec![
            "Scegliere un file CSV, Excel (XLSX) o OpenDocument (ODS) da importare.".into(),
        ]));
    };
    // A spreadsheet is CPU work, and a hostile one is bounded by piazza-office's limits: read
    // it on the blocking pool, never on the workers that serve requests and deliver alerts.
    let letto = tokio::task::spawn_blocking(move || import::leggi(&bytes))
        .await
        .map_err(|e| AppError::causa("lettura del foglio interrotta", e))?;
    let foglio = match letto {
        Ok(f) => f,
        Err(m) => return render_invalid(&errore(vec![m])),
    };
    let db = &ctx.state.db;
    let programmi = store::programmi(db).await?;
    let persone = crate::anagrafica::personale(&ctx.state).await?;
    let t = ctx.state.territorio.get();
    let rif = import::Riferimenti {
        programmi: &programmi,
        persone: &persone,
        territorio: &t,
    };
    let righe = match import::valida(&foglio, &rif) {
        Ok(r) => r,
        Err(errori) => return render_invalid(&errore(errori)),
    };
    match store::importa(db, &ctx.actor(), &righe).await {
        Ok(esito) => render(&ImportaPage {
            chrome: importa_chrome(&ctx),
            schede: schede(&ctx, ""),
            colonne: import::COLONNE,
            errori: Vec::new(),
            esito: Some(esito),
        }),
        Err(AppError::Conflict(m) | AppError::BadRequest(m)) => render_invalid(&errore(vec![m])),
        Err(e) => Err(e),
    }
}
