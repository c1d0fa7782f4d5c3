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

/// Which way an indicator should move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direzione {
    /// More is better (comuni reached, people trained).
    Crescente,
    /// Less is better (days to answer, backlog).
    Decrescente,
}

impl Direzione {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "crescente" => Some(Self::Crescente),
            "decrescente" => Some(Self::Decrescente),
            _ => None,
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            Self::Crescente => "crescente",
            Self::Decrescente => "decrescente",
        }
    }
    /// A target consistent with the direction: above the baseline when more is better.
    pub fn coerente(self, base: f64, obiettivo: f64) -> bool {
        match self {
            Self::Crescente => obiettivo > base,
            Self::Decrescente => obiettivo < base,
        }
    }
}

/// How far `valore` has gone from `base` towards `obiettivo`, 0–100 (a value worse than the
/// baseline is 0, one beyond the target 100). `None` without a value or with target = baseline.
pub fn progresso_indicatore(base: f64, obiettivo: f64, valore: Option<f64>) -> Option<f64> {
    let v = valore?;
    let span = obiettivo - base;
    if span == 0.0 || !span.is_finite() {
        return None;
    }
    Some(((v - base) / span * 100.0).clamp(0.0, 100.0))
}

/// The progress of an objective from its indicators: the mean of those with a measurement.
pub fn progresso_da_indicatori(progressi: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    let (mut somma, mut n) = (0.0, 0u32);
    for p in progressi.into_iter().flatten() {
        somma += p;
        n += 1;
    }
    (n > 0).then(|| somma / f64::from(n))
}

/// The progress expected at `al` if work went evenly from `inizio` to `scadenza` (0–100).
pub fn progresso_atteso(
    inizio: chrono::NaiveDate,
    scadenza: chrono::NaiveDate,
    al: chrono::NaiveDate,
) -> f64 {
    let totale = (scadenza - inizio).num_days();
    if totale <= 0 {
        return if al >= scadenza { 100.0 } else { 0.0 };
    }
    let trascorsi = (al - inizio).num_days().clamp(0, totale);
    trascorsi as f64 / totale as f64 * 100.0
}

/// An indicator is off track when its progress (none measured counts as 0) lags the expected
/// progress by more than `tolleranza` percentage points.
pub fn fuori_traiettoria(progresso: Option<f64>, atteso: f64, tolleranza: f64) -> bool {
    progresso.unwrap_or(0.0) + tolleranza < atteso
}

/// The risk window around each end of a legislature: from `mesi_prima` months before to
/// `mesi_dopo` months after. A date inside one is "a rischio cambio legislatura": agreements,
/// projects and objectives that fall due then depend on who governs next.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RischioLegislatura {
    pub finestre: Vec<FinestraRischio>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FinestraRischio {
    pub fine_legislatura: chrono::NaiveDate,
    pub titolo: String,
    pub dal: chrono::NaiveDate,
    pub al: chrono::NaiveDate,
}

impl RischioLegislatura {
    pub fn new(
        fini: impl IntoIterator<Item = (chrono::NaiveDate, String)>,
        mesi_prima: u32,
        mesi_dopo: u32,
    ) -> Self {
        use chrono::Months;
        let finestre = fini
            .into_iter()
            .map(|(d, titolo)| FinestraRischio {
                fine_legislatura: d,
                titolo,
                dal: d.checked_sub_months(Months::new(mesi_prima)).unwrap_or(d),
                al: d.checked_add_months(Months::new(mesi_dopo)).unwrap_or(d),
            })
            .collect();
        Self { finestre }
    }

    /// The window `data` falls in, if any.
    pub fn verifica(&self, data: chrono::NaiveDate) -> Option<&FinestraRischio> {
        self.finestre.iter().find(|f| f.dal <= data && data <= f.al)
    }
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

    fn d(y: i32, m: u32, g: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(y, m, g).unwrap()
    }

    #[test]
    fn indicator_progress_goes_from_baseline_to_target_either_way() {
        // "comuni che adottano l'app": 145 → 180; at 166 the way done is 60%.
        assert_eq!(progresso_indicatore(145.0, 180.0, Some(166.0)), Some(60.0));
        assert_eq!(progresso_indicatore(145.0, 180.0, Some(140.0)), Some(0.0));
        assert_eq!(progresso_indicatore(145.0, 180.0, Some(200.0)), Some(100.0));
        assert_eq!(progresso_indicatore(145.0, 180.0, None), None);
        // Less is better: days to answer 30 → 10; at 25, a quarter of the way.
        assert_eq!(progresso_indicatore(30.0, 10.0, Some(25.0)), Some(25.0));
        assert_eq!(progresso_indicatore(5.0, 5.0, Some(5.0)), None);
        assert!(Direzione::Crescente.coerente(145.0, 180.0));
        assert!(!Direzione::Crescente.coerente(30.0, 10.0));
        assert!(Direzione::Decrescente.coerente(30.0, 10.0));
        assert_eq!(
            progresso_da_indicatori([Some(60.0), None, Some(20.0)]),
            Some(40.0)
        );
        assert_eq!(progresso_da_indicatori([None, None]), None);
    }

    #[test]
    fn off_track_compares_progress_with_time_elapsed() {
        let (inizio, scadenza) = (d(2020, 1, 1), d(2020, 12, 31));
        let meta = progresso_atteso(inizio, scadenza, d(2020, 7, 1));
        assert!((meta - 49.9).abs() < 0.5, "{meta}");
        assert_eq!(progresso_atteso(inizio, scadenza, d(2019, 5, 1)), 0.0);
        assert_eq!(progresso_atteso(inizio, scadenza, d(2021, 5, 1)), 100.0);
        assert!(fuori_traiettoria(Some(30.0), meta, 15.0));
        assert!(!fuori_traiettoria(Some(40.0), meta, 15.0));
        assert!(
            fuori_traiettoria(None, meta, 15.0),
            "nothing measured by mid-year"
        );
        assert!(!fuori_traiettoria(None, 10.0, 15.0));
    }

    #[test]
    fn the_risk_window_surrounds_the_end_of_the_legislature() {
        let r = RischioLegislatura::new([(d(2020, 9, 21), "Fine X legislatura".into())], 6, 3);
        assert_eq!(r.finestre[0].dal, d(2020, 3, 21));
        assert_eq!(r.finestre[0].al, d(2020, 12, 21));
        assert!(r.verifica(d(2020, 6, 30)).is_some());
        assert!(r.verifica(d(2020, 3, 21)).is_some(), "inclusive");
        assert!(r.verifica(d(2020, 12, 22)).is_none());
        assert!(r.verifica(d(2020, 2, 28)).is_none());
        assert!(
            RischioLegislatura::default()
                .verifica(d(2020, 9, 21))
                .is_none()
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
