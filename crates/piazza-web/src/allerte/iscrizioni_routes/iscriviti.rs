//! Subscribing: by e-mail and/or SMS with double opt-in, by web push (and the service worker).

use askama::Template;
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use piazza_alerts::chiavi::Scopo;
use piazza_db::entities::canale_telegram;
use sea_orm::EntityTrait;

use super::{CRUMB, messaggio, opzioni_preferenze};
use crate::allerte::iscrizioni::{self, CONSENSO, IscrizioneForm, PushJson};
use crate::allerte::routes::schede;
use crate::kit::error::{ApiErrore, AppError, AppResult};
use crate::kit::moduli::ALLERTE;
use crate::kit::view::{
    Chrome, Ctx, FormErrors, Opzione, Scheda, form_pairs, render, render_invalid,
};

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

/// Subscribes by e-mail and/or SMS; the answer is the same whether the address was new,
/// waiting or already active.
pub async fn iscriviti(
    ctx: Ctx,
    crate::kit::extract::Corpo(body): crate::kit::extract::Corpo,
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
/// the API's JSON error ([`ApiErrore`]): 422 with the problems by field, 409 for a browser
/// already subscribed.
pub async fn iscriviti_push(
    ctx: Ctx,
    crate::kit::extract::Corpo(body): crate::kit::extract::Corpo,
) -> Result<Response, ApiErrore> {
    ctx.require_read(ALLERTE)?;
    let j: PushJson = serde_json::from_slice(&body).map_err(|_| {
        let mut e = FormErrors::default();
        e.add(
            "richiesta",
            "Richiesta non leggibile: serve la sottoscrizione push del browser (endpoint e chiavi) con le preferenze.",
        );
        AppError::invalido(e)
    })?;
    let t = ctx.state.territorio.get();
    let p = iscrizioni::valida_push(&j, &t, &ctx.state.config.regole_push())
        .map_err(AppError::invalido)?;
    let id = match iscrizioni::iscrivi_push(&ctx.state.db, &j, &p, Utc::now()).await? {
        iscrizioni::EsitoPush::Nuova(id) | iscrizioni::EsitoPush::Aggiornata(id) => id,
        iscrizioni::EsitoPush::GiaIscritta => {
            return Err(AppError::Conflict(
                "Questo browser risulta già iscritto: per cambiare le preferenze usa il collegamento di gestione che hai ricevuto, oppure annulla l'iscrizione dal browser e iscriviti di nuovo.".into(),
            )
            .into());
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

/// The service worker: shows each alert as a notification, opens the comune's page on a tap,
/// and unsubscribes from the notification's button.
pub async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../../../../static/js/sw.js"),
    )
        .into_response()
}
