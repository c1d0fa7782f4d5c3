//! The organiser's side of an event: participants by state with their decisions, exports,
//! partners and patronages, and a referente registering the staff of their comune.

use askama::Template;
use axum::response::Response;
use chrono::Utc;
use piazza_db::entities::registrazione;
use piazza_db::lavoro::Lavoro;
use serde::Deserialize;

use super::CRUMB;
use crate::eventi::model::RUOLI_PARTNER;
use crate::eventi::store;
use crate::kit::error::{AppError, AppResult};
use crate::kit::export::{Cell, Table, csv_response, xlsx_response};
use crate::kit::extract::{Form, Path};
use crate::kit::fmt;
use crate::kit::moduli::EVENTI;
use crate::kit::view::{
    Chrome, Ctx, FormErrors, Opzione, opzioni, render, render_invalid, see_other,
};
use crate::registrazioni::messaggi::Avvisi;
use crate::registrazioni::model::{
    RegistrazioneForm, TIPI_ORGANIZZAZIONE, mostra_codice, nome_tipo, stato,
};
use crate::registrazioni::store::{self as reg, Conteggi};

pub struct Riga {
    pub id: i64,
    pub nome: String,
    pub email: String,
    pub organizzazione: String,
    pub comune: String,
    pub stato: &'static str,
    pub stato_codice: String,
    pub codice: String,
    pub quando: String,
    /// «presente, 3 ore», «assente» (a seat held at an event that is over), or empty.
    pub presenza: String,
}

/// Attendance of `r` as the organisers read it.
fn presenza_di(
    r: &registrazione::Model,
    scansioni: Option<&Vec<piazza_db::entities::presenza::Model>>,
    sessioni: &[piazza_db::entities::offerta_sessione::Model],
    finito: bool,
) -> String {
    match scansioni {
        Some(s) if !s.is_empty() => {
            let m = reg::minuti(s, sessioni);
            format!(
                "presente, {}",
                crate::registrazioni::certificato::ore(m.min(i32::MAX as i64) as i32)
            )
        }
        _ if finito && stato::CON_POSTO.contains(&r.stato.as_str()) => "assente".into(),
        _ => String::new(),
    }
}

