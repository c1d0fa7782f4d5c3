//! Italian formatting for display: `1.234.567`, `1.234,56`, `1.234,56 €`, `dd/mm/yyyy`.

use chrono::{DateTime, NaiveDate, Utc};

/// An integer with `.` as the thousands separator.
pub fn int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A decimal number with `places` decimals, `,` as decimal and `.` as thousands separator.
pub fn decimal(x: f64, places: usize) -> String {
    let s = format!("{:.*}", places, x.abs());
    let (int_part, frac) = s.split_once('.').unwrap_or((&s, ""));
    let whole: i64 = int_part.parse().unwrap_or(0);
    let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{}", int(whole))
    } else {
        format!("{sign}{},{frac}", int(whole))
    }
}

/// A measured quantity: whole numbers without decimals, others with up to two (`1.234,5`).
pub fn numero(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return int(x as i64);
    }
    let s = decimal(x, 2);
    s.trim_end_matches('0').trim_end_matches(',').to_owned()
}

/// Parses a number written the Italian way (`1.234,5`) or plainly (`1234.5`).
pub fn parse_numero(s: &str) -> Option<f64> {
    let s = s.trim().replace(' ', "");
    if s.is_empty() {
        return None;
    }
    let plain = if s.contains(',') || s.matches('.').count() > 1 {
        s.replace('.', "").replace(',', ".")
    } else {
        s
    };
    plain.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A progress shown as a whole percentage without the sign (`67`), empty when there is none.
pub fn percentuale(p: Option<f64>) -> String {
    p.map(|p| format!("{p:.0}")).unwrap_or_default()
}

/// Money held as integer cents: `1.234,56 €`.
pub fn euro(cents: i64) -> String {
    format!("{} €", importo(cents))
}

/// Money held as integer cents without the sign of the currency, as a form field shows it:
/// `1.234,56`.
pub fn importo(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{},{:02}", int((abs / 100) as i64), abs % 100)
}

/// Money rounded to the euro, for summaries: `1.235 €`.
pub fn euro_intero(cents: i64) -> String {
    let e = (cents as f64 / 100.0).round() as i64;
    format!("{} €", int(e))
}

/// Today's date: see [`crate::kit::orologio`] (tests can set it).
pub use super::orologio::oggi;

/// A wait in words: `un secondo`, `30 secondi`.
pub fn attesa(secondi: u64) -> String {
    if secondi <= 1 {
        "un secondo".to_owned()
    } else {
        format!("{secondi} secondi")
    }
}

pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

pub fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(date).unwrap_or_default()
}

/// An instant shown in the Italian time zone is beyond this foundation; UTC is labelled as such.
pub fn datetime(t: DateTime<Utc>) -> String {
    t.format("%d/%m/%Y %H:%M UTC").to_string()
}

/// The offset of Italian time at `t`: CEST (+2) from the last Sunday of March to the last
/// Sunday of October at 01:00 UTC, CET (+1) otherwise (EU rule since 1996).
pub fn offset_italia(t: DateTime<Utc>) -> chrono::FixedOffset {
    use chrono::{Datelike, Duration, TimeZone};
    let ultima_domenica = |mese: u32| {
        let fine = NaiveDate::from_ymd_opt(t.year(), mese + 1, 1).expect("valid month")
            - Duration::days(1);
        let indietro = fine.weekday().num_days_from_sunday() as i64;
        Utc.from_utc_datetime(
            &(fine - Duration::days(indietro))
                .and_hms_opt(1, 0, 0)
                .expect("valid time"),
        )
    };
    let estate = t >= ultima_domenica(3) && t < ultima_domenica(10);
    chrono::FixedOffset::east_opt(if estate { 7200 } else { 3600 }).expect("valid offset")
}

/// An instant in Italian time: `dd/mm/yyyy HH:MM`.
pub fn ora_italiana(t: DateTime<Utc>) -> String {
    t.with_timezone(&offset_italia(t))
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// A wall-clock time in Italy as an instant (in the autumn hour that occurs twice, the first).
pub fn da_ora_italiana(locale: chrono::NaiveDateTime) -> DateTime<Utc> {
    for ore in [2, 1] {
        let t = (locale - chrono::Duration::hours(ore)).and_utc();
        if offset_italia(t).local_minus_utc() == ore as i32 * 3600 {
            return t;
        }
    }
    (locale - chrono::Duration::hours(1)).and_utc()
}

/// Parses `dd/mm/yyyy` (also `d/m/yyyy`) or ISO `yyyy-mm-dd`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_time_follows_summer_time() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        assert_eq!(ora_italiana(t("2023-11-03T15:14:00Z")), "03/11/2023 16:14");
        assert_eq!(ora_italiana(t("2026-07-01T10:00:00Z")), "01/07/2026 12:00");
        // 2026: summer time from 29/03 01:00 UTC to 25/10 01:00 UTC.
        assert_eq!(ora_italiana(t("2026-03-29T00:59:00Z")), "29/03/2026 01:59");
        assert_eq!(ora_italiana(t("2026-03-29T01:00:00Z")), "29/03/2026 03:00");
        assert_eq!(ora_italiana(t("2026-10-25T00:59:00Z")), "25/10/2026 02:59");
        assert_eq!(ora_italiana(t("2026-10-25T01:00:00Z")), "25/10/2026 02:00");
        let l = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(
            da_ora_italiana(l("2023-11-03 16:14")),
            t("2023-11-03T15:14:00Z")
        );
        assert_eq!(
            da_ora_italiana(l("2026-07-01 00:00")),
            t("2026-06-30T22:00:00Z")
        );
    }

    #[test]
    fn italian_numbers_money_dates() {
        assert_eq!(int(360930), "360.930");
        assert_eq!(int(-1234567), "-1.234.567");
        assert_eq!(int(999), "999");
        assert_eq!(decimal(1234.5, 2), "1.234,50");
        assert_eq!(decimal(-0.001, 2), "0,00");
        assert_eq!(euro(123456), "1.234,56 €");
        assert_eq!(numero(1234.0), "1.234");
        assert_eq!(numero(1234.5), "1.234,5");
        assert_eq!(numero(0.25), "0,25");
        assert_eq!(parse_numero("1.234,5"), Some(1234.5));
        assert_eq!(parse_numero("180"), Some(180.0));
        assert_eq!(parse_numero("12.5"), Some(12.5));
        assert_eq!(parse_numero("dodici"), None);
        assert_eq!(parse_numero("1.234.567"), Some(1234567.0));
        assert_eq!(parse_numero(""), None);
        assert_eq!(euro(-5), "-0,05 €");
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2024, 6, 9).unwrap()),
            "09/06/2024"
        );
        assert_eq!(parse_date("9/6/2024"), NaiveDate::from_ymd_opt(2024, 6, 9));
        assert_eq!(parse_date("31/02/2024"), None);
    }
}
