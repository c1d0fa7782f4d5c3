//! From a CAP document to what the public state needs ([`Avviso`]): for each info block (the
//! Italian ones when there are, otherwise all) its risk, its level and the comuni of its areas.
//! Areas are matched by geocode (ISTAT code of a comune, code of an alert zone, a geocode of
//! another system mapped in `geocodici_allerta`), else by their polygons and circles on the
//! comuni's boundaries.

use piazza_cap::{Alert, Info, MsgType, Severity, Status};

use super::bollettino::Livello;
use super::registro::{Avviso, Tipo, Voce};
use super::store::Documento;
use crate::kit::text::normalize;
use crate::territorio::Territorio;

/// The risks of the public state: code, name.
pub const RISCHI: &[(&str, &str)] = &[
    ("idrogeologico", "Idrogeologico"),
    ("idraulico", "Idraulico"),
    ("temporali", "Temporali"),
    ("vento", "Vento"),
    ("mareggiate", "Mareggiate"),
    ("neve", "Neve"),
    ("ghiaccio", "Ghiaccio"),
    ("incendi_boschivi", "Incendi boschivi"),
    ("altro", "Altro"),
];

/// The risk of an info block: an event code naming one of [`RISCHI`], else MeteoAlarm's
/// `awareness_type`, else words of the event, else `altro`.
pub fn rischio(info: &Info) -> &'static str {
    for c in &info.event_codes {
        if c.value_name.to_lowercase().ends_with("rischio")
            && let Some((k, _)) = RISCHI.iter().find(|(k, _)| *k == c.value.trim())
        {
            return k;
        }
    }
    if let Some(t) = info.parameter("awareness_type") {
        let n = t.split(';').next().unwrap_or_default().trim();
        let r = match n {
            "1" => Some("vento"),
            "2" | "9" => Some("neve"),
            "3" => Some("temporali"),
            "6" => Some("ghiaccio"),
            "7" => Some("mareggiate"),
            "8" => Some("incendi_boschivi"),
            "10" => Some("idrogeologico"),
            "12" | "13" => Some("idraulico"),
            "4" | "5" => Some("altro"),
            _ => None,
        };
        if let Some(r) = r {
            return r;
        }
    }
    let e = normalize(&info.event);
    const PAROLE: &[(&str, &str)] = &[
        ("idrogeolog", "idrogeologico"),
        ("idraulic", "idraulico"),
        ("flood", "idraulico"),
        ("temporal", "temporali"),
        ("thunder", "temporali"),
        ("mareggiat", "mareggiate"),
        ("coastal", "mareggiate"),
        ("vento", "vento"),
        ("wind", "vento"),
        ("neve", "neve"),
        ("snow", "neve"),
        ("ghiaccio", "ghiaccio"),
        ("ice", "ghiaccio"),
        ("incend", "incendi_boschivi"),
        ("fire", "incendi_boschivi"),
    ];
    PAROLE
        .iter()
        .find(|(p, _)| e.contains(p))
        .map(|(_, r)| *r)
        .unwrap_or("altro")
}

/// The level of an info block: MeteoAlarm's `awareness_level` (`3; orange; Severe`), else the
/// severity (Extreme red, Severe orange, Moderate yellow, otherwise green).
pub fn livello(info: &Info) -> Livello {
    if let Some(l) = info.parameter("awareness_level") {
        match l.split(';').next().unwrap_or_default().trim() {
            "1" => return Livello::Verde,
            "2" => return Livello::Giallo,
            "3" => return Livello::Arancione,
            "4" => return Livello::Rosso,
            _ => {}
        }
    }
    match info.severity {
        Some(Severity::Extreme) => Livello::Rosso,
        Some(Severity::Severe) => Livello::Arancione,
        Some(Severity::Moderate) => Livello::Giallo,
        _ => Livello::Verde,
    }
}

/// A geocode of another system and the comuni (ISTAT codes) it covers here (from the
/// `geocodici_allerta` table: MeteoAlarm's EMMA_ID of the region, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct Mappatura {
    pub value_name: String,
    pub valore: String,
    pub comuni: Vec<String>,
}

/// Resolves a stored destination (`regione`, `zona:<code>`, `comune:<ISTAT code>`) to comuni;
/// `None` if it names nothing known.
pub fn destinazione(d: &str, t: &Territorio) -> Option<Vec<String>> {
    let v: Vec<String> = match d.trim().split_once(':') {
        None if d.trim() == "regione" => t.comuni.iter().map(|c| c.codice_istat.clone()).collect(),
        Some(("zona", z)) => t
            .zona(z.trim())?
            .comuni
            .iter()
            .map(|i| t.comuni[*i].codice_istat.clone())
            .collect(),
        Some(("comune", c)) => vec![t.comune(c.trim())?.codice_istat.clone()],
        _ => return None,
    };
    (!v.is_empty()).then_some(v)
}

