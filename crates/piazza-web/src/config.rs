//! Application settings that the web layer needs. The binary layers them:
//! defaults < `piazza.toml` < `PIAZZA_*` environment variables.

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct AppConfig {
    /// Shown in the header and the page titles.
    pub nome_associazione: String,
    /// ISTAT region code of the deployment (`09` Toscana).
    pub codice_regione: String,
    pub nome_regione: String,
    /// Length of a municipal term, in years, to compute the end of a mandate.
    pub anni_mandato: i32,
    /// A mandate is "in scadenza" when it ends within this many months.
    pub mesi_preavviso_scadenza: u32,
    /// The public URL; a `https://` URL makes the session cookie `Secure`.
    pub public_url: String,
    /// Login attempts allowed in a burst per client address, then one every `login_intervallo_secondi`.
    pub login_burst: u32,
    pub login_intervallo_secondi: u64,
    /// Idle time after which a session expires, in minutes.
    pub durata_sessione_minuti: i64,
    /// Piano: objectives without an update for this many days show on the staff dashboard.
    pub giorni_senza_aggiornamento: i64,
    /// Piano: an indicator lagging the time elapsed by more than these points is off track.
    pub tolleranza_indicatori_punti: f64,
    /// The risk window around an end of legislature: months before and after.
    pub rischio_legislatura_mesi_prima: u32,
    pub rischio_legislatura_mesi_dopo: u32,
    /// Cittadino Informato: the `sender` of the CAP documents Piazza publishes.
    pub cap_mittente: String,
    /// A civil-protection plan not updated for this many years is flagged.
    pub anni_aggiornamento_piano: i32,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            nome_associazione: "ANCI Toscana".into(),
            codice_regione: "09".into(),
            nome_regione: "Toscana".into(),
            anni_mandato: 5,
            mesi_preavviso_scadenza: 6,
            public_url: "http://127.0.0.1:8080".into(),
            login_burst: 20,
            login_intervallo_secondi: 3,
            durata_sessione_minuti: 8 * 60,
            giorni_senza_aggiornamento: 60,
            tolleranza_indicatori_punti: 15.0,
            rischio_legislatura_mesi_prima: 3,
            rischio_legislatura_mesi_dopo: 3,
            cap_mittente: "cittadino-informato@ancitoscana.it".into(),
            anni_aggiornamento_piano: 3,
        }
    }
}

impl AppConfig {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}
