//! The work plan of a demo project, derived from its dates and the steps of
//! `data/demo/progetti.toml`.

use chrono::{Datelike, Months};
use piazza_db::entities::{progetto, progetto_periodo, progetto_scadenza, progetto_wp};
use piazza_db::lavoro::Lavoro;
use sea_orm::{ActiveModelTrait, Set};

use super::dati::Ufficio;
use super::{mesi, rif};
use crate::kit::error::AppResult;

/// The work plan of a project: work packages, milestones, deliverables, reporting periods.
pub(super) async fn piano_di_lavoro(
    uow: &Lavoro,
    dati: &Ufficio,
    p: &progetto::Model,
    europeo: bool,
    i: usize,
) -> AppResult<()> {
    let (Some(inizio), Some(fine)) = (p.data_inizio, p.data_fine) else {
        return Ok(());
    };
    let durata = ((fine.year() - inizio.year()) * 12 + fine.month() as i32 - inizio.month() as i32)
        .max(1) as u32;
    let r = rif();
    let n_wp = if europeo { 4 } else { 3 };
    let mut wp_ids = Vec::new();
    for (n, t) in dati.titoli_wp.iter().take(n_wp).enumerate() {
        let w = progetto_wp::ActiveModel {
            progetto_id: Set(p.id),
            numero: Set(n as i32 + 1),
            titolo: Set(t.clone()),
            data_inizio: Set(Some(inizio)),
            data_fine: Set(Some(fine)),
            stato: Set(if fine < r {
                "completato"
            } else if inizio <= r {
                "in_corso"
            } else {
                "da_avviare"
            }
            .into()),
            ..Default::default()
        }
        .insert(uow)
        .await?;
        wp_ids.push(w.id);
    }
    for (k, x) in dati.scadenze_wp.iter().enumerate() {
        // The last work package when the project has fewer.
        let wp = x.wp.min(wp_ids.len().saturating_sub(1));
        let scadenza = mesi(inizio, x.dopo(durata)).min(fine);
        // Most past deadlines are met; every seventh is late.
        let fatta = scadenza < r && (i + k) % 7 != 3;
        progetto_scadenza::ActiveModel {
            progetto_id: Set(p.id),
            wp_id: Set(wp_ids.get(wp).copied()),
            tipo: Set(x.tipo.clone()),
            codice: Set(x.codice.clone()),
            titolo: Set(x.titolo.clone()),
            scadenza: Set(scadenza),
            stato: Set(if fatta { "completata" } else { "prevista" }.into()),
            completata_il: Set(fatta.then_some(scadenza)),
            ..Default::default()
        }
        .insert(uow)
        .await?;
    }
    let passo = if europeo { 12 } else { 6 };
    let mut dal = inizio;
    let mut numero = 1;
    while dal <= fine {
        let al = mesi(dal, passo).pred_opt().unwrap_or(dal).min(fine);
        let scadenza = al.checked_add_days(chrono::Days::new(60)).unwrap_or(al);
        let giorni_tot = (fine - inizio).num_days().max(1);
        let quota = p.quota_associazione * ((al - dal).num_days() + 1) / giorni_tot;
        let (stato, richiesto, ricevuto) =
            if scadenza < r.checked_sub_months(Months::new(4)).unwrap_or(r) {
                ("liquidato", Some(quota), Some(quota * 95 / 100))
            } else if scadenza < r {
                ("presentato", Some(quota), None)
            } else {
                ("da_presentare", None, None)
            };
        progetto_periodo::ActiveModel {
            progetto_id: Set(p.id),
            numero: Set(numero),
            dal: Set(dal),
            al: Set(al),
            scadenza: Set(scadenza),
            richiesto: Set(richiesto),
            ricevuto: Set(ricevuto),
            stato: Set(stato.into()),
            ..Default::default()
        }
        .insert(uow)
        .await?;
        numero += 1;
        dal = al.succ_opt().unwrap_or(al);
        if al == fine {
            break;
        }
    }
    Ok(())
}
