//! Calls and proposals, with the success rate.

use std::collections::HashMap;

use askama::Template;
use axum::response::Response;
use piazza_db::entities::{bando, progetto};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;

use super::{CRUMB, obbligatoria, opzioni, opzioni_programmi, schede, testo};
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::{Form, Path};
use crate::kit::fmt;
use crate::kit::fmt::oggi as today;
use crate::kit::moduli::PROGETTI;
use crate::kit::text::non_empty;
use crate::kit::view::{
    Chrome, Ctx, FormErrors, Opzione, Scheda, render, render_invalid, see_other,
};
use crate::progetti::model;
use crate::progetti::store;

pub struct VoceBando {
    pub id: i64,
    pub titolo: String,
    pub programma: String,
    pub riferimento: String,
    pub scadenza: String,
    pub url: String,
    pub aperto: bool,
    pub proposte: Vec<VoceProposta>,
}

pub struct VoceProposta {
    pub id: i64,
    /// The project made from it, if any (public id).
    pub progetto: Option<String>,
    pub titolo: String,
    pub ruolo: &'static str,
    pub budget: String,
    pub esito: &'static str,
    pub esito_codice: String,
}

pub struct RigaSuccesso {
    pub programma: String,
    pub anno: i32,
    pub approvate: u32,
    pub respinte: u32,
    pub aperte: u32,
    pub tasso: String,
}

#[derive(Template)]
#[template(path = "progetti/bandi.html")]
struct BandiPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    bandi: Vec<VoceBando>,
    successo: Vec<RigaSuccesso>,
    programmi: Vec<Opzione>,
    esiti: Vec<Opzione>,
    ruoli: Vec<Opzione>,
    puo_modificare: bool,
    f: BandoForm,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
pub struct BandoForm {
    #[serde(default)]
    programma: String,
    #[serde(default)]
    titolo: String,
    #[serde(default)]
    riferimento: String,
    #[serde(default)]
    scadenza: String,
    #[serde(default)]
    url: String,
}

async fn bandi_page(ctx: &Ctx, f: BandoForm, errors: FormErrors) -> AppResult<BandiPage> {
    ctx.require_grant(PROGETTI)?;
    let db = &ctx.state.db;
    let programmi = store::programmi(db).await?;
    let nomi: HashMap<i64, String> = programmi.iter().map(|g| (g.id, g.nome.clone())).collect();
    let oggi = today();
    let bandi = store::bandi(db).await?;
    let ids: Vec<i64> = bandi
        .iter()
        .flat_map(|(_, ps)| ps.iter().filter_map(|p| p.progetto_id))
        .collect();
    let progetti: HashMap<i64, String> = progetto::Entity::find()
        .filter(progetto::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.public_id))
        .collect();
    Ok(BandiPage {
        chrome: ctx.chrome(
            "Bandi e proposte",
            &[CRUMB, ("Bandi e proposte", "/progetti/bandi")],
        ),
        schede: schede(ctx, "/progetti/bandi"),
        bandi: bandi
            .into_iter()
            .map(|(b, ps): (bando::Model, _)| VoceBando {
                id: b.id,
                programma: nomi.get(&b.programma_id).cloned().unwrap_or_default(),
                riferimento: b.riferimento.unwrap_or_default(),
                scadenza: fmt::date(b.scadenza),
                url: b.url.unwrap_or_default(),
                aperto: b.scadenza >= oggi,
                titolo: b.titolo,
                proposte: ps
                    .into_iter()
                    .map(|p: piazza_db::entities::proposta::Model| VoceProposta {
                        id: p.id,
                        progetto: p.progetto_id.and_then(|id| progetti.get(&id).cloned()),
                        ruolo: model::nome(model::RUOLI, &p.ruolo),
                        budget: fmt::euro(p.budget),
                        esito: model::nome(model::ESITI, &p.esito),
                        esito_codice: p.esito,
                        titolo: p.titolo,
                    })
                    .collect(),
            })
            .collect(),
        successo: store::successo(db)
            .await?
            .into_iter()
            .map(|((programma, anno), s)| RigaSuccesso {
                programma,
                anno,
                approvate: s.approvate,
                respinte: s.respinte,
                aperte: s.aperte,
                tasso: s
                    .tasso()
                    .map(|t| format!("{} %", fmt::decimal(t, 0)))
                    .unwrap_or_else(|| "—".into()),
            })
            .collect(),
        programmi: opzioni_programmi(&programmi, &f.programma),
        esiti: opzioni(model::ESITI, "in_preparazione"),
        ruoli: opzioni(model::RUOLI, "partner"),
        puo_modificare: ctx.can_edit(PROGETTI, None),
        f,
        errors,
    })
}

