//! Cittadino Informato, part 2: subscriptions and delivery, end to end against real peers on
//! loopback (`pari`): an SMTP server, a push service that decrypts, Telegram and SMS peers.
//!
//! One file per part: `email` (double opt-in, delivery, one-click unsubscribe), `email_smtp`
//! (the SMTP client against the test server), `push` (web push end to end), `canali` (Telegram
//! and SMS), `rifiuti` (bad input, rate limit), `staff` (the sending page and `/metrics`);
//! here the helpers they share (also used by `ostile`).

mod canali;
mod email;
mod email_smtp;
mod push;
mod rifiuti;
mod staff;

use std::sync::Arc;

use chrono::Utc;
use piazza_alerts::motore::Motore;
use piazza_db::audit::Actor;
use piazza_web::allerte::bollettino::Livello;
use piazza_web::allerte::model::NuovaAllerta;
use piazza_web::allerte::{fonti, notifiche, store};

use crate::common::TestApp;

/// An alert from the operators' source, public at once (or an exercise, never public).
pub(crate) async fn allerta(
    app: &TestApp,
    rischio: &str,
    livello: Livello,
    comuni: &[&str],
    esercitazione: bool,
) -> i64 {
    let t = app.state.territorio.get();
    let ora = Utc::now();
    let n = NuovaAllerta {
        titolo: format!("Allerta {rischio} di prova"),
        rischio: rischio.into(),
        livello,
        inizio: ora - chrono::Duration::minutes(1),
        scadenza: ora + chrono::Duration::hours(6),
        comuni: comuni.iter().map(|c| (*c).to_owned()).collect(),
        area: "prova".into(),
        descrizione: None,
        istruzioni: None,
        esercitazione,
    };
    let doc = n.documento("prova@piazza.test", ora, None);
    let fonte = fonti::fonte_operatori(&app.db).await.unwrap();
    store::ingerisci(&app.db, &t, &fonte, &Actor::system("test"), &doc)
        .await
        .unwrap()
        .1
        .unwrap()
}

pub(crate) fn motore(app: &TestApp) -> Arc<Motore> {
    Arc::new(app.state.motore().unwrap())
}

/// The notifier's pass, then everything due sent.
pub(crate) async fn invia(app: &TestApp, m: &Arc<Motore>) -> usize {
    notifiche::passo(&app.state).await.unwrap();
    m.svuota().await.unwrap()
}

async fn stati(app: &TestApp) -> Vec<String> {
    use piazza_db::entities::invio;
    use sea_orm::{EntityTrait, QueryOrder};
    invio::Entity::find()
        .order_by_asc(invio::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| format!("{}:{}", i.canale, i.stato))
        .collect()
}

fn percorso(url: &str) -> String {
    let i = url.find("/allerte/").expect("a Piazza link");
    url[i..].to_owned()
}