#[derive(Template)]
#[template(path = "eventi/partecipanti.html")]
struct PartecipantiPage {
    chrome: Chrome,
    id: String,
    titolo: String,
    c: Conteggi,
    capienza: i32,
    righe: Vec<Riga>,
    gestisce: bool,
    f: RegistrazioneForm,
    errors: FormErrors,
    tipi_org: Vec<Opzione>,
    comuni_referente: Vec<String>,
    /// Seats held per province and per type of organisation (of the rows shown).
    per_provincia: Vec<(String, usize)>,
    per_tipo: Vec<(&'static str, usize)>,
    questionario: Option<Questionario>,
}

/// The survey as the organisers read it.
struct Questionario {
    risposte: u64,
    partecipanti: u64,
    /// Question and average mark (as shown).
    medie: Vec<(&'static str, String)>,
    commenti: Vec<String>,
}

/// Seats held per province and per type of organisation.
type Figure = (Vec<(String, usize)>, Vec<(&'static str, usize)>);

/// What this user may see of the participants: all (the module's staff), or those of their
/// comuni (a referente). `None`: nothing.
fn comuni_visibili(ctx: &Ctx) -> AppResult<Option<Vec<i64>>> {
    let u = ctx.require_edit_some(EVENTI)?;
    if ctx.can_edit(EVENTI, None) {
        return Ok(None);
    }
    Ok(Some(u.comuni_referente().collect()))
}

async fn righe(
    ctx: &Ctx,
    offerta_id: i64,
    comuni: &Option<Vec<i64>>,
) -> AppResult<Vec<registrazione::Model>> {
    let tutte = reg::registrazioni(&ctx.state.db, offerta_id).await?;
    Ok(match comuni {
        None => tutte,
        Some(c) => tutte
            .into_iter()
            .filter(|r| r.comune_id.is_some_and(|id| c.contains(&id)))
            .collect(),
    })
}

async fn pagina(
    ctx: &Ctx,
    id: &str,
    f: RegistrazioneForm,
    errors: FormErrors,
) -> AppResult<PartecipantiPage> {
    let comuni = comuni_visibili(ctx)?;
    let s = store::scheda(&ctx.state.db, id).await?;
    let t = ctx.state.territorio.get();
    let regs = righe(ctx, s.o.id, &comuni).await?;
    let (per_provincia, per_tipo) = figure(&regs, &t);
    let scansioni = reg::presenze_offerta(&ctx.state.db, s.o.id).await?;
    let finito = reg::fine(&s.sessioni).is_some_and(|f| f <= Utc::now());
    // The survey is the organisers' (all answers): not shown to a referente.
    let questionario = if comuni.is_none() {
        let e = reg::esiti(&ctx.state.db, s.o.id).await?;
        (e.risposte > 0).then(|| Questionario {
            risposte: e.risposte,
            partecipanti: e.partecipanti,
            medie: reg::VOCI
                .iter()
                .zip(e.medie)
                .map(|((_, d), m)| (*d, fmt::decimal(m, 1)))
                .collect(),
            commenti: e.commenti,
        })
    } else {
        None
    };
    Ok(PartecipantiPage {
        per_provincia,
        per_tipo,
        questionario,
        chrome: ctx.chrome(
            "Partecipanti",
            &[
                CRUMB,
                (&s.e.titolo, &format!("/eventi/{id}")),
                ("Partecipanti", ""),
            ],
        ),
        id: id.to_owned(),
        titolo: s.e.titolo.clone(),
        c: reg::conteggi(&ctx.state.db, s.o.id).await?,
        capienza: s.o.capienza,
        righe: regs
            .into_iter()
            .map(|r| Riga {
                id: r.id,
                nome: format!("{} {}", r.cognome, r.nome),
                organizzazione: r
                    .organizzazione
                    .clone()
                    .unwrap_or_else(|| nome_tipo(&r.tipo_organizzazione).into()),
                comune: r
                    .comune_id
                    .and_then(|c| t.comune_by_id(c))
                    .map(|c| c.nome.clone())
                    .unwrap_or_default(),
                stato: stato::nome(&r.stato),
                codice: mostra_codice(&r.codice),
                quando: fmt::ora_italiana(r.creata_at),
                presenza: presenza_di(&r, scansioni.get(&r.id), &s.sessioni, finito),
                stato_codice: r.stato,
                email: r.email,
            })
            .collect(),
        gestisce: ctx.can_edit(EVENTI, None),
        tipi_org: opzioni(&TIPI_ORGANIZZAZIONE[..2], &f.tipo_organizzazione),
        comuni_referente: ctx
            .require_login()?
            .comuni_referente()
            .filter_map(|c| t.comune_by_id(c).map(|c| c.nome.clone()))
            .collect(),
        f,
        errors,
    })
}

/// Registrations holding a seat, per province (of their comune; «—» none) and per type.
fn figure(regs: &[registrazione::Model], t: &crate::territorio::Territorio) -> Figure {
    use std::collections::BTreeMap;
    let mut prov: BTreeMap<String, usize> = BTreeMap::new();
    let mut tipi: BTreeMap<&str, usize> = BTreeMap::new();
    for r in regs
        .iter()
        .filter(|r| stato::CON_POSTO.contains(&r.stato.as_str()))
    {
        let p = r
            .comune_id
            .and_then(|c| t.comune_by_id(c))
            .map_or_else(|| "—".to_owned(), |c| c.provincia.clone());
        *prov.entry(p).or_default() += 1;
        *tipi.entry(nome_tipo(&r.tipo_organizzazione)).or_default() += 1;
    }
    (prov.into_iter().collect(), tipi.into_iter().collect())
}

/// `/eventi/{id}/cartellini.pdf`: the badges of who holds a seat (of the rows this user sees).
pub async fn cartellini(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let comuni = comuni_visibili(&ctx)?;
    let s = store::scheda(&ctx.state.db, &id).await?;
    let mut regs = righe(&ctx, s.o.id, &comuni).await?;
    regs.sort_by(|a, b| (&a.cognome, &a.nome).cmp(&(&b.cognome, &b.nome)));
    let pdf = crate::registrazioni::certificato::cartellini(
        &s.e.titolo,
        &regs,
        &ctx.state.config.associazione.nome_associazione,
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"cartellini-{id}.pdf\""),
            ),
        ],
        pdf,
    )
        .into_response())
}

