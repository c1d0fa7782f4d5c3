//! Progetti: the catalogues (kinds, roles, states), the validated forms, and the pure rules —
//! money parsing, the legislature-transition risk, the budget split by year, the success rate
//! of proposals.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::piano::model::{FinestraRischio, RischioLegislatura};
use crate::text::non_empty;
use crate::view::FormErrors;

/// (code, name) catalogues. The code is stored; the name is shown.
pub type Catalogo = &'static [(&'static str, &'static str)];

pub const TIPI: Catalogo = &[
    ("europeo", "Europeo"),
    ("regionale", "Regionale"),
    ("nazionale", "Nazionale"),
    ("altro", "Altro"),
];

pub const RUOLI: Catalogo = &[("capofila", "Capofila"), ("partner", "Partner")];

pub const RUOLI_PARTNER: Catalogo = &[
    ("capofila", "Capofila"),
    ("partner", "Partner"),
    ("associato", "Partner associato"),
];

pub const STATI: Catalogo = &[
    ("idea", "Idea"),
    ("in_preparazione", "In preparazione"),
    ("presentato", "Presentato"),
    ("approvato", "Approvato"),
    ("respinto", "Respinto"),
    ("in_corso", "In corso"),
    ("concluso", "Concluso"),
    ("rendicontato", "Rendicontato"),
    ("chiuso", "Chiuso"),
];

/// States of a project that has its money: counted in the budget summary.
pub const STATI_FINANZIATI: &[&str] = &[
    "approvato",
    "in_corso",
    "concluso",
    "rendicontato",
    "chiuso",
];

/// States in which a change of legislature can still hurt a project.
pub const STATI_VIVI: &[&str] = &["presentato", "approvato", "in_corso"];

pub const TIPI_SCADENZA: Catalogo = &[("milestone", "Milestone"), ("deliverable", "Deliverable")];

pub const STATI_SCADENZA: Catalogo = &[
    ("prevista", "Prevista"),
    ("completata", "Completata"),
    ("annullata", "Annullata"),
];

pub const STATI_WP: Catalogo = &[
    ("da_avviare", "Da avviare"),
    ("in_corso", "In corso"),
    ("completato", "Completato"),
];

pub const STATI_PERIODO: Catalogo = &[
    ("da_presentare", "Da presentare"),
    ("presentato", "Presentato"),
    ("approvato", "Approvato"),
    ("liquidato", "Liquidato"),
];

pub const ESITI: Catalogo = &[
    ("in_preparazione", "In preparazione"),
    ("presentata", "Presentata"),
    ("approvata", "Approvata"),
    ("respinta", "Respinta"),
    ("ritirata", "Ritirata"),
];

/// The name of a code in a catalogue (the code itself when unknown).
pub fn nome(catalogo: Catalogo, codice: &str) -> &'static str {
    catalogo
        .iter()
        .find(|(c, _)| *c == codice)
        .map(|(_, n)| *n)
        .unwrap_or("—")
}

/// The code of a catalogue entry given by code or by name, in any case.
pub fn codice(catalogo: Catalogo, s: &str) -> Option<&'static str> {
    let k = crate::text::normalize(s);
    catalogo
        .iter()
        .find(|(c, n)| crate::text::normalize(c) == k || crate::text::normalize(n) == k)
        .map(|(c, _)| *c)
}

/// An amount in euro as written by a person (`1.234,56`, `1234,5`, `1234.56`, `€ 1.234`) into
/// integer cents. The Italian way wins where it is ambiguous: `1.234` is one thousand two
/// hundred thirty-four euro. Negative amounts and more than two decimals are refused.
pub fn parse_euro(s: &str) -> Result<i64, String> {
    let t: String = s
        .trim()
        .trim_start_matches('€')
        .trim_end_matches('€')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    if t.is_empty() {
        return Err("Importo mancante.".into());
    }
    if t.starts_with('-') {
        return Err(format!("Importo negativo non ammesso: «{}».", s.trim()));
    }
    let (intero, decimali) = if let Some((i, d)) = t.rsplit_once(',') {
        (i.replace('.', ""), d.to_owned())
    } else if t.matches('.').count() == 1 {
        let (i, d) = t.split_once('.').expect("one dot");
        if d.len() == 3 {
            (format!("{i}{d}"), String::new())
        } else {
            (i.to_owned(), d.to_owned())
        }
    } else {
        (t.replace('.', ""), String::new())
    };
    let cifre = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
    let non_valido = || format!("Importo non valido: «{}» (esempio: 1.234,56).", s.trim());
    if !cifre(&intero) || !(decimali.is_empty() || cifre(&decimali)) {
        return Err(non_valido());
    }
    if decimali.len() > 2 {
        return Err(format!("Importo con più di due decimali: «{}».", s.trim()));
    }
    let euro: i64 = intero.parse().map_err(|_| non_valido())?;
    let cent: i64 = format!("{decimali:0<2}")
        .parse()
        .map_err(|_| non_valido())?;
    euro.checked_mul(100)
        .and_then(|e| e.checked_add(cent))
        .filter(|v| *v <= MAX_CENTESIMI)
        .ok_or_else(|| format!("Importo troppo grande: «{}».", s.trim()))
}

