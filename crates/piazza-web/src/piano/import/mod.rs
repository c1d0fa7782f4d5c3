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
        self.tipo(testo).is_some()
    }

    /// What a heading introduces: its text, without numbering and a leading article, starts
    /// with one of the forms (`2.3 Gli obiettivi generali del piano`).
    pub fn tipo(&self, testo: &str) -> Option<Marcatore> {
        let n = normalize(senza_numerazione(testo));
        let n = senza_articolo(&n);
        self.forma_iniziale(n)
    }

    /// What a paragraph introduces, if it is a lead-in: a sentence ending with `:` that
    /// starts with a form (after a resolution's `Che` and an article), or the form alone.
    pub fn attacco(&self, testo: &str) -> Option<Marcatore> {
        let t = testo.trim().trim_end_matches(['*', '_']).trim_end();
        let n = normalize(t);
        if !t.ends_with(':') && !self.titoli_obiettivi.contains(&n) {
            return None;
        }
        let n = n.strip_prefix("che ").unwrap_or(&n);
        self.forma_iniziale(senza_articolo(n))
    }

    fn forma_iniziale(&self, n: &str) -> Option<Marcatore> {
        let f = self.titoli_obiettivi.iter().find(|f| {
            n.strip_prefix(f.as_str())
                .is_some_and(|r| r.is_empty() || r.starts_with(' '))
        })?;
        Some(if f.starts_with("obiettiv") {
            Marcatore::Obiettivi
        } else {
            Marcatore::Altro
        })
    }
}

/// The kind of list a heading or lead-in introduces: in a section that has both, the
/// "Obiettivi" lists win over "Risultati attesi" and "Linee d'azione".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Marcatore {
    Altro,
    Obiettivi,
}

/// `2.3- Titolo`, `6.2 Titolo`, `IV. Titolo` → `Titolo`.
pub(crate) fn senza_numerazione(s: &str) -> &str {
    let t = s.trim_start();
    let fine = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let numero = &t[..fine];
    let anno = numero.len() == 4 && !numero.contains('.');
    if fine == 0 || anno || !numero.chars().any(|c| c.is_ascii_digit()) {
        return t;
    }
    let resto = &t[fine..];
    let dopo = resto.trim_start_matches(['-', '–', '—', ')', ' ', '\t']);
    if dopo.len() < resto.len() || resto.is_empty() {
        dopo
    } else {
        t
    }
}

/// Without a leading Italian article (`gli obiettivi` → `obiettivi`), on normalised text.
fn senza_articolo(n: &str) -> &str {
    for a in ["gli ", "i ", "le ", "l ", "il ", "lo ", "la "] {
        if let Some(r) = n.strip_prefix(a) {
            return r;
        }
    }
    n
}

const DECORATIONS: &[char] = &[
    '●', '•', '■', '▪', '◆', '►', '▶', '★', '☆', '○', '◦', '–', '—', '*', '_', '#', '|', '>',
];

/// Removes Markdown emphasis and decorative characters around a heading, and leading numbering
/// such as `1.`, `2)`, `A.`, `II -`.
fn clean_heading(s: &str) -> String {
    let mut t = senza_numerazione(&s.replace("**", "").replace("__", "")).to_owned();
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

/// `Obiettivo 1.2 – Titolo` (also `Obiettivo A:`, `Obiettivo n. 3 - …`): the objective, titled
/// by the whole heading.
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
    // The whole heading: its number is how the plan refers to the objective.
    (!titolo.trim().is_empty()).then(|| clean_item(t))
}
