//! Staff: the sending, live (per notification queued/sent/failed/expired with progress),
//! testers, the comuni's Telegram channels; `/metrics` in the Prometheus text format.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use askama::Template;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use piazza_alerts::canale;
use piazza_alerts::outbox::{self, Conteggio, iscrizione_stato};
use piazza_db::entities::{canale_telegram, iscrizione, notifica};
use piazza_db::lavoro::Lavoro;
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::CRUMB;
use crate::allerte::iscrizioni::{self, Adesione};
use crate::allerte::routes::{richiedi_staff, schede};
use crate::kit::error::AppResult;
use crate::kit::extract::Path;
use crate::kit::fmt;
use crate::kit::moduli::ALLERTE;
use crate::kit::view::{Chrome, Ctx, Scheda, form_pairs, render};

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
    nodi: Vec<Nodo>,
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
    nodi: Vec<Nodo>,
}

/// A `piazza serve` process beating on this database.
struct Nodo {
    nome: String,
    avviato: String,
}

/// The nodes alive now: beating within `nodo_perso_secondi`.
async fn nodi(ctx: &Ctx) -> AppResult<Vec<Nodo>> {
    let limite = chrono::Utc::now()
        - chrono::Duration::seconds(ctx.state.config.allerte.nodo_perso_secondi as i64);
    Ok(piazza_db::nodi::vivi(&ctx.state.db, limite)
        .await?
        .into_iter()
        .map(|n| Nodo {
            nome: n.nome,
            avviato: crate::kit::fmt::ora_italiana(n.avviato_at),
        })
        .collect())
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
        nodi: nodi(ctx).await?,
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
        .allerte
        .adesione
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
        nodi: nodi(&ctx).await?,
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
    crate::kit::extract::Corpo(body): crate::kit::extract::Corpo,
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
    crate::kit::extract::Corpo(body): crate::kit::extract::Corpo,
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
            // The old channel and the new one together (not audited, as before).
            let uow = Lavoro::apri(&ctx.state.db, &ctx.actor()).await?;
            canale_telegram::Entity::delete_many()
                .filter(canale_telegram::Column::ComuneId.eq(c.id))
                .exec(&uow)
                .await?;
            canale_telegram::Entity::insert(canale_telegram::ActiveModel {
                comune_id: Set(c.id),
                chat_id: Set(chat.clone()),
                link: Set((!link.is_empty()).then_some(link)),
                created_at: Set(Utc::now()),
                ..Default::default()
            })
            .exec(&uow)
            .await?;
            uow.conferma().await?;
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
    Ok(crate::kit::view::see_other("/allerte/invii"))
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
        .map(crate::kit::config::Segreto::esponi)
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
    out.push_str("# HELP piazza_nodi Piazza processes beating on this database.\n");
    out.push_str("# TYPE piazza_nodi gauge\n");
    let _ = writeln!(out, "piazza_nodi {}", nodi(&ctx).await?.len());
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
