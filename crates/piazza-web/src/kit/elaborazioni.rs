//! Long work started from a page (imports of large files): it runs in the background, the page
//! shows its progress (htmx polling every second), survives a reload (the work has its own
//! address, `/elaborazioni/{id}`), can be cancelled, and reports its outcome.
//!
//! A domain starts work with [`Elaborazioni::avvia`] and gets back the answer to give: when the
//! work ends within `server.attesa_elaborazione_ms` (one second by default), its outcome as the
//! page would have shown it; otherwise a redirect to the progress page. The work receives an
//! [`Avanzamento`] to report what it has done and to learn that it was cancelled
//! ([`Avanzamento::controlla`] returns [`AppError::Annullata`]); work that writes keeps one unit
//! of work and commits at its very end, so a cancellation or an error saves nothing.
//!
//! Work lives in the memory of the process that started it: a restart forgets it (and its
//! uncommitted transaction, so nothing is half-saved). Finished work is kept for an hour.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::kit::error::{AppError, AppResult};
use crate::kit::view::{Chrome, Ctx, render};

/// How long finished work stays visible.
const CONSERVA: Duration = Duration::from_secs(3600);

/// How a piece of work ended.
#[derive(Clone, Debug)]
pub enum Esito {
    /// Done: the page to show, with its status (a file refused with its errors is a 422).
    Riuscita { status: u16, html: String },
    /// Stopped by an error: nothing was saved.
    Fallita { errori: Vec<String> },
    /// Cancelled by its user: nothing was saved.
    Annullata,
}

/// One piece of work.
pub struct Elaborazione {
    id: String,
    titolo: String,
    /// The user who started it: only they (and administrators) see it.
    utente_id: i64,
    /// Where to start again (the form's address).
    ritorno: String,
    fatti: AtomicU64,
    totale: AtomicU64,
    fase: Mutex<String>,
    annullata: AtomicBool,
    esito: Mutex<Option<(Esito, Instant)>>,
    iniziata: Instant,
    fine: tokio::sync::Notify,
}

/// What the work itself holds: reports progress, learns of a cancellation.
#[derive(Clone)]
pub struct Avanzamento(Option<Arc<Elaborazione>>);

impl Avanzamento {
    /// For work run outside a page (the CLI, the demo, tests): reports nowhere, never cancelled.
    pub fn nessuno() -> Self {
        Self(None)
    }

    /// A new phase (`Lettura del file`, `Salvataggio`) of `totale` steps.
    pub fn fase(&self, nome: &str, totale: u64) {
        if let Some(e) = &self.0 {
            *e.fase.lock().expect("fase") = nome.to_owned();
            e.totale.store(totale, Ordering::Relaxed);
            e.fatti.store(0, Ordering::Relaxed);
        }
    }

    /// `fatti` steps of the current phase are done.
    pub fn fatti(&self, fatti: u64) {
        if let Some(e) = &self.0 {
            e.fatti.store(fatti, Ordering::Relaxed);
        }
    }

    pub fn annullata(&self) -> bool {
        self.0
            .as_ref()
            .is_some_and(|e| e.annullata.load(Ordering::Relaxed))
    }

    /// `Err(AppError::Annullata)` once the user has cancelled: call it between steps and
    /// once more right before committing.
    pub fn controlla(&self) -> AppResult<()> {
        if self.annullata() {
            Err(AppError::Annullata)
        } else {
            Ok(())
        }
    }
}

/// The work of this process, by id.
#[derive(Default)]
pub struct Elaborazioni {
    mappa: Mutex<HashMap<String, Arc<Elaborazione>>>,
}

impl Elaborazioni {
    /// Starts `lavoro` for the logged-in user of `ctx`. `lavoro` gets the [`Avanzamento`] and
    /// returns the page of its outcome with its status (or an error: its Italian message is
    /// shown, and nothing must have been saved).
    pub async fn avvia<F, Fut>(
        self: &Arc<Self>,
        ctx: &Ctx,
        titolo: &str,
        ritorno: &str,
        lavoro: F,
    ) -> AppResult<Response>
    where
        F: FnOnce(Avanzamento) -> Fut,
        Fut: Future<Output = AppResult<(StatusCode, String)>> + Send + 'static,
    {
        let utente = ctx.require_login()?;
        let e = Arc::new(Elaborazione {
            id: piazza_db::new_public_id(),
            titolo: titolo.to_owned(),
            utente_id: utente.id,
            ritorno: ritorno.to_owned(),
            fatti: AtomicU64::new(0),
            totale: AtomicU64::new(0),
            fase: Mutex::new(String::new()),
            annullata: AtomicBool::new(false),
            esito: Mutex::new(None),
            iniziata: Instant::now(),
            fine: tokio::sync::Notify::new(),
        });
        {
            let mut m = self.mappa.lock().expect("elaborazioni");
            m.retain(|_, v| {
                v.esito
                    .lock()
                    .expect("esito")
                    .as_ref()
                    .is_none_or(|(_, t)| t.elapsed() < CONSERVA)
            });
            m.insert(e.id.clone(), e.clone());
        }
        let futuro = lavoro(Avanzamento(Some(e.clone())));
        let fine = e.fine.notified();
        let svolta = e.clone();
        let generazione = ctx.state.generazione.clone();
        tokio::spawn(async move {
            let esito = match futuro.await {
                Ok((status, html)) => Esito::Riuscita {
                    status: status.as_u16(),
                    html,
                },
                Err(AppError::Annullata) => Esito::Annullata,
                Err(err) => Esito::Fallita {
                    errori: errori_di(err),
                },
            };
            // What was written after the answer makes the cached reads stale too.
            generazione.bump();
            *svolta.esito.lock().expect("esito") = Some((esito, Instant::now()));
            svolta.fine.notify_waiters();
        });
        let attesa = Duration::from_millis(ctx.state.config.server.attesa_elaborazione_ms);
        if attesa.is_zero() {
            // No wait: always the progress page, however quick the work.
            return Ok(Redirect::to(&format!("/elaborazioni/{}", e.id)).into_response());
        }
        let _ = tokio::time::timeout(attesa, fine).await;
        let finito = e
            .esito
            .lock()
            .expect("esito")
            .as_ref()
            .map(|(x, _)| x.clone());
        match finito {
            // Quick work answers as the page always did.
            Some(Esito::Riuscita { status, html }) => Ok(pagina_esito(status, html)),
            _ => Ok(Redirect::to(&format!("/elaborazioni/{}", e.id)).into_response()),
        }
    }

