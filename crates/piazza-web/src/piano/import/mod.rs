//! Reads an activity plan: areas and their objectives, from any office document.
//!
//! A document is read by `piazza_office` into headings, paragraphs, list items and tables;
//! [`struttura`] finds the areas and objectives in that structure. Plain text (pasted, or a
//! `.txt` export without Markdown headings) has no structure to trust and is read line by line
//! by [`testo`], which guesses headings the way such exports look.
//!
//! An objectives heading is one of [`Regole::titoli_obiettivi`] ("Obiettivi", "Obiettivi
//! strategici", "Risultati attesi", … configurable as `piano.titoli_obiettivi`); the items of
//! the list under it are the objectives of the section it belongs to.

mod struttura;
mod testo;

pub use struttura::leggi_struttura;
pub use testo::{leggi, leggi_con};

use piazza_office::FormatoDocumento;

use crate::kit::text::normalize;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AreaLetta {
    pub titolo: String,
    pub obiettivi: Vec<String>,
    /// Why these are objectives: the heading (or lead-in) they were found under, shown in the
    /// preview; empty for areas written by hand.
    pub sotto: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PianoLetto {
    /// The document title (the first top-level heading), if any.
    pub titolo: Option<String>,
    pub aree: Vec<AreaLetta>,
    /// Headings under which no objective was found (shown in the preview, not imported).
    pub sezioni_senza_obiettivi: Vec<String>,
}

impl PianoLetto {
    pub fn n_obiettivi(&self) -> usize {
        self.aree.iter().map(|a| a.obiettivi.len()).sum()
    }
}

/// Reads an uploaded plan (`nome`: the file's name, which tells Markdown and
/// reStructuredText from plain text) or pasted text, within `limiti`. Runs for as long as
/// the document takes: call it off the async threads.
pub fn leggi_file(
    bytes: &[u8],
    nome: Option<&str>,
    regole: &Regole,
    limiti: &piazza_office::Limiti,
) -> Result<PianoLetto, piazza_office::Errore> {
    if piazza_office::formato_documento(nome, bytes) == Some(FormatoDocumento::Testo)
        && bytes.len() <= limiti.max_byte_file
    {
        let testo =
            piazza_office::decodifica_testo(bytes).ok_or(piazza_office::Errore::NonDocumento)?;
        return Ok(testo::leggi_con(&testo, regole));
    }
    let doc = piazza_office::leggi_documento(bytes, nome, limiti)?;
    Ok(leggi_struttura(&doc, regole))
}

/// What the importer takes for an objectives heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regole {
    /// Headings (or lead-ins ending with `:`) that introduce a list of objectives, compared
    /// without case, accents and punctuation; a heading may add up to four words (`Obiettivi
    /// strategici 2021-2023`, `Obiettivi dell'area`).
    pub titoli_obiettivi: Vec<String>,
}

/// The forms Italian plans use.
pub const TITOLI_OBIETTIVI: &[&str] = &[
    "obiettivi",
    "obiettivo",
    "gli obiettivi",
    "obiettivi strategici",
    "obiettivi specifici",
    "obiettivi operativi",
    "obiettivi generali",
    "obiettivi principali",
    "risultati attesi",
    "linee d azione",
    "linee di azione",
];

impl Default for Regole {
    fn default() -> Self {
        Self {
            titoli_obiettivi: TITOLI_OBIETTIVI.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

impl Regole {
    /// The configured forms (`piano.titoli_obiettivi`), or the default ones when none is set.
    pub fn da(titoli: &[String]) -> Self {
        if titoli.is_empty() {
            return Self::default();
        }
        Self {
            titoli_obiettivi: titoli.iter().map(|t| normalize(t)).collect(),
        }
    }

    /// Whether a heading (already cleaned) introduces the objectives.
    pub fn e_titolo_obiettivi(&self, testo: &str) -> bool {
        let n = normalize(testo);
        self.titoli_obiettivi.iter().any(|f| {
            n == *f
                || n.strip_prefix(f.as_str())
                    .and_then(|r| r.strip_prefix(' '))
                    .is_some_and(|r| r.split_whitespace().count() <= 4)
        })
    }
}

const DECORATIONS: &[char] = &[
    '●', '•', '■', '▪', '◆', '►', '▶', '★', '☆', '○', '◦', '–', '—', '*', '_', '#', '|', '>',
];

/// Removes Markdown emphasis and decorative characters around a heading, and leading numbering
/// such as `1.`, `2)`, `A.`, `II -`.
fn clean_heading(s: &str) -> String {
    let mut t = s.replace("**", "").replace("__", "");
    t = t
        .trim_matches(|c: char| c.is_whitespace() || DECORATIONS.contains(&c))
        .to_owned();
    // Leading numbering.
    let numbering = t
        .split_once(['.', ')', '-', '–'])
        .filter(|(head, _)| {
            let h = head.trim();
            !h.is_empty()
                && h.len() <= 4
                && (h.chars().all(|c| c.is_ascii_digit())
                    || h.chars().all(|c| "IVXLivxl".contains(c))
                    || (h.len() == 1 && h.chars().all(|c| c.is_ascii_alphabetic())))
        })
        .map(|(_, rest)| rest.trim().to_owned());
    if let Some(rest) = numbering.filter(|r| !r.is_empty()) {
        t = rest;
    }
    t = t
        .trim_matches(|c: char| c.is_whitespace() || DECORATIONS.contains(&c) || c == ':')
        .to_owned();
    // A heading in capitals (`FORMAZIONE E SCUOLA`) reads better in sentence case.
    if t.chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase)
    {
        t = t.to_lowercase();
    }
    capitalize(&collapse(&t))
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// An item's text without trailing punctuation (`;`, `.`, `,`, a dangling `e`/`ed`).
fn clean_item(s: &str) -> String {
    let mut t = collapse(&s.replace("**", ""));
    loop {
        let before = t.len();
        t = t.trim_end_matches([';', '.', ',', ':', ' ']).to_owned();
        // "...; e" closing the last-but-one item of an Italian list.
        for tail in ["; e", ", e", "; ed", ", ed"] {
            if let Some(rest) = t.strip_suffix(tail) {
                t = rest.to_owned();
            }
        }
        if t.len() == before {
            break;
        }
    }
    capitalize(t.trim())
}

/// `Obiettivo 1.2 – Titolo` (also `Obiettivo A:`, `Obiettivo n. 3 - …`): the objective's title.
pub(crate) fn obiettivo_numerato(testo: &str) -> Option<String> {
    let t = testo.trim();
    let resto = t
        .get(..10)
        .filter(|p| p.eq_ignore_ascii_case("obiettivo "))
        .map(|_| &t[10..])?;
    let resto = resto
        .trim_start()
        .strip_prefix("n.")
        .unwrap_or(resto)
        .trim_start();
    let codice = resto
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .unwrap_or(resto.len());
    let (num, titolo) = resto.split_at(codice);
    let num = num.trim_end_matches('.');
    let valido = !num.is_empty()
        && (num.chars().all(|c| c.is_ascii_digit() || c == '.')
            || (num.len() == 1 && num.chars().all(|c| c.is_ascii_alphabetic())));
    if !valido {
        return None;
    }
    let titolo = titolo.trim_start_matches(|c: char| c.is_whitespace() || "-–—:.)".contains(c));
    let titolo = clean_item(titolo);
    (!titolo.is_empty()).then_some(titolo)
}
