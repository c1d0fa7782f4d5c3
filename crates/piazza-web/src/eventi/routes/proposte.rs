//! Events proposed by comuni: a referente asks for organisational or promotional support,
//! patronage or speakers; the office scores the criteria, decides with a reason and says what
//! support it gives; an accepted proposal becomes a draft event with the association's
//! patronage, which the office completes and publishes.

use std::collections::BTreeMap;

use askama::Template;
use axum::response::Response;
use chrono::Utc;
use piazza_db::entities::proposta_evento;
use piazza_db::lavoro::Lavoro;
use sea_orm::{EntityTrait, Set};

use super::{CRUMB, schede};
use crate::eventi::model::{CRITERI, NuovoEvento, PropostaForm, SUPPORTI, nome};
use crate::eventi::store;
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::{Corpo, Path};
use crate::kit::fmt;
use crate::kit::moduli::EVENTI;
use crate::kit::view::{
    Chrome, Ctx, FormErrors, Scheda, form_pairs, render, render_invalid, see_other,
};
use crate::registrazioni::store::NuovaSessione;

pub struct Voce {
    pub id: i64,
    pub comune: String,
    pub provincia: String,
    pub titolo: String,
    pub descrizione: String,
    pub data: String,
    pub luogo: String,
    pub supporto: String,
    pub stato: String,
    pub motivazione: String,
    pub supporto_dato: String,
    pub punteggio: String,
    pub evento: Option<String>,
}

#[derive(Template)]
#[template(path = "eventi/proposte.html")]
struct PropostePage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    voci: Vec<Voce>,
    per_provincia: Vec<(String, usize, usize)>,
    f: PropostaForm,
    errors: FormErrors,
    comuni: Vec<String>,
    supporti: Vec<(&'static str, &'static str, bool)>,
    criteri: &'static [(&'static str, &'static str)],
    decide: bool,
}

async fn pagina(
    ctx: &Ctx,
    f: PropostaForm,
    scelti: Vec<String>,
    errors: FormErrors,
) -> AppResult<PropostePage> {
    let u = ctx.require_edit_some(EVENTI)?;
    let decide = ctx.can_edit(EVENTI, None);
    let miei: Vec<i64> = u.comuni_referente().collect();
    let proposte = store::proposte(&ctx.state.db, (!decide).then_some(miei.as_slice())).await?;
    let t = ctx.state.territorio.get();
    let mut per_provincia: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let eventi: std::collections::HashMap<i64, String> =
        piazza_db::entities::evento::Entity::find()
            .all(&ctx.state.db)
            .await?
            .into_iter()
            .map(|e| (e.id, e.public_id))
            .collect();
    let voci = proposte
        .into_iter()
        .map(|p| {
            let c = t.comune_by_id(p.comune_id);
            let provincia = c.map(|c| c.provincia.clone()).unwrap_or_default();
            let e = per_provincia.entry(provincia.clone()).or_default();
            e.0 += 1;
            if p.stato == "accolta" {
                e.1 += 1;
            }
            let punti: BTreeMap<String, i64> =
                serde_json::from_str(&p.valutazione).unwrap_or_default();
            Voce {
                id: p.id,
                comune: c.map(|c| c.nome.clone()).unwrap_or_default(),
                provincia,
                titolo: p.titolo,
                descrizione: p.descrizione,
                data: fmt::date(p.data_prevista),
                luogo: p.luogo.unwrap_or_default(),
                supporto: p
                    .supporto
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| nome(SUPPORTI, s))
                    .collect::<Vec<_>>()
                    .join(", "),
                stato: p.stato,
                motivazione: p.motivazione.unwrap_or_default(),
                supporto_dato: p.supporto_dato.unwrap_or_default(),
                punteggio: if punti.is_empty() {
                    String::new()
                } else {
                    format!("{} su {}", punti.values().sum::<i64>(), CRITERI.len() * 3)
                },
                evento: p.evento_id.and_then(|id| eventi.get(&id).cloned()),
            }
        })
        .collect();
    Ok(PropostePage {
        chrome: ctx.chrome(
            "Proposte dei comuni",
            &[CRUMB, ("Proposte dei comuni", "/eventi/proposte")],
        ),
        schede: schede(ctx, "/eventi/proposte"),
        voci,
        per_provincia: per_provincia
            .into_iter()
            .map(|(p, (n, a))| (p, n, a))
            .collect(),
        comuni: miei
            .iter()
            .filter_map(|c| t.comune_by_id(*c).map(|c| c.nome.clone()))
            .collect(),
        supporti: SUPPORTI
            .iter()
            .map(|(k, n)| (*k, *n, scelti.iter().any(|s| s == k)))
            .collect(),
        criteri: CRITERI,
        decide,
        f,
        errors,
    })
}

pub async fn proposte(ctx: Ctx) -> AppResult<Response> {
    render(
        &pagina(
            &ctx,
            PropostaForm::default(),
            Vec::new(),
            FormErrors::default(),
        )
        .await?,
    )
}

fn campo<'a>(coppie: &'a [(String, String)], k: &str) -> &'a str {
    coppie
        .iter()
        .find(|(c, _)| c == k)
        .map_or("", |(_, v)| v.as_str())
}

