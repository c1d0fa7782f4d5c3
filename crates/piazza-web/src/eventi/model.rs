//! Eventi's types: kinds of event, the event form (sessions typed one a line) and the
//! proposal a comune sends.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;

use crate::kit::fmt;
use crate::kit::text::non_empty;
use crate::kit::view::FormErrors;
use crate::registrazioni::model::{Domanda, IDONEITA, TIPI_ORGANIZZAZIONE, leggi_domande};
use crate::registrazioni::store::NuovaSessione;

pub const TIPI: &[(&str, &str)] = &[
    ("incontro_istituzionale", "Incontro istituzionale"),
    ("convegno", "Convegno"),
    ("webinar", "Webinar"),
    ("evento_annuale", "Evento annuale"),
    ("incontro_presidente", "Incontro del Presidente"),
    ("evento_comune", "Evento di un comune"),
    ("evento_partner", "Evento con partner"),
];

pub const STATI: &[(&str, &str)] = &[
    ("bozza", "Bozza"),
    ("pubblicato", "Pubblicato"),
    ("annullato", "Annullato"),
];

pub const RUOLI_PARTNER: &[(&str, &str)] = &[
    ("partner", "Partner"),
    ("patrocinio", "Patrocinio"),
    ("organizzatore", "Co-organizzatore"),
];

pub const SUPPORTI: &[(&str, &str)] = &[
    ("organizzativo", "Supporto organizzativo"),
    ("promozionale", "Promozione"),
    ("patrocinio", "Patrocinio"),
    ("relatori", "Relatori"),
];

