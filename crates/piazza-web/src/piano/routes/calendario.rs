//! The political calendar.

use crate::kit::extract::Form;
use askama::Template;
use axum::response::Response;
use piazza_db::entities::evento_calendario;
use serde::Deserialize;

use super::CRUMB;
use crate::kit::error::AppResult;
use crate::kit::extract::Path;
use crate::kit::fmt;
use crate::kit::moduli::PIANO;
use crate::kit::text::non_empty;
use crate::kit::view::{Chrome, Ctx, FormErrors, render, render_invalid, see_other};
use crate::piano::store::{self, NuovoEvento};

#[derive(Debug, Default, Deserialize)]
pub struct EventoForm {
    #[serde(default)]
    data: String,
    #[serde(default)]
    tipo: String,
    #[serde(default)]
    titolo: String,
    #[serde(default)]
    descrizione: String,
}

struct EventoRiga {
    e: evento_calendario::Model,
    tipo_nome: &'static str,
    data: String,
    finestra: Option<String>,
}

#[derive(Template)]
#[template(path = "piano/calendario.html")]
struct CalendarioPage {
    chrome: Chrome,
    eventi: Vec<EventoRiga>,
    tipi: &'static [(&'static str, &'static str)],
    mesi_prima: u32,
    mesi_dopo: u32,
    puo_modificare: bool,
    f: EventoForm,
    errors: FormErrors,
}

async fn calendario_page(
    ctx: &Ctx,
    f: EventoForm,
    errors: FormErrors,
) -> AppResult<CalendarioPage> {
    let rischio = store::rischio_legislatura(&ctx.state.db, &ctx.state.config).await?;
    let eventi = store::eventi(&ctx.state.db)
        .await?
        .into_iter()
        .map(|e| EventoRiga {
            tipo_nome: store::tipo_evento_nome(&e.tipo),
            data: fmt::date(e.data),
            finestra: (e.tipo == "fine_legislatura")
                .then(|| {
                    rischio
                        .finestre
                        .iter()
                        .find(|w| w.fine_legislatura == e.data)
                        .map(|w| format!("dal {} al {}", fmt::date(w.dal), fmt::date(w.al)))
                })
                .flatten(),
            e,
        })
        .collect();
    Ok(CalendarioPage {
        chrome: ctx.chrome(
            "Calendario politico",
            &[CRUMB, ("Calendario politico", "/piano/calendario")],
        ),
        eventi,
        tipi: store::TIPI_EVENTO,
        mesi_prima: ctx.state.config.piano.rischio_legislatura_mesi_prima,
        mesi_dopo: ctx.state.config.piano.rischio_legislatura_mesi_dopo,
        puo_modificare: ctx.can_edit(PIANO, None),
        f,
        errors,
    })
}

pub async fn calendario(ctx: Ctx) -> AppResult<Response> {
    ctx.require_read(PIANO)?;
    render(&calendario_page(&ctx, EventoForm::default(), FormErrors::default()).await?)
}

pub async fn evento_aggiungi(ctx: Ctx, Form(f): Form<EventoForm>) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let mut e = FormErrors::default();
    let data = e.date("data", &f.data);
    if data.is_none() && !e.has("data") {
        e.add("data", "Indicare la data dell'evento.");
    }
    if !store::TIPI_EVENTO.iter().any(|(k, _)| *k == f.tipo) {
        e.add("tipo", "Scegliere il tipo di evento.");
    }
    if f.titolo.trim().is_empty() {
        e.add("titolo", "Indicare l'evento.");
    }
    if let (Some(data), true) = (data, e.is_empty()) {
        let n = NuovoEvento {
            data,
            tipo: f.tipo.clone(),
            titolo: f.titolo.trim().to_owned(),
            descrizione: non_empty(&f.descrizione),
        };
        store::aggiungi_evento(&ctx.state.db, &ctx.actor(), &n).await?;
        return Ok(see_other("/piano/calendario"));
    }
    render_invalid(&calendario_page(&ctx, f, e).await?)
}

pub async fn evento_elimina(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    store::elimina_evento(&ctx.state.db, &ctx.actor(), id).await?;
    Ok(see_other("/piano/calendario"))
}
