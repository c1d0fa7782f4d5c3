//! Parser of the Ministry of the Interior's register of local administrators (DAIT).
//!
//! Two layouts are read:
//! - the raw per-province files (`provincia_di_<nome>.csv`, also the national `ammcom.csv`): title
//!   lines before the header, `;` separator, values in double quotes that are not escaped inside,
//!   stray CR characters, `dd/mm/yyyy` dates, the DAIT 4-digit comune code (not ISTAT), Latin-1 or UTF-8;
//! - the mayors file with a `CODICE_ISTAT` column (comma-separated, standard CSV quoting).
//!
//! Comuni are matched by ISTAT code when the file has one, otherwise by name and province.

use chrono::NaiveDate;

use super::model::Carica;
use crate::kit::fmt::parse_date;
use crate::kit::text::match_key;
use crate::refdata::FileErrors;
use crate::territorio::Territorio;

#[derive(Debug, Clone, PartialEq)]
pub struct DaitRow {
    /// Line of the file (1-based), for messages.
    pub riga: usize,
    pub comune_id: i64,
    pub cognome: String,
    pub nome: String,
    pub sesso: Option<String>,
    pub data_nascita: Option<NaiveDate>,
    pub luogo_nascita: Option<String>,
    pub carica: Carica,
    pub descrizione_carica: String,
    pub data_elezione: Option<NaiveDate>,
    pub data_inizio: Option<NaiveDate>,
    pub lista: Option<String>,
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub righe: Vec<DaitRow>,
    /// Rows of comuni outside the region (e.g. a national file), skipped.
    pub fuori_regione: usize,
}

/// UTF-8 when valid (BOM removed), otherwise Windows-1252/Latin-1.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// Splits a raw DAIT line: `"a";"b";;"c"`, quotes inside values are not escaped.
fn split_raw(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        if let Some(body) = rest.strip_prefix('"') {
            match body.find("\";") {
                Some(pos) => {
                    out.push(body[..pos].to_owned());
                    rest = &body[pos + 2..];
                }
                None => {
                    out.push(body.strip_suffix('"').unwrap_or(body).to_owned());
                    break;
                }
            }
        } else {
            match rest.find(';') {
                Some(pos) => {
                    out.push(rest[..pos].to_owned());
                    rest = &rest[pos + 1..];
                }
                None => {
                    out.push(rest.to_owned());
                    break;
                }
            }
        }
    }
    out
}

/// Title case for names written in capitals: `D'ALESSANDRO` → `D'Alessandro`.
pub fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for ch in s.trim().chars() {
        if ch.is_alphabetic() {
            if start {
                out.extend(ch.to_uppercase());
            } else {
                out.extend(ch.to_lowercase());
            }
            start = false;
        } else {
            out.push(ch);
            start = true;
        }
    }
    out
}

/// Reads a DAIT file against the territory; every bad row is reported, nothing is returned
/// unless all rows are good.
/// The most lines a register file may have (the national register is about 130,000).
pub const MAX_RIGHE: usize = 1_000_000;
/// The longest line (a real one is a few hundred characters).
pub const MAX_RIGA: usize = 8 * 1024;
/// Errors listed at most; beyond, their number.
const MAX_ERRORI: usize = 200;