pub fn nome(tabella: &[(&str, &'static str)], k: &str) -> &'static str {
    tabella
        .iter()
        .find(|(c, _)| *c == k)
        .map_or("—", |(_, n)| n)
}

/// The event form as posted.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct EventoForm {
    #[serde(default)]
    pub titolo: String,
    #[serde(default)]
    pub tipo: String,
    #[serde(default)]
    pub descrizione: String,
    #[serde(default)]
    pub comune: String,
    #[serde(default)]
    pub indirizzo: String,
    #[serde(default)]
    pub link_online: String,
    #[serde(default)]
    pub relatori: String,
    #[serde(default)]
    pub sessioni: String,
    #[serde(default)]
    pub capienza: String,
    #[serde(default)]
    pub idoneita: String,
    #[serde(default)]
    pub approvazione: Option<String>,
    #[serde(default)]
    pub quota_comune: String,
    #[serde(default)]
    pub ore_offerta: String,
    #[serde(default)]
    pub apertura: String,
    #[serde(default)]
    pub chiusura: String,
    #[serde(default)]
    pub domande: String,
    #[serde(default)]
    pub stato: String,
    #[serde(default)]
    pub patrocinio: Option<String>,
    /// The project the event belongs to (its code).
    #[serde(default)]
    pub progetto: String,
    /// The other fields: the quotas per type of organisation are `quota_tipo_{type}`.
    #[serde(flatten)]
    pub altri: BTreeMap<String, String>,
}

/// The form field of the quota of a type of organisation.
pub fn campo_quota(tipo: &str) -> String {
    format!("quota_tipo_{tipo}")
}

/// A valid event.
#[derive(Debug, Clone)]
pub struct NuovoEvento {
    pub titolo: String,
    pub tipo: String,
    pub descrizione: String,
    pub comune_id: Option<i64>,
    pub indirizzo: Option<String>,
    pub link_online: Option<String>,
    pub relatori: Option<String>,
    pub sessioni: Vec<NuovaSessione>,
    pub capienza: i32,
    pub idoneita: String,
    pub approvazione: bool,
    pub quota_comune: Option<i32>,
    pub quote_tipo: BTreeMap<String, i32>,
    pub ore_offerta: i32,
    pub apre_at: Option<DateTime<Utc>>,
    pub chiude_at: Option<DateTime<Utc>>,
    pub domande: Vec<Domanda>,
    pub stato: String,
    pub patrocinio: bool,
    pub progetto: Option<String>,
}

/// A time range as typed: `09:30-13:00`, `9.30 – 13`, `14:30 - 16.15`.
fn orari_da(t: &str) -> Option<(NaiveTime, NaiveTime)> {
    let t: String = t
        .replace(['–', '—'], "-")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let ora = |t: &str| {
        let t = t.replace('.', ":");
        NaiveTime::parse_from_str(&t, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(&format!("{t}:00"), "%H:%M"))
            .ok()
    };
    let (a, b) = t.split_once('-')?;
    Some((ora(a)?, ora(b)?))
}

/// One session a line: `15/05/2020 09:30-13:00 Title @ place [40 posti]` (title, place and
/// the session's own seats optional).
pub fn leggi_sessioni(s: &str, e: &mut FormErrors) -> Vec<NuovaSessione> {
    let mut v = Vec::new();
    for (n, riga) in s
        .lines()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .enumerate()
    {
        let mut parti = riga.splitn(2, char::is_whitespace);
        let data = parti.next().and_then(fmt::parse_date);
        // The times as people type them («9.30 – 13», «09:30-13:00», a dash with or without
        // spaces): the fewest words that read as a range; the rest of the line is kept as typed.
        let parole: Vec<&str> = parti.next().unwrap_or("").split_whitespace().collect();
        let (orari, usate) = (1..=parole.len().min(3))
            .find_map(|k| orari_da(&parole[..k].join(" ")).map(|o| (Some(o), k)))
            .unwrap_or((None, 0));
        let resto_riga = riga
            .split_once(char::is_whitespace)
            .map_or("", |(_, r)| r)
            .trim_start();
        // Skip the words used by the times, keeping the spacing of the rest.
        let mut resto_testo = resto_riga;
        for _ in 0..usate {
            resto_testo = resto_testo
                .trim_start()
                .split_once(char::is_whitespace)
                .map_or("", |(_, r)| r);
        }
        let (Some(data), Some((da, a))) = (data, orari) else {
            e.add(
                "sessioni",
                format!(
                    "Riga {}: scrivi data e orario come «15/05/2020 09:30-13:00 Titolo @ luogo».",
                    n + 1
                ),
            );
            continue;
        };
        if a <= da {
            e.add(
                "sessioni",
                format!("Riga {}: l'orario di fine precede l'inizio.", n + 1),
            );
            continue;
        }
        let mut resto = resto_testo.trim();
        // Its own seats at the end: `[40 posti]`.
        let mut capienza = None;
        if let Some(prima) = resto.strip_suffix(']')
            && let Some((testo, posti)) = prima.rsplit_once('[')
        {
            let quanti = posti
                .trim()
                .trim_end_matches("posti")
                .trim_end_matches("posto")
                .trim();
            match quanti.replace('.', "").parse::<i32>() {
                Ok(c) if (1..=100_000).contains(&c) => capienza = Some(c),
                _ => {
                    e.add(
                        "sessioni",
                        format!(
                            "Riga {}: scrivi i posti della sessione come «[40 posti]».",
                            n + 1
                        ),
                    );
                    continue;
                }
            }
            resto = testo.trim();
        }
        let (titolo, luogo) = match resto.split_once('@') {
            Some((t, l)) => (t.trim(), non_empty(l)),
            None => (resto, None),
        };
        v.push(NuovaSessione {
            titolo: if titolo.is_empty() {
                format!("Sessione {}", n + 1)
            } else {
                titolo.into()
            },
            inizio: fmt::da_ora_italiana(data.and_time(da)),
            fine: fmt::da_ora_italiana(data.and_time(a)),
            luogo,
            capienza,
        });
    }
    if v.is_empty() && !e.has("sessioni") {
        e.add("sessioni", "Indica almeno una sessione (data e orario).");
    }
    if v.len() > 30 {
        e.add("sessioni", "Al massimo 30 sessioni.");
    }
    v.sort_by_key(|s| s.inizio);
    v
}

/// The sessions as typed (the inverse of [`leggi_sessioni`]).
pub fn scrivi_sessioni(s: &[piazza_db::entities::offerta_sessione::Model]) -> String {
    s.iter()
        .map(|x| {
            let (da, a) = (fmt::ora_italiana(x.inizio), fmt::ora_italiana(x.fine));
            let mut r = format!("{} {}-{} {}", &da[..10], &da[11..], &a[11..], x.titolo);
            if let Some(l) = &x.luogo {
                r.push_str(" @ ");
                r.push_str(l);
            }
            if let Some(c) = x.capienza {
                r.push_str(&format!(" [{c} posti]"));
            }
            r
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn intero(e: &mut FormErrors, campo: &'static str, v: &str, min: i32, max: i32) -> Option<i32> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    match v.replace('.', "").parse::<i32>() {
        Ok(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            e.add(
                campo,
                format!(
                    "Scrivi un numero intero da {min} a {}.",
                    fmt::int(max.into())
                ),
            );
            None
        }
    }
}

impl EventoForm {
    pub fn validate(
        &self,
        comune: impl Fn(&str) -> Option<i64>,
    ) -> Result<NuovoEvento, FormErrors> {
        let mut e = FormErrors::default();
        for (campo, v, max) in [
            ("titolo", &self.titolo, 200),
            ("descrizione", &self.descrizione, 5000),
            ("indirizzo", &self.indirizzo, 200),
            ("link_online", &self.link_online, 500),
            ("relatori", &self.relatori, 1000),
            ("sessioni", &self.sessioni, 4000),
            ("domande", &self.domande, 3000),
            ("progetto", &self.progetto, 100),
        ] {
            e.lunghezza(campo, v, max);
        }
        if self.titolo.trim().is_empty() {
            e.add("titolo", "Indica il titolo dell'evento.");
        }
        if !TIPI.iter().any(|(k, _)| *k == self.tipo) {
            e.add("tipo", "Scegli il tipo di evento.");
        }
        let comune_id = match non_empty(&self.comune).as_deref() {
            None => None,
            Some(c) => {
                let id = comune(c);
                if id.is_none() {
                    e.add(
                        "comune",
                        "Comune non trovato: scrivi il nome di un comune toscano.",
                    );
                }
                id
            }
        };
        let link = non_empty(&self.link_online);
        if let Some(l) = &link
            && (!(l.starts_with("https://") || l.starts_with("http://"))
                || l.contains(char::is_whitespace))
        {
            e.add(
                "link_online",
                "Il collegamento deve essere un indirizzo web (https://…).",
            );
        }
        if comune_id.is_none() && link.is_none() && !e.has("comune") {
            e.add(
                "comune",
                "Indica dove si tiene: un comune (con l'indirizzo) o un collegamento online.",
            );
        }
        let sessioni = leggi_sessioni(&self.sessioni, &mut e);
        let capienza = intero(&mut e, "capienza", &self.capienza, 1, 100_000);
        if capienza.is_none() && !e.has("capienza") {
            e.add("capienza", "Indica quanti posti ci sono.");
        }
        let idoneita = if self.idoneita.is_empty() {
            "tutti"
        } else {
            self.idoneita.as_str()
        };
        if !IDONEITA.iter().any(|(k, _)| *k == idoneita) {
            e.add("idoneita", "Scegli chi può registrarsi.");
        }
        let quota_comune = intero(&mut e, "quota_comune", &self.quota_comune, 1, 100_000);
        let mut quote_tipo = BTreeMap::new();
        for (k, nome) in TIPI_ORGANIZZAZIONE {
            let v = self.altri.get(&campo_quota(k)).map_or("", |v| v.trim());
            if v.is_empty() {
                continue;
            }
            match v.replace('.', "").parse::<i32>() {
                Ok(n) if (0..=100_000).contains(&n) => {
                    quote_tipo.insert((*k).to_owned(), n);
                }
                _ => e.add(
                    "quote_tipo",
                    format!("{nome}: scrivi un numero intero di posti (0 se non può registrarsi)."),
                ),
            }
        }
        let ore_offerta = intero(&mut e, "ore_offerta", &self.ore_offerta, 0, 720).unwrap_or(48);
        let apre_at = e
            .date("apertura", &self.apertura)
            .map(|d: NaiveDate| fmt::da_ora_italiana(d.and_time(NaiveTime::MIN)));
        let chiude_at = e.date("chiusura", &self.chiusura).map(|d: NaiveDate| {
            fmt::da_ora_italiana(d.and_hms_opt(23, 59, 59).expect("valid time"))
        });
        if let (Some(a), Some(c)) = (apre_at, chiude_at)
            && c < a
        {
            e.add(
                "chiusura",
                "La chiusura delle registrazioni precede l'apertura.",
            );
        }
        let domande = leggi_domande(&self.domande, &mut e);
        let stato = if self.stato.is_empty() {
            "bozza"
        } else {
            self.stato.as_str()
        };
        if !STATI.iter().any(|(k, _)| *k == stato) {
            e.add("stato", "Stato non valido.");
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(NuovoEvento {
            titolo: self.titolo.trim().into(),
            tipo: self.tipo.clone(),
            descrizione: self.descrizione.trim().into(),
            comune_id,
            indirizzo: non_empty(&self.indirizzo),
            link_online: link,
            relatori: non_empty(&self.relatori),
            sessioni,
            capienza: capienza.unwrap_or(1),
            idoneita: idoneita.into(),
            approvazione: self.approvazione.is_some(),
            quota_comune,
            quote_tipo,
            ore_offerta,
            apre_at,
            chiude_at,
            domande,
            stato: stato.into(),
            patrocinio: self.patrocinio.is_some(),
            progetto: non_empty(&self.progetto),
        })
    }
}

/// The proposal form of a comune's referente.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct PropostaForm {
    #[serde(default)]
    pub comune: String,
    #[serde(default)]
    pub titolo: String,
    #[serde(default)]
    pub descrizione: String,
    #[serde(default)]
    pub data_prevista: String,
    #[serde(default)]
    pub luogo: String,
}

/// The evaluation criteria of a proposal, each scored 0–3 by the office.
pub const CRITERI: &[(&str, &str)] = &[
    ("coerenza", "Coerenza con il piano di attività"),
    ("territorio", "Rilevanza per il territorio"),
    ("rete", "Coinvolgimento di altri comuni"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_read_one_a_line() {
        let mut e = FormErrors::default();
        let s = leggi_sessioni(
            "15/05/2020 09:30-13:00 Plenaria @ Teatro, Firenze\n16/05/2020 10:00-12:00 [40 posti]",
            &mut e,
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].titolo, "Plenaria");
        assert_eq!(s[0].luogo.as_deref(), Some("Teatro, Firenze"));
        assert_eq!((s[0].fine - s[0].inizio).num_minutes(), 210);
        assert_eq!(s[1].titolo, "Sessione 2");
        assert_eq!((s[0].capienza, s[1].capienza), (None, Some(40)));
        let mut e = FormErrors::default();
        leggi_sessioni("16/05/2020 10:00-12:00 Laboratorio [tanti posti]", &mut e);
        assert!(e.get("sessioni").unwrap().contains("[40 posti]"));
        let mut e = FormErrors::default();
        let s = leggi_sessioni(
            "5/6/2020 9.30 – 13 Apertura — gruppo A @ Sala 1 - piano terra\n\
             05/06/2020 14:30 - 16.15\n05/06/2020 17:00-18:00 2° tavolo",
            &mut e,
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!((s[0].fine - s[0].inizio).num_minutes(), 210);
        assert_eq!((s[1].fine - s[1].inizio).num_minutes(), 105);
        assert_eq!(s[0].titolo, "Apertura — gruppo A", "titles kept as typed");
        assert_eq!(s[0].luogo.as_deref(), Some("Sala 1 - piano terra"));
        assert_eq!(s[2].titolo, "2° tavolo");
        let mut e = FormErrors::default();
        leggi_sessioni("domani alle nove", &mut e);
        assert!(e.get("sessioni").unwrap().contains("Riga 1"));
    }
}
