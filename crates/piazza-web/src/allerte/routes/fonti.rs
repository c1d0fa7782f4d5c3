//! The sources of alerts, their API tokens and the geocode mappings (administrators).

use askama::Template;
use axum::response::Response;
use piazza_db::entities::fonte_allerta;
use sea_orm::EntityTrait;
use serde::Deserialize;

use super::{CRUMB, schede};
use crate::allerte::fonti;
use crate::allerte::store;
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::Path;
use crate::kit::fmt;
use crate::kit::moduli::ALLERTE;
use crate::kit::view::{
    Chrome, Ctx, FormErrors, Opzione, Scheda, render, render_invalid, see_other,
};

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

pub(super) fn fonte_riga(f: &fonte_allerta::Model) -> FonteRiga {
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
    crate::kit::extract::Form(f): crate::kit::extract::Form<MappaturaForm>,
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
    crate::kit::extract::Form(f): crate::kit::extract::Form<FonteForm>,
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
    crate::kit::extract::Form(f): crate::kit::extract::Form<AttivaForm>,
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
