//! Cittadino Informato, part 2, on the web. Public (no account, rate-limited): subscribing
//! (e-mail and SMS with double opt-in, web push through the service worker), confirming, the
//! subscriber's own page (see, change, export, delete) and the one-click unsubscribe of RFC
//! 8058 (`POST /allerte/disiscrivi/{token}` with `List-Unsubscribe=One-Click`). Staff: the
//! sending, live (`/allerte/invii`: per notification queued/sent/failed/expired with progress),
//! testers, the comuni's Telegram channels. `/metrics` in the Prometheus text format.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use askama::Template;
use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use piazza_alerts::canale;
use piazza_alerts::chiavi::Scopo;
use piazza_alerts::outbox::{self, Conteggio, iscrizione_stato};
use piazza_db::entities::{canale_telegram, iscrizione, notifica};
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::bollettino::Livello;
use super::da_cap::RISCHI;
use super::iscrizioni::{self, Adesione, CONSENSO, IscrizioneForm, PushJson};
use super::routes::{richiedi_staff, schede};
use crate::error::{AppError, AppResult};
use crate::extract::Path;
use crate::fmt;
use crate::moduli::ALLERTE;
use crate::view::{Chrome, Ctx, FormErrors, Opzione, Scheda, form_pairs, render, render_invalid};

const CRUMB: (&str, &str) = ("Allerte", "/allerte");

/// The channels a citizen can choose here.
struct Canali {
    email: bool,
    sms: bool,
    telegram: Vec<(String, String)>,
}