pub fn parse(bytes: &[u8], t: &Territorio) -> Result<Parsed, FileErrors> {
    let text = decode(bytes);
    let lines: Vec<&str> = text.split('\n').collect();
    if lines.len() > MAX_RIGHE {
        return Err(FileErrors(vec![format!(
            "il file ha più di {} righe: non è un elenco di amministratori",
            crate::kit::fmt::int(MAX_RIGHE as i64)
        )]));
    }
    if let Some(i) = lines.iter().position(|l| l.len() > MAX_RIGA) {
        return Err(FileErrors(vec![format!(
            "la riga {} è lunga più di {} caratteri: non è un elenco di amministratori",
            i + 1,
            crate::kit::fmt::int(MAX_RIGA as i64)
        )]));
    }
    let Some(header_idx) = lines.iter().take(10).position(|l| {
        let l = l.to_lowercase();
        l.contains("cognome") && l.contains("nome") && l.contains("carica")
    }) else {
        return Err(FileErrors(vec![
            "intestazione non trovata: il file non sembra un elenco di amministratori del Ministero dell'Interno (mancano le colonne cognome, nome, carica)".into(),
        ]));
    };
    let header_line = lines[header_idx].replace('\r', "");
    let semicolon = header_line.contains(';');
    let split = |line: &str| -> Vec<String> {
        if semicolon {
            split_raw(line)
        } else {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(line.as_bytes());
            rdr.records()
                .next()
                .and_then(|r| r.ok())
                .map(|r| r.iter().map(str::to_owned).collect())
                .unwrap_or_default()
        }
    };
    let headers: Vec<String> = split(&header_line)
        .into_iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let required = [
        "cognome",
        "nome",
        "descrizione_carica",
        "denominazione_comune",
        "sigla_provincia",
    ];
    let missing: Vec<String> = required
        .iter()
        .filter(|c| col(c).is_none())
        .map(|c| format!("manca la colonna «{c}»"))
        .collect();
    if !missing.is_empty() {
        return Err(FileErrors(missing));
    }
    let c_istat = col("codice_istat");
    let our_provinces: std::collections::HashSet<&str> =
        t.province.iter().map(|p| p.sigla.as_str()).collect();
    let by_name: std::collections::HashMap<(String, &str), i64> = t
        .comuni
        .iter()
        .map(|c| ((match_key(&c.nome), c.sigla_provincia.as_str()), c.id))
        .collect();

    let mut parsed = Parsed::default();
    let mut errors = Vec::new();
    for (i, raw) in lines.iter().enumerate().skip(header_idx + 1) {
        let riga = i + 1;
        let line = raw.replace('\r', "");
        if line.trim().is_empty() {
            continue;
        }
        let fields = split(&line);
        let get = |name: &str| -> String {
            col(name)
                .and_then(|i| fields.get(i))
                .map(|s| s.trim().to_owned())
                .unwrap_or_default()
        };
        let mut errs: Vec<String> = Vec::new();
        let sigla = get("sigla_provincia");
        let denominazione = get("denominazione_comune");
        let comune_id = match c_istat
            .and_then(|i| fields.get(i))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
        {
            Some(code) => match t.comune(code) {
                Some(c) => Some(c.id),
                None => {
                    errs.push(format!(
                        "codice ISTAT «{code}» non corrisponde a nessun comune caricato"
                    ));
                    None
                }
            },
            None if !our_provinces.contains(sigla.as_str()) => {
                parsed.fuori_regione += 1;
                continue;
            }
            None => match by_name.get(&(match_key(&denominazione), sigla.as_str())) {
                Some(id) => Some(*id),
                None => {
                    errs.push(format!(
                        "comune «{denominazione}» ({sigla}) non trovato tra i comuni caricati"
                    ));
                    None
                }
            },
        };
        let cognome = get("cognome");
        let nome = get("nome");
        if cognome.is_empty() {
            errs.push("cognome mancante".into());
        }
        if nome.is_empty() {
            errs.push("nome mancante".into());
        }
        let descrizione = get("descrizione_carica");
        if descrizione.is_empty() {
            errs.push("carica mancante".into());
        }
        let mut date = |field: &str, label: &str| -> Option<NaiveDate> {
            let v = get(field);
            if v.is_empty() {
                return None;
            }
            let d = parse_date(&v);
            if d.is_none() {
                errs.push(format!(
                    "{label} «{v}» non valida (formato atteso gg/mm/aaaa)"
                ));
            }
            d
        };
        let data_nascita = date("data_nascita", "data di nascita");
        let data_elezione = date("data_elezione", "data di elezione");
        let data_inizio = date("data_entrata_in_carica", "data di entrata in carica");
        if !errs.is_empty() {
            errors.push(format!("riga {riga}: {}", errs.join("; ")));
            continue;
        }
        let non_empty = |s: String| (!s.is_empty()).then_some(s);
        parsed.righe.push(DaitRow {
            riga,
            comune_id: comune_id.unwrap_or_default(),
            carica: Carica::from_dait(&descrizione, &get("incarico")),
            cognome: title_case(&cognome),
            nome: title_case(&nome),
            sesso: non_empty(get("sesso")),
            data_nascita,
            luogo_nascita: non_empty(get("luogo_nascita")),
            descrizione_carica: descrizione,
            data_elezione,
            data_inizio,
            lista: non_empty(get("lista_appartenenza/collegamento")),
        });
    }
    if errors.is_empty() {
        if parsed.righe.is_empty() && parsed.fuori_regione == 0 {
            return Err(FileErrors(vec![
                "il file non contiene righe di amministratori".into(),
            ]));
        }
        Ok(parsed)
    } else {
        if errors.len() > MAX_ERRORI {
            let altri = errors.len() - MAX_ERRORI;
            errors.truncate(MAX_ERRORI);
            errors.push(format!(
                "… e altri {} errori",
                crate::kit::fmt::int(altri as i64)
            ));
        }
        Err(FileErrors(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_lines_with_unescaped_quotes_and_empty_values() {
        let f = split_raw(r#""09";"030";;"LISTA "IL PONTE" | ALTRA";"x""#);
        assert_eq!(f, vec!["09", "030", "", r#"LISTA "IL PONTE" | ALTRA"#, "x"]);
        assert_eq!(split_raw(r#""a";"#), vec!["a", ""]);
    }

    #[test]
    fn names_in_title_case() {
        assert_eq!(title_case("D'ALESSANDRO"), "D'Alessandro");
        assert_eq!(title_case("DE LUCA MARIA GRAZIA"), "De Luca Maria Grazia");
    }

    #[test]
    fn latin1_is_decoded() {
        assert_eq!(decode(b"FORL\xCC"), "FORLÌ");
        assert_eq!(decode("FORLÌ".as_bytes()), "FORLÌ");
    }
}
