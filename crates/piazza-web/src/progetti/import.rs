//! The projects list as a spreadsheet: the columns of the export are the columns of the import,
//! so a user can export, edit in Excel and load the file back. Reading accepts XLSX (first
//! sheet) and CSV (`;` or `,`, UTF-8 or Windows-1252); validation reports every bad row in
//! Italian; the store applies the whole file in one transaction or nothing.

use std::collections::HashSet;

use chrono::NaiveDate;
use piazza_db::entities::programma;

use super::model::{self, DatiProgetto, ProgettoForm};
use crate::kit::text::normalize;
use crate::territorio::Territorio;

/// The columns of the export and of the import, in order.
pub const COLONNE: &[&str] = &[
    "Codice",
    "Acronimo",
    "Titolo",
    "Descrizione",
    "Tipo",
    "Programma",
    "Riferimento bando",
    "Ruolo",
    "Stato",
    "Inizio",
    "Fine",
    "Budget totale (€)",
    "Quota associazione (€)",
    "Cofinanziamento (%)",
    "Fondi regionali da rinnovare",
    "Responsabile",
    "Comuni",
];

/// The columns a file must have (the others may be missing: they are left empty).
const OBBLIGATORIE: &[&str] = &[
    "Codice",
    "Acronimo",
    "Titolo",
    "Tipo",
    "Programma",
    "Ruolo",
    "Stato",
];

pub const MAX_RIGHE: usize = 20_000;

#[derive(Debug, Clone, PartialEq)]
pub enum Valore {
    Testo(String),
    Numero(f64),
    Data(NaiveDate),
    Vuoto,
}

impl Valore {
    fn testo(&self) -> String {
        match self {
            Valore::Testo(s) => s.trim().to_owned(),
            Valore::Numero(x) => crate::kit::fmt::numero(*x).replace('.', ""),
            Valore::Data(d) => crate::kit::fmt::date(*d),
            Valore::Vuoto => String::new(),
        }
    }
}

/// A sheet as read: the header row and the data rows with their number in the file (1-based,
/// the header is row 1).
#[derive(Debug, Default)]
pub struct Foglio {
    pub intestazioni: Vec<String>,
    pub righe: Vec<(usize, Vec<Valore>)>,
}

/// The bounds of a read: the upload's size, and `piazza-office`'s defaults for the rest
/// (decompressed bytes, rows, columns, cells, text, nesting, time).
fn limiti() -> piazza_office::Limiti {
    piazza_office::Limiti {
        max_byte_file: super::routes::MAX_UPLOAD,
        ..Default::default()
    }
}

/// Reads an uploaded file (XLSX, ODS or CSV: `piazza-office`, bounded against hostile files)
/// into the header row and the data rows. It is CPU work: callers run it off the async
/// workers (`spawn_blocking`).
pub fn leggi(bytes: &[u8]) -> Result<Foglio, String> {
    let f = piazza_office::leggi_foglio(bytes, &limiti()).map_err(|e| e.to_string())?;
    let mut righe = f.righe.into_iter();
    let intestazioni = righe
        .next()
        .ok_or("Il foglio è vuoto.")?
        .celle
        .iter()
        .map(|c| valore(c).testo())
        .collect();
    let righe = righe
        .map(|r| (r.numero as usize, r.celle.iter().map(valore).collect()))
        .collect();
    Ok(Foglio {
        intestazioni,
        righe,
    })
}

/// Days since 30/12/1899: how spreadsheets count dates (a date column whose cells are plain
/// numbers).
fn da_seriale(x: f64) -> Option<NaiveDate> {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    (x.is_finite() && (1.0..2_958_466.0).contains(&x))
        .then(|| base.checked_add_days(chrono::Days::new(x.floor() as u64)))
        .flatten()
}

/// A cell as the validation reads it. Text that the export neutralised (`'=…`) is read back
/// as written.
fn valore(c: &piazza_office::Cella) -> Valore {
    use piazza_office::Cella;
    match c {
        Cella::Vuota => Valore::Vuoto,
        Cella::Testo(s) if s.trim().is_empty() => Valore::Vuoto,
        Cella::Testo(s) => Valore::Testo(crate::kit::export::togli_neutralizzazione(s).to_owned()),
        Cella::Numero(x) => Valore::Numero(*x),
        Cella::Data(d) => Valore::Data(*d),
        Cella::DataOra(t) => Valore::Data(t.date()),
        Cella::Booleano(b) => Valore::Testo(if *b { "sì" } else { "no" }.into()),
        Cella::Errore(e) => Valore::Testo(e.clone()),
    }
}

