//! The sources of the alert state: the national bulletin (files or a polled URL) and CAP
//! documents (posted to the API or polled from feeds). Each reads its input with the pure
//! readers (`bollettino`, `piazza_cap`, `da_cap`) and hands documents to the store.

use piazza_db::audit::Actor;
use piazza_db::entities::{allerta, fonte_allerta};
use piazza_db::lavoro::Lavoro;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};

use super::bollettino;
use super::da_cap;
use super::registro::{Esito, Tipo};
use super::store::{self, Documento, stato};
use crate::kit::error::{AppError, AppResult};
use crate::territorio::Territorio;

/// The kinds of source (`fonti_allerta.tipo`).
pub mod tipo {
    pub const BOLLETTINO: &str = "bollettino_dpc";
    pub const CAP_API: &str = "cap_api";
    pub const CAP_FEED: &str = "cap_feed";
    pub const OPERATORI: &str = "operatori";

    pub fn nome(t: &str) -> &'static str {
        match t {
            BOLLETTINO => "bollettino nazionale (DPC)",
            CAP_API => "CAP tramite API",
            CAP_FEED => "feed CAP",
            OPERATORI => "operatori",
            _ => "?",
        }
    }
}

/// The source of the national bulletin, created on first use.
pub async fn fonte_dpc(db: &DatabaseConnection) -> AppResult<fonte_allerta::Model> {
    store::fonte(
        db,
        "dpc",
        "Bollettino nazionale di criticità (Dipartimento della Protezione Civile)",
        tipo::BOLLETTINO,
    )
    .await
}

/// The operators' source (alerts composed in Piazza), created on first use.
pub async fn fonte_operatori(db: &DatabaseConnection) -> AppResult<fonte_allerta::Model> {
    store::fonte(
        db,
        "operatori",
        "Sala operativa e comuni (Piazza)",
        tipo::OPERATORI,
    )
    .await
}

/// Applies the days of a bulletin (today and/or tomorrow), in one transaction: a day supersedes
/// the earlier bulletins' levels for the same day; a bulletin older than one already applied
/// for that day is kept in the history only until the newer one.
pub async fn importa_bollettino(
    db: &DatabaseConnection,
    t: &Territorio,
    actor: &Actor,
    giorni: Vec<Documento>,
) -> AppResult<Vec<(Documento, Esito)>> {
    let fonte = fonte_dpc(db).await?;
    let uow = Lavoro::apri(db, actor).await?;
    let mut out = Vec::new();
    for mut d in giorni {
        let stesso_giorno = allerta::Entity::find()
            .filter(allerta::Column::FonteId.eq(fonte.id))
            .filter(allerta::Column::Stato.eq(stato::IN_VIGORE))
            .filter(allerta::Column::Inizio.eq(d.avviso.inizio))
            .order_by_asc(allerta::Column::InviatoAt)
            .all(&uow)
            .await?;
        let (prima, dopo): (Vec<_>, Vec<_>) = stesso_giorno
            .into_iter()
            .partition(|a| a.inviato_at < d.inviato_at);
        if !prima.is_empty() {
            d.avviso.tipo = Tipo::Update;
            d.msg_type = "Update".into();
            d.avviso.riferimenti = prima
                .iter()
                .map(|a| {
                    (
                        a.mittente.clone(),
                        a.identificativo.clone(),
                        a.inviato.clone(),
                    )
                })
                .collect();
        }
        let (esito, id) = store::ingerisci_in(&uow, t, &fonte, &d).await?;
        if let (Some(id), Some(piu_recente)) = (id, dopo.first())
            && esito != Esito::Duplicato
        {
            let a = store::per_id(&uow, id).await?;
            if a.stato == stato::IN_VIGORE {
                let mut am = a.into_active_model();
                am.stato = Set(stato::SOSTITUITA.into());
                am.terminata_at = Set(piu_recente.dal);
                am.terminata_da_id = Set(Some(piu_recente.id));
                am.update(&uow).await?;
            }
        }
        out.push((d, esito));
    }
    uow.registra(
        "bollettino",
        "fonte_allerta",
        &fonte.codice,
        None,
        Some(serde_json::json!({
            "giorni": out.iter().map(|(d, e)| serde_json::json!({
                "identificativo": d.avviso.chiave.1,
                "esito": format!("{e:?}"),
            })).collect::<Vec<_>>(),
        })),
    )
    .await?;
    uow.conferma().await?;
    Ok(out)
}

