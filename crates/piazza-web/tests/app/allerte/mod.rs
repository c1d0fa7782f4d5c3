//! Allerte (Cittadino Informato, part 1): one file per part — `lettura` (bulletins and CAP
//! documents read), `stato` (the state stored), `sala` (composing and approving), `feed` (the CAP
//! feeds), `fonti` (the CAP API, geocode mappings), `comuni` (notices and plans), `poller`
//! (polling feeds and the bulletin); here the helpers they share.

mod comuni;
mod feed;
mod fonti;
mod lettura;
mod nodi;
mod poller;
mod sala;
mod stato;

use chrono::{DateTime, Utc};
use piazza_web::allerte::bollettino::{Livello, leggi_topojson};
use sea_orm::EntityTrait;

use axum::http::StatusCode;

use crate::common::{Role, TestApp, data_file};

fn topojson(nome: &str) -> Vec<piazza_web::allerte::bollettino::ZonaBollettino> {
    leggi_topojson(&String::from_utf8(data_file(&format!("dpc-bollettini/{nome}"))).unwrap())
        .unwrap()
}

fn livello(v: &[(&str, Livello)], rischio: &str) -> Livello {
    v.iter().find(|(r, _)| *r == rischio).unwrap().1
}

fn cap(nome: &str) -> piazza_cap::Alert {
    let xml = std::fs::read_to_string(format!(
        "{}/../piazza-cap/tests/documenti/{nome}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    piazza_cap::validate_xml(&xml).unwrap()
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn livello_al(
    s: &piazza_web::allerte::store::Stato,
    terr: &piazza_web::territorio::Territorio,
    comune: &str,
    rischio: &str,
) -> Livello {
    let id = terr.comune(comune).unwrap().id;
    s.get(&id)
        .and_then(|m| m.get(rischio).copied())
        .unwrap_or(Livello::Verde)
}

fn contati(s: &piazza_web::allerte::store::Stato, rischio: &str, l: Livello) -> usize {
    s.values().filter(|m| m.get(rischio) == Some(&l)).count()
}

fn id_da(r: &crate::common::Resp) -> i64 {
    r.location().rsplit('/').next().unwrap().parse().unwrap()
}

async fn json_stato(app: &TestApp, q: &str) -> serde_json::Value {
    let r = app.get(Role::Anon, &format!("/allerte.json{q}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    serde_json::from_str(&r.text()).unwrap()
}

fn livello_json(v: &serde_json::Value, istat: &str, rischio: &str) -> String {
    v["comuni"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["istat"] == istat)
        .unwrap()["rischi"][rischio]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn store_vuoto(app: &TestApp) -> bool {
    piazza_db::entities::allerta::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .is_empty()
}
