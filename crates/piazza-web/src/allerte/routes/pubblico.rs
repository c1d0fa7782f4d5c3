//! The public state: the map and the alerts in force (`/allerte`, rendered once per snapshot
//! for anonymous visitors), the open-data JSON (`/allerte.json`), also at a past instant.

use askama::Template;
use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::avvisi::{AvvisoRiga, avviso_riga};
use super::{
    AllertaRiga, CRUMB, cacheabile, colore, istante, opzioni_rischi, quadro, riga, schede,
};
use crate::allerte::bollettino::Livello;
use crate::allerte::cap_out;
use crate::allerte::da_cap::RISCHI;
use crate::allerte::pubblico::Quadro;
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::Query;
use crate::kit::fmt;
use crate::kit::moduli::ALLERTE;
use crate::kit::view::{Chrome, Ctx, Opzione, Scheda};
use crate::territorio::Territorio;
use crate::territorio::map::{Classe, Layer};

#[derive(Deserialize, Default)]
pub struct StatoQuery {
    #[serde(default)]
    pub rischio: String,
    pub al: Option<String>,
}

/// A comune above green, for the table that is the map's text alternative.
pub struct ComuneInAllerta {
    pub codice: String,
    pub nome: String,
    pub provincia: String,
    pub livello: &'static str,
    pub rischi: String,
}

pub struct Conteggio {
    pub nome: &'static str,
    pub colore: &'static str,
    pub n: usize,
}

#[derive(Template)]
#[template(path = "allerte/stato.html")]
struct StatoPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    aggiornato: String,
    storico: bool,
    rischi: Vec<Opzione>,
    rischio_nome: String,
    conteggi: Vec<Conteggio>,
    svg: String,
    attive: Vec<AllertaRiga>,
    in_allerta: Vec<ComuneInAllerta>,
    avvisi: Vec<AvvisoRiga>,
}

/// The map layer of the state: every comune coloured by its highest level (for one risk or all).
pub fn layer_stato(t: &Territorio, q: &Quadro, rischio: Option<&str>) -> Layer {
    let mut valori = std::collections::HashMap::new();
    for c in &t.comuni {
        let l = q.livello(c.id, rischio);
        valori.insert(
            c.codice_istat.clone(),
            (l.numero() as usize, l.nome().to_owned()),
        );
    }
    Layer {
        titolo: match rischio {
            Some(r) => format!(
                "Allerta per rischio {}",
                cap_out::nome_rischio(r).to_lowercase()
            ),
            None => "Livello di allerta più alto".into(),
        },
        classi: [
            Livello::Verde,
            Livello::Giallo,
            Livello::Arancione,
            Livello::Rosso,
        ]
        .iter()
        .map(|l| Classe {
            etichetta: l.nome().into(),
            colore: colore(*l),
        })
        .collect(),
        valori,
        etichette: Vec::new(),
    }
}

