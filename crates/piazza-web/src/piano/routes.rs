use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use piazza_db::entities::{piano, stato_obiettivo};
use sea_orm::{EntityTrait, QueryOrder};
use serde::Deserialize;

use super::store::{self, ModificaObiettivo, PianoVista};
use crate::error::{AppError, AppResult};
use crate::fmt;
use crate::moduli::PIANO;
use crate::view::{Chrome, Ctx, FormErrors, render, render_invalid, see_other};

#[derive(Template)]
#[template(path = "piano/elenco.html")]
struct ElencoPage {
    chrome: Chrome,
    piani: Vec<piano::Model>,
}

/// The plans, most recent first; with one plan, straight to it.
pub async fn elenco(ctx: Ctx) -> AppResult<Response> {
    ctx.require_read(PIANO)?;
    let piani = piano::Entity::find()
        .order_by_desc(piano::Column::Anno)
        .all(&ctx.state.db)
        .await?;
    if piani.len() == 1 {
        return Ok(see_other(&format!("/piano/{}", piani[0].anno)));
    }
    render(&ElencoPage {
        chrome: ctx.chrome("Piano", &[("Piano", "/piano")]),
        piani,
    })
}

#[derive(Template)]
#[template(path = "piano/piano.html")]
struct PianoPage {
    chrome: Chrome,
    v: PianoVista,
    interno: bool,
    puo_modificare: bool,
}

