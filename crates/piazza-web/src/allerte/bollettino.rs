//! The national hydro-geological and hydraulic criticality bulletin of the Civil Protection
//! Department (format: `data/dpc-bollettini/README.md`): the index JSON of a bulletin and the
//! TopoJSON of a day, read into levels per zone and risk, then matched to the region's alert
//! zones by name and so to comuni (a comune in two zones takes the higher level). Pure: no I/O.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Deserialize;

use super::registro::{Avviso, Tipo, Voce};
use super::store::Documento;
use crate::kit::fmt;
use crate::kit::text::normalize;
use crate::territorio::Territorio;

/// The alert levels, in increasing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Livello {
    Verde,
    Giallo,
    Arancione,
    Rosso,
}

impl Livello {
    /// From the bulletin's text: `… / NESSUNA ALLERTA`, `… / ALLERTA GIALLA|ARANCIONE|ROSSA`.
    pub fn dal_bollettino(s: &str) -> Option<Self> {
        let t = s.to_uppercase();
        let coda = t.rsplit('/').next().unwrap_or(&t).trim();
        Some(match coda {
            "NESSUNA ALLERTA" => Self::Verde,
            "ALLERTA GIALLA" => Self::Giallo,
            "ALLERTA ARANCIONE" => Self::Arancione,
            "ALLERTA ROSSA" => Self::Rosso,
            _ => return None,
        })
    }

    pub fn nome(self) -> &'static str {
        match self {
            Self::Verde => "verde",
            Self::Giallo => "giallo",
            Self::Arancione => "arancione",
            Self::Rosso => "rosso",
        }
    }
}

/// The risks the national bulletin covers (the regional alerts cover more).
pub const RISCHI: [(&str, &str); 3] = [
    ("idraulico", "Per rischio idraulico"),
    ("temporali", "Per rischio temporali"),
    ("idrogeologico", "Per rischio idrogeologico"),
];

