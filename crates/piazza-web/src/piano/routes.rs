//! Piano pages: the plan (public for public objectives), the objective with its indicators,
//! updates and links, the staff dashboard, the political calendar, the import of a plan document
//! with an editable preview, and the exports (CSV, JSON, XLSX, PDF report).

use crate::extract::Form;
use crate::extract::Multipart;
use askama::Template;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use piazza_db::entities::{evento_calendario, obiettivo, piano, stato_obiettivo};
use sea_orm::{EntityTrait, QueryOrder};
use serde::Deserialize;

use super::import::{AreaLetta, PianoLetto};
use super::model::Direzione;
use super::store::{
    self, Cruscotto, ModificaObiettivo, ModificaPiano, NuovoAggiornamento, NuovoEvento,
    NuovoIndicatore, ObiettivoVista, PianoVista,
};
use crate::collegamenti::{self, Destinazione};
use crate::error::{AppError, AppResult};
use crate::export::{Cell, Table};
use crate::extract::{Path, Query};
use crate::fmt;
use crate::moduli::PIANO;
use crate::text::non_empty;
use crate::view::{Chrome, Ctx, FormErrors, render, render_invalid, see_other};

const CRUMB: (&str, &str) = ("Piano", "/piano");

/// Staff see every objective; everyone else the public ones.
fn interno(ctx: &Ctx) -> bool {
    ctx.has_grant(PIANO)
}

async fn vista(ctx: &Ctx, anno: i32) -> AppResult<PianoVista> {
    ctx.require_read(PIANO)?;
    store::vista(&ctx.state.db, &ctx.state.config, anno, !interno(ctx))
        .await?
        .ok_or(AppError::NotFound)
}

use crate::fmt::oggi as today;

/// The objectives linked to a record of another module, as this user may see them (public ones
/// for everyone, all for staff): the other side of a link, for the record's page.
pub async fn obiettivi_collegati(
    ctx: &Ctx,
    tipo: &str,
    chiave: &str,
) -> AppResult<std::sync::Arc<Vec<store::ObiettivoCollegato>>> {
    let solo_pubblici = !interno(ctx);
    let db = &ctx.state.db;
    ctx.state
        .obiettivi_collegati
        .get_or_load(
            (tipo.to_owned(), chiave.to_owned(), solo_pubblici),
            &ctx.state.generazione,
            || store::obiettivi_collegati(db, tipo, chiave, solo_pubblici),
        )
        .await
}

#[derive(Template)]
#[template(path = "piano/elenco.html")]
struct ElencoPage {
    chrome: Chrome,
    piani: Vec<piano::Model>,
    puo_modificare: bool,
}

/// The plans, most recent first; with one plan and nothing to do but read it, straight to it.
pub async fn elenco(ctx: Ctx) -> AppResult<Response> {
    ctx.require_read(PIANO)?;
    let piani = piano::Entity::find()
        .order_by_desc(piano::Column::Anno)
        .all(&ctx.state.db)
        .await?;
    let puo_modificare = ctx.can_edit(PIANO, None);
    if piani.len() == 1 && !puo_modificare {
        return Ok(see_other(&format!("/piano/{}", piani[0].anno)));
    }
    render(&ElencoPage {
        chrome: ctx.chrome("Piano", &[CRUMB]),
        piani,
        puo_modificare,
    })
}

#[derive(Template)]
#[template(path = "piano/piano.html")]
struct PianoPage {
    chrome: Chrome,
    v: PianoVista,
    interno: bool,
    puo_modificare: bool,
}

