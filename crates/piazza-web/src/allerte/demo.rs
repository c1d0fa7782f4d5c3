//! Demo alerts, written for the demo (not real alerts), live around the moment the demo is
//! loaded: a hydraulic red alert on the Serchio with orange and yellow around it (an update
//! of an earlier yellow one, so the history shows both), an exercise, an alert composed by the
//! regional desk and waiting for the second person's approval; the two real national
//! bulletins of November 2023 in the history; notices of some comuni; the adoption of the
//! service and the plans of the comuni.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, Utc};
use piazza_db::audit::Actor;
use piazza_db::lavoro::Lavoro;
use serde::Deserialize;

use super::bollettino::{self, Livello};
use super::registro::{Avviso, Tipo, Voce};
use super::store::{self, Documento};
use super::{adesioni, avvisi, fonti};
use crate::demo::DemoCtx;
use crate::kit::error::{AppError, AppResult};
use crate::territorio::Territorio;

/// `data/demo/allerte.toml`: the alerts, composed alerts and notices of the demo.
const DATI: &str = include_str!("../../../../data/demo/allerte.toml");

#[derive(Debug, Deserialize)]
struct Dati {
    centro_funzionale: Vec<DocumentoCfr>,
    composte: Vec<Composta>,
    avvisi: Vec<Notizia>,
}

/// A CAP document of the regional functional centre.
#[derive(Debug, Deserialize)]
struct DocumentoCfr {
    id: String,
    ore_fa: i64,
    #[serde(default)]
    aggiorna: Vec<String>,
    titolo: String,
    descrizione: String,
    voci: Vec<VoceDemo>,
}

#[derive(Debug, Deserialize)]
struct VoceDemo {
    rischio: String,
    livello: Livello,
    zone: Vec<String>,
}

/// An alert composed at the regional desk.
#[derive(Debug, Deserialize)]
struct Composta {
    titolo: String,
    rischio: String,
    livello: Livello,
    zone: Vec<String>,
    descrizione: String,
    istruzioni: String,
    #[serde(default)]
    esercitazione: bool,
}

/// A comune's notice.
#[derive(Debug, Deserialize)]
struct Notizia {
    comune: String,
    tipo: String,
    titolo: String,
    testo: String,
    punto: Option<(f64, f64)>,
}

fn dati() -> AppResult<Dati> {
    toml::from_str(DATI).map_err(|e| AppError::causa("data/demo/allerte.toml", e))
}

const BOLLETTINI: &[(&str, &str)] = &[
    (
        "20231103_1614",
        include_str!("../../../../data/dpc-bollettini/20231103_1614_today.stripped.json"),
    ),
    (
        "20231115_1435",
        include_str!("../../../../data/dpc-bollettini/20231115_1435_today.stripped.json"),
    ),
];