/// One hundred billion euro: beyond any project, and far from `i64` overflow in sums.
pub const MAX_CENTESIMI: i64 = 100_000_000_000 * 100;

/// An amount read from a spreadsheet cell as a number of euro.
pub fn euro_da_numero(x: f64) -> Result<i64, String> {
    if !x.is_finite() || x < 0.0 {
        return Err(format!("Importo non valido: {x}."));
    }
    let c = (x * 100.0).round();
    if (x * 100.0 - c).abs() > 1e-6 {
        return Err(format!("Importo con più di due decimali: {x}."));
    }
    if c > MAX_CENTESIMI as f64 {
        return Err(format!("Importo troppo grande: {x}."));
    }
    Ok(c as i64)
}

/// A rate in percent (`85`, `85%`, `82,5`) into hundredths of a percent (0–10.000).
pub fn parse_tasso(s: &str) -> Result<Option<i32>, String> {
    let t = s.trim().trim_end_matches('%').trim();
    if t.is_empty() {
        return Ok(None);
    }
    crate::fmt::parse_numero(t)
        .filter(|x| (0.0..=100.0).contains(x))
        .map(|x| Some((x * 100.0).round() as i32))
        .ok_or_else(|| format!("Percentuale non valida: «{}» (da 0 a 100).", s.trim()))
}

/// Hundredths of a percent shown as `82,5 %`.
pub fn tasso(bp: i32) -> String {
    format!("{} %", crate::fmt::numero(f64::from(bp) / 100.0))
}

/// A project as its form fills it, validated: what the store writes.
#[derive(Debug, Clone, PartialEq)]
pub struct DatiProgetto {
    pub codice: String,
    pub acronimo: String,
    pub titolo: String,
    pub descrizione: Option<String>,
    pub tipo: String,
    pub programma_id: i64,
    pub bando_rif: Option<String>,
    pub ruolo: String,
    pub data_inizio: Option<NaiveDate>,
    pub data_fine: Option<NaiveDate>,
    pub stato: String,
    pub budget_totale: i64,
    pub quota_associazione: i64,
    pub cofinanziamento_bp: Option<i32>,
    pub dipende_regione: bool,
    pub responsabile_id: Option<i64>,
}

/// The project form as posted (every field text; `dipende_regione` a checkbox).
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ProgettoForm {
    #[serde(default)]
    pub codice: String,
    #[serde(default)]
    pub acronimo: String,
    #[serde(default)]
    pub titolo: String,
    #[serde(default)]
    pub descrizione: String,
    #[serde(default)]
    pub tipo: String,
    #[serde(default)]
    pub programma: String,
    #[serde(default)]
    pub bando_rif: String,
    #[serde(default)]
    pub ruolo: String,
    #[serde(default)]
    pub data_inizio: String,
    #[serde(default)]
    pub data_fine: String,
    #[serde(default)]
    pub stato: String,
    #[serde(default)]
    pub budget_totale: String,
    #[serde(default)]
    pub quota_associazione: String,
    #[serde(default)]
    pub cofinanziamento: String,
    #[serde(default)]
    pub dipende_regione: Option<String>,
    #[serde(default)]
    pub responsabile: String,
    /// The approved proposal the project comes from (id), if any.
    #[serde(default)]
    pub proposta: String,
}

