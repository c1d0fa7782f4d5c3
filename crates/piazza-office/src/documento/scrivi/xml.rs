//! XML text for the writers: escaping, dropping what XML 1.0 cannot hold, and the pieces of a
//! text (runs of characters, line breaks, tabs) each format writes its own way.

/// Whether XML 1.0 can hold the character (and it is not a C1 control, which no office text
/// means). Tab, line feed and carriage return are allowed here: callers split them out first
/// where they matter.
pub(super) fn valido(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r'
        | '\u{20}'..='\u{7E}'
        | '\u{A0}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..)
}

/// Appends `testo` escaped for an element's content or an attribute value in double quotes,
/// without the characters XML 1.0 cannot hold.
pub(super) fn scappa(out: &mut String, testo: &str) {
    for c in testo.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if valido(c) => out.push(c),
            _ => {}
        }
    }
}

/// `testo` escaped, as a new string.
pub(super) fn scappato(testo: &str) -> String {
    let mut s = String::with_capacity(testo.len());
    scappa(&mut s, testo);
    s
}

/// A piece of a text: characters (already without those XML cannot hold, not yet escaped,
/// possibly empty), a line break, a tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Pezzo {
    Testo(String),
    ACapo,
    Tab,
}

/// A text split into its pieces: `\r\n`, `\r`, `\n`, vertical tab and U+2028 are line breaks,
/// `\t` a tab; characters XML cannot hold are dropped. Empty runs of characters are left out.
pub(super) fn pezzi(testo: &str) -> Vec<Pezzo> {
    let mut out = Vec::new();
    let mut corrente = String::new();
    let mut dopo_cr = false;
    for c in testo.chars() {
        let era_cr = std::mem::replace(&mut dopo_cr, c == '\r');
        let pezzo = match c {
            '\n' if era_cr => continue,
            '\r' | '\n' | '\u{0B}' | '\u{2028}' => Pezzo::ACapo,
            '\t' => Pezzo::Tab,
            c if valido(c) => {
                corrente.push(c);
                continue;
            }
            _ => continue,
        };
        if !corrente.is_empty() {
            out.push(Pezzo::Testo(std::mem::take(&mut corrente)));
        }
        out.push(pezzo);
    }
    if !corrente.is_empty() {
        out.push(Pezzo::Testo(corrente));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            scappato("a<b>&\"c'\u{0}\u{1}\u{8}\u{1F}\u{7F}\u{85}\u{FFFE}\u{FFFF}é€😀"),
            "a&lt;b&gt;&amp;&quot;c&apos;é€😀"
        );
    }

    #[test]
    fn splits_line_breaks_and_tabs() {
        let t = |s: &str| Pezzo::Testo(s.to_owned());
        assert_eq!(
            pezzi("a\r\nb\rc\nd\te\u{2028}\u{1}f"),
            vec![
                t("a"),
                Pezzo::ACapo,
                t("b"),
                Pezzo::ACapo,
                t("c"),
                Pezzo::ACapo,
                t("d"),
                Pezzo::Tab,
                t("e"),
                Pezzo::ACapo,
                t("f"),
            ]
        );
        assert_eq!(pezzi("\n\n"), vec![Pezzo::ACapo, Pezzo::ACapo]);
        assert_eq!(pezzi("\r\r\n"), vec![Pezzo::ACapo, Pezzo::ACapo]);
        assert!(pezzi("\u{0}").is_empty());
    }
}
