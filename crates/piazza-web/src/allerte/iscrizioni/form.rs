//! The subscription form as typed and its validation (comuni, risks, level, addresses).

use std::collections::BTreeSet;

use super::{MAX_COMUNI, bit, rischi_di};
use crate::allerte::bollettino::Livello;
use crate::allerte::da_cap::RISCHI;
use crate::kit::view::FormErrors;
use crate::territorio::Territorio;

/// The form as typed.
#[derive(Debug, Clone, Default)]
pub struct IscrizioneForm {
    /// Comuni as typed: names (any case, accents optional) or ISTAT codes.
    pub comuni: Vec<String>,
    pub rischi: Vec<String>,
    pub soglia: String,
    pub fine_allerta: bool,
    pub email: String,
    pub telefono: String,
    pub consenso: bool,
}

impl IscrizioneForm {
    /// What the empty form proposes: every risk, from yellow, with all-clears.
    pub fn nuovo() -> Self {
        Self {
            comuni: vec![String::new()],
            rischi: RISCHI.iter().map(|(k, _)| (*k).to_owned()).collect(),
            soglia: Livello::Giallo.nome().into(),
            fine_allerta: true,
            ..Default::default()
        }
    }

    pub fn da_coppie(coppie: Vec<(String, String)>) -> Self {
        let mut f = Self::default();
        for (k, v) in coppie {
            match k.as_str() {
                "comune" => {
                    // One field may hold several, separated by commas or semicolons.
                    f.comuni.extend(
                        v.split([',', ';'])
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(str::to_owned),
                    )
                }
                "rischi" => f.rischi.push(v),
                "soglia" => f.soglia = v,
                "fine_allerta" => f.fine_allerta = !v.is_empty(),
                "email" => f.email = v,
                "telefono" => f.telefono = v,
                "consenso" => f.consenso = !v.is_empty(),
                _ => {}
            }
        }
        f
    }

    pub fn da_preferenze(p: &Preferenze, t: &Territorio) -> Self {
        Self {
            comuni: p
                .comuni
                .iter()
                .filter_map(|id| t.comune_by_id(*id))
                .map(|c| c.nome.clone())
                .collect(),
            rischi: rischi_di(p.rischi).into_iter().map(str::to_owned).collect(),
            soglia: Livello::da_numero(p.soglia).nome().into(),
            fine_allerta: p.fine_allerta,
            ..Default::default()
        }
    }
}

/// What a subscriber wants to receive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preferenze {
    /// Comune ids, in the order given.
    pub comuni: Vec<i64>,
    pub rischi: i32,
    /// 1 yellow .. 3 red.
    pub soglia: i32,
    pub fine_allerta: bool,
}

/// A validated subscription from the public form: e-mail and/or mobile number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NuovaIscrizione {
    pub preferenze: Preferenze,
    pub email: Option<String>,
    pub telefono: Option<String>,
}

/// Comuni, risks, threshold, all-clears.
pub fn valida_preferenze(f: &IscrizioneForm, t: &Territorio, e: &mut FormErrors) -> Preferenze {
    let mut comuni = Vec::new();
    let mut visti = BTreeSet::new();
    for c in f.comuni.iter().filter(|c| !c.trim().is_empty()) {
        match t.trova(c) {
            Some(cm) => {
                if visti.insert(cm.id) {
                    comuni.push(cm.id);
                }
            }
            None => e.add(
                "comune",
                format!("Comune non trovato: «{}». Sceglilo dall'elenco.", c.trim()),
            ),
        }
    }
    if comuni.is_empty() && !e.has("comune") {
        e.add("comune", "Scegli almeno un comune.");
    }
    if comuni.len() > MAX_COMUNI {
        e.add(
            "comune",
            format!("Puoi seguire al massimo {MAX_COMUNI} comuni con un'iscrizione."),
        );
    }
    let mut rischi = 0;
    for r in &f.rischi {
        match bit(r) {
            0 => e.add("rischi", format!("Rischio sconosciuto: «{r}».")),
            b => rischi |= b,
        }
    }
    if rischi == 0 && !e.has("rischi") {
        e.add("rischi", "Scegli almeno un rischio.");
    }
    let soglia = match Livello::da_nome(f.soglia.trim()) {
        Some(l) if l > Livello::Verde => l.numero(),
        _ => {
            e.add(
                "soglia",
                "Scegli da quale livello avvisarti: giallo, arancione o rosso.",
            );
            1
        }
    };
    Preferenze {
        comuni,
        rischi,
        soglia,
        fine_allerta: f.fine_allerta,
    }
}

/// An e-mail address in a plain form (`nome@dominio.tld`), lower-cased.
pub fn email(s: &str) -> Option<String> {
    let s = s.trim();
    let (locale, dominio) = s.rsplit_once('@')?;
    let ok = !locale.is_empty()
        && locale.len() <= 64
        && s.len() <= 254
        && dominio.contains('.')
        && !dominio.starts_with('.')
        && !dominio.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && !locale.contains(['<', '>', '(', ')', ',', ';', ':', '\\', '"', '[', ']'])
        && dominio
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    // Lower-cased whole: mailboxes that differ only by case are one person in practice, and
    // one address must be one subscription.
    ok.then(|| s.to_lowercase())
}

/// An Italian mobile number, as `+39` and 9–10 digits starting with 3.
pub fn cellulare(s: &str) -> Option<String> {
    let compatto: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !['-', '.', '/', '(', ')'].contains(c))
        .collect();
    let cifre = compatto
        .strip_prefix("+39")
        .or_else(|| compatto.strip_prefix("0039"))
        .unwrap_or(&compatto);
    (cifre.starts_with('3')
        && (9..=10).contains(&cifre.len())
        && cifre.chars().all(|c| c.is_ascii_digit()))
    .then(|| format!("+39{cifre}"))
}

pub fn valida(f: &IscrizioneForm, t: &Territorio) -> Result<NuovaIscrizione, FormErrors> {
    let mut e = FormErrors::default();
    let preferenze = valida_preferenze(f, t, &mut e);
    let email_v = (!f.email.trim().is_empty())
        .then(|| {
            email(&f.email).or_else(|| {
                e.add("email", "Indirizzo e-mail non valido.");
                None
            })
        })
        .flatten();
    let tel_v = (!f.telefono.trim().is_empty())
        .then(|| {
            cellulare(&f.telefono).or_else(|| {
                e.add(
                    "telefono",
                    "Numero di cellulare non valido: un numero italiano che inizia con 3, \
                     anche con +39.",
                );
                None
            })
        })
        .flatten();
    if f.email.trim().is_empty() && f.telefono.trim().is_empty() {
        e.add(
            "email",
            "Indica un indirizzo e-mail o un numero di cellulare (per le notifiche nel browser \
             usa il pulsante apposito).",
        );
    }
    if !f.consenso {
        e.add(
            "consenso",
            "Per iscriverti serve il consenso al trattamento dei dati.",
        );
    }
    if e.is_empty() {
        Ok(NuovaIscrizione {
            preferenze,
            email: email_v,
            telefono: tel_v,
        })
    } else {
        Err(e)
    }
}
