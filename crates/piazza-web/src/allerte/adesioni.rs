//! Each comune's adoption of the alert service and its civil-protection plan (approval and
//! last update, link), with the plans not updated for `anni_aggiornamento_piano` years
//! flagged, and the comune's civil-protection editors (its referenti in Piazza).

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Utc};
use piazza_db::audit::Actor;
use piazza_db::entities::{protezione_civile_comune as pcc, utente, utente_ruolo};
use piazza_db::lavoro::Lavoro;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, Set};

use crate::kit::error::AppResult;
use crate::kit::view::FormErrors;

/// A plan is out of date when its last update (or its approval) is older than `anni` years, or
/// unknown.
pub fn piano_da_aggiornare(p: Option<&pcc::Model>, oggi: NaiveDate, anni: i32) -> bool {
    let Some(ultimo) = p.and_then(|p| p.piano_aggiornato.or(p.piano_approvato)) else {
        return true;
    };
    let soglia = NaiveDate::from_ymd_opt(oggi.year() - anni, oggi.month(), oggi.day().min(28))
        .unwrap_or(oggi);
    ultimo < soglia
}

pub async fn tutte(db: &DatabaseConnection) -> AppResult<HashMap<i64, pcc::Model>> {
    Ok(pcc::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.comune_id, p))
        .collect())
}

/// The names of the referenti of each comune (its civil-protection editors).
pub async fn editori(db: &DatabaseConnection) -> AppResult<HashMap<i64, Vec<String>>> {
    let ruoli = utente_ruolo::Entity::find()
        .filter(utente_ruolo::Column::Ruolo.eq("referente"))
        .all(db)
        .await?;
    let utenti: HashMap<i64, utente::Model> = utente::Entity::find()
        .filter(utente::Column::Attivo.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for r in ruoli {
        if let (Some(c), Some(u)) = (r.comune_id, utenti.get(&r.utente_id)) {
            out.entry(c).or_default().push(u.nome.clone());
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AdesioneForm {
    pub adesione: String,
    pub piano_approvato: String,
    pub piano_aggiornato: String,
    pub piano_url: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Adesione {
    pub adesione: Option<NaiveDate>,
    pub piano_approvato: Option<NaiveDate>,
    pub piano_aggiornato: Option<NaiveDate>,
    pub piano_url: Option<String>,
}

pub fn valida(f: &AdesioneForm, oggi: NaiveDate) -> Result<Adesione, FormErrors> {
    let mut e = FormErrors::default();
    let adesione = e.date("adesione", &f.adesione);
    let approvato = e.date("piano_approvato", &f.piano_approvato);
    let aggiornato = e.date("piano_aggiornato", &f.piano_aggiornato);
    for (campo, d) in [
        ("adesione", adesione),
        ("piano_approvato", approvato),
        ("piano_aggiornato", aggiornato),
    ] {
        if d.is_some_and(|d| d > oggi) {
            e.add(campo, "La data non può essere nel futuro.");
        }
    }
    if let (Some(a), Some(u)) = (approvato, aggiornato)
        && u < a
    {
        e.add(
            "piano_aggiornato",
            "L'aggiornamento non può precedere l'approvazione.",
        );
    }
    let url = f.piano_url.trim();
    if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
        e.add(
            "piano_url",
            "Il collegamento deve iniziare con https:// o http://.",
        );
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(Adesione {
        adesione,
        piano_approvato: approvato,
        piano_aggiornato: aggiornato,
        piano_url: (!url.is_empty()).then(|| url.to_owned()),
    })
}

/// Saves a comune's adoption and plan (one row per comune), audited.
pub async fn salva(
    db: &DatabaseConnection,
    actor: &Actor,
    comune_id: i64,
    a: &Adesione,
) -> AppResult<pcc::Model> {
    let uow = Lavoro::apri(db, actor).await?;
    let dopo = salva_in(&uow, comune_id, a).await?;
    uow.conferma().await?;
    Ok(dopo)
}

/// [`salva`] in a unit of work (the demo saves every comune in one).
pub async fn salva_in(uow: &Lavoro, comune_id: i64, a: &Adesione) -> AppResult<pcc::Model> {
    let prima = pcc::Entity::find()
        .filter(pcc::Column::ComuneId.eq(comune_id))
        .one(uow)
        .await?;
    let mut am = match prima.clone() {
        Some(p) => p.into_active_model(),
        None => pcc::ActiveModel {
            comune_id: Set(comune_id),
            ..Default::default()
        },
    };
    am.adesione = Set(a.adesione);
    am.piano_approvato = Set(a.piano_approvato);
    am.piano_aggiornato = Set(a.piano_aggiornato);
    am.piano_url = Set(a.piano_url.clone());
    am.updated_at = Set(Utc::now());
    Ok(match &prima {
        Some(p) => uow.aggiorna_come("aggiorna", p, am).await?,
        None => uow.inserisci(am).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_is_out_of_date_after_n_years_or_when_unknown() {
        let oggi = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let d = |y, m, g| NaiveDate::from_ymd_opt(y, m, g);
        let p = |approvato, aggiornato| pcc::Model {
            id: 1,
            comune_id: 1,
            adesione: None,
            piano_approvato: approvato,
            piano_aggiornato: aggiornato,
            piano_url: None,
            updated_at: Utc::now(),
        };
        assert!(piano_da_aggiornare(None, oggi, 3));
        assert!(piano_da_aggiornare(Some(&p(None, None)), oggi, 3));
        assert!(piano_da_aggiornare(Some(&p(d(2020, 1, 1), None)), oggi, 3));
        assert!(!piano_da_aggiornare(
            Some(&p(d(2020, 1, 1), d(2024, 5, 1))),
            oggi,
            3
        ));
        assert!(!piano_da_aggiornare(
            Some(&p(d(2023, 12, 1), None)),
            oggi,
            3
        ));
        assert!(piano_da_aggiornare(Some(&p(d(2023, 11, 1), None)), oggi, 3));
    }

    #[test]
    fn the_form_refuses_future_dates_and_bad_links() {
        let oggi = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let e = valida(
            &AdesioneForm {
                adesione: "01/01/2030".into(),
                piano_approvato: "10/10/2020".into(),
                piano_aggiornato: "01/01/2019".into(),
                piano_url: "ftp://x".into(),
            },
            oggi,
        )
        .unwrap_err();
        assert_eq!(e.len(), 3);
        assert!(e.has("adesione") && e.has("piano_aggiornato") && e.has("piano_url"));
        let ok = valida(
            &AdesioneForm {
                adesione: "15/03/2021".into(),
                piano_url: "https://comune.example/piano".into(),
                ..Default::default()
            },
            oggi,
        )
        .unwrap();
        assert_eq!(ok.adesione, d(2021, 3, 15));
        fn d(y: i32, m: u32, g: u32) -> Option<NaiveDate> {
            NaiveDate::from_ymd_opt(y, m, g)
        }
    }
}