/// The plan of a year: public objectives for everyone (the accountability page), all of them for
/// staff with a grant on the module.
pub async fn piano(ctx: Ctx, Path(anno): Path<i32>) -> AppResult<Response> {
    let v = vista(&ctx, anno).await?;
    let titolo = format!("Piano {anno}");
    render(&PianoPage {
        chrome: ctx.chrome(
            titolo.clone(),
            &[CRUMB, (&titolo, &format!("/piano/{anno}"))],
        ),
        puo_modificare: ctx.can_edit(PIANO, None),
        interno: interno(&ctx),
        v,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NuovoObiettivoForm {
    #[serde(default)]
    titolo: String,
}

/// Adds an objective to an area, then opens its form for the rest.
pub async fn obiettivo_aggiungi(
    ctx: Ctx,
    Path((anno, area)): Path<(i32, i64)>,
    Form(f): Form<NuovoObiettivoForm>,
) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let titolo = f.titolo.trim();
    if titolo.is_empty() {
        return Err(AppError::BadRequest(
            "Indicare il titolo del nuovo obiettivo.".into(),
        ));
    }
    let o = store::aggiungi_obiettivo(&ctx.state.db, &ctx.actor(), anno, area, titolo).await?;
    Ok(see_other(&format!(
        "/piano/obiettivi/{}/modifica",
        o.public_id
    )))
}

// ---- the plan's own fields ----

#[derive(Debug, Default, Deserialize)]
pub struct PianoForm {
    #[serde(default)]
    titolo: String,
    #[serde(default)]
    stato: String,
    #[serde(default)]
    data_approvazione: String,
    #[serde(default)]
    organo_approvazione: String,
}

#[derive(Template)]
#[template(path = "piano/piano_form.html")]
struct PianoFormPage {
    chrome: Chrome,
    anno: i32,
    f: PianoForm,
    errors: FormErrors,
}

/// A percentage field: empty is `None`, `40` or `40%` is `Some(40)`, anything else or beyond
/// 0–100 an error.
fn parse_percentuale(s: &str) -> Result<Option<i32>, ()> {
    match s.trim().trim_end_matches('%').trim() {
        "" => Ok(None),
        v => match v.parse::<i32>() {
            Ok(n @ 0..=100) => Ok(Some(n)),
            _ => Err(()),
        },
    }
}

fn validate_piano(f: &PianoForm) -> Result<ModificaPiano, FormErrors> {
    let mut e = FormErrors::default();
    if f.titolo.trim().is_empty() {
        e.add("titolo", "Indicare il titolo del piano.");
    }
    if !["bozza", "approvato"].contains(&f.stato.as_str()) {
        e.add("stato", "Scegliere lo stato del piano.");
    }
    let data = e.date("data_approvazione", &f.data_approvazione);
    let organo = non_empty(&f.organo_approvazione);
    if f.stato == "approvato" {
        if data.is_none() && !e.has("data_approvazione") {
            e.add(
                "data_approvazione",
                "Un piano approvato ha la data di approvazione.",
            );
        }
        if organo.is_none() {
            e.add(
                "organo_approvazione",
                "Indicare l'organo che ha approvato il piano.",
            );
        }
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(ModificaPiano {
        titolo: f.titolo.trim().to_owned(),
        stato: f.stato.clone(),
        data_approvazione: data,
        organo_approvazione: organo,
    })
}

fn piano_form_page(ctx: &Ctx, anno: i32, f: PianoForm, errors: FormErrors) -> PianoFormPage {
    let titolo = format!("Piano {anno}");
    PianoFormPage {
        chrome: ctx.chrome(
            "Modifica piano",
            &[
                CRUMB,
                (&titolo, &format!("/piano/{anno}")),
                ("Modifica", &format!("/piano/{anno}/modifica")),
            ],
        ),
        anno,
        f,
        errors,
    }
}

async fn piano_o_404(ctx: &Ctx, anno: i32) -> AppResult<piano::Model> {
    store::piano_dell_anno(&ctx.state.db, anno)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn piano_form(ctx: Ctx, Path(anno): Path<i32>) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let p = piano_o_404(&ctx, anno).await?;
    let f = PianoForm {
        titolo: p.titolo,
        stato: p.stato,
        data_approvazione: fmt::opt_date(p.data_approvazione),
        organo_approvazione: p.organo_approvazione.unwrap_or_default(),
    };
    render(&piano_form_page(&ctx, anno, f, FormErrors::default()))
}

pub async fn piano_aggiorna(
    ctx: Ctx,
    Path(anno): Path<i32>,
    Form(f): Form<PianoForm>,
) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let p = piano_o_404(&ctx, anno).await?;
    match validate_piano(&f) {
        Ok(m) => {
            store::aggiorna_piano(&ctx.state.db, &ctx.actor(), p, &m).await?;
            Ok(see_other(&format!("/piano/{anno}")))
        }
        Err(errors) => render_invalid(&piano_form_page(&ctx, anno, f, errors)),
    }
}

// ---- objective: the page, with its indicators, timeline and links ----

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
    for t in collegamenti::TIPI.iter().filter(|t| ctx.can_read(t.modulo)) {
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
    let tipi: Vec<(&'static str, &'static str)> = collegamenti::TIPI
        .iter()
        .filter(|t| ctx.can_read(t.modulo))
        .map(|t| (t.codice, t.nome))
        .collect();
    let risultati = match collegamenti::tipo(&m.cerca.tipo) {
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
    let Some(t) = collegamenti::tipo(&f.tipo) else {
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

// ---- objective: the edit form ----

#[derive(Debug, Default, Deserialize)]
pub struct ObiettivoForm {
    #[serde(default)]
    titolo: String,
    #[serde(default)]
    responsabile: String,
    #[serde(default)]
    settore: String,
    #[serde(default)]
    stato: String,
    #[serde(default)]
    fonte_progresso: String,
    #[serde(default)]
    progresso_manuale: String,
    #[serde(default)]
    peso: String,
    #[serde(default)]
    pubblico: Option<String>,
    #[serde(default)]
    scadenza: String,
    #[serde(default)]
    priorita: String,
    #[serde(default)]
    descrizione: String,
}

#[derive(Template)]
#[template(path = "piano/obiettivo_form.html")]
struct ObiettivoPage {
    chrome: Chrome,
    id: String,
    titolo: String,
    f: ObiettivoForm,
    stati: Vec<stato_obiettivo::Model>,
    staff: Vec<(String, String)>,
    settori: Vec<String>,
    errors: FormErrors,
}

const PRIORITA: [&str; 3] = ["alta", "media", "bassa"];

fn validate(
    f: &ObiettivoForm,
    stati: &[stato_obiettivo::Model],
    staff: &[(i64, String)],
) -> Result<ModificaObiettivo, FormErrors> {
    let mut e = FormErrors::default();
    let titolo = f.titolo.trim();
    if titolo.is_empty() {
        e.add("titolo", "Indicare il titolo dell'obiettivo.");
    }
    let responsabile_id = match f.responsabile.trim() {
        "" => None,
        v => {
            let id = v
                .parse::<i64>()
                .ok()
                .filter(|id| staff.iter().any(|(s, _)| s == id));
            if id.is_none() {
                e.add(
                    "responsabile",
                    "Scegliere il responsabile dall'elenco del personale.",
                );
            }
            id
        }
    };
    if !stati.iter().any(|s| s.codice == f.stato) {
        e.add("stato", "Scegliere uno stato.");
    }
    if super::model::FonteProgresso::parse(&f.fonte_progresso).is_none() {
        e.add("fonte_progresso", "Scegliere da dove viene l'avanzamento.");
    }
    let progresso_manuale = parse_percentuale(&f.progresso_manuale).unwrap_or_else(|()| {
        e.add("progresso_manuale", "Inserire un numero da 0 a 100.");
        None
    });
    if f.fonte_progresso == "manuale" && progresso_manuale.is_none() && !e.has("progresso_manuale")
    {
        e.add(
            "progresso_manuale",
            "Con l'avanzamento manuale indicare la percentuale.",
        );
    }
    let peso = match f.peso.trim().parse::<i32>() {
        Ok(n @ 0..=100) => n,
        _ => {
            e.add("peso", "Il peso è un numero intero da 0 a 100.");
            1
        }
    };
    let scadenza = e.date("scadenza", &f.scadenza);
    if !PRIORITA.contains(&f.priorita.as_str()) {
        e.add("priorita", "Scegliere la priorità.");
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(ModificaObiettivo {
        titolo: titolo.to_owned(),
        responsabile_id,
        settore: non_empty(&f.settore),
        stato: f.stato.clone(),
        fonte_progresso: f.fonte_progresso.clone(),
        progresso_manuale,
        peso,
        pubblico: f.pubblico.is_some(),
        scadenza,
        priorita: f.priorita.clone(),
        descrizione: non_empty(&f.descrizione),
    })
}

async fn page(
    ctx: &Ctx,
    o: &obiettivo::Model,
    f: ObiettivoForm,
    errors: FormErrors,
) -> AppResult<ObiettivoPage> {
    let anno = store::anno_dell_obiettivo(&ctx.state.db, o).await?;
    let path = format!("/piano/obiettivi/{}/modifica", o.public_id);
    Ok(ObiettivoPage {
        chrome: ctx.chrome(
            "Modifica obiettivo",
            &[
                CRUMB,
                (&format!("Piano {anno}"), &format!("/piano/{anno}")),
                ("Modifica obiettivo", &path),
            ],
        ),
        id: o.public_id.clone(),
        titolo: o.titolo.clone(),
        f,
        stati: store::stati(&ctx.state.db).await?,
        staff: ctx
            .state
            .personale()
            .await?
            .iter()
            .map(|p| (p.id.to_string(), p.nome_completo()))
            .collect(),
        settori: store::settori(&ctx.state.db).await?,
        errors,
    })
}

pub async fn obiettivo_form(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let o = store::obiettivo(&ctx.state.db, &id).await?;
    let f = ObiettivoForm {
        titolo: o.titolo.clone(),
        responsabile: o.responsabile_id.map(|i| i.to_string()).unwrap_or_default(),
        settore: o.settore.clone().unwrap_or_default(),
        stato: o.stato.clone(),
        fonte_progresso: o.fonte_progresso.clone(),
        progresso_manuale: o
            .progresso_manuale
            .map(|p| p.to_string())
            .unwrap_or_default(),
        peso: o.peso.to_string(),
        pubblico: o.pubblico.then(|| "si".to_owned()),
        scadenza: fmt::opt_date(o.scadenza),
        priorita: o.priorita.clone(),
        descrizione: o.descrizione.clone().unwrap_or_default(),
    };
    render(&page(&ctx, &o, f, FormErrors::default()).await?)
}

pub async fn obiettivo_aggiorna(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ObiettivoForm>,
) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let o = store::obiettivo(&ctx.state.db, &id).await?;
    let stati = store::stati(&ctx.state.db).await?;
    let staff: Vec<(i64, String)> = ctx
        .state
        .personale()
        .await?
        .iter()
        .map(|p| (p.id, p.nome_completo()))
        .collect();
    match validate(&f, &stati, &staff) {
        Ok(m) => {
            store::aggiorna_obiettivo(&ctx.state.db, &ctx.actor(), o, &m).await?;
            Ok(see_other(&format!("/piano/obiettivi/{id}")))
        }
        Err(errors) => render_invalid(&page(&ctx, &o, f, errors).await?),
    }
}

// ---- staff dashboard ----

#[derive(Debug, Default, Deserialize)]
pub struct CruscottoQuery {
    #[serde(default)]
    al: String,
}

#[derive(Template)]
#[template(path = "piano/cruscotto.html")]
struct CruscottoPage {
    chrome: Chrome,
    v: PianoVista,
    c: Cruscotto,
    al_iso: String,
    al_fmt: String,
    errore_data: bool,
}

/// The reference date of the dashboard: the one asked for, else today kept within the plan's
/// year (a past plan is looked at as it stood on 31 December).
fn data_riferimento(v: &PianoVista, al: &str) -> (NaiveDate, bool) {
    match al.trim() {
        "" => (today().clamp(v.inizio(), v.fine()), false),
        s => match fmt::parse_date(s) {
            Some(d) => (d, false),
            None => (today().clamp(v.inizio(), v.fine()), true),
        },
    }
}

pub async fn cruscotto(
    ctx: Ctx,
    Path(anno): Path<i32>,
    Query(q): Query<CruscottoQuery>,
) -> AppResult<Response> {
    ctx.require_grant(PIANO)?;
    let v = vista(&ctx, anno).await?;
    let (al, errore_data) = data_riferimento(&v, &q.al);
    let c = store::cruscotto(&v, al, &ctx.state.config);
    let titolo = format!("Piano {anno}");
    let page = CruscottoPage {
        chrome: ctx.chrome(
            format!("Cruscotto del piano {anno}"),
            &[
                CRUMB,
                (&titolo, &format!("/piano/{anno}")),
                ("Cruscotto", &format!("/piano/{anno}/cruscotto")),
            ],
        ),
        al_iso: al.format("%Y-%m-%d").to_string(),
        al_fmt: fmt::date(al),
        errore_data,
        v,
        c,
    };
    if errore_data {
        render_invalid(&page)
    } else {
        render(&page)
    }
}

// ---- the catalogue of objective states ----

#[derive(Debug, Default, Deserialize)]
pub struct StatoForm {
    #[serde(default)]
    nome: String,
    #[serde(default)]
    progresso_predefinito: String,
    #[serde(default)]
    escluso_dal_calcolo: Option<String>,
}

#[derive(Template)]
#[template(path = "piano/stati.html")]
struct StatiPage {
    chrome: Chrome,
    stati: Vec<stato_obiettivo::Model>,
    errore: Option<String>,
}

async fn stati_page(ctx: &Ctx, errore: Option<String>) -> AppResult<StatiPage> {
    Ok(StatiPage {
        chrome: ctx.chrome(
            "Stati degli obiettivi",
            &[CRUMB, ("Stati degli obiettivi", "/piano/stati")],
        ),
        stati: store::stati(&ctx.state.db).await?,
        errore,
    })
}

pub async fn stati(ctx: Ctx) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    render(&stati_page(&ctx, None).await?)
}

fn validate_stato(f: &StatoForm) -> Result<store::StatoValido, String> {
    let nome = f.nome.trim();
    if nome.is_empty() {
        return Err("Indicare il nome dello stato.".into());
    }
    let progresso_predefinito = parse_percentuale(&f.progresso_predefinito)
        .map_err(|()| "L'avanzamento predefinito è un numero da 0 a 100, o vuoto.".to_owned())?;
    Ok(store::StatoValido {
        nome: nome.to_owned(),
        progresso_predefinito,
        escluso_dal_calcolo: f.escluso_dal_calcolo.is_some(),
    })
}

async fn salva_stato(ctx: &Ctx, codice: Option<&str>, f: &StatoForm) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let errore = match validate_stato(f) {
        Ok(v) => match store::salva_stato(&ctx.state.db, &ctx.actor(), codice, &v).await {
            Ok(()) => return Ok(see_other("/piano/stati")),
            Err(AppError::Conflict(m) | AppError::BadRequest(m)) => m,
            Err(e) => return Err(e),
        },
        Err(m) => m,
    };
    render_invalid(&stati_page(ctx, Some(errore)).await?)
}

pub async fn stato_aggiungi(ctx: Ctx, Form(f): Form<StatoForm>) -> AppResult<Response> {
    salva_stato(&ctx, None, &f).await
}

pub async fn stato_aggiorna(
    ctx: Ctx,
    Path(codice): Path<String>,
    Form(f): Form<StatoForm>,
) -> AppResult<Response> {
    salva_stato(&ctx, Some(&codice), &f).await
}

// ---- political calendar ----

#[derive(Debug, Default, Deserialize)]
pub struct EventoForm {
    #[serde(default)]
    data: String,
    #[serde(default)]
    tipo: String,
    #[serde(default)]
    titolo: String,
    #[serde(default)]
    descrizione: String,
}

struct EventoRiga {
    e: evento_calendario::Model,
    tipo_nome: &'static str,
    data: String,
    finestra: Option<String>,
}

#[derive(Template)]
#[template(path = "piano/calendario.html")]
struct CalendarioPage {
    chrome: Chrome,
    eventi: Vec<EventoRiga>,
    tipi: &'static [(&'static str, &'static str)],
    mesi_prima: u32,
    mesi_dopo: u32,
    puo_modificare: bool,
    f: EventoForm,
    errors: FormErrors,
}

async fn calendario_page(
    ctx: &Ctx,
    f: EventoForm,
    errors: FormErrors,
) -> AppResult<CalendarioPage> {
    let rischio = store::rischio_legislatura(&ctx.state.db, &ctx.state.config).await?;
    let eventi = store::eventi(&ctx.state.db)
        .await?
        .into_iter()
        .map(|e| EventoRiga {
            tipo_nome: store::tipo_evento_nome(&e.tipo),
            data: fmt::date(e.data),
            finestra: (e.tipo == "fine_legislatura")
                .then(|| {
                    rischio
                        .finestre
                        .iter()
                        .find(|w| w.fine_legislatura == e.data)
                        .map(|w| format!("dal {} al {}", fmt::date(w.dal), fmt::date(w.al)))
                })
                .flatten(),
            e,
        })
        .collect();
    Ok(CalendarioPage {
        chrome: ctx.chrome(
            "Calendario politico",
            &[CRUMB, ("Calendario politico", "/piano/calendario")],
        ),
        eventi,
        tipi: store::TIPI_EVENTO,
        mesi_prima: ctx.state.config.piano.rischio_legislatura_mesi_prima,
        mesi_dopo: ctx.state.config.piano.rischio_legislatura_mesi_dopo,
        puo_modificare: ctx.can_edit(PIANO, None),
        f,
        errors,
    })
}

pub async fn calendario(ctx: Ctx) -> AppResult<Response> {
    ctx.require_read(PIANO)?;
    render(&calendario_page(&ctx, EventoForm::default(), FormErrors::default()).await?)
}

pub async fn evento_aggiungi(ctx: Ctx, Form(f): Form<EventoForm>) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let mut e = FormErrors::default();
    let data = e.date("data", &f.data);
    if data.is_none() && !e.has("data") {
        e.add("data", "Indicare la data dell'evento.");
    }
    if !store::TIPI_EVENTO.iter().any(|(k, _)| *k == f.tipo) {
        e.add("tipo", "Scegliere il tipo di evento.");
    }
    if f.titolo.trim().is_empty() {
        e.add("titolo", "Indicare l'evento.");
    }
    if let (Some(data), true) = (data, e.is_empty()) {
        let n = NuovoEvento {
            data,
            tipo: f.tipo.clone(),
            titolo: f.titolo.trim().to_owned(),
            descrizione: non_empty(&f.descrizione),
        };
        store::aggiungi_evento(&ctx.state.db, &ctx.actor(), &n).await?;
        return Ok(see_other("/piano/calendario"));
    }
    render_invalid(&calendario_page(&ctx, f, e).await?)
}

pub async fn evento_elimina(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    store::elimina_evento(&ctx.state.db, &ctx.actor(), id).await?;
    Ok(see_other("/piano/calendario"))
}

// ---- import of a plan document, with an editable preview ----

#[derive(Template)]
#[template(path = "piano/importa.html")]
struct ImportaPage {
    chrome: Chrome,
    anno: String,
    testo: String,
    errori: Vec<String>,
}

/// An area of the preview: its title and objectives, one per line, as the user may correct them.
struct AreaAnteprima {
    titolo: String,
    obiettivi: String,
    n: usize,
}

#[derive(Template)]
#[template(path = "piano/anteprima.html")]
struct AnteprimaPage {
    chrome: Chrome,
    anno: String,
    titolo: String,
    aree: Vec<AreaAnteprima>,
    senza_obiettivi: Vec<String>,
    errori: Vec<String>,
}

fn crumbs_import(ctx: &Ctx, titolo: &str) -> Chrome {
    ctx.chrome(
        titolo.to_owned(),
        &[CRUMB, ("Importa un piano", "/piano/importa")],
    )
}

pub async fn importa_form(ctx: Ctx) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    render(&ImportaPage {
        chrome: crumbs_import(&ctx, "Importa un piano"),
        anno: String::new(),
        testo: String::new(),
        errori: Vec::new(),
    })
}

/// Largest plan document accepted (a plan is a few dozen pages of text).
pub const MAX_DOCUMENTO: usize = 4 * 1024 * 1024;

fn anno_valido(s: &str) -> Result<i32, String> {
    match s.trim().parse::<i32>() {
        Ok(a @ 2000..=2100) => Ok(a),
        _ => Err("Indicare l'anno del piano (per esempio 2021).".into()),
    }
}

/// Reads the uploaded document (or pasted text) and shows what was found, to correct.
pub async fn importa_anteprima(ctx: Ctx, multipart: Multipart) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let mut campi = crate::view::campi_multipart(multipart, MAX_DOCUMENTO + 64 * 1024).await?;
    let testo_di =
        |v: Option<Vec<u8>>| String::from_utf8_lossy(&v.unwrap_or_default()).into_owned();
    let anno = testo_di(campi.remove("anno"));
    let testo = testo_di(campi.remove("testo"));
    let file = campi.remove("file").unwrap_or_default();
    let mut errori = Vec::new();
    if let Err(e) = anno_valido(&anno) {
        errori.push(e);
    }
    if file.len() > MAX_DOCUMENTO {
        errori.push("Il documento supera i 4 MB: caricare il testo del piano.".into());
    }
    let documento = if file.is_empty() {
        testo.clone()
    } else {
        crate::anagrafica::dait::decode(&file)
    };
    if documento.trim().is_empty() {
        errori.push("Caricare il documento del piano o incollarne il testo.".into());
    }
    let letto = super::import::leggi(&documento);
    if errori.is_empty() && letto.aree.is_empty() {
        errori.push(
            "Nel documento non ci sono sezioni con un elenco «Obiettivi»: controllare che sia il piano di attività."
                .into(),
        );
    }
    if !errori.is_empty() {
        return render_invalid(&ImportaPage {
            chrome: crumbs_import(&ctx, "Importa un piano"),
            anno,
            testo,
            errori,
        });
    }
    render(&AnteprimaPage {
        chrome: crumbs_import(&ctx, "Anteprima del piano"),
        titolo: letto
            .titolo
            .clone()
            .unwrap_or_else(|| format!("Piano di attività {}", anno.trim())),
        anno: anno.trim().to_owned(),
        aree: letto
            .aree
            .iter()
            .map(|a| AreaAnteprima {
                titolo: a.titolo.clone(),
                obiettivi: a.obiettivi.join("\n"),
                n: a.obiettivi.len(),
            })
            .collect(),
        senza_obiettivi: letto.sezioni_senza_obiettivi.clone(),
        errori: Vec::new(),
    })
}

