//! The programme catalogue.

use askama::Template;
use axum::response::Response;
use piazza_db::entities::programma;
use serde::Deserialize;

use super::{CRUMB, opzioni, schede, testo};
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::Form;
use crate::kit::moduli::PROGETTI;
use crate::kit::text::non_empty;
use crate::kit::view::{
    Chrome, Ctx, FormErrors, Opzione, Scheda, render, render_invalid, see_other,
};
use crate::progetti::model;
use crate::progetti::store;

#[derive(Debug, Default, Deserialize)]
pub struct ProgrammaForm {
    #[serde(default)]
    codice: String,
    #[serde(default)]
    nome: String,
    #[serde(default)]
    tipo: String,
    #[serde(default)]
    fondo: String,
    #[serde(default)]
    rinnovo_regionale: Option<String>,
}

#[derive(Template)]
#[template(path = "progetti/programmi.html")]
struct ProgrammiPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    programmi: Vec<(programma::Model, &'static str, u64)>,
    tipi: Vec<Opzione>,
    puo_modificare: bool,
    f: ProgrammaForm,
    errors: FormErrors,
}

async fn programmi_page(
    ctx: &Ctx,
    f: ProgrammaForm,
    errors: FormErrors,
) -> AppResult<ProgrammiPage> {
    ctx.require_grant(PROGETTI)?;
    let db = &ctx.state.db;
    let conteggi = store::per_programma(db).await?;
    Ok(ProgrammiPage {
        chrome: ctx.chrome(
            "Programmi e fondi",
            &[CRUMB, ("Programmi", "/progetti/programmi")],
        ),
        schede: schede(ctx, "/progetti/programmi"),
        programmi: store::programmi(db)
            .await?
            .into_iter()
            .map(|g| {
                let n = conteggi.get(&g.id).copied().unwrap_or(0);
                let t = model::nome(model::TIPI, &g.tipo);
                (g, t, n)
            })
            .collect(),
        tipi: opzioni(model::TIPI, &f.tipo),
        puo_modificare: ctx.can_edit(PROGETTI, None),
        f,
        errors,
    })
}

pub async fn programmi(ctx: Ctx) -> AppResult<Response> {
    render(&programmi_page(&ctx, ProgrammaForm::default(), FormErrors::default()).await?)
}

pub async fn programma_aggiungi(ctx: Ctx, Form(f): Form<ProgrammaForm>) -> AppResult<Response> {
    ctx.require_edit(PROGETTI, None)?;
    let mut e = FormErrors::default();
    let codice = f.codice.trim().to_uppercase();
    if codice.is_empty() || codice.contains(char::is_whitespace) {
        e.add(
            "codice",
            "Indicare un codice breve senza spazi (es. LIFE-2127).",
        );
    }
    let nome = testo(&mut e, "nome", &f.nome, "Indicare il nome del programma.");
    let tipo = model::codice(model::TIPI, &f.tipo);
    if tipo.is_none() {
        e.add("tipo", "Scegliere il tipo.");
    }
    if !e.is_empty() {
        return render_invalid(&programmi_page(&ctx, f, e).await?);
    }
    match store::aggiungi_programma(
        &ctx.state.db,
        &ctx.actor(),
        &codice,
        &nome,
        tipo.unwrap_or_default(),
        non_empty(&f.fondo),
        f.rinnovo_regionale.is_some(),
    )
    .await
    {
        Ok(_) => Ok(see_other("/progetti/programmi")),
        Err(AppError::Conflict(m)) => {
            e.add("codice", m);
            render_invalid(&programmi_page(&ctx, f, e).await?)
        }
        Err(e) => Err(e),
    }
}
