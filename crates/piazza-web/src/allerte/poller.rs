//! Polling the sources that publish by URL: CAP feeds (an Atom index linking CAP documents, as
//! MeteoAlarm publishes them, or a single CAP document) and the national bulletin (its index
//! JSON, then the day files it links). Resilient by construction:
//! - every request has a timeout, and bodies are capped;
//! - conditional requests (`If-None-Match`, `If-Modified-Since`): a `304` costs nothing;
//! - a source that fails (unreachable, an HTTP error, a body that is not what it should be) is
//!   retried later and later (exponential backoff with jitter, up to an hour), its health shows
//!   the error, and the alert state is left as it was: a feed that disappears or returns
//!   garbage never clears it (alerts end by their own expiry, or by a Cancel);
//! - the documents of a poll are applied one by one, each in its own transaction, so one bad
//!   document does not stop the others.

use std::time::Duration;

use chrono::{DateTime, Utc};
use piazza_db::audit::Actor;
use piazza_db::entities::fonte_allerta;
use piazza_db::lavoro::Lavoro;
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter, Set,
};

use super::registro::Esito;
use super::{bollettino, fonti};
use crate::kit::error::AppResult;
use crate::territorio::Territorio;

/// The largest body accepted from a source.
pub const MAX_CORPO: usize = 8 * 1024 * 1024;
/// The longest wait after repeated failures.
const MAX_ATTESA: i64 = 3600;

/// What a poll did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Resoconto {
    /// The source answered 304: nothing new.
    pub invariato: bool,
    pub documenti: usize,
    pub nuovi: usize,
    pub duplicati: usize,
    /// Documents refused (with the reason), while the others were applied.
    pub scartati: Vec<String>,
}

/// The HTTP client of the pollers: it connects only where `regole` allow (public addresses;
/// loopback too with `fonti_loopback`), checking names when they resolve and every redirect.
pub fn client(timeout: Duration, regole: piazza_net::Regole) -> piazza_net::ClientSicuro {
    piazza_net::ClientSicuro::new(
        reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!(
                "Piazza/",
                env!("CARGO_PKG_VERSION"),
                " (Cittadino Informato)"
            )),
        regole,
        3,
    )
    .expect("an HTTP client")
}

/// A response body, capped at [`MAX_CORPO`].
async fn corpo(mut r: reqwest::Response) -> Result<String, String> {
    let mut v: Vec<u8> = Vec::new();
    while let Some(c) = r
        .chunk()
        .await
        .map_err(|e| format!("lettura interrotta: {e}"))?
    {
        if v.len() + c.len() > MAX_CORPO {
            return Err(format!(
                "risposta troppo grande (oltre {} MB)",
                MAX_CORPO / 1024 / 1024
            ));
        }
        v.extend_from_slice(&c);
    }
    String::from_utf8(v).map_err(|_| "la risposta non è testo UTF-8".into())
}

fn errore_http(e: reqwest::Error) -> String {
    if let Some(r) = piazza_net::rifiuto_in(&e) {
        format!("indirizzo non ammesso: {r}")
    } else if e.is_timeout() {
        "tempo scaduto: la fonte non ha risposto in tempo".into()
    } else if e.is_connect() {
        "connessione non riuscita".into()
    } else {
        format!("richiesta non riuscita: {e}")
    }
}

async fn scarica(client: &piazza_net::ClientSicuro, url: &str) -> Result<String, String> {
    let r = client
        .get(url)
        .map_err(|r| format!("{url}: indirizzo non ammesso: {r}"))?
        .send()
        .await
        .map_err(errore_http)?;
    if !r.status().is_success() {
        return Err(format!("{url}: risposta HTTP {}", r.status().as_u16()));
    }
    corpo(r).await
}

