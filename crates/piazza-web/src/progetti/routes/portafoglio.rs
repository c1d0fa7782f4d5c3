//! The portfolio: its filters (shared by the timeline), the list, the CSV/XLSX exports of
//! the same columns the import reads, and the projects listed on other domains' pages.

use askama::Template;
use axum::response::Response;
use chrono::NaiveDate;
use piazza_db::entities::programma;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;

use super::{CRUMB, opzioni, opzioni_programmi, schede, visibilita, visibilita_di};
use crate::kit::error::{AppError, AppResult};
use crate::kit::export::{Cell, Table, XLSX_MIME, attachment, csv_response};
use crate::kit::extract::Query;
use crate::kit::fmt;
use crate::kit::list::Pager;
use crate::kit::moduli::PROGETTI;
use crate::kit::view::{Chrome, Ctx, Opzione, Scheda, render};
use crate::progetti::import;
use crate::progetti::model::{self, Catalogo};
use crate::progetti::store::{self, Contesto, Filtro, Visibilita};

#[derive(Debug, Default, Deserialize)]
pub struct FiltroQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    tipo: String,
    #[serde(default)]
    programma: String,
    #[serde(default)]
    ruolo: String,
    #[serde(default)]
    stato: String,
    #[serde(default)]
    anno: String,
    #[serde(default)]
    comune: String,
    #[serde(default)]
    persona: String,
    pub(super) pagina: Option<String>,
    pub(super) per_pagina: Option<String>,
}

impl FiltroQuery {
    pub(super) fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.clone()),
            ("tipo", self.tipo.clone()),
            ("programma", self.programma.clone()),
            ("ruolo", self.ruolo.clone()),
            ("stato", self.stato.clone()),
            ("anno", self.anno.clone()),
            ("comune", self.comune.clone()),
            ("persona", self.persona.clone()),
        ]
    }

    /// The filter, or a message for a value that is not one of the choices.
    pub(super) async fn filtro(&self, ctx: &Ctx) -> AppResult<Filtro> {
        let cat = |c: Catalogo, v: &str, what: &str| -> AppResult<Option<String>> {
            match v.trim() {
                "" => Ok(None),
                v => model::codice(c, v)
                    .map(|c| Some(c.to_owned()))
                    .ok_or_else(|| AppError::BadRequest(format!("{what} «{v}» sconosciuto."))),
            }
        };
        let bad = |m: String| AppError::BadRequest(m);
        let t = ctx.state.territorio.get();
        Ok(Filtro {
            q: self.q.trim().to_owned(),
            // Partners are listed on the organisation's page; the portfolio has no such filter.
            organizzazione: None,
            tipo: cat(model::TIPI, &self.tipo, "Tipo")?,
            ruolo: cat(model::RUOLI, &self.ruolo, "Ruolo")?,
            stato: cat(model::STATI, &self.stato, "Stato")?,
            programma: match self.programma.trim() {
                "" => None,
                v => Some(
                    v.parse()
                        .map_err(|_| bad(format!("Programma «{v}» sconosciuto.")))?,
                ),
            },
            anno: match self.anno.trim() {
                "" => None,
                v => Some(
                    v.parse::<i32>()
                        .ok()
                        .filter(|a| (1990..=2100).contains(a))
                        .ok_or_else(|| bad(format!("Anno «{v}» non valido.")))?,
                ),
            },
            comune: match self.comune.trim() {
                "" => None,
                v => Some(
                    t.comune(v)
                        .ok_or_else(|| bad(format!("Comune «{v}» sconosciuto.")))?
                        .id,
                ),
            },
            persona: match self.persona.trim() {
                "" => None,
                v => Some(
                    piazza_db::entities::persona::Entity::find()
                        .filter(piazza_db::entities::persona::Column::PublicId.eq(v))
                        .one(&ctx.state.db)
                        .await?
                        .ok_or_else(|| bad(format!("Persona «{v}» sconosciuta.")))?
                        .id,
                ),
            },
        })
    }
}

