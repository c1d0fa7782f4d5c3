//! Demo projects, written for the demo (not real projects): the portfolio as it stood in the
//! autumn of 2020, the year of the demo plan, so that the end of the X regional legislature
//! (21/09/2020, in Piano's demo calendar) puts some of them at risk. `Scale::Large` adds
//! thousands of generated projects and tens of thousands of milestones for the benchmarks.
//! The data are in `data/demo/progetti*.toml` (read by [`dati`]); this module links them.

mod dati;
mod genera;
mod piano_di_lavoro;

use genera::genera;
use piano_di_lavoro::piano_di_lavoro;

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate, Utc};
use piazza_db::entities::{
    bando, obiettivo, organizzazione, persona, progetto, progetto_comune, progetto_continuita,
    progetto_partner, progetto_staff, programma, proposta,
};
use piazza_db::lavoro::Lavoro;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::demo::{DemoCtx, Scale};
use crate::kit::error::{AppError, AppResult};
use crate::kit::text::normalize;

/// The demo's "today" for states: what was done by then is done.
const RIFERIMENTO: (i32, u32, u32) = (2020, 9, 1);

fn d(y: i32, m: u32, g: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, g).expect("a valid demo date")
}

fn rif() -> NaiveDate {
    d(RIFERIMENTO.0, RIFERIMENTO.1, RIFERIMENTO.2)
}

/// The state on the reference date, from the dates.
fn stato_da_date(inizio: NaiveDate, fine: NaiveDate) -> &'static str {
    let r = rif();
    if fine < r.checked_sub_months(Months::new(6)).unwrap_or(r) {
        "rendicontato"
    } else if fine < r {
        "concluso"
    } else if inizio > r {
        "approvato"
    } else {
        "in_corso"
    }
}

fn mesi(da: NaiveDate, n: u32) -> NaiveDate {
    da.checked_add_months(Months::new(n)).unwrap_or(da)
}

