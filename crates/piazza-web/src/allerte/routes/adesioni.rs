//! The comuni's adoption of the service and their civil-protection plans, with the subscribers.

use askama::Template;
use axum::response::Response;
use serde::Deserialize;

use super::{CRUMB, per_canale, richiedi_staff, schede};
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::{Path, Query};
use crate::kit::fmt;
use crate::kit::moduli::ALLERTE;
use crate::kit::view::{Chrome, Ctx, Scheda, render, render_invalid, see_other};
use crate::territorio::map::{Classe, Layer};

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
    use crate::allerte::adesioni;
    let t = ctx.state.territorio.get();
    let dati = adesioni::tutte(&ctx.state.db).await?;
    let editori = adesioni::editori(&ctx.state.db).await?;
    let oggi = crate::kit::fmt::oggi();
    let anni = ctx.state.config.allerte.anni_aggiornamento_piano;
    let piano = strato == "piano";
    let iscritti_strato = strato == "iscritti";
    let iscritti = crate::allerte::iscrizioni_routes::adesione(ctx).await?;
    let crescita = crate::allerte::iscrizioni::crescita(&ctx.state.db).await?;
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
    crate::kit::extract::Form(f): crate::kit::extract::Form<crate::allerte::adesioni::AdesioneForm>,
) -> AppResult<Response> {
    ctx.require_login()?;
    let t = ctx.state.territorio.get();
    let c = t.comune(&codice).ok_or(AppError::NotFound)?;
    ctx.require_edit(ALLERTE, Some(c.id))?;
    match crate::allerte::adesioni::valida(&f, crate::kit::fmt::oggi()) {
        Ok(a) => {
            crate::allerte::adesioni::salva(&ctx.state.db, &ctx.actor(), c.id, &a).await?;
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
