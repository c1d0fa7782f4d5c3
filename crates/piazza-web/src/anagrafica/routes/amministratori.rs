//! Administrators of the comuni: the list with its exports and the office form.

use crate::kit::extract::Form;
use askama::Template;
use axum::response::Response;
use serde::Deserialize;

use super::CRUMB;
use crate::anagrafica::model::{AmministratoreView, Carica, StatoMandato};
use crate::anagrafica::store::{self, FiltroAmministratori};
use crate::kit::error::{AppError, AppResult};
use crate::kit::export::{Cell, Table, csv_response, xlsx_response};
use crate::kit::extract::{Path, Query};
use crate::kit::fmt;
use crate::kit::list::{Pager, query_string};
use crate::kit::moduli::ANAGRAFICA;
use crate::kit::view::{Chrome, Ctx, FormErrors, render, render_invalid, see_other};

#[derive(Debug, Default, Deserialize)]
pub struct AmmQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    comune: String,
    #[serde(default)]
    carica: String,
    #[serde(default)]
    stato: String,
    pagina: Option<String>,
    per_pagina: Option<String>,
}

impl AmmQuery {
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.trim().to_owned()),
            ("comune", self.comune.clone()),
            ("carica", self.carica.clone()),
            ("stato", self.stato.clone()),
        ]
    }
    fn filtro(&self, t: &crate::territorio::Territorio) -> FiltroAmministratori {
        FiltroAmministratori {
            q: self.q.clone(),
            comune_id: t.comune(&self.comune).map(|c| c.id),
            carica: Carica::parse(&self.carica),
            stato: match self.stato.as_str() {
                "in_corso" => Some(StatoMandato::InCorso),
                "in_scadenza" => Some(StatoMandato::InScadenza),
                "scaduto" => Some(StatoMandato::Scaduto),
                _ => None,
            },
        }
    }
}

#[derive(Template)]
#[template(path = "anagrafica/amministratori.html")]
struct AmmPage<'a> {
    chrome: Chrome,
    q: &'a AmmQuery,
    comuni: Vec<(String, String)>,
    cariche: Vec<(&'static str, &'static str)>,
    righe: Vec<AmministratoreView>,
    pager: Pager,
    totale_fmt: String,
    export_qs: String,
    puo_importare: bool,
    anni_mandato: i32,
    mesi_preavviso: u32,
}

pub async fn amministratori(ctx: Ctx, Query(q): Query<AmmQuery>) -> AppResult<Response> {
    ctx.require_read(ANAGRAFICA)?;
    let t = ctx.state.territorio.get();
    let all = store::amministratori(&ctx.state.db, &t, &ctx.state.config, &q.filtro(&t)).await?;
    let pager = Pager::new(
        "/amministratori",
        &q.params(),
        q.pagina.as_deref(),
        q.per_pagina.as_deref(),
        all.len(),
    );
    let righe = pager.slice(&all).to_vec();
    render(&AmmPage {
        chrome: ctx.chrome(
            "Amministratori",
            &[CRUMB, ("Amministratori", "/amministratori")],
        ),
        q: &q,
        comuni: t
            .comuni
            .iter()
            .map(|c| (c.codice_istat.clone(), c.nome.clone()))
            .collect(),
        cariche: Carica::ALL.iter().map(|c| (c.key(), c.nome())).collect(),
        righe,
        totale_fmt: fmt::int(all.len() as i64),
        pager,
        export_qs: query_string(&q.params()),
        puo_importare: ctx.can_edit(ANAGRAFICA, None),
        anni_mandato: ctx.state.config.anagrafica.anni_mandato,
        mesi_preavviso: ctx.state.config.anagrafica.mesi_preavviso_scadenza,
    })
}

async fn amm_table(ctx: &Ctx, q: &AmmQuery) -> AppResult<Table> {
    ctx.require_read(ANAGRAFICA)?;
    let t = ctx.state.territorio.get();
    let all = store::amministratori(&ctx.state.db, &t, &ctx.state.config, &q.filtro(&t)).await?;
    let mut table = Table::new(&[
        "Comune",
        "Codice ISTAT",
        "Nome",
        "Carica",
        "Descrizione carica",
        "Data elezione",
        "Entrata in carica",
        "Fine mandato",
        "Stato",
        "Lista",
    ]);
    for a in all {
        table.rows.push(vec![
            a.comune_nome.into(),
            a.comune_istat.into(),
            a.nome_completo.into(),
            a.carica.nome().into(),
            a.descrizione_carica.into(),
            a.data_elezione.into(),
            a.data_inizio.into(),
            a.fine_mandato.into(),
            a.stato.etichetta().into(),
            Cell::Text(a.lista),
        ]);
    }
    Ok(table)
}

