//! The import of the Ministry of the Interior's register (DAIT), in one transaction.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use piazza_db::audit::Actor;
use piazza_db::entities::{amministratore, persona};
use piazza_db::lavoro::Lavoro;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::json;

use crate::anagrafica::dait::{DaitRow, Parsed};
use crate::anagrafica::model::fine_mandato;
use crate::kit::config::AppConfig;
use crate::kit::elaborazioni::Avanzamento;
use crate::kit::error::AppResult;
use crate::kit::text::{match_key, normalize};
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub righe: usize,
    pub fuori_regione: usize,
    pub persone_nuove: usize,
    pub persone_aggiornate: usize,
    pub amministratori_nuovi: usize,
    pub amministratori_aggiornati: usize,
    pub amministratori_invariati: usize,
    pub amministratori_rimossi: usize,
}

fn dait_key(r: &DaitRow) -> String {
    format!(
        "{}|{}|{}|{}",
        match_key(&r.cognome),
        match_key(&r.nome),
        r.data_nascita.map(|d| d.to_string()).unwrap_or_default(),
        r.luogo_nascita
            .as_deref()
            .map(match_key)
            .unwrap_or_default()
    )
}

/// Applies a parsed DAIT file in one transaction. A re-import updates without duplicating;
/// administrators of the same comuni and offices that are no longer in the file are removed
/// (the register lists who is in office).
pub async fn importa_dait(
    db: &DatabaseConnection,
    actor: &Actor,
    parsed: &Parsed,
    config: &AppConfig,
) -> AppResult<ImportSummary> {
    importa_dait_con(db, actor, parsed, config, &Avanzamento::nessuno()).await
}

