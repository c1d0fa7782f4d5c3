//! A project: the form to create and change it, its deletion, and its page with the work
//! plan.

use std::collections::HashMap;

use askama::Template;
use axum::response::Response;
use chrono::Datelike;
use piazza_db::entities::{progetto, progetto_periodo, progetto_scadenza, programma};
use sea_orm::{EntityTrait, QueryOrder};
use serde::Deserialize;

use super::parti::ParteForm;
use super::portafoglio::{RigaVista, periodo, riga_vista};
use super::{
    CRUMB, ids_personale, opzioni, opzioni_persone, opzioni_programmi, progetto_modificabile,
    progetto_visibile,
};
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::{Form, Path, Query};
use crate::kit::fmt;
use crate::kit::fmt::oggi as today;
use crate::kit::moduli::{PIANO, PROGETTI};
use crate::kit::view::{Chrome, Ctx, FormErrors, Opzione, render, render_invalid, see_other};
use crate::progetti::model::{self, DatiProgetto, ProgettoForm};
use crate::progetti::store::{self, Contesto};

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
    let persone = crate::anagrafica::personale(&ctx.state).await?;
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
pub(super) struct ProgettoPage {
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

pub(super) async fn pagina_progetto(
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
    let anagrafica = ctx.can_read(crate::kit::moduli::ANAGRAFICA);
    let puo_modificare = ctx.can_edit(PROGETTI, None);
    let wp_nome: HashMap<i64, String> =
        s.wp.iter()
            .map(|w| (w.id, format!("WP{}", w.numero)))
            .collect();
    let persone = if puo_modificare {
        crate::anagrafica::personale(&ctx.state).await?
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
        crate::piano::routes::obiettivi_scelta(ctx).await?
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
            crate::kit::error::urlencode(&p.codice)
        ),
        p,
    })
}

pub async fn progetto(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let (p, _) = progetto_visibile(&ctx, &id).await?;
    render(&pagina_progetto(&ctx, p, "", ParteForm::default(), FormErrors::default()).await?)
}
