//! The edit form of an objective.

use crate::kit::extract::Form;
use askama::Template;
use axum::response::Response;
use piazza_db::entities::{obiettivo, stato_obiettivo};
use serde::Deserialize;

use super::{CRUMB, parse_percentuale};
use crate::kit::error::AppResult;
use crate::kit::extract::Path;
use crate::kit::fmt;
use crate::kit::moduli::PIANO;
use crate::kit::text::non_empty;
use crate::kit::view::{Chrome, Ctx, FormErrors, render, render_invalid, see_other};
use crate::piano::store::{self, ModificaObiettivo};

#[derive(Debug, Default, Deserialize)]
pub struct ObiettivoForm {
    #[serde(default)]
    titolo: String,
    #[serde(default)]
    responsabile: String,
    #[serde(default)]
    settore: String,
    #[serde(default)]
    stato: String,
    #[serde(default)]
    fonte_progresso: String,
    #[serde(default)]
    progresso_manuale: String,
    #[serde(default)]
    peso: String,
    #[serde(default)]
    pubblico: Option<String>,
    #[serde(default)]
    scadenza: String,
    #[serde(default)]
    priorita: String,
    #[serde(default)]
    descrizione: String,
}

#[derive(Template)]
#[template(path = "piano/obiettivo_form.html")]
struct ObiettivoPage {
    chrome: Chrome,
    id: String,
    titolo: String,
    f: ObiettivoForm,
    stati: Vec<stato_obiettivo::Model>,
    staff: Vec<(String, String)>,
    settori: Vec<String>,
    errors: FormErrors,
}

const PRIORITA: [&str; 3] = ["alta", "media", "bassa"];

fn validate(
    f: &ObiettivoForm,
    stati: &[stato_obiettivo::Model],
    staff: &[(i64, String)],
) -> Result<ModificaObiettivo, FormErrors> {
    let mut e = FormErrors::default();
    let titolo = f.titolo.trim();
    if titolo.is_empty() {
        e.add("titolo", "Indicare il titolo dell'obiettivo.");
    }
    let responsabile_id = match f.responsabile.trim() {
        "" => None,
        v => {
            let id = v
                .parse::<i64>()
                .ok()
                .filter(|id| staff.iter().any(|(s, _)| s == id));
            if id.is_none() {
                e.add(
                    "responsabile",
                    "Scegliere il responsabile dall'elenco del personale.",
                );
            }
            id
        }
    };
    if !stati.iter().any(|s| s.codice == f.stato) {
        e.add("stato", "Scegliere uno stato.");
    }
    if crate::piano::model::FonteProgresso::parse(&f.fonte_progresso).is_none() {
        e.add("fonte_progresso", "Scegliere da dove viene l'avanzamento.");
    }
    let progresso_manuale = parse_percentuale(&f.progresso_manuale).unwrap_or_else(|()| {
        e.add("progresso_manuale", "Inserire un numero da 0 a 100.");
        None
    });
    if f.fonte_progresso == "manuale" && progresso_manuale.is_none() && !e.has("progresso_manuale")
    {
        e.add(
            "progresso_manuale",
            "Con l'avanzamento manuale indicare la percentuale.",
        );
    }
    let peso = match f.peso.trim().parse::<i32>() {
        Ok(n @ 0..=100) => n,
        _ => {
            e.add("peso", "Il peso è un numero intero da 0 a 100.");
            1
        }
    };
    let scadenza = e.date("scadenza", &f.scadenza);
    if !PRIORITA.contains(&f.priorita.as_str()) {
        e.add("priorita", "Scegliere la priorità.");
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(ModificaObiettivo {
        titolo: titolo.to_owned(),
        responsabile_id,
        settore: non_empty(&f.settore),
        stato: f.stato.clone(),
        fonte_progresso: f.fonte_progresso.clone(),
        progresso_manuale,
        peso,
        pubblico: f.pubblico.is_some(),
        scadenza,
        priorita: f.priorita.clone(),
        descrizione: non_empty(&f.descrizione),
    })
}

async fn page(
    ctx: &Ctx,
    o: &obiettivo::Model,
    f: ObiettivoForm,
    errors: FormErrors,
) -> AppResult<ObiettivoPage> {
    let anno = store::anno_dell_obiettivo(&ctx.state.db, o).await?;
    let path = format!("/piano/obiettivi/{}/modifica", o.public_id);
    Ok(ObiettivoPage {
        chrome: ctx.chrome(
            "Modifica obiettivo",
            &[
                CRUMB,
                (&format!("Piano {anno}"), &format!("/piano/{anno}")),
                ("Modifica obiettivo", &path),
            ],
        ),
        id: o.public_id.clone(),
        titolo: o.titolo.clone(),
        f,
        stati: store::stati(&ctx.state.db).await?,
        staff: crate::anagrafica::personale(&ctx.state)
            .await?
            .iter()
            .map(|p| (p.id.to_string(), p.nome_completo()))
            .collect(),
        settori: store::settori(&ctx.state.db).await?,
        errors,
    })
}

pub async fn obiettivo_form(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let o = store::obiettivo(&ctx.state.db, &id).await?;
    let f = ObiettivoForm {
        titolo: o.titolo.clone(),
        responsabile: o.responsabile_id.map(|i| i.to_string()).unwrap_or_default(),
        settore: o.settore.clone().unwrap_or_default(),
        stato: o.stato.clone(),
        fonte_progresso: o.fonte_progresso.clone(),
        progresso_manuale: o
            .progresso_manuale
            .map(|p| p.to_string())
            .unwrap_or_default(),
        peso: o.peso.to_string(),
        pubblico: o.pubblico.then(|| "si".to_owned()),
        scadenza: fmt::opt_date(o.scadenza),
        priorita: o.priorita.clone(),
        descrizione: o.descrizione.clone().unwrap_or_default(),
    };
    render(&page(&ctx, &o, f, FormErrors::default()).await?)
}

pub async fn obiettivo_aggiorna(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ObiettivoForm>,
) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let o = store::obiettivo(&ctx.state.db, &id).await?;
    let stati = store::stati(&ctx.state.db).await?;
    let staff: Vec<(i64, String)> = crate::anagrafica::personale(&ctx.state)
        .await?
        .iter()
        .map(|p| (p.id, p.nome_completo()))
        .collect();
    match validate(&f, &stati, &staff) {
        Ok(m) => {
            store::aggiorna_obiettivo(&ctx.state.db, &ctx.actor(), o, &m).await?;
            Ok(see_other(&format!("/piano/obiettivi/{id}")))
        }
        Err(errors) => render_invalid(&page(&ctx, &o, f, errors).await?),
    }
}