/// [`importa_dait`] reporting its progress to `av`, and stopping (saving nothing) when it is
/// cancelled.
pub async fn importa_dait_con(
    db: &DatabaseConnection,
    actor: &Actor,
    parsed: &Parsed,
    config: &AppConfig,
    av: &Avanzamento,
) -> AppResult<ImportSummary> {
    let mut s = ImportSummary {
        righe: parsed.righe.len(),
        fuori_regione: parsed.fuori_regione,
        ..Default::default()
    };
    let uow = Lavoro::apri(db, actor).await?;
    let mut persone: HashMap<String, persona::Model> = persona::Entity::find()
        .filter(persona::Column::DaitKey.is_not_null())
        .all(&uow)
        .await?
        .into_iter()
        .filter_map(|p| p.dait_key.clone().map(|k| (k, p)))
        .collect();
    let comuni_in_file: HashSet<i64> = parsed.righe.iter().map(|r| r.comune_id).collect();
    let cariche_in_file: HashSet<&str> = parsed.righe.iter().map(|r| r.carica.key()).collect();
    let mut esistenti: HashMap<(i64, i64, String), amministratore::Model> = HashMap::new();
    let comuni_vec: Vec<i64> = comuni_in_file.iter().copied().collect();
    for chunk in comuni_vec.chunks(500) {
        for a in amministratore::Entity::find()
            .filter(amministratore::Column::ComuneId.is_in(chunk.to_vec()))
            .all(&uow)
            .await?
        {
            esistenti.insert((a.persona_id, a.comune_id, a.carica.clone()), a);
        }
    }
    let now = Utc::now();
    let mut visti: HashSet<(i64, i64, String)> = HashSet::new();
    av.fase("Salvataggio delle cariche", parsed.righe.len() as u64);
    for (i, r) in parsed.righe.iter().enumerate() {
        if i % 256 == 0 {
            av.fatti(i as u64);
            av.controlla()?;
        }
        let key = dait_key(r);
        let persona = match persone.get(&key) {
            Some(p) => {
                let mut cats: Vec<&str> =
                    p.categorie.split(',').filter(|c| !c.is_empty()).collect();
                let needs_cat = !cats.contains(&"amministratore");
                if needs_cat || p.sesso != r.sesso {
                    if needs_cat {
                        cats.push("amministratore");
                    }
                    let before = p.clone();
                    let mut am: persona::ActiveModel = p.clone().into();
                    am.categorie = Set(cats.join(","));
                    am.sesso = Set(r.sesso.clone());
                    am.updated_at = Set(now);
                    let updated = uow.aggiorna(&before, am).await?;
                    s.persone_aggiornate += 1;
                    persone.insert(key.clone(), updated.clone());
                    updated
                } else {
                    p.clone()
                }
            }
            None => {
                let created = uow
                    .inserisci(persona::ActiveModel {
                        public_id: Set(piazza_db::new_public_id()),
                        nome: Set(r.nome.clone()),
                        cognome: Set(r.cognome.clone()),
                        nome_norm: Set(normalize(&format!("{} {}", r.cognome, r.nome))),
                        sesso: Set(r.sesso.clone()),
                        data_nascita: Set(r.data_nascita),
                        luogo_nascita: Set(r.luogo_nascita.clone()),
                        categorie: Set("amministratore".into()),
                        dait_key: Set(Some(key.clone())),
                        created_at: Set(now),
                        updated_at: Set(now),
                        ..Default::default()
                    })
                    .await?;
                s.persone_nuove += 1;
                persone.insert(key.clone(), created.clone());
                created
            }
        };
        let akey = (persona.id, r.comune_id, r.carica.key().to_owned());
        if !visti.insert(akey.clone()) {
            continue; // the same office twice in the file: keep the first
        }
        let fine = fine_mandato(r.data_elezione, config.anagrafica.anni_mandato);
        match esistenti.get(&akey) {
            Some(a) => {
                let same = a.descrizione_carica == r.descrizione_carica
                    && a.data_elezione == r.data_elezione
                    && a.data_inizio == r.data_inizio
                    && a.fine_mandato == fine
                    && a.lista == r.lista;
                if same {
                    s.amministratori_invariati += 1;
                } else {
                    let before = a.clone();
                    let mut am: amministratore::ActiveModel = a.clone().into();
                    am.descrizione_carica = Set(r.descrizione_carica.clone());
                    am.data_elezione = Set(r.data_elezione);
                    am.data_inizio = Set(r.data_inizio);
                    am.fine_mandato = Set(fine);
                    am.lista = Set(r.lista.clone());
                    am.fonte = Set("dait".into());
                    am.updated_at = Set(now);
                    uow.aggiorna(&before, am).await?;
                    s.amministratori_aggiornati += 1;
                }
            }
            None => {
                uow.inserisci(amministratore::ActiveModel {
                    persona_id: Set(persona.id),
                    comune_id: Set(r.comune_id),
                    carica: Set(r.carica.key().to_owned()),
                    descrizione_carica: Set(r.descrizione_carica.clone()),
                    data_elezione: Set(r.data_elezione),
                    data_inizio: Set(r.data_inizio),
                    fine_mandato: Set(fine),
                    lista: Set(r.lista.clone()),
                    fonte: Set("dait".into()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                })
                .await?;
                s.amministratori_nuovi += 1;
            }
        }
    }
    for (key, a) in &esistenti {
        if !visti.contains(key) && cariche_in_file.contains(a.carica.as_str()) {
            uow.elimina(a.clone()).await?;
            s.amministratori_rimossi += 1;
        }
    }
    uow.registra("importa", "amministratori", "dait", None, Some(json!({
        "righe": s.righe, "persone_nuove": s.persone_nuove, "amministratori_nuovi": s.amministratori_nuovi,
        "amministratori_aggiornati": s.amministratori_aggiornati, "amministratori_rimossi": s.amministratori_rimossi,
    })))
    .await?;
    av.fatti(parsed.righe.len() as u64);
    av.controlla()?;
    uow.conferma().await?;
    Ok(s)
}