pub async fn carica(c: &DemoCtx<'_>) -> AppResult<String> {
    let (dati, europei, regionali) = dati::carica()?;
    let now = Utc::now();
    // Written as today, without audit rows: the demo is loaded into an empty database.
    let uow = Lavoro::apri(c.db, &c.actor).await?;
    let programmi: HashMap<String, programma::Model> = programma::Entity::find()
        .all(&uow)
        .await?
        .into_iter()
        .map(|g| (g.codice.clone(), g))
        .collect();
    let programma = |codice: &str| {
        programmi
            .get(codice)
            .ok_or_else(|| AppError::interno(format!("programma demo {codice} mancante")))
    };
    let mut ufficio = Vec::new();
    for x in &dati.ufficio {
        let (nome, cognome) = (&x.nome, &x.cognome);
        let p = persona::ActiveModel {
            public_id: Set(piazza_db::new_public_id()),
            nome: Set(nome.clone()),
            cognome: Set(cognome.clone()),
            nome_norm: Set(normalize(&format!("{cognome} {nome}"))),
            categorie: Set("staff".into()),
            qualifica: Set(Some(x.qualifica.clone())),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&uow)
        .await?;
        ufficio.push(p.id);
    }
    let mut staff: Vec<i64> = persona::Entity::find()
        .filter(persona::Column::Categorie.contains("staff"))
        .order_by_asc(persona::Column::Id)
        .all(&uow)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    staff.retain(|id| !ufficio.contains(id));
    // Partner organisations by name: their id and country.
    let mut partner: HashMap<&str, (i64, &str)> = HashMap::new();
    for x in &dati.partner {
        let o = organizzazione::ActiveModel {
            public_id: Set(piazza_db::new_public_id()),
            nome: Set(x.nome.clone()),
            nome_norm: Set(normalize(&x.nome)),
            tipo: Set(x.tipo.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&uow)
        .await?;
        partner.insert(x.nome.as_str(), (o.id, x.paese.as_str()));
    }
    let ruoli = &dati.ruoli_staff;
    let mut creati: Vec<(progetto::Model, bool)> = Vec::new();
    for (europeo, elenco) in [(true, &europei), (false, &regionali)] {
        for (i, x) in elenco.iter().enumerate() {
            let g = programma(&x.programma)?;
            let inizio = x.inizio;
            let durata = x.mesi;
            let fine = mesi(inizio, durata).pred_opt().expect("a day");
            let stato = x
                .stato
                .as_deref()
                .unwrap_or_else(|| stato_da_date(inizio, fine));
            let tipo = match g.tipo.as_str() {
                "europeo" => "europeo",
                "nazionale" => "nazionale",
                _ => "regionale",
            };
            let (budget, quota) = (x.budget_euro, x.quota_euro);
            let responsabile = ufficio[(i + usize::from(!europeo) * 3) % ufficio.len()];
            let p = progetto::ActiveModel {
                public_id: Set(piazza_db::new_public_id()),
                codice: Set(x.codice.clone()),
                acronimo: Set(x.acronimo.clone()),
                titolo_norm: Set(normalize(&x.titolo)),
                titolo: Set(x.titolo.clone()),
                descrizione: Set(Some(format!(
                    "{}. Progetto dimostrativo {} sul programma {}.",
                    x.titolo,
                    if x.ruolo == "capofila" {
                        "guidato dall'associazione"
                    } else {
                        "con l'associazione tra i partner"
                    },
                    g.nome
                ))),
                tipo: Set(tipo.into()),
                programma_id: Set(g.id),
                bando_rif: Set(Some(format!("Avviso {}/{}", i % 4 + 1, inizio.year() - 1))),
                ruolo: Set(x.ruolo.clone()),
                data_inizio: Set(Some(inizio)),
                data_fine: Set(Some(fine)),
                stato: Set(stato.into()),
                budget_totale: Set(budget * 100),
                quota_associazione: Set(quota * 100),
                cofinanziamento_bp: Set(x.cofinanziamento_percento.map(|c| c * 100)),
                // EU projects co-financed by the Region for the national share.
                dipende_regione: Set(europeo && i % 6 == 5),
                responsabile_id: Set(Some(responsabile)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&uow)
            .await?;
            let t = c.territorio;
            for istat in &x.comuni {
                let cm = t
                    .comune(istat)
                    .ok_or_else(|| AppError::interno(format!("comune demo {istat} mancante")))?;
                progetto_comune::ActiveModel {
                    progetto_id: Set(p.id),
                    comune_id: Set(cm.id),
                    ..Default::default()
                }
                .insert(&uow)
                .await?;
            }
            let n_partner = x.partner.len() as i64 + 1;
            for (k, nome) in x.partner.iter().enumerate() {
                let (organizzazione_id, paese) = *partner
                    .get(nome.as_str())
                    .ok_or_else(|| AppError::interno(format!("partner demo {nome} mancante")))?;
                progetto_partner::ActiveModel {
                    progetto_id: Set(p.id),
                    organizzazione_id: Set(organizzazione_id),
                    paese: Set(paese.into()),
                    ruolo: Set(if x.ruolo == "partner" && k == 0 {
                        "capofila"
                    } else {
                        "partner"
                    }
                    .into()),
                    quota: Set((budget - quota) * 100 / n_partner),
                    ..Default::default()
                }
                .insert(&uow)
                .await?;
            }
            progetto_staff::ActiveModel {
                progetto_id: Set(p.id),
                persona_id: Set(responsabile),
                ruolo: Set(Some(ruoli.responsabile.clone())),
                mesi_persona: Set(f64::from(durata) / 4.0),
                ..Default::default()
            }
            .insert(&uow)
            .await?;
            let aiuto = ufficio[(i + 1) % ufficio.len()];
            if aiuto != responsabile {
                progetto_staff::ActiveModel {
                    progetto_id: Set(p.id),
                    persona_id: Set(aiuto),
                    ruolo: Set(Some(ruoli.rendicontazione.clone())),
                    mesi_persona: Set(f64::from(durata) / 8.0),
                    ..Default::default()
                }
                .insert(&uow)
                .await?;
            }
            if let Some(s) = staff.get(i % staff.len().max(1)).filter(|_| i % 3 == 0) {
                progetto_staff::ActiveModel {
                    progetto_id: Set(p.id),
                    persona_id: Set(*s),
                    ruolo: Set(Some(ruoli.supporto.clone())),
                    mesi_persona: Set(2.0),
                    ..Default::default()
                }
                .insert(&uow)
                .await?;
            }
            if !matches!(
                stato,
                "idea" | "in_preparazione" | "presentato" | "respinto"
            ) {
                piano_di_lavoro(&uow, &dati, &p, europeo, i).await?;
            }
            creati.push((p, europeo));
        }
    }
    // Continuity plans for some projects that the end of the legislature puts at risk.
    let azioni = &dati.azioni_continuita;
    let mut piani = 0;
    for (p, europeo) in &creati {
        let fine = p.data_fine.expect("demo dates");
        let attraversa =
            p.data_inizio.is_some_and(|i| i <= d(2020, 9, 21)) && fine > d(2020, 9, 21);
        if !*europeo
            && attraversa
            && matches!(p.stato.as_str(), "in_corso" | "approvato")
            && piani < 8
        {
            for k in 0..=(piani % 2) {
                progetto_continuita::ActiveModel {
                    progetto_id: Set(p.id),
                    azione: Set(azioni[(piani + k) % azioni.len()].clone()),
                    responsabile_id: Set(Some(ufficio[(piani + k) % ufficio.len()])),
                    data: Set(d(2020, 7 + (piani % 3) as u32, 15)),
                    fatta: Set(piani % 3 == 0 && k == 0),
                    ..Default::default()
                }
                .insert(&uow)
                .await?;
            }
            piani += 1;
        }
    }
    // Calls and the proposals prepared for them.
    let per_acronimo: HashMap<&str, i64> = creati
        .iter()
        .map(|(p, _)| (p.acronimo.as_str(), p.id))
        .collect();
    let mut n_proposte = 0;
    for (i, x) in dati.bandi.iter().enumerate() {
        let b = bando::ActiveModel {
            programma_id: Set(programma(&x.programma)?.id),
            titolo: Set(x.titolo.clone()),
            riferimento: Set(Some(format!("Avviso n. {}", i + 1))),
            scadenza: Set(x.scadenza),
            url: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&uow)
        .await?;
        for y in &x.proposte {
            proposta::ActiveModel {
                bando_id: Set(b.id),
                titolo: Set(y.acronimo.clone()),
                ruolo: Set(y.ruolo.clone()),
                budget: Set(y.budget_euro * 100),
                esito: Set(y.esito.clone()),
                data_esito: Set(matches!(y.esito.as_str(), "approvata" | "respinta")
                    .then(|| mesi(x.scadenza, 5))),
                progetto_id: Set(per_acronimo.get(y.acronimo.as_str()).copied()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&uow)
            .await?;
            n_proposte += 1;
        }
    }
    uow.conferma().await?;
    // Links to the objectives of the demo plan (made through Piano, audited there).
    for x in &dati.collegamenti {
        let Some(o) = obiettivo::Entity::find()
            .filter(obiettivo::Column::Titolo.contains(x.obiettivo.as_str()))
            .one(c.db)
            .await?
        else {
            continue;
        };
        for a in &x.progetti {
            if let Some((p, _)) = creati.iter().find(|(p, _)| &p.acronimo == a) {
                crate::piano::store::collega(c.db, &c.actor, &o, "progetto", &p.public_id).await?;
            }
        }
    }
    let n_eu = europei.len();
    let n_rt = regionali.len();
    let mut riga = format!(
        "{n_eu} progetti europei e {n_rt} regionali, {} bandi con {n_proposte} proposte",
        dati.bandi.len()
    );
    if c.scale == Scale::Large {
        let (n, m) = genera(c).await?;
        riga.push_str(&format!(
            "; {n} progetti e {m} scadenze generati per i test di carico"
        ));
    }
    Ok(riga)
}
