//! iCalendar (RFC 5545): the feeds calendar applications subscribe to (a project's deadlines,
//! the events) and the invitation attached to an e-mail (`METHOD:REQUEST`): all-day or timed
//! events, lines folded at 75 octets, text escaped, CRLF line ends.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};

/// When an entry is.
#[derive(Debug, Clone, Copy)]
pub enum Quando {
    /// All day (a deadline).
    Giorno(NaiveDate),
    /// From, to (UTC).
    Orario(DateTime<Utc>, DateTime<Utc>),
}

/// One entry of a calendar.
#[derive(Debug, Clone)]
pub struct Evento {
    /// Stable across requests, so that calendar applications update instead of duplicating.
    pub uid: String,
    pub quando: Quando,
    pub luogo: Option<String>,
    pub titolo: String,
    pub descrizione: String,
    pub categoria: &'static str,
    pub url: Option<String>,
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded so that no line exceeds 75 octets (never inside a character).
fn line(out: &mut String, content: &str) {
    let mut len = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if len + n > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(c);
        len += n;
    }
    out.push_str("\r\n");
}

/// The whole calendar, published (a feed).
pub fn calendario(nome: &str, eventi: &[Evento], adesso: DateTime<Utc>) -> String {
    scrivi("PUBLISH", nome, eventi, adesso)
}

/// An invitation to `eventi` (`METHOD:REQUEST`, for an e-mail attachment).
pub fn invito(nome: &str, eventi: &[Evento], adesso: DateTime<Utc>) -> String {
    scrivi("REQUEST", nome, eventi, adesso)
}

fn scrivi(metodo: &str, nome: &str, eventi: &[Evento], adesso: DateTime<Utc>) -> String {
    let mut out = String::with_capacity(256 + eventi.len() * 300);
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Piazza//Piazza//IT");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, &format!("METHOD:{metodo}"));
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(nome)));
    let stamp = adesso.format("%Y%m%dT%H%M%SZ").to_string();
    let mut buf = String::new();
    for e in eventi {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", escape(&e.uid)));
        line(&mut out, &format!("DTSTAMP:{stamp}"));
        buf.clear();
        match e.quando {
            Quando::Giorno(d) => {
                let _ = write!(buf, "DTSTART;VALUE=DATE:{}", d.format("%Y%m%d"));
                line(&mut out, &buf);
                let fine = d.succ_opt().unwrap_or(d);
                line(
                    &mut out,
                    &format!("DTEND;VALUE=DATE:{}", fine.format("%Y%m%d")),
                );
            }
            Quando::Orario(da, a) => {
                let _ = write!(buf, "DTSTART:{}", da.format("%Y%m%dT%H%M%SZ"));
                line(&mut out, &buf);
                line(&mut out, &format!("DTEND:{}", a.format("%Y%m%dT%H%M%SZ")));
            }
        }
        if let Some(l) = &e.luogo {
            line(&mut out, &format!("LOCATION:{}", escape(l)));
        }
        line(&mut out, &format!("SUMMARY:{}", escape(&e.titolo)));
        if !e.descrizione.is_empty() {
            line(&mut out, &format!("DESCRIPTION:{}", escape(&e.descrizione)));
        }
        line(&mut out, &format!("CATEGORIES:{}", escape(e.categoria)));
        if let Some(u) = &e.url {
            line(&mut out, &format!("URL:{u}"));
        }
        if matches!(e.quando, Quando::Giorno(_)) {
            line(&mut out, "TRANSP:TRANSPARENT");
        }
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_long_lines_on_character_boundaries_and_escapes_text() {
        let e = Evento {
            uid: "x@piazza".into(),
            quando: Quando::Giorno(NaiveDate::from_ymd_opt(2020, 3, 31).unwrap()),
            luogo: None,
            titolo:
                "Rendicontazione; periodo 1, più è lungo più va piegato: àèìòù àèìòù àèìòù àèìòù"
                    .into(),
            descrizione: "riga uno\nriga due".into(),
            categoria: "Rendicontazione",
            url: None,
        };
        let s = calendario("Progetti", &[e], Utc::now());
        assert!(s.ends_with("END:VCALENDAR\r\n"));
        for l in s.split("\r\n") {
            assert!(l.len() <= 75, "line longer than 75 octets: {l:?}");
        }
        assert!(s.contains("DTSTART;VALUE=DATE:20200331\r\n"));
        assert!(s.contains("DTEND;VALUE=DATE:20200401\r\n"));
        assert!(s.contains("SUMMARY:Rendicontazione\\; periodo 1\\, più"));
        assert!(s.contains("DESCRIPTION:riga uno\\nriga due"));
        let unfolded = s.replace("\r\n ", "");
        assert!(unfolded.contains("àèìòù àèìòù àèìòù àèìòù"));
    }
}
