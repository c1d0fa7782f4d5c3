//! Allerte pages. Public: the state of every comune on the map and the alerts in force
//! (`/allerte`, cached per snapshot), the open-data JSON (also at a past instant), the CAP 1.2
//! feeds (Atom index + one document per alert) for the region and per comune, the notices'
//! Atom feeds, one alert's page. Staff: the desk (alerts waiting for approval, latest
//! documents, the sources' health), composing an alert (regional desk for zones and comuni, a
//! referente for their own comuni) and the second person's approval, cancelling, the sources
//! and their API tokens, the CAP API, municipal notices, and the comuni's adoption and plans.

use std::collections::BTreeMap;

use askama::Template;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use piazza_db::entities::{allerta, fonte_allerta};
use sea_orm::EntityTrait;
use serde::Deserialize;

use super::bollettino::Livello;
use super::cap_out::{self, Pubblicata};
use super::da_cap::RISCHI;
use super::fonti;
use super::model::{self, ComponiForm, NuovaAllerta};
use super::pubblico::{self, Attiva, Quadro};
use super::store::{self, Decisione, stato};
use crate::error::{AppError, AppResult};
use crate::extract::{Path, Query};
use crate::fmt;
use crate::moduli::ALLERTE;
use crate::territorio::Territorio;
use crate::territorio::map::{Classe, Layer};
use crate::view::{
    Chrome, Ctx, FormErrors, Opzione, Scheda, form_pairs, render, render_invalid, see_other,
};

const CRUMB: (&str, &str) = ("Allerte", "/allerte");

/// Level colours of the map and the badges (the usual civil-protection scale).
/// The largest CAP document the API accepts (a CAP document with polygons is tens of KB).
pub const MAX_CAP: usize = 1024 * 1024;

pub const COLORI: [&str; 4] = ["#8fd18b", "#ffd92f", "#f28e2b", "#d62728"];

pub fn colore(l: Livello) -> &'static str {
    COLORI[l.numero() as usize]
}

pub(super) fn schede(ctx: &Ctx, attiva: &str) -> Vec<Scheda> {
    let mut v = vec![
        ("Stato delle allerte", "/allerte"),
        ("Ricevi le allerte", "/allerte/iscriviti"),
    ];
    if e_staff(ctx) {
        v.push(("Sala operativa", "/allerte/gestione"));
        v.push(("Invii", "/allerte/invii"));
        v.push(("Avvisi dei comuni", "/allerte/avvisi"));
        v.push(("Adesioni e piani", "/allerte/adesioni"));
        v.push(("Fonti", "/allerte/fonti"));
    }
    v.into_iter()
        .map(|(nome, href)| Scheda {
            nome,
            href,
            attiva: href == attiva,
        })
        .collect()
}

/// Staff of the module: a grant on it (editor, viewer, admin) or a referente (their comuni).
fn e_staff(ctx: &Ctx) -> bool {
    ctx.has_grant(ALLERTE) || ctx.can_edit_some(ALLERTE)
}

pub(super) fn richiedi_staff(ctx: &Ctx) -> AppResult<()> {
    ctx.require_login()?;
    if e_staff(ctx) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn opzioni_rischi(scelto: &str, con_tutti: bool) -> Vec<Opzione> {
    let mut v = Vec::new();
    if con_tutti {
        v.push(Opzione {
            valore: String::new(),
            nome: "Tutti i rischi".into(),
            scelta: scelto.is_empty(),
        });
    }
    v.extend(RISCHI.iter().map(|(k, n)| Opzione {
        valore: (*k).into(),
        nome: (*n).into(),
        scelta: *k == scelto,
    }));
    v
}

/// `?al=` as an RFC 3339 instant.
fn istante(al: Option<&str>) -> AppResult<Option<DateTime<Utc>>> {
    match al.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.to_utc()))
            .map_err(|_| {
                AppError::BadRequest(format!(
                    "Istante non valido: «{s}». Usa il formato RFC 3339, per esempio 2026-11-26T14:30:00+01:00."
                ))
            }),
    }
}

/// The snapshot: the shared current one, or the state at `al`.
async fn quadro(ctx: &Ctx, al: Option<DateTime<Utc>>) -> AppResult<std::sync::Arc<Quadro>> {
    match al {
        None => {
            ctx.state
                .allerte
                .corrente(&ctx.state.db, &ctx.state.generazione)
                .await
        }
        Some(t) => Ok(std::sync::Arc::new(
            pubblico::carica(&ctx.state.db, t).await?,
        )),
    }
}

/// A cacheable public response of the current snapshot: `ETag`, `304` when the client has it,
/// the gzip bytes compressed once per snapshot when the client accepts them.
fn cacheabile(
    req: &HeaderMap,
    q: &Quadro,
    chiave: &str,
    tipo: &'static str,
    corpo: Bytes,
) -> Response {
    let etag = q.etag.as_str();
    let stessa = req
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim() == etag));
    let gzip = req
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let mut r = if stessa {
        StatusCode::NOT_MODIFIED.into_response()
    } else if gzip {
        (
            [
                (header::CONTENT_TYPE, tipo),
                (header::CONTENT_ENCODING, "gzip"),
            ],
            q.gzip(chiave, &corpo),
        )
            .into_response()
    } else {
        ([(header::CONTENT_TYPE, tipo)], corpo).into_response()
    };
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=10"),
    );
    r
}

// ---------------------------------------------------------------------------------------------
// Public pages

#[derive(Deserialize, Default)]
pub struct StatoQuery {
    #[serde(default)]
    pub rischio: String,
    pub al: Option<String>,
}