fn comuni_di(t: &Territorio, zone: &[String]) -> Vec<String> {
    let mut v: Vec<String> = zone
        .iter()
        .filter_map(|z| t.zona(z))
        .flat_map(|z| z.comuni.iter().map(|i| t.comuni[*i].codice_istat.clone()))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// A regional functional centre's alert (as its CAP API client would send it), updating the
/// documents of `riferimenti`.
fn documento_cfr(
    t: &Territorio,
    d: &DocumentoCfr,
    riferimenti: Vec<(String, String, String)>,
) -> Documento {
    let ora = Utc::now();
    let inviato = ora - Duration::hours(d.ore_fa);
    let tipo = if riferimenti.is_empty() {
        Tipo::Alert
    } else {
        Tipo::Update
    };
    let voci: Vec<Voce> = d
        .voci
        .iter()
        .map(|v| Voce {
            rischio: v.rischio.clone(),
            livello: v.livello,
            comuni: comuni_di(t, &v.zone),
        })
        .collect();
    Documento {
        avviso: Avviso {
            chiave: (
                "cfr@regione.toscana.example".into(),
                d.id.clone(),
                inviato.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            ),
            tipo,
            reale: true,
            riferimenti,
            voci,
            inizio: Some(inviato),
            scadenza: Some(ora + Duration::hours(20)),
        },
        msg_type: if tipo == Tipo::Alert {
            "Alert"
        } else {
            "Update"
        }
        .into(),
        status: "Actual".into(),
        esercitazione: false,
        inviato_at: inviato,
        evento: "Criticità idraulica e idrogeologica".into(),
        titolo: d.titolo.clone(),
        descrizione: Some(d.descrizione.clone()),
        istruzioni: Some(
            "Non sostare vicino a fiumi e torrenti, non scendere in cantine e sottopassi, \
             limita gli spostamenti e segui le indicazioni del tuo comune."
                .into(),
        ),
        area: Some("Toscana nord-occidentale".into()),
        comune_id: None,
        testo: format!("(documento dimostrativo {})", d.id),
    }
}

pub async fn carica(c: &DemoCtx<'_>) -> AppResult<String> {
    let t = c.territorio;
    let actor = Actor::system("piazza demo");
    // The real bulletins of November 2023, for the history.
    let giorni = BOLLETTINI
        .iter()
        .map(|(_, json)| bollettino::documento(json, None, t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| AppError::interno(format!("bollettino demo: {e}")))?;
    fonti::importa_bollettino(c.db, t, &actor, giorni).await?;

    let dati = dati()?;

    // The regional centre: a yellow alert this morning, raised to red this afternoon.
    let cfr = store::fonte(
        c.db,
        "cfr-toscana",
        "Centro funzionale regionale (demo)",
        fonti::tipo::CAP_API,
    )
    .await?;
    let mut chiavi: HashMap<&str, (String, String, String)> = HashMap::new();
    for d in &dati.centro_funzionale {
        let riferimenti = d
            .aggiorna
            .iter()
            .map(|id| {
                chiavi
                    .get(id.as_str())
                    .cloned()
                    .ok_or_else(|| AppError::interno(format!("documento demo {id} mancante")))
            })
            .collect::<AppResult<Vec<_>>>()?;
        let doc = documento_cfr(t, d, riferimenti);
        chiavi.insert(&d.id, doc.avviso.chiave.clone());
        store::ingerisci(c.db, t, &cfr, &actor, &doc).await?;
    }

    // Alerts composed by the regional desk: each waits for a second person, but the
    // exercise, approved (recorded, never public).
    let operatori = fonti::fonte_operatori(c.db).await?;
    let operatore = "protezione.civile@piazza.demo";
    let actor_operatore = Actor {
        utente_id: crate::auth::store::find_by_email(c.db, operatore)
            .await?
            .map(|u| u.id),
        descrizione: operatore.into(),
    };
    let revisore = "segreteria@piazza.demo";
    let actor_revisore = Actor {
        utente_id: crate::auth::store::find_by_email(c.db, revisore)
            .await?
            .map(|u| u.id),
        descrizione: revisore.into(),
    };
    for k in &dati.composte {
        let n = super::model::NuovaAllerta {
            titolo: k.titolo.clone(),
            rischio: k.rischio.clone(),
            livello: k.livello,
            inizio: Utc::now() + Duration::hours(6),
            scadenza: Utc::now() + Duration::hours(30),
            comuni: comuni_di(t, &k.zone),
            area: k.zone.join(", "),
            descrizione: Some(k.descrizione.clone()),
            istruzioni: Some(k.istruzioni.clone()),
            esercitazione: k.esercitazione,
        };
        let doc = n.documento(&c.config.allerte.cap_mittente, Utc::now(), None);
        let a = store::componi(c.db, t, &operatori, &actor_operatore, &doc, |_, _| {
            "(composta nella demo)".into()
        })
        .await?;
        if k.esercitazione {
            store::decidi(c.db, &actor_revisore, a.id, store::Decisione::Approva).await?;
        }
    }

    // Notices of the comuni.
    for v in &dati.avvisi {
        let f = avvisi::AvvisoForm {
            comune: v.comune.clone(),
            tipo: v.tipo.clone(),
            titolo: v.titolo.clone(),
            testo: v.testo.clone(),
            lat: v.punto.map(|p| p.0.to_string()).unwrap_or_default(),
            lon: v.punto.map(|p| p.1.to_string()).unwrap_or_default(),
            ..Default::default()
        };
        let n = avvisi::valida(&f, t, Utc::now() - Duration::hours(1))
            .map_err(|e| AppError::interno(format!("avviso demo {}: {:?}", v.titolo, e.0)))?;
        avvisi::crea(c.db, &actor, &n).await?;
    }

    // Adoption and plans: two comuni in three adopted (from 2019 to 2023), plans approved
    // between 2010 and 2022, updated for half of them.
    let mut aderenti = 0;
    let uow = Lavoro::apri(c.db, &actor).await?;
    for (k, cm) in t.comuni.iter().enumerate() {
        let h = (k * 7919 + 13) % 100;
        let data =
            |y: i32, g: usize| NaiveDate::from_ymd_opt(y, 1 + (g % 12) as u32, 1 + (g % 27) as u32);
        let a = adesioni::Adesione {
            adesione: (h < 67).then(|| data(2019 + (h % 5) as i32, h)).flatten(),
            piano_approvato: data(2010 + (h % 13) as i32, h + 3),
            piano_aggiornato: (h % 2 == 0)
                .then(|| data(2023 + (h % 3) as i32, h + 5))
                .flatten(),
            piano_url: None,
        };
        aderenti += a.adesione.is_some() as usize;
        adesioni::salva_in(&uow, cm.id, &a).await?;
    }
    uow.conferma().await?;
    let iscritti = iscritti(c, t).await?;
    Ok(format!(
        "2 bollettini nazionali (2023), un'allerta rossa in vigore, 1 allerta in attesa di approvazione, {} avvisi, {aderenti} comuni aderenti, {iscritti} iscritti a Cittadino Informato",
        dati.avvisi.len()
    ))
}

/// Citizens' subscriptions for the adoption figures: e-mail and SMS (channels that stay
/// quiet when the demo has no SMTP server or SMS gateway), more in the bigger comuni, growing
/// over the last eighteen months. Addresses are on `example.org`; numbers are fictitious.
async fn iscritti(c: &DemoCtx<'_>, t: &crate::territorio::Territorio) -> AppResult<usize> {
    use piazza_alerts::canale;
    use piazza_alerts::outbox::iscrizione_stato;
    use piazza_db::entities::{consenso, iscrizione, iscrizione_comune};
    use sea_orm::{EntityTrait, Set};

    // Bulk inserts, not audited one by one (as every import).
    let uow = Lavoro::apri(c.db, &Actor::system("piazza demo")).await?;
    let consenso_id = consenso::Entity::insert(consenso::ActiveModel {
        sha256: Set(super::store::sha256(super::iscrizioni::CONSENSO)),
        testo: Set(super::iscrizioni::CONSENSO.into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec(&uow)
    .await?
    .last_insert_id;
    let ora = Utc::now();
    let mut n = 0usize;
    for (k, cm) in t.comuni.iter().enumerate() {
        // About one resident in 400 of the comuni that adopted the service early.
        let quanti = (cm.popolazione.unwrap_or(0) / 400).min(120) as usize + (k % 3);
        let mut righe = Vec::with_capacity(quanti);
        for j in 0..quanti {
            let h = (k * 7919 + j * 104_729) % 1000;
            let quando = ora - Duration::days(540 * (h as i64) / 1000 + 1);
            let sms = h % 5 == 0;
            righe.push(iscrizione::ActiveModel {
                canale: Set(if sms { canale::SMS } else { canale::EMAIL }.into()),
                indirizzo: Set(if sms {
                    format!("+39333{:07}", n)
                } else {
                    format!("iscritto{n}@example.org")
                }),
                p256dh: Set(None),
                auth: Set(None),
                soglia: Set(1 + (h % 3) as i32),
                rischi: Set(super::iscrizioni::tutti_i_rischi()),
                fine_allerta: Set(h % 2 == 0),
                tester: Set(false),
                stato: Set(iscrizione_stato::ATTIVA.into()),
                consenso_id: Set(consenso_id),
                consenso_at: Set(quando),
                confermata_at: Set(Some(quando)),
                created_at: Set(quando),
                ..Default::default()
            });
            n += 1;
        }
        if righe.is_empty() {
            continue;
        }
        let ids: Vec<i64> = iscrizione::Entity::insert_many(righe)
            .exec_with_returning(&uow)
            .await?
            .into_iter()
            .map(|i| i.id)
            .collect();
        iscrizione_comune::Entity::insert_many(ids.into_iter().map(|id| {
            iscrizione_comune::ActiveModel {
                iscrizione_id: Set(id),
                comune_id: Set(cm.id),
                ..Default::default()
            }
        }))
        .exec_without_returning(&uow)
        .await?;
    }
    uow.conferma().await?;
    Ok(n)
}