/// The comuni (ISTAT codes) of an info block's areas: by geocode (ISTAT code of a comune, code
/// of an alert zone, a mapped geocode of another system); an area that no geocode matched, by
/// its polygons and circles on the comuni's boundaries.
pub fn comuni(info: &Info, t: &Territorio, mappe: &[Mappatura]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for area in &info.areas {
        let prima = out.len();
        for g in &area.geocodes {
            let nome = g.value_name.to_uppercase();
            let v = g.value.trim();
            if let Some(m) = mappe
                .iter()
                .find(|m| m.value_name.eq_ignore_ascii_case(&nome) && m.valore == v)
            {
                out.extend(m.comuni.iter().cloned());
            } else if nome.contains("ISTAT") {
                out.extend(t.comune(v).map(|c| c.codice_istat.clone()));
            } else if nome.contains("ZONA")
                && let Some(z) = t
                    .zone
                    .iter()
                    .find(|z| z.codice == v || z.codice_dpc.as_deref() == Some(v))
            {
                out.extend(z.comuni.iter().map(|i| t.comuni[*i].codice_istat.clone()));
            }
        }
        if out.len() == prima {
            out.extend(super::area::comuni_toccati(area, &t.confini));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// What the public state needs of a CAP alert.
pub fn avviso(a: &Alert, t: &Territorio, mappe: &[Mappatura]) -> Avviso {
    let italiane: Vec<&Info> = a.infos_in("it").collect();
    let infos: Vec<&Info> = if italiane.is_empty() {
        a.infos.iter().collect()
    } else {
        italiane
    };
    let prima = |f: fn(&Info) -> Option<&piazza_cap::CapTime>| {
        infos
            .iter()
            .filter_map(|i| f(i))
            .map(|c| c.at.to_utc())
            .min()
    };
    Avviso {
        chiave: a.key(),
        tipo: match a.msg_type {
            Some(MsgType::Alert) => Tipo::Alert,
            Some(MsgType::Update) => Tipo::Update,
            Some(MsgType::Cancel) => Tipo::Cancel,
            Some(MsgType::Ack) => Tipo::Ack,
            // An unknown or missing type never changes the public state.
            _ => Tipo::Error,
        },
        reale: a.status == Some(Status::Actual),
        riferimenti: a
            .references
            .iter()
            .map(|r| (r.sender.clone(), r.identifier.clone(), r.sent.clone()))
            .collect(),
        voci: infos
            .iter()
            .map(|i| Voce {
                rischio: rischio(i).to_owned(),
                livello: livello(i),
                comuni: comuni(i, t, mappe),
            })
            .filter(|v| !v.comuni.is_empty())
            .collect(),
        inizio: prima(|i| i.onset.as_ref().or(i.effective.as_ref()))
            .or_else(|| a.sent.as_ref().map(|s| s.at.to_utc())),
        scadenza: infos
            .iter()
            .filter_map(|i| i.expires.as_ref())
            .map(|c| c.at.to_utc())
            .max(),
    }
}

/// A CAP alert as a document for the store: the rules' view and the texts of its first
/// Italian info block (else the first), with the raw XML.
pub fn documento(a: &Alert, testo: &str, t: &Territorio, mappe: &[Mappatura]) -> Documento {
    let info = a.infos_in("it").next().or(a.infos.first());
    let campo = |f: fn(&Info) -> Option<&String>| {
        info.and_then(f)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let aree: Vec<&str> = info
        .map(|i| i.areas.iter().map(|a| a.area_desc.as_str()).collect())
        .unwrap_or_default();
    let evento = info.map(|i| i.event.trim().to_owned()).unwrap_or_default();
    Documento {
        avviso: avviso(a, t, mappe),
        msg_type: a
            .msg_type
            .as_ref()
            .map(|m| m.as_str().to_owned())
            .unwrap_or_default(),
        status: a
            .status
            .as_ref()
            .map(|m| m.as_str().to_owned())
            .unwrap_or_default(),
        esercitazione: a.status == Some(Status::Exercise),
        inviato_at: a
            .sent
            .as_ref()
            .map(|s| s.at.to_utc())
            .unwrap_or_else(chrono::Utc::now),
        titolo: campo(|i| i.headline.as_ref()).unwrap_or_else(|| evento.clone()),
        evento,
        descrizione: campo(|i| i.description.as_ref()),
        istruzioni: campo(|i| i.instruction.as_ref()),
        area: (!aree.is_empty()).then(|| aree.join("; ")),
        comune_id: None,
        testo: testo.to_owned(),
    }
}