/// One row of the list of alerts.
pub struct AllertaRiga {
    pub id: i64,
    pub titolo: String,
    pub livello: &'static str,
    pub rischi: String,
    pub comuni: usize,
    pub area: String,
    pub validita: String,
    pub fonte: String,
    pub esercitazione: bool,
}

fn validita(a: &allerta::Model) -> String {
    match (a.inizio, a.scadenza) {
        (Some(i), Some(s)) => format!("dal {} al {}", fmt::ora_italiana(i), fmt::ora_italiana(s)),
        (None, Some(s)) => format!("fino al {}", fmt::ora_italiana(s)),
        (Some(i), None) => format!("dal {}", fmt::ora_italiana(i)),
        (None, None) => "fino a revoca".into(),
    }
}

fn riga(x: &Attiva) -> AllertaRiga {
    let a = &x.a;
    let rischi = x
        .rischi()
        .iter()
        .map(|(r, (l, _))| format!("{} ({})", cap_out::nome_rischio(r).to_lowercase(), l.nome()))
        .collect::<Vec<_>>()
        .join(", ");
    AllertaRiga {
        id: a.id,
        titolo: a.titolo.clone(),
        livello: x.livello().nome(),
        rischi,
        comuni: x
            .voci
            .iter()
            .map(|v| v.comune_id)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        area: a.area.clone().unwrap_or_default(),
        validita: validita(a),
        fonte: a.mittente.clone(),
        esercitazione: a.esercitazione,
    }
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
    Ok(Bytes::from(page.render().map_err(|e| {
        AppError::Internal(format!("template: {e}"))
    })?))
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
        .map_err(|e| AppError::Internal(e.to_string()))
    };
    let b = if al.is_some() {
        rendi(&q)?
    } else {
        q.pagina("json", rendi)?
    };
    Ok(cacheabile(&headers, &q, "json", "application/json", b))
}

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

// ---------------------------------------------------------------------------------------------
// One alert

/// A risk, its level and the comuni (ISTAT code, name) an alert gives it.
type RischioComuni = (String, &'static str, Vec<(String, String)>);

#[derive(Template)]
#[template(path = "allerte/dettaglio.html")]
struct DettaglioPage {
    chrome: Chrome,
    a: allerta::Model,
    stato: &'static str,
    livello: &'static str,
    validita: String,
    ricevuta: String,
    rischi: Vec<RischioComuni>,
    fonte: String,
    pubblica: bool,
    staff: bool,
    puo_decidere: bool,
    puo_annullare: bool,
    errore: Option<String>,
    documento: String,
}

/// May this user decide on (approve, reject, cancel) alert `a`? The regional desk for any alert;
/// a referente for an alert of their own comune.
fn puo_decidere(ctx: &Ctx, a: &allerta::Model) -> bool {
    ctx.can_edit(ALLERTE, None) || (a.comune_id.is_some() && ctx.can_edit(ALLERTE, a.comune_id))
}

async fn dettaglio_page(
    ctx: &Ctx,
    a: allerta::Model,
    errore: Option<String>,
) -> AppResult<DettaglioPage> {
    let t = ctx.state.territorio.get();
    let voci = store::voci(&ctx.state.db, a.id).await?;
    let mut per_rischio: BTreeMap<(String, i32), Vec<(String, String)>> = BTreeMap::new();
    for v in &voci {
        if let Some(c) = t.comune_by_id(v.comune_id) {
            per_rischio
                .entry((v.rischio.clone(), v.livello))
                .or_default()
                .push((c.codice_istat.clone(), c.nome.clone()));
        }
    }
    let staff = e_staff(ctx);
    let fonte = store::fonti(&ctx.state.db)
        .await?
        .into_iter()
        .find(|f| f.id == a.fonte_id)
        .map(|f| f.nome)
        .unwrap_or_default();
    let l = Livello::da_numero(a.livello_max);
    Ok(DettaglioPage {
        chrome: ctx.chrome(
            a.titolo.clone(),
            &[CRUMB, (&a.titolo, &format!("/allerte/{}", a.id))],
        ),
        stato: stato::nome(&a.stato),
        livello: l.nome(),
        validita: validita(&a),
        ricevuta: fmt::ora_italiana(a.ricevuta_at),
        rischi: per_rischio
            .into_iter()
            .rev()
            .map(|((r, l), c)| {
                (
                    cap_out::nome_rischio(&r).to_owned(),
                    Livello::da_numero(l).nome(),
                    c,
                )
            })
            .collect(),
        fonte,
        pubblica: a.dal.is_some(),
        staff,
        puo_decidere: a.stato == stato::IN_ATTESA
            && puo_decidere(ctx, &a)
            && ctx.user.as_ref().map(|u| u.id) != a.composta_da,
        puo_annullare: a.stato == stato::IN_VIGORE && puo_decidere(ctx, &a),
        errore,
        documento: if staff {
            a.documento.clone()
        } else {
            String::new()
        },
        a,
    })
}

/// `/allerte/{id}`: public once it was public; before that (waiting, rejected, exercise) only
/// for the staff.
pub async fn dettaglio(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    ctx.require_read(ALLERTE)?;
    let a = store::per_id(&ctx.state.db, id).await?;
    if a.dal.is_none() {
        richiedi_staff(&ctx)?;
        if !visibile_al_desk(&ctx, &a) {
            return Err(AppError::Forbidden);
        }
    }
    render(&dettaglio_page(&ctx, a, None).await?)
}

// ---------------------------------------------------------------------------------------------
// The desk

pub struct DocumentoRiga {
    pub id: i64,
    pub titolo: String,
    pub stato: &'static str,
    pub livello: &'static str,
    pub fonte: String,
    pub ricevuta: String,
    pub esercitazione: bool,
    pub msg_type: String,
}

fn documento_riga(a: &allerta::Model, fonti: &[fonte_allerta::Model]) -> DocumentoRiga {
    let l = Livello::da_numero(a.livello_max);
    DocumentoRiga {
        id: a.id,
        titolo: a.titolo.clone(),
        stato: stato::nome(&a.stato),
        livello: l.nome(),
        fonte: fonti
            .iter()
            .find(|f| f.id == a.fonte_id)
            .map(|f| f.nome.clone())
            .unwrap_or_default(),
        ricevuta: fmt::ora_italiana(a.ricevuta_at),
        esercitazione: a.esercitazione,
        msg_type: a.msg_type.clone(),
    }
}

pub struct FonteRiga {
    pub id: i64,
    pub codice: String,
    pub nome: String,
    pub tipo: &'static str,
    pub url: String,
    pub intervallo: i32,
    pub attiva: bool,
    pub ultimo_successo: String,
    pub ultimo_errore: String,
    pub errori: i32,
    pub sana: bool,
    pub ha_token: bool,
}

fn fonte_riga(f: &fonte_allerta::Model) -> FonteRiga {
    FonteRiga {
        id: f.id,
        codice: f.codice.clone(),
        nome: f.nome.clone(),
        tipo: fonti::tipo::nome(&f.tipo),
        url: f.url.clone().unwrap_or_default(),
        intervallo: f.intervallo_secondi,
        attiva: f.attiva,
        ultimo_successo: f.ultimo_successo.map(fmt::ora_italiana).unwrap_or_default(),
        ultimo_errore: match (&f.ultimo_errore, f.ultimo_errore_at) {
            (Some(e), Some(at)) => format!("{} — {e}", fmt::ora_italiana(at)),
            (Some(e), None) => e.clone(),
            _ => String::new(),
        },
        errori: f.errori_consecutivi,
        sana: f.errori_consecutivi == 0,
        ha_token: f.token_hash.is_some(),
    }
}

#[derive(Template)]
#[template(path = "allerte/gestione.html")]
struct GestionePage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    puo_comporre: bool,
    in_attesa: Vec<DocumentoRiga>,
    recenti: Vec<DocumentoRiga>,
    fonti: Vec<FonteRiga>,
}