/// A row of the portfolio as shown.
pub struct RigaVista {
    pub public_id: String,
    pub codice: String,
    pub acronimo: String,
    pub titolo: String,
    pub tipo: &'static str,
    pub programma: String,
    pub ruolo: &'static str,
    pub stato: &'static str,
    pub periodo: String,
    pub budget: String,
    pub quota: String,
    pub rischio: Vec<String>,
}

pub(super) fn periodo(i: Option<NaiveDate>, f: Option<NaiveDate>) -> String {
    match (i, f) {
        (None, None) => "da definire".into(),
        (i, f) => format!(
            "{} – {}",
            i.map(fmt::date).unwrap_or_else(|| "…".into()),
            f.map(fmt::date).unwrap_or_else(|| "…".into())
        ),
    }
}

pub(super) fn riga_vista(r: &store::Riga) -> RigaVista {
    let p = &r.p;
    RigaVista {
        public_id: p.public_id.clone(),
        codice: p.codice.clone(),
        acronimo: p.acronimo.clone(),
        titolo: p.titolo.clone(),
        tipo: model::nome(model::TIPI, &p.tipo),
        programma: r.programma.clone(),
        ruolo: model::nome(model::RUOLI, &p.ruolo),
        stato: model::nome(model::STATI, &p.stato),
        periodo: periodo(p.data_inizio, p.data_fine),
        budget: fmt::euro(p.budget_totale),
        quota: fmt::euro(p.quota_associazione),
        rischio: r.rischio.iter().map(|m| m.descrizione()).collect(),
    }
}

/// The choices of the filters, with the current values.
pub struct Filtri {
    pub q: String,
    pub tipi: Vec<Opzione>,
    pub programmi: Vec<Opzione>,
    pub ruoli: Vec<Opzione>,
    pub stati: Vec<Opzione>,
    pub anno: String,
    pub comune: String,
    pub persona: String,
    pub persone: Vec<Opzione>,
    pub comuni: Vec<(String, String)>,
    pub query: String,
}

pub(super) async fn filtri(
    ctx: &Ctx,
    q: &FiltroQuery,
    programmi: &[programma::Model],
) -> AppResult<Filtri> {
    let persone = crate::anagrafica::personale(&ctx.state).await?;
    let t = ctx.state.territorio.get();
    Ok(Filtri {
        q: q.q.clone(),
        tipi: opzioni(model::TIPI, &q.tipo),
        programmi: opzioni_programmi(programmi, &q.programma),
        ruoli: opzioni(model::RUOLI, &q.ruolo),
        stati: opzioni(model::STATI, &q.stato),
        anno: q.anno.clone(),
        comune: q.comune.clone(),
        persona: q.persona.clone(),
        persone: persone
            .iter()
            .map(|p| Opzione {
                scelta: p.public_id == q.persona,
                valore: p.public_id.clone(),
                nome: p.nome_completo(),
            })
            .collect(),
        comuni: t
            .comuni
            .iter()
            .map(|c| (c.codice_istat.clone(), c.nome.clone()))
            .collect(),
        query: crate::kit::list::query_string(&q.params()),
    })
}

#[derive(Template)]
#[template(path = "progetti/elenco.html")]
struct ElencoPage {
    chrome: Chrome,
    azione_filtri: &'static str,
    anno_fisso: Option<i32>,
    schede: Vec<Scheda>,
    filtri: Filtri,
    righe: Vec<RigaVista>,
    pager: Pager,
    totale_fmt: String,
    budget_fmt: String,
    quota_fmt: String,
    puo_modificare: bool,
    referente: bool,
}

