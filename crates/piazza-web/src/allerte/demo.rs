//! Demo alerts, written for the demo (not real alerts), live around the moment the demo is
//! loaded: a hydraulic red alert on the Serchio with orange and yellow around it (an update
//! of an earlier yellow one, so the history shows both), an exercise, an alert composed by the
//! regional desk and waiting for the second person's approval; the two real national
//! bulletins of November 2023 in the history; notices of some comuni; the adoption of the
//! service and the plans of the comuni.

use chrono::{Duration, NaiveDate, Utc};
use piazza_db::audit::Actor;
use piazza_db::lavoro::Lavoro;

use super::bollettino::{self, Livello};
use super::registro::{Avviso, Tipo, Voce};
use super::store::{self, Documento};
use super::{adesioni, avvisi, fonti};
use crate::demo::DemoCtx;
use crate::kit::error::AppResult;
use crate::territorio::Territorio;

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

fn comuni_di(t: &Territorio, zone: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = zone
        .iter()
        .filter_map(|z| t.zona(z))
        .flat_map(|z| z.comuni.iter().map(|i| t.comuni[*i].codice_istat.clone()))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// A regional functional centre's alert (as its CAP API client would send it).
fn documento_cfr(
    t: &Territorio,
    id: &str,
    ore_fa: i64,
    riferimenti: Vec<(String, String, String)>,
    voci: Vec<(&str, Livello, &[&str])>,
    titolo: &str,
    descrizione: &str,
) -> Documento {
    let ora = Utc::now();
    let inviato = ora - Duration::hours(ore_fa);
    let tipo = if riferimenti.is_empty() {
        Tipo::Alert
    } else {
        Tipo::Update
    };
    let voci: Vec<Voce> = voci
        .into_iter()
        .map(|(rischio, livello, zone)| Voce {
            rischio: rischio.into(),
            livello,
            comuni: comuni_di(t, zone),
        })
        .collect();
    Documento {
        avviso: Avviso {
            chiave: (
                "cfr@regione.toscana.example".into(),
                id.into(),
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
        titolo: titolo.into(),
        descrizione: Some(descrizione.into()),
        istruzioni: Some(
            "Non sostare vicino a fiumi e torrenti, non scendere in cantine e sottopassi, \
             limita gli spostamenti e segui le indicazioni del tuo comune."
                .into(),
        ),
        area: Some("Toscana nord-occidentale".into()),
        comune_id: None,
        testo: format!("(documento dimostrativo {id})"),
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
        .map_err(|e| crate::kit::error::AppError::interno(format!("bollettino demo: {e}")))?;
    fonti::importa_bollettino(c.db, t, &actor, giorni).await?;

    // The regional centre: a yellow alert this morning, raised to red this afternoon.
    let cfr = store::fonte(
        c.db,
        "cfr-toscana",
        "Centro funzionale regionale (demo)",
        fonti::tipo::CAP_API,
    )
    .await?;
    let gialla = documento_cfr(
        t,
        "demo.cfr.0001",
        6,
        vec![],
        vec![("idraulico", Livello::Giallo, &["S1", "S2", "S3", "V"])],
        "Allerta gialla per rischio idraulico sul Serchio",
        "Piogge diffuse sul bacino del Serchio: possibili innalzamenti dei livelli dei corsi d'acqua minori.",
    );
    let chiave_gialla = gialla.avviso.chiave.clone();
    store::ingerisci(c.db, t, &cfr, &actor, &gialla).await?;
    let rossa = documento_cfr(
        t,
        "demo.cfr.0002",
        2,
        vec![chiave_gialla],
        vec![
            ("idraulico", Livello::Rosso, &["S2", "S3"]),
            ("idraulico", Livello::Arancione, &["S1", "V", "L"]),
            (
                "idrogeologico",
                Livello::Giallo,
                &["S1", "L", "V", "B", "A3"],
            ),
            ("vento", Livello::Giallo, &["I", "E2", "E3"]),
        ],
        "Allerta rossa per rischio idraulico su Serchio-Lucca e Serchio-Costa",
        "Le precipitazioni intense previste fino a domani mattina possono causare la piena del \
         Serchio e l'allagamento delle zone più basse; vento forte sulle isole e sulla costa.",
    );
    store::ingerisci(c.db, t, &cfr, &actor, &rossa).await?;

    // An alert composed by the regional desk, waiting for a second person.
    let operatori = fonti::fonte_operatori(c.db).await?;
    let componi = |titolo: &str, rischio: &str, livello: Livello, zone: &[&str], esercitazione| {
        super::model::NuovaAllerta {
            titolo: titolo.into(),
            rischio: rischio.into(),
            livello,
            inizio: Utc::now() + Duration::hours(6),
            scadenza: Utc::now() + Duration::hours(30),
            comuni: comuni_di(t, zone),
            area: zone.join(", "),
            descrizione: Some("Mareggiate sulle coste esposte a libeccio.".into()),
            istruzioni: Some("Non sostare su moli e scogliere.".into()),
            esercitazione,
        }
    };
    let autore = crate::auth::store::find_by_email(c.db, "protezione.civile@piazza.demo")
        .await?
        .map(|u| u.id);
    let actor_operatore = Actor {
        utente_id: autore,
        descrizione: "protezione.civile@piazza.demo".into(),
    };
    for (n, es) in [
        (
            componi(
                "Allerta arancione per mareggiate sulla costa",
                "mareggiate",
                Livello::Arancione,
                &["A6", "E2", "E3", "F2", "S3", "V"],
                false,
            ),
            false,
        ),
        (
            componi(
                "Esercitazione: neve sull'Appennino",
                "neve",
                Livello::Giallo,
                &["M", "R1", "R2"],
                true,
            ),
            true,
        ),
    ] {
        let doc = n.documento(&c.config.allerte.cap_mittente, Utc::now(), None);
        let a = store::componi(c.db, t, &operatori, &actor_operatore, &doc, |_, _| {
            "(composta nella demo)".into()
        })
        .await?;
        if es {
            // The exercise was approved by a second person: recorded, never public.
            let admin = crate::auth::store::find_by_email(c.db, "segreteria@piazza.demo")
                .await?
                .map(|u| u.id);
            store::decidi(
                c.db,
                &Actor {
                    utente_id: admin,
                    descrizione: "segreteria@piazza.demo".into(),
                },
                a.id,
                store::Decisione::Approva,
            )
            .await?;
        }
    }

    // Notices.
    /// Comune, kind, title, text, point.
    type Notizia = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        Option<(f64, f64)>,
    );
    let notizie: &[Notizia] = &[
        (
            "046017",
            "viabilita",
            "Chiusi i sottopassi di via Ingrillini e via Sant'Anna",
            "Chiusura preventiva per l'allerta rossa, fino a cessato allarme.",
            Some((43.8446, 10.4977)),
        ),
        (
            "046017",
            "aree_attesa",
            "Aree di attesa aperte",
            "Piazza Napoleone e il parcheggio del Palazzetto dello Sport sono presidiati dal volontariato.",
            Some((43.8415, 10.5027)),
        ),
        (
            "050026",
            "acqua",
            "Acqua non potabile a Marina di Pisa",
            "Per lavori sulla rete l'acqua non è potabile fino a domani alle 18.",
            None,
        ),
        (
            "048017",
            "scuole",
            "Scuole aperte regolarmente",
            "L'allerta non riguarda il territorio comunale: le scuole restano aperte.",
            None,
        ),
    ];
    for (codice, tipo, titolo, testo, punto) in notizie {
        let f = avvisi::AvvisoForm {
            comune: (*codice).into(),
            tipo: (*tipo).into(),
            titolo: (*titolo).into(),
            testo: (*testo).into(),
            lat: punto.map(|p| p.0.to_string()).unwrap_or_default(),
            lon: punto.map(|p| p.1.to_string()).unwrap_or_default(),
            ..Default::default()
        };
        let n = avvisi::valida(&f, t, Utc::now() - Duration::hours(1))
            .map_err(|e| crate::kit::error::AppError::interno(format!("{:?}", e.0)))?;
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
        notizie.len()
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