/// The alerts a referente may see on the desk: those of their comuni.
fn visibile_al_desk(ctx: &Ctx, a: &allerta::Model) -> bool {
    ctx.has_grant(ALLERTE) || (a.comune_id.is_some() && ctx.can_edit(ALLERTE, a.comune_id))
}

pub async fn gestione(ctx: Ctx) -> AppResult<Response> {
    richiedi_staff(&ctx)?;
    let db = &ctx.state.db;
    let fonti = store::fonti(db).await?;
    let in_attesa = store::in_attesa(db)
        .await?
        .iter()
        .filter(|a| visibile_al_desk(&ctx, a))
        .map(|a| documento_riga(a, &fonti))
        .collect();
    let recenti = store::recenti(db, 50)
        .await?
        .iter()
        .filter(|a| visibile_al_desk(&ctx, a))
        .map(|a| documento_riga(a, &fonti))
        .collect();
    render(&GestionePage {
        chrome: ctx.chrome(
            "Sala operativa",
            &[CRUMB, ("Sala operativa", "/allerte/gestione")],
        ),
        schede: schede(&ctx, "/allerte/gestione"),
        puo_comporre: ctx.can_edit_some(ALLERTE),
        in_attesa,
        recenti,
        fonti: if ctx.has_grant(ALLERTE) {
            fonti.iter().map(fonte_riga).collect()
        } else {
            Vec::new()
        },
    })
}

// ---------------------------------------------------------------------------------------------
// Composing and deciding

#[derive(Template)]
#[template(path = "allerte/componi.html")]
struct ComponiPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    f: ComponiForm,
    errors: FormErrors,
    regionale: bool,
    rischi: Vec<Opzione>,
    livelli: Vec<Opzione>,
    zone: Vec<(String, String, bool)>,
    comuni: Vec<(String, String, bool)>,
}

/// The comuni this user may alert: all for the regional desk, their own for a referente.
fn comuni_ammessi(ctx: &Ctx, t: &Territorio) -> Vec<(String, String, i64)> {
    t.comuni
        .iter()
        .filter(|c| ctx.can_edit(ALLERTE, Some(c.id)))
        .map(|c| (c.codice_istat.clone(), c.nome.clone(), c.id))
        .collect()
}

fn componi_page(ctx: &Ctx, f: ComponiForm, errors: FormErrors) -> ComponiPage {
    let t = ctx.state.territorio.get();
    let regionale = ctx.can_edit(ALLERTE, None);
    ComponiPage {
        chrome: ctx.chrome(
            "Nuova allerta",
            &[CRUMB, ("Nuova allerta", "/allerte/nuova")],
        ),
        schede: schede(ctx, "/allerte/gestione"),
        regionale,
        rischi: opzioni_rischi(&f.rischio, false),
        livelli: [Livello::Giallo, Livello::Arancione, Livello::Rosso]
            .iter()
            .map(|l| Opzione {
                valore: l.nome().into(),
                nome: l.nome().into(),
                scelta: f.livello == l.nome(),
            })
            .collect(),
        zone: if regionale {
            t.zone
                .iter()
                .map(|z| {
                    (
                        z.codice.clone(),
                        format!("{} – {}", z.codice, z.nome),
                        f.zone.contains(&z.codice),
                    )
                })
                .collect()
        } else {
            Vec::new()
        },
        comuni: comuni_ammessi(ctx, &t)
            .into_iter()
            .map(|(c, n, _)| {
                let scelto = f.comuni.contains(&c);
                (c, n, scelto)
            })
            .collect(),
        f,
        errors,
    }
}

