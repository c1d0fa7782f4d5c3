//! The pure rules: the legislature-transition risk, the budget split by year, the success
//! rate of proposals.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::STATI_VIVI;
use crate::piano::model::{FinestraRischio, RischioLegislatura};

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
                crate::kit::fmt::date(f.dal),
                crate::kit::fmt::date(f.al),
                f.titolo,
                crate::kit::fmt::date(f.fine_legislatura)
            ),
            Self::FondiRegionali(f) => format!(
                "dipende da fondi regionali e prosegue oltre «{}» ({}): serve il rinnovo della nuova legislatura",
                f.titolo,
                crate::kit::fmt::date(f.fine_legislatura)
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