async fn canali(ctx: &Ctx) -> AppResult<Canali> {
    let t = ctx.state.territorio.get();
    let telegram = if ctx.state.config.telegram.token.is_some() {
        canale_telegram::Entity::find()
            .all(&ctx.state.db)
            .await?
            .into_iter()
            .filter_map(|c| {
                let nome = t.comune_by_id(c.comune_id)?.nome.clone();
                Some((nome, c.link.unwrap_or(c.chat_id)))
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Canali {
        email: ctx.state.config.smtp.url.is_some(),
        sms: ctx.state.config.sms.url.is_some(),
        telegram,
    })
}

#[derive(Template)]
#[template(path = "allerte/iscriviti.html")]
struct IscrivitiPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    f: IscrizioneForm,
    errors: FormErrors,
    comuni: Vec<String>,
    rischi: Vec<Opzione>,
    soglie: Vec<Opzione>,
    canali: Canali,
    consenso: &'static str,
    vapid: String,
}

fn opzioni_preferenze(f: &IscrizioneForm) -> (Vec<Opzione>, Vec<Opzione>) {
    let rischi = RISCHI
        .iter()
        .map(|(k, n)| Opzione {
            valore: (*k).into(),
            nome: (*n).into(),
            scelta: f.rischi.iter().any(|r| r == k),
        })
        .collect();
    let soglie = [Livello::Giallo, Livello::Arancione, Livello::Rosso]
        .iter()
        .map(|l| Opzione {
            valore: l.nome().into(),
            nome: format!("da {}", l.nome()),
            scelta: f.soglia == l.nome(),
        })
        .collect();
    (rischi, soglie)
}

async fn iscriviti_page(
    ctx: &Ctx,
    f: IscrizioneForm,
    errors: FormErrors,
) -> AppResult<IscrivitiPage> {
    let t = ctx.state.territorio.get();
    let (rischi, soglie) = opzioni_preferenze(&f);
    Ok(IscrivitiPage {
        chrome: ctx.chrome(
            "Ricevi le allerte",
            &[CRUMB, ("Ricevi le allerte", "/allerte/iscriviti")],
        ),
        schede: schede(ctx, "/allerte/iscriviti"),
        comuni: t.comuni.iter().map(|c| c.nome.clone()).collect(),
        rischi,
        soglie,
        canali: canali(ctx).await?,
        consenso: CONSENSO,
        vapid: ctx.state.chiavi.chiave_pubblica(),
        f,
        errors,
    })
}

pub async fn iscriviti_form(ctx: Ctx) -> AppResult<Response> {
    ctx.require_read(ALLERTE)?;
    render(&iscriviti_page(&ctx, IscrizioneForm::nuovo(), FormErrors::default()).await?)
}

#[derive(Template)]
#[template(path = "allerte/messaggio.html")]
struct MessaggioPage {
    chrome: Chrome,
    titolo: String,
    testo: String,
    link: Option<(String, String)>,
}

fn messaggio(
    ctx: &Ctx,
    titolo: &str,
    testo: String,
    link: Option<(String, String)>,
) -> MessaggioPage {
    MessaggioPage {
        chrome: ctx.chrome(titolo, &[CRUMB, (titolo, "")]),
        titolo: titolo.into(),
        testo,
        link,
    }
}

/// Subscribes by e-mail and/or SMS; the answer is the same whether the address was new,
/// waiting or already active.
pub async fn iscriviti(
    ctx: Ctx,
    crate::extract::Corpo(body): crate::extract::Corpo,
) -> AppResult<Response> {
    ctx.require_read(ALLERTE)?;
    let mut f = IscrizioneForm::da_coppie(form_pairs(&body));
    let t = ctx.state.territorio.get();
    let c = canali(&ctx).await?;
    let mut n = iscrizioni::valida(&f, &t);
    if let Ok(v) = &n {
        let mut e = FormErrors::default();
        if v.email.is_some() && !c.email {
            e.add(
                "email",
                "Le e-mail non sono attive in questa installazione.",
            );
        }
        if v.telefono.is_some() && !c.sms {
            e.add(
                "telefono",
                "Gli SMS non sono attivi in questa installazione.",
            );
        }
        if !e.is_empty() {
            n = Err(e);
        }
    }
    let n = match n {
        Ok(n) => n,
        Err(errors) => {
            if f.comuni.is_empty() {
                f.comuni.push(String::new());
            }
            return render_invalid(&iscriviti_page(&ctx, f, errors).await?);
        }
    };
    iscrizioni::iscrivi(
        &ctx.state.db,
        &n,
        Utc::now(),
        ctx.state.config.allerte.ore_conferma,
    )
    .await?;
    ctx.state.sveglia_invii.notify_waiters();
    let dove = match (&n.email, &n.telefono) {
        (Some(e), Some(t)) => format!("all'indirizzo {e} e al numero {t}"),
        (Some(e), None) => format!("all'indirizzo {e}"),
        (None, Some(t)) => format!("al numero {t}"),
        (None, None) => String::new(),
    };
    render(&messaggio(
        &ctx,
        "Controlla i tuoi messaggi",
        format!(
            "Abbiamo inviato un messaggio {dove} con il collegamento per confermare \
             l'iscrizione. Finché non confermi non ricevi allerte; senza conferma i dati sono \
             cancellati entro {} ore.",
            ctx.state.config.allerte.ore_conferma
        ),
        Some(("Torna alle allerte".into(), "/allerte".into())),
    ))
}

/// A browser's push subscription (JSON from our page's script). 201 with the manage link, or
/// 422 with the problems in Italian.
pub async fn iscriviti_push(
    ctx: Ctx,
    crate::extract::Corpo(body): crate::extract::Corpo,
) -> AppResult<Response> {
    ctx.require_read(ALLERTE)?;
    let j: PushJson = match serde_json::from_slice(&body) {
        Ok(j) => j,
        Err(_) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(serde_json::json!({ "errori": { "richiesta": "Richiesta non leggibile: serve la sottoscrizione push del browser (endpoint e chiavi) con le preferenze." } })),
            )
                .into_response());
        }
    };
    let t = ctx.state.territorio.get();
    let p = match iscrizioni::valida_push(&j, &t, &ctx.state.config.regole_push()) {
        Ok(p) => p,
        Err(e) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(serde_json::json!({ "errori": e.0 })),
            )
                .into_response());
        }
    };
    let id = match iscrizioni::iscrivi_push(&ctx.state.db, &j, &p, Utc::now()).await? {
        iscrizioni::EsitoPush::Nuova(id) | iscrizioni::EsitoPush::Aggiornata(id) => id,
        iscrizioni::EsitoPush::GiaIscritta => {
            return Ok((
                StatusCode::CONFLICT,
                Json(serde_json::json!({ "errori": { "endpoint": "Questo browser risulta già iscritto: per cambiare le preferenze usa il collegamento di gestione che hai ricevuto, oppure annulla l'iscrizione dal browser e iscriviti di nuovo." } })),
            )
                .into_response());
        }
    };
    let gestione = format!(
        "/allerte/iscrizione/{}",
        ctx.state.chiavi.gettone(Scopo::Gestione, id)
    );
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "gestione": gestione })),
    )
        .into_response())
}

