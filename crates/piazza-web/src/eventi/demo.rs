//! Demo events, read from `data/demo/eventi.toml` (written for the demo): the 2020 events with
//! registrations, attendance and certificates, and coming ones (one full, with a waitlist).
//! Registrations go through the registration core like real ones; the messages they queue are
//! removed at the end (the demo's addresses are not real). The past events' attendees answered
//! the survey; some events are linked to plan objectives and projects.

use chrono::{Duration, NaiveDate, Utc};
use piazza_db::entities::{obiettivo, offerta, organizzazione, posta, presenza, progetto};
use piazza_db::lavoro::Lavoro;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::Deserialize;

use crate::demo::DemoCtx;
use crate::kit::error::{AppError, AppResult};
use crate::kit::{fmt, text};
use crate::registrazioni::messaggi::Avvisi;
use crate::registrazioni::model::{NuovaRegistrazione, stato};
use crate::registrazioni::store as reg;

/// Comments of the demo surveys (some answers have none).
const COMMENTI: &[&str] = &[
    "Utile il confronto con gli altri comuni.",
    "Più tempo per le domande del pubblico.",
    "Materiali chiari, grazie.",
    "La sala era troppo piccola per tutti.",
    "Ripetere l'incontro in autunno.",
];

const DATI: &str = include_str!("../../../../data/demo/eventi.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Dati {
    evento: Vec<Evento>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Evento {
    titolo: String,
    tipo: String,
    descrizione: String,
    comune: Option<String>,
    indirizzo: Option<String>,
    link_online: Option<String>,
    giorno: Option<String>,
    tra_giorni: Option<i64>,
    sessioni: Vec<String>,
    capienza: i32,
    registrati: usize,
    presenti: usize,
    #[serde(default)]
    idoneita: Option<String>,
    #[serde(default)]
    relatori: Option<String>,
    #[serde(default)]
    patrocinio: bool,
    /// The acronym of the project the event belongs to.
    #[serde(default)]
    progetto: Option<String>,
    /// Words of the plan objective the event is linked to.
    #[serde(default)]
    obiettivo: Option<String>,
    /// The most seats per type of organisation.
    #[serde(default)]
    quote_tipo: std::collections::BTreeMap<String, i32>,
    #[serde(default)]
    partner: Vec<String>,
}

const NOMI: &[&str] = &[
    "Anna", "Marco", "Giulia", "Luca", "Sara", "Paolo", "Elena", "Matteo", "Chiara", "Andrea",
];
const COGNOMI: &[&str] = &[
    "Bianchi", "Rossi", "Neri", "Conti", "Galli", "Fabbri", "Lombardi", "Moretti", "Marini",
    "Ricci", "Santini", "Bartoli",
];

pub async fn carica(c: &DemoCtx<'_>) -> AppResult<String> {
    let dati: Dati =
        toml::from_str(DATI).map_err(|e| AppError::interno(format!("eventi.toml: {e}")))?;
    // The keys first: reading (or creating) them is a write of its own.
    let chiavi = std::sync::Arc::new(piazza_alerts::chiavi::Chiavi::carica(c.db).await?);
    let uow = Lavoro::apri(c.db, &c.actor).await?;
    let avvisi = Avvisi::new(
        &c.config.associazione.public_url,
        &c.config.associazione.nome_associazione,
        chiavi,
    );
    let oggi = Utc::now().date_naive();
    let (mut eventi, mut registrazioni, mut risposte) = (0, 0, 0);
    let (mut da_collegare, mut passate) = (Vec::new(), Vec::new());
    let comuni = &c.territorio.comuni;
    for (i, e) in dati.evento.into_iter().enumerate() {
        let giorno = match (&e.giorno, e.tra_giorni) {
            (Some(g), _) => {
                fmt::parse_date(g).ok_or_else(|| AppError::interno(format!("data {g}")))?
            }
            (None, Some(n)) => oggi + Duration::days(n),
            (None, None) => return Err(AppError::interno("evento demo senza data")),
        };
        let comune_id = match &e.comune {
            Some(n) => Some(
                c.territorio
                    .trova(n)
                    .map(|x| x.id)
                    .ok_or_else(|| AppError::interno(format!("comune demo {n}")))?,
            ),
            None => None,
        };
        let sessioni = e
            .sessioni
            .iter()
            .map(|s| sessione(giorno, s))
            .collect::<AppResult<Vec<_>>>()?;
        let progetto = match &e.progetto {
            Some(a) => Some(
                progetto::Entity::find()
                    .filter(progetto::Column::Acronimo.eq(a.as_str()))
                    .one(&uow)
                    .await?
                    .ok_or_else(|| AppError::interno(format!("progetto demo {a}")))?
                    .public_id,
            ),
            None => None,
        };
        let n = super::model::NuovoEvento {
            titolo: e.titolo,
            tipo: e.tipo,
            descrizione: e.descrizione,
            comune_id,
            indirizzo: e.indirizzo,
            link_online: e.link_online,
            relatori: e.relatori,
            sessioni,
            capienza: e.capienza,
            idoneita: e.idoneita.unwrap_or_else(|| "tutti".into()),
            approvazione: false,
            quota_comune: None,
            quote_tipo: e.quote_tipo.clone(),
            ore_offerta: 48,
            apre_at: None,
            chiude_at: None,
            domande: Vec::new(),
            stato: "pubblicato".into(),
            patrocinio: e.patrocinio,
            progetto,
        };
        let ora = Utc::now();
        // People registered a week before the event (or now, for the coming ones).
        let registrati_il = n
            .sessioni
            .first()
            .map_or(ora, |s| (s.inizio - Duration::days(7)).min(ora));
        let ev = super::store::crea(&uow, n, None, ora).await?;
        if let Some(o) = &e.obiettivo {
            da_collegare.push((o.clone(), ev.public_id.clone()));
        }
        for p in &e.partner {
            if let Some(o) = organizzazione::Entity::find()
                .filter(organizzazione::Column::NomeNorm.eq(text::normalize(p)))
                .one(&uow)
                .await?
            {
                super::store::aggiungi_partner(&uow, ev.id, o.id, "partner").await?;
            }
        }
        let o = reg::offerta(&uow, ev.offerta_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let sess = reg::sessioni_di(&uow, o.id).await?;
        if sess.last().is_some_and(|s| s.fine < ora) {
            passate.push(o.id);
        }
        for k in 0..e.registrati {
            let comune = &comuni[(i * 37 + k * 11) % comuni.len()];
            let (nome, cognome) = (
                NOMI[(i + k) % NOMI.len()],
                COGNOMI[(k * 7 + i) % COGNOMI.len()],
            );
            let tipo = match k % 7 {
                5 => "unione",
                6 => "associazione",
                _ => "comune",
            };
            // Where the event has workshops with their own seats, people choose one.
            let laboratori: Vec<(i64, usize)> = sess
                .iter()
                .filter_map(|s| Some((s.id, usize::try_from(s.capienza?).ok()?)))
                .collect();
            // In turn, while the workshop has seats (the k-th person is the (k / n)-th in it).
            let laboratorio = (!laboratori.is_empty())
                .then(|| laboratori[k % laboratori.len()])
                .filter(|(_, posti)| k / laboratori.len() < *posti)
                .map(|(id, _)| id);
            let (r, _) = reg::registra(
                &uow,
                &o,
                NuovaRegistrazione {
                    nome: nome.into(),
                    cognome: cognome.into(),
                    email: format!(
                        "{}.{}.{k}@comune-demo.example",
                        text::normalize(nome),
                        text::normalize(cognome)
                    ),
                    organizzazione: Some(match tipo {
                        "unione" => format!("Unione dei comuni dell'area di {}", comune.nome),
                        "associazione" => format!("Pro loco di {}", comune.nome),
                        _ => format!("Comune di {}", comune.nome),
                    }),
                    tipo_organizzazione: tipo.into(),
                    comune_id: Some(comune.id),
                    ruolo: Some(if k % 3 == 0 { "Sindaco" } else { "Funzionario" }.into()),
                    risposte: Vec::new(),
                    sessioni: laboratorio.into_iter().collect(),
                },
                true,
                &avvisi,
                registrati_il,
            )
            .await?;
            registrazioni += 1;
            if k < e.presenti && r.stato != stato::LISTA_ATTESA {
                for s in &sess {
                    for (verso, at) in [
                        ("entrata", s.inizio + Duration::minutes(5)),
                        ("uscita", s.fine - Duration::minutes(10)),
                    ] {
                        presenza::ActiveModel {
                            registrazione_id: Set(r.id),
                            sessione_id: Set(Some(s.id)),
                            verso: Set(verso.into()),
                            at: Set(at),
                            nonce: Set(format!("demo-{}-{}-{verso}", r.id, s.id)),
                            utente_id: Set(None),
                            ..Default::default()
                        }
                        .insert(&uow)
                        .await?;
                    }
                }
                if sess.last().is_some_and(|s| s.fine < ora) {
                    let r = reg::registrazione(&uow, r.id)
                        .await?
                        .ok_or(AppError::NotFound)?;
                    reg::attestato(&uow, &r, &o, ora).await?;
                    // Most attendees answer the survey, with marks that vary.
                    if k % 4 != 3 {
                        const VOTI: [[i32; 5]; 3] =
                            [[5, 4, 5, 4, 3], [4, 4, 3, 5, 3], [5, 3, 4, 2, 4]];
                        let v = |d: usize| VOTI[d][(k + i) % 5];
                        let commento = COMMENTI.get((k + i) % 9).map(|c| (*c).to_owned());
                        reg::rispondi(
                            &uow,
                            &r,
                            reg::Risposta {
                                voti: [v(0), v(1), v(2)],
                                commento,
                            },
                            ora,
                        )
                        .await?;
                        risposte += 1;
                    }
                }
            }
        }
        eventi += 1;
    }
    posta::Entity::delete_many()
        .filter(posta::Column::A.like("%@comune-demo.example"))
        .exec(&uow)
        .await?;
    // The surveys of the past events count as sent (the demo's people answered above).
    offerta::Entity::update_many()
        .col_expr(offerta::Column::QuestionarioAt, Utc::now().into())
        .filter(offerta::Column::Id.is_in(passate))
        .exec(&uow)
        .await?;
    uow.conferma().await?;
    // Links to the objectives of the demo plan (made through Piano, audited there).
    for (parole, chiave) in &da_collegare {
        if let Some(o) = obiettivo::Entity::find()
            .filter(obiettivo::Column::Titolo.contains(parole.as_str()))
            .one(c.db)
            .await?
        {
            crate::piano::store::collega(c.db, &c.actor, &o, "evento", chiave).await?;
        }
    }
    Ok(format!(
        "{eventi} eventi, {registrazioni} registrazioni, {risposte} questionari, {} collegamenti al piano",
        da_collegare.len()
    ))
}

/// A demo session, `hh:mm-hh:mm Title @ place [N posti]`, read as the event form reads one.
fn sessione(giorno: NaiveDate, s: &str) -> AppResult<reg::NuovaSessione> {
    let mut e = crate::kit::view::FormErrors::default();
    let mut v = super::model::leggi_sessioni(&format!("{} {s}", fmt::date(giorno)), &mut e);
    match (e.is_empty(), v.pop()) {
        (true, Some(x)) => Ok(x),
        _ => Err(AppError::interno(format!("sessione demo «{s}»"))),
    }
}