/// Saves the plan as corrected in the preview: `area_N_titolo`, `area_N_obiettivi` (one per line)
/// and `area_N_includi` for each area.
pub async fn importa_salva(
    ctx: Ctx,
    Form(campi): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let get = |k: &str| {
        campi
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let anno = get("anno");
    let titolo = get("titolo");
    let mut aree_form = Vec::new();
    for i in 0.. {
        if !campi.iter().any(|(n, _)| *n == format!("area_{i}_titolo")) {
            break;
        }
        aree_form.push(AreaAnteprima {
            titolo: get(&format!("area_{i}_titolo")),
            obiettivi: get(&format!("area_{i}_obiettivi")),
            n: usize::from(campi.iter().any(|(n, _)| *n == format!("area_{i}_includi"))),
        });
    }
    let mut errori = Vec::new();
    let anno_n = anno_valido(&anno).map_err(|e| errori.push(e)).ok();
    let mut letto = PianoLetto {
        titolo: non_empty(&titolo),
        ..Default::default()
    };
    for (i, a) in aree_form.iter().enumerate() {
        if a.n == 0 {
            continue;
        }
        let obiettivi: Vec<String> = a
            .obiettivi
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        if a.titolo.trim().is_empty() {
            errori.push(format!("Area {}: manca il titolo.", i + 1));
        }
        if obiettivi.is_empty() {
            errori.push(format!(
                "Area {}: nessun obiettivo (togliere la spunta per non importarla).",
                i + 1
            ));
        }
        letto.aree.push(AreaLetta {
            titolo: a.titolo.trim().to_owned(),
            obiettivi,
        });
    }
    if letto.aree.is_empty() && errori.is_empty() {
        errori.push("Scegliere almeno un'area da importare.".into());
    }
    if let (Some(anno_n), true) = (anno_n, errori.is_empty()) {
        match store::salva_piano_letto(&ctx.state.db, &ctx.actor(), anno_n, &letto).await {
            Ok(_) => return Ok(see_other(&format!("/piano/{anno_n}"))),
            Err(AppError::Conflict(m) | AppError::BadRequest(m)) => errori.push(m),
            Err(e) => return Err(e),
        }
    }
    for a in &mut aree_form {
        a.n = a.obiettivi.lines().filter(|l| !l.trim().is_empty()).count();
    }
    render_invalid(&AnteprimaPage {
        chrome: crumbs_import(&ctx, "Anteprima del piano"),
        anno,
        titolo,
        aree: aree_form,
        senza_obiettivi: Vec::new(),
        errori,
    })
}

// ---- exports: open data (CSV, JSON), XLSX, PDF report ----

/// Columns of the CSV download (documented on the plan page).
pub const COLONNE_CSV: &[&str] = &[
    "Area",
    "Avanzamento area (%)",
    "Numero obiettivo",
    "Obiettivo",
    "Stato",
    "Avanzamento obiettivo (%)",
    "Peso",
    "Scadenza",
];

fn round(p: Option<f64>) -> Cell {
    p.map(|p| Cell::Int(p.round() as i64))
        .unwrap_or(Cell::Empty)
}

fn tabella_obiettivi(v: &PianoVista) -> Table {
    let mut t = Table::new(COLONNE_CSV);
    for a in &v.aree {
        for o in &a.obiettivi {
            t.rows.push(vec![
                a.a.titolo.as_str().into(),
                round(a.roll_up.progresso),
                Cell::Int(i64::from(o.o.ordine)),
                o.o.titolo.as_str().into(),
                o.stato_nome.as_str().into(),
                round(o.progresso),
                Cell::Int(i64::from(o.o.peso)),
                o.o.scadenza.into(),
            ]);
        }
    }
    t
}

pub async fn piano_csv(ctx: Ctx, Path(anno): Path<i32>) -> AppResult<Response> {
    let v = vista(&ctx, anno).await?;
    Ok(crate::export::csv_response(
        &tabella_obiettivi(&v),
        &format!("piano-{anno}.csv"),
    ))
}

pub async fn piano_json(ctx: Ctx, Path(anno): Path<i32>) -> AppResult<Response> {
    let v = vista(&ctx, anno).await?;
    let r = |p: Option<f64>| p.map(|p| p.round() as i64);
    let body = serde_json::json!({
        "anno": v.p.anno,
        "titolo": v.p.titolo,
        "stato": v.p.stato,
        "data_approvazione": v.p.data_approvazione,
        "organo_approvazione": v.p.organo_approvazione,
        "avanzamento": r(v.roll_up.progresso),
        "obiettivi_conteggiati": v.roll_up.conteggiati,
        "obiettivi_senza_dato": v.roll_up.senza_dato,
        "aree": v.aree.iter().map(|a| serde_json::json!({
            "numero": a.a.ordine,
            "titolo": a.a.titolo,
            "avanzamento": r(a.roll_up.progresso),
            "obiettivi": a.obiettivi.iter().map(|o| serde_json::json!({
                "id": o.o.public_id,
                "numero": o.o.ordine,
                "titolo": o.o.titolo,
                "stato": o.o.stato,
                "stato_nome": o.stato_nome,
                "avanzamento": r(o.progresso),
                "peso": o.o.peso,
                "scadenza": o.o.scadenza,
                "indicatori": o.indicatori.iter().map(|i| serde_json::json!({
                    "nome": i.i.nome,
                    "unita": i.i.unita,
                    "direzione": i.i.direzione,
                    "valore_base": i.i.valore_base,
                    "valore_obiettivo": i.i.valore_obiettivo,
                    "avanzamento": r(i.progresso),
                    "misure": i.misure.iter().map(|m| serde_json::json!({"data": m.data, "valore": m.valore})).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "ultimi_aggiornamenti": v.ultimi_aggiornamenti.iter().map(|u| serde_json::json!({
            "data": u.a.data,
            "obiettivo": u.obiettivo_id,
            "testo": u.a.testo,
        })).collect::<Vec<_>>(),
    });
    Ok(axum::Json(body).into_response())
}

pub const COLONNE_INDICATORI: &[&str] = &[
    "Area",
    "Obiettivo",
    "Indicatore",
    "Unità",
    "Direzione",
    "Valore di partenza",
    "Valore obiettivo",
    "Ultima misura",
    "Data ultima misura",
    "Avanzamento indicatore (%)",
];

/// The plan as a workbook: a sheet of objectives (the CSV columns plus owner and priority for
/// staff) and one of indicators.
pub async fn piano_xlsx(ctx: Ctx, Path(anno): Path<i32>) -> AppResult<Response> {
    let v = vista(&ctx, anno).await?;
    let obiettivi = tabella_obiettivi(&v);
    let mut ind = Table::new(COLONNE_INDICATORI);
    for a in &v.aree {
        for o in &a.obiettivi {
            for i in &o.indicatori {
                ind.rows.push(vec![
                    a.a.titolo.as_str().into(),
                    o.o.titolo.as_str().into(),
                    i.i.nome.as_str().into(),
                    i.i.unita.as_str().into(),
                    i.i.direzione.as_str().into(),
                    Cell::Dec(i.i.valore_base, 2),
                    Cell::Dec(i.i.valore_obiettivo, 2),
                    i.ultimo()
                        .map(|m| Cell::Dec(m.valore, 2))
                        .unwrap_or(Cell::Empty),
                    i.ultimo().map(|m| m.data).into(),
                    round(i.progresso),
                ]);
            }
        }
    }
    let body = crate::export::xlsx(&[("Obiettivi", &obiettivi), ("Indicatori", &ind)])?;
    Ok(crate::export::attachment(
        body,
        crate::export::XLSX_MIME,
        &format!("piano-{anno}.xlsx"),
    ))
}

/// The progress report for the association's council, as PDF: cover, summary per area, the
/// objectives, what is late or off track, and the objectives at risk from the change of
/// legislature. Staff only (it includes internal objectives).
pub async fn piano_pdf(
    ctx: Ctx,
    Path(anno): Path<i32>,
    Query(q): Query<CruscottoQuery>,
) -> AppResult<Response> {
    use crate::pdf::{Colonna, Documento};
    ctx.require_grant(PIANO)?;
    let v = vista(&ctx, anno).await?;
    let (al, _) = data_riferimento(&v, &q.al);
    let c = store::cruscotto(&v, al, &ctx.state.config);
    let config = &ctx.state.config;
    let mut d = Documento::new(format!(
        "{} · {} · relazione al {}",
        config.associazione.nome_associazione,
        v.p.titolo,
        fmt::date(al)
    ));
    d.spazio(120.0);
    d.testo(&config.associazione.nome_associazione, 14.0, false);
    d.spazio(10.0);
    d.titolo(&v.p.titolo);
    d.testo("Relazione sullo stato di avanzamento", 14.0, true);
    d.spazio(10.0);
    d.paragrafo(&format!("Situazione al {}.", fmt::date(al)));
    d.paragrafo(&match (&v.p.data_approvazione, &v.p.organo_approvazione) {
        (Some(data), Some(organo)) if v.p.stato == "approvato" => {
            format!("Piano approvato il {} da: {organo}.", fmt::date(*data))
        }
        _ => "Bozza del piano, non ancora approvata.".to_owned(),
    });
    d.paragrafo(&format!(
        "Avanzamento complessivo: {}, media pesata di {} obiettivi{}.",
        v.roll_up
            .progresso
            .map(|p| format!("{p:.0}%"))
            .unwrap_or_else(|| "non ancora misurato".into()),
        v.roll_up.conteggiati,
        if v.roll_up.senza_dato > 0 {
            format!(" ({} ancora senza dato)", v.roll_up.senza_dato)
        } else {
            String::new()
        }
    ));
    d.new_page();
    d.sezione("Sintesi per area");
    for a in &v.aree {
        d.barra(
            &format!("{}. {}", a.a.ordine, a.a.titolo),
            a.roll_up.progresso,
        );
    }
    d.barra("Piano nel complesso", v.roll_up.progresso);
    d.sezione("Obiettivi");
    let colonne = [
        Colonna {
            titolo: "Area",
            quota: 0.16,
            destra: false,
        },
        Colonna {
            titolo: "Obiettivo",
            quota: 0.40,
            destra: false,
        },
        Colonna {
            titolo: "Responsabile",
            quota: 0.16,
            destra: false,
        },
        Colonna {
            titolo: "Stato",
            quota: 0.11,
            destra: false,
        },
        Colonna {
            titolo: "Avanz.",
            quota: 0.07,
            destra: true,
        },
        Colonna {
            titolo: "Scadenza",
            quota: 0.10,
            destra: false,
        },
    ];
    let righe: Vec<Vec<String>> = v
        .aree
        .iter()
        .flat_map(|a| {
            a.obiettivi.iter().map(move |o| {
                vec![
                    a.a.titolo.clone(),
                    o.o.titolo.clone(),
                    o.titolare(),
                    o.stato_nome.clone(),
                    if o.progresso.is_some() {
                        format!("{}%", o.percentuale())
                    } else {
                        "–".into()
                    },
                    o.scadenza_fmt(),
                ]
            })
        })
        .collect();
    d.tabella(&colonne, &righe);
    let elenco = [
        ("Obiettivi scaduti", &c.scaduti),
        ("Indicatori fuori traiettoria", &c.fuori_traiettoria),
        (
            "Obiettivi senza aggiornamenti recenti",
            &c.senza_aggiornamenti,
        ),
        (
            "Obiettivi a rischio cambio legislatura",
            &c.a_rischio_legislatura,
        ),
    ];
    d.sezione("Elementi in ritardo o da seguire");
    let colonne = [
        Colonna {
            titolo: "Obiettivo",
            quota: 0.45,
            destra: false,
        },
        Colonna {
            titolo: "Responsabile",
            quota: 0.2,
            destra: false,
        },
        Colonna {
            titolo: "Motivo",
            quota: 0.35,
            destra: false,
        },
    ];
    for (titolo, righe) in elenco {
        d.testo(&format!("{titolo}: {}", righe.len()), 10.0, true);
        d.spazio(2.0);
        if !righe.is_empty() {
            let r: Vec<Vec<String>> = righe
                .iter()
                .map(|r| vec![r.titolo.clone(), r.titolare.clone(), r.motivo.clone()])
                .collect();
            d.tabella(&colonne, &r);
        }
    }
    Ok(crate::export::attachment(
        d.finish(),
        "application/pdf",
        &format!("relazione-piano-{anno}.pdf"),
    ))
}
