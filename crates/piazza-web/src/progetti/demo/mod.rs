//! Demo projects, written for the demo (not real projects): the portfolio as it stood in the
//! autumn of 2020, the year of the demo plan, so that the end of the X regional legislature
//! (21/09/2020, in Piano's demo calendar) puts some of them at risk. `Scale::Large` adds
//! thousands of generated projects and tens of thousands of milestones for the benchmarks.

mod europei;
mod genera;
mod piano_di_lavoro;
mod regionali;

use europei::EUROPEI;
use genera::genera;
use piano_di_lavoro::piano_di_lavoro;
use regionali::REGIONALI;

use std::collections::HashMap;

use chrono::{Months, NaiveDate, Utc};
use piazza_db::entities::{
    bando, obiettivo, organizzazione, persona, progetto, progetto_comune, progetto_continuita,
    progetto_partner, progetto_staff, programma, proposta,
};
use piazza_db::lavoro::Lavoro;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::demo::{DemoCtx, Scale};
use crate::error::{AppError, AppResult};
use crate::text::normalize;

/// The demo's "today" for states: what was done by then is done.
const RIFERIMENTO: (i32, u32, u32) = (2020, 9, 1);

fn d(y: i32, m: u32, g: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, g).expect("a valid demo date")
}

fn rif() -> NaiveDate {
    d(RIFERIMENTO.0, RIFERIMENTO.1, RIFERIMENTO.2)
}

/// People of the project office added by this step (categoria `staff`).
const UFFICIO: &[(&str, &str, &str)] = &[
    ("Valentina", "Rossetti", "Project manager, progetti europei"),
    ("Tommaso", "Conti", "Rendicontazione e controllo"),
    ("Irene", "Galletti", "Cooperazione internazionale"),
    (
        "Davide",
        "Fabbrini",
        "Progetti regionali e politiche sociali",
    ),
];

/// Partner organisations: name, kind, country.
const PARTNER: &[(&str, &str, &str)] = &[
    ("Collectivité de Corse", "partner", "FR"),
    ("Région Sud Provence-Alpes-Côte d'Azur", "regione", "FR"),
    ("Regione Autonoma della Sardegna", "regione", "IT"),
    ("Regione Liguria", "regione", "IT"),
    ("ANCI Liguria", "associazione", "IT"),
    ("ANCI Sardegna", "associazione", "IT"),
    (
        "Fédération Nationale des Villes Tunisiennes",
        "associazione",
        "TN",
    ),
    ("Municipalité de Sousse", "partner", "TN"),
    ("Municipality of Bethlehem", "partner", "PS"),
    ("Municipality of Heraklion", "partner", "GR"),
    ("Diputació de Barcelona", "partner", "ES"),
    ("Università di Firenze", "partner", "IT"),
    ("Università di Pisa", "partner", "IT"),
    ("Fondazione per la ricerca sociale (demo)", "partner", "IT"),
];

/// A demo project: code, acronym, title, programme code, role, start (y, m), months, total
/// budget and association's share in euro, co-financing %, comuni (ISTAT), partners (index in
/// `PARTNER`), state when it is not simply derived from the dates.
type P = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    (i32, u32),
    u32,
    i64,
    i64,
    Option<i32>,
    &'static [&'static str],
    &'static [usize],
    Option<&'static str>,
);