pub async fn componi_form(ctx: Ctx) -> AppResult<Response> {
    ctx.require_read(ALLERTE)?;
    ctx.require_edit_some(ALLERTE)?;
    let mut f = ComponiForm::default();
    // A referente of one comune has it chosen already.
    let t = ctx.state.territorio.get();
    let ammessi = comuni_ammessi(&ctx, &t);
    if !ctx.can_edit(ALLERTE, None) && ammessi.len() == 1 {
        f.comuni.push(ammessi[0].0.clone());
    }
    render(&componi_page(&ctx, f, FormErrors::default()))
}

/// Composes an alert: it waits for a second person's approval before it is public.
pub async fn componi(
    ctx: Ctx,
    crate::extract::Corpo(body): crate::extract::Corpo,
) -> AppResult<Response> {
    ctx.require_edit_some(ALLERTE)?;
    let f = ComponiForm::da_coppie(form_pairs(&body));
    let t = ctx.state.territorio.get();
    let regionale = ctx.can_edit(ALLERTE, None);
    let mut nuova: Result<NuovaAllerta, FormErrors> = model::valida(&f, &t, Utc::now());
    // A referente composes only for their own comuni, never for a zone.
    if let Ok(n) = &nuova
        && !regionale
    {
        if !f.zone.is_empty() {
            let mut e = FormErrors::default();
            e.add(
                "zone",
                "Solo la sala operativa regionale può allertare zone intere.",
            );
            nuova = Err(e);
        } else if n.comuni.iter().any(|c| {
            !t.comune(c)
                .is_some_and(|cm| ctx.can_edit(ALLERTE, Some(cm.id)))
        }) {
            return Err(AppError::Forbidden);
        }
    }
    let n = match nuova {
        Ok(n) => n,
        Err(errors) => return render_invalid(&componi_page(&ctx, f, errors)),
    };
    // A municipal alert (one comune) belongs to that comune: its referenti may approve it.
    let comune_id = match n.comuni.as_slice() {
        [c] => t.comune(c).map(|c| c.id),
        _ => None,
    };
    let fonte = fonti::fonte_operatori(&ctx.state.db).await?;
    let doc = n.documento(
        &ctx.state.config.allerte.cap_mittente,
        Utc::now(),
        comune_id,
    );
    let (mittente, url) = (
        ctx.state.config.allerte.cap_mittente.clone(),
        ctx.state.config.associazione.public_url.clone(),
    );
    let a = store::componi(&ctx.state.db, &t, &fonte, &ctx.actor(), &doc, |a, voci| {
        piazza_cap::to_xml(&cap_out::documento(
            &Pubblicata {
                a,
                voci,
                sostituite: &[],
            },
            &t,
            &mittente,
            &url,
        ))
    })
    .await?;
    Ok(see_other(&format!("/allerte/{}", a.id)))
}