fn verifica(ctx: &Ctx, scopo: Scopo, gettone: &str) -> AppResult<i64> {
    ctx.state
        .chiavi
        .verifica(scopo, gettone)
        .ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "allerte/conferma.html")]
struct ConfermaPage {
    chrome: Chrome,
    azione: String,
    indirizzo: String,
    gia: bool,
    gestione: String,
}

/// The confirmation link shows a button: a mail scanner that follows links must not confirm.
pub async fn conferma_form(ctx: Ctx, Path(gettone): Path<String>) -> AppResult<Response> {
    let id = verifica(&ctx, Scopo::Conferma, &gettone)?;
    let s = iscrizioni::scheda(&ctx.state.db, id).await?;
    render(&ConfermaPage {
        chrome: ctx.chrome(
            "Conferma l'iscrizione",
            &[CRUMB, ("Conferma l'iscrizione", "")],
        ),
        azione: format!("/allerte/conferma/{gettone}"),
        indirizzo: s.iscrizione.indirizzo.clone(),
        gia: s.iscrizione.stato == iscrizione_stato::ATTIVA,
        gestione: format!(
            "/allerte/iscrizione/{}",
            ctx.state.chiavi.gettone(Scopo::Gestione, id)
        ),
    })
}

pub async fn conferma(ctx: Ctx, Path(gettone): Path<String>) -> AppResult<Response> {
    let id = verifica(&ctx, Scopo::Conferma, &gettone)?;
    iscrizioni::conferma(&ctx.state.db, id, Utc::now()).await?;
    Ok(crate::view::see_other(&format!(
        "/allerte/iscrizione/{}?confermata=1",
        ctx.state.chiavi.gettone(Scopo::Gestione, id)
    )))
}

#[derive(Template)]
#[template(path = "allerte/iscrizione.html")]
struct IscrizionePage {
    chrome: Chrome,
    gettone: String,
    confermata: bool,
    i: iscrizione::Model,
    canale: &'static str,
    comuni: Vec<(String, String)>,
    consenso: String,
    consenso_at: String,
    creata: String,
    conferma: Option<String>,
    f: IscrizioneForm,
    errors: FormErrors,
    rischi: Vec<Opzione>,
    soglie: Vec<Opzione>,
    nomi_comuni: Vec<String>,
    messaggi: Vec<(String, String, String)>,
}

async fn iscrizione_page(
    ctx: &Ctx,
    gettone: &str,
    id: i64,
    f: Option<IscrizioneForm>,
    errors: FormErrors,
    confermata: bool,
) -> AppResult<IscrizionePage> {
    let t = ctx.state.territorio.get();
    let s = iscrizioni::scheda(&ctx.state.db, id).await?;
    let f = f.unwrap_or_else(|| IscrizioneForm::da_preferenze(&s.preferenze, &t));
    let (rischi, soglie) = opzioni_preferenze(&f);
    let messaggi = iscrizioni::messaggi(&ctx.state.db, &s.iscrizione, 20)
        .await?
        .into_iter()
        .map(|m| {
            (
                fmt::ora_italiana(m.created_at),
                if m.notifica_id.is_some() {
                    "allerta"
                } else {
                    "conferma"
                }
                .to_owned(),
                outbox_stato(&m.stato).to_owned(),
            )
        })
        .collect();
    Ok(IscrizionePage {
        chrome: ctx.chrome("La tua iscrizione", &[CRUMB, ("La tua iscrizione", "")]),
        gettone: gettone.to_owned(),
        confermata,
        canale: canale::nome(&s.iscrizione.canale),
        comuni: s
            .preferenze
            .comuni
            .iter()
            .filter_map(|id| t.comune_by_id(*id))
            .map(|c| (c.codice_istat.clone(), c.nome.clone()))
            .collect(),
        consenso: s.consenso.clone(),
        consenso_at: fmt::ora_italiana(s.iscrizione.consenso_at),
        creata: fmt::ora_italiana(s.iscrizione.created_at),
        conferma: s.iscrizione.confermata_at.map(fmt::ora_italiana),
        i: s.iscrizione,
        f,
        errors,
        rischi,
        soglie,
        nomi_comuni: t.comuni.iter().map(|c| c.nome.clone()).collect(),
        messaggi,
    })
}

