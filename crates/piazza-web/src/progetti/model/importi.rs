//! Money and rates as people write them: euro into integer cents, percentages into
//! hundredths of a percent.

/// An amount in euro as written by a person (`1.234,56`, `1234,5`, `1234.56`, `€ 1.234`) into
/// integer cents. The Italian way wins where it is ambiguous: `1.234` is one thousand two
/// hundred thirty-four euro. Negative amounts and more than two decimals are refused.
pub fn parse_euro(s: &str) -> Result<i64, String> {
    let t: String = s
        .trim()
        .trim_start_matches('€')
        .trim_end_matches('€')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    if t.is_empty() {
        return Err("Importo mancante.".into());
    }
    if t.starts_with('-') {
        return Err(format!("Importo negativo non ammesso: «{}».", s.trim()));
    }
    let (intero, decimali) = if let Some((i, d)) = t.rsplit_once(',') {
        (i.replace('.', ""), d.to_owned())
    } else if t.matches('.').count() == 1 {
        let (i, d) = t.split_once('.').expect("one dot");
        if d.len() == 3 {
            (format!("{i}{d}"), String::new())
        } else {
            (i.to_owned(), d.to_owned())
        }
    } else {
        (t.replace('.', ""), String::new())
    };
    let cifre = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
    let non_valido = || format!("Importo non valido: «{}» (esempio: 1.234,56).", s.trim());
    if !cifre(&intero) || !(decimali.is_empty() || cifre(&decimali)) {
        return Err(non_valido());
    }
    if decimali.len() > 2 {
        return Err(format!("Importo con più di due decimali: «{}».", s.trim()));
    }
    let euro: i64 = intero.parse().map_err(|_| non_valido())?;
    let cent: i64 = format!("{decimali:0<2}")
        .parse()
        .map_err(|_| non_valido())?;
    euro.checked_mul(100)
        .and_then(|e| e.checked_add(cent))
        .filter(|v| *v <= MAX_CENTESIMI)
        .ok_or_else(|| format!("Importo troppo grande: «{}».", s.trim()))
}

/// One hundred billion euro: beyond any project, and far from `i64` overflow in sums.
pub const MAX_CENTESIMI: i64 = 100_000_000_000 * 100;

/// An amount read from a spreadsheet cell as a number of euro.
pub fn euro_da_numero(x: f64) -> Result<i64, String> {
    if !x.is_finite() || x < 0.0 {
        return Err(format!("Importo non valido: {x}."));
    }
    let c = (x * 100.0).round();
    if (x * 100.0 - c).abs() > 1e-6 {
        return Err(format!("Importo con più di due decimali: {x}."));
    }
    if c > MAX_CENTESIMI as f64 {
        return Err(format!("Importo troppo grande: {x}."));
    }
    Ok(c as i64)
}

/// A rate in percent (`85`, `85%`, `82,5`) into hundredths of a percent (0–10.000).
pub fn parse_tasso(s: &str) -> Result<Option<i32>, String> {
    let t = s.trim().trim_end_matches('%').trim();
    if t.is_empty() {
        return Ok(None);
    }
    crate::kit::fmt::parse_numero(t)
        .filter(|x| (0.0..=100.0).contains(x))
        .map(|x| Some((x * 100.0).round() as i32))
        .ok_or_else(|| format!("Percentuale non valida: «{}» (da 0 a 100).", s.trim()))
}

/// Hundredths of a percent shown as `82,5 %`.
pub fn tasso(bp: i32) -> String {
    format!("{} %", crate::kit::fmt::numero(f64::from(bp) / 100.0))
}
