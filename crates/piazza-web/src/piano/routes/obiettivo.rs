//! The objective page, with its indicators and measurements, its timeline of updates and its
//! links to other modules' records.

use crate::kit::extract::Form;
use askama::Template;
use axum::response::Response;
use piazza_db::entities::{obiettivo, stato_obiettivo};
use serde::Deserialize;

use super::{CRUMB, interno, parse_percentuale, today, vista};
use crate::kit::collegamenti::{self, Destinazione};
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::{Path, Query};
use crate::kit::fmt;
use crate::kit::moduli::PIANO;
use crate::kit::text::non_empty;
use crate::kit::view::{Chrome, Ctx, FormErrors, render, render_invalid, see_other};
use crate::piano::model::Direzione;
use crate::piano::store::{self, NuovoAggiornamento, NuovoIndicatore, ObiettivoVista, PianoVista};

#[derive(Debug, Default, Deserialize)]
pub struct AggiornamentoForm {
    #[serde(default)]
    data: String,
    #[serde(default)]
    testo: String,
    #[serde(default)]
    allegato_url: String,
    #[serde(default)]
    nuovo_stato: String,
    #[serde(default)]
    nuovo_progresso: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct IndicatoreForm {
    #[serde(default)]
    nome: String,
    #[serde(default)]
    unita: String,
    #[serde(default)]
    direzione: String,
    #[serde(default)]
    valore_base: String,
    #[serde(default)]
    valore_obiettivo: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct MisuraForm {
    #[serde(default)]
    data: String,
    #[serde(default)]
    valore: String,
    #[serde(default)]
    nota: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct CercaCollegamento {
    #[serde(default)]
    tipo: String,
    #[serde(default)]
    q: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct CollegamentoForm {
    #[serde(default)]
    tipo: String,
    #[serde(default)]
    chiave: String,
}

/// The forms of the objective page, with what was typed and the errors, when one is re-shown.
#[derive(Default)]
struct Moduli {
    agg: AggiornamentoForm,
    agg_err: FormErrors,
    ind: IndicatoreForm,
    ind_err: FormErrors,
    /// The indicator whose measurement form is re-shown.
    mis_id: String,
    mis: MisuraForm,
    mis_err: FormErrors,
    link_err: Option<String>,
    cerca: CercaCollegamento,
}

/// An update of the timeline as the page shows it.
struct AggiornamentoRiga {
    data: String,
    testo: String,
    autore: String,
    allegato_url: Option<String>,
    stato_nome: Option<String>,
    progresso: Option<i32>,
}

struct CollegamentoRiga {
    id: i64,
    tipo_nome: &'static str,
    d: Destinazione,
}

#[derive(Template)]
#[template(path = "piano/obiettivo.html")]
struct ObiettivoDettaglio {
    chrome: Chrome,
    anno: i32,
    area: String,
    v: ObiettivoVista,
    interno: bool,
    puo_modificare: bool,
    aggiornamenti: Vec<AggiornamentoRiga>,
    collegamenti: Vec<CollegamentoRiga>,
    tipi: Vec<(&'static str, &'static str)>,
    risultati: Vec<Destinazione>,
    stati: Vec<stato_obiettivo::Model>,
    m: Moduli,
    oggi: String,
}

/// The objective and the plan view it belongs to; internal objectives need a grant.
async fn obiettivo_in_vista(
    ctx: &Ctx,
    public_id: &str,
) -> AppResult<(obiettivo::Model, i32, PianoVista)> {
    ctx.require_read(PIANO)?;
    let o = store::obiettivo(&ctx.state.db, public_id).await?;
    if !o.pubblico {
        ctx.require_grant(PIANO)?;
    }
    let anno = store::anno_dell_obiettivo(&ctx.state.db, &o).await?;
    let v = vista(ctx, anno).await?;
    Ok((o, anno, v))
}

async fn pagina_obiettivo(ctx: &Ctx, public_id: &str, m: Moduli) -> AppResult<ObiettivoDettaglio> {
    let (o, anno, v) = obiettivo_in_vista(ctx, public_id).await?;
    let ov = v.obiettivo(&o.public_id).ok_or(AppError::NotFound)?.clone();
    let area = v
        .area(ov.area_id)
        .map(|a| a.a.titolo.clone())
        .unwrap_or_default();
    let stati = store::stati(&ctx.state.db).await?;
    let nome_stato = |c: &str| {
        stati
            .iter()
            .find(|s| s.codice == c)
            .map(|s| s.nome.clone())
            .unwrap_or_else(|| c.to_owned())
    };
    let aggiornamenti = store::aggiornamenti(&ctx.state.db, o.id)
        .await?
        .into_iter()
        .map(|a| AggiornamentoRiga {
            data: fmt::date(a.data),
            stato_nome: a.nuovo_stato.as_deref().map(nome_stato),
            testo: a.testo,
            autore: a.autore_nome,
            allegato_url: a.allegato_url,
            progresso: a.nuovo_progresso,
        })
        .collect();
    // Links: only the kinds of record this user may read.
    let mut collegamenti = Vec::new();
    let links = store::collegamenti(&ctx.state.db, o.id).await?;
    for t in collegamenti::tipi(&ctx.state).filter(|t| ctx.can_read(t.modulo)) {
        let chiavi: Vec<String> = links
            .iter()
            .filter(|l| l.tipo == t.codice)
            .map(|l| l.chiave.clone())
            .collect();
        if chiavi.is_empty() {
            continue;
        }
        let dest = (t.risolvi)(&ctx.state, ctx.user.as_ref(), &chiavi).await?;
        for l in links.iter().filter(|l| l.tipo == t.codice) {
            if let Some(d) = dest.iter().find(|d| d.chiave == l.chiave) {
                collegamenti.push(CollegamentoRiga {
                    id: l.id,
                    tipo_nome: t.nome,
                    d: d.clone(),
                });
            }
        }
    }
    let puo_modificare = ctx.can_edit(PIANO, None);
    let tipi: Vec<(&'static str, &'static str)> = collegamenti::tipi(&ctx.state)
        .filter(|t| ctx.can_read(t.modulo))
        .map(|t| (t.codice, t.nome))
        .collect();
    let risultati = match collegamenti::tipo(&ctx.state, &m.cerca.tipo) {
        Some(t) if puo_modificare && ctx.can_read(t.modulo) => {
            (t.cerca)(&ctx.state, ctx.user.as_ref(), &m.cerca.q).await?
        }
        _ => Vec::new(),
    };
    let titolo = format!("Piano {anno}");
    let path = format!("/piano/obiettivi/{}", o.public_id);
    Ok(ObiettivoDettaglio {
        chrome: ctx.chrome(
            ov.o.titolo.clone(),
            &[
                CRUMB,
                (&titolo, &format!("/piano/{anno}")),
                ("Obiettivo", &path),
            ],
        ),
        anno,
        area,
        interno: interno(ctx),
        puo_modificare,
        aggiornamenti,
        collegamenti,
        tipi,
        risultati,
        stati,
        oggi: fmt::date(today()),
        m,
        v: ov,
    })
}

pub async fn obiettivo(
    ctx: Ctx,
    Path(id): Path<String>,
    Query(cerca): Query<CercaCollegamento>,
) -> AppResult<Response> {
    let m = Moduli {
        cerca,
        ..Default::default()
    };
    render(&pagina_obiettivo(&ctx, &id, m).await?)
}

fn validate_aggiornamento(
    f: &AggiornamentoForm,
    stati: &[stato_obiettivo::Model],
) -> Result<NuovoAggiornamento, FormErrors> {
    let mut e = FormErrors::default();
    let data = e.date("data", &f.data);
    if data.is_none() && !e.has("data") {
        e.add("data", "Indicare la data dell'aggiornamento.");
    }
    let testo = f.testo.trim();
    if testo.is_empty() {
        e.add("testo", "Scrivere che cosa è stato fatto.");
    } else if testo.chars().count() > 5000 {
        e.add("testo", "Il testo supera i 5.000 caratteri.");
    }
    let allegato_url = non_empty(&f.allegato_url);
    if let Some(u) = &allegato_url
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        e.add(
            "allegato_url",
            "Il collegamento all'allegato deve iniziare con https://.",
        );
    }
    let nuovo_stato = non_empty(&f.nuovo_stato);
    if let Some(s) = &nuovo_stato
        && !stati.iter().any(|x| &x.codice == s)
    {
        e.add("nuovo_stato", "Stato sconosciuto.");
    }
    let nuovo_progresso = parse_percentuale(&f.nuovo_progresso).unwrap_or_else(|()| {
        e.add("nuovo_progresso", "Inserire un numero da 0 a 100.");
        None
    });
    match data {
        Some(data) if e.is_empty() => Ok(NuovoAggiornamento {
            data,
            testo: testo.to_owned(),
            allegato_url,
            nuovo_stato,
            nuovo_progresso,
        }),
        _ => Err(e),
    }
}

pub async fn aggiornamento_aggiungi(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<AggiornamentoForm>,
) -> AppResult<Response> {
    let u = ctx.require_edit(PIANO, None)?;
    let autore = u.nome.clone();
    let o = store::obiettivo(&ctx.state.db, &id).await?;
    let stati = store::stati(&ctx.state.db).await?;
    let mut errors = match validate_aggiornamento(&f, &stati) {
        Ok(n) => {
            match store::aggiungi_aggiornamento(&ctx.state.db, &ctx.actor(), &autore, o, &n).await {
                Ok(()) => return Ok(see_other(&format!("/piano/obiettivi/{id}#aggiornamenti"))),
                Err(AppError::BadRequest(msg)) => {
                    let mut e = FormErrors::default();
                    e.add("nuovo_progresso", msg);
                    e
                }
                Err(other) => return Err(other),
            }
        }
        Err(e) => e,
    };
    if errors.is_empty() {
        errors.add("testo", "Aggiornamento non valido.");
    }
    let m = Moduli {
        agg: f,
        agg_err: errors,
        ..Default::default()
    };
    render_invalid(&pagina_obiettivo(&ctx, &id, m).await?)
}

fn validate_indicatore(f: &IndicatoreForm) -> Result<NuovoIndicatore, FormErrors> {
    let mut e = FormErrors::default();
    if f.nome.trim().is_empty() {
        e.add("nome", "Indicare che cosa misura l'indicatore.");
    }
    if f.unita.trim().is_empty() {
        e.add(
            "unita",
            "Indicare l'unità di misura (per esempio: comuni, persone, %).",
        );
    }
    let direzione = Direzione::parse(&f.direzione);
    if direzione.is_none() {
        e.add(
            "direzione",
            "Scegliere se il valore deve crescere o diminuire.",
        );
    }
    let base = fmt::parse_numero(&f.valore_base);
    if base.is_none() {
        e.add(
            "valore_base",
            "Il valore di partenza è un numero (per esempio 145 o 12,5).",
        );
    }
    let target = fmt::parse_numero(&f.valore_obiettivo);
    if target.is_none() {
        e.add(
            "valore_obiettivo",
            "Il valore obiettivo è un numero (per esempio 180).",
        );
    }
    if let (Some(d), Some(b), Some(t)) = (direzione, base, target)
        && !d.coerente(b, t)
    {
        e.add(
            "valore_obiettivo",
            match d {
                Direzione::Crescente => {
                    "Se il valore deve crescere, l'obiettivo deve superare il valore di partenza."
                }
                Direzione::Decrescente => {
                    "Se il valore deve diminuire, l'obiettivo deve essere sotto il valore di partenza."
                }
            },
        );
    }
    match (direzione, base, target) {
        (Some(d), Some(b), Some(t)) if e.is_empty() => Ok(NuovoIndicatore {
            nome: f.nome.trim().to_owned(),
            unita: f.unita.trim().to_owned(),
            direzione: d.key().to_owned(),
            valore_base: b,
            valore_obiettivo: t,
        }),
        _ => Err(e),
    }
}

pub async fn indicatore_aggiungi(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<IndicatoreForm>,
) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let o = store::obiettivo(&ctx.state.db, &id).await?;
    match validate_indicatore(&f) {
        Ok(n) => {
            store::aggiungi_indicatore(&ctx.state.db, &ctx.actor(), &o, &n).await?;
            Ok(see_other(&format!("/piano/obiettivi/{id}#indicatori")))
        }
        Err(errors) => {
            let m = Moduli {
                ind: f,
                ind_err: errors,
                ..Default::default()
            };
            render_invalid(&pagina_obiettivo(&ctx, &id, m).await?)
        }
    }
}

pub async fn indicatore_elimina(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let i = store::indicatore(&ctx.state.db, &id).await?;
    let o = store::obiettivo_by_id(&ctx.state.db, i.obiettivo_id).await?;
    store::elimina_indicatore(&ctx.state.db, &ctx.actor(), i).await?;
    Ok(see_other(&format!(
        "/piano/obiettivi/{}#indicatori",
        o.public_id
    )))
}

pub async fn misura_aggiungi(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<MisuraForm>,
) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let i = store::indicatore(&ctx.state.db, &id).await?;
    let o = store::obiettivo_by_id(&ctx.state.db, i.obiettivo_id).await?;
    let mut e = FormErrors::default();
    let data = e.date("data", &f.data);
    if data.is_none() && !e.has("data") {
        e.add("data", "Indicare la data della misura.");
    }
    let valore = fmt::parse_numero(&f.valore);
    if valore.is_none() {
        e.add("valore", "Il valore è un numero (per esempio 166 o 12,5).");
    }
    if let (Some(data), Some(valore), true) = (data, valore, e.is_empty()) {
        store::registra_misura(
            &ctx.state.db,
            &ctx.actor(),
            &i,
            data,
            valore,
            non_empty(&f.nota),
        )
        .await?;
        return Ok(see_other(&format!(
            "/piano/obiettivi/{}#indicatori",
            o.public_id
        )));
    }
    let m = Moduli {
        mis_id: i.public_id,
        mis: f,
        mis_err: e,
        ..Default::default()
    };
    render_invalid(&pagina_obiettivo(&ctx, &o.public_id, m).await?)
}

pub async fn collegamento_aggiungi(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CollegamentoForm>,
) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let o = store::obiettivo(&ctx.state.db, &id).await?;
    let Some(t) = collegamenti::tipo(&ctx.state, &f.tipo) else {
        return link_error(&ctx, &id, "Tipo di collegamento sconosciuto.").await;
    };
    if !ctx.can_read(t.modulo) {
        return Err(AppError::Forbidden);
    }
    let chiave = f.chiave.trim().to_owned();
    if (t.risolvi)(&ctx.state, ctx.user.as_ref(), std::slice::from_ref(&chiave))
        .await?
        .is_empty()
    {
        return link_error(&ctx, &id, "Elemento da collegare non trovato.").await;
    }
    match store::collega(&ctx.state.db, &ctx.actor(), &o, t.codice, &chiave).await {
        Ok(()) => Ok(see_other(&format!("/piano/obiettivi/{id}#collegamenti"))),
        Err(AppError::Conflict(msg)) => link_error(&ctx, &id, &msg).await,
        Err(e) => Err(e),
    }
}

async fn link_error(ctx: &Ctx, id: &str, msg: &str) -> AppResult<Response> {
    let m = Moduli {
        link_err: Some(msg.to_owned()),
        ..Default::default()
    };
    render_invalid(&pagina_obiettivo(ctx, id, m).await?)
}

pub async fn collegamento_elimina(
    ctx: Ctx,
    Path((id, cid)): Path<(String, i64)>,
) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let o = store::obiettivo(&ctx.state.db, &id).await?;
    store::scollega(&ctx.state.db, &ctx.actor(), &o, cid).await?;
    Ok(see_other(&format!("/piano/obiettivi/{id}#collegamenti")))
}
