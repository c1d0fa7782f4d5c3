//! The projects list as a spreadsheet: the columns of the export are the columns of the import,
//! so a user can export, edit in Excel and load the file back. Reading accepts XLSX (first
//! sheet) and CSV (`;` or `,`, UTF-8 or Windows-1252); validation reports every bad row in
//! Italian; the store applies the whole file in one transaction or nothing.

use std::collections::HashSet;
use std::io::Cursor;

use calamine::{Data, Reader};
use chrono::NaiveDate;
use piazza_db::entities::programma;

use super::model::{self, DatiProgetto, ProgettoForm};
use crate::territorio::Territorio;
use crate::text::normalize;

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
            Valore::Numero(x) => crate::fmt::numero(*x).replace('.', ""),
            Valore::Data(d) => crate::fmt::date(*d),
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

/// Reads an uploaded file: XLSX when it is a ZIP, CSV otherwise.
pub fn leggi(bytes: &[u8]) -> Result<Foglio, String> {
    if bytes.starts_with(b"PK\x03\x04") {
        leggi_xlsx(bytes)
    } else {
        leggi_csv(bytes)
    }
}

/// Days since 30/12/1899: how spreadsheets count dates.
fn da_seriale(x: f64) -> Option<NaiveDate> {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    (x.is_finite() && (1.0..2_958_466.0).contains(&x))
        .then(|| base.checked_add_days(chrono::Days::new(x.floor() as u64)))
        .flatten()
}

fn leggi_xlsx(bytes: &[u8]) -> Result<Foglio, String> {
    let mut wb = calamine::Xlsx::new(Cursor::new(bytes))
        .map_err(|e| format!("Il file non è un foglio Excel leggibile ({e})."))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or("Il file Excel non contiene fogli.")?
        .map_err(|e| format!("Il primo foglio non è leggibile ({e})."))?;
    let mut rows = range.rows();
    let intestazioni = rows
        .next()
        .ok_or("Il foglio è vuoto.")?
        .iter()
        .map(|c| c.to_string().trim().to_owned())
        .collect();
    let start = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let mut righe = Vec::new();
    for (i, r) in rows.enumerate() {
        let valori: Vec<Valore> = r
            .iter()
            .map(|c| match c {
                Data::Empty => Valore::Vuoto,
                Data::String(s) if s.trim().is_empty() => Valore::Vuoto,
                Data::String(s) => Valore::Testo(s.clone()),
                Data::Float(x) => Valore::Numero(*x),
                Data::Int(n) => Valore::Numero(*n as f64),
                Data::Bool(b) => Valore::Testo(if *b { "sì" } else { "no" }.into()),
                Data::DateTime(d) => da_seriale(d.as_f64()).map_or(Valore::Vuoto, Valore::Data),
                Data::DateTimeIso(s) => {
                    NaiveDate::parse_from_str(&s[..s.len().min(10)], "%Y-%m-%d")
                        .map_or_else(|_| Valore::Testo(s.clone()), Valore::Data)
                }
                other => Valore::Testo(other.to_string()),
            })
            .collect();
        if valori.iter().all(|v| *v == Valore::Vuoto) {
            continue;
        }
        righe.push((start + i + 2, valori));
    }
    Ok(Foglio {
        intestazioni,
        righe,
    })
}

fn leggi_csv(bytes: &[u8]) -> Result<Foglio, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let testo = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    };
    let prima = testo.lines().next().unwrap_or_default();
    let sep = if prima.matches(';').count() >= prima.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut r = csv::ReaderBuilder::new()
        .delimiter(sep)
        .flexible(true)
        .has_headers(false)
        .from_reader(testo.as_bytes());
    let mut foglio = Foglio::default();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| format!("Riga {}: CSV non leggibile ({e}).", i + 1))?;
        if i == 0 {
            foglio.intestazioni = rec.iter().map(|s| s.trim().to_owned()).collect();
            continue;
        }
        let valori: Vec<Valore> = rec
            .iter()
            .map(|s| {
                if s.trim().is_empty() {
                    Valore::Vuoto
                } else {
                    Valore::Testo(s.to_owned())
                }
            })
            .collect();
        if valori.iter().all(|v| *v == Valore::Vuoto) {
            continue;
        }
        foglio.righe.push((i + 1, valori));
    }
    if foglio.intestazioni.is_empty() {
        return Err("Il file è vuoto.".into());
    }
    Ok(foglio)
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
                    Ok(cents) => crate::fmt::euro(cents),
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
                    .map(crate::fmt::date)
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
            let k = normalize(parte);
            let c = rif
                .territorio
                .comune(parte)
                .or_else(|| rif.territorio.comuni.iter().find(|c| c.nome_norm == k));
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
