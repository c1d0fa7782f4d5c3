//! Validated types and forms of Anagrafica: the catalogues (categories of people, types of
//! organisation) and the checks shared by the forms are here; offices and mandates, the person
//! form and the organisation form are in their files.

mod amministratori;
mod organizzazioni;
mod persone;

pub use amministratori::{AmministratoreView, Carica, StatoMandato, fine_mandato};
pub use organizzazioni::{OrganizzazioneForm, OrganizzazioneValida};
pub use persone::{PersonaForm, PersonaValida};

/// Categories of a person (a person can have several).
pub const CATEGORIE: &[(&str, &str)] = &[
    ("amministratore", "Amministratore"),
    ("funzionario", "Funzionario/dipendente pubblico"),
    ("staff", "Staff dell'associazione"),
    ("docente", "Docente"),
    ("volontario", "Volontario"),
    ("referente", "Referente comunale"),
    ("altro", "Altro"),
];

pub fn categoria_nome(k: &str) -> &'static str {
    CATEGORIE
        .iter()
        .find(|(c, _)| *c == k)
        .map(|(_, n)| *n)
        .unwrap_or("")
}

/// Types of organisation.
pub const TIPI_ORGANIZZAZIONE: &[(&str, &str)] = &[
    ("comune", "Comune"),
    ("ufficio_comunale", "Ufficio o organismo del comune"),
    ("regione", "Regione"),
    ("unione_comuni", "Unione di comuni"),
    ("partner", "Partner"),
    ("fornitore", "Fornitore"),
    ("ordine_professionale", "Ordine professionale"),
    ("associazione", "Associazione"),
    ("sindacato", "Sindacato"),
    ("altro", "Altro"),
];

/// The types of organisation that belong to a comune: the comune itself, its offices and
/// bodies. A referente sees and edits these (of their comuni) and nothing else: an organisation
/// that merely has its seat in the comune (the Region, a professional order) is not theirs.
pub const TIPI_DEL_COMUNE: &[&str] = &["comune", "ufficio_comunale"];

/// The comune an organisation belongs to for permissions: its comune when it is of a type of
/// [`TIPI_DEL_COMUNE`], none otherwise (then only editors of Anagrafica may change it).
pub fn comune_proprio(tipo: &str, comune_id: Option<i64>) -> Option<i64> {
    if TIPI_DEL_COMUNE.contains(&tipo) {
        comune_id
    } else {
        None
    }
}

pub fn tipo_nome(k: &str) -> &'static str {
    TIPI_ORGANIZZAZIONE
        .iter()
        .find(|(c, _)| *c == k)
        .map(|(_, n)| *n)
        .unwrap_or("")
}

pub fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.contains(char::is_whitespace)
}

/// Italian tax code of a person: 16 characters, letters and digits in the standard layout.
pub fn valid_codice_fiscale(cf: &str) -> bool {
    let cf = cf.to_ascii_uppercase();
    cf.len() == 16
        && cf.chars().enumerate().all(|(i, c)| match i {
            0..=5 | 8 | 11 | 15 => c.is_ascii_uppercase(),
            _ => c.is_ascii_alphanumeric(),
        })
}

/// VAT number (partita IVA): 11 digits with the Luhn-like check digit.
pub fn valid_partita_iva(p: &str) -> bool {
    if p.len() != 11 || !p.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let d: Vec<u32> = p.chars().map(|c| c.to_digit(10).unwrap_or(0)).collect();
    let mut s = 0;
    for (i, v) in d.iter().take(10).enumerate() {
        if i % 2 == 0 {
            s += v;
        } else {
            let x = v * 2;
            s += if x > 9 { x - 9 } else { x };
        }
    }
    (10 - s % 10) % 10 == d[10]
}

/// The longest name, surname, e-mail or title of a person (characters).
pub const MAX_NOME: usize = 200;
/// The longest name of an organisation (official names of bodies can be long).
pub const MAX_NOME_ORGANIZZAZIONE: usize = 300;
/// The longest free note.
pub const MAX_NOTE: usize = 5_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tax_codes() {
        assert!(valid_partita_iva("01114601006"));
        assert!(!valid_partita_iva("01114601007"));
        assert!(valid_codice_fiscale("RSSMRA80A01D612X"));
        assert!(!valid_codice_fiscale("RSSMRA80A01"));
    }
}
