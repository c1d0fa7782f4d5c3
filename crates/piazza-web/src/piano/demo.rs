//! Piano's step of the demo: the 2020 activity plan read from `data/demo/piano.toml` (the plan
//! document, how each objective stands, indicators and measurements, updates, links) and the
//! political calendar of 2020. The data is in the file; this code only loads it and links it to
//! the demo's people, organisations and comuni.

use chrono::NaiveDate;
use piazza_db::entities::{organizzazione, persona};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Deserializer};

use super::{import, store};
use crate::demo::DemoCtx;
use crate::kit::error::{AppError, AppResult};

/// The demo data, embedded in the binary.
const DATI: &str = include_str!("../../../../data/demo/piano.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Dati {
    piano: Piano,
    obiettivi: Vec<Obiettivo>,
    indicatori: Vec<Indicatore>,
    aggiornamenti: Vec<Aggiornamento>,
    collegamenti: Vec<Collegamento>,
    calendario: Vec<Evento>,
}

/// The plan: its document (read by the importer) and the fields set after the import.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Piano {
    anno: i32,
    titolo: String,
    stato: String,
    #[serde(deserialize_with = "giorno")]
    data_approvazione: NaiveDate,
    organo_approvazione: String,
    documento: String,
}

/// How an objective stands; `obiettivo` is a fragment of its title in the document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Obiettivo {
    obiettivo: String,
    stato: String,
    fonte_progresso: String,
    progresso_manuale: Option<i32>,
    peso: i32,
    priorita: String,
    pubblico: bool,
    #[serde(deserialize_with = "giorno")]
    scadenza: NaiveDate,
    /// A person of the demo by first name and surname.
    responsabile: Option<String>,
    settore: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Indicatore {
    obiettivo: String,
    nome: String,
    unita: String,
    direzione: String,
    valore_base: f64,
    valore_obiettivo: f64,
    misure: Vec<Misura>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Misura {
    #[serde(deserialize_with = "giorno")]
    data: NaiveDate,
    valore: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Aggiornamento {
    obiettivo: String,
    #[serde(deserialize_with = "giorno")]
    data: NaiveDate,
    autore: String,
    testo: String,
    nuovo_stato: Option<String>,
}

/// A link: `chiave` is an ISTAT code, or the name of an organisation or a person of the demo.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Collegamento {
    obiettivo: String,
    tipo: String,
    chiave: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Evento {
    #[serde(deserialize_with = "giorno")]
    data: NaiveDate,
    tipo: String,
    titolo: String,
    descrizione: Option<String>,
}

/// A TOML local date (`2020-02-28`) as a date.
fn giorno<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let v = toml::value::Datetime::deserialize(d)?;
    v.date
        .filter(|_| v.time.is_none() && v.offset.is_none())
        .and_then(|g| NaiveDate::from_ymd_opt(g.year.into(), g.month.into(), g.day.into()))
        .ok_or_else(|| serde::de::Error::custom(format!("«{v}» non è una data")))
}

fn dati() -> AppResult<Dati> {
    toml::from_str(DATI).map_err(|e| AppError::causa("data/demo/piano.toml", e))
}

/// Loads the political calendar and the plan with everything attached to it.
pub async fn carica(c: &DemoCtx<'_>) -> AppResult<String> {
    let dati = dati()?;

    for e in &dati.calendario {
        let n = store::NuovoEvento {
            data: e.data,
            tipo: e.tipo.clone(),
            titolo: e.titolo.clone(),
            descrizione: e.descrizione.clone(),
        };
        store::aggiungi_evento(c.db, &c.actor, &n).await?;
    }

    let d = &dati.piano;
    let letto = import::leggi(&d.documento);
    let p = store::salva_piano_letto(c.db, &c.actor, d.anno, &letto).await?;
    store::aggiorna_piano(
        c.db,
        &c.actor,
        p,
        &store::ModificaPiano {
            titolo: d.titolo.clone(),
            stato: d.stato.clone(),
            data_approvazione: Some(d.data_approvazione),
            organo_approvazione: Some(d.organo_approvazione.clone()),
        },
    )
    .await?;
    let vista = store::vista(c.db, c.config, d.anno, false)
        .await?
        .expect("the plan just saved");
    let trova = |frammento: &str| {
        vista
            .obiettivi()
            .find(|o| o.o.titolo.contains(frammento))
            .map(|o| o.o.clone())
            .ok_or_else(|| AppError::interno(format!("obiettivo demo «{frammento}» mancante")))
    };
    let staff = persona::Entity::find().all(c.db).await?;
    let persona = |nome: &str| {
        staff
            .iter()
            .find(|p| format!("{} {}", p.nome, p.cognome) == nome)
    };
    for s in &dati.obiettivi {
        let o = trova(&s.obiettivo)?;
        let m = store::ModificaObiettivo {
            titolo: o.titolo.clone(),
            responsabile_id: s.responsabile.as_deref().and_then(persona).map(|p| p.id),
            settore: Some(s.settore.clone()),
            stato: s.stato.clone(),
            fonte_progresso: s.fonte_progresso.clone(),
            progresso_manuale: s.progresso_manuale,
            peso: s.peso,
            pubblico: s.pubblico,
            scadenza: Some(s.scadenza),
            priorita: s.priorita.clone(),
            descrizione: None,
        };
        store::aggiorna_obiettivo(c.db, &c.actor, o, &m).await?;
    }
    let mut n_misure = 0;
    for ind in &dati.indicatori {
        let o = trova(&ind.obiettivo)?;
        let n = store::NuovoIndicatore {
            nome: ind.nome.clone(),
            unita: ind.unita.clone(),
            direzione: ind.direzione.clone(),
            valore_base: ind.valore_base,
            valore_obiettivo: ind.valore_obiettivo,
        };
        let i = store::aggiungi_indicatore(c.db, &c.actor, &o, &n).await?;
        for m in &ind.misure {
            store::registra_misura(c.db, &c.actor, &i, m.data, m.valore, None).await?;
            n_misure += 1;
        }
    }
    for a in &dati.aggiornamenti {
        let o = store::obiettivo(c.db, &trova(&a.obiettivo)?.public_id).await?;
        let n = store::NuovoAggiornamento {
            data: a.data,
            testo: a.testo.clone(),
            allegato_url: None,
            nuovo_stato: a.nuovo_stato.clone(),
            nuovo_progresso: None,
        };
        store::aggiungi_aggiornamento(c.db, &c.actor, &a.autore, o, &n).await?;
    }
    for l in &dati.collegamenti {
        let o = trova(&l.obiettivo)?;
        let chiave = match l.tipo.as_str() {
            "organizzazione" => organizzazione::Entity::find()
                .filter(organizzazione::Column::Nome.eq(l.chiave.as_str()))
                .one(c.db)
                .await?
                .map(|o| o.public_id),
            "persona" => persona(&l.chiave).map(|p| p.public_id.clone()),
            _ => Some(l.chiave.clone()),
        }
        .ok_or_else(|| AppError::interno(format!("collegamento demo {}", l.chiave)))?;
        store::collega(c.db, &c.actor, &o, &l.tipo, &chiave).await?;
    }
    Ok(format!(
        "piano {} con {} aree e {} obiettivi, {} indicatori con {n_misure} misure, {} aggiornamenti, {} collegamenti; calendario politico con {} eventi",
        d.anno,
        letto.aree.len(),
        dati.obiettivi.len(),
        dati.indicatori.len(),
        dati.aggiornamenti.len(),
        dati.collegamenti.len(),
        dati.calendario.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file reads, and every objective it names is exactly one objective of its document.
    #[test]
    fn the_demo_data_reads_and_names_its_objectives() {
        let dati = dati().expect("data/demo/piano.toml reads");
        let letto = import::leggi(&dati.piano.documento);
        let titoli: Vec<&String> = letto.aree.iter().flat_map(|a| &a.obiettivi).collect();
        assert_eq!(titoli.len(), dati.obiettivi.len());
        let nomi = dati
            .obiettivi
            .iter()
            .map(|o| &o.obiettivo)
            .chain(dati.indicatori.iter().map(|i| &i.obiettivo))
            .chain(dati.aggiornamenti.iter().map(|a| &a.obiettivo))
            .chain(dati.collegamenti.iter().map(|l| &l.obiettivo));
        for f in nomi {
            let n = titoli.iter().filter(|t| t.contains(f.as_str())).count();
            assert_eq!(n, 1, "«{f}» names {n} objectives");
        }
    }
}
