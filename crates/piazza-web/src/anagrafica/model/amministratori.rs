//! Offices in a comune, the end and state of a mandate, an administrator as pages show it.

use chrono::{Months, NaiveDate};

use crate::kit::fmt;

/// Offices in a comune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Carica {
    Sindaco,
    Vicesindaco,
    Assessore,
    PresidenteConsiglio,
    Consigliere,
    Altro,
}

impl Carica {
    pub const ALL: [Carica; 6] = [
        Self::Sindaco,
        Self::Vicesindaco,
        Self::Assessore,
        Self::PresidenteConsiglio,
        Self::Consigliere,
        Self::Altro,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Sindaco => "sindaco",
            Self::Vicesindaco => "vicesindaco",
            Self::Assessore => "assessore",
            Self::PresidenteConsiglio => "presidente_consiglio",
            Self::Consigliere => "consigliere",
            Self::Altro => "altro",
        }
    }

    pub fn nome(self) -> &'static str {
        match self {
            Self::Sindaco => "Sindaco",
            Self::Vicesindaco => "Vicesindaco",
            Self::Assessore => "Assessore",
            Self::PresidenteConsiglio => "Presidente del consiglio",
            Self::Consigliere => "Consigliere",
            Self::Altro => "Altra carica",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == s)
    }

    /// Order of offices in a comune's page.
    pub fn rank(self) -> u8 {
        Self::ALL.iter().position(|c| *c == self).unwrap_or(9) as u8
    }

    /// The office from the DAIT columns `descrizione_carica` and `incarico`.
    pub fn from_dait(descrizione: &str, incarico: &str) -> Self {
        let d = descrizione.trim().to_lowercase();
        let i = incarico.trim().to_lowercase();
        if d == "sindaco" {
            Self::Sindaco
        } else if i.contains("vicesindaco") || i.contains("vice sindaco") {
            Self::Vicesindaco
        } else if i.contains("presidente del consiglio") {
            Self::PresidenteConsiglio
        } else if d.starts_with("assessore") {
            Self::Assessore
        } else if d.starts_with("consigliere") {
            Self::Consigliere
        } else {
            Self::Altro
        }
    }
}

/// End of a mandate: election date plus the term length.
pub fn fine_mandato(data_elezione: Option<NaiveDate>, anni: i32) -> Option<NaiveDate> {
    data_elezione.and_then(|d| d.checked_add_months(Months::new((anni.max(0) * 12) as u32)))
}

/// The state of a mandate today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatoMandato {
    InCorso,
    InScadenza,
    Scaduto,
    Sconosciuto,
}

impl StatoMandato {
    pub fn of(fine: Option<NaiveDate>, today: NaiveDate, mesi_preavviso: u32) -> Self {
        match fine {
            None => Self::Sconosciuto,
            Some(f) if f < today => Self::Scaduto,
            Some(f)
                if today
                    .checked_add_months(Months::new(mesi_preavviso))
                    .is_some_and(|lim| f <= lim) =>
            {
                Self::InScadenza
            }
            Some(_) => Self::InCorso,
        }
    }
    pub fn etichetta(self) -> &'static str {
        match self {
            Self::InCorso => "in corso",
            Self::InScadenza => "in scadenza",
            Self::Scaduto => "scaduto",
            Self::Sconosciuto => "",
        }
    }
    pub fn badge(self) -> &'static str {
        match self {
            Self::InCorso => "bg-success",
            Self::InScadenza => "bg-warning text-dark",
            Self::Scaduto => "bg-danger",
            Self::Sconosciuto => "bg-secondary",
        }
    }
}

/// An administrator as listed on pages.
#[derive(Debug, Clone)]
pub struct AmministratoreView {
    pub id: i64,
    pub persona_public_id: String,
    pub nome_completo: String,
    pub comune_id: i64,
    pub comune_istat: String,
    pub comune_nome: String,
    pub carica: Carica,
    pub descrizione_carica: String,
    pub data_elezione: Option<NaiveDate>,
    pub data_inizio: Option<NaiveDate>,
    pub fine_mandato: Option<NaiveDate>,
    pub stato: StatoMandato,
    pub lista: String,
}

impl AmministratoreView {
    /// The view of an office `a` held by `p` in `c`, with the state of its mandate on `today`.
    pub fn new(
        a: piazza_db::entities::amministratore::Model,
        p: &piazza_db::entities::persona::Model,
        c: &crate::territorio::ComuneInfo,
        today: NaiveDate,
        mesi_preavviso: u32,
    ) -> Self {
        Self {
            id: a.id,
            persona_public_id: p.public_id.clone(),
            nome_completo: format!("{} {}", p.nome, p.cognome),
            comune_id: c.id,
            comune_istat: c.codice_istat.clone(),
            comune_nome: c.nome.clone(),
            carica: Carica::parse(&a.carica).unwrap_or(Carica::Altro),
            descrizione_carica: a.descrizione_carica,
            data_elezione: a.data_elezione,
            data_inizio: a.data_inizio,
            stato: StatoMandato::of(a.fine_mandato, today, mesi_preavviso),
            fine_mandato: a.fine_mandato,
            lista: a.lista.unwrap_or_default(),
        }
    }

    pub fn data_elezione_fmt(&self) -> String {
        fmt::opt_date(self.data_elezione)
    }
    pub fn data_inizio_fmt(&self) -> String {
        fmt::opt_date(self.data_inizio)
    }
    pub fn fine_mandato_fmt(&self) -> String {
        fmt::opt_date(self.fine_mandato)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn mandate_end_and_state() {
        let fine = fine_mandato(Some(d(2021, 10, 3)), 5);
        assert_eq!(fine, Some(d(2026, 10, 3)));
        assert_eq!(
            StatoMandato::of(fine, d(2026, 11, 26), 6),
            StatoMandato::Scaduto
        );
        assert_eq!(
            StatoMandato::of(fine, d(2026, 5, 1), 6),
            StatoMandato::InScadenza
        );
        assert_eq!(
            StatoMandato::of(fine, d(2025, 1, 1), 6),
            StatoMandato::InCorso
        );
        assert_eq!(
            StatoMandato::of(None, d(2025, 1, 1), 6),
            StatoMandato::Sconosciuto
        );
        // 29 February + 5 years lands on 28 February.
        assert_eq!(fine_mandato(Some(d(2024, 2, 29)), 5), Some(d(2029, 2, 28)));
    }

    #[test]
    fn offices_from_dait() {
        assert_eq!(Carica::from_dait("Sindaco", ""), Carica::Sindaco);
        assert_eq!(
            Carica::from_dait("Assessore", "Vicesindaco"),
            Carica::Vicesindaco
        );
        assert_eq!(
            Carica::from_dait("Consigliere", "Presidente del consiglio"),
            Carica::PresidenteConsiglio
        );
        assert_eq!(
            Carica::from_dait("Consigliere candidato sindaco", ""),
            Carica::Consigliere
        );
        assert_eq!(
            Carica::from_dait("Commissario straordinario", ""),
            Carica::Altro
        );
    }
}