impl ProgettoForm {
    /// Validates the form; `programmi` are the ids of the catalogue, `persone` the ids a
    /// responsible person may be chosen from.
    pub fn validate(&self, programmi: &[i64], persone: &[i64]) -> Result<DatiProgetto, FormErrors> {
        let mut e = FormErrors::default();
        let codice = self.codice.trim().to_owned();
        if codice.is_empty() {
            e.add("codice", "Indicare il codice del progetto.");
        } else if codice.len() > 40 {
            e.add("codice", "Il codice è lungo al massimo 40 caratteri.");
        }
        let acronimo = self.acronimo.trim().to_owned();
        if acronimo.is_empty() {
            e.add("acronimo", "Indicare l'acronimo del progetto.");
        }
        let titolo = self.titolo.trim().to_owned();
        if titolo.is_empty() {
            e.add("titolo", "Indicare il titolo del progetto.");
        }
        let tipo = codice_di(
            &mut e,
            "tipo",
            TIPI,
            &self.tipo,
            "Scegliere il tipo di progetto.",
        );
        let ruolo = codice_di(
            &mut e,
            "ruolo",
            RUOLI,
            &self.ruolo,
            "Scegliere il ruolo dell'associazione.",
        );
        let stato = codice_di(
            &mut e,
            "stato",
            STATI,
            &self.stato,
            "Scegliere lo stato del progetto.",
        );
        let programma_id = match self.programma.trim().parse::<i64>() {
            Ok(id) if programmi.contains(&id) => id,
            _ => {
                e.add("programma", "Scegliere il programma o fondo dal catalogo.");
                0
            }
        };
        let data_inizio = e.date("data_inizio", &self.data_inizio);
        let data_fine = e.date("data_fine", &self.data_fine);
        if let (Some(i), Some(f)) = (data_inizio, data_fine)
            && f < i
        {
            e.add("data_fine", "La fine viene prima dell'inizio.");
        }
        let mut importo = |campo: &'static str, v: &str| -> i64 {
            if v.trim().is_empty() {
                return 0;
            }
            parse_euro(v).unwrap_or_else(|m| {
                e.add(campo, m);
                0
            })
        };
        let budget_totale = importo("budget_totale", &self.budget_totale);
        let quota_associazione = importo("quota_associazione", &self.quota_associazione);
        if quota_associazione > budget_totale && !e.has("budget_totale") {
            e.add(
                "quota_associazione",
                "La quota dell'associazione supera il budget totale.",
            );
        }
        let cofinanziamento_bp = parse_tasso(&self.cofinanziamento).unwrap_or_else(|m| {
            e.add("cofinanziamento", m);
            None
        });
        let responsabile_id = match self.responsabile.trim() {
            "" => None,
            v => match v.parse::<i64>() {
                Ok(id) if persone.contains(&id) => Some(id),
                _ => {
                    e.add(
                        "responsabile",
                        "Scegliere il responsabile tra il personale.",
                    );
                    None
                }
            },
        };
        if !e.is_empty() {
            return Err(e);
        }
        Ok(DatiProgetto {
            codice,
            acronimo,
            titolo,
            descrizione: non_empty(&self.descrizione),
            tipo: tipo.into(),
            programma_id,
            bando_rif: non_empty(&self.bando_rif),
            ruolo: ruolo.into(),
            data_inizio,
            data_fine,
            stato: stato.into(),
            budget_totale,
            quota_associazione,
            cofinanziamento_bp,
            dipende_regione: self.dipende_regione.is_some(),
            responsabile_id,
        })
    }
}

/// A catalogue field: the code, or an error on `campo`.
fn codice_di(
    e: &mut FormErrors,
    campo: &'static str,
    catalogo: Catalogo,
    v: &str,
    msg: &str,
) -> &'static str {
    codice(catalogo, v).unwrap_or_else(|| {
        e.add(campo, msg);
        ""
    })
}

/// Why a project is at risk from the change of legislature.
#[derive(Debug, Clone, PartialEq)]
pub enum MotivoRischio {
    /// It ends inside the risk window around the end of the legislature.
    FineNellaFinestra(FinestraRischio),
    /// It lives on regional money and goes on past the end of the legislature, so the next one
    /// has to renew it.
    FondiRegionali(FinestraRischio),
}

impl MotivoRischio {
    pub fn finestra(&self) -> &FinestraRischio {
        match self {
            Self::FineNellaFinestra(f) | Self::FondiRegionali(f) => f,
        }
    }
    pub fn descrizione(&self) -> String {
        match self {
            Self::FineNellaFinestra(f) => format!(
                "termina tra il {} e il {}, a ridosso di «{}» ({})",
                crate::fmt::date(f.dal),
                crate::fmt::date(f.al),
                f.titolo,
                crate::fmt::date(f.fine_legislatura)
            ),
            Self::FondiRegionali(f) => format!(
                "dipende da fondi regionali e prosegue oltre «{}» ({}): serve il rinnovo della nuova legislatura",
                f.titolo,
                crate::fmt::date(f.fine_legislatura)
            ),
        }
    }
}