/// A referente proposes an event for one of their comuni.
pub async fn proposta_crea(ctx: Ctx, Corpo(body): Corpo) -> AppResult<Response> {
    ctx.require_edit_some(EVENTI)?;
    let coppie = form_pairs(&body);
    let f = PropostaForm {
        comune: campo(&coppie, "comune").into(),
        titolo: campo(&coppie, "titolo").into(),
        descrizione: campo(&coppie, "descrizione").into(),
        data_prevista: campo(&coppie, "data_prevista").into(),
        luogo: campo(&coppie, "luogo").into(),
    };
    let supporti: Vec<String> = coppie
        .iter()
        .filter(|(k, v)| k == "supporto" && SUPPORTI.iter().any(|(s, _)| s == v))
        .map(|(_, v)| v.clone())
        .collect();
    let mut e = FormErrors::default();
    let t = ctx.state.territorio.get();
    let comune = t.trova(&f.comune).map(|c| c.id);
    if comune.is_none() {
        e.add("comune", "Scegli il comune che propone l'evento.");
    }
    if f.titolo.trim().is_empty() {
        e.add("titolo", "Indica il titolo dell'evento.");
    }
    e.lunghezza("titolo", &f.titolo, 200);
    e.lunghezza("descrizione", &f.descrizione, 5000);
    e.lunghezza("luogo", &f.luogo, 200);
    let data = e.date("data_prevista", &f.data_prevista);
    if data.is_none() && !e.has("data_prevista") {
        e.add("data_prevista", "Indica la data prevista (gg/mm/aaaa).");
    }
    if supporti.is_empty() {
        e.add("supporto", "Scegli almeno un tipo di supporto richiesto.");
    }
    if !e.is_empty() {
        return render_invalid(&pagina(&ctx, f, supporti, e).await?);
    }
    if !ctx.can_edit(EVENTI, comune) {
        return Err(AppError::Forbidden);
    }
    let uow = Lavoro::apri(&ctx.state.db, &ctx.actor()).await?;
    uow.inserisci(proposta_evento::ActiveModel {
        comune_id: Set(comune.unwrap_or_default()),
        utente_id: Set(ctx.actor().utente_id),
        titolo: Set(f.titolo.trim().into()),
        descrizione: Set(f.descrizione.trim().into()),
        data_prevista: Set(data.unwrap_or_default()),
        luogo: Set(crate::kit::text::non_empty(&f.luogo)),
        supporto: Set(supporti.join(",")),
        stato: Set("presentata".into()),
        valutazione: Set("{}".into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .await?;
    uow.conferma().await?;
    Ok(see_other("/eventi/proposte"))
}

/// The office decides: criteria scores, `accolta` or `respinta`, the reason, the support given.
/// An accepted proposal becomes a draft event with the patronage.
pub async fn proposta_decidi(
    ctx: Ctx,
    Path(id): Path<String>,
    Corpo(body): Corpo,
) -> AppResult<Response> {
    ctx.require_edit(EVENTI, None)?;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let coppie = form_pairs(&body);
    let esito = campo(&coppie, "esito");
    if !matches!(esito, "accolta" | "respinta") {
        return Err(AppError::BadRequest(
            "Scegli se accogliere o respingere la proposta.".into(),
        ));
    }
    let motivazione = campo(&coppie, "motivazione").trim();
    if motivazione.is_empty() || motivazione.chars().count() > 2000 {
        return Err(AppError::BadRequest(
            "Scrivi la motivazione della decisione (al massimo 2.000 caratteri).".into(),
        ));
    }
    let mut punti = BTreeMap::new();
    for (k, _) in CRITERI {
        match campo(&coppie, k).parse::<i64>() {
            Ok(n) if (0..=3).contains(&n) => {
                punti.insert((*k).to_owned(), n);
            }
            _ => {
                return Err(AppError::BadRequest(
                    "Dai a ogni criterio un punteggio da 0 a 3.".into(),
                ));
            }
        }
    }
    let uow = Lavoro::apri(&ctx.state.db, &ctx.actor()).await?;
    let p = proposta_evento::Entity::find_by_id(id)
        .one(&uow)
        .await?
        .ok_or(AppError::NotFound)?;
    if p.stato != "presentata" {
        return Err(AppError::Conflict("La proposta è già stata decisa.".into()));
    }
    let ora = Utc::now();
    let evento_id = if esito == "accolta" {
        let inizio =
            fmt::da_ora_italiana(p.data_prevista.and_hms_opt(9, 30, 0).expect("valid time"));
        let e = store::crea(
            &uow,
            NuovoEvento {
                titolo: p.titolo.clone(),
                tipo: "evento_comune".into(),
                descrizione: p.descrizione.clone(),
                comune_id: Some(p.comune_id),
                indirizzo: p.luogo.clone(),
                link_online: None,
                relatori: None,
                sessioni: vec![NuovaSessione {
                    titolo: p.titolo.clone(),
                    inizio,
                    fine: inizio + chrono::Duration::hours(3),
                    luogo: p.luogo.clone(),
                    capienza: None,
                }],
                capienza: 100,
                idoneita: "tutti".into(),
                approvazione: false,
                quota_comune: None,
                quote_tipo: Default::default(),
                ore_offerta: 48,
                apre_at: None,
                chiude_at: None,
                domande: Vec::new(),
                stato: "bozza".into(),
                patrocinio: true,
                progetto: None,
            },
            Some(p.id),
            ora,
        )
        .await?;
        Some(e.id)
    } else {
        None
    };
    let mut am: proposta_evento::ActiveModel = p.clone().into();
    am.stato = Set(esito.into());
    am.valutazione = Set(serde_json::to_string(&punti).unwrap_or_default());
    am.motivazione = Set(Some(motivazione.into()));
    am.supporto_dato = Set(crate::kit::text::non_empty(campo(&coppie, "supporto_dato")));
    am.evento_id = Set(evento_id);
    am.decisa_at = Set(Some(ora));
    am.decisa_da = Set(ctx.actor().utente_id);
    uow.aggiorna_come("decisione", &p, am).await?;
    uow.conferma().await?;
    Ok(see_other("/eventi/proposte"))
}
