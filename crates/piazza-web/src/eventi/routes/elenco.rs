//! The calendar of events, its iCalendar feed, and the map of where the association has been.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate, Utc};

use super::{CRUMB, schede, vede_bozze};
use crate::eventi::model::{STATI, TIPI, nome};
use crate::eventi::store;
use crate::kit::error::AppResult;
use crate::kit::extract::Query;
use crate::kit::fmt;
use crate::kit::ical;
use crate::kit::moduli::EVENTI;
use crate::kit::view::{Chrome, Ctx, Scheda, render};
use crate::registrazioni::messaggi::quando;
use crate::registrazioni::model::nome_tipo;
use crate::registrazioni::store as reg;

pub struct Voce {
    pub id: String,
    pub titolo: String,
    pub tipo: &'static str,
    pub quando: String,
    pub dove: String,
    pub stato: &'static str,
    pub bozza: bool,
    pub posti: String,
    pub patrocinio: bool,
}

#[derive(Template)]
#[template(path = "eventi/elenco.html")]
struct ElencoPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    prossimi: Vec<Voce>,
    passati: Vec<Voce>,
    puo_creare: bool,
}

fn voce(ctx: &Ctx, s: &store::Scheda) -> Voce {
    let t = ctx.state.territorio.get();
    let comune =
        s.e.comune_id
            .and_then(|id| t.comune_by_id(id))
            .map(|c| c.nome.clone());
    let dove = match (comune, &s.e.link_online) {
        (Some(c), Some(_)) => format!("{c} e online"),
        (Some(c), None) => c,
        (None, Some(_)) => "Online".into(),
        (None, None) => "—".into(),
    };
    let liberi = (s.o.capienza - s.o.occupati).max(0);
    Voce {
        id: s.e.public_id.clone(),
        titolo: s.e.titolo.clone(),
        tipo: nome(TIPI, &s.e.tipo),
        quando: quando(&s.sessioni),
        dove,
        stato: nome(STATI, &s.e.stato),
        bozza: s.e.stato != "pubblicato",
        posti: if liberi == 0 {
            "Completo (lista d'attesa)".into()
        } else {
            format!("{liberi} posti liberi su {}", s.o.capienza)
        },
        patrocinio: s.e.patrocinio,
    }
}

/// `/eventi`: the coming events and the past ones (the staff see drafts too).
pub async fn elenco(ctx: Ctx) -> AppResult<Response> {
    ctx.require_read(EVENTI)?;
    let tutti = store::elenco(&ctx.state.db, !vede_bozze(&ctx), None).await?;
    let ora = Utc::now();
    let (mut passati, prossimi): (Vec<_>, Vec<_>) = tutti
        .iter()
        .partition(|s| s.sessioni.last().is_some_and(|x| x.fine < ora));
    passati.reverse();
    render(&ElencoPage {
        chrome: ctx.chrome("Eventi", &[CRUMB]),
        schede: schede(&ctx, "/eventi"),
        prossimi: prossimi.iter().map(|s| voce(&ctx, s)).collect(),
        passati: passati.iter().take(100).map(|s| voce(&ctx, s)).collect(),
        puo_creare: ctx.can_edit(EVENTI, None),
    })
}

/// The published events as an iCalendar feed (one entry per session).
pub async fn calendario_ics(ctx: Ctx) -> AppResult<Response> {
    ctx.require_read(EVENTI)?;
    let base = ctx
        .state
        .config
        .associazione
        .public_url
        .trim_end_matches('/')
        .to_owned();
    let eventi = store::elenco(&ctx.state.db, true, None).await?;
    let voci = super::evento::voci_ical(&eventi, &base);
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        ical::calendario("Eventi", &voci, Utc::now()),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "eventi/mappa.html")]
struct MappaPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    mappa: crate::territorio::model::MappaPronta,
    /// Province, comuni visited, comuni, participants.
    province: Vec<(String, usize, usize, i64)>,
    non_visitate: Vec<String>,
    unioni_non_visitate: Vec<String>,
    per_tipo: Vec<(&'static str, i64)>,
    /// «negli ultimi 12 mesi», «nel 2020».
    periodo: String,
    /// The years with events, for the period's choice (the chosen one marked).
    anni: Vec<(i32, bool)>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct PeriodoQuery {
    #[serde(default)]
    anno: String,
}

/// Where the association has been in the last twelve months, and the provinces and unions of
/// comuni it has not; who took part, per province and per type of organisation.
pub async fn mappa(ctx: Ctx, Query(q): Query<PeriodoQuery>) -> AppResult<Response> {
    use chrono::Datelike;
    ctx.require_read(EVENTI)?;
    let eventi = store::elenco(&ctx.state.db, true, None).await?;
    let mut anni: Vec<i32> = eventi
        .iter()
        .filter_map(|s| s.inizio().map(|t| t.year()))
        .collect();
    anni.sort_unstable_by(|a, b| b.cmp(a));
    anni.dedup();
    let anno = q
        .anno
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|a| anni.contains(a));
    let (da, ora, periodo) = match anno {
        Some(a) => (
            fmt::da_ora_italiana(NaiveDate::from_ymd_opt(a, 1, 1).unwrap_or_default().into()),
            fmt::da_ora_italiana(
                NaiveDate::from_ymd_opt(a + 1, 1, 1)
                    .unwrap_or_default()
                    .into(),
            ),
            format!("nel {a}"),
        ),
        None => {
            let ora = Utc::now();
            (
                ora - Duration::days(365),
                ora,
                "negli ultimi 12 mesi".to_owned(),
            )
        }
    };
    let conteggi: HashMap<i64, i64> = store::per_comune(&eventi, da, ora);
    let t = ctx.state.territorio.get();
    let layer = t.layer_conteggi(
        &format!("Eventi per comune {periodo}"),
        &conteggi,
        "evento",
        "eventi",
    );
    let offerte = store::offerte_nel_periodo(&eventi, da, ora);
    let partecipanti = reg::per_comune(&ctx.state.db, &offerte).await?;
    let mut province: BTreeMap<String, (usize, usize, i64)> = BTreeMap::new();
    for c in &t.comuni {
        let p = province.entry(c.provincia.clone()).or_default();
        if conteggi.contains_key(&c.id) {
            p.0 += 1;
        }
        p.1 += 1;
        p.2 += partecipanti.get(&c.id).copied().unwrap_or(0);
    }
    let unioni_non_visitate = store::unioni(&ctx.state.db)
        .await?
        .into_iter()
        .filter(|(_, sede)| !conteggi.contains_key(sede))
        .map(|(n, _)| n)
        .collect();
    let per_tipo = reg::per_tipo(&ctx.state.db, &offerte)
        .await?
        .into_iter()
        .map(|(k, n)| (nome_tipo(&k), n))
        .collect();
    let non_visitate = province
        .iter()
        .filter(|(_, (v, _, _))| *v == 0)
        .map(|(n, _)| n.clone())
        .collect();
    render(&MappaPage {
        chrome: ctx.chrome("Dove siamo stati", &[CRUMB, ("Mappa", "/eventi/mappa")]),
        schede: schede(&ctx, "/eventi/mappa"),
        mappa: crate::territorio::model::MappaPronta {
            svg: t.render_map(&layer),
            titolo: layer.titolo,
            classi: layer.classi,
        },
        province: province
            .into_iter()
            .map(|(n, (v, tot, p))| (n, v, tot, p))
            .collect(),
        non_visitate,
        unioni_non_visitate,
        per_tipo,
        periodo,
        anni: anni.into_iter().map(|a| (a, Some(a) == anno)).collect(),
    })
}
