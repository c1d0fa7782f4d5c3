//! SeaORM entities, one module per table. Primary keys are `i64`; dates are `NaiveDate`,
//! instants `DateTime<Utc>` bound from Rust; money (in later modules) is `i64` cents.

pub mod aggiornamento_obiettivo;
pub mod amministratore;
pub mod audit_log;
pub mod bando;
pub mod collegamento_obiettivo;
pub mod comune;
pub mod comune_zona;
pub mod confine;
pub mod evento_calendario;
pub mod indicatore;
pub mod misura_indicatore;
pub mod obiettivo;
pub mod organizzazione;
pub mod persona;
pub mod piano;
pub mod piano_area;
pub mod progetto;
pub mod progetto_comune;
pub mod progetto_continuita;
pub mod progetto_partner;
pub mod progetto_periodo;
pub mod progetto_scadenza;
pub mod progetto_staff;
pub mod progetto_wp;
pub mod programma;
pub mod proposta;
pub mod provincia;
pub mod sessione;
pub mod stato_obiettivo;
pub mod token_calendario;
pub mod utente;
pub mod utente_ruolo;
pub mod zona_allerta;