async fn decidi_o_errore(ctx: &Ctx, id: i64, azione: Option<Decisione>) -> AppResult<Response> {
    ctx.require_login()?;
    let a = store::per_id(&ctx.state.db, id).await?;
    if !puo_decidere(ctx, &a) {
        return Err(AppError::Forbidden);
    }
    let esito = match azione {
        Some(d) => store::decidi(&ctx.state.db, &ctx.actor(), id, d).await,
        None => store::termina_ora(&ctx.state.db, &ctx.actor(), id).await,
    };
    match esito {
        Ok(a) => Ok(see_other(&format!("/allerte/{}", a.id))),
        Err(AppError::Conflict(m)) => {
            let a = store::per_id(&ctx.state.db, id).await?;
            let mut r = render(&dettaglio_page(ctx, a, Some(m)).await?)?;
            *r.status_mut() = StatusCode::CONFLICT;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

pub async fn approva(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    decidi_o_errore(&ctx, id, Some(Decisione::Approva)).await
}

pub async fn respingi(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    decidi_o_errore(&ctx, id, Some(Decisione::Respingi)).await
}

pub async fn annulla(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    decidi_o_errore(&ctx, id, None).await
}

// ---------------------------------------------------------------------------------------------
// Notices

pub struct AvvisoRiga {
    pub id: i64,
    pub comune: String,
    pub codice: String,
    pub tipo: &'static str,
    pub titolo: String,
    pub testo: String,
    pub validita: String,
    pub punto: Option<(f64, f64)>,
    pub ritirato: bool,
}

pub fn avviso_riga(t: &Territorio, a: &piazza_db::entities::avviso_comunale::Model) -> AvvisoRiga {
    let c = t.comune_by_id(a.comune_id);
    AvvisoRiga {
        id: a.id,
        comune: c.map(|c| c.nome.clone()).unwrap_or_default(),
        codice: c.map(|c| c.codice_istat.clone()).unwrap_or_default(),
        tipo: super::avvisi::nome_tipo(&a.tipo),
        titolo: a.titolo.clone(),
        testo: a.testo.clone().unwrap_or_default(),
        validita: match a.al {
            Some(al) => format!(
                "dal {} al {}",
                fmt::ora_italiana(a.dal),
                fmt::ora_italiana(al)
            ),
            None => format!("dal {}", fmt::ora_italiana(a.dal)),
        },
        punto: a.lat.zip(a.lon),
        ritirato: a.ritirato_at.is_some(),
    }
}

#[derive(Template)]
#[template(path = "allerte/avvisi.html")]
struct AvvisiPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    f: super::avvisi::AvvisoForm,
    errors: FormErrors,
    comuni: Vec<(String, String, bool)>,
    tipi: Vec<Opzione>,
    avvisi: Vec<(AvvisoRiga, bool)>,
}

async fn avvisi_page(
    ctx: &Ctx,
    f: super::avvisi::AvvisoForm,
    errors: FormErrors,
) -> AppResult<AvvisiPage> {
    let t = ctx.state.territorio.get();
    let ammessi = comuni_ammessi(ctx, &t);
    let filtro: Option<Vec<i64>> =
        (!ctx.has_grant(ALLERTE)).then(|| ammessi.iter().map(|c| c.2).collect());
    let avvisi = super::avvisi::recenti(&ctx.state.db, filtro.as_deref(), 200)
        .await?
        .iter()
        .map(|a| {
            (
                avviso_riga(&t, a),
                a.ritirato_at.is_none() && ctx.can_edit(ALLERTE, Some(a.comune_id)),
            )
        })
        .collect();
    Ok(AvvisiPage {
        chrome: ctx.chrome(
            "Avvisi dei comuni",
            &[CRUMB, ("Avvisi dei comuni", "/allerte/avvisi")],
        ),
        schede: schede(ctx, "/allerte/avvisi"),
        comuni: ammessi
            .into_iter()
            .map(|(c, n, _)| {
                let s = c == f.comune;
                (c, n, s)
            })
            .collect(),
        tipi: super::avvisi::TIPI
            .iter()
            .map(|(k, n)| Opzione {
                valore: (*k).into(),
                nome: (*n).into(),
                scelta: *k == f.tipo,
            })
            .collect(),
        f,
        errors,
        avvisi,
    })
}

pub async fn avvisi(ctx: Ctx) -> AppResult<Response> {
    richiedi_staff(&ctx)?;
    render(&avvisi_page(&ctx, Default::default(), FormErrors::default()).await?)
}

/// Publishes a notice for a comune this user edits.
pub async fn avviso_crea(
    ctx: Ctx,
    crate::extract::Form(f): crate::extract::Form<super::avvisi::AvvisoForm>,
) -> AppResult<Response> {
    ctx.require_edit_some(ALLERTE)?;
    let t = ctx.state.territorio.get();
    if let Some(c) = t.comune(f.comune.trim())
        && !ctx.can_edit(ALLERTE, Some(c.id))
    {
        return Err(AppError::Forbidden);
    }
    match super::avvisi::valida(&f, &t, Utc::now()) {
        Ok(n) => {
            super::avvisi::crea(&ctx.state.db, &ctx.actor(), &n).await?;
            Ok(see_other("/allerte/avvisi"))
        }
        Err(errors) => render_invalid(&avvisi_page(&ctx, f, errors).await?),
    }
}

pub async fn avviso_ritira(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    ctx.require_login()?;
    let a = super::avvisi::per_id(&ctx.state.db, id).await?;
    ctx.require_edit(ALLERTE, Some(a.comune_id))?;
    super::avvisi::ritira(&ctx.state.db, &ctx.actor(), a).await?;
    Ok(see_other("/allerte/avvisi"))
}

// ---------------------------------------------------------------------------------------------
// The comune page's section

/// What `/comuni/{codice}` shows of the alerts: levels per risk now, alerts in force, notices
/// in force, the history.
pub struct SezioneComune {
    pub livello: &'static str,
    pub rischi: Vec<(&'static str, &'static str)>,
    pub attive: Vec<AllertaRiga>,
    pub avvisi: Vec<AvvisoRiga>,
    pub storia: std::sync::Arc<Vec<DocumentoRiga>>,
    pub codice: String,
    /// Subscriptions following the comune (counts only) and by channel.
    pub iscritti: String,
    pub iscritti_canali: String,
}

/// "12 (notifiche push 8, e-mail 4)": the subscribers of a comune by channel.
fn per_canale(m: Option<&std::collections::BTreeMap<String, i64>>) -> String {
    m.map(|m| {
        m.iter()
            .map(|(c, n)| format!("{} {}", piazza_alerts::canale::nome(c), fmt::int(*n)))
            .collect::<Vec<_>>()
            .join(", ")
    })
    .unwrap_or_default()
}

pub async fn sezione_comune(ctx: &Ctx, comune_id: i64, codice: &str) -> AppResult<SezioneComune> {
    let q = quadro(ctx, None).await?;
    let t = ctx.state.territorio.get();
    let l = q.livello(comune_id, None);
    let db = &ctx.state.db;
    // Cached like the administrators: the comune page is public and busy in a storm.
    let storia = ctx
        .state
        .storia_allerte
        .get_or_load(comune_id, &ctx.state.generazione, || async move {
            let fonti = store::fonti(db).await?;
            Ok::<_, AppError>(
                store::storia_comune(db, comune_id, 20)
                    .await?
                    .iter()
                    .map(|a| documento_riga(a, &fonti))
                    .collect::<Vec<_>>(),
            )
        })
        .await?;
    let adesione = super::iscrizioni_routes::adesione(ctx).await?;
    Ok(SezioneComune {
        iscritti: fmt::int(adesione.comune(comune_id)),
        iscritti_canali: per_canale(adesione.per_comune.get(&comune_id)),
        livello: l.nome(),
        rischi: RISCHI
            .iter()
            .map(|(k, n)| (*n, q.livello(comune_id, Some(k)).nome()))
            .collect(),
        attive: q
            .attive
            .iter()
            .filter(|x| x.tocca(comune_id))
            .map(riga)
            .collect(),
        avvisi: q
            .avvisi
            .iter()
            .filter(|a| a.comune_id == comune_id)
            .map(|a| avviso_riga(&t, a))
            .collect(),
        storia,
        codice: codice.to_owned(),
    })
}

// ---------------------------------------------------------------------------------------------
// Sources, their tokens, the CAP API

#[derive(Template)]
#[template(path = "allerte/fonti.html")]
struct FontiPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    fonti: Vec<FonteRiga>,
    puo_gestire: bool,
    f: FonteForm,
    errors: FormErrors,
    tipi: Vec<Opzione>,
    token: Option<(String, String)>,
    mappature: Vec<piazza_db::entities::geocodice_allerta::Model>,
    errore_mappatura: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FonteForm {
    pub codice: String,
    pub nome: String,
    pub tipo: String,
    pub url: String,
    pub intervallo: String,
    pub attiva: String,
}

const TIPI_CONFIGURABILI: [&str; 3] = [
    fonti::tipo::CAP_FEED,
    fonti::tipo::BOLLETTINO,
    fonti::tipo::CAP_API,
];

async fn fonti_page(
    ctx: &Ctx,
    f: FonteForm,
    errors: FormErrors,
    token: Option<(String, String)>,
) -> AppResult<FontiPage> {
    Ok(FontiPage {
        chrome: ctx.chrome("Fonti delle allerte", &[CRUMB, ("Fonti", "/allerte/fonti")]),
        schede: schede(ctx, "/allerte/fonti"),
        fonti: store::fonti(&ctx.state.db)
            .await?
            .iter()
            .map(fonte_riga)
            .collect(),
        puo_gestire: ctx.user.as_ref().is_some_and(|u| u.is_admin()),
        tipi: TIPI_CONFIGURABILI
            .iter()
            .map(|k| Opzione {
                valore: (*k).into(),
                nome: fonti::tipo::nome(k).into(),
                scelta: f.tipo == *k,
            })
            .collect(),
        f,
        errors,
        token,
        mappature: piazza_db::entities::geocodice_allerta::Entity::find()
            .all(&ctx.state.db)
            .await?,
        errore_mappatura: None,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MappaturaForm {
    pub value_name: String,
    pub valore: String,
    pub destinazione: String,
}

/// Maps a geocode of another system to comuni here (administrators).
pub async fn mappatura_aggiungi(
    ctx: Ctx,
    crate::extract::Form(f): crate::extract::Form<MappaturaForm>,
) -> AppResult<Response> {
    ctx.require_admin()?;
    let t = ctx.state.territorio.get();
    match fonti::aggiungi_mappatura(
        &ctx.state.db,
        &t,
        &ctx.actor(),
        &f.value_name,
        &f.valore,
        &f.destinazione,
    )
    .await
    {
        Ok(()) => Ok(see_other("/allerte/fonti")),
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => {
            let mut p = fonti_page(&ctx, FonteForm::default(), FormErrors::default(), None).await?;
            p.errore_mappatura = Some(m);
            render_invalid(&p)
        }
        Err(e) => Err(e),
    }
}

pub async fn mappatura_elimina(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    ctx.require_admin()?;
    fonti::elimina_mappatura(&ctx.state.db, &ctx.actor(), id).await?;
    Ok(see_other("/allerte/fonti"))
}

/// The sources and their health: the module's staff with a grant.
pub async fn fonti_elenco(ctx: Ctx) -> AppResult<Response> {
    ctx.require_grant(ALLERTE)?;
    render(&fonti_page(&ctx, FonteForm::default(), FormErrors::default(), None).await?)
}

/// `rete`: where the poller may fetch from (the URL is checked here as it will be at each poll).
fn valida_fonte(f: &FonteForm, rete: &piazza_net::Regole) -> Result<fonti::NuovaFonte, FormErrors> {
    let mut e = FormErrors::default();
    let codice = f.codice.trim().to_lowercase();
    if codice.is_empty()
        || !codice
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        e.add("codice", "Il codice è obbligatorio: lettere, cifre, - e _.");
    }
    if f.nome.trim().is_empty() {
        e.add("nome", "Scrivi il nome della fonte.");
    }
    if !TIPI_CONFIGURABILI.contains(&f.tipo.as_str()) {
        e.add("tipo", "Scegli il tipo di fonte.");
    }
    let url = f.url.trim();
    if f.tipo != fonti::tipo::CAP_API
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        e.add(
            "url",
            "Una fonte da interrogare ha bisogno di un indirizzo http:// o https://.",
        );
    } else if !url.is_empty()
        && let Err(r) = piazza_net::verifica_url(url, rete)
    {
        e.add("url", format!("Indirizzo non ammesso: {r}"));
    }
    let intervallo = if f.intervallo.trim().is_empty() {
        Some(300)
    } else {
        f.intervallo
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|s| (30..=86_400).contains(s))
    };
    if intervallo.is_none() {
        e.add(
            "intervallo",
            "Intervallo non valido: da 30 a 86.400 secondi.",
        );
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(fonti::NuovaFonte {
        codice,
        nome: f.nome.trim().to_owned(),
        tipo: f.tipo.clone(),
        url: (!url.is_empty()).then(|| url.to_owned()),
        intervallo_secondi: intervallo.expect("checked"),
    })
}

/// Adds a source (administrators).
pub async fn fonte_aggiungi(
    ctx: Ctx,
    crate::extract::Form(f): crate::extract::Form<FonteForm>,
) -> AppResult<Response> {
    ctx.require_admin()?;
    match valida_fonte(&f, &ctx.state.config.regole_fonti()) {
        Ok(n) => match fonti::aggiungi(&ctx.state.db, &ctx.actor(), &n).await {
            Ok(_) => Ok(see_other("/allerte/fonti")),
            Err(AppError::Conflict(m)) => {
                let mut errors = FormErrors::default();
                errors.add("codice", m);
                render_invalid(&fonti_page(&ctx, f, errors, None).await?)
            }
            Err(e) => Err(e),
        },
        Err(errors) => render_invalid(&fonti_page(&ctx, f, errors, None).await?),
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AttivaForm {
    pub attiva: String,
}

/// Switches a source on or off (administrators).
pub async fn fonte_attiva(
    ctx: Ctx,
    Path(id): Path<i64>,
    crate::extract::Form(f): crate::extract::Form<AttivaForm>,
) -> AppResult<Response> {
    ctx.require_admin()?;
    fonti::attiva(&ctx.state.db, &ctx.actor(), id, f.attiva == "1").await?;
    Ok(see_other("/allerte/fonti"))
}

/// Issues a new API token for a source (shown once; the old one stops working).
pub async fn fonte_token(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    ctx.require_admin()?;
    let (fonte, token) = fonti::nuovo_token(&ctx.state.db, &ctx.actor(), id).await?;
    render(
        &fonti_page(
            &ctx,
            FonteForm::default(),
            FormErrors::default(),
            Some((fonte.nome, token)),
        )
        .await?,
    )
}

fn api_risposta(status: StatusCode, v: serde_json::Value) -> Response {
    (status, axum::Json(v)).into_response()
}

/// `POST /api/allerte/cap`: a CAP 1.2 document from a source that holds an API token
/// (`Authorization: Bearer …`). The token names the source: documents are recorded as its.
pub async fn api_cap(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    headers: HeaderMap,
    crate::extract::Corpo(body): crate::extract::Corpo,
) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let fonte = match token {
        Some(t) => fonti::per_token(&state.db, t).await,
        None => Ok(None),
    };
    let fonte = match fonte {
        Ok(Some(f)) if f.attiva => f,
        Ok(_) => {
            return api_risposta(
                StatusCode::UNAUTHORIZED,
                serde_json::json!({"errore": "Token mancante, sconosciuto o di una fonte disattivata."}),
            );
        }
        Err(e) => {
            return api_risposta(
                StatusCode::INTERNAL_SERVER_ERROR,
                serde_json::json!({"errore": e.to_string()}),
            );
        }
    };
    let Ok(xml) = std::str::from_utf8(&body) else {
        return api_risposta(
            StatusCode::BAD_REQUEST,
            serde_json::json!({"errore": "Il documento deve essere in UTF-8."}),
        );
    };
    let actor = piazza_db::audit::Actor::system(&format!("fonte {}", fonte.codice));
    let t = state.territorio.get();
    match fonti::ricevi_cap(&state.db, &t, &fonte, &actor, xml).await {
        Ok((esito, id)) => {
            state.generazione.bump();
            let nuovo = id.is_some();
            api_risposta(
                if nuovo {
                    StatusCode::CREATED
                } else {
                    StatusCode::OK
                },
                serde_json::json!({
                    "esito": super::registro::descrivi(&esito),
                    "id": id,
                }),
            )
        }
        Err(AppError::BadRequest(m)) => {
            api_risposta(StatusCode::BAD_REQUEST, serde_json::json!({"errore": m}))
        }
        Err(e) => api_risposta(
            StatusCode::INTERNAL_SERVER_ERROR,
            serde_json::json!({"errore": e.to_string()}),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Adoption and plans

pub struct AdesioneRiga {
    pub codice: String,
    pub nome: String,
    pub provincia: String,
    pub adesione: String,
    pub piano_approvato: String,
    pub piano_aggiornato: String,
    pub piano_url: String,
    pub da_aggiornare: bool,
    pub editori: String,
    pub modificabile: bool,
    pub iscritti: String,
    pub iscritti_canali: String,
}

/// The classes of the subscribers' map layer: label, colour, minimum.
const FASCE_ISCRITTI: [(&str, &str, i64); 5] = [
    ("nessun iscritto", "#f0f0f0", 0),
    ("1–9 iscritti", "#c6dbef", 1),
    ("10–49", "#6baed6", 10),
    ("50–199", "#2171b5", 50),
    ("200 e più", "#08306b", 200),
];

#[derive(Template)]
#[template(path = "allerte/adesioni.html")]
struct AdesioniPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    iscritti_totale: String,
    iscritti_canali: Vec<(&'static str, String)>,
    crescita: Vec<(String, String, String)>,
    righe: Vec<AdesioneRiga>,
    aderenti: usize,
    da_aggiornare: usize,
    anni: i32,
    strato: String,
    svg: String,
    classi: Vec<Classe>,
    errore: Option<(String, String)>,
}

#[derive(Deserialize, Default)]
pub struct StratoQuery {
    #[serde(default)]
    pub strato: String,
}

async fn adesioni_page(
    ctx: &Ctx,
    strato: &str,
    errore: Option<(String, String)>,
) -> AppResult<AdesioniPage> {
    use super::adesioni;
    let t = ctx.state.territorio.get();
    let dati = adesioni::tutte(&ctx.state.db).await?;
    let editori = adesioni::editori(&ctx.state.db).await?;
    let oggi = crate::fmt::oggi();
    let anni = ctx.state.config.allerte.anni_aggiornamento_piano;
    let piano = strato == "piano";
    let iscritti_strato = strato == "iscritti";
    let iscritti = super::iscrizioni_routes::adesione(ctx).await?;
    let crescita = super::iscrizioni::crescita(&ctx.state.db).await?;
    let classi: Vec<Classe> = if iscritti_strato {
        FASCE_ISCRITTI
            .iter()
            .map(|(etichetta, colore, _)| Classe {
                etichetta: (*etichetta).into(),
                colore,
            })
            .collect()
    } else if piano {
        vec![
            Classe {
                etichetta: "piano aggiornato".into(),
                colore: "#59a14f",
            },
            Classe {
                etichetta: format!("piano da aggiornare (più di {anni} anni) o sconosciuto"),
                colore: "#e15759",
            },
        ]
    } else {
        vec![
            Classe {
                etichetta: "aderisce al servizio".into(),
                colore: "#2a6cb0",
            },
            Classe {
                etichetta: "non aderisce".into(),
                colore: "#dbe9f6",
            },
        ]
    };
    let mut valori = std::collections::HashMap::new();
    let mut righe = Vec::new();
    let (mut aderenti, mut vecchi) = (0, 0);
    for c in &t.comuni {
        let p = dati.get(&c.id);
        let vecchio = adesioni::piano_da_aggiornare(p, oggi, anni);
        let aderisce = p.and_then(|p| p.adesione).is_some();
        aderenti += aderisce as usize;
        vecchi += vecchio as usize;
        let n_iscritti = iscritti.comune(c.id);
        let classe = if iscritti_strato {
            FASCE_ISCRITTI
                .iter()
                .rposition(|(_, _, min)| n_iscritti >= *min)
                .unwrap_or(0)
        } else if piano {
            vecchio as usize
        } else {
            (!aderisce) as usize
        };
        valori.insert(
            c.codice_istat.clone(),
            (classe, classi[classe].etichetta.clone()),
        );
        righe.push(AdesioneRiga {
            codice: c.codice_istat.clone(),
            nome: c.nome.clone(),
            provincia: c.sigla_provincia.clone(),
            adesione: fmt::opt_date(p.and_then(|p| p.adesione)),
            piano_approvato: fmt::opt_date(p.and_then(|p| p.piano_approvato)),
            piano_aggiornato: fmt::opt_date(p.and_then(|p| p.piano_aggiornato)),
            piano_url: p.and_then(|p| p.piano_url.clone()).unwrap_or_default(),
            da_aggiornare: vecchio,
            editori: editori.get(&c.id).map(|v| v.join(", ")).unwrap_or_default(),
            modificabile: ctx.can_edit(ALLERTE, Some(c.id)),
            iscritti: fmt::int(n_iscritti),
            iscritti_canali: per_canale(iscritti.per_comune.get(&c.id)),
        });
    }
    let layer = Layer {
        titolo: if iscritti_strato {
            "Iscritti a Cittadino Informato".into()
        } else if piano {
            "Piani di protezione civile".into()
        } else {
            "Adesione al servizio".into()
        },
        classi: classi.clone(),
        valori,
        etichette: Vec::new(),
    };
    Ok(AdesioniPage {
        chrome: ctx.chrome(
            "Adesioni e piani",
            &[CRUMB, ("Adesioni e piani", "/allerte/adesioni")],
        ),
        schede: schede(ctx, "/allerte/adesioni"),
        righe,
        aderenti,
        da_aggiornare: vecchi,
        anni,
        iscritti_totale: fmt::int(iscritti.iscrizioni),
        iscritti_canali: iscritti
            .totali
            .iter()
            .map(|(c, n)| (piazza_alerts::canale::nome(c), fmt::int(*n)))
            .collect(),
        crescita: {
            let mut cumulato = 0;
            crescita
                .into_iter()
                .map(|(mese, n)| {
                    cumulato += n;
                    let nome = chrono::NaiveDate::parse_from_str(&format!("{mese}-01"), "%Y-%m-%d")
                        .map(|d| d.format("%m/%Y").to_string())
                        .unwrap_or(mese);
                    (nome, fmt::int(n), fmt::int(cumulato))
                })
                .collect()
        },
        strato: if iscritti_strato {
            "iscritti".into()
        } else if piano {
            "piano".into()
        } else {
            "adesione".into()
        },
        svg: t.render_map(&layer),
        classi,
        errore,
    })
}

pub async fn adesioni(ctx: Ctx, Query(q): Query<StratoQuery>) -> AppResult<Response> {
    richiedi_staff(&ctx)?;
    render(&adesioni_page(&ctx, &q.strato, None).await?)
}

/// Records a comune's adoption and plan: the regional desk, or the comune's referenti.
pub async fn adesione_salva(
    ctx: Ctx,
    Path(codice): Path<String>,
    crate::extract::Form(f): crate::extract::Form<super::adesioni::AdesioneForm>,
) -> AppResult<Response> {
    ctx.require_login()?;
    let t = ctx.state.territorio.get();
    let c = t.comune(&codice).ok_or(AppError::NotFound)?;
    ctx.require_edit(ALLERTE, Some(c.id))?;
    match super::adesioni::valida(&f, crate::fmt::oggi()) {
        Ok(a) => {
            super::adesioni::salva(&ctx.state.db, &ctx.actor(), c.id, &a).await?;
            Ok(see_other(&format!(
                "/allerte/adesioni#c-{}",
                c.codice_istat
            )))
        }
        Err(e) => {
            let msg = e.0.values().cloned().collect::<Vec<_>>().join(" ");
            render_invalid(&adesioni_page(&ctx, "", Some((c.nome.clone(), msg))).await?)
        }
    }
}