pub async fn amministratori_csv(ctx: Ctx, Query(q): Query<AmmQuery>) -> AppResult<Response> {
    Ok(csv_response(
        &amm_table(&ctx, &q).await?,
        "amministratori.csv",
    ))
}

pub async fn amministratori_xlsx(ctx: Ctx, Query(q): Query<AmmQuery>) -> AppResult<Response> {
    xlsx_response(
        &amm_table(&ctx, &q).await?,
        "Amministratori",
        "amministratori.xlsx",
    )
}

#[derive(Template)]
#[template(path = "anagrafica/amministratore_form.html")]
struct AmmFormPage {
    chrome: Chrome,
    id: i64,
    nome: String,
    comune: String,
    carica: String,
    data_elezione: String,
    data_inizio: String,
    cariche: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
pub struct AmmForm {
    #[serde(default)]
    carica: String,
    #[serde(default)]
    data_elezione: String,
    #[serde(default)]
    data_inizio: String,
}

async fn amm_form_page(
    ctx: &Ctx,
    a: &piazza_db::entities::amministratore::Model,
    f: AmmForm,
    errors: FormErrors,
) -> AppResult<AmmFormPage> {
    let p = piazza_db::entities::persona::Entity::find_by_id(a.persona_id);
    use sea_orm::EntityTrait;
    let p = p.one(&ctx.state.db).await?.ok_or(AppError::NotFound)?;
    let t = ctx.state.territorio.get();
    let path = format!("/amministratori/{}/modifica", a.id);
    Ok(AmmFormPage {
        chrome: ctx.chrome(
            "Modifica carica",
            &[
                CRUMB,
                ("Amministratori", "/amministratori"),
                ("Modifica carica", &path),
            ],
        ),
        id: a.id,
        nome: format!("{} {}", p.nome, p.cognome),
        comune: t
            .comune_by_id(a.comune_id)
            .map(|c| c.nome.clone())
            .unwrap_or_default(),
        carica: f.carica,
        data_elezione: f.data_elezione,
        data_inizio: f.data_inizio,
        cariche: Carica::ALL.iter().map(|c| (c.key(), c.nome())).collect(),
        errors,
    })
}

pub async fn amministratore_modifica_form(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let a = store::amministratore(&ctx.state.db, id).await?;
    ctx.require_edit(ANAGRAFICA, Some(a.comune_id))?;
    let f = AmmForm {
        carica: a.carica.clone(),
        data_elezione: fmt::opt_date(a.data_elezione),
        data_inizio: fmt::opt_date(a.data_inizio),
    };
    render(&amm_form_page(&ctx, &a, f, FormErrors::default()).await?)
}

pub async fn amministratore_aggiorna(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<AmmForm>,
) -> AppResult<Response> {
    let a = store::amministratore(&ctx.state.db, id).await?;
    ctx.require_edit(ANAGRAFICA, Some(a.comune_id))?;
    let mut errors = FormErrors::default();
    let carica = Carica::parse(&f.carica);
    if carica.is_none() {
        errors.add("carica", "Scegliere la carica.");
    }
    let data_elezione = errors.date("data_elezione", &f.data_elezione);
    let data_inizio = errors.date("data_inizio", &f.data_inizio);
    if let (Some(e), Some(i)) = (data_elezione, data_inizio)
        && i < e
    {
        errors.add(
            "data_inizio",
            "L'entrata in carica non può precedere l'elezione.",
        );
    }
    if !errors.is_empty() {
        return render_invalid(&amm_form_page(&ctx, &a, f, errors).await?);
    }
    let comune = a.comune_id;
    store::aggiorna_amministratore(
        &ctx.state.db,
        &ctx.actor(),
        a,
        carica.unwrap_or(Carica::Altro),
        data_elezione,
        data_inizio,
        &ctx.state.config,
    )
    .await?;
    let t = ctx.state.territorio.get();
    let code = t
        .comune_by_id(comune)
        .map(|c| c.codice_istat.clone())
        .unwrap_or_default();
    Ok(see_other(&format!("/comuni/{code}")))
}