/// The risk of one project: `regionale` is true when it depends on regional money (its own
/// flag or its programme's). Only projects still alive ([`STATI_VIVI`]) are at risk.
pub fn rischio(
    stato: &str,
    inizio: Option<NaiveDate>,
    fine: Option<NaiveDate>,
    regionale: bool,
    r: &RischioLegislatura,
) -> Vec<MotivoRischio> {
    if !STATI_VIVI.contains(&stato) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for f in &r.finestre {
        if fine.is_some_and(|d| f.dal <= d && d <= f.al) {
            out.push(MotivoRischio::FineNellaFinestra(f.clone()));
        } else if regionale
            && inizio.is_none_or(|d| d <= f.fine_legislatura)
            && fine.is_none_or(|d| d > f.fine_legislatura)
        {
            out.push(MotivoRischio::FondiRegionali(f.clone()));
        }
    }
    out
}

/// Splits an amount over the calendar years of a period, in proportion to the days in each
/// year; the cents lost to rounding go to the last year, so the parts add up exactly.
pub fn ripartisci_per_anno(cents: i64, inizio: NaiveDate, fine: NaiveDate) -> Vec<(i32, i64)> {
    if fine < inizio {
        return vec![(inizio.year(), cents)];
    }
    let giorni_totali = (fine - inizio).num_days() + 1;
    let mut out = Vec::new();
    let mut assegnati = 0i64;
    for anno in inizio.year()..=fine.year() {
        let da = inizio.max(NaiveDate::from_ymd_opt(anno, 1, 1).expect("1 January"));
        let a = fine.min(NaiveDate::from_ymd_opt(anno, 12, 31).expect("31 December"));
        let giorni = (a - da).num_days() + 1;
        let parte = if anno == fine.year() {
            cents - assegnati
        } else {
            (i128::from(cents) * i128::from(giorni) / i128::from(giorni_totali)) as i64
        };
        assegnati += parte;
        out.push((anno, parte));
    }
    out
}

/// Proposals per programme and year: approved, rejected, still open; the success rate counts
/// only the decided ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Successo {
    pub approvate: u32,
    pub respinte: u32,
    pub aperte: u32,
    pub ritirate: u32,
}

impl Successo {
    pub fn conta(&mut self, esito: &str) {
        match esito {
            "approvata" => self.approvate += 1,
            "respinta" => self.respinte += 1,
            "ritirata" => self.ritirate += 1,
            _ => self.aperte += 1,
        }
    }
    /// Approved over decided, in percent; `None` when nothing is decided yet.
    pub fn tasso(&self) -> Option<f64> {
        let decise = self.approvate + self.respinte;
        (decise > 0).then(|| f64::from(self.approvate) * 100.0 / f64::from(decise))
    }
}

/// Success by (programme, year) from (programme, year, outcome) triples.
pub fn tassi_successo<'a>(
    proposte: impl IntoIterator<Item = (&'a str, i32, &'a str)>,
) -> BTreeMap<(String, i32), Successo> {
    let mut out: BTreeMap<(String, i32), Successo> = BTreeMap::new();
    for (programma, anno, esito) in proposte {
        out.entry((programma.to_owned(), anno))
            .or_default()
            .conta(esito);
    }
    out
}

