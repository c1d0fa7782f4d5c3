//! Dates: spreadsheet serial numbers, number-format codes that make a number a date, ISO text.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::Cella;

/// Whether a built-in SpreadsheetML number format is a date or time (ECMA-376 §18.8.30).
pub(crate) fn formato_predefinito_data(id: u32) -> bool {
    matches!(id, 14..=22 | 45..=47)
}

/// What a custom format code shows, if it is a date or time format: a `d`, `m`, `y`, `h` or
/// `s` outside quoted text, `[...]` sections (colours, locales, conditions), escaped characters
/// and the `_x`/`*x` padding, or elapsed time (`[h]`, `[mm]`, `[ss]`); a time when there is an
/// `h`, an `s` or elapsed time (`m` alone is a month). Only the first section (before `;`) is
/// looked at.
fn parti_formato(codice: &str) -> Option<TipoData> {
    let (mut data, mut ora) = (false, false);
    let mut caratteri = codice.chars();
    while let Some(c) = caratteri.next() {
        match c {
            '"' => {
                for c in caratteri.by_ref() {
                    if c == '"' {
                        break;
                    }
                }
            }
            '[' => {
                // `[h]`, `[mm]`, `[ss]` are elapsed time, the rest is not a date part.
                let mut dentro = String::new();
                for c in caratteri.by_ref() {
                    if c == ']' {
                        break;
                    }
                    if dentro.len() < 8 {
                        dentro.push(c.to_ascii_lowercase());
                    }
                }
                if !dentro.is_empty() && dentro.chars().all(|c| matches!(c, 'h' | 'm' | 's')) {
                    ora = true;
                }
            }
            '\\' | '_' | '*' => {
                caratteri.next();
            }
            ';' => break,
            c if matches!(c.to_ascii_lowercase(), 'h' | 's') => ora = true,
            c if matches!(c.to_ascii_lowercase(), 'd' | 'm' | 'y') => data = true,
            _ => {}
        }
    }
    match (data, ora) {
        (_, true) => Some(TipoData::Ora),
        (true, false) => Some(TipoData::Data),
        (false, false) => None,
    }
}

/// Whether a custom format code shows a date or time (see [`parti_formato`]).
pub(crate) fn codice_formato_data(codice: &str) -> bool {
    parti_formato(codice).is_some()
}

/// What a date format shows: a date only, or (also) a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TipoData {
    Data,
    Ora,
}

pub(crate) fn tipo_predefinito(id: u32) -> TipoData {
    if matches!(id, 14..=17) {
        TipoData::Data
    } else {
        TipoData::Ora
    }
}

pub(crate) fn tipo_codice(codice: &str) -> TipoData {
    parti_formato(codice).unwrap_or(TipoData::Data)
}

/// The serial number of a date-formatted cell as a date, or `None` when out of range (the cell
/// then stays a number). 1900 system: serial 1 is 1900-01-01 and Excel's phantom 1900-02-29
/// (serial 60) reads as 1900-02-28; 1904 system: serial 0 is 1904-01-01. A whole serial with a
/// date-only format is a [`Cella::Data`], anything else a [`Cella::DataOra`] (times of day alone
/// land on day 0 of the system: 1899-12-31 or 1904-01-01).
pub(crate) fn da_seriale(seriale: f64, sistema_1904: bool, tipo: TipoData) -> Option<Cella> {
    if !seriale.is_finite() || !(0.0..2_958_466.0).contains(&seriale) {
        return None;
    }
    let giorni = seriale.floor();
    let millis = ((seriale - giorni) * 86_400_000.0).round() as i64;
    let giorni = giorni as i64;
    let data = if sistema_1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)?.checked_add_signed(Duration::days(giorni))?
    } else if giorni < 60 {
        NaiveDate::from_ymd_opt(1899, 12, 31)?.checked_add_signed(Duration::days(giorni))?
    } else if giorni == 60 {
        NaiveDate::from_ymd_opt(1900, 2, 28)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(Duration::days(giorni))?
    };
    if tipo == TipoData::Data && millis == 0 {
        return Some(Cella::Data(data));
    }
    let dt = data
        .and_time(NaiveTime::MIN)
        .checked_add_signed(Duration::milliseconds(millis))?;
    Some(Cella::DataOra(dt))
}

/// An ISO 8601 date or date-time (XLSX `t="d"`, ODS `office:date-value`). A trailing `Z` or
/// offset is dropped: the value is taken as local time, as spreadsheets show it.
pub(crate) fn da_iso(s: &str) -> Option<Cella> {
    let s = s.trim();
    if s.len() > 64 {
        return None;
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(Cella::Data(d));
    }
    let (data, ora) = s.split_once('T')?;
    let d = NaiveDate::parse_from_str(data, "%Y-%m-%d").ok()?;
    let ora = ora.trim_end_matches('Z');
    // Drop an offset such as +01:00 / -0500 after the seconds.
    let ora = match ora.rfind(['+', '-']) {
        Some(i) if i >= 5 => &ora[..i],
        _ => ora,
    };
    let t = NaiveTime::parse_from_str(ora, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(ora, "%H:%M"))
        .ok()?;
    Some(Cella::DataOra(d.and_time(t)))
}

