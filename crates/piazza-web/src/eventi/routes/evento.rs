//! An event: its public page (programme, place, partners, the registration form) and the
//! organiser's form to create or change it.

use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use piazza_db::lavoro::Lavoro;

use super::{CRUMB, vede_bozze};
use crate::eventi::model::{self, EventoForm, RUOLI_PARTNER, STATI, TIPI, nome};
use crate::eventi::store;
use crate::kit::collegamenti::{self, Destinazione};
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::{Form, Path, Query};
use crate::kit::fmt;
use crate::kit::ical;
use crate::kit::moduli::EVENTI;
use crate::kit::view::{
    Chrome, Ctx, FormErrors, Opzione, opzioni, render, render_invalid, see_other,
};
use crate::registrazioni::messaggi::{Avvisi, quando};
use crate::registrazioni::model::{
    Domanda, IDONEITA, RegistrazioneForm, TIPI_ORGANIZZAZIONE, campo_sessione, scrivi_domande,
};
use crate::registrazioni::store as reg;

pub struct Sessione {
    pub titolo: String,
    pub quando: String,
    pub luogo: String,
    /// A session with its own seats: its form field, the free seats and whether it is ticked.
    pub scelta: Option<(String, i32, bool)>,
}

#[derive(Template)]
#[template(path = "eventi/evento.html")]
struct EventoPage {
    chrome: Chrome,
    s: store::Scheda,
    tipo: &'static str,
    stato: &'static str,
    quando: String,
    comune: String,
    sessioni: Vec<Sessione>,
    partner: Vec<(&'static str, String)>,
    liberi: i32,
    aperta: Result<(), String>,
    domande: Vec<Domanda>,
    tipi_org: Vec<Opzione>,
    f: RegistrazioneForm,
    errors: FormErrors,
    staff: bool,
    gestisce: bool,
    inviata: bool,
    ruoli_partner: Vec<Opzione>,
    /// Some sessions have their own seats: the form offers the choice.
    con_scelte: bool,
    /// The project the event belongs to, if this user may see it.
    progetto: Option<Destinazione>,
    obiettivi: std::sync::Arc<Vec<crate::piano::store::ObiettivoCollegato>>,
    obiettivi_scelta: Vec<Opzione>,
}

/// The project `chiave` names, as this user may see it (through the registry of linkable kinds).
async fn progetto_di(ctx: &Ctx, chiave: Option<&str>) -> AppResult<Option<Destinazione>> {
    let (Some(k), Some(t)) = (chiave, collegamenti::tipo(&ctx.state, "progetto")) else {
        return Ok(None);
    };
    Ok((t.risolvi)(&ctx.state, ctx.user.as_ref(), &[k.to_owned()])
        .await?
        .into_iter()
        .next())
}

/// The project typed in the form (acronym, code or words of the title) as its key: exactly
/// one project this user may see must match.
async fn trova_progetto(ctx: &Ctx, testo: &str) -> AppResult<Result<String, String>> {
    let Some(t) = collegamenti::tipo(&ctx.state, "progetto") else {
        return Ok(Err(
            "I progetti non sono attivi in questa installazione.".into()
        ));
    };
    let testo = testo.trim();
    let trovati = (t.cerca)(&ctx.state, ctx.user.as_ref(), testo).await?;
    let esatto = |d: &&Destinazione| {
        d.etichetta
            .split(" — ")
            .next()
            .is_some_and(|a| a.eq_ignore_ascii_case(testo))
    };
    Ok(match (trovati.iter().find(esatto), trovati.as_slice()) {
        (Some(d), _) | (None, [d]) => Ok(d.chiave.clone()),
        (None, []) => Err(format!("Nessun progetto corrisponde a «{testo}».")),
        (None, _) => Err(format!(
            "Più progetti corrispondono a «{testo}»: scrivi l'acronimo esatto."
        )),
    })
}

/// Validates the form, the project included.
async fn valida(ctx: &Ctx, f: &EventoForm) -> AppResult<Result<model::NuovoEvento, FormErrors>> {
    let mut n = match f.validate(comune_id(ctx)) {
        Ok(n) => n,
        Err(e) => return Ok(Err(e)),
    };
    if let Some(testo) = n.progetto.take() {
        match trova_progetto(ctx, &testo).await? {
            Ok(k) => n.progetto = Some(k),
            Err(m) => {
                let mut e = FormErrors::default();
                e.add("progetto", m);
                return Ok(Err(e));
            }
        }
    }
    Ok(Ok(n))
}

fn comune_id(ctx: &Ctx) -> impl Fn(&str) -> Option<i64> {
    let t = ctx.state.territorio.get();
    move |s| t.trova(s).map(|c| c.id)
}

async fn evento_page(
    ctx: &Ctx,
    id: &str,
    f: RegistrazioneForm,
    errors: FormErrors,
    inviata: bool,
) -> AppResult<EventoPage> {
    ctx.require_read(EVENTI)?;
    let s = store::scheda(&ctx.state.db, id).await?;
    if s.e.stato != "pubblicato" && !vede_bozze(ctx) {
        return Err(AppError::NotFound);
    }
    let partner = store::partner(&ctx.state.db, s.e.id)
        .await?
        .into_iter()
        .map(|(p, o)| (nome(RUOLI_PARTNER, &p.ruolo), o.nome))
        .collect();
    let t = ctx.state.territorio.get();
    let gestisce = ctx.can_edit(EVENTI, None);
    Ok(EventoPage {
        chrome: ctx.chrome(s.e.titolo.clone(), &[CRUMB, (&s.e.titolo, "")]),
        progetto: progetto_di(ctx, s.e.progetto.as_deref()).await?,
        obiettivi: crate::piano::routes::obiettivi_collegati(ctx, "evento", &s.e.public_id).await?,
        obiettivi_scelta: if gestisce {
            crate::piano::routes::obiettivi_scelta(ctx).await?
        } else {
            Vec::new()
        },
        tipo: nome(TIPI, &s.e.tipo),
        stato: nome(STATI, &s.e.stato),
        quando: quando(&s.sessioni),
        comune: s
            .e
            .comune_id
            .and_then(|c| t.comune_by_id(c))
            .map(|c| c.nome.clone())
            .unwrap_or_default(),
        sessioni: s
            .sessioni
            .iter()
            .map(|x| Sessione {
                titolo: x.titolo.clone(),
                quando: format!(
                    "{} – {}",
                    fmt::ora_italiana(x.inizio),
                    &fmt::ora_italiana(x.fine)[11..]
                ),
                luogo: x.luogo.clone().unwrap_or_default(),
                scelta: x.capienza.map(|c| {
                    let campo = campo_sessione(x.id);
                    let scelta = f.altri.contains_key(&campo);
                    (campo, (c - x.occupati).max(0), scelta)
                }),
            })
            .collect(),
        partner,
        liberi: (s.o.capienza - s.o.occupati).max(0),
        aperta: if s.e.stato == "pubblicato" {
            reg::aperta(&s.o, &s.sessioni, Utc::now())
        } else {
            Err("L'evento non è pubblicato: le registrazioni non sono aperte.".into())
        },
        domande: reg::domande(&s.o),
        tipi_org: opzioni(TIPI_ORGANIZZAZIONE, &f.tipo_organizzazione),
        staff: vede_bozze(ctx),
        gestisce,
        con_scelte: s.sessioni.iter().any(|x| x.capienza.is_some()),
        ruoli_partner: opzioni(RUOLI_PARTNER, "partner"),
        s,
        f,
        errors,
        inviata,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct Inviata {
    #[serde(default)]
    inviata: String,
}

/// `/eventi/{id}`: the public page.
pub async fn pagina(
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<Inviata>,
) -> AppResult<Response> {
    let inviata = !q.inviata.is_empty();
    render(
        &evento_page(
            &ctx,
            &id,
            RegistrazioneForm::default(),
            FormErrors::default(),
            inviata,
        )
        .await?,
    )
}

/// A person registers (public, rate-limited): the confirmation e-mail goes out; the answer
/// says the same whatever happens next, so the page tells nothing about other people.
pub async fn iscriviti(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<RegistrazioneForm>,
) -> AppResult<Response> {
    ctx.require_read(EVENTI)?;
    let s = store::scheda(&ctx.state.db, &id).await?;
    if s.e.stato != "pubblicato" {
        return Err(AppError::Conflict(
            "L'evento non è aperto alle registrazioni.".into(),
        ));
    }
    let mut n = match f.validate(&reg::domande(&s.o), &s.o.idoneita, comune_id(&ctx)) {
        Ok(n) => n,
        Err(e) => return render_invalid(&evento_page(&ctx, &id, f, e, false).await?),
    };
    n.sessioni = f.sessioni_scelte(&s.sessioni);
    let actor = piazza_db::audit::Actor::system(&format!("registrazione pubblica a {id}"));
    let uow = Lavoro::apri(&ctx.state.db, &actor).await?;
    match reg::registra(&uow, &s.o, n, false, &Avvisi::da(&ctx.state), Utc::now()).await {
        Ok(_) => uow.conferma().await?,
        Err(e) => {
            drop(uow);
            let e = FormErrors::da_errore(e, &["email", "sessioni", "tipo_organizzazione"])?;
            return render_invalid(&evento_page(&ctx, &id, f, e, false).await?);
        }
    }
    Ok(see_other(&format!("/eventi/{id}?inviata=1#registrazione")))
}

pub fn voci_ical(eventi: &[store::Scheda], base: &str) -> Vec<ical::Evento> {
    eventi
        .iter()
        .flat_map(|s| {
            s.sessioni.iter().map(move |x| ical::Evento {
                uid: format!("evento-{}-{}@piazza", s.e.public_id, x.id),
                quando: ical::Quando::Orario(x.inizio, x.fine),
                luogo: x.luogo.clone().or_else(|| s.e.indirizzo.clone()),
                titolo: if s.sessioni.len() > 1 {
                    format!("{} — {}", s.e.titolo, x.titolo)
                } else {
                    s.e.titolo.clone()
                },
                descrizione: s.e.descrizione.clone(),
                categoria: nome(TIPI, &s.e.tipo),
                url: Some(format!("{base}/eventi/{}", s.e.public_id)),
            })
        })
        .collect()
}

/// `/eventi/{id}/calendario.ics`: the event's sessions.
pub async fn evento_ics(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    ctx.require_read(EVENTI)?;
    let s = store::scheda(&ctx.state.db, &id).await?;
    if s.e.stato != "pubblicato" && !vede_bozze(&ctx) {
        return Err(AppError::NotFound);
    }
    let base = ctx
        .state
        .config
        .associazione
        .public_url
        .trim_end_matches('/')
        .to_owned();
    let titolo = s.e.titolo.clone();
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        ical::calendario(&titolo, &voci_ical(&[s], &base), Utc::now()),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "eventi/form.html")]
struct FormPage {
    chrome: Chrome,
    azione: String,
    f: EventoForm,
    errors: FormErrors,
    tipi: Vec<Opzione>,
    stati: Vec<Opzione>,
    idoneita: Vec<Opzione>,
    /// Field, type of organisation, value.
    quote: Vec<(String, &'static str, String)>,
}

fn form_page(
    ctx: &Ctx,
    titolo: &str,
    azione: String,
    f: EventoForm,
    errors: FormErrors,
) -> FormPage {
    FormPage {
        chrome: ctx.chrome(titolo.to_owned(), &[CRUMB, (titolo, "")]),
        tipi: opzioni(TIPI, &f.tipo),
        stati: opzioni(
            STATI,
            if f.stato.is_empty() {
                "bozza"
            } else {
                &f.stato
            },
        ),
        idoneita: opzioni(IDONEITA, &f.idoneita),
        quote: TIPI_ORGANIZZAZIONE
            .iter()
            .map(|(k, n)| {
                let campo = model::campo_quota(k);
                let v = f.altri.get(&campo).cloned().unwrap_or_default();
                (campo, *n, v)
            })
            .collect(),
        azione,
        f,
        errors,
    }
}

pub async fn nuovo_form(ctx: Ctx) -> AppResult<Response> {
    ctx.require_edit(EVENTI, None)?;
    let f = EventoForm {
        ore_offerta: "48".into(),
        ..Default::default()
    };
    render(&form_page(
        &ctx,
        "Nuovo evento",
        "/eventi/nuovo".into(),
        f,
        FormErrors::default(),
    ))
}

pub async fn crea(ctx: Ctx, Form(f): Form<EventoForm>) -> AppResult<Response> {
    ctx.require_edit(EVENTI, None)?;
    let n = match valida(&ctx, &f).await? {
        Ok(n) => n,
        Err(e) => {
            return render_invalid(&form_page(
                &ctx,
                "Nuovo evento",
                "/eventi/nuovo".into(),
                f,
                e,
            ));
        }
    };
    let uow = Lavoro::apri(&ctx.state.db, &ctx.actor()).await?;
    let e = store::crea(&uow, n, None, Utc::now()).await?;
    uow.conferma().await?;
    Ok(see_other(&format!("/eventi/{}", e.public_id)))
}

pub async fn modifica_form(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    ctx.require_edit(EVENTI, None)?;
    let s = store::scheda(&ctx.state.db, &id).await?;
    let t = ctx.state.territorio.get();
    let f = EventoForm {
        titolo: s.e.titolo.clone(),
        tipo: s.e.tipo.clone(),
        descrizione: s.e.descrizione.clone(),
        comune: s
            .e
            .comune_id
            .and_then(|c| t.comune_by_id(c))
            .map(|c| c.nome.clone())
            .unwrap_or_default(),
        indirizzo: s.e.indirizzo.clone().unwrap_or_default(),
        link_online: s.e.link_online.clone().unwrap_or_default(),
        relatori: s.e.relatori.clone().unwrap_or_default(),
        sessioni: model::scrivi_sessioni(&s.sessioni),
        capienza: s.o.capienza.to_string(),
        idoneita: s.o.idoneita.clone(),
        approvazione: s.o.approvazione.then(|| "1".into()),
        quota_comune: s.o.quota_comune.map(|q| q.to_string()).unwrap_or_default(),
        ore_offerta: s.o.ore_offerta.to_string(),
        apertura: s
            .o
            .apre_at
            .map(|c| fmt::ora_italiana(c)[..10].to_owned())
            .unwrap_or_default(),
        chiusura: s
            .o
            .chiude_at
            .map(|c| fmt::ora_italiana(c)[..10].to_owned())
            .unwrap_or_default(),
        domande: scrivi_domande(&reg::domande(&s.o)),
        stato: s.e.stato.clone(),
        patrocinio: s.e.patrocinio.then(|| "1".into()),
        progetto: progetto_di(&ctx, s.e.progetto.as_deref())
            .await?
            .and_then(|d| d.etichetta.split(" — ").next().map(str::to_owned))
            .unwrap_or_default(),
        altri: reg::quote_tipo(&s.o)
            .into_iter()
            .map(|(k, n)| (model::campo_quota(&k), n.to_string()))
            .collect(),
    };
    render(&form_page(
        &ctx,
        "Modifica l'evento",
        format!("/eventi/{id}/modifica"),
        f,
        FormErrors::default(),
    ))
}

pub async fn aggiorna(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<EventoForm>,
) -> AppResult<Response> {
    ctx.require_edit(EVENTI, None)?;
    let s = store::scheda(&ctx.state.db, &id).await?;
    let azione = format!("/eventi/{id}/modifica");
    let mut n = match valida(&ctx, &f).await? {
        Ok(n) => n,
        Err(e) => return render_invalid(&form_page(&ctx, "Modifica l'evento", azione, f, e)),
    };
    // A project this user may not see was not in the form: it stays.
    if n.progetto.is_none()
        && let Some(k) = &s.e.progetto
        && progetto_di(&ctx, Some(k)).await?.is_none()
    {
        n.progetto = Some(k.clone());
    }
    let uow = Lavoro::apri(&ctx.state.db, &ctx.actor()).await?;
    match store::aggiorna(&uow, &s.e, n, &Avvisi::da(&ctx.state), Utc::now()).await {
        Ok(_) => uow.conferma().await?,
        Err(e) => {
            drop(uow);
            let e = FormErrors::da_errore(e, &["capienza", "sessioni"])?;
            return render_invalid(&form_page(&ctx, "Modifica l'evento", azione, f, e));
        }
    }
    Ok(see_other(&format!("/eventi/{id}")))
}

/// Links the event to an objective of the plan (the link lives on the objective).
pub async fn obiettivo_collega(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<crate::piano::routes::CollegaForm>,
) -> AppResult<Response> {
    ctx.require_edit(EVENTI, None)?;
    let s = store::scheda(&ctx.state.db, &id).await?;
    crate::piano::routes::collega_da(&ctx, "evento", &s.e.public_id, &f.obiettivo).await?;
    Ok(see_other(&format!("/eventi/{id}#obiettivi-collegati")))
}
