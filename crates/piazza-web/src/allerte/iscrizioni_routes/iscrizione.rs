//! The signed links of a subscriber: confirming, their own page (see, change, export, delete),
//! the one-click unsubscribe of RFC 8058.

use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use piazza_alerts::canale;
use piazza_alerts::chiavi::Scopo;
use piazza_alerts::outbox::{self, iscrizione_stato};
use piazza_db::entities::iscrizione;
use sea_orm::EntityTrait;

use super::{CRUMB, MessaggioPage, messaggio, opzioni_preferenze};
use crate::allerte::iscrizioni::{self, IscrizioneForm};
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::Path;
use crate::kit::fmt;
use crate::kit::view::{Chrome, Ctx, FormErrors, Opzione, form_pairs, render, render_invalid};

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
    Ok(crate::kit::view::see_other(&format!(
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
    crate::kit::extract::Query(q): crate::kit::extract::Query<ConfermataQuery>,
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
    crate::kit::extract::Corpo(body): crate::kit::extract::Corpo,
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
    Ok(crate::kit::view::see_other(&format!(
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
