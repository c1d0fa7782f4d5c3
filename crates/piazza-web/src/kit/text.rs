//! Text normalisation for accent- and case-insensitive search and sort (Forlì, Cantù), and the
//! escaping of text written into HTML, SVG and XML by hand (templates escape on their own).

/// Text escaped for HTML, SVG and XML content and attribute values.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Lower-case, accents removed, apostrophes and punctuation folded to spaces, spaces collapsed.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for ch in s.chars().flat_map(char::to_lowercase) {
        let c = fold(ch);
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        } else {
            pending_space = true;
        }
    }
    out
}

/// A key for matching names written differently (DAIT writes `FORLI'` for Forlì):
/// normalised and with every separator removed.
pub fn match_key(s: &str) -> String {
    normalize(s)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn fold(ch: char) -> char {
    match ch {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        c => c,
    }
}

/// Trims and turns an empty string into `None`.
pub fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_apostrophes() {
        assert_eq!(normalize("Forlì"), "forli");
        assert_eq!(normalize("  San   Gimignano "), "san gimignano");
        assert_eq!(normalize("Reggio nell'Emilia"), "reggio nell emilia");
        assert_eq!(match_key("FORLI'"), match_key("Forlì"));
        assert_eq!(normalize("CANTÙ"), "cantu");
    }
}