/// The plan of a year: public objectives for everyone (the accountability page), all of them for
/// staff with a grant on the module.
pub async fn piano(ctx: Ctx, Path(anno): Path<i32>) -> AppResult<Response> {
    ctx.require_read(PIANO)?;
    let interno = ctx.user.as_ref().is_some_and(|u| u.has_grant(PIANO));
    let v = store::vista(&ctx.state.db, anno, !interno)
        .await?
        .ok_or(AppError::NotFound)?;
    let titolo = format!("Piano {anno}");
    render(&PianoPage {
        chrome: ctx.chrome(
            titolo.clone(),
            &[("Piano", "/piano"), (&titolo, &format!("/piano/{anno}"))],
        ),
        puo_modificare: ctx.can_edit(PIANO, None),
        interno,
        v,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct ObiettivoForm {
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
    anno: i32,
    f: ObiettivoForm,
    stati: Vec<stato_obiettivo::Model>,
    errors: FormErrors,
}

const PRIORITA: [&str; 3] = ["alta", "media", "bassa"];

fn validate(
    f: &ObiettivoForm,
    stati: &[stato_obiettivo::Model],
) -> Result<ModificaObiettivo, FormErrors> {
    let mut e = FormErrors::default();
    if !stati.iter().any(|s| s.codice == f.stato) {
        e.add("stato", "Scegliere uno stato.");
    }
    if super::model::FonteProgresso::parse(&f.fonte_progresso).is_none() {
        e.add("fonte_progresso", "Scegliere da dove viene l'avanzamento.");
    }
    let progresso_manuale = match f.progresso_manuale.trim().trim_end_matches('%') {
        "" => None,
        v => match v.parse::<i32>() {
            Ok(n @ 0..=100) => Some(n),
            _ => {
                e.add("progresso_manuale", "Inserire un numero da 0 a 100.");
                None
            }
        },
    };
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
    let scadenza = match f.scadenza.trim() {
        "" => None,
        s => {
            let d = fmt::parse_date(s);
            if d.is_none() {
                e.add("scadenza", "Data non valida: usare il formato gg/mm/aaaa.");
            }
            d
        }
    };
    if !PRIORITA.contains(&f.priorita.as_str()) {
        e.add("priorita", "Scegliere la priorità.");
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(ModificaObiettivo {
        stato: f.stato.clone(),
        fonte_progresso: f.fonte_progresso.clone(),
        progresso_manuale,
        peso,
        pubblico: f.pubblico.is_some(),
        scadenza,
        priorita: f.priorita.clone(),
        descrizione: crate::text::non_empty(&f.descrizione),
    })
}

async fn page(
    ctx: &Ctx,
    o: &piazza_db::entities::obiettivo::Model,
    f: ObiettivoForm,
    errors: FormErrors,
) -> AppResult<ObiettivoPage> {
    let anno = store::anno_dell_obiettivo(&ctx.state.db, o).await?;
    let path = format!("/piano/obiettivi/{}/modifica", o.public_id);
    Ok(ObiettivoPage {
        chrome: ctx.chrome(
            "Modifica obiettivo",
            &[
                ("Piano", "/piano"),
                (&format!("Piano {anno}"), &format!("/piano/{anno}")),
                ("Modifica obiettivo", &path),
            ],
        ),
        id: o.public_id.clone(),
        titolo: o.titolo.clone(),
        anno,
        f,
        stati: store::stati(&ctx.state.db).await?,
        errors,
    })
}

pub async fn obiettivo_form(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let o = store::obiettivo(&ctx.state.db, &id).await?;
    let f = ObiettivoForm {
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
    match validate(&f, &stati) {
        Ok(m) => {
            let anno = store::anno_dell_obiettivo(&ctx.state.db, &o).await?;
            store::aggiorna_obiettivo(&ctx.state.db, &ctx.actor(), o, &m).await?;
            Ok(see_other(&format!("/piano/{anno}")))
        }
        Err(errors) => render_invalid(&page(&ctx, &o, f, errors).await?),
    }
}

/// The plan as the page shows it, for the open-data downloads.
async fn vista_per(ctx: &Ctx, anno: i32) -> AppResult<PianoVista> {
    ctx.require_read(PIANO)?;
    let interno = ctx.user.as_ref().is_some_and(|u| u.has_grant(PIANO));
    store::vista(&ctx.state.db, anno, !interno)
        .await?
        .ok_or(AppError::NotFound)
}

/// Columns of the CSV download (documented on the plan page).
pub const COLONNE_CSV: &[&str] = &[
    "Area",
    "Avanzamento area (%)",
    "Numero obiettivo",
    "Obiettivo",
    "Stato",
    "Avanzamento obiettivo (%)",
    "Peso",
    "Scadenza",
];

pub async fn piano_csv(ctx: Ctx, Path(anno): Path<i32>) -> AppResult<Response> {
    use crate::export::{Cell, Table};
    let v = vista_per(&ctx, anno).await?;
    let mut t = Table::new(COLONNE_CSV);
    let round = |p: Option<f64>| {
        p.map(|p| Cell::Int(p.round() as i64))
            .unwrap_or(Cell::Empty)
    };
    for a in &v.aree {
        for o in &a.obiettivi {
            t.rows.push(vec![
                a.a.titolo.as_str().into(),
                round(a.roll_up.progresso),
                Cell::Int(i64::from(o.o.ordine)),
                o.o.titolo.as_str().into(),
                o.stato_nome.as_str().into(),
                round(o.progresso),
                Cell::Int(i64::from(o.o.peso)),
                o.o.scadenza.into(),
            ]);
        }
    }
    Ok(crate::export::csv_response(
        &t,
        &format!("piano-{anno}.csv"),
    ))
}

pub async fn piano_json(ctx: Ctx, Path(anno): Path<i32>) -> AppResult<Response> {
    use axum::response::IntoResponse;
    let v = vista_per(&ctx, anno).await?;
    let round = |p: Option<f64>| p.map(|p| p.round() as i64);
    let body = serde_json::json!({
        "anno": v.p.anno,
        "titolo": v.p.titolo,
        "stato": v.p.stato,
        "avanzamento": round(v.roll_up.progresso),
        "obiettivi_conteggiati": v.roll_up.conteggiati,
        "obiettivi_senza_dato": v.roll_up.senza_dato,
        "aree": v.aree.iter().map(|a| serde_json::json!({
            "numero": a.a.ordine,
            "titolo": a.a.titolo,
            "avanzamento": round(a.roll_up.progresso),
            "obiettivi": a.obiettivi.iter().map(|o| serde_json::json!({
                "numero": o.o.ordine,
                "titolo": o.o.titolo,
                "stato": o.o.stato,
                "stato_nome": o.stato_nome,
                "avanzamento": round(o.progresso),
                "peso": o.o.peso,
                "scadenza": o.o.scadenza,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    Ok(axum::Json(body).into_response())
}
