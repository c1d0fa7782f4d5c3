//! Progress of objectives and its roll-up to areas and plans.

/// Where the progress of an objective comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FonteProgresso {
    /// The default progress of its state (non avviato 0, completato 100, ...).
    Stato,
    /// Its indicators (the mean of their progress towards target).
    Indicatori,
    /// Set by hand (0–100).
    Manuale,
}

impl FonteProgresso {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "stato" => Some(Self::Stato),
            "indicatori" => Some(Self::Indicatori),
            "manuale" => Some(Self::Manuale),
            _ => None,
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            Self::Stato => "stato",
            Self::Indicatori => "indicatori",
            Self::Manuale => "manuale",
        }
    }
}

/// A state of the catalogue, as the roll-up needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stato {
    pub codice: String,
    pub progresso_predefinito: Option<i32>,
    pub escluso_dal_calcolo: bool,
}

/// The progress (0–100) of one objective, or `None` when it has no value yet.
/// A state whose default is 100 (completed) gives 100 whatever the source.
pub fn progresso_obiettivo(
    fonte: FonteProgresso,
    stato: &Stato,
    manuale: Option<i32>,
    da_indicatori: Option<f64>,
) -> Option<f64> {
    if stato.progresso_predefinito == Some(100) {
        return Some(100.0);
    }
    let v = match fonte {
        FonteProgresso::Stato => stato.progresso_predefinito.map(f64::from),
        FonteProgresso::Manuale => manuale.map(f64::from),
        FonteProgresso::Indicatori => da_indicatori,
    };
    v.map(|x| x.clamp(0.0, 100.0))
}

/// One objective as the roll-up sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Voce {
    pub peso: i32,
    pub progresso: Option<f64>,
    /// Cancelled objectives leave the roll-up.
    pub escluso: bool,
}

/// The weighted mean of the objectives that count, with how many counted and how many had no
/// value. Cancelled objectives and weights ≤ 0 are left out; objectives without a value are left
/// out of the mean and reported in `senza_dato`, so the page can say on how many the mean stands.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RollUp {
    pub progresso: Option<f64>,
    pub conteggiati: usize,
    pub senza_dato: usize,
}

pub fn roll_up(voci: impl IntoIterator<Item = Voce>) -> RollUp {
    let (mut somma, mut pesi, mut r) = (0.0, 0.0, RollUp::default());
    for v in voci {
        if v.escluso || v.peso <= 0 {
            continue;
        }
        match v.progresso {
            Some(p) => {
                somma += p * f64::from(v.peso);
                pesi += f64::from(v.peso);
                r.conteggiati += 1;
            }
            None => r.senza_dato += 1,
        }
    }
    r.progresso = (pesi > 0.0).then(|| somma / pesi);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stato(codice: &str, p: Option<i32>, escluso: bool) -> Stato {
        Stato {
            codice: codice.into(),
            progresso_predefinito: p,
            escluso_dal_calcolo: escluso,
        }
    }

    #[test]
    fn progress_of_an_objective_follows_its_source() {
        let in_corso = stato("in_corso", None, false);
        assert_eq!(
            progresso_obiettivo(
                FonteProgresso::Stato,
                &stato("non_avviato", Some(0), false),
                Some(70),
                None
            ),
            Some(0.0)
        );
        assert_eq!(
            progresso_obiettivo(FonteProgresso::Stato, &in_corso, None, None),
            None
        );
        assert_eq!(
            progresso_obiettivo(FonteProgresso::Manuale, &in_corso, Some(40), None),
            Some(40.0)
        );
        assert_eq!(
            progresso_obiettivo(FonteProgresso::Manuale, &in_corso, Some(140), None),
            Some(100.0)
        );
        assert_eq!(
            progresso_obiettivo(FonteProgresso::Indicatori, &in_corso, Some(40), Some(62.5)),
            Some(62.5)
        );
        assert_eq!(
            progresso_obiettivo(
                FonteProgresso::Manuale,
                &stato("completato", Some(100), false),
                Some(30),
                None
            ),
            Some(100.0)
        );
    }

    #[test]
    fn roll_up_weights_and_skips_cancelled_and_missing() {
        let v = |peso, p: Option<f64>, escluso| Voce {
            peso,
            progresso: p,
            escluso,
        };
        // (3*100 + 1*20) / 4 = 80; the cancelled one and the one without value do not count.
        let r = roll_up([
            v(3, Some(100.0), false),
            v(1, Some(20.0), false),
            v(5, Some(0.0), true),
            v(2, None, false),
        ]);
        assert_eq!(r.progresso, Some(80.0));
        assert_eq!((r.conteggiati, r.senza_dato), (2, 1));
        // Zero weight counts for nothing.
        assert_eq!(
            roll_up([v(0, Some(100.0), false), v(1, Some(50.0), false)]).progresso,
            Some(50.0)
        );
        // Nothing to average.
        assert_eq!(
            roll_up([v(1, None, false), v(1, Some(10.0), true)]).progresso,
            None
        );
        assert_eq!(roll_up([]).progresso, None);
    }
}
