//! The public feeds (Atom index of the CAP documents in force, the notices in force) for the
//! region and per comune, and the CAP 1.2 document of one alert.

use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use super::avvisi::avviso_riga;
use super::{cacheabile, quadro, riga};
use crate::allerte::cap_out::{self, Pubblicata};
use crate::allerte::pubblico::Quadro;
use crate::allerte::store;
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::Path;
use crate::kit::moduli::ALLERTE;
use crate::kit::view::Ctx;

/// The public feeds: the CAP index of the alerts in force, or the notices in force.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Feed {
    Allerte,
    Avvisi,
}

fn voci_feed(ctx: &Ctx, q: &Quadro, feed: Feed, comune: Option<i64>) -> Vec<cap_out::Voce> {
    let base = ctx
        .state
        .config
        .associazione
        .public_url
        .trim_end_matches('/');
    let t = ctx.state.territorio.get();
    match feed {
        Feed::Allerte => q
            .attive
            .iter()
            .filter(|x| comune.is_none_or(|c| x.tocca(c)))
            .map(|x| {
                let (a, r) = (&x.a, riga(x));
                let cap = format!("{base}/allerte/cap/{}", a.id);
                cap_out::Voce {
                    id: cap.clone(),
                    titolo: a.titolo.clone(),
                    aggiornato: a.dal.unwrap_or(a.ricevuta_at),
                    riassunto: format!(
                        "Allerta {}: {} — {} comuni, {}",
                        r.livello, r.rischi, r.comuni, r.validita
                    ),
                    link: vec![
                        ("alternate", "application/cap+xml", cap),
                        ("related", "text/html", format!("{base}/allerte/{}", a.id)),
                    ],
                }
            })
            .collect(),
        Feed::Avvisi => q
            .avvisi
            .iter()
            .filter(|a| comune.is_none_or(|c| c == a.comune_id))
            .map(|a| {
                let r = avviso_riga(&t, a);
                cap_out::Voce {
                    id: format!("{base}/allerte/avvisi/{}", a.id),
                    titolo: format!("{}: {}", r.comune, r.titolo),
                    aggiornato: a.created_at,
                    riassunto: format!("{} ({}; {})", r.testo, r.tipo, r.validita),
                    link: vec![(
                        "alternate",
                        "text/html",
                        format!("{base}/comuni/{}", r.codice),
                    )],
                }
            })
            .collect(),
    }
}

/// A feed of the region or of one comune (ISTAT code), rendered once per snapshot.
async fn feed(
    ctx: Ctx,
    headers: HeaderMap,
    feed: Feed,
    codice: Option<String>,
) -> AppResult<Response> {
    ctx.require_read(ALLERTE)?;
    let t = ctx.state.territorio.get();
    let comune = match &codice {
        Some(c) => Some(t.comune(c).ok_or(AppError::NotFound)?),
        None => None,
    };
    let (cosa, file) = match feed {
        Feed::Allerte => ("Allerte in vigore", "allerte.atom"),
        Feed::Avvisi => ("Avvisi dei comuni", "avvisi.atom"),
    };
    let (titolo, path) = match comune {
        Some(c) => (
            format!("{cosa} — {}", c.nome),
            format!("/comuni/{}/{file}", c.codice_istat),
        ),
        None => (
            format!("{cosa} — {}", ctx.state.config.associazione.nome_regione),
            match feed {
                Feed::Allerte => "/allerte/cap.atom".to_owned(),
                Feed::Avvisi => "/allerte/avvisi.atom".to_owned(),
            },
        ),
    };
    let q = quadro(&ctx, None).await?;
    let b = q.pagina(&path, |q| {
        let self_url = format!(
            "{}{path}",
            ctx.state
                .config
                .associazione
                .public_url
                .trim_end_matches('/')
        );
        let voci = voci_feed(&ctx, q, feed, comune.map(|c| c.id));
        Ok(Bytes::from(cap_out::atom(&titolo, &self_url, q.at, &voci)))
    })?;
    Ok(cacheabile(
        &headers,
        &q,
        &path,
        "application/atom+xml; charset=utf-8",
        b,
    ))
}

/// `/allerte/cap.atom`: the index of the CAP documents of the alerts in force in the region.
pub async fn cap_atom(ctx: Ctx, headers: HeaderMap) -> AppResult<Response> {
    feed(ctx, headers, Feed::Allerte, None).await
}

/// `/comuni/{codice}/allerte.atom`: the same for one comune.
pub async fn comune_cap_atom(
    ctx: Ctx,
    headers: HeaderMap,
    Path(codice): Path<String>,
) -> AppResult<Response> {
    feed(ctx, headers, Feed::Allerte, Some(codice)).await
}

/// `/allerte/avvisi.atom`: the notices in force in the region.
pub async fn avvisi_atom(ctx: Ctx, headers: HeaderMap) -> AppResult<Response> {
    feed(ctx, headers, Feed::Avvisi, None).await
}

/// `/comuni/{codice}/avvisi.atom`: a comune's notices in force.
pub async fn comune_avvisi_atom(
    ctx: Ctx,
    headers: HeaderMap,
    Path(codice): Path<String>,
) -> AppResult<Response> {
    feed(ctx, headers, Feed::Avvisi, Some(codice)).await
}

/// `/allerte/cap/{id}`: the CAP 1.2 document of an alert that was public.
pub async fn cap_documento(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    ctx.require_read(ALLERTE)?;
    let a = store::per_id(&ctx.state.db, id).await?;
    if a.dal.is_none() {
        return Err(AppError::NotFound);
    }
    let voci = store::voci(&ctx.state.db, id).await?;
    let sostituite = store::sostituite_da(&ctx.state.db, id).await?;
    let t = ctx.state.territorio.get();
    let doc = cap_out::documento(
        &Pubblicata {
            a: &a,
            voci: &voci,
            sostituite: &sostituite,
        },
        &t,
        &ctx.state.config.allerte.cap_mittente,
        &ctx.state.config.associazione.public_url,
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/cap+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=10"),
        ],
        piazza_cap::to_xml(&doc),
    )
        .into_response())
}
