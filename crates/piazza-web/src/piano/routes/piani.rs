//! The plans: the list, the plan of a year, its own fields, a new objective in an area.

use crate::kit::extract::Form;
use askama::Template;
use axum::response::Response;
use piazza_db::entities::piano;
use sea_orm::{EntityTrait, QueryOrder};
use serde::Deserialize;

use super::{CRUMB, interno, vista};
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::Path;
use crate::kit::fmt;
use crate::kit::moduli::PIANO;
use crate::kit::text::non_empty;
use crate::kit::view::{Chrome, Ctx, FormErrors, render, render_invalid, see_other};
use crate::piano::store::{self, ModificaPiano, PianoVista};

#[derive(Template)]
#[template(path = "piano/elenco.html")]
struct ElencoPage {
    chrome: Chrome,
    piani: Vec<piano::Model>,
    puo_modificare: bool,
}

/// The plans, most recent first; with one plan and nothing to do but read it, straight to it.
pub async fn elenco(ctx: Ctx) -> AppResult<Response> {
    ctx.require_read(PIANO)?;
    let piani = piano::Entity::find()
        .order_by_desc(piano::Column::Anno)
        .all(&ctx.state.db)
        .await?;
    let puo_modificare = ctx.can_edit(PIANO, None);
    if piani.len() == 1 && !puo_modificare {
        return Ok(see_other(&format!("/piano/{}", piani[0].anno)));
    }
    render(&ElencoPage {
        chrome: ctx.chrome("Piano", &[CRUMB]),
        piani,
        puo_modificare,
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
    let v = vista(&ctx, anno).await?;
    let titolo = format!("Piano {anno}");
    render(&PianoPage {
        chrome: ctx.chrome(
            titolo.clone(),
            &[CRUMB, (&titolo, &format!("/piano/{anno}"))],
        ),
        puo_modificare: ctx.can_edit(PIANO, None),
        interno: interno(&ctx),
        v,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NuovoObiettivoForm {
    #[serde(default)]
    titolo: String,
}

/// Adds an objective to an area, then opens its form for the rest.
pub async fn obiettivo_aggiungi(
    ctx: Ctx,
    Path((anno, area)): Path<(i32, i64)>,
    Form(f): Form<NuovoObiettivoForm>,
) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let titolo = f.titolo.trim();
    if titolo.is_empty() {
        return Err(AppError::BadRequest(
            "Indicare il titolo del nuovo obiettivo.".into(),
        ));
    }
    let o = store::aggiungi_obiettivo(&ctx.state.db, &ctx.actor(), anno, area, titolo).await?;
    Ok(see_other(&format!(
        "/piano/obiettivi/{}/modifica",
        o.public_id
    )))
}

// ---- the plan's own fields ----

#[derive(Debug, Default, Deserialize)]
pub struct PianoForm {
    #[serde(default)]
    titolo: String,
    #[serde(default)]
    stato: String,
    #[serde(default)]
    data_approvazione: String,
    #[serde(default)]
    organo_approvazione: String,
}

#[derive(Template)]
#[template(path = "piano/piano_form.html")]
struct PianoFormPage {
    chrome: Chrome,
    anno: i32,
    f: PianoForm,
    errors: FormErrors,
}

fn validate_piano(f: &PianoForm) -> Result<ModificaPiano, FormErrors> {
    let mut e = FormErrors::default();
    if f.titolo.trim().is_empty() {
        e.add("titolo", "Indicare il titolo del piano.");
    }
    if !["bozza", "approvato"].contains(&f.stato.as_str()) {
        e.add("stato", "Scegliere lo stato del piano.");
    }
    let data = e.date("data_approvazione", &f.data_approvazione);
    let organo = non_empty(&f.organo_approvazione);
    if f.stato == "approvato" {
        if data.is_none() && !e.has("data_approvazione") {
            e.add(
                "data_approvazione",
                "Un piano approvato ha la data di approvazione.",
            );
        }
        if organo.is_none() {
            e.add(
                "organo_approvazione",
                "Indicare l'organo che ha approvato il piano.",
            );
        }
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(ModificaPiano {
        titolo: f.titolo.trim().to_owned(),
        stato: f.stato.clone(),
        data_approvazione: data,
        organo_approvazione: organo,
    })
}

fn piano_form_page(ctx: &Ctx, anno: i32, f: PianoForm, errors: FormErrors) -> PianoFormPage {
    let titolo = format!("Piano {anno}");
    PianoFormPage {
        chrome: ctx.chrome(
            "Modifica piano",
            &[
                CRUMB,
                (&titolo, &format!("/piano/{anno}")),
                ("Modifica", &format!("/piano/{anno}/modifica")),
            ],
        ),
        anno,
        f,
        errors,
    }
}

async fn piano_o_404(ctx: &Ctx, anno: i32) -> AppResult<piano::Model> {
    store::piano_dell_anno(&ctx.state.db, anno)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn piano_form(ctx: Ctx, Path(anno): Path<i32>) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let p = piano_o_404(&ctx, anno).await?;
    let f = PianoForm {
        titolo: p.titolo,
        stato: p.stato,
        data_approvazione: fmt::opt_date(p.data_approvazione),
        organo_approvazione: p.organo_approvazione.unwrap_or_default(),
    };
    render(&piano_form_page(&ctx, anno, f, FormErrors::default()))
}

pub async fn piano_aggiorna(
    ctx: Ctx,
    Path(anno): Path<i32>,
    Form(f): Form<PianoForm>,
) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let p = piano_o_404(&ctx, anno).await?;
    match validate_piano(&f) {
        Ok(m) => {
            store::aggiorna_piano(&ctx.state.db, &ctx.actor(), p, &m).await?;
            Ok(see_other(&format!("/piano/{anno}")))
        }
        Err(errors) => render_invalid(&piano_form_page(&ctx, anno, f, errors)),
    }
}
