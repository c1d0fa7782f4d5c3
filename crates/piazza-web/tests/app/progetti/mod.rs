//! Progetti: the portfolio, its parts, exports and imports, deadlines, risk and budget.

mod budget;
mod crea;
mod importa;
mod parti;
mod rischio;
mod scadenze;

use chrono::NaiveDate;
use piazza_db::audit::Actor;
use piazza_db::entities::{progetto, programma};
use piazza_web::progetti::model::DatiProgetto;
use piazza_web::progetti::store::{self, NuovaParte};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::common::TestApp;

fn d(y: i32, m: u32, g: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, g).unwrap()
}

pub(crate) async fn programma(app: &TestApp, codice: &str) -> programma::Model {
    programma::Entity::find()
        .filter(programma::Column::Codice.eq(codice))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("programme {codice} in the seeded catalogue"))
}

pub(crate) fn dati(
    codice: &str,
    acronimo: &str,
    programma_id: i64,
    inizio: NaiveDate,
    fine: NaiveDate,
) -> DatiProgetto {
    DatiProgetto {
        codice: codice.into(),
        acronimo: acronimo.into(),
        titolo: format!("Progetto {acronimo}"),
        descrizione: None,
        tipo: "europeo".into(),
        programma_id,
        bando_rif: None,
        ruolo: "capofila".into(),
        data_inizio: Some(inizio),
        data_fine: Some(fine),
        stato: "in_corso".into(),
        budget_totale: 10_000_000,
        quota_associazione: 4_000_000,
        cofinanziamento_bp: Some(8500),
        dipende_regione: false,
        responsabile_id: None,
    }
}

/// A project in `comune` (ISTAT code).
async fn progetto_in(app: &TestApp, d: DatiProgetto, comune: &str) -> progetto::Model {
    let p = store::crea(&app.db, &Actor::system("test"), &d, None)
        .await
        .unwrap();
    let c = app.state.territorio.get().comune(comune).unwrap().id;
    store::aggiungi_parte(
        &app.db,
        &Actor::system("test"),
        &p,
        NuovaParte::Comune { comune_id: c },
    )
    .await
    .unwrap();
    p
}

async fn g_id(app: &TestApp) -> i64 {
    programma(app, "URBACT").await.id
}
