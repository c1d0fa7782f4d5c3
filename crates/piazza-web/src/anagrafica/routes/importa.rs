//! The import of the Ministry of the Interior's register (DAIT) from the browser.

use crate::kit::extract::Multipart;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::CRUMB;
use crate::anagrafica::dait;
use crate::anagrafica::store::{self, ImportSummary};
use crate::kit::error::{AppError, AppResult};
use crate::kit::moduli::ANAGRAFICA;
use crate::kit::view::{Chrome, Ctx, render, render_invalid};

#[derive(Template)]
#[template(path = "anagrafica/importa.html")]
struct ImportPage {
    chrome: Chrome,
    errori: Vec<String>,
    esito: Option<ImportSummary>,
}

pub async fn importa_form(ctx: Ctx) -> AppResult<Response> {
    ctx.require_edit(ANAGRAFICA, None)?;
    render(&ImportPage {
        chrome: ctx.chrome(
            "Importa amministratori",
            &[
                CRUMB,
                ("Amministratori", "/amministratori"),
                ("Importa", "/amministratori/importa"),
            ],
        ),
        errori: Vec::new(),
        esito: None,
    })
}

/// Largest register file accepted by the upload (the national file is about 27 MB).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

pub async fn importa(ctx: Ctx, multipart: Multipart) -> AppResult<Response> {
    ctx.require_edit(ANAGRAFICA, None)?;
    let bytes = crate::kit::view::campi_multipart(multipart, MAX_UPLOAD)
        .await?
        .remove("file");
    let chrome = ctx.chrome(
        "Importa amministratori",
        &[
            CRUMB,
            ("Amministratori", "/amministratori"),
            ("Importa", "/amministratori/importa"),
        ],
    );
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return render_invalid(&ImportPage {
            chrome,
            errori: vec!["Scegliere un file CSV da importare.".into()],
            esito: None,
        });
    };
    let t = ctx.state.territorio.get();
    let (db, actor, config) = (ctx.state.db.clone(), ctx.actor(), ctx.state.config.clone());
    // The national file (~116,000 rows) takes a while: in the background, with its progress.
    let elaborazioni = ctx.state.elaborazioni.clone();
    elaborazioni
        .avvia(
            &ctx,
            "Importazione degli amministratori",
            "/amministratori/importa",
            move |av| async move {
                av.fase("Lettura del file", 0);
                // Tens of MB of CSV: read on the blocking pool, not on the request workers.
                let letto = tokio::task::spawn_blocking(move || dait::parse(&bytes, &t))
                    .await
                    .map_err(|e| AppError::causa("lettura del registro interrotta", e))?;
                av.controlla()?;
                let (status, pagina) = match letto {
                    Err(e) => (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        ImportPage {
                            chrome,
                            errori: e.0,
                            esito: None,
                        },
                    ),
                    Ok(parsed) => {
                        let s = store::importa_dait_con(&db, &actor, &parsed, &config, &av).await?;
                        (
                            StatusCode::OK,
                            ImportPage {
                                chrome,
                                errori: Vec::new(),
                                esito: Some(s),
                            },
                        )
                    }
                };
                Ok((status, pagina.render()?))
            },
        )
        .await
}