fn rendi_stato(ctx: &Ctx, q: &Quadro, rischio: &str, storico: bool) -> AppResult<Bytes> {
    let t = ctx.state.territorio.get();
    let r = (!rischio.is_empty()).then_some(rischio);
    let layer = layer_stato(&t, q, r);
    let mut conteggi: Vec<Conteggio> = [
        Livello::Rosso,
        Livello::Arancione,
        Livello::Giallo,
        Livello::Verde,
    ]
    .iter()
    .map(|l| Conteggio {
        nome: l.nome(),
        colore: colore(*l),
        n: 0,
    })
    .collect();
    let mut in_allerta = Vec::new();
    for c in &t.comuni {
        let l = q.livello(c.id, r);
        conteggi[3 - l.numero() as usize].n += 1;
        if l > Livello::Verde {
            let rischi = q
                .stato
                .get(&c.id)
                .map(|m| {
                    m.iter()
                        .filter(|(k, l)| **l > Livello::Verde && r.is_none_or(|x| x == k.as_str()))
                        .map(|(k, l)| {
                            format!("{} {}", cap_out::nome_rischio(k).to_lowercase(), l.nome())
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            in_allerta.push((
                l,
                ComuneInAllerta {
                    codice: c.codice_istat.clone(),
                    nome: c.nome.clone(),
                    provincia: c.sigla_provincia.clone(),
                    livello: l.nome(),
                    rischi,
                },
            ));
        }
    }
    in_allerta.sort_by_key(|c| std::cmp::Reverse(c.0));
    let page = StatoPage {
        chrome: ctx.chrome("Allerte in corso", &[CRUMB]),
        schede: schede(ctx, "/allerte"),
        aggiornato: fmt::ora_italiana(q.at),
        storico,
        rischi: opzioni_rischi(rischio, true),
        rischio_nome: layer.titolo.clone(),
        conteggi,
        svg: t.render_map(&layer),
        attive: q
            .attive
            .iter()
            .filter(|x| r.is_none_or(|r| x.voci.iter().any(|v| v.rischio == r)))
            .map(riga)
            .collect(),
        in_allerta: in_allerta.into_iter().map(|(_, c)| c).collect(),
        avvisi: q
            .avvisi
            .iter()
            .take(20)
            .map(|a| avviso_riga(&t, a))
            .collect(),
    };
    Ok(Bytes::from(
        page.render().map_err(|e| AppError::causa("template", e))?,
    ))
}

/// `/allerte`: anonymous visitors get the bytes rendered once per snapshot.
pub async fn stato_page(
    ctx: Ctx,
    headers: HeaderMap,
    Query(p): Query<StatoQuery>,
) -> AppResult<Response> {
    ctx.require_read(ALLERTE)?;
    let rischio = if RISCHI.iter().any(|(k, _)| *k == p.rischio) {
        p.rischio.clone()
    } else {
        String::new()
    };
    let al = istante(p.al.as_deref())?;
    let q = quadro(&ctx, al).await?;
    if ctx.user.is_some() || al.is_some() {
        let b = rendi_stato(&ctx, &q, &rischio, al.is_some())?;
        return Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], b).into_response());
    }
    let chiave = format!("stato:{rischio}");
    let b = q.pagina(&chiave, |q| rendi_stato(&ctx, q, &rischio, false))?;
    Ok(cacheabile(
        &headers,
        &q,
        &chiave,
        "text/html; charset=utf-8",
        b,
    ))
}

#[derive(Deserialize, Default)]
pub struct AlQuery {
    pub al: Option<String>,
}

fn json_stato(t: &Territorio, q: &Quadro, nome_regione: &str) -> serde_json::Value {
    let comuni: Vec<serde_json::Value> = t
        .comuni
        .iter()
        .map(|c| {
            let rischi: serde_json::Map<String, serde_json::Value> = RISCHI
                .iter()
                .map(|(k, _)| ((*k).to_owned(), q.livello(c.id, Some(k)).nome().into()))
                .collect();
            serde_json::json!({
                "istat": c.codice_istat,
                "nome": c.nome,
                "livello": q.livello(c.id, None).nome(),
                "rischi": rischi,
            })
        })
        .collect();
    serde_json::json!({
        "regione": nome_regione,
        "al": q.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "livelli": ["verde", "giallo", "arancione", "rosso"],
        "rischi": RISCHI.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        "allerte_in_vigore": q.attive.iter().map(|x| serde_json::json!({
            "id": x.a.id,
            "titolo": x.a.titolo,
            "livello": x.livello().nome(),
            "inizio": x.a.inizio.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            "scadenza": x.a.scadenza.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            "cap": format!("/allerte/cap/{}", x.a.id),
        })).collect::<Vec<_>>(),
        "licenza": "CC BY 4.0",
        "comuni": comuni,
    })
}

/// `/allerte.json`: every comune of the region with its level per risk, now or at `?al=`.
pub async fn stato_json(
    ctx: Ctx,
    headers: HeaderMap,
    Query(p): Query<AlQuery>,
) -> AppResult<Response> {
    ctx.require_read(ALLERTE)?;
    let al = istante(p.al.as_deref())?;
    let q = quadro(&ctx, al).await?;
    let t = ctx.state.territorio.get();
    let rendi = |q: &Quadro| -> AppResult<Bytes> {
        serde_json::to_vec(&json_stato(
            &t,
            q,
            &ctx.state.config.associazione.nome_regione,
        ))
        .map(Bytes::from)
        .map_err(|e| AppError::causa("stato pubblico in JSON", e))
    };
    let b = if al.is_some() {
        rendi(&q)?
    } else {
        q.pagina("json", rendi)?
    };
    Ok(cacheabile(&headers, &q, "json", "application/json", b))
}