pub async fn elenco(ctx: Ctx, Query(q): Query<FiltroQuery>) -> AppResult<Response> {
    let vis = visibilita(&ctx)?;
    let f = q.filtro(&ctx).await?;
    let db = &ctx.state.db;
    let c = Contesto::carica(db, &ctx.state.config).await?;
    let totale = store::conta(db, &f, &vis).await?;
    let pager = Pager::new(
        "/progetti",
        &q.params(),
        q.pagina.as_deref(),
        q.per_pagina.as_deref(),
        totale as usize,
    );
    let righe = store::elenco(
        db,
        &c,
        &f,
        &vis,
        pager.offset() as u64,
        pager.per_pagina as u64,
    )
    .await?;
    let (budget, quota) = store::totali(db, &f, &vis).await?;
    let programmi = c.programmi_per_nome();
    render(&ElencoPage {
        chrome: ctx.chrome("Progetti", &[CRUMB]),
        azione_filtri: "/progetti",
        anno_fisso: None,
        schede: schede(&ctx, "/progetti"),
        filtri: filtri(&ctx, &q, &programmi).await?,
        righe: righe.iter().map(riga_vista).collect(),
        totale_fmt: fmt::int(totale as i64),
        budget_fmt: fmt::euro(budget),
        quota_fmt: fmt::euro(quota),
        pager,
        puo_modificare: ctx.can_edit(PROGETTI, None),
        referente: vis != Visibilita::Tutti,
    })
}

/// The export table: the same columns the import reads.
fn tabella(righe: &[store::Completo], t: &crate::territorio::Territorio) -> Table {
    let mut tab = Table::new(import::COLONNE);
    for r in righe {
        let p = &r.p;
        tab.rows.push(vec![
            p.codice.clone().into(),
            p.acronimo.clone().into(),
            p.titolo.clone().into(),
            p.descrizione.clone().into(),
            model::nome(model::TIPI, &p.tipo).into(),
            r.programma.codice.clone().into(),
            p.bando_rif.clone().into(),
            model::nome(model::RUOLI, &p.ruolo).into(),
            model::nome(model::STATI, &p.stato).into(),
            p.data_inizio.into(),
            p.data_fine.into(),
            Cell::Dec(p.budget_totale as f64 / 100.0, 2),
            Cell::Dec(p.quota_associazione as f64 / 100.0, 2),
            p.cofinanziamento_bp
                .map(|b| Cell::Dec(f64::from(b) / 100.0, 2))
                .unwrap_or(Cell::Empty),
            Cell::Text(if p.dipende_regione { "sì" } else { "no" }.into()),
            r.responsabile.clone().into(),
            r.comuni
                .iter()
                .filter_map(|id| t.comune_by_id(*id).map(|c| c.nome.clone()))
                .collect::<Vec<_>>()
                .join(", ")
                .into(),
        ]);
    }
    tab
}

async fn esporta(ctx: &Ctx, q: &FiltroQuery) -> AppResult<Table> {
    let vis = visibilita(ctx)?;
    let f = q.filtro(ctx).await?;
    let righe = store::completi(&ctx.state.db, &f, &vis).await?;
    Ok(tabella(&righe, &ctx.state.territorio.get()))
}

pub async fn elenco_csv(ctx: Ctx, Query(q): Query<FiltroQuery>) -> AppResult<Response> {
    Ok(csv_response(&esporta(&ctx, &q).await?, "progetti.csv"))
}

pub async fn elenco_xlsx(ctx: Ctx, Query(q): Query<FiltroQuery>) -> AppResult<Response> {
    let t = esporta(&ctx, &q).await?;
    Ok(attachment(
        crate::kit::export::xlsx(&[("Progetti", &t)])?,
        XLSX_MIME,
        "progetti.xlsx",
    ))
}

/// The projects matching `f` that this user may see, for the pages of a comune, a person or an
/// organisation (empty for those who may not read the module).
pub async fn collegati(ctx: &Ctx, f: Filtro) -> AppResult<Vec<RigaVista>> {
    let Some(vis) = ctx.user.as_ref().and_then(visibilita_di) else {
        return Ok(Vec::new());
    };
    let progetti = store::tutti(&ctx.state.db, &f, &vis).await?;
    if progetti.is_empty() {
        return Ok(Vec::new());
    }
    let c = Contesto::carica(&ctx.state.db, &ctx.state.config).await?;
    Ok(progetti
        .into_iter()
        .map(|p| riga_vista(&c.riga(p)))
        .collect())
}