fn outbox_stato(s: &str) -> &'static str {
    match s {
        outbox::stato::IN_CODA => "in coda",
        outbox::stato::IN_CORSO => "in invio",
        outbox::stato::INVIATO => "inviato",
        outbox::stato::FALLITO => "non riuscito",
        outbox::stato::SCADUTO => "scaduto (non più attuale)",
        outbox::stato::ANNULLATO => "annullato",
        _ => "?",
    }
}

#[derive(serde::Deserialize, Default)]
pub struct ConfermataQuery {
    #[serde(default)]
    confermata: Option<String>,
}

pub async fn iscrizione(
    ctx: Ctx,
    Path(gettone): Path<String>,
    crate::extract::Query(q): crate::extract::Query<ConfermataQuery>,
) -> AppResult<Response> {
    let id = verifica(&ctx, Scopo::Gestione, &gettone)?;
    render(
        &iscrizione_page(
            &ctx,
            &gettone,
            id,
            None,
            FormErrors::default(),
            q.confermata.is_some(),
        )
        .await?,
    )
}

/// Changes the preferences.
pub async fn iscrizione_aggiorna(
    ctx: Ctx,
    Path(gettone): Path<String>,
    crate::extract::Corpo(body): crate::extract::Corpo,
) -> AppResult<Response> {
    let id = verifica(&ctx, Scopo::Gestione, &gettone)?;
    let f = IscrizioneForm::da_coppie(form_pairs(&body));
    let t = ctx.state.territorio.get();
    let mut e = FormErrors::default();
    let p = iscrizioni::valida_preferenze(&f, &t, &mut e);
    if !e.is_empty() {
        return render_invalid(&iscrizione_page(&ctx, &gettone, id, Some(f), e, false).await?);
    }
    iscrizioni::aggiorna(&ctx.state.db, id, &p).await?;
    Ok(crate::view::see_other(&format!(
        "/allerte/iscrizione/{gettone}"
    )))
}

/// Everything kept about the subscription, as a JSON download.
pub async fn iscrizione_dati(ctx: Ctx, Path(gettone): Path<String>) -> AppResult<Response> {
    let id = verifica(&ctx, Scopo::Gestione, &gettone)?;
    let s = iscrizioni::scheda(&ctx.state.db, id).await?;
    let t = ctx.state.territorio.get();
    let j = iscrizioni::esporta(&ctx.state.db, &s, &t).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"cittadino-informato-dati.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        serde_json::to_string_pretty(&j).unwrap_or_default(),
    )
        .into_response())
}

fn cancellata(ctx: &Ctx) -> MessaggioPage {
    messaggio(
        ctx,
        "Iscrizione cancellata",
        "Non riceverai più allerte a questo recapito. Abbiamo cancellato il recapito, i comuni \
         scelti e il registro dei messaggi che ti abbiamo inviato."
            .into(),
        Some(("Iscriviti di nuovo".into(), "/allerte/iscriviti".into())),
    )
}

/// Deletes the subscription and its messages.
pub async fn iscrizione_elimina(ctx: Ctx, Path(gettone): Path<String>) -> AppResult<Response> {
    let id = verifica(&ctx, Scopo::Gestione, &gettone)?;
    iscrizioni::elimina(&ctx.state.db, id).await?;
    render(&cancellata(&ctx))
}

#[derive(Template)]
#[template(path = "allerte/disiscrivi.html")]
struct DisiscriviPage {
    chrome: Chrome,
    azione: String,
    indirizzo: String,
}

/// The unsubscribe link opened in a browser: one button.
pub async fn disiscrivi_form(ctx: Ctx, Path(gettone): Path<String>) -> AppResult<Response> {
    let id = verifica(&ctx, Scopo::Gestione, &gettone)?;
    let Some(i) = iscrizione::Entity::find_by_id(id)
        .one(&ctx.state.db)
        .await?
    else {
        return render(&cancellata(&ctx));
    };
    render(&DisiscriviPage {
        chrome: ctx.chrome("Disiscriviti", &[CRUMB, ("Disiscriviti", "")]),
        azione: format!("/allerte/disiscrivi/{gettone}"),
        indirizzo: i.indirizzo,
    })
}

