//! Progetti pages: the portfolio with its filters and exports, the project page with its work
//! plan, the timeline (Gantt), the deadlines and their iCalendar feeds, the legislature-risk
//! report, the budget by programme and year, calls and proposals, the programme catalogue, the
//! import of a projects list and the map of projects per comune.

use std::collections::HashMap;

use crate::extract::Form;
use crate::extract::Multipart;
use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use piazza_db::entities::{bando, progetto, progetto_periodo, progetto_scadenza, programma};
use serde::Deserialize;

use super::gantt;
use super::ical;
use super::import;
use super::model::{self, Catalogo, DatiProgetto, ProgettoForm};
use super::store::{self, Contesto, Filtro, NuovaParte, Visibilita};
use crate::anagrafica::store::Personale;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::export::{Cell, Table, XLSX_MIME, attachment, csv_response};
use crate::extract::{Path, Query};
use crate::fmt;
use crate::fmt::oggi as today;
use crate::list::Pager;
use crate::moduli::{PIANO, PROGETTI};
use crate::text::non_empty;
use crate::view::{Chrome, Ctx, FormErrors, Opzione, Scheda, render, render_invalid, see_other};

const CRUMB: (&str, &str) = ("Progetti", "/progetti");
pub const MAX_UPLOAD: usize = 10 * 1024 * 1024;

/// What a user may see of the portfolio: everything with a grant on the module, the projects of
/// their comuni for a referente.
pub fn visibilita_di(u: &Principal) -> Option<Visibilita> {
    if u.has_grant(PROGETTI) {
        return Some(Visibilita::Tutti);
    }
    let comuni: Vec<i64> = u.comuni_referente().collect();
    (u.can_read(PROGETTI) && !comuni.is_empty()).then_some(Visibilita::Comuni(comuni))
}

fn visibilita(ctx: &Ctx) -> AppResult<Visibilita> {
    ctx.require_read(PROGETTI)?;
    let u = ctx.require_login()?;
    visibilita_di(u).ok_or(AppError::Forbidden)
}

/// A project this user may see.
async fn progetto_visibile(ctx: &Ctx, id: &str) -> AppResult<(progetto::Model, Visibilita)> {
    let vis = visibilita(ctx)?;
    let p = store::per_public_id(&ctx.state.db, id).await?;
    if !store::visibile(&ctx.state.db, &p, &vis).await? {
        return Err(AppError::Forbidden);
    }
    Ok((p, vis))
}

/// A project this user may change.
async fn progetto_modificabile(ctx: &Ctx, id: &str) -> AppResult<progetto::Model> {
    ctx.require_edit(PROGETTI, None)?;
    store::per_public_id(&ctx.state.db, id).await
}

fn opzioni(catalogo: Catalogo, scelta: &str) -> Vec<Opzione> {
    catalogo
        .iter()
        .map(|(c, n)| Opzione {
            valore: (*c).into(),
            nome: (*n).into(),
            scelta: *c == scelta,
        })
        .collect()
}

fn opzioni_programmi(programmi: &[programma::Model], scelta: &str) -> Vec<Opzione> {
    programmi
        .iter()
        .map(|g| Opzione {
            valore: g.id.to_string(),
            nome: g.nome.clone(),
            scelta: g.id.to_string() == scelta,
        })
        .collect()
}

fn opzioni_persone(persone: &[Personale], scelta: &str) -> Vec<Opzione> {
    persone
        .iter()
        .map(|p| Opzione {
            valore: p.id.to_string(),
            nome: p.nome_completo(),
            scelta: p.id.to_string() == scelta,
        })
        .collect()
}

/// The ids of the staff (who may lead or work on a project).
async fn ids_personale(ctx: &Ctx) -> AppResult<Vec<i64>> {
    Ok(ctx.state.personale().await?.iter().map(|p| p.id).collect())
}

fn schede(ctx: &Ctx, attiva: &str) -> Vec<Scheda> {
    let mut v = vec![
        ("Portafoglio", "/progetti"),
        ("Cronoprogramma", "/progetti/gantt"),
        ("Scadenze", "/progetti/scadenze"),
        ("Rischio legislatura", "/progetti/rischio"),
        ("Budget", "/progetti/budget"),
        ("Mappa", "/progetti/mappa"),
    ];
    if ctx.has_grant(PROGETTI) {
        v.push(("Bandi e proposte", "/progetti/bandi"));
        v.push(("Programmi", "/progetti/programmi"));
    }
    v.into_iter()
        .map(|(nome, href)| Scheda {
            nome,
            href,
            attiva: href == attiva,
        })
        .collect()
}

// ---- the portfolio ----

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
    pagina: Option<String>,
    per_pagina: Option<String>,
}