    fn trova(&self, ctx: &Ctx, id: &str) -> AppResult<Arc<Elaborazione>> {
        let u = ctx.require_login()?;
        let e = self
            .mappa
            .lock()
            .expect("elaborazioni")
            .get(id)
            .cloned()
            .ok_or(AppError::NotFound)?;
        if e.utente_id != u.id && !u.is_admin() {
            return Err(AppError::Forbidden);
        }
        Ok(e)
    }
}

fn pagina_esito(status: u16, html: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    (status, axum::response::Html(html)).into_response()
}

/// The Italian messages of an error, for the outcome (faults of ours are logged, not shown).
fn errori_di(err: AppError) -> Vec<String> {
    let r = err.into_response();
    match r.extensions().get::<crate::kit::error::MessaggioErrore>() {
        Some(m) => vec![m.0.clone()],
        None => vec!["Si è verificato un errore inatteso. Riprova più tardi.".into()],
    }
}

#[derive(Template)]
#[template(path = "elaborazioni/pagina.html")]
struct Pagina {
    chrome: Chrome,
    s: Stato,
}

#[derive(Template)]
#[template(path = "elaborazioni/stato_partial.html")]
struct StatoPartial {
    s: Stato,
}

/// What the page shows of a piece of work.
struct Stato {
    id: String,
    titolo: String,
    ritorno: String,
    fase: String,
    fatti: u64,
    totale: u64,
    percentuale: u64,
    secondi: u64,
    annullata: bool,
    esito: Option<Esito>,
}

impl Stato {
    /// `1.234 di 116.000`.
    fn conteggio(&self) -> String {
        format!(
            "{} di {}",
            crate::kit::fmt::int(self.fatti as i64),
            crate::kit::fmt::int(self.totale as i64)
        )
    }

    fn di(e: &Elaborazione) -> Self {
        let fatti = e.fatti.load(Ordering::Relaxed);
        let totale = e.totale.load(Ordering::Relaxed);
        Self {
            id: e.id.clone(),
            titolo: e.titolo.clone(),
            ritorno: e.ritorno.clone(),
            fase: e.fase.lock().expect("fase").clone(),
            fatti,
            totale,
            percentuale: (fatti * 100).checked_div(totale).unwrap_or(0).min(100),
            secondi: e.iniziata.elapsed().as_secs(),
            annullata: e.annullata.load(Ordering::Relaxed),
            esito: e
                .esito
                .lock()
                .expect("esito")
                .as_ref()
                .map(|(x, _)| x.clone()),
        }
    }
}

/// `GET /elaborazioni/{id}`: the progress page (the outcome once done).
pub async fn pagina(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let e = ctx.state.elaborazioni.trova(&ctx, &id)?;
    let s = Stato::di(&e);
    if let Some(Esito::Riuscita { status, html }) = &s.esito {
        return Ok(pagina_esito(*status, html.clone()));
    }
    render(&Pagina {
        chrome: ctx.chrome(&s.titolo, &[(&s.titolo, &format!("/elaborazioni/{id}"))]),
        s,
    })
}

/// `GET /elaborazioni/{id}/stato`: the progress fragment htmx polls.
pub async fn stato(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let e = ctx.state.elaborazioni.trova(&ctx, &id)?;
    let s = Stato::di(&e);
    if matches!(s.esito, Some(Esito::Riuscita { .. })) {
        // The outcome is a page of its own: reload onto it.
        let mut r = render(&StatoPartial { s })?;
        r.headers_mut()
            .insert("HX-Refresh", axum::http::HeaderValue::from_static("true"));
        return Ok(r);
    }
    render(&StatoPartial { s })
}

/// `POST /elaborazioni/{id}/annulla`: asks the work to stop; it stops at its next step and
/// saves nothing. Work already finished stays as it ended.
pub async fn annulla(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let e = ctx.state.elaborazioni.trova(&ctx, &id)?;
    e.annullata.store(true, Ordering::Relaxed);
    if ctx.htmx {
        return render(&StatoPartial { s: Stato::di(&e) });
    }
    Ok(Redirect::to(&format!("/elaborazioni/{id}")).into_response())
}

/// The routes of the work in progress.
pub fn router() -> crate::kit::rotte::Rotte {
    crate::kit::rotte::Rotte::new()
        .get("/elaborazioni/{id}", pagina)
        .get("/elaborazioni/{id}/stato", stato)
        .post("/elaborazioni/{id}/annulla", annulla)
}