/// Reads a bulletin file: a day's TopoJSON, or the index JSON (then the days' TopoJSON files
/// are looked up next to it by name, also as `<name>.stripped.json`). Returns the documents of
/// the days found and a note for each day that is missing. A file that cannot be read or is not
/// a bulletin is a [`AppError::BadRequest`] with the reason (the file is the user's input).
pub fn leggi_file_bollettino(
    percorso: &std::path::Path,
    t: &Territorio,
) -> AppResult<(Vec<Documento>, Vec<String>)> {
    let leggi = |p: &std::path::Path| {
        std::fs::read_to_string(p)
            .map_err(|e| AppError::BadRequest(format!("impossibile leggere {}: {e}", p.display())))
    };
    let testo = leggi(percorso)?;
    if !testo.contains("\"Topology\"") {
        let indice = bollettino::leggi_indice(&testo).map_err(AppError::BadRequest)?;
        let cartella = percorso.parent().unwrap_or(std::path::Path::new("."));
        let mut documenti = Vec::new();
        let mut note = Vec::new();
        for url in [&indice.oggi, &indice.domani] {
            let nome = url.rsplit('/').next().unwrap_or(url);
            let radice = nome.trim_end_matches(".json");
            let candidati = [
                cartella.join(nome),
                cartella.join(format!("{radice}.stripped.json")),
            ];
            match candidati.iter().find(|p| p.exists()) {
                Some(p) => documenti.push(
                    bollettino::documento(&leggi(p)?, Some(indice.generato), t)
                        .map_err(AppError::BadRequest)?,
                ),
                None => note.push(format!("{nome}: file non trovato accanto all'indice")),
            }
        }
        if documenti.is_empty() {
            return Err(AppError::BadRequest(format!(
                "nessun giorno del bollettino «{}» trovato: {}",
                indice.nome,
                note.join("; ")
            )));
        }
        return Ok((documenti, note));
    }
    Ok((
        vec![bollettino::documento(&testo, None, t).map_err(AppError::BadRequest)?],
        Vec::new(),
    ))
}

/// A CAP document received from `fonte` (API or feed): parsed leniently, then applied.
///
/// Reading and placing the document (its polygons on the comuni's boundaries) is CPU work:
/// it runs on the blocking pool, not on the async workers that serve requests and deliver.
pub async fn ricevi_cap(
    db: &DatabaseConnection,
    t: &std::sync::Arc<Territorio>,
    fonte: &fonte_allerta::Model,
    actor: &Actor,
    xml: &str,
) -> AppResult<(Esito, Option<i64>)> {
    let mappe = mappature(db, t).await?;
    let (terr, testo) = (t.clone(), xml.to_owned());
    let doc = tokio::task::spawn_blocking(move || {
        let parsed = piazza_cap::parse(&testo)
            .map_err(|e| AppError::BadRequest(format!("Documento CAP non leggibile: {e}")))?;
        let a = &parsed.alert;
        if a.identifier.trim().is_empty() || a.sender.trim().is_empty() || a.sent.is_none() {
            return Err(AppError::BadRequest(
                "Documento CAP non valido: mancano identifier, sender o sent.".into(),
            ));
        }
        Ok(da_cap::documento(a, &testo, &terr, &mappe))
    })
    .await
    .map_err(|e| AppError::causa("lettura del documento CAP interrotta", e))??;
    store::ingerisci(db, t, fonte, actor, &doc).await
}

/// A source configured by an administrator.
#[derive(Debug, Clone, PartialEq)]
pub struct NuovaFonte {
    pub codice: String,
    pub nome: String,
    pub tipo: String,
    pub url: Option<String>,
    pub intervallo_secondi: i32,
}

pub async fn aggiungi(
    db: &DatabaseConnection,
    actor: &Actor,
    n: &NuovaFonte,
) -> AppResult<fonte_allerta::Model> {
    let uow = Lavoro::apri(db, actor).await?;
    if fonte_allerta::Entity::find()
        .filter(fonte_allerta::Column::Codice.eq(&n.codice))
        .one(&uow)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "Esiste già una fonte con codice «{}».",
            n.codice
        )));
    }
    let f = uow
        .inserisci(fonte_allerta::ActiveModel {
            codice: Set(n.codice.clone()),
            nome: Set(n.nome.clone()),
            tipo: Set(n.tipo.clone()),
            url: Set(n.url.clone()),
            intervallo_secondi: Set(n.intervallo_secondi),
            attiva: Set(true),
            errori_consecutivi: Set(0),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        })
        .await?;
    uow.conferma().await?;
    Ok(f)
}

