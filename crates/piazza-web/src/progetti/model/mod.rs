//! Progetti: the catalogues (kinds, roles, states), the validated forms, and the pure rules —
//! money parsing, the legislature-transition risk, the budget split by year, the success rate
//! of proposals.

mod importi;
mod progetto;
mod regole;
#[cfg(test)]
mod tests;

pub use importi::{MAX_CENTESIMI, euro_da_numero, parse_euro, parse_tasso, tasso};
pub use progetto::{DatiProgetto, ProgettoForm};
pub use regole::{MotivoRischio, Successo, ripartisci_per_anno, rischio, tassi_successo};

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
    let k = crate::kit::text::normalize(s);
    catalogo
        .iter()
        .find(|(c, n)| crate::kit::text::normalize(c) == k || crate::kit::text::normalize(n) == k)
        .map(|(c, _)| *c)
}

/// A two-letter country code (ISO 3166-1 alpha-2), upper case.
pub fn paese(s: &str) -> Option<String> {
    let t = s.trim().to_uppercase();
    (t.len() == 2 && t.chars().all(|c| c.is_ascii_uppercase())).then_some(t)
}