/// What the rows are matched against.
pub struct Riferimenti<'a> {
    pub programmi: &'a [programma::Model],
    /// The people who may be responsible.
    pub persone: &'a [crate::anagrafica::store::Personale],
    pub territorio: &'a Territorio,
}

/// A valid row: the project and its comuni (ids).
#[derive(Debug, Clone)]
pub struct RigaValida {
    pub numero: usize,
    pub dati: DatiProgetto,
    pub comuni: Vec<i64>,
}

fn campo_form(colonna: &str) -> &'static str {
    match colonna {
        "Codice" => "codice",
        "Acronimo" => "acronimo",
        "Titolo" => "titolo",
        "Descrizione" => "descrizione",
        "Tipo" => "tipo",
        "Programma" => "programma",
        "Riferimento bando" => "bando_rif",
        "Ruolo" => "ruolo",
        "Stato" => "stato",
        "Inizio" => "data_inizio",
        "Fine" => "data_fine",
        "Budget totale (€)" => "budget_totale",
        "Quota associazione (€)" => "quota_associazione",
        "Cofinanziamento (%)" => "cofinanziamento",
        "Fondi regionali da rinnovare" => "dipende_regione",
        "Responsabile" => "responsabile",
        _ => "comuni",
    }
}

/// Validates every row; either all rows are good or every problem is listed with its row.
pub fn valida(f: &Foglio, rif: &Riferimenti) -> Result<Vec<RigaValida>, Vec<String>> {
    let pos: Vec<Option<usize>> = COLONNE
        .iter()
        .map(|c| {
            f.intestazioni
                .iter()
                .position(|h| normalize(h) == normalize(c))
        })
        .collect();
    let mancanti: Vec<&str> = OBBLIGATORIE
        .iter()
        .filter(|c| pos[COLONNE.iter().position(|x| x == *c).expect("column")].is_none())
        .copied()
        .collect();
    if !mancanti.is_empty() {
        return Err(vec![format!(
            "Mancano le colonne: {}. Le colonne attese sono quelle dell'esportazione: {}.",
            mancanti.join(", "),
            COLONNE.join(", ")
        )]);
    }
    if f.righe.is_empty() {
        return Err(vec!["Il file non contiene righe di progetti.".into()]);
    }
    if f.righe.len() > MAX_RIGHE {
        return Err(vec![format!(
            "Il file ha {} righe: al massimo {MAX_RIGHE} per importazione.",
            f.righe.len()
        )]);
    }
    let programmi_ids: Vec<i64> = rif.programmi.iter().map(|p| p.id).collect();
    let persone_ids: Vec<i64> = rif.persone.iter().map(|p| p.id).collect();
    let mut errori = Vec::new();
    let mut out = Vec::new();
    let mut codici = HashSet::new();
    for (numero, valori) in &f.righe {
        let cella = |c: &str| -> &Valore {
            let i = COLONNE.iter().position(|x| *x == c).expect("column");
            pos[i].and_then(|p| valori.get(p)).unwrap_or(&Valore::Vuoto)
        };
        let mut propri: Vec<String> = Vec::new();
        let importo = |c: &str, propri: &mut Vec<String>| -> String {
            match cella(c) {
                Valore::Numero(x) => match model::euro_da_numero(*x) {
                    Ok(cents) => crate::kit::fmt::euro(cents),
                    Err(m) => {
                        propri.push(format!("colonna «{c}»: {m}"));
                        String::new()
                    }
                },
                v => v.testo(),
            }
        };
        let data = |c: &str| -> String {
            match cella(c) {
                Valore::Numero(x) => da_seriale(*x)
                    .map(crate::kit::fmt::date)
                    .unwrap_or_else(|| x.to_string()),
                v => v.testo(),
            }
        };
        let programma = cella("Programma").testo();
        let programma_id = if programma.is_empty() {
            String::new()
        } else {
            let k = normalize(&programma);
            match rif
                .programmi
                .iter()
                .find(|g| normalize(&g.codice) == k || normalize(&g.nome) == k)
            {
                Some(g) => g.id.to_string(),
                None => {
                    propri.push(format!("programma «{programma}» sconosciuto: usare il codice o il nome del catalogo"));
                    "-".into()
                }
            }
        };
        let responsabile = cella("Responsabile").testo();
        let responsabile_id = if responsabile.is_empty() {
            String::new()
        } else {
            let k = normalize(&responsabile);
            let trovati: Vec<i64> = rif
                .persone
                .iter()
                .filter(|p| {
                    normalize(&format!("{} {}", p.nome, p.cognome)) == k
                        || normalize(&format!("{} {}", p.cognome, p.nome)) == k
                })
                .map(|p| p.id)
                .collect();
            match trovati[..] {
                [id] => id.to_string(),
                [] => {
                    propri.push(format!(
                        "responsabile «{responsabile}» non trovato tra il personale"
                    ));
                    String::new()
                }
                _ => {
                    propri.push(format!(
                        "responsabile «{responsabile}» ambiguo: più persone con questo nome"
                    ));
                    String::new()
                }
            }
        };
        let mut comuni = Vec::new();
        for parte in cella("Comuni")
            .testo()
            .split([',', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let c = rif.territorio.trova(parte);
            match c {
                Some(c) if !comuni.contains(&c.id) => comuni.push(c.id),
                Some(_) => {}
                None => propri.push(format!("comune «{parte}» non trovato in Toscana")),
            }
        }
        let regionale = normalize(&cella("Fondi regionali da rinnovare").testo());
        let form = ProgettoForm {
            codice: cella("Codice").testo(),
            acronimo: cella("Acronimo").testo(),
            titolo: cella("Titolo").testo(),
            descrizione: cella("Descrizione").testo(),
            tipo: cella("Tipo").testo(),
            programma: programma_id,
            bando_rif: cella("Riferimento bando").testo(),
            ruolo: cella("Ruolo").testo(),
            data_inizio: data("Inizio"),
            data_fine: data("Fine"),
            stato: cella("Stato").testo(),
            budget_totale: importo("Budget totale (€)", &mut propri),
            quota_associazione: importo("Quota associazione (€)", &mut propri),
            cofinanziamento: cella("Cofinanziamento (%)").testo(),
            dipende_regione: ["si", "sì", "x", "1", "true", "vero"]
                .contains(&regionale.as_str())
                .then(|| "on".into()),
            responsabile: responsabile_id,
            proposta: String::new(),
        };
        match form.validate(&programmi_ids, &persone_ids) {
            Ok(d) if propri.is_empty() => {
                if !codici.insert(d.codice.clone()) {
                    errori.push(format!(
                        "Riga {numero}: il codice «{}» compare più volte nel file.",
                        d.codice
                    ));
                } else {
                    out.push(RigaValida {
                        numero: *numero,
                        dati: d,
                        comuni,
                    });
                }
            }
            Ok(_) => {}
            Err(e) => {
                for (campo, msg) in &e.0 {
                    if matches!(*campo, "programma" | "responsabile") && !propri.is_empty() {
                        continue;
                    }
                    let colonna = COLONNE
                        .iter()
                        .find(|c| campo_form(c) == *campo)
                        .copied()
                        .unwrap_or(campo);
                    propri.push(format!("colonna «{colonna}»: {msg}"));
                }
            }
        }
        for m in propri {
            errori.push(format!("Riga {numero}: {m}"));
        }
    }
    if errori.is_empty() {
        Ok(out)
    } else {
        Err(errori)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_semicolons_bom_and_windows_1252() {
        let mut b = b"\xEF\xBB\xBFCodice;Acronimo\nP1;ALFA\n;\n".to_vec();
        let f = leggi(&b).unwrap();
        assert_eq!(f.intestazioni, ["Codice", "Acronimo"]);
        assert_eq!(f.righe.len(), 1, "blank rows are skipped");
        assert_eq!(f.righe[0].0, 2);
        b = b"Codice,Titolo\nP1,Citt\xe0\n".to_vec();
        let f = leggi(&b).unwrap();
        assert_eq!(f.righe[0].1[1], Valore::Testo("Città".into()));
    }

    #[test]
    fn spreadsheet_serial_dates() {
        assert_eq!(da_seriale(43831.0), NaiveDate::from_ymd_opt(2020, 1, 1));
        assert_eq!(da_seriale(-3.0), None);
    }
}