impl FiltroQuery {
    fn params(&self) -> Vec<(&'static str, String)> {
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
    async fn filtro(&self, ctx: &Ctx) -> AppResult<Filtro> {
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

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

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

fn periodo(i: Option<NaiveDate>, f: Option<NaiveDate>) -> String {
    match (i, f) {
        (None, None) => "da definire".into(),
        (i, f) => format!(
            "{} – {}",
            i.map(fmt::date).unwrap_or_else(|| "…".into()),
            f.map(fmt::date).unwrap_or_else(|| "…".into())
        ),
    }
}

fn riga_vista(r: &store::Riga) -> RigaVista {
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

async fn filtri(ctx: &Ctx, q: &FiltroQuery, programmi: &[programma::Model]) -> AppResult<Filtri> {
    let persone = ctx.state.personale().await?;
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
        query: crate::list::query_string(&q.params()),
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
        crate::export::xlsx(&[("Progetti", &t)])?,
        XLSX_MIME,
        "progetti.xlsx",
    ))
}

// ---- create and change ----

#[derive(Template)]
#[template(path = "progetti/progetto_form.html")]
struct FormPage {
    chrome: Chrome,
    azione: String,
    f: ProgettoForm,
    errors: FormErrors,
    tipi: Vec<Opzione>,
    ruoli: Vec<Opzione>,
    stati: Vec<Opzione>,
    programmi: Vec<Opzione>,
    persone: Vec<Opzione>,
    nuovo: bool,
}

async fn form_page(
    ctx: &Ctx,
    azione: String,
    f: ProgettoForm,
    errors: FormErrors,
    titolo: &str,
    nuovo: bool,
) -> AppResult<FormPage> {
    let db = &ctx.state.db;
    let programmi = store::programmi(db).await?;
    let persone = ctx.state.personale().await?;
    Ok(FormPage {
        chrome: ctx.chrome(titolo, &[CRUMB, (titolo, &azione)]),
        tipi: opzioni(model::TIPI, &f.tipo),
        ruoli: opzioni(model::RUOLI, &f.ruolo),
        stati: opzioni(model::STATI, &f.stato),
        programmi: opzioni_programmi(&programmi, &f.programma),
        persone: opzioni_persone(&persone, &f.responsabile),
        azione,
        f,
        errors,
        nuovo,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NuovoQuery {
    /// Start from an approved proposal: its call, programme, role and budget.
    proposta: Option<i64>,
}

pub async fn nuovo_form(ctx: Ctx, Query(q): Query<NuovoQuery>) -> AppResult<Response> {
    ctx.require_edit(PROGETTI, None)?;
    let mut f = ProgettoForm {
        tipo: "europeo".into(),
        ruolo: "partner".into(),
        stato: "in_preparazione".into(),
        ..Default::default()
    };
    if let Some(id) = q.proposta {
        let (pr, b) = store::proposta(&ctx.state.db, id).await?;
        let g = programma::Entity::find_by_id(b.programma_id)
            .one(&ctx.state.db)
            .await?
            .ok_or(AppError::NotFound)?;
        f = ProgettoForm {
            acronimo: pr.titolo.clone(),
            tipo: g.tipo.clone(),
            programma: g.id.to_string(),
            bando_rif: b.riferimento.clone().unwrap_or_else(|| b.titolo.clone()),
            ruolo: pr.ruolo.clone(),
            stato: "approvato".into(),
            budget_totale: fmt::importo(pr.budget),
            proposta: id.to_string(),
            ..f
        };
    }
    render(
        &form_page(
            &ctx,
            "/progetti/nuovo".into(),
            f,
            FormErrors::default(),
            "Nuovo progetto",
            true,
        )
        .await?,
    )
}

async fn valida(ctx: &Ctx, f: &ProgettoForm) -> AppResult<Result<DatiProgetto, FormErrors>> {
    let db = &ctx.state.db;
    let programmi: Vec<i64> = store::programmi(db).await?.iter().map(|g| g.id).collect();
    Ok(f.validate(&programmi, &ids_personale(ctx).await?))
}

/// A duplicate code is a field error, not an error page.
fn codice_duplicato(e: AppError) -> Result<FormErrors, AppError> {
    match e {
        AppError::Conflict(m) if m.contains("codice") => {
            let mut errs = FormErrors::default();
            errs.add("codice", m);
            Ok(errs)
        }
        e => Err(e),
    }
}

pub async fn crea(ctx: Ctx, Form(f): Form<ProgettoForm>) -> AppResult<Response> {
    ctx.require_edit(PROGETTI, None)?;
    let dati = match valida(&ctx, &f).await? {
        Ok(d) => d,
        Err(errs) => {
            return render_invalid(
                &form_page(
                    &ctx,
                    "/progetti/nuovo".into(),
                    f,
                    errs,
                    "Nuovo progetto",
                    true,
                )
                .await?,
            );
        }
    };
    let proposta = f.proposta.trim().parse::<i64>().ok();
    match store::crea(&ctx.state.db, &ctx.actor(), &dati, proposta).await {
        Ok(p) => Ok(see_other(&format!("/progetti/{}", p.public_id))),
        Err(e) => {
            let errs = codice_duplicato(e)?;
            render_invalid(
                &form_page(
                    &ctx,
                    "/progetti/nuovo".into(),
                    f,
                    errs,
                    "Nuovo progetto",
                    true,
                )
                .await?,
            )
        }
    }
}

fn form_da(p: &progetto::Model) -> ProgettoForm {
    ProgettoForm {
        codice: p.codice.clone(),
        acronimo: p.acronimo.clone(),
        titolo: p.titolo.clone(),
        descrizione: p.descrizione.clone().unwrap_or_default(),
        tipo: p.tipo.clone(),
        programma: p.programma_id.to_string(),
        bando_rif: p.bando_rif.clone().unwrap_or_default(),
        ruolo: p.ruolo.clone(),
        data_inizio: fmt::opt_date(p.data_inizio),
        data_fine: fmt::opt_date(p.data_fine),
        stato: p.stato.clone(),
        budget_totale: fmt::importo(p.budget_totale),
        quota_associazione: fmt::importo(p.quota_associazione),
        cofinanziamento: p
            .cofinanziamento_bp
            .map(|b| fmt::numero(f64::from(b) / 100.0))
            .unwrap_or_default(),
        dipende_regione: p.dipende_regione.then(|| "on".into()),
        responsabile: p.responsabile_id.map(|i| i.to_string()).unwrap_or_default(),
        proposta: String::new(),
    }
}

pub async fn modifica_form(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let p = progetto_modificabile(&ctx, &id).await?;
    let titolo = format!("Modifica {}", p.acronimo);
    render(
        &form_page(
            &ctx,
            format!("/progetti/{id}/modifica"),
            form_da(&p),
            FormErrors::default(),
            &titolo,
            false,
        )
        .await?,
    )
}

pub async fn aggiorna(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ProgettoForm>,
) -> AppResult<Response> {
    let p = progetto_modificabile(&ctx, &id).await?;
    let titolo = format!("Modifica {}", p.acronimo);
    let azione = format!("/progetti/{id}/modifica");
    let dati = match valida(&ctx, &f).await? {
        Ok(d) => d,
        Err(errs) => {
            return render_invalid(&form_page(&ctx, azione, f, errs, &titolo, false).await?);
        }
    };
    match store::aggiorna(&ctx.state.db, &ctx.actor(), p, &dati).await {
        Ok(p) => Ok(see_other(&format!("/progetti/{}", p.public_id))),
        Err(e) => {
            let errs = codice_duplicato(e)?;
            render_invalid(&form_page(&ctx, azione, f, errs, &titolo, false).await?)
        }
    }
}

pub async fn elimina(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let p = progetto_modificabile(&ctx, &id).await?;
    store::elimina(&ctx.state.db, &ctx.actor(), p).await?;
    Ok(see_other("/progetti"))
}

// ---- the project page ----

pub struct VoceScadenza {
    pub id: i64,
    pub tipo: &'static str,
    pub codice: String,
    pub titolo: String,
    pub wp: String,
    pub scadenza: String,
    pub stato: String,
    pub stato_codice: String,
    pub in_ritardo: bool,
}

pub struct VocePeriodo {
    pub id: i64,
    pub numero: i32,
    pub periodo: String,
    pub scadenza: String,
    pub richiesto: String,
    pub ricevuto: String,
    pub richiesto_input: String,
    pub ricevuto_input: String,
    pub stato: &'static str,
    pub stato_codice: String,
}

pub struct Voce {
    pub id: i64,
    pub testo: String,
    pub dettaglio: String,
    pub url: String,
}

#[derive(Template)]
#[template(path = "progetti/progetto.html")]
struct ProgettoPage {
    chrome: Chrome,
    p: progetto::Model,
    v: RigaVista,
    descrizione: String,
    cofinanziamento: String,
    bando_rif: String,
    fondi_regionali: bool,
    responsabile: Option<(String, String)>,
    staff: Vec<Voce>,
    partner: Vec<Voce>,
    comuni: Vec<Voce>,
    /// Work packages with their state code.
    wp: Vec<(Voce, String)>,
    wp_opzioni: Vec<Opzione>,
    scadenze: Vec<VoceScadenza>,
    periodi: Vec<VocePeriodo>,
    continuita: Vec<(Voce, bool)>,
    proposte: Vec<Voce>,
    obiettivi: std::sync::Arc<Vec<crate::piano::store::ObiettivoCollegato>>,
    obiettivi_scelta: Vec<Opzione>,
    puo_modificare: bool,
    puo_collegare: bool,
    persone: Vec<Opzione>,
    organizzazioni: Vec<String>,
    nomi_comuni: Vec<String>,
    tipi_scadenza: Vec<Opzione>,
    stati_periodo: Vec<Opzione>,
    stati_wp: Vec<Opzione>,
    ruoli_partner: Vec<Opzione>,
    errori: FormErrors,
    parte: String,
    pf: ParteForm,
    gantt_href: String,
}

fn quota_o_vuoto(c: Option<i64>) -> String {
    c.map(fmt::euro).unwrap_or_else(|| "—".into())
}

async fn pagina_progetto(
    ctx: &Ctx,
    p: progetto::Model,
    parte: &str,
    pf: ParteForm,
    errori: FormErrors,
) -> AppResult<ProgettoPage> {
    let db = &ctx.state.db;
    let c = Contesto::carica(db, &ctx.state.config).await?;
    let s = store::scheda(db, &p).await?;
    let t = ctx.state.territorio.get();
    let oggi = today();
    let anagrafica = ctx.can_read(crate::moduli::ANAGRAFICA);
    let puo_modificare = ctx.can_edit(PROGETTI, None);
    let wp_nome: HashMap<i64, String> =
        s.wp.iter()
            .map(|w| (w.id, format!("WP{}", w.numero)))
            .collect();
    let persone = if puo_modificare {
        ctx.state.personale().await?
    } else {
        std::sync::Arc::default()
    };
    let organizzazioni = if puo_modificare {
        piazza_db::entities::organizzazione::Entity::find()
            .order_by_asc(piazza_db::entities::organizzazione::Column::NomeNorm)
            .all(db)
            .await?
            .into_iter()
            .map(|o| o.nome)
            .collect()
    } else {
        Vec::new()
    };
    let puo_collegare = puo_modificare && ctx.can_edit(PIANO, None);
    let obiettivi_scelta = if puo_collegare {
        crate::piano::store::obiettivi_scelta(db)
            .await?
            .into_iter()
            .map(|(id, n)| Opzione {
                valore: id,
                nome: n,
                scelta: false,
            })
            .collect()
    } else {
        Vec::new()
    };
    let riga = c.riga(p.clone());
    // The timeline opens on this year while the project runs, otherwise on its start.
    let anno_gantt = match (p.data_inizio, p.data_fine) {
        (Some(i), Some(f)) if i <= oggi && oggi <= f => oggi.year(),
        (Some(i), _) => i.year(),
        (None, Some(f)) => f.year(),
        (None, None) => oggi.year(),
    };
    let cofinanziamento = p
        .cofinanziamento_bp
        .map(model::tasso)
        .unwrap_or_else(|| "—".into());
    Ok(ProgettoPage {
        chrome: ctx.chrome(
            p.acronimo.clone(),
            &[CRUMB, (&p.acronimo, &format!("/progetti/{}", p.public_id))],
        ),
        v: riga_vista(&riga),
        descrizione: p.descrizione.clone().unwrap_or_default(),
        cofinanziamento,
        bando_rif: p.bando_rif.clone().unwrap_or_default(),
        fondi_regionali: c.regionale(&p),
        responsabile: s.responsabile.as_ref().map(|r| {
            (
                format!("{} {}", r.nome, r.cognome),
                if anagrafica {
                    format!("/persone/{}", r.public_id)
                } else {
                    String::new()
                },
            )
        }),
        staff: s
            .staff
            .iter()
            .map(|(st, pe)| Voce {
                id: st.id,
                testo: format!("{} {}", pe.nome, pe.cognome),
                dettaglio: format!(
                    "{}{} mesi/persona",
                    st.ruolo
                        .as_ref()
                        .map(|r| format!("{r}, "))
                        .unwrap_or_default(),
                    fmt::numero(st.mesi_persona)
                ),
                url: if anagrafica {
                    format!("/persone/{}", pe.public_id)
                } else {
                    String::new()
                },
            })
            .collect(),
        partner: s
            .partner
            .iter()
            .map(|(pa, o)| Voce {
                id: pa.id,
                testo: o.nome.clone(),
                dettaglio: format!(
                    "{} · {} · quota {}",
                    pa.paese,
                    model::nome(model::RUOLI_PARTNER, &pa.ruolo),
                    fmt::euro(pa.quota)
                ),
                url: if anagrafica {
                    format!("/organizzazioni/{}", o.public_id)
                } else {
                    String::new()
                },
            })
            .collect(),
        comuni: s
            .comuni
            .iter()
            .filter_map(|pc| {
                let cm = t.comune_by_id(pc.comune_id)?;
                Some(Voce {
                    id: pc.id,
                    testo: cm.nome.clone(),
                    dettaglio: cm.sigla_provincia.clone(),
                    url: format!("/comuni/{}", cm.codice_istat),
                })
            })
            .collect(),
        wp_opzioni: s
            .wp
            .iter()
            .map(|w| Opzione {
                valore: w.id.to_string(),
                nome: format!("WP{} {}", w.numero, w.titolo),
                scelta: pf.wp == w.id.to_string(),
            })
            .collect(),
        wp: s
            .wp
            .iter()
            .map(|w| {
                (
                    Voce {
                        id: w.id,
                        testo: format!("WP{} {}", w.numero, w.titolo),
                        dettaglio: format!(
                            "{} · {}",
                            periodo(w.data_inizio, w.data_fine),
                            model::nome(model::STATI_WP, &w.stato)
                        ),
                        url: String::new(),
                    },
                    w.stato.clone(),
                )
            })
            .collect(),
        scadenze: s
            .scadenze
            .iter()
            .map(|x: &progetto_scadenza::Model| VoceScadenza {
                id: x.id,
                tipo: model::nome(model::TIPI_SCADENZA, &x.tipo),
                codice: x.codice.clone(),
                titolo: x.titolo.clone(),
                wp: x
                    .wp_id
                    .and_then(|w| wp_nome.get(&w).cloned())
                    .unwrap_or_default(),
                scadenza: fmt::date(x.scadenza),
                stato: match x.completata_il {
                    Some(d) if x.stato == "completata" => format!("Completata il {}", fmt::date(d)),
                    _ => model::nome(model::STATI_SCADENZA, &x.stato).to_owned(),
                },
                stato_codice: x.stato.clone(),
                in_ritardo: x.stato == "prevista" && x.scadenza < oggi,
            })
            .collect(),
        periodi: s
            .periodi
            .iter()
            .map(|x: &progetto_periodo::Model| VocePeriodo {
                id: x.id,
                numero: x.numero,
                periodo: periodo(Some(x.dal), Some(x.al)),
                scadenza: fmt::date(x.scadenza),
                richiesto: quota_o_vuoto(x.richiesto),
                ricevuto: quota_o_vuoto(x.ricevuto),
                richiesto_input: x.richiesto.map(fmt::importo).unwrap_or_default(),
                ricevuto_input: x.ricevuto.map(fmt::importo).unwrap_or_default(),
                stato: model::nome(model::STATI_PERIODO, &x.stato),
                stato_codice: x.stato.clone(),
            })
            .collect(),
        continuita: s
            .continuita
            .iter()
            .map(|(x, n)| {
                (
                    Voce {
                        id: x.id,
                        testo: x.azione.clone(),
                        dettaglio: format!(
                            "entro il {}{}",
                            fmt::date(x.data),
                            n.as_ref().map(|n| format!(" · {n}")).unwrap_or_default()
                        ),
                        url: String::new(),
                    },
                    x.fatta,
                )
            })
            .collect(),
        proposte: s
            .proposte
            .iter()
            .map(|(x, b)| Voce {
                id: x.id,
                testo: format!("{} — bando «{}»", x.titolo, b.titolo),
                dettaglio: model::nome(model::ESITI, &x.esito).to_owned(),
                url: "/progetti/bandi".into(),
            })
            .collect(),
        obiettivi: crate::piano::routes::obiettivi_collegati(ctx, "progetto", &p.public_id).await?,
        obiettivi_scelta,
        puo_modificare,
        puo_collegare,
        persone: opzioni_persone(&persone, &pf.persona),
        organizzazioni,
        nomi_comuni: t.comuni.iter().map(|c| c.nome.clone()).collect(),
        tipi_scadenza: opzioni(model::TIPI_SCADENZA, &pf.tipo),
        stati_periodo: opzioni(model::STATI_PERIODO, ""),
        stati_wp: opzioni(model::STATI_WP, ""),
        ruoli_partner: opzioni(
            model::RUOLI_PARTNER,
            if pf.ruolo.is_empty() {
                "partner"
            } else {
                &pf.ruolo
            },
        ),
        errori,
        parte: parte.to_owned(),
        pf,
        gantt_href: format!(
            "/progetti/gantt?anno={anno_gantt}&q={}",
            crate::error::urlencode(&p.codice)
        ),
        p,
    })
}

pub async fn progetto(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let (p, _) = progetto_visibile(&ctx, &id).await?;
    render(&pagina_progetto(&ctx, p, "", ParteForm::default(), FormErrors::default()).await?)
}

/// The forms of the parts of a project, posted to `/progetti/{id}/parti/{parte}`: each part
/// reads the fields it needs.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ParteForm {
    #[serde(default)]
    pub comune: String,
    #[serde(default)]
    pub persona: String,
    #[serde(default)]
    pub ruolo: String,
    #[serde(default)]
    pub mesi: String,
    #[serde(default)]
    pub organizzazione: String,
    #[serde(default)]
    pub paese: String,
    #[serde(default)]
    pub quota: String,
    #[serde(default)]
    pub titolo: String,
    #[serde(default)]
    pub inizio: String,
    #[serde(default)]
    pub fine: String,
    #[serde(default)]
    pub tipo: String,
    #[serde(default)]
    pub codice: String,
    #[serde(default)]
    pub scadenza: String,
    #[serde(default)]
    pub wp: String,
    #[serde(default)]
    pub richiesto: String,
    #[serde(default)]
    pub azione: String,
}

fn obbligatoria(e: &mut FormErrors, campo: &'static str, v: &str) -> Option<NaiveDate> {
    if v.trim().is_empty() {
        e.add(campo, "Indicare la data (gg/mm/aaaa).");
        return None;
    }
    e.date(campo, v)
}

fn testo(e: &mut FormErrors, campo: &'static str, v: &str, msg: &str) -> String {
    let t = v.trim();
    if t.is_empty() {
        e.add(campo, msg);
    }
    t.to_owned()
}

async fn valida_parte(
    ctx: &Ctx,
    parte: &str,
    f: &ParteForm,
) -> AppResult<Result<NuovaParte, FormErrors>> {
    let db = &ctx.state.db;
    let mut e = FormErrors::default();
    let persona = |e: &mut FormErrors, staff: &[i64], obbligatoria: bool| -> Option<i64> {
        match f.persona.trim().parse::<i64>() {
            Ok(id) if staff.contains(&id) => Some(id),
            _ if !obbligatoria && f.persona.trim().is_empty() => None,
            _ => {
                e.add("persona", "Scegliere una persona del personale.");
                None
            }
        }
    };
    let parte = match parte {
        "comuni" => {
            let t = ctx.state.territorio.get();
            let k = crate::text::normalize(&f.comune);
            let c = t
                .comune(f.comune.trim())
                .or_else(|| t.comuni.iter().find(|c| !k.is_empty() && c.nome_norm == k));
            match c {
                Some(c) => NuovaParte::Comune { comune_id: c.id },
                None => {
                    e.add(
                        "comune",
                        "Comune non trovato: scriverne il nome o il codice ISTAT.",
                    );
                    NuovaParte::Comune { comune_id: 0 }
                }
            }
        }
        "staff" => {
            let staff = ids_personale(ctx).await?;
            let persona_id = persona(&mut e, &staff, true).unwrap_or(0);
            let mesi = match f.mesi.trim() {
                "" => 0.0,
                v => crate::fmt::parse_numero(v)
                    .filter(|m| (0.0..=1000.0).contains(m))
                    .unwrap_or_else(|| {
                        e.add(
                            "mesi",
                            "Indicare i mesi/persona con un numero (es. 6 o 2,5).",
                        );
                        0.0
                    }),
            };
            NuovaParte::Staff {
                persona_id,
                ruolo: non_empty(&f.ruolo),
                mesi_persona: mesi,
            }
        }
        "partner" => {
            use piazza_db::entities::organizzazione;
            let nome = crate::text::normalize(&f.organizzazione);
            let org = if nome.is_empty() {
                None
            } else {
                organizzazione::Entity::find()
                    .filter(organizzazione::Column::NomeNorm.eq(nome))
                    .one(db)
                    .await?
            };
            if org.is_none() {
                e.add(
                    "organizzazione",
                    "Organizzazione non trovata in Anagrafica: scriverne il nome esatto o aggiungerla prima.",
                );
            }
            let paese = model::paese(&f.paese).unwrap_or_else(|| {
                e.add(
                    "paese",
                    "Indicare il paese con il codice di due lettere (IT, FR, TN...).",
                );
                String::new()
            });
            let ruolo = model::codice(model::RUOLI_PARTNER, &f.ruolo).unwrap_or_else(|| {
                e.add("ruolo", "Scegliere il ruolo del partner.");
                ""
            });
            let quota = match f.quota.trim() {
                "" => 0,
                v => model::parse_euro(v).unwrap_or_else(|m| {
                    e.add("quota", m);
                    0
                }),
            };
            NuovaParte::Partner {
                organizzazione_id: org.map(|o| o.id).unwrap_or(0),
                paese,
                ruolo: ruolo.into(),
                quota,
            }
        }
        "wp" => {
            let titolo = testo(
                &mut e,
                "titolo",
                &f.titolo,
                "Indicare il titolo del work package.",
            );
            let inizio = e.date("inizio", &f.inizio);
            let fine = e.date("fine", &f.fine);
            if let (Some(i), Some(x)) = (inizio, fine)
                && x < i
            {
                e.add("fine", "La fine viene prima dell'inizio.");
            }
            NuovaParte::Wp {
                titolo,
                inizio,
                fine,
            }
        }
        "scadenze" => {
            let tipo = model::codice(model::TIPI_SCADENZA, &f.tipo).unwrap_or_else(|| {
                e.add("tipo", "Scegliere milestone o deliverable.");
                ""
            });
            let codice = testo(
                &mut e,
                "codice",
                &f.codice,
                "Indicare il codice (es. M1, D2.1).",
            );
            let titolo = testo(&mut e, "titolo", &f.titolo, "Indicare il titolo.");
            let scadenza = obbligatoria(&mut e, "scadenza", &f.scadenza);
            let wp_id = match f.wp.trim() {
                "" => None,
                v => v.parse().ok().or_else(|| {
                    e.add("wp", "Work package non valido.");
                    None
                }),
            };
            NuovaParte::Scadenza {
                tipo: tipo.into(),
                codice,
                titolo,
                scadenza: scadenza.unwrap_or_default(),
                wp_id,
            }
        }
        "periodi" => {
            let dal = obbligatoria(&mut e, "inizio", &f.inizio);
            let al = obbligatoria(&mut e, "fine", &f.fine);
            let scadenza = obbligatoria(&mut e, "scadenza", &f.scadenza);
            if let (Some(i), Some(x)) = (dal, al)
                && x < i
            {
                e.add("fine", "La fine del periodo viene prima dell'inizio.");
            }
            if let (Some(x), Some(s)) = (al, scadenza)
                && s < x
            {
                e.add(
                    "scadenza",
                    "La scadenza della rendicontazione viene prima della fine del periodo.",
                );
            }
            let richiesto = match f.richiesto.trim() {
                "" => None,
                v => model::parse_euro(v).map(Some).unwrap_or_else(|m| {
                    e.add("richiesto", m);
                    None
                }),
            };
            NuovaParte::Periodo {
                dal: dal.unwrap_or_default(),
                al: al.unwrap_or_default(),
                scadenza: scadenza.unwrap_or_default(),
                richiesto,
            }
        }
        "continuita" => {
            let staff = ids_personale(ctx).await?;
            let azione = testo(
                &mut e,
                "azione",
                &f.azione,
                "Descrivere l'azione di continuità.",
            );
            let data = obbligatoria(&mut e, "scadenza", &f.scadenza);
            NuovaParte::Continuita {
                azione,
                responsabile_id: persona(&mut e, &staff, false),
                data: data.unwrap_or_default(),
            }
        }
        _ => return Err(AppError::NotFound),
    };
    Ok(if e.is_empty() { Ok(parte) } else { Err(e) })
}

pub async fn parte_aggiungi(
    ctx: Ctx,
    Path((id, parte)): Path<(String, String)>,
    Form(f): Form<ParteForm>,
) -> AppResult<Response> {
    let p = progetto_modificabile(&ctx, &id).await?;
    if !store::PARTI.contains(&parte.as_str()) {
        return Err(AppError::NotFound);
    }
    match valida_parte(&ctx, &parte, &f).await? {
        Ok(n) => match store::aggiungi_parte(&ctx.state.db, &ctx.actor(), &p, n).await {
            Ok(()) => Ok(see_other(&format!("/progetti/{id}#{parte}"))),
            Err(AppError::Conflict(m)) => {
                let mut e = FormErrors::default();
                e.add("generale", m);
                render_invalid(&pagina_progetto(&ctx, p, &parte, f, e).await?)
            }
            Err(e) => Err(e),
        },
        Err(e) => render_invalid(&pagina_progetto(&ctx, p, &parte, f, e).await?),
    }
}

pub async fn parte_elimina(
    ctx: Ctx,
    Path((id, parte, pid)): Path<(String, String, i64)>,
) -> AppResult<Response> {
    let p = progetto_modificabile(&ctx, &id).await?;
    store::elimina_parte(&ctx.state.db, &ctx.actor(), &p, &parte, pid).await?;
    Ok(see_other(&format!("/progetti/{id}#{parte}")))
}

#[derive(Debug, Default, Deserialize)]
pub struct AvanzamentoForm {
    #[serde(default)]
    stato: String,
    #[serde(default)]
    richiesto: String,
    #[serde(default)]
    ricevuto: String,
    #[serde(default)]
    fatta: Option<String>,
}

/// Changes the state of a part: a milestone/deliverable done, a work package's progress, the
/// amounts of a reporting period, a continuity action done.
pub async fn parte_aggiorna(
    ctx: Ctx,
    Path((id, parte, pid)): Path<(String, String, i64)>,
    Form(f): Form<AvanzamentoForm>,
) -> AppResult<Response> {
    let p = progetto_modificabile(&ctx, &id).await?;
    let bad = |m: &str| AppError::BadRequest(m.to_owned());
    let stato = |c: Catalogo| -> AppResult<String> {
        model::codice(c, &f.stato)
            .map(str::to_owned)
            .ok_or_else(|| bad("Stato non valido."))
    };
    let importo = |v: &str| -> AppResult<Option<i64>> {
        match v.trim() {
            "" => Ok(None),
            v => model::parse_euro(v).map(Some).map_err(AppError::BadRequest),
        }
    };
    let a = match parte.as_str() {
        "scadenze" => {
            let s = stato(model::STATI_SCADENZA)?;
            store::Avanzamento::Scadenza {
                completata_il: (s == "completata").then(today),
                stato: s,
            }
        }
        "wp" => store::Avanzamento::Wp {
            stato: stato(model::STATI_WP)?,
        },
        "periodi" => store::Avanzamento::Periodo {
            stato: stato(model::STATI_PERIODO)?,
            richiesto: importo(&f.richiesto)?,
            ricevuto: importo(&f.ricevuto)?,
        },
        "continuita" => store::Avanzamento::Continuita {
            fatta: f.fatta.is_some(),
        },
        _ => return Err(AppError::NotFound),
    };
    store::avanza(&ctx.state.db, &ctx.actor(), &p, pid, a).await?;
    Ok(see_other(&format!("/progetti/{id}#{parte}")))
}

#[derive(Debug, Default, Deserialize)]
pub struct CollegaForm {
    #[serde(default)]
    obiettivo: String,
}

/// Links the project to an objective of the plan (the link lives on the objective).
pub async fn obiettivo_collega(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CollegaForm>,
) -> AppResult<Response> {
    let p = progetto_modificabile(&ctx, &id).await?;
    ctx.require_edit(PIANO, None)?;
    let o = piazza_db::entities::obiettivo::Entity::find()
        .filter(piazza_db::entities::obiettivo::Column::PublicId.eq(f.obiettivo.trim()))
        .one(&ctx.state.db)
        .await?
        .ok_or_else(|| AppError::BadRequest("Scegliere un obiettivo del piano.".into()))?;
    crate::piano::store::collega(&ctx.state.db, &ctx.actor(), &o, "progetto", &p.public_id).await?;
    Ok(see_other(&format!("/progetti/{id}#obiettivi-collegati")))
}

// ---- timeline ----

#[derive(Template)]
#[template(path = "progetti/gantt.html")]
struct GanttPage {
    chrome: Chrome,
    azione_filtri: &'static str,
    anno_fisso: Option<i32>,
    schede: Vec<Scheda>,
    anno: i32,
    anni: Vec<i32>,
    svg: String,
    righe: Vec<RigaVista>,
    pager: Pager,
    filtri: Filtri,
}

pub async fn gantt_page(ctx: Ctx, Query(q): Query<FiltroQuery>) -> AppResult<Response> {
    let vis = visibilita(&ctx)?;
    let oggi = today();
    let mut f = q.filtro(&ctx).await?;
    let db = &ctx.state.db;
    let anno = match f.anno {
        Some(a) => a,
        None => store::anno_predefinito(db, &vis, oggi).await?,
    };
    f.anno = Some(anno);
    let c = Contesto::carica(db, &ctx.state.config).await?;
    let totale = store::conta(db, &f, &vis).await?;
    let mut params = q.params();
    params.retain(|(k, _)| *k != "anno");
    params.push(("anno", anno.to_string()));
    let pager = Pager::new(
        "/progetti/gantt",
        &params,
        q.pagina.as_deref(),
        q.per_pagina.as_deref(),
        totale as usize,
    );
    let righe = store::gantt(
        db,
        &c,
        anno,
        &f,
        &vis,
        pager.offset() as u64,
        pager.per_pagina as u64,
    )
    .await?;
    let linee: Vec<(NaiveDate, String)> = c
        .rischio
        .finestre
        .iter()
        .map(|w| (w.fine_legislatura, w.titolo.clone()))
        .collect();
    let svg_righe: Vec<gantt::Riga> = righe
        .iter()
        .map(|g| {
            let p = &g.r.p;
            let mut marcatori: Vec<gantt::Marcatore> = g
                .scadenze
                .iter()
                .map(|s| gantt::Marcatore {
                    data: s.scadenza,
                    tipo: if s.tipo == "milestone" {
                        "milestone"
                    } else {
                        "deliverable"
                    },
                    titolo: format!("{} {}", s.codice, s.titolo),
                })
                .collect();
            marcatori.extend(g.periodi.iter().map(|x| gantt::Marcatore {
                data: x.scadenza,
                tipo: "rendicontazione",
                titolo: format!("rendicontazione del periodo {}", x.numero),
            }));
            gantt::Riga {
                etichetta: p.acronimo.clone(),
                descrizione: format!("{} — {}", p.acronimo, p.titolo),
                url: format!("/progetti/{}", p.public_id),
                inizio: p.data_inizio,
                fine: p.data_fine,
                a_rischio: !g.r.rischio.is_empty(),
                marcatori,
            }
        })
        .collect();
    let programmi = c.programmi_per_nome();
    let mut anni: Vec<i32> = (anno - 4..=anno + 4).collect();
    for w in &c.rischio.finestre {
        anni.push(w.fine_legislatura.year());
    }
    anni.push(oggi.year());
    anni.sort_unstable();
    anni.dedup();
    render(&GanttPage {
        azione_filtri: "/progetti/gantt",
        anno_fisso: Some(anno),
        chrome: ctx.chrome(
            format!("Cronoprogramma {anno}"),
            &[CRUMB, ("Cronoprogramma", "/progetti/gantt")],
        ),
        schede: schede(&ctx, "/progetti/gantt"),
        svg: gantt::svg(anno, &svg_righe, oggi, &linee),
        righe: righe.iter().map(|g| riga_vista(&g.r)).collect(),
        filtri: filtri(&ctx, &q, &programmi).await?,
        anno,
        anni,
        pager,
    })
}

// ---- deadlines and calendar feeds ----

#[derive(Debug, Default, Deserialize)]
pub struct ScadenzeQuery {
    #[serde(default)]
    dal: String,
    #[serde(default)]
    al: String,
    /// One kind of deadline only (`Rendicontazione`, `Milestone`, ...).
    #[serde(default)]
    tipo: String,
}

/// The kinds of deadline, as `store::Scadenza::categoria` names them.
const CATEGORIE_SCADENZA: &[&str] = &[
    "Rendicontazione",
    "Milestone",
    "Deliverable",
    "Fine progetto",
    "Bando",
];

pub struct RigaScadenza {
    pub data: String,
    pub categoria: &'static str,
    pub titolo: String,
    pub url: String,
    pub fatta: bool,
    pub passata: bool,
}

#[derive(Template)]
#[template(path = "progetti/scadenze.html")]
struct ScadenzePage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    dal: String,
    al: String,
    righe: Vec<RigaScadenza>,
    feed: String,
    /// When the default window is empty: the nearest deadline and a window around it.
    vicina: Option<(String, String)>,
    tipi: Vec<Opzione>,
    /// The deadlines of next month (query string of this page).
    prossimo_mese: String,
}

/// The deadlines between two dates (by default the next 60 days) and the calendar feed to
/// subscribe to.
pub async fn scadenze(ctx: Ctx, Query(q): Query<ScadenzeQuery>) -> AppResult<Response> {
    let vis = visibilita(&ctx)?;
    let oggi = today();
    let mut e = FormErrors::default();
    let dal = e.date("dal", &q.dal).unwrap_or(oggi);
    let al = e
        .date("al", &q.al)
        .unwrap_or_else(|| dal.checked_add_days(chrono::Days::new(60)).unwrap_or(dal));
    if let Some(m) = e.0.values().next() {
        return Err(AppError::BadRequest(m.clone()));
    }
    let u = ctx.require_login()?;
    let token = store::token_calendario(&ctx.state.db, u.id).await?;
    let tipo = match q.tipo.trim() {
        "" => None,
        t => Some(
            *CATEGORIE_SCADENZA
                .iter()
                .find(|c| c.eq_ignore_ascii_case(t))
                .ok_or_else(|| {
                    AppError::BadRequest(format!("Tipo di scadenza «{t}» sconosciuto."))
                })?,
        ),
    };
    let mut righe = store::scadenze(&ctx.state.db, &vis, None, Some(dal), Some(al)).await?;
    righe.retain(|s| tipo.is_none_or(|t| s.categoria == t));
    // Next month, for the quick links.
    let primo = oggi.with_day(1).unwrap_or(oggi);
    let mese_dopo = primo
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(primo);
    let fine_mese_dopo = mese_dopo
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(mese_dopo);
    let prossimo_mese = format!(
        "/progetti/scadenze?dal={}&al={}",
        fmt::date(mese_dopo),
        fmt::date(fine_mese_dopo)
    );
    // Nothing in the default window: point to the nearest deadline there is.
    let vicina = if righe.is_empty() && q.dal.is_empty() && q.al.is_empty() {
        let tutte = store::scadenze(&ctx.state.db, &vis, None, None, None).await?;
        tutte
            .iter()
            .find(|s| s.data >= oggi)
            .or(tutte.last())
            .map(|s| s.data)
    } else {
        None
    };
    render(&ScadenzePage {
        tipi: CATEGORIE_SCADENZA
            .iter()
            .map(|c| Opzione {
                valore: (*c).into(),
                nome: (*c).into(),
                scelta: Some(*c) == tipo,
            })
            .collect(),
        prossimo_mese,
        vicina: vicina.map(|d| {
            let da = d.checked_sub_days(chrono::Days::new(30)).unwrap_or(d);
            let a = d.checked_add_days(chrono::Days::new(30)).unwrap_or(d);
            (
                fmt::date(d),
                format!(
                    "/progetti/scadenze?dal={}&al={}",
                    fmt::date(da),
                    fmt::date(a)
                ),
            )
        }),
        chrome: ctx.chrome("Scadenze", &[CRUMB, ("Scadenze", "/progetti/scadenze")]),
        schede: schede(&ctx, "/progetti/scadenze"),
        dal: fmt::date(dal),
        al: fmt::date(al),
        righe: righe
            .into_iter()
            .map(|s| RigaScadenza {
                data: fmt::date(s.data),
                categoria: s.categoria,
                url: s
                    .progetto
                    .map(|(id, _)| format!("/progetti/{id}"))
                    .unwrap_or_else(|| "/progetti/bandi".into()),
                titolo: s.titolo,
                fatta: s.fatta,
                passata: s.data < oggi,
            })
            .collect(),
        feed: format!(
            "{}/progetti/calendario.ics?token={token}",
            ctx.state
                .config
                .associazione
                .public_url
                .trim_end_matches('/')
        ),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// The user of a calendar request: the session, or the secret token of the feed URL.
async fn utente_calendario(ctx: &Ctx, q: &TokenQuery) -> AppResult<Principal> {
    if let Some(u) = &ctx.user {
        return Ok(u.clone());
    }
    let Some(token) = q.token.as_deref().filter(|t| !t.is_empty()) else {
        ctx.require_login()?;
        return Err(AppError::Forbidden);
    };
    let uid = store::utente_del_token(&ctx.state.db, token)
        .await?
        .ok_or(AppError::Forbidden)?;
    crate::auth::store::load_principal(&ctx.state.db, uid)
        .await?
        .ok_or(AppError::Forbidden)
}

fn ics(nome: &str, s: Vec<store::Scadenza>, base: &str) -> Response {
    let eventi: Vec<ical::Evento> = s
        .into_iter()
        .map(|x| ical::Evento {
            uid: x.uid,
            data: x.data,
            descrizione: x
                .progetto
                .as_ref()
                .map(|(_, a)| format!("Progetto {a}"))
                .unwrap_or_default(),
            url: x.progetto.map(|(id, _)| format!("{base}/progetti/{id}")),
            titolo: x.titolo,
            categoria: x.categoria,
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        ical::calendario(nome, &eventi, chrono::Utc::now()),
    )
        .into_response()
}

/// Every deadline of the office (of the projects the user may see), as iCalendar.
pub async fn calendario_ics(ctx: Ctx, Query(q): Query<TokenQuery>) -> AppResult<Response> {
    let u = utente_calendario(&ctx, &q).await?;
    let vis = visibilita_di(&u).ok_or(AppError::Forbidden)?;
    let s = store::scadenze(&ctx.state.db, &vis, None, None, None).await?;
    let base = ctx
        .state
        .config
        .associazione
        .public_url
        .trim_end_matches('/')
        .to_owned();
    Ok(ics(
        &format!(
            "Scadenze progetti — {}",
            ctx.state.config.associazione.nome_associazione
        ),
        s,
        &base,
    ))
}

/// The deadlines of one project, as iCalendar.
pub async fn progetto_ics(
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<TokenQuery>,
) -> AppResult<Response> {
    let u = utente_calendario(&ctx, &q).await?;
    let vis = visibilita_di(&u).ok_or(AppError::Forbidden)?;
    let p = store::per_public_id(&ctx.state.db, &id).await?;
    if !store::visibile(&ctx.state.db, &p, &vis).await? {
        return Err(AppError::Forbidden);
    }
    let s = store::scadenze(&ctx.state.db, &vis, Some(&p), None, None).await?;
    let base = ctx
        .state
        .config
        .associazione
        .public_url
        .trim_end_matches('/')
        .to_owned();
    Ok(ics(&format!("Scadenze {}", p.acronimo), s, &base))
}

// ---- legislature risk ----

pub struct VoceRischio {
    pub v: RigaVista,
    pub comuni: String,
    pub staff: String,
    pub continuita: Vec<(String, bool)>,
}

#[derive(Template)]
#[template(path = "progetti/rischio.html")]
struct RischioPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    finestre: Vec<String>,
    righe: Vec<VoceRischio>,
    budget_fmt: String,
    quota_fmt: String,
    n_comuni: usize,
    senza_piano: usize,
}

/// The risk report as a spreadsheet (Italian CSV), one row per project at risk.
pub async fn rischio_csv(ctx: Ctx) -> AppResult<Response> {
    let vis = visibilita(&ctx)?;
    let db = &ctx.state.db;
    let c = Contesto::carica(db, &ctx.state.config).await?;
    let righe = store::a_rischio(db, &c, &vis).await?;
    let t = ctx.state.territorio.get();
    let mut tab = Table::new(&[
        "Codice",
        "Acronimo",
        "Programma",
        "Stato",
        "Inizio",
        "Fine",
        "Motivo",
        "Budget totale (€)",
        "Quota associazione (€)",
        "Comuni",
        "Personale (mesi/persona)",
        "Piano di continuità",
    ]);
    for r in &righe {
        let p = &r.r.p;
        tab.rows.push(vec![
            p.codice.clone().into(),
            p.acronimo.clone().into(),
            r.r.programma.clone().into(),
            model::nome(model::STATI, &p.stato).into(),
            p.data_inizio.into(),
            p.data_fine.into(),
            r.r.rischio
                .iter()
                .map(|m| m.descrizione())
                .collect::<Vec<_>>()
                .join("; ")
                .into(),
            Cell::Dec(p.budget_totale as f64 / 100.0, 2),
            Cell::Dec(p.quota_associazione as f64 / 100.0, 2),
            r.comuni
                .iter()
                .filter_map(|id| t.comune_by_id(*id).map(|c| c.nome.clone()))
                .collect::<Vec<_>>()
                .join(", ")
                .into(),
            r.staff
                .iter()
                .map(|(n, m)| format!("{n} ({})", fmt::numero(*m)))
                .collect::<Vec<_>>()
                .join(", ")
                .into(),
            r.continuita
                .iter()
                .map(|(x, _)| format!("{} entro il {}", x.azione, fmt::date(x.data)))
                .collect::<Vec<_>>()
                .join("; ")
                .into(),
        ]);
    }
    Ok(csv_response(&tab, "progetti-rischio-legislatura.csv"))
}

pub async fn rischio(ctx: Ctx) -> AppResult<Response> {
    let vis = visibilita(&ctx)?;
    let db = &ctx.state.db;
    let c = Contesto::carica(db, &ctx.state.config).await?;
    let righe = store::a_rischio(db, &c, &vis).await?;
    let t = ctx.state.territorio.get();
    let mut comuni: Vec<i64> = righe
        .iter()
        .flat_map(|r| r.comuni.iter().copied())
        .collect();
    comuni.sort_unstable();
    comuni.dedup();
    render(&RischioPage {
        chrome: ctx.chrome(
            "Rischio cambio legislatura",
            &[CRUMB, ("Rischio legislatura", "/progetti/rischio")],
        ),
        schede: schede(&ctx, "/progetti/rischio"),
        finestre: c
            .rischio
            .finestre
            .iter()
            .map(|w| {
                format!(
                    "{} ({}): finestra dal {} al {}",
                    w.titolo,
                    fmt::date(w.fine_legislatura),
                    fmt::date(w.dal),
                    fmt::date(w.al)
                )
            })
            .collect(),
        budget_fmt: fmt::euro_intero(righe.iter().map(|r| r.r.p.budget_totale).sum()),
        quota_fmt: fmt::euro_intero(righe.iter().map(|r| r.r.p.quota_associazione).sum()),
        n_comuni: comuni.len(),
        senza_piano: righe.iter().filter(|r| r.continuita.is_empty()).count(),
        righe: righe
            .iter()
            .map(|r| VoceRischio {
                v: riga_vista(&r.r),
                comuni: if r.comuni.len() > 8 {
                    format!("{} comuni", r.comuni.len())
                } else {
                    r.comuni
                        .iter()
                        .filter_map(|id| t.comune_by_id(*id).map(|c| c.nome.clone()))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                staff: r
                    .staff
                    .iter()
                    .map(|(n, m)| format!("{n} ({} m/p)", fmt::numero(*m)))
                    .collect::<Vec<_>>()
                    .join(", "),
                continuita: r
                    .continuita
                    .iter()
                    .map(|(x, n)| {
                        (
                            format!(
                                "{} — entro il {}{}",
                                x.azione,
                                fmt::date(x.data),
                                n.as_ref().map(|n| format!(", {n}")).unwrap_or_default()
                            ),
                            x.fatta,
                        )
                    })
                    .collect(),
            })
            .collect(),
    })
}

// ---- budget ----

pub struct RigaBudget {
    pub programma: String,
    pub celle: Vec<String>,
    pub totale: String,
}

#[derive(Template)]
#[template(path = "progetti/budget.html")]
struct BudgetPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    anni: Vec<i32>,
    righe: Vec<RigaBudget>,
    totali: Vec<String>,
    totale: String,
    grafico: String,
}

/// An amount in thousands of euro for a chart label: `1.235 k€`.
fn migliaia(cents: i64) -> String {
    format!("{} k€", fmt::int((cents as f64 / 100_000.0).round() as i64))
}

/// Bars of the yearly totals as SVG.
fn grafico_anni(anni: &[i32], totali: &[i64]) -> String {
    use std::fmt::Write as _;
    let max = totali.iter().copied().max().unwrap_or(0).max(1) as f64;
    let w = 60.0;
    let h = 180.0;
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {:.0} {:.0}" width="100%" role="img" aria-label="Quota dell'associazione per anno" font-size="11" font-family="Titillium Web, sans-serif">"##,
        anni.len() as f64 * w + 20.0,
        h + 40.0
    );
    for (i, (a, t)) in anni.iter().zip(totali).enumerate() {
        let bh = *t as f64 / max * h;
        let x = 10.0 + i as f64 * w;
        let _ = write!(
            s,
            r##"<g><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="#2a6cb0"/><text x="{:.1}" y="{:.0}" text-anchor="middle">{a}</text><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="9" fill="#17324d">{}</text><title>{a}: {}</title></g>"##,
            x + 8.0,
            h + 10.0 - bh,
            w - 16.0,
            x + w / 2.0,
            h + 26.0,
            x + w / 2.0,
            (h + 6.0 - bh).max(9.0),
            migliaia(*t),
            crate::text::esc(&fmt::euro(*t))
        );
    }
    s.push_str("</svg>");
    s
}

pub async fn budget(ctx: Ctx) -> AppResult<Response> {
    let vis = visibilita(&ctx)?;
    let (anni, per) = store::budget(&ctx.state.db, &vis).await?;
    let totali: Vec<i64> = anni
        .iter()
        .map(|a| {
            per.iter()
                .map(|(_, m, _)| m.get(a).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let totale: i64 = totali.iter().sum();
    render(&BudgetPage {
        chrome: ctx.chrome(
            "Budget per programma",
            &[CRUMB, ("Budget", "/progetti/budget")],
        ),
        schede: schede(&ctx, "/progetti/budget"),
        righe: per
            .iter()
            .map(|(g, m, t)| RigaBudget {
                programma: g.nome.clone(),
                celle: anni
                    .iter()
                    .map(|a| m.get(a).map(|c| fmt::euro_intero(*c)).unwrap_or_default())
                    .collect(),
                totale: fmt::euro_intero(*t),
            })
            .collect(),
        grafico: grafico_anni(&anni, &totali),
        totali: totali.iter().map(|t| fmt::euro_intero(*t)).collect(),
        totale: fmt::euro_intero(totale),
        anni,
    })
}

// ---- calls and proposals ----

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

// ---- programme catalogue ----

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

// ---- import ----

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
    let bytes = crate::view::campi_multipart(multipart, MAX_UPLOAD)
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
        .map_err(|e| AppError::Internal(format!("lettura del foglio interrotta: {e}")))?;
    let foglio = match letto {
        Ok(f) => f,
        Err(m) => return render_invalid(&errore(vec![m])),
    };
    let db = &ctx.state.db;
    let programmi = store::programmi(db).await?;
    let persone = ctx.state.personale().await?;
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

// ---- map ----

#[derive(Template)]
#[template(path = "progetti/mappa.html")]
struct MappaPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    mappa: crate::territorio::model::MappaPronta,
}

/// The projects per comune on the map of the region (what the user may see).
pub async fn mappa(ctx: Ctx) -> AppResult<Response> {
    let vis = visibilita(&ctx)?;
    let conteggi = store::per_comune(&ctx.state.db, &vis).await?;
    let t = ctx.state.territorio.get();
    let layer = layer_progetti(&t, &conteggi);
    render(&MappaPage {
        chrome: ctx.chrome(
            "Progetti per comune",
            &[CRUMB, ("Mappa", "/progetti/mappa")],
        ),
        schede: schede(&ctx, "/progetti/mappa"),
        mappa: crate::territorio::model::MappaPronta {
            svg: t.render_map(&layer),
            titolo: layer.titolo,
            classi: layer.classi,
        },
    })
}

/// The map layer "projects per comune": classes 1, 2–3, 4–6, 7–10, more.
pub fn layer_progetti(
    t: &crate::territorio::Territorio,
    conteggi: &HashMap<i64, i64>,
) -> crate::territorio::map::Layer {
    use crate::territorio::map::{Classe, Layer, SEQUENTIAL};
    let limiti = [1, 2, 4, 7, 11];
    let etichette = ["1", "2 – 3", "4 – 6", "7 – 10", "11 e oltre"];
    let mut valori = HashMap::new();
    for c in &t.comuni {
        if let Some(n) = conteggi.get(&c.id).filter(|n| **n > 0) {
            let classe = limiti.iter().take_while(|l| *n >= **l).count() - 1;
            valori.insert(
                c.codice_istat.clone(),
                (
                    classe,
                    if *n == 1 {
                        "1 progetto".to_owned()
                    } else {
                        format!("{n} progetti")
                    },
                ),
            );
        }
    }
    Layer {
        titolo: "Progetti per comune".into(),
        classi: etichette
            .iter()
            .zip(SEQUENTIAL)
            .map(|(e, c)| Classe {
                etichetta: (*e).into(),
                colore: c,
            })
            .collect(),
        valori,
        etichette: Vec::new(),
    }
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