pub async fn attiva(db: &DatabaseConnection, actor: &Actor, id: i64, on: bool) -> AppResult<()> {
    let uow = Lavoro::apri(db, actor).await?;
    let f = fonte_allerta::Entity::find_by_id(id)
        .one(&uow)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut am = f.clone().into_active_model();
    am.attiva = Set(on);
    uow.aggiorna_come(if on { "attiva" } else { "disattiva" }, &f, am)
        .await?;
    uow.conferma().await?;
    Ok(())
}

/// A new API token for a source: returned once, only its hash is kept; the old one stops
/// working.
pub async fn nuovo_token(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
) -> AppResult<(fonte_allerta::Model, String)> {
    use rand::Rng;
    let token: String = {
        const ALFABETO: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut rng = rand::rng();
        (0..40)
            .map(|_| ALFABETO[rng.random_range(0..ALFABETO.len())] as char)
            .collect()
    };
    let uow = Lavoro::apri(db, actor).await?;
    let f = fonte_allerta::Entity::find_by_id(id)
        .one(&uow)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut am = f.into_active_model();
    am.token_hash = Set(Some(store::sha256(&token)));
    // The event only: the token's hash stays out of the log.
    let f = am.update(&uow).await?;
    uow.registra("nuovo_token", "fonte_allerta", &f.codice, None, None)
        .await?;
    uow.conferma().await?;
    let token = format!("pz_{}_{token}", f.id);
    Ok((f, token))
}

/// The source a token belongs to.
pub async fn per_token(
    db: &DatabaseConnection,
    token: &str,
) -> AppResult<Option<fonte_allerta::Model>> {
    let Some(id) = token
        .strip_prefix("pz_")
        .and_then(|r| r.split_once('_'))
        .and_then(|(id, _)| id.parse::<i64>().ok())
    else {
        return Ok(None);
    };
    let Some(f) = fonte_allerta::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let segreto = token.splitn(3, '_').nth(2).unwrap_or_default();
    let atteso = f.token_hash.clone().unwrap_or_default();
    let uguali =
        piazza_alerts::chiavi::uguali(atteso.as_bytes(), store::sha256(segreto).as_bytes());
    Ok(uguali.then_some(f))
}

/// The geocodes of other systems mapped to comuni here.
pub async fn mappature(
    db: &DatabaseConnection,
    t: &Territorio,
) -> AppResult<Vec<da_cap::Mappatura>> {
    use piazza_db::entities::geocodice_allerta;
    Ok(geocodice_allerta::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|g| {
            Some(da_cap::Mappatura {
                comuni: da_cap::destinazione(&g.destinazione, t)?,
                value_name: g.value_name,
                valore: g.valore,
            })
        })
        .collect())
}

/// Adds a geocode mapping (administrators); the destination must name something known.
pub async fn aggiungi_mappatura(
    db: &DatabaseConnection,
    t: &Territorio,
    actor: &Actor,
    value_name: &str,
    valore: &str,
    destinazione: &str,
) -> AppResult<()> {
    use piazza_db::entities::geocodice_allerta;
    let (value_name, valore, destinazione) =
        (value_name.trim(), valore.trim(), destinazione.trim());
    if value_name.is_empty() || valore.is_empty() {
        return Err(AppError::BadRequest(
            "Indica il nome del geocodice (per esempio EMMA_ID) e il suo valore.".into(),
        ));
    }
    if da_cap::destinazione(destinazione, t).is_none() {
        return Err(AppError::BadRequest(format!(
            "Destinazione «{destinazione}» non riconosciuta: usa «regione», «zona:<codice>» o «comune:<codice ISTAT>»."
        )));
    }
    let uow = Lavoro::apri(db, actor).await?;
    if geocodice_allerta::Entity::find()
        .filter(geocodice_allerta::Column::ValueName.eq(value_name))
        .filter(geocodice_allerta::Column::Valore.eq(valore))
        .one(&uow)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "Il geocodice {value_name} {valore} è già mappato."
        )));
    }
    uow.inserisci(geocodice_allerta::ActiveModel {
        value_name: Set(value_name.to_owned()),
        valore: Set(valore.to_owned()),
        destinazione: Set(destinazione.to_owned()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    })
    .await?;
    uow.conferma().await?;
    Ok(())
}

pub async fn elimina_mappatura(db: &DatabaseConnection, actor: &Actor, id: i64) -> AppResult<()> {
    use piazza_db::entities::geocodice_allerta;
    let uow = Lavoro::apri(db, actor).await?;
    let g = geocodice_allerta::Entity::find_by_id(id)
        .one(&uow)
        .await?
        .ok_or(AppError::NotFound)?;
    uow.elimina(g).await?;
    uow.conferma().await?;
    Ok(())
}
