//! SMTP replies (RFC 5321 §4.2): one reply, single- or multi-line, parsed from the bytes read
//! so far, and the extensions an EHLO reply advertises.

/// The most one reply may take: a server that sends more is not speaking SMTP.
pub const MAX_RISPOSTA: usize = 64 * 1024;

/// One complete reply: its code and the text of each line (without code and separator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Risposta {
    pub codice: u16,
    pub righe: Vec<String>,
}

impl Risposta {
    /// 2 for success, 3 for "go on" (354, 334), 4 for a transient failure, 5 for a permanent one.
    pub fn classe(&self) -> u16 {
        self.codice / 100
    }

    /// The reply as one line, for messages: `550 5.1.1 no such user`.
    pub fn testo(&self) -> String {
        let t = self
            .righe
            .iter()
            .map(|r| r.trim())
            .filter(|r| !r.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if t.is_empty() {
            self.codice.to_string()
        } else {
            format!("{} {t}", self.codice)
        }
    }
}

/// Parses the reply at the start of `buf`: `Ok(Some((reply, bytes it took)))`, `Ok(None)` when
/// it is not complete yet, `Err` when the bytes are not an SMTP reply. Lines end in CRLF (a bare
/// LF is accepted); every line is `ddd-text` but the last, `ddd text` or `ddd`, all with the
/// same code.
pub fn analizza(buf: &[u8]) -> Result<Option<(Risposta, usize)>, String> {
    let mut pos = 0;
    let mut righe = Vec::new();
    let mut codice = None;
    loop {
        let Some(n) = buf[pos..].iter().position(|&b| b == b'\n') else {
            return if buf.len() > MAX_RISPOSTA {
                Err("risposta del server SMTP troppo lunga".into())
            } else {
                Ok(None)
            };
        };
        let riga = &buf[pos..pos + n];
        let riga = riga.strip_suffix(b"\r").unwrap_or(riga);
        pos += n + 1;
        let non_smtp = || {
            format!(
                "risposta non SMTP dal server: {:?}",
                String::from_utf8_lossy(&riga[..riga.len().min(80)])
            )
        };
        if riga.len() < 3 || !riga[..3].iter().all(u8::is_ascii_digit) {
            return Err(non_smtp());
        }
        let c = u16::from(riga[0] - b'0') * 100
            + u16::from(riga[1] - b'0') * 10
            + u16::from(riga[2] - b'0');
        if !(200..600).contains(&c) || codice.is_some_and(|p| p != c) {
            return Err(non_smtp());
        }
        codice = Some(c);
        let ultima = match riga.get(3) {
            None | Some(b' ') => true,
            Some(b'-') => false,
            Some(_) => return Err(non_smtp()),
        };
        righe.push(String::from_utf8_lossy(riga.get(4..).unwrap_or_default()).into_owned());
        if ultima {
            return Ok(Some((Risposta { codice: c, righe }, pos)));
        }
        if pos > MAX_RISPOSTA {
            return Err("risposta del server SMTP troppo lunga".into());
        }
    }
}

/// What the server offers, from its EHLO reply (the lines after the greeting one).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Estensioni {
    /// RFC 2920: commands may be sent in groups.
    pub pipelining: bool,
    /// RFC 3207.
    pub starttls: bool,
    /// RFC 6531: addresses in UTF-8.
    pub smtputf8: bool,
    pub auth_plain: bool,
    pub auth_login: bool,
}

impl Estensioni {
    pub fn da_ehlo(r: &Risposta) -> Self {
        let mut e = Self::default();
        for riga in r.righe.iter().skip(1) {
            // `AUTH=PLAIN LOGIN` is the form of some old servers.
            let mut parole = riga.split(|c: char| c.is_ascii_whitespace() || c == '=');
            let Some(nome) = parole.next() else { continue };
            match nome.to_ascii_uppercase().as_str() {
                "PIPELINING" => e.pipelining = true,
                "STARTTLS" => e.starttls = true,
                "SMTPUTF8" => e.smtputf8 = true,
                "AUTH" => {
                    for m in parole {
                        match m.to_ascii_uppercase().as_str() {
                            "PLAIN" => e.auth_plain = true,
                            "LOGIN" => e.auth_login = true,
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn una(s: &str) -> (Risposta, usize) {
        analizza(s.as_bytes()).unwrap().unwrap()
    }

    #[test]
    fn single_and_multi_line_replies_are_parsed_with_the_bytes_they_take() {
        let (r, n) = una("250 OK\r\n354 avanti\r\n");
        assert_eq!((r.codice, r.righe.clone(), n), (250, vec!["OK".into()], 8));
        assert_eq!(r.testo(), "250 OK");
        let (r, n) = una("250-mx.example.org\r\n250-PIPELINING\r\n250 SMTPUTF8\r\nresto");
        assert_eq!(r.codice, 250);
        assert_eq!(r.righe, ["mx.example.org", "PIPELINING", "SMTPUTF8"]);
        assert_eq!(n, 50);
        // A code alone, and a bare LF.
        let (r, n) = una("250\n");
        assert_eq!((r.codice, r.righe, n), (250, vec![String::new()], 4));
        assert_eq!(
            una("550-5.1.1 casella\r\n550 inesistente\r\n").0.testo(),
            "550 5.1.1 casella inesistente"
        );
    }

    #[test]
    fn an_incomplete_reply_asks_for_more_bytes() {
        for s in ["", "25", "250 OK", "250-uno\r\n", "250-uno\r\n250 du"] {
            assert_eq!(analizza(s.as_bytes()), Ok(None), "{s:?}");
        }
    }

    #[test]
    fn what_is_not_an_smtp_reply_is_an_error() {
        for s in [
            "HTTP/1.1 200 OK\r\n",
            "25x OK\r\n",
            "250_OK\r\n",
            "250-uno\r\n251 due\r\n",
            "099 troppo basso\r\n",
            "\r\n",
        ] {
            assert!(analizza(s.as_bytes()).is_err(), "{s:?}");
        }
        let lunga = format!("250-{}\r\n", "x".repeat(MAX_RISPOSTA));
        assert!(analizza(lunga.as_bytes()).is_err());
        assert!(analizza("2".repeat(MAX_RISPOSTA + 1).as_bytes()).is_err());
    }

    #[test]
    fn the_extensions_come_from_the_lines_after_the_first() {
        let (r, _) = una(
            "250-mx.example.org ciao\r\n250-SIZE 1000\r\n250-pipelining\r\n250-AUTH LOGIN PLAIN CRAM-MD5\r\n250-STARTTLS\r\n250 SMTPUTF8\r\n",
        );
        let e = Estensioni::da_ehlo(&r);
        assert_eq!(
            e,
            Estensioni {
                pipelining: true,
                starttls: true,
                smtputf8: true,
                auth_plain: true,
                auth_login: true
            }
        );
        let (r, _) = una("250-PIPELINING\r\n250 AUTH=LOGIN\r\n");
        let e = Estensioni::da_ehlo(&r);
        assert!(!e.pipelining, "the first line is the server's name");
        assert!(e.auth_login && !e.auth_plain);
    }
}
