//! Typed links between records of different modules. A kind of record that can be linked is a
//! [`TipoCollegamento`] that its domain declares (in its `pannelli.rs`) with how to find records
//! (for the link form) and how to show a linked one (label and page); the application lists them
//! in [`crate::REGISTRO`]. Piano links objectives to any of them; later modules (services,
//! events, courses, documents) register theirs and get linked without touching Piano.

use std::future::Future;
use std::pin::Pin;

use crate::AppState;
use crate::kit::error::AppResult;

/// A linked record as a page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Destinazione {
    pub chiave: String,
    pub etichetta: String,
    pub url: String,
}

type Fut<'a, T> = Pin<Box<dyn Future<Output = AppResult<T>> + Send + 'a>>;

/// Who is looking: a kind of record may show only some of its records to some users (a
/// referente sees only the projects of their comuni).
pub type Chi<'a> = Option<&'a crate::auth::Principal>;

pub struct TipoCollegamento {
    /// Stored in the link (`collegamenti_obiettivo.tipo`).
    pub codice: &'static str,
    pub nome: &'static str,
    /// Links of this kind are shown to those who may read this module.
    pub modulo: &'static str,
    /// Up to [`MAX_RISULTATI`] records matching a search text (name or key) that `chi` may see.
    pub cerca: for<'a> fn(&'a AppState, Chi<'a>, &'a str) -> Fut<'a, Vec<Destinazione>>,
    /// The records with these keys that `chi` may see (the others are left out).
    pub risolvi: for<'a> fn(&'a AppState, Chi<'a>, &'a [String]) -> Fut<'a, Vec<Destinazione>>,
}

pub const MAX_RISULTATI: usize = 10;

/// The kinds of record that can be linked, in the order of the registry.
pub fn tipi(state: &AppState) -> impl Iterator<Item = &'static TipoCollegamento> {
    state.registro.collegamenti.iter().flat_map(|d| d.iter())
}

/// The kind of record stored as `codice` in a link.
pub fn tipo(state: &AppState, codice: &str) -> Option<&'static TipoCollegamento> {
    tipi(state).find(|t| t.codice == codice)
}