/// One-click unsubscribe: the page's button, or a mail client's POST (RFC 8058, body
/// `List-Unsubscribe=One-Click`, no cookie, no origin). Unsubscribing twice is harmless.
pub async fn disiscrivi(ctx: Ctx, Path(gettone): Path<String>) -> AppResult<Response> {
    let id = verifica(&ctx, Scopo::Gestione, &gettone)?;
    iscrizioni::elimina(&ctx.state.db, id).await?;
    render(&cancellata(&ctx))
}

/// The service worker: shows each alert as a notification, opens the comune's page on a tap,
/// and unsubscribes from the notification's button.
pub async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../../../static/js/sw.js"),
    )
        .into_response()
}

// ---- Staff: the sending, live ----

/// One notification's counters.
pub struct Avanzamento {
    pub id: i64,
    pub titolo: String,
    pub creata: String,
    pub esercitazione: bool,
    pub distribuita: bool,
    pub per_stato: BTreeMap<String, i64>,
    pub totale: i64,
    pub fatti: i64,
    pub percento: i64,
    pub canali: Vec<(&'static str, i64, i64)>,
}

impl Avanzamento {
    pub fn n(&self, stato: &str) -> i64 {
        self.per_stato.get(stato).copied().unwrap_or(0)
    }
}

async fn avanzamenti(ctx: &Ctx, limite: u64) -> AppResult<Vec<Avanzamento>> {
    let notifiche = notifica::Entity::find()
        .order_by_desc(notifica::Column::Id)
        .limit(limite)
        .all(&ctx.state.db)
        .await?;
    let ids: Vec<i64> = notifiche.iter().map(|n| n.id).collect();
    let conteggi = outbox::conteggi(&ctx.state.db, Some(&ids)).await?;
    Ok(notifiche
        .into_iter()
        .map(|n| {
            let mie: Vec<&Conteggio> = conteggi
                .iter()
                .filter(|c| c.notifica_id == Some(n.id))
                .collect();
            let mut per_stato = BTreeMap::new();
            let mut per_canale: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
            for c in &mie {
                *per_stato.entry(c.stato.clone()).or_insert(0) += c.n;
                let e = per_canale
                    .entry(
                        canale::TUTTI
                            .iter()
                            .find(|k| **k == c.canale)
                            .copied()
                            .unwrap_or("?"),
                    )
                    .or_default();
                e.0 += c.n;
                if c.stato == outbox::stato::INVIATO {
                    e.1 += c.n;
                }
            }
            let totale: i64 = per_stato.values().sum();
            let aperti = per_stato.get(outbox::stato::IN_CODA).copied().unwrap_or(0)
                + per_stato.get(outbox::stato::IN_CORSO).copied().unwrap_or(0);
            let fatti = totale - aperti;
            Avanzamento {
                id: n.id,
                titolo: n.titolo,
                creata: fmt::ora_italiana(n.creata_at),
                esercitazione: n.esercitazione,
                distribuita: n.distribuita_at.is_some(),
                percento: if totale > 0 {
                    fatti * 100 / totale
                } else {
                    100
                },
                per_stato,
                totale,
                fatti,
                canali: per_canale
                    .into_iter()
                    .map(|(c, (t, s))| (canale::nome(c), t, s))
                    .collect(),
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "allerte/invii.html")]
struct InviiPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    avanzamenti: Vec<Avanzamento>,
    adesione: std::sync::Arc<Adesione>,
    totali: Vec<(&'static str, i64)>,
    canali_attivi: Vec<&'static str>,
    telegram: Vec<(i64, String, String)>,
    comuni: Vec<(String, String)>,
    puo: bool,
    esito: Option<String>,
}

#[derive(Template)]
#[template(path = "allerte/invii_stato.html")]
struct InviiStato {
    avanzamenti: Vec<Avanzamento>,
}

fn canali_attivi(ctx: &Ctx) -> Vec<&'static str> {
    let c = &ctx.state.config;
    let mut v = vec![canale::nome(canale::PUSH)];
    if c.smtp.url.is_some() {
        v.push(canale::nome(canale::EMAIL));
    }
    if c.sms.url.is_some() {
        v.push(canale::nome(canale::SMS));
    }
    if c.telegram.token.is_some() {
        v.push(canale::nome(canale::TELEGRAM));
    }
    v
}

async fn invii_page(ctx: &Ctx, esito: Option<String>) -> AppResult<InviiPage> {
    let t = ctx.state.territorio.get();
    let telegram = canale_telegram::Entity::find()
        .all(&ctx.state.db)
        .await?
        .into_iter()
        .filter_map(|c| Some((c.id, t.comune_by_id(c.comune_id)?.nome.clone(), c.chat_id)))
        .collect();
    let a = adesione(ctx).await?;
    Ok(InviiPage {
        chrome: ctx.chrome("Invii ai cittadini", &[CRUMB, ("Invii", "/allerte/invii")]),
        schede: schede(ctx, "/allerte/invii"),
        avanzamenti: avanzamenti(ctx, 20).await?,
        adesione: a.clone(),
        totali: a
            .totali
            .iter()
            .map(|(c, n)| (canale::nome(c), *n))
            .collect(),
        canali_attivi: canali_attivi(ctx),
        telegram,
        comuni: t
            .comuni
            .iter()
            .map(|c| (c.codice_istat.clone(), c.nome.clone()))
            .collect(),
        puo: ctx.can_edit(ALLERTE, None),
        esito,
    })
}

/// Subscriptions by comune and channel, cached for a minute whatever the writes: the public
/// comune page shows them, and in a storm every subscription is a write — counts may lag, the
/// aggregate over all subscriptions must not run once per subscriber.
pub async fn adesione(ctx: &Ctx) -> AppResult<std::sync::Arc<Adesione>> {
    let db = ctx.state.db.clone();
    ctx.state
        .adesione_iscritti
        .get_or_load_ttl((), || async move { Adesione::carica(&db).await })
        .await
}

pub async fn invii(ctx: Ctx) -> AppResult<Response> {
    richiedi_staff(&ctx)?;
    render(&invii_page(&ctx, None).await?)
}

/// The counters alone, polled by the page every two seconds.
pub async fn invii_stato(ctx: Ctx) -> AppResult<Response> {
    richiedi_staff(&ctx)?;
    render(&InviiStato {
        avanzamenti: avanzamenti(&ctx, 20).await?,
    })
}

/// A field of a posted form, trimmed (empty when absent).
fn campo(coppie: &[(String, String)], nome: &str) -> String {
    coppie
        .iter()
        .find(|(n, _)| n == nome)
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default()
}

/// Marks an address's subscriptions as testers (they receive exercises), or unmarks them.
pub async fn tester(
    ctx: Ctx,
    crate::extract::Corpo(body): crate::extract::Corpo,
) -> AppResult<Response> {
    ctx.require_edit(ALLERTE, None)?;
    let coppie = form_pairs(&body);
    let get = |k: &str| campo(&coppie, k);
    let indirizzo = get("indirizzo");
    let attiva = get("azione") != "togli";
    let n = iscrizioni::imposta_tester(&ctx.state.db, &indirizzo, attiva).await?;
    let esito = match (n, attiva) {
        (0, _) => format!("Nessuna iscrizione attiva con il recapito «{indirizzo}»."),
        (n, true) => format!("{n} iscrizioni di «{indirizzo}» ricevono ora le esercitazioni."),
        (n, false) => format!("{n} iscrizioni di «{indirizzo}» non ricevono più le esercitazioni."),
    };
    let status = if n == 0 {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut r = render(&invii_page(&ctx, Some(esito)).await?)?;
    *r.status_mut() = status;
    Ok(r)
}

/// Adds (or changes) the Telegram channel of a comune.
pub async fn telegram_salva(
    ctx: Ctx,
    crate::extract::Corpo(body): crate::extract::Corpo,
) -> AppResult<Response> {
    ctx.require_edit(ALLERTE, None)?;
    let coppie = form_pairs(&body);
    let get = |k: &str| campo(&coppie, k);
    let t = ctx.state.territorio.get();
    let chat = get("chat_id");
    let esito = match t.comune(&get("comune")) {
        None => Err("Scegli il comune.".to_owned()),
        Some(_) if !(chat.starts_with('@') && chat.len() > 5) && chat.parse::<i64>().is_err() => {
            Err("Il canale si indica come @nomecanale o con il suo identificativo numerico.".into())
        }
        Some(c) => {
            let link = get("link");
            canale_telegram::Entity::delete_many()
                .filter(canale_telegram::Column::ComuneId.eq(c.id))
                .exec(&ctx.state.db)
                .await?;
            canale_telegram::Entity::insert(canale_telegram::ActiveModel {
                comune_id: Set(c.id),
                chat_id: Set(chat.clone()),
                link: Set((!link.is_empty()).then_some(link)),
                created_at: Set(Utc::now()),
                ..Default::default()
            })
            .exec(&ctx.state.db)
            .await?;
            Ok(format!("Canale Telegram di {} impostato: {chat}.", c.nome))
        }
    };
    let (status, msg) = match esito {
        Ok(m) => (StatusCode::OK, m),
        Err(m) => (StatusCode::UNPROCESSABLE_ENTITY, m),
    };
    let mut r = render(&invii_page(&ctx, Some(msg)).await?)?;
    *r.status_mut() = status;
    Ok(r)
}

pub async fn telegram_elimina(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    ctx.require_edit(ALLERTE, None)?;
    canale_telegram::Entity::delete_by_id(id)
        .exec(&ctx.state.db)
        .await?;
    Ok(crate::view::see_other("/allerte/invii"))
}

/// Prometheus text format: the outbox by channel and state, subscriptions by channel, and
/// the engine's counters since start (when this process runs it).
pub async fn metrics(ctx: Ctx, headers: HeaderMap) -> AppResult<Response> {
    let token_ok = ctx
        .state
        .config
        .allerte
        .metrics_token
        .as_ref()
        .map(crate::config::Segreto::esponi)
        .is_some_and(|t| {
            headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .is_some_and(|v| piazza_alerts::chiavi::uguali(v.as_bytes(), t.as_bytes()))
        });
    if !token_ok {
        ctx.require_admin()?;
    }
    let mut out = String::new();
    let conteggi = outbox::conteggi(&ctx.state.db, None).await?;
    let mut per: BTreeMap<(String, String), i64> = BTreeMap::new();
    for c in conteggi {
        *per.entry((c.canale, c.stato)).or_default() += c.n;
    }
    out.push_str("# HELP piazza_invii Messages in the outbox by channel and state.\n");
    out.push_str("# TYPE piazza_invii gauge\n");
    for c in canale::TUTTI {
        for s in outbox::stato::TUTTI {
            let n = per.get(&(c.to_owned(), s.to_owned())).copied().unwrap_or(0);
            let _ = writeln!(out, "piazza_invii{{canale=\"{c}\",stato=\"{s}\"}} {n}");
        }
    }
    let a = Adesione::carica(&ctx.state.db).await?;
    out.push_str("# HELP piazza_iscrizioni Active subscriptions by channel.\n");
    out.push_str("# TYPE piazza_iscrizioni gauge\n");
    for c in canale::TUTTI {
        let _ = writeln!(
            out,
            "piazza_iscrizioni{{canale=\"{c}\"}} {}",
            a.totali.get(c).copied().unwrap_or(0)
        );
    }
    let da_confermare = iscrizione::Entity::find()
        .filter(iscrizione::Column::Stato.eq(iscrizione_stato::DA_CONFERMARE))
        .count(&ctx.state.db)
        .await?;
    out.push_str(
        "# HELP piazza_iscrizioni_da_confermare Subscriptions waiting for the double opt-in.\n",
    );
    out.push_str("# TYPE piazza_iscrizioni_da_confermare gauge\n");
    let _ = writeln!(out, "piazza_iscrizioni_da_confermare {da_confermare}");
    if let Some(m) = ctx.state.motore_attivo.get() {
        out.push_str("# HELP piazza_invii_eventi_total Delivery events since start by channel.\n");
        out.push_str("# TYPE piazza_invii_eventi_total counter\n");
        for (c, e, n) in m.metriche.valori() {
            let _ = writeln!(
                out,
                "piazza_invii_eventi_total{{canale=\"{c}\",evento=\"{e}\"}} {n}"
            );
        }
    }
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response())
}