/// The CAP documents an Atom feed links (`type="application/cap+xml"`, or any `.xml` link of
/// an entry), resolved against the feed's URL.
pub fn link_cap(atom: &str, base: &str) -> Result<Vec<String>, String> {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(atom);
    let mut out = Vec::new();
    let mut radice: Option<String> = None;
    let mut in_entry = 0usize;
    loop {
        let evento = r.read_event();
        match evento {
            Ok(Event::End(ref e)) if e.local_name().as_ref() == "entry" => {
                in_entry = in_entry.saturating_sub(1);
            }
            Ok(Event::Start(ref e)) | Ok(Event::Empty(ref e)) => {
                let nome = e.local_name().as_ref().to_owned();
                if radice.is_none() {
                    radice = Some(nome.clone());
                }
                if nome == "entry" && matches!(evento, Ok(Event::Start(_))) {
                    in_entry += 1;
                }
                if nome == "link" && in_entry > 0 {
                    let mut href = None;
                    let mut tipo = None;
                    for a in e.attributes().flatten() {
                        let v = a.value.to_string().replace("&amp;", "&");
                        match a.key.local_name().as_ref() {
                            "href" => href = Some(v),
                            "type" => tipo = Some(v),
                            _ => {}
                        }
                    }
                    if let Some(h) = href
                        && (tipo.as_deref().is_some_and(|t| t.contains("cap"))
                            || h.ends_with(".xml")
                            || h.contains("/cap/"))
                    {
                        out.push(risolvi(base, &h));
                    }
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("feed non leggibile: {e}")),
        }
    }
    match radice.as_deref() {
        Some("feed") => {
            out.dedup();
            Ok(out)
        }
        Some(r) => Err(format!("atteso un feed Atom, trovato «{r}»")),
        None => Err("risposta vuota".into()),
    }
}

/// An absolute URL for `href` found in a document at `base`.
fn risolvi(base: &str, href: &str) -> String {
    if href.starts_with("http://") || href.starts_with("https://") {
        return href.to_owned();
    }
    let (schema, resto) = base.split_once("://").unwrap_or(("http", base));
    let host = resto.split('/').next().unwrap_or(resto);
    if let Some(assoluto) = href.strip_prefix('/') {
        return format!("{schema}://{host}/{assoluto}");
    }
    let cartella = base.rsplit_once('/').map(|(c, _)| c).unwrap_or(base);
    format!("{cartella}/{href}")
}

/// Polls one source now and records its health. The state changes only through the documents
/// the source returns.
pub async fn interroga(
    db: &DatabaseConnection,
    t: &std::sync::Arc<Territorio>,
    client: &piazza_net::ClientSicuro,
    fonte: &fonte_allerta::Model,
) -> AppResult<Result<Resoconto, String>> {
    let esito = leggi(db, t, client, fonte).await;
    registra(db, fonte, &esito).await?;
    Ok(esito.map(|(r, _)| r))
}

/// The validators of a successful response, for the next conditional request.
type Validatori = (Option<String>, Option<String>);

async fn leggi(
    db: &DatabaseConnection,
    t: &std::sync::Arc<Territorio>,
    client: &piazza_net::ClientSicuro,
    fonte: &fonte_allerta::Model,
) -> Result<(Resoconto, Validatori), String> {
    let url = fonte.url.as_deref().ok_or("la fonte non ha un indirizzo")?;
    let mut req = client
        .get(url)
        .map_err(|r| format!("indirizzo non ammesso: {r}"))?;
    if let Some(e) = &fonte.etag {
        req = req.header(IF_NONE_MATCH, e);
    }
    if let Some(l) = &fonte.last_modified {
        req = req.header(IF_MODIFIED_SINCE, l);
    }
    let r = req.send().await.map_err(errore_http)?;
    let validatori = |r: &reqwest::Response| {
        let h = |n| {
            r.headers()
                .get(n)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        (h(ETAG), h(LAST_MODIFIED))
    };
    if r.status() == StatusCode::NOT_MODIFIED {
        let v = validatori(&r);
        return Ok((
            Resoconto {
                invariato: true,
                ..Default::default()
            },
            (
                v.0.or_else(|| fonte.etag.clone()),
                v.1.or_else(|| fonte.last_modified.clone()),
            ),
        ));
    }
    if !r.status().is_success() {
        return Err(format!("risposta HTTP {}", r.status().as_u16()));
    }
    let v = validatori(&r);
    let testo = corpo(r).await?;
    let actor = Actor::system(&format!("fonte {}", fonte.codice));
    let mut res = Resoconto::default();
    match fonte.tipo.as_str() {
        fonti::tipo::BOLLETTINO => {
            let indice = bollettino::leggi_indice(&testo)?;
            let mut giorni = Vec::new();
            for u in [&indice.oggi, &indice.domani] {
                let json = scarica(client, &risolvi(url, u)).await?;
                giorni.push(bollettino::documento(&json, Some(indice.generato), t)?);
            }
            res.documenti = giorni.len();
            for (_, e) in fonti::importa_bollettino(db, t, &actor, giorni)
                .await
                .map_err(|e| e.to_string())?
            {
                conta(&mut res, &e);
            }
        }
        _ => {
            let documenti: Vec<String> = if testo.trim_start().starts_with("<?xml")
                && testo.contains("<alert")
                && !testo.contains("<feed")
                || testo.trim_start().starts_with("<alert")
            {
                vec![testo]
            } else {
                let mut v = Vec::new();
                for link in link_cap(&testo, url)? {
                    match scarica(client, &link).await {
                        Ok(d) => v.push(d),
                        Err(e) => res.scartati.push(format!("{link}: {e}")),
                    }
                }
                v
            };
            res.documenti = documenti.len() + res.scartati.len();
            for d in documenti {
                match fonti::ricevi_cap(db, t, fonte, &actor, &d).await {
                    Ok((e, _)) => conta(&mut res, &e),
                    Err(e) => res.scartati.push(e.to_string()),
                }
            }
            if res.documenti > 0 && res.scartati.len() == res.documenti {
                return Err(format!(
                    "nessun documento valido: {}",
                    res.scartati.join("; ")
                ));
            }
        }
    }
    Ok((res, v))
}

fn conta(r: &mut Resoconto, e: &Esito) {
    match e {
        Esito::Duplicato => r.duplicati += 1,
        _ => r.nuovi += 1,
    }
}

/// The wait before the next attempt after `errori` failures in a row: the source's interval
/// doubled each time, up to an hour, with up to a fifth of jitter.
pub fn attesa(intervallo: i32, errori: i32) -> i64 {
    use rand::Rng;
    let base = (intervallo.max(1) as i64)
        .saturating_mul(1i64 << errori.clamp(0, 12))
        .min(MAX_ATTESA);
    base + rand::rng().random_range(0..=base / 5)
}

async fn registra(
    db: &DatabaseConnection,
    fonte: &fonte_allerta::Model,
    esito: &Result<(Resoconto, Validatori), String>,
) -> AppResult<()> {
    let ora = Utc::now();
    let prima = fonte.clone();
    let mut am = fonte.clone().into_active_model();
    let actor = Actor::system(&format!("fonte {}", fonte.codice));
    // The source's health and its audit row (when there is something to tell) together.
    let uow = Lavoro::apri(db, &actor).await?;
    match esito {
        Ok((r, (etag, modificato))) => {
            am.etag = Set(etag.clone());
            am.last_modified = Set(modificato.clone());
            am.ultimo_successo = Set(Some(ora));
            am.errori_consecutivi = Set(0);
            am.prossimo_tentativo = Set(Some(
                ora + chrono::Duration::seconds(fonte.intervallo_secondi.max(1) as i64),
            ));
            if prima.errori_consecutivi > 0 || r.nuovi > 0 || !r.scartati.is_empty() {
                uow.registra(
                    if prima.errori_consecutivi > 0 {
                        "fonte_ripristinata"
                    } else {
                        "interrogazione"
                    },
                    "fonte_allerta",
                    &fonte.codice,
                    None,
                    Some(serde_json::json!({
                        "documenti": r.documenti, "nuovi": r.nuovi,
                        "duplicati": r.duplicati, "scartati": r.scartati,
                    })),
                )
                .await?;
            }
        }
        Err(e) => {
            let errori = prima.errori_consecutivi + 1;
            am.ultimo_errore = Set(Some(e.clone()));
            am.ultimo_errore_at = Set(Some(ora));
            am.errori_consecutivi = Set(errori);
            am.prossimo_tentativo = Set(Some(
                ora + chrono::Duration::seconds(attesa(fonte.intervallo_secondi, errori)),
            ));
            uow.registra(
                "interrogazione_fallita",
                "fonte_allerta",
                &fonte.codice,
                None,
                Some(serde_json::json!({ "errore": e, "errori_consecutivi": errori })),
            )
            .await?;
        }
    }
    am.update(&uow).await?;
    uow.conferma().await?;
    Ok(())
}

/// The sources due now: active, with a URL, of a kind that is polled.
pub async fn da_interrogare(
    db: &DatabaseConnection,
    ora: DateTime<Utc>,
) -> AppResult<Vec<fonte_allerta::Model>> {
    Ok(fonte_allerta::Entity::find()
        .filter(fonte_allerta::Column::Attiva.eq(true))
        .filter(fonte_allerta::Column::Url.is_not_null())
        .filter(fonte_allerta::Column::Tipo.is_in([fonti::tipo::CAP_FEED, fonti::tipo::BOLLETTINO]))
        .filter(
            Condition::any()
                .add(fonte_allerta::Column::ProssimoTentativo.is_null())
                .add(fonte_allerta::Column::ProssimoTentativo.lte(ora)),
        )
        .all(db)
        .await?)
}

/// How long a source taken for a poll stays taken if the poll never records its outcome (the
/// node died): then another node polls it.
const PRESA: i64 = 120;

/// Takes a due source for a poll, so that no other node polls it at the same time: its next
/// attempt moves [`PRESA`] seconds ahead, and the poll's outcome sets it again. `false` if
/// another node took it first.
pub async fn prendi(
    db: &DatabaseConnection,
    fonte: &fonte_allerta::Model,
    ora: DateTime<Utc>,
) -> AppResult<bool> {
    let r = fonte_allerta::Entity::update_many()
        .col_expr(
            fonte_allerta::Column::ProssimoTentativo,
            sea_orm::sea_query::Expr::value(ora + chrono::Duration::seconds(PRESA)),
        )
        .filter(fonte_allerta::Column::Id.eq(fonte.id))
        .filter(
            Condition::any()
                .add(fonte_allerta::Column::ProssimoTentativo.is_null())
                .add(fonte_allerta::Column::ProssimoTentativo.lte(ora)),
        )
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// The polling loop of `piazza serve`: every few seconds, the sources that are due, each in its
/// own task, each taken first ([`prendi`]: with several nodes, one polls it); after new
/// documents the public snapshot is renewed.
pub fn avvia(state: crate::AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let client = client(Duration::from_secs(20), state.config.regole_fonti());
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let fonti = match da_interrogare(&state.db, Utc::now()).await {
                Ok(f) => f,
                Err(e) => {
                    tracing::warn!(error = %e, "alert sources: cannot list");
                    continue;
                }
            };
            let mut compiti = tokio::task::JoinSet::new();
            for f in fonti {
                match prendi(&state.db, &f, Utc::now()).await {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(e) => {
                        tracing::warn!(fonte = %f.codice, error = %e, "alert source not taken");
                        continue;
                    }
                }
                let (db, t, c) = (state.db.clone(), state.territorio.get(), client.clone());
                compiti.spawn(async move {
                    let r = interroga(&db, &t, &c, &f).await;
                    (f.codice, r)
                });
            }
            while let Some(r) = compiti.join_next().await {
                match r {
                    Ok((_, Ok(Ok(res)))) if res.nuovi > 0 => state.generazione.bump(),
                    Ok((codice, Ok(Err(e)))) => {
                        tracing::warn!(fonte = %codice, errore = %e, "alert source failed")
                    }
                    Ok((codice, Err(e))) => {
                        tracing::warn!(fonte = %codice, error = %e, "alert source not recorded")
                    }
                    _ => {}
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_of_an_atom_feed_are_resolved() {
        let atom = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>x</id>
            <link rel="self" href="https://feeds.example/it.atom"/>
            <entry><id>1</id><link rel="alternate" type="application/cap+xml" href="https://feeds.example/a/1.xml"/></entry>
            <entry><id>2</id><link href="/cap/2"/><link rel="related" type="text/html" href="/pagina/2"/></entry>
            <entry><id>3</id><link href="3.xml"/></entry></feed>"#;
        assert_eq!(
            link_cap(atom, "https://feeds.example/dir/it.atom").unwrap(),
            [
                "https://feeds.example/a/1.xml",
                "https://feeds.example/cap/2",
                "https://feeds.example/dir/3.xml"
            ]
        );
        assert!(link_cap("<html><body>errore</body></html>", "http://x/").is_err());
        assert!(link_cap("{\"non\": \"xml\"}", "http://x/").is_err());
    }

    #[test]
    fn the_wait_doubles_up_to_an_hour() {
        for (errori, min, max) in [(1, 120, 144), (3, 480, 576), (20, 3600, 4320)] {
            let a = attesa(60, errori);
            assert!((min..=max).contains(&a), "{errori}: {a}");
        }
    }
}