/// `/eventi/{id}/partecipanti`.
pub async fn partecipanti(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    render(
        &pagina(
            &ctx,
            &id,
            RegistrazioneForm::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

async fn tabella(ctx: &Ctx, id: &str) -> AppResult<Table> {
    let comuni = comuni_visibili(ctx)?;
    let s = store::scheda(&ctx.state.db, id).await?;
    let t = ctx.state.territorio.get();
    let regs = righe(ctx, s.o.id, &comuni).await?;
    let scelte = reg::scelte_sessioni(&ctx.state.db, s.o.id, None).await?;
    let scansioni = reg::presenze_offerta(&ctx.state.db, s.o.id).await?;
    let finito = reg::fine(&s.sessioni).is_some_and(|f| f <= Utc::now());
    Ok(Table {
        headers: vec![
            "Cognome",
            "Nome",
            "E-mail",
            "Organizzazione",
            "Tipo",
            "Comune",
            "Provincia",
            "Ruolo",
            "Stato",
            "Codice",
            "Registrata il",
            "Sessioni a posti limitati",
            "Presenza",
        ],
        rows: regs
            .into_iter()
            .map(|r| {
                let presenza = presenza_di(&r, scansioni.get(&r.id), &s.sessioni, finito);
                let sessioni = scelte
                    .get(&r.id)
                    .map(|v| {
                        v.iter()
                            .map(|(t, posto)| {
                                if *posto {
                                    t.clone()
                                } else {
                                    format!("{t} (senza posto)")
                                }
                            })
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                    .unwrap_or_default();
                let c = r.comune_id.and_then(|c| t.comune_by_id(c));
                vec![
                    Cell::Text(r.cognome),
                    Cell::Text(r.nome),
                    Cell::Text(r.email),
                    Cell::Text(r.organizzazione.unwrap_or_default()),
                    Cell::Text(nome_tipo(&r.tipo_organizzazione).into()),
                    Cell::Text(c.map(|c| c.nome.clone()).unwrap_or_default()),
                    Cell::Text(c.map(|c| c.sigla_provincia.clone()).unwrap_or_default()),
                    Cell::Text(r.ruolo.unwrap_or_default()),
                    Cell::Text(stato::nome(&r.stato).into()),
                    Cell::Text(mostra_codice(&r.codice)),
                    Cell::Text(fmt::ora_italiana(r.creata_at)),
                    Cell::Text(sessioni),
                    Cell::Text(presenza),
                ]
            })
            .collect(),
    })
}

pub async fn partecipanti_csv(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    Ok(csv_response(
        &tabella(&ctx, &id).await?,
        &format!("partecipanti-{id}.csv"),
    ))
}

pub async fn partecipanti_xlsx(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    xlsx_response(
        &tabella(&ctx, &id).await?,
        "Partecipanti",
        &format!("partecipanti-{id}.xlsx"),
    )
}

/// The organiser decides on a registration: `approva`, `respingi`, `annulla`.
pub async fn azione(
    ctx: Ctx,
    Path((id, rid, azione)): Path<(String, String, String)>,
) -> AppResult<Response> {
    ctx.require_edit(EVENTI, None)?;
    let rid: i64 = rid.parse().map_err(|_| AppError::NotFound)?;
    let s = store::scheda(&ctx.state.db, &id).await?;
    let uow = Lavoro::apri(&ctx.state.db, &ctx.actor()).await?;
    let r = reg::registrazione(&uow, rid)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.offerta_id != s.o.id {
        return Err(AppError::NotFound);
    }
    let avvisi = Avvisi::da(&ctx.state);
    let ora = Utc::now();
    match azione.as_str() {
        "approva" => {
            reg::approva(&uow, rid, &avvisi, ora).await?;
        }
        "respingi" => reg::respingi(&uow, rid, &avvisi, ora).await?,
        "annulla" => {
            reg::annulla(&uow, rid, &avvisi, ora).await?;
        }
        _ => return Err(AppError::NotFound),
    }
    uow.conferma().await?;
    Ok(see_other(&format!("/eventi/{id}/partecipanti")))
}

#[derive(Debug, Default, Deserialize)]
pub struct PartnerForm {
    #[serde(default)]
    organizzazione: String,
    #[serde(default)]
    ruolo: String,
}

/// Adds a partner or patronage (an organisation of Anagrafica, by its public id).
pub async fn partner_aggiungi(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<PartnerForm>,
) -> AppResult<Response> {
    ctx.require_edit(EVENTI, None)?;
    let s = store::scheda(&ctx.state.db, &id).await?;
    if !RUOLI_PARTNER.iter().any(|(k, _)| *k == f.ruolo) {
        return Err(AppError::BadRequest("Ruolo del partner non valido.".into()));
    }
    let org = match crate::anagrafica::store::organizzazione(&ctx.state.db, f.organizzazione.trim())
        .await
    {
        Err(AppError::NotFound) => {
            return Err(AppError::BadRequest(
                "Organizzazione non trovata in Anagrafica.".into(),
            ));
        }
        o => o?,
    };
    let uow = Lavoro::apri(&ctx.state.db, &ctx.actor()).await?;
    store::aggiungi_partner(&uow, s.e.id, org.id, &f.ruolo).await?;
    uow.conferma().await?;
    Ok(see_other(&format!("/eventi/{id}")))
}

/// A referente (or the staff) registers a person of a comune: confirmed at once, no e-mail
/// to confirm; a referente only for their comuni.
pub async fn registra_personale(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(mut f): Form<RegistrazioneForm>,
) -> AppResult<Response> {
    ctx.require_edit_some(EVENTI)?;
    let s = store::scheda(&ctx.state.db, &id).await?;
    // Consent is the referente's: they register colleagues of their own office.
    f.consenso = Some("1".into());
    let t = ctx.state.territorio.get();
    let mut n = match f.validate(&reg::domande(&s.o), &s.o.idoneita, |c| {
        t.trova(c).map(|c| c.id)
    }) {
        Ok(n) => n,
        Err(e) => return render_invalid(&pagina(&ctx, &id, f, e).await?),
    };
    n.sessioni = f.sessioni_scelte(&s.sessioni);
    if !ctx.can_edit(EVENTI, n.comune_id) {
        return Err(AppError::Forbidden);
    }
    let uow = Lavoro::apri(&ctx.state.db, &ctx.actor()).await?;
    match reg::registra(&uow, &s.o, n, true, &Avvisi::da(&ctx.state), Utc::now()).await {
        Ok(_) => uow.conferma().await?,
        Err(e) => {
            drop(uow);
            let e = FormErrors::da_errore(e, &["email", "tipo_organizzazione"])?;
            return render_invalid(&pagina(&ctx, &id, f, e).await?);
        }
    }
    Ok(see_other(&format!("/eventi/{id}/partecipanti")))
}