pub async fn bandi(ctx: Ctx) -> AppResult<Response> {
    render(&bandi_page(&ctx, BandoForm::default(), FormErrors::default()).await?)
}

pub async fn bando_aggiungi(ctx: Ctx, Form(f): Form<BandoForm>) -> AppResult<Response> {
    ctx.require_edit(PROGETTI, None)?;
    let db = &ctx.state.db;
    let mut e = FormErrors::default();
    let programmi: Vec<i64> = store::programmi(db).await?.iter().map(|g| g.id).collect();
    let programma_id = f
        .programma
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| programmi.contains(id));
    if programma_id.is_none() {
        e.add("programma", "Scegliere il programma del bando.");
    }
    let titolo = testo(&mut e, "titolo", &f.titolo, "Indicare il titolo del bando.");
    let scadenza = obbligatoria(&mut e, "scadenza", &f.scadenza);
    let url = non_empty(&f.url);
    if url
        .as_deref()
        .is_some_and(|u| !u.starts_with("https://") && !u.starts_with("http://"))
    {
        e.add("url", "Il collegamento deve iniziare con https://.");
    }
    if !e.is_empty() {
        return render_invalid(&bandi_page(&ctx, f, e).await?);
    }
    store::aggiungi_bando(
        db,
        &ctx.actor(),
        store::NuovoBando {
            programma_id: programma_id.unwrap_or_default(),
            titolo,
            riferimento: non_empty(&f.riferimento),
            scadenza: scadenza.unwrap_or_default(),
            url,
        },
    )
    .await?;
    Ok(see_other("/progetti/bandi"))
}

#[derive(Debug, Default, Deserialize)]
pub struct PropostaForm {
    #[serde(default)]
    titolo: String,
    #[serde(default)]
    ruolo: String,
    #[serde(default)]
    budget: String,
    #[serde(default)]
    esito: String,
}

pub async fn proposta_aggiungi(
    ctx: Ctx,
    Path(bando): Path<i64>,
    Form(f): Form<PropostaForm>,
) -> AppResult<Response> {
    ctx.require_edit(PROGETTI, None)?;
    let bad = |m: String| AppError::BadRequest(m);
    let titolo =
        non_empty(&f.titolo).ok_or_else(|| bad("Indicare il titolo della proposta.".into()))?;
    let ruolo =
        model::codice(model::RUOLI, &f.ruolo).ok_or_else(|| bad("Scegliere il ruolo.".into()))?;
    let esito =
        model::codice(model::ESITI, &f.esito).ok_or_else(|| bad("Scegliere l'esito.".into()))?;
    let budget = match f.budget.trim() {
        "" => 0,
        v => model::parse_euro(v).map_err(bad)?,
    };
    store::aggiungi_proposta(
        &ctx.state.db,
        &ctx.actor(),
        bando,
        store::NuovaProposta {
            titolo,
            ruolo: ruolo.into(),
            budget,
            esito: esito.into(),
        },
    )
    .await?;
    Ok(see_other("/progetti/bandi"))
}

#[derive(Debug, Default, Deserialize)]
pub struct EsitoForm {
    #[serde(default)]
    esito: String,
}

pub async fn proposta_esito(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<EsitoForm>,
) -> AppResult<Response> {
    ctx.require_edit(PROGETTI, None)?;
    let esito = model::codice(model::ESITI, &f.esito)
        .ok_or_else(|| AppError::BadRequest("Scegliere l'esito.".into()))?;
    let data = matches!(esito, "approvata" | "respinta").then(today);
    store::esito_proposta(&ctx.state.db, &ctx.actor(), id, esito, data, None).await?;
    Ok(see_other("/progetti/bandi"))
}