/// A two-letter country code (ISO 3166-1 alpha-2), upper case.
pub fn paese(s: &str) -> Option<String> {
    let t = s.trim().to_uppercase();
    (t.len() == 2 && t.chars().all(|c| c.is_ascii_uppercase())).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, g: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, g).unwrap()
    }

    #[test]
    fn euro_amounts_the_italian_way() {
        assert_eq!(parse_euro("1.234,56"), Ok(123_456));
        assert_eq!(parse_euro("1234,5"), Ok(123_450));
        assert_eq!(parse_euro("1234.56"), Ok(123_456));
        assert_eq!(parse_euro("€ 1.234"), Ok(123_400));
        assert_eq!(parse_euro("1.234.567"), Ok(123_456_700));
        assert_eq!(parse_euro("250000"), Ok(25_000_000));
        assert_eq!(parse_euro(" 0,07 € "), Ok(7));
        assert!(parse_euro("12,345").unwrap_err().contains("due decimali"));
        assert!(parse_euro("-5").unwrap_err().contains("negativo"));
        assert!(parse_euro("dieci").unwrap_err().contains("non valido"));
        assert!(parse_euro("1,2,3").is_err());
        assert!(parse_euro("99999999999999999999").is_err());
        assert_eq!(euro_da_numero(1234.56), Ok(123_456));
        assert!(euro_da_numero(1.005001).is_err());
        assert!(euro_da_numero(-1.0).is_err());
    }

    #[test]
    fn rates_in_hundredths_of_a_percent() {
        assert_eq!(parse_tasso("85"), Ok(Some(8500)));
        assert_eq!(parse_tasso("82,5 %"), Ok(Some(8250)));
        assert_eq!(parse_tasso(""), Ok(None));
        assert!(parse_tasso("120").is_err());
        assert_eq!(tasso(8250), "82,5 %");
    }

    #[test]
    fn split_by_year_adds_up_exactly() {
        let parti = ripartisci_per_anno(100_000, d(2019, 7, 1), d(2021, 6, 30));
        assert_eq!(
            parti.iter().map(|p| p.0).collect::<Vec<_>>(),
            [2019, 2020, 2021]
        );
        assert_eq!(parti.iter().map(|p| p.1).sum::<i64>(), 100_000);
        // 184 days of 731 in 2019, 366 in 2020.
        assert_eq!(parti[0].1, 100_000 * 184 / 731);
        assert_eq!(parti[1].1, 100_000 * 366 / 731);
        assert_eq!(
            ripartisci_per_anno(7, d(2020, 1, 1), d(2020, 12, 31)),
            [(2020, 7)]
        );
    }

    #[test]
    fn legislature_risk_by_end_date_and_by_regional_money() {
        let r = RischioLegislatura::new([(d(2020, 9, 21), "Fine X legislatura".into())], 3, 3);
        // Ends inside the window.
        let m = rischio(
            "in_corso",
            Some(d(2019, 1, 1)),
            Some(d(2020, 10, 31)),
            false,
            &r,
        );
        assert!(matches!(m[..], [MotivoRischio::FineNellaFinestra(_)]));
        // Ends well after, EU money: no risk.
        assert!(
            rischio(
                "in_corso",
                Some(d(2019, 1, 1)),
                Some(d(2022, 6, 30)),
                false,
                &r
            )
            .is_empty()
        );
        // Same dates on regional money: the next legislature must renew it.
        let m = rischio(
            "approvato",
            Some(d(2019, 1, 1)),
            Some(d(2022, 6, 30)),
            true,
            &r,
        );
        assert!(matches!(m[..], [MotivoRischio::FondiRegionali(_)]));
        // Regional but starting after the end of the legislature: decided by the new one.
        assert!(
            rischio(
                "approvato",
                Some(d(2021, 1, 1)),
                Some(d(2022, 6, 30)),
                true,
                &r
            )
            .is_empty()
        );
        // Closed projects are not at risk.
        assert!(
            rischio(
                "chiuso",
                Some(d(2019, 1, 1)),
                Some(d(2020, 10, 31)),
                true,
                &r
            )
            .is_empty()
        );
    }

    #[test]
    fn success_rate_counts_decided_proposals() {
        let t = tassi_successo([
            ("ERASMUS+", 2020, "approvata"),
            ("ERASMUS+", 2020, "respinta"),
            ("ERASMUS+", 2020, "respinta"),
            ("ERASMUS+", 2020, "presentata"),
            ("LIFE", 2021, "presentata"),
        ]);
        let e = &t[&("ERASMUS+".to_owned(), 2020)];
        assert_eq!((e.approvate, e.respinte, e.aperte), (1, 2, 1));
        assert!((e.tasso().unwrap() - 33.333).abs() < 0.01);
        assert_eq!(t[&("LIFE".to_owned(), 2021)].tasso(), None);
    }

    #[test]
    fn project_form_reports_every_bad_field_in_italian() {
        let f = ProgettoForm {
            codice: "".into(),
            acronimo: "X".into(),
            titolo: "T".into(),
            tipo: "europeo".into(),
            programma: "99".into(),
            ruolo: "capofila".into(),
            stato: "in_corso".into(),
            data_inizio: "01/01/2021".into(),
            data_fine: "31/12/2020".into(),
            budget_totale: "100,00".into(),
            quota_associazione: "200,00".into(),
            cofinanziamento: "150".into(),
            ..Default::default()
        };
        let e = f.validate(&[1], &[]).unwrap_err();
        for campo in [
            "codice",
            "programma",
            "data_fine",
            "quota_associazione",
            "cofinanziamento",
        ] {
            assert!(e.has(campo), "{campo}: {e:?}");
        }
        let ok = ProgettoForm {
            codice: "P-1".into(),
            programma: "1".into(),
            data_fine: "31/12/2022".into(),
            quota_associazione: "50".into(),
            cofinanziamento: "80".into(),
            ..f
        }
        .validate(&[1], &[])
        .unwrap();
        assert_eq!(
            (
                ok.budget_totale,
                ok.quota_associazione,
                ok.cofinanziamento_bp
            ),
            (10_000, 5_000, Some(8000))
        );
    }
}
