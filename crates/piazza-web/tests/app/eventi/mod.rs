//! Eventi and the registration core: seats under concurrency, the waitlist and its offers with
//! e-mails to a real SMTP server on loopback, the door, certificates read back by a PDF reader,
//! bad input and the denials; quotas, the survey, badges and the links to the plan (`dopo`).

mod dopo;
mod porta;
mod posti;

use chrono::{DateTime, Duration, Utc};
use piazza_db::audit::Actor;
use piazza_db::entities::{offerta, registrazione};
use piazza_db::lavoro::Lavoro;
use piazza_web::eventi::model::NuovoEvento;
use piazza_web::eventi::store;
use piazza_web::registrazioni::messaggi::Avvisi;
use piazza_web::registrazioni::model::NuovaRegistrazione;
use piazza_web::registrazioni::store as reg;
use piazza_web::registrazioni::store::NuovaSessione;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::common::TestApp;

/// A published event with `capienza` seats and one session starting at `inizio` (2 hours).
pub async fn evento(
    app: &TestApp,
    capienza: i32,
    inizio: DateTime<Utc>,
) -> (String, offerta::Model) {
    let uow = Lavoro::apri(&app.db, &Actor::system("test")).await.unwrap();
    let e = store::crea(
        &uow,
        NuovoEvento {
            titolo: "Convegno sui piccoli comuni".into(),
            tipo: "convegno".into(),
            descrizione: "Prova".into(),
            comune_id: None,
            indirizzo: None,
            link_online: Some("https://webinar.example.org/x".into()),
            relatori: None,
            sessioni: vec![NuovaSessione {
                titolo: "Plenaria".into(),
                inizio,
                fine: inizio + Duration::hours(2),
                luogo: None,
                capienza: None,
            }],
            capienza,
            idoneita: "tutti".into(),
            approvazione: false,
            quota_comune: None,
            quote_tipo: Default::default(),
            ore_offerta: 48,
            apre_at: None,
            chiude_at: None,
            domande: Vec::new(),
            stato: "pubblicato".into(),
            patrocinio: false,
            progetto: None,
        },
        None,
        Utc::now(),
    )
    .await
    .unwrap();
    uow.conferma().await.unwrap();
    let o = reg::offerta(&app.db, e.offerta_id).await.unwrap().unwrap();
    (e.public_id, o)
}

pub fn persona(i: usize) -> NuovaRegistrazione {
    NuovaRegistrazione {
        nome: format!("Nome{i}"),
        cognome: format!("Cognome{i}"),
        email: format!("persona{i}@example.org"),
        organizzazione: None,
        tipo_organizzazione: "cittadino".into(),
        comune_id: None,
        ruolo: None,
        risposte: Vec::new(),
        sessioni: Vec::new(),
    }
}

/// Registers `n` people (waiting for their e-mail confirmation); their ids in order.
pub async fn registra(app: &TestApp, o: &offerta::Model, da: usize, n: usize) -> Vec<i64> {
    let avvisi = Avvisi::da(&app.state);
    let mut ids = Vec::new();
    for i in da..da + n {
        let uow = Lavoro::apri(&app.db, &Actor::system("test")).await.unwrap();
        let (r, _) = reg::registra(&uow, o, persona(i), false, &avvisi, Utc::now())
            .await
            .unwrap();
        uow.conferma().await.unwrap();
        ids.push(r.id);
    }
    ids
}

pub async fn registrazioni(app: &TestApp, offerta_id: i64) -> Vec<registrazione::Model> {
    registrazione::Entity::find()
        .filter(registrazione::Column::OffertaId.eq(offerta_id))
        .all(&app.db)
        .await
        .unwrap()
}

pub fn gettone(app: &TestApp, id: i64) -> String {
    Avvisi::da(&app.state).gettone(id)
}