/// Levels per risk: (risk code of [`RISCHI`], level), in the order of [`RISCHI`].
pub type Livelli = Vec<(&'static str, Livello)>;

/// One alert zone of the bulletin with its level per risk.
#[derive(Debug, Clone, PartialEq)]
pub struct ZonaBollettino {
    pub nome: String,
    pub livelli: Livelli,
    /// The names of the comuni as the bulletin lists them (for checking, not for matching).
    pub comuni: Vec<String>,
}

/// The index of a bulletin: its name, when it was generated, the TopoJSON of today and
/// tomorrow.
#[derive(Debug, Clone, PartialEq)]
pub struct Indice {
    pub nome: String,
    pub generato: DateTime<Utc>,
    pub oggi: String,
    pub domani: String,
}

#[derive(Deserialize)]
struct IndiceJson {
    name: String,
    date: String,
    today: Giorno,
    tomorrow: Giorno,
}

#[derive(Deserialize)]
struct Giorno {
    topo_json: String,
}

pub fn leggi_indice(json: &str) -> Result<Indice, String> {
    let i: IndiceJson = serde_json::from_str(json)
        .map_err(|e| format!("indice del bollettino non leggibile: {e}"))?;
    let generato = DateTime::parse_from_rfc3339(&i.date)
        .map_err(|_| format!("data del bollettino non valida: «{}»", i.date))?
        .with_timezone(&Utc);
    Ok(Indice {
        nome: i.name,
        generato,
        oggi: i.today.topo_json,
        domani: i.tomorrow.topo_json,
    })
}

#[derive(Deserialize)]
struct Topologia {
    #[serde(rename = "type")]
    tipo: String,
    objects: BTreeMap<String, Oggetto>,
}

#[derive(Deserialize)]
struct Oggetto {
    geometries: Vec<Geometria>,
}

#[derive(Deserialize)]
struct Geometria {
    properties: HashMap<String, serde_json::Value>,
}

/// The zones of a day's TopoJSON. Every zone must carry its name and the three levels: a file
/// that does not is refused whole (a half-read bulletin must never change the state).
pub fn leggi_topojson(json: &str) -> Result<Vec<ZonaBollettino>, String> {
    leggi_giorno(json).map(|(_, zone)| zone)
}

/// A day's TopoJSON: the name of its object (`20231103_1614_today`) and its zones.
pub fn leggi_giorno(json: &str) -> Result<(String, Vec<ZonaBollettino>), String> {
    let t: Topologia =
        serde_json::from_str(json).map_err(|e| format!("TopoJSON non leggibile: {e}"))?;
    if t.tipo != "Topology" {
        return Err(format!(
            "atteso un TopoJSON («Topology»), trovato «{}»",
            t.tipo
        ));
    }
    let (nome_oggetto, oggetto) = t
        .objects
        .into_iter()
        .next()
        .ok_or("il TopoJSON non contiene zone")?;
    let mut zone = Vec::with_capacity(oggetto.geometries.len());
    for (k, g) in oggetto.geometries.iter().enumerate() {
        let testo = |chiave: &str| g.properties.get(chiave).and_then(|v| v.as_str());
        let nome = testo("Nome zona")
            .ok_or_else(|| format!("zona {}: manca «Nome zona»", k + 1))?
            .to_owned();
        let mut livelli = Vec::with_capacity(3);
        for (codice, chiave) in RISCHI {
            let v = testo(chiave).ok_or_else(|| format!("zona «{nome}»: manca «{chiave}»"))?;
            let l = Livello::dal_bollettino(v)
                .ok_or_else(|| format!("zona «{nome}»: livello «{v}» sconosciuto"))?;
            livelli.push((codice, l));
        }
        let comuni = g
            .properties
            .get("Comuni")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        zone.push(ZonaBollettino {
            nome,
            livelli,
            comuni,
        });
    }
    if zone.is_empty() {
        return Err("il TopoJSON non contiene zone".into());
    }
    Ok((nome_oggetto, zone))
}

/// What a day's file name says: `20231103_1614_today` → publication (Italian time), the day
/// the levels are for, and whether it is today's or tomorrow's.
pub fn giorno_del_nome(nome: &str) -> Result<(NaiveDateTime, NaiveDate, bool), String> {
    let errore = || format!("nome del giorno del bollettino non riconosciuto: «{nome}»");
    let mut parti = nome.split('_');
    let (Some(g), Some(o), Some(q)) = (parti.next(), parti.next(), parti.next()) else {
        return Err(errore());
    };
    let pubblicato =
        NaiveDateTime::parse_from_str(&format!("{g}{o}"), "%Y%m%d%H%M").map_err(|_| errore())?;
    let domani = match q.split('.').next() {
        Some("today") => false,
        Some("tomorrow") => true,
        _ => return Err(errore()),
    };
    let giorno = pubblicato.date() + chrono::Duration::days(domani as i64);
    Ok((pubblicato, giorno, domani))
}

/// A day of a bulletin as a document for the store: the region's comuni with their levels for
/// that day (00:00–24:00 Italian time). `generato` is the bulletin's generation time (from the
/// index), else its publication time from the file name.
pub fn documento(
    json: &str,
    generato: Option<DateTime<Utc>>,
    t: &Territorio,
) -> Result<Documento, String> {
    let (nome, zone) = leggi_giorno(json)?;
    let (pubblicato, giorno, domani) = giorno_del_nome(&nome)?;
    let livelli = livelli_per_comune(&zone, t)?;
    let inviato = generato.unwrap_or_else(|| fmt::da_ora_italiana(pubblicato));
    let mut voci: Vec<Voce> = Vec::new();
    for (k, (rischio, _)) in RISCHI.iter().enumerate() {
        for l in [Livello::Giallo, Livello::Arancione, Livello::Rosso] {
            let comuni: Vec<String> = livelli
                .iter()
                .filter(|(_, v)| v[k].1 == l)
                .map(|(c, _)| c.clone())
                .collect();
            if !comuni.is_empty() {
                voci.push(Voce {
                    rischio: (*rischio).to_owned(),
                    livello: l,
                    comuni,
                });
            }
        }
    }
    let mut in_allerta: Vec<String> = Vec::new();
    for z in &t.zone {
        let Some(b) = zone
            .iter()
            .find(|b| normalize(&b.nome) == normalize(&z.nome))
        else {
            continue;
        };
        let sopra: Vec<String> = b
            .livelli
            .iter()
            .filter(|(_, l)| *l > Livello::Verde)
            .map(|(r, l)| format!("{r} {}", l.nome()))
            .collect();
        if !sopra.is_empty() {
            in_allerta.push(format!("{}: {}", z.nome, sopra.join(", ")));
        }
    }
    let inizio = fmt::da_ora_italiana(giorno.and_hms_opt(0, 0, 0).expect("midnight"));
    let scadenza = fmt::da_ora_italiana(
        (giorno + chrono::Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .expect("midnight"),
    );
    let quando = if domani { "domani" } else { "oggi" };
    Ok(Documento {
        avviso: Avviso {
            chiave: (MITTENTE.into(), nome.clone(), inviato.to_rfc3339()),
            tipo: Tipo::Alert,
            reale: true,
            riferimenti: Vec::new(),
            voci,
            inizio: Some(inizio),
            scadenza: Some(scadenza),
        },
        msg_type: "Alert".into(),
        status: "Actual".into(),
        esercitazione: false,
        inviato_at: inviato,
        evento: "Criticità idrogeologica e idraulica".into(),
        titolo: format!(
            "Bollettino nazionale di criticità del {} ({quando}, {})",
            fmt::date(pubblicato.date()),
            fmt::date(giorno)
        ),
        descrizione: Some(if in_allerta.is_empty() {
            "Nessuna zona della Toscana in allerta.".into()
        } else {
            format!("Zone in allerta: {}.", in_allerta.join("; "))
        }),
        istruzioni: None,
        area: Some("Toscana".into()),
        comune_id: None,
        testo: json.to_owned(),
    })
}

/// The sender of the national bulletin's documents.
pub const MITTENTE: &str = "protezionecivile.gov.it";

/// The levels of the region's comuni from a bulletin: ISTAT code → level per risk (in the order
/// of [`RISCHI`]). Errors if a zone of the region is missing from the bulletin (then nothing
/// must change).
pub fn livelli_per_comune(
    zone: &[ZonaBollettino],
    t: &Territorio,
) -> Result<BTreeMap<String, Livelli>, String> {
    let per_nome: HashMap<String, &ZonaBollettino> =
        zone.iter().map(|z| (normalize(&z.nome), z)).collect();
    let mut out: BTreeMap<String, Livelli> = BTreeMap::new();
    let mut mancanti = Vec::new();
    for z in &t.zone {
        let Some(b) = per_nome.get(&normalize(&z.nome)) else {
            mancanti.push(z.nome.clone());
            continue;
        };
        for i in &z.comuni {
            let codice = t.comuni[*i].codice_istat.clone();
            let e = out
                .entry(codice)
                .or_insert_with(|| RISCHI.iter().map(|(r, _)| (*r, Livello::Verde)).collect());
            for (k, (_, l)) in b.livelli.iter().enumerate() {
                e[k].1 = e[k].1.max(*l);
            }
        }
    }
    if !mancanti.is_empty() {
        return Err(format!(
            "il bollettino non contiene le zone di allerta {}",
            mancanti.join(", ")
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(nome: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/../../data/dpc-bollettini/{nome}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn levels_from_the_bulletin_text() {
        assert_eq!(
            Livello::dal_bollettino(
                "Assenza di fenomeni significativi prevedibili / NESSUNA ALLERTA"
            ),
            Some(Livello::Verde)
        );
        assert_eq!(
            Livello::dal_bollettino("Moderata / ALLERTA ARANCIONE"),
            Some(Livello::Arancione)
        );
        assert_eq!(
            Livello::dal_bollettino("Elevata / ALLERTA ROSSA"),
            Some(Livello::Rosso)
        );
        assert_eq!(Livello::dal_bollettino("boh"), None);
        assert!(Livello::Rosso > Livello::Arancione && Livello::Giallo > Livello::Verde);
    }

    #[test]
    fn the_index_of_a_real_bulletin() {
        let i = leggi_indice(&file("20231103_1614.json")).unwrap();
        assert_eq!(i.nome, "Bollettino del 03 novembre 2023 ore 16:14");
        assert!(i.oggi.ends_with("/files/topojson/20231103_1614_today.json"));
        assert!(
            i.domani
                .ends_with("/files/topojson/20231103_1614_tomorrow.json")
        );
        assert!(
            leggi_indice("{}")
                .unwrap_err()
                .starts_with("indice del bollettino non leggibile")
        );
    }

    #[test]
    fn the_zones_of_a_real_day() {
        let zone = leggi_topojson(&file("20231103_1614_today.stripped.json")).unwrap();
        assert_eq!(zone.len(), 170, "every alert zone of Italy");
        let lunigiana = zone.iter().find(|z| z.nome == "Lunigiana").unwrap();
        assert_eq!(
            lunigiana.livelli,
            [
                ("idraulico", Livello::Arancione),
                ("temporali", Livello::Verde),
                ("idrogeologico", Livello::Giallo)
            ]
        );
        assert_eq!(lunigiana.comuni.len(), 14);
        assert!(leggi_topojson(r#"{"type":"Topology","objects":{}}"#).is_err());
        let senza_livello = r#"{"type":"Topology","objects":{"x":{"geometries":[{"properties":{"Nome zona":"Z"}}]}}}"#;
        assert_eq!(
            leggi_topojson(senza_livello).unwrap_err(),
            "zona «Z»: manca «Per rischio idraulico»"
        );
    }
}