/// An ODS `office:time-value` (an ISO 8601 duration such as `PT12H30M15.5S`) as a date-time on
/// LibreOffice's day 0, 1899-12-30.
pub(crate) fn da_durata(s: &str) -> Option<Cella> {
    let s = s.trim();
    if s.len() > 64 {
        return None;
    }
    let (negativo, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let s = s.strip_prefix('P')?;
    let (giorni, s) = match s.split_once('T') {
        Some((g, t)) => (g, t),
        None => (s, ""),
    };
    let mut secondi = 0.0f64;
    if let Some(g) = giorni.strip_suffix('D') {
        secondi += g.parse::<f64>().ok()? * 86_400.0;
    } else if !giorni.is_empty() {
        return None;
    }
    let mut numero = String::new();
    for c in s.chars() {
        let per = match c {
            'H' => 3600.0,
            'M' => 60.0,
            'S' => 1.0,
            c if c.is_ascii_digit() || c == '.' => {
                numero.push(c);
                continue;
            }
            _ => return None,
        };
        secondi += numero.parse::<f64>().ok()? * per;
        numero.clear();
    }
    if !numero.is_empty() || !secondi.is_finite() || secondi > 1e11 {
        return None;
    }
    let millis = (secondi * 1000.0).round() as i64;
    let millis = if negativo { -millis } else { millis };
    let zero = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(NaiveTime::MIN);
    let dt: NaiveDateTime = zero.checked_add_signed(Duration::try_milliseconds(millis)?)?;
    Some(Cella::DataOra(dt))
}

#[cfg(test)]
mod test {
    use super::*;

    fn d(a: i32, m: u32, g: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(a, m, g).unwrap()
    }

    #[test]
    fn seriali() {
        let data = |s| da_seriale(s, false, TipoData::Data);
        assert_eq!(data(1.0), Some(Cella::Data(d(1900, 1, 1))));
        assert_eq!(data(59.0), Some(Cella::Data(d(1900, 2, 28))));
        assert_eq!(data(61.0), Some(Cella::Data(d(1900, 3, 1))));
        assert_eq!(data(45352.0), Some(Cella::Data(d(2024, 3, 1))));
        assert_eq!(
            da_seriale(0.0, true, TipoData::Data),
            Some(Cella::Data(d(1904, 1, 1)))
        );
        assert_eq!(
            data(45352.5),
            Some(Cella::DataOra(d(2024, 3, 1).and_hms_opt(12, 0, 0).unwrap()))
        );
        assert_eq!(data(-1.0), None);
        assert_eq!(data(f64::NAN), None);
        assert_eq!(data(1e300), None);
    }

    #[test]
    fn codici() {
        for c in [
            "dd/mm/yyyy",
            "[$-410]d mmmm yyyy",
            "h:mm",
            "[h]:mm:ss",
            "yyyy\"-\"mm",
        ] {
            assert!(codice_formato_data(c), "{c}");
        }
        for c in [
            "General",
            "0.00",
            "#,##0 \"days\"",
            "[Red]0.00",
            "0\\d",
            "€ #,##0.00",
        ] {
            assert!(!codice_formato_data(c), "{c}");
        }
        assert_eq!(tipo_codice("dd/mm/yyyy"), TipoData::Data);
        assert_eq!(tipo_codice("dd/mm/yyyy hh:mm"), TipoData::Ora);
    }

    #[test]
    fn iso_e_durate() {
        assert_eq!(da_iso("2024-03-01"), Some(Cella::Data(d(2024, 3, 1))));
        assert_eq!(
            da_iso("2024-03-01T10:30:00.5Z"),
            Some(Cella::DataOra(
                d(2024, 3, 1).and_hms_milli_opt(10, 30, 0, 500).unwrap()
            ))
        );
        assert_eq!(da_iso("nonsense"), None);
        assert_eq!(
            da_durata("PT12H30M15S"),
            Some(Cella::DataOra(
                d(1899, 12, 30).and_hms_opt(12, 30, 15).unwrap()
            ))
        );
        assert_eq!(da_durata("PT99999999999999999H"), None);
        assert_eq!(
            da_durata("P"),
            Some(Cella::DataOra(
                d(1899, 12, 30).and_hms_opt(0, 0, 0).unwrap()
            ))
        );
    }
}
