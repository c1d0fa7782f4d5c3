//! Allerte pages. Public: the state of every comune on the map and the alerts in force
//! (`/allerte`, cached per snapshot), the open-data JSON (also at a past instant), the CAP 1.2
//! feeds (Atom index + one document per alert) for the region and per comune, the notices'
//! Atom feeds, one alert's page. Staff: the desk (alerts waiting for approval, latest
//! documents, the sources' health), composing an alert (regional desk for zones and comuni, a
//! referente for their own comuni) and the second person's approval, cancelling, the sources
//! and their API tokens, the CAP API, municipal notices, and the comuni's adoption and plans.
//!
//! One file per part: `pubblico` (the state page and its JSON), `feed` (the Atom feeds and the
//! CAP documents), `dettaglio` (one alert's page and the decisions on it), `componi` (composing),
//! `sala` (the desk), `avvisi` (municipal notices), `comune` (the comune page's section), `fonti`
//! (sources, tokens, geocode mappings), `api` (the CAP API), `adesioni` (adoption and plans);
//! here the pieces they share.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use piazza_db::entities::{allerta, fonte_allerta};

use super::bollettino::Livello;
use super::cap_out;
use super::da_cap::RISCHI;
use super::pubblico::{Attiva, Quadro};
use super::store::stato;
use crate::kit::error::{AppError, AppResult};
use crate::kit::fmt;
use crate::kit::moduli::ALLERTE;
use crate::kit::view::{Ctx, Opzione, Scheda};
use crate::territorio::Territorio;

mod adesioni;
mod api;
mod avvisi;
mod componi;
mod comune;
mod dettaglio;
mod feed;
mod fonti;
mod pubblico;
mod sala;

pub use adesioni::{AdesioneRiga, StratoQuery, adesione_salva, adesioni};
pub use api::api_cap;
pub use avvisi::{AvvisoRiga, avvisi, avviso_crea, avviso_riga, avviso_ritira};
pub use componi::{componi, componi_form};
pub use comune::{SezioneComune, sezione_comune};
pub use dettaglio::{annulla, approva, dettaglio, respingi};
pub use feed::{avvisi_atom, cap_atom, cap_documento, comune_avvisi_atom, comune_cap_atom};
pub use fonti::{
    AttivaForm, FonteForm, FonteRiga, MappaturaForm, fonte_aggiungi, fonte_attiva, fonte_token,
    fonti_elenco, mappatura_aggiungi, mappatura_elimina,
};
pub use pubblico::{
    AlQuery, ComuneInAllerta, Conteggio, StatoQuery, layer_stato, stato_json, stato_page,
};
pub use sala::gestione;

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
                .pubblico
                .corrente(&ctx.state.db, &ctx.state.generazione)
                .await
        }
        Some(t) => Ok(std::sync::Arc::new(
            super::pubblico::carica(&ctx.state.db, t).await?,
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
// Rows shared by several pages
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

/// The alerts a referente may see on the desk: those of their comuni.
fn visibile_al_desk(ctx: &Ctx, a: &allerta::Model) -> bool {
    ctx.has_grant(ALLERTE) || (a.comune_id.is_some() && ctx.can_edit(ALLERTE, a.comune_id))
}

/// The comuni this user may alert: all for the regional desk, their own for a referente.
fn comuni_ammessi(ctx: &Ctx, t: &Territorio) -> Vec<(String, String, i64)> {
    t.comuni
        .iter()
        .filter(|c| ctx.can_edit(ALLERTE, Some(c.id)))
        .map(|c| (c.codice_istat.clone(), c.nome.clone(), c.id))
        .collect()
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
