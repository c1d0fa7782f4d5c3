//! The generated volume of `Scale::Large`.

use chrono::Utc;
use piazza_db::entities::{progetto, progetto_comune, progetto_scadenza, programma};
use piazza_db::lavoro::Lavoro;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use super::{d, mesi};
use crate::demo::DemoCtx;
use crate::kit::error::AppResult;

/// Volume for the benchmarks: 5,000 projects with 10 milestones/deliverables each, spread over
/// 2015–2030, 1–3 comuni each.
pub(super) async fn genera(c: &DemoCtx<'_>) -> AppResult<(usize, usize)> {
    const N: usize = 5_000;
    const PER_PROGETTO: usize = 10;
    let now = Utc::now();
    let programmi: Vec<programma::Model> = programma::Entity::find().all(c.db).await?;
    let comuni: Vec<i64> = c.territorio.comuni.iter().map(|x| x.id).collect();
    let stati = [
        "in_corso",
        "approvato",
        "concluso",
        "rendicontato",
        "presentato",
        "chiuso",
    ];
    // Written as today, without audit rows: the demo is loaded into an empty database.
    let uow = Lavoro::apri(c.db, &c.actor).await?;
    let mut batch = Vec::new();
    for i in 0..N {
        let g = &programmi[i % programmi.len()];
        let inizio = d(2015 + (i % 16) as i32, (i % 12) as u32 + 1, 1);
        let fine = mesi(inizio, 12 + (i % 37) as u32);
        batch.push(progetto::ActiveModel {
            public_id: Set(piazza_db::new_public_id()),
            codice: Set(format!("GEN-{i:05}")),
            acronimo: Set(format!("GEN{i}")),
            titolo: Set(format!("Progetto generato numero {i}")),
            titolo_norm: Set(format!("progetto generato numero {i}")),
            descrizione: Set(None),
            tipo: Set(g.tipo.clone()),
            programma_id: Set(g.id),
            bando_rif: Set(None),
            ruolo: Set(if i % 3 == 0 { "capofila" } else { "partner" }.into()),
            data_inizio: Set(Some(inizio)),
            data_fine: Set(Some(fine)),
            stato: Set(stati[i % stati.len()].into()),
            budget_totale: Set(((i % 50) as i64 + 1) * 10_000_000),
            quota_associazione: Set(((i % 50) as i64 + 1) * 1_500_000),
            cofinanziamento_bp: Set(Some(8500)),
            dipende_regione: Set(i % 5 == 0),
            responsabile_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        if batch.len() == 500 {
            progetto::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(&uow)
                .await?;
        }
    }
    if !batch.is_empty() {
        progetto::Entity::insert_many(batch)
            .exec_without_returning(&uow)
            .await?;
    }
    let generati = progetto::Entity::find()
        .filter(progetto::Column::Codice.starts_with("GEN-"))
        .all(&uow)
        .await?;
    let mut scadenze = Vec::new();
    let mut legami = Vec::new();
    let mut m = 0;
    for (i, p) in generati.iter().enumerate() {
        let inizio = p.data_inizio.expect("generated dates");
        let fine = p.data_fine.expect("generated dates");
        let giorni = (fine - inizio).num_days().max(1);
        for k in 0..PER_PROGETTO {
            let data =
                inizio + chrono::Duration::days(giorni * (k as i64 + 1) / PER_PROGETTO as i64);
            scadenze.push(progetto_scadenza::ActiveModel {
                progetto_id: Set(p.id),
                wp_id: Set(None),
                tipo: Set(if k % 2 == 0 {
                    "milestone"
                } else {
                    "deliverable"
                }
                .into()),
                codice: Set(format!("{}{}", if k % 2 == 0 { "M" } else { "D" }, k + 1)),
                titolo: Set(format!("Scadenza {}", k + 1)),
                scadenza: Set(data),
                stato: Set("prevista".into()),
                completata_il: Set(None),
                ..Default::default()
            });
            m += 1;
        }
        for k in 0..(1 + i % 3) {
            legami.push(progetto_comune::ActiveModel {
                progetto_id: Set(p.id),
                comune_id: Set(comuni[(i * 7 + k * 31) % comuni.len()]),
                ..Default::default()
            });
        }
        if scadenze.len() >= 1_000 {
            progetto_scadenza::Entity::insert_many(std::mem::take(&mut scadenze))
                .exec_without_returning(&uow)
                .await?;
        }
        if legami.len() >= 1_000 {
            progetto_comune::Entity::insert_many(std::mem::take(&mut legami))
                .exec_without_returning(&uow)
                .await?;
        }
    }
    if !scadenze.is_empty() {
        progetto_scadenza::Entity::insert_many(scadenze)
            .exec_without_returning(&uow)
            .await?;
    }
    if !legami.is_empty() {
        progetto_comune::Entity::insert_many(legami)
            .exec_without_returning(&uow)
            .await?;
    }
    uow.conferma().await?;
    Ok((generati.len(), m))
}