/// A demo call: programme code, title, deadline (y, m, d), proposals (acronym, role, budget in
/// euro, outcome).
type Bando = (
    &'static str,
    &'static str,
    (i32, u32, u32),
    &'static [(&'static str, &'static str, i64, &'static str)],
);

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
    let now = Utc::now();
    // Written as today, without audit rows: the demo is loaded into an empty database.
    let uow = Lavoro::apri(c.db, &c.actor).await?;
    let programmi: HashMap<String, programma::Model> = programma::Entity::find()
        .all(&uow)
        .await?
        .into_iter()
        .map(|g| (g.codice.clone(), g))
        .collect();
    let mut ufficio = Vec::new();
    for (nome, cognome, qualifica) in UFFICIO {
        let p = persona::ActiveModel {
            public_id: Set(piazza_db::new_public_id()),
            nome: Set((*nome).into()),
            cognome: Set((*cognome).into()),
            nome_norm: Set(normalize(&format!("{cognome} {nome}"))),
            categorie: Set("staff".into()),
            qualifica: Set(Some((*qualifica).into())),
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
    let mut partner_ids = Vec::new();
    for (nome, tipo, _) in PARTNER {
        let o = organizzazione::ActiveModel {
            public_id: Set(piazza_db::new_public_id()),
            nome: Set((*nome).into()),
            nome_norm: Set(normalize(nome)),
            tipo: Set((*tipo).into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&uow)
        .await?;
        partner_ids.push(o.id);
    }
    let mut creati: Vec<(progetto::Model, bool)> = Vec::new();
    for (europeo, elenco) in [(true, EUROPEI), (false, REGIONALI)] {
        for (
            i,
            (
                codice,
                acronimo,
                titolo,
                prog,
                ruolo,
                (y, m),
                durata,
                budget,
                quota,
                cofin,
                comuni,
                partner,
                stato,
            ),
        ) in elenco.iter().enumerate()
        {
            let g = programmi
                .get(*prog)
                .ok_or_else(|| AppError::Internal(format!("programma demo {prog} mancante")))?;
            let inizio = d(*y, *m, 1);
            let fine = mesi(inizio, *durata).pred_opt().expect("a day");
            let stato = stato.unwrap_or_else(|| stato_da_date(inizio, fine));
            let tipo = match g.tipo.as_str() {
                "europeo" => "europeo",
                "nazionale" => "nazionale",
                _ => "regionale",
            };
            let responsabile = ufficio[(i + usize::from(!europeo) * 3) % ufficio.len()];
            let p = progetto::ActiveModel {
                public_id: Set(piazza_db::new_public_id()),
                codice: Set((*codice).into()),
                acronimo: Set((*acronimo).into()),
                titolo_norm: Set(normalize(titolo)),
                titolo: Set((*titolo).into()),
                descrizione: Set(Some(format!(
                    "{titolo}. Progetto dimostrativo {} sul programma {}.",
                    if *ruolo == "capofila" {
                        "guidato dall'associazione"
                    } else {
                        "con l'associazione tra i partner"
                    },
                    g.nome
                ))),
                tipo: Set(tipo.into()),
                programma_id: Set(g.id),
                bando_rif: Set(Some(format!("Avviso {}/{}", i % 4 + 1, y - 1))),
                ruolo: Set((*ruolo).into()),
                data_inizio: Set(Some(inizio)),
                data_fine: Set(Some(fine)),
                stato: Set(stato.into()),
                budget_totale: Set(budget * 100),
                quota_associazione: Set(quota * 100),
                cofinanziamento_bp: Set(cofin.map(|c| c * 100)),
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
            for istat in *comuni {
                let cm = t
                    .comune(istat)
                    .ok_or_else(|| AppError::Internal(format!("comune demo {istat} mancante")))?;
                progetto_comune::ActiveModel {
                    progetto_id: Set(p.id),
                    comune_id: Set(cm.id),
                    ..Default::default()
                }
                .insert(&uow)
                .await?;
            }
            let n_partner = partner.len() as i64 + 1;
            for k in *partner {
                progetto_partner::ActiveModel {
                    progetto_id: Set(p.id),
                    organizzazione_id: Set(partner_ids[*k]),
                    paese: Set(PARTNER[*k].2.into()),
                    ruolo: Set(if *ruolo == "partner" && k == &partner[0] {
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
                ruolo: Set(Some("Responsabile di progetto".into())),
                mesi_persona: Set(f64::from(*durata) / 4.0),
                ..Default::default()
            }
            .insert(&uow)
            .await?;
            let aiuto = ufficio[(i + 1) % ufficio.len()];
            if aiuto != responsabile {
                progetto_staff::ActiveModel {
                    progetto_id: Set(p.id),
                    persona_id: Set(aiuto),
                    ruolo: Set(Some("Rendicontazione".into())),
                    mesi_persona: Set(f64::from(*durata) / 8.0),
                    ..Default::default()
                }
                .insert(&uow)
                .await?;
            }
            if let Some(s) = staff.get(i % staff.len().max(1)).filter(|_| i % 3 == 0) {
                progetto_staff::ActiveModel {
                    progetto_id: Set(p.id),
                    persona_id: Set(*s),
                    ruolo: Set(Some("Supporto tematico".into())),
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
                piano_di_lavoro(&uow, &p, europeo, i).await?;
            }
            creati.push((p, europeo));
        }
    }
    // Continuity plans for some projects that the end of the legislature puts at risk.
    let azioni = [
        "Chiedere alla nuova Giunta la conferma del finanziamento nel primo bilancio",
        "Inserire il progetto nel manifesto dei comuni per i candidati",
        "Preparare una scheda sui risultati per il nuovo assessore",
        "Concordare con gli uffici regionali la proroga delle attività",
    ];
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
                    azione: Set(azioni[(piani + k) % azioni.len()].into()),
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
    let bandi: &[Bando] = &[
        (
            "IT-FR-MARITTIMO-1420",
            "Quarto avviso per progetti semplici",
            (2018, 1, 31),
            &[
                ("SAFE-PORTS", "partner", 880_000, "approvata"),
                ("MARE-CALMO", "capofila", 1_100_000, "respinta"),
            ],
        ),
        (
            "IT-FR-MARITTIMO-1420",
            "Quinto avviso: progetti strategici",
            (2020, 6, 30),
            &[("RIVE-BLU", "partner", 1_500_000, "presentata")],
        ),
        (
            "ENI-CBC-MED",
            "Secondo bando per progetti standard",
            (2019, 5, 15),
            &[
                ("TERRE-MEDIE", "capofila", 1_300_000, "approvata"),
                ("MED-ACQUA", "partner", 2_000_000, "respinta"),
                ("MED-LAVORO", "partner", 1_700_000, "respinta"),
            ],
        ),
        (
            "ERASMUS+",
            "Call 2018 — Partenariati strategici",
            (2018, 3, 21),
            &[("COMUNI-UE", "capofila", 260_000, "approvata")],
        ),
        (
            "ERASMUS+",
            "Call 2020 — Mobilità dei giovani",
            (2020, 2, 5),
            &[
                ("YOUTH-ACT", "partner", 240_000, "approvata"),
                ("YOUTH-MED", "capofila", 300_000, "respinta"),
            ],
        ),
        (
            "H2020",
            "SC6 — Società inclusive e riflessive",
            (2019, 3, 14),
            &[
                ("SALUTE-COMUNITA", "partner", 3_400_000, "approvata"),
                ("DATA-COMUNI", "partner", 2_800_000, "respinta"),
            ],
        ),
        (
            "CERV",
            "Partecipazione democratica dei cittadini",
            (2021, 4, 20),
            &[("CULTURA-IN-RETE", "capofila", 350_000, "in_preparazione")],
        ),
        (
            "RT-PARTECIPAZIONE",
            "Contributi ai processi partecipativi 2020",
            (2020, 9, 30),
            &[("PARTECIPA-2", "capofila", 120_000, "approvata")],
        ),
    ];
    let per_acronimo: HashMap<&str, i64> = creati
        .iter()
        .map(|(p, _)| (p.acronimo.as_str(), p.id))
        .collect();
    let mut n_proposte = 0;
    for (i, (prog, titolo, (y, m, g), proposte)) in bandi.iter().enumerate() {
        let b = bando::ActiveModel {
            programma_id: Set(programmi[*prog].id),
            titolo: Set((*titolo).into()),
            riferimento: Set(Some(format!("Avviso n. {}", i + 1))),
            scadenza: Set(d(*y, *m, *g)),
            url: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&uow)
        .await?;
        for (acronimo, ruolo, budget, esito) in *proposte {
            proposta::ActiveModel {
                bando_id: Set(b.id),
                titolo: Set((*acronimo).into()),
                ruolo: Set((*ruolo).into()),
                budget: Set(budget * 100),
                esito: Set((*esito).into()),
                data_esito: Set(
                    matches!(*esito, "approvata" | "respinta").then(|| mesi(d(*y, *m, *g), 5))
                ),
                progetto_id: Set(per_acronimo.get(acronimo).copied()),
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
    let collegamenti: &[(&str, &[&str])] = &[
        (
            "Presentare nuove proposte",
            &["TERRE-MEDIE", "SALUTE-COMUNITA", "RIVE-BLU"],
        ),
        (
            "Proseguire i progetti con la Regione",
            &["OSS-SOCIALE", "BOTTEGHE-SALUTE", "GIOCO-RESPONSABILE"],
        ),
        (
            "supporto ai comuni sul turismo",
            &["AMBITI-TUR", "TUR-RETE"],
        ),
        ("Far conoscere l'app di allerta", &["ALLERTA-APP"]),
    ];
    for (frammento, acronimi) in collegamenti {
        let Some(o) = obiettivo::Entity::find()
            .filter(obiettivo::Column::Titolo.contains(*frammento))
            .one(c.db)
            .await?
        else {
            continue;
        };
        for a in *acronimi {
            if let Some((p, _)) = creati.iter().find(|(p, _)| p.acronimo == *a) {
                crate::piano::store::collega(c.db, &c.actor, &o, "progetto", &p.public_id).await?;
            }
        }
    }
    let n_eu = EUROPEI.len();
    let n_rt = REGIONALI.len();
    let mut riga = format!(
        "{n_eu} progetti europei e {n_rt} regionali, {} bandi con {n_proposte} proposte",
        bandi.len()
    );
    if c.scale == Scale::Large {
        let (n, m) = genera(c).await?;
        riga.push_str(&format!(
            "; {n} progetti e {m} scadenze generati per i test di carico"
        ));
    }
    Ok(riga)
}
