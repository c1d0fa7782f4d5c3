use crate::kit::moduli::{self, MODULI};

/// The shortest password accepted (characters).
pub const MIN_PASSWORD_LEN: usize = 10;

/// Checks a new password; the error is the Italian message shown next to the field (or by the
/// CLI).
pub fn validate_new_password(p: &str) -> Result<(), String> {
    if p.chars().count() < MIN_PASSWORD_LEN {
        return Err(format!(
            "La password deve avere almeno {MIN_PASSWORD_LEN} caratteri."
        ));
    }
    Ok(())
}

/// The roles a user can be granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ruolo {
    Admin,
    Editor,
    Viewer,
    Referente,
}

impl Ruolo {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Self::Admin),
            "editor" => Some(Self::Editor),
            "viewer" => Some(Self::Viewer),
            "referente" => Some(Self::Referente),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Editor => "editor",
            Self::Viewer => "viewer",
            Self::Referente => "referente",
        }
    }
}

/// One grant of a user, validated: editor/viewer name a module, referente a comune.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    Admin,
    Editor(&'static str),
    Viewer(&'static str),
    Referente(i64),
}

impl Grant {
    /// Builds a grant from its stored form; `None` when it names an unknown module or lacks its scope.
    pub fn from_parts(ruolo: &str, modulo: Option<&str>, comune_id: Option<i64>) -> Option<Self> {
        let module_key = |m: Option<&str>| {
            m.and_then(moduli::modulo)
                .filter(|m| !m.solo_admin)
                .map(|m| m.chiave)
        };
        match Ruolo::parse(ruolo)? {
            Ruolo::Admin => Some(Grant::Admin),
            Ruolo::Editor => module_key(modulo).map(Grant::Editor),
            Ruolo::Viewer => module_key(modulo).map(Grant::Viewer),
            Ruolo::Referente => comune_id.map(Grant::Referente),
        }
    }

    pub fn describe(&self, comune_name: impl Fn(i64) -> String) -> String {
        let module_name = |k: &str| moduli::modulo(k).map(|m| m.nome).unwrap_or("?");
        match self {
            Grant::Admin => "amministratore".into(),
            Grant::Editor(m) => format!("editor di {}", module_name(m)),
            Grant::Viewer(m) => format!("lettore di {}", module_name(m)),
            Grant::Referente(c) => format!("referente di {}", comune_name(*c)),
        }
    }
}

/// A logged-in user with their grants. Every permission decision goes through these methods.
#[derive(Debug, Clone)]
pub struct Principal {
    pub id: i64,
    pub email: String,
    pub nome: String,
    pub grants: Vec<Grant>,
}

impl Principal {
    pub fn is_admin(&self) -> bool {
        self.grants.contains(&Grant::Admin)
    }

    /// The comuni this user is referente of.
    pub fn comuni_referente(&self) -> impl Iterator<Item = i64> + '_ {
        self.grants.iter().filter_map(|g| match g {
            Grant::Referente(c) => Some(*c),
            _ => None,
        })
    }

    pub fn can_read(&self, modulo: &str) -> bool {
        let Some(m) = moduli::modulo(modulo) else {
            return false;
        };
        if self.is_admin() || m.lettura_pubblica {
            return true;
        }
        if m.solo_admin {
            return false;
        }
        self.grants.iter().any(|g| match g {
            Grant::Editor(k) | Grant::Viewer(k) => *k == modulo,
            Grant::Referente(_) => m.referente_legge,
            Grant::Admin => true,
        })
    }

    /// May edit in `modulo`; `comune` is the comune the record belongs to, if any: a referente may
    /// edit only records of their own comuni, and only in modules that allow it.
    pub fn can_edit(&self, modulo: &str, comune: Option<i64>) -> bool {
        let Some(m) = moduli::modulo(modulo) else {
            return false;
        };
        if self.is_admin() {
            return true;
        }
        if m.solo_admin {
            return false;
        }
        self.grants.iter().any(|g| match g {
            Grant::Editor(k) => *k == modulo,
            Grant::Referente(c) => m.referente_modifica && comune == Some(*c),
            _ => false,
        })
    }

    /// May edit at least some records of `modulo` (to show "new" buttons and forms).
    pub fn can_edit_some(&self, modulo: &str) -> bool {
        let Some(m) = moduli::modulo(modulo) else {
            return false;
        };
        self.is_admin()
            || (!m.solo_admin
                && self.grants.iter().any(|g| match g {
                    Grant::Editor(k) => *k == modulo,
                    Grant::Referente(_) => m.referente_modifica,
                    _ => false,
                }))
    }

    /// An explicit grant on `modulo` (admin, editor or viewer): beyond what is public.
    pub fn has_grant(&self, modulo: &str) -> bool {
        self.grants.iter().any(|g| match g {
            Grant::Admin => true,
            Grant::Editor(k) | Grant::Viewer(k) => *k == modulo,
            Grant::Referente(_) => false,
        })
    }

    /// The modules shown in the header for this user.
    pub fn visible_modules(&self) -> Vec<&'static moduli::Modulo> {
        MODULI.iter().filter(|m| self.can_read(m.chiave)).collect()
    }
}

/// A short description of a browser for "your sessions": `Firefox su Linux · 192.0.2.1`.
pub fn descrivi_agente(user_agent: &str, indirizzo: &str) -> String {
    let ua = user_agent;
    // The order matters: Edge and Opera also say Chrome, Chrome also says Safari.
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(k, _)| ua.contains(k))
    .map(|(_, n)| *n);
    let sistema = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(k, _)| ua.contains(k))
    .map(|(_, n)| *n);
    let mut d = match (browser, sistema) {
        (Some(b), Some(s)) => format!("{b} su {s}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(s)) => format!("Browser su {s}"),
        (None, None) => "Browser sconosciuto".to_owned(),
    };
    if !indirizzo.is_empty() {
        d.push_str(" · ");
        d.push_str(indirizzo);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(grants: Vec<Grant>) -> Principal {
        Principal {
            id: 1,
            email: "a@b.it".into(),
            nome: "A".into(),
            grants,
        }
    }

    #[test]
    fn referente_edits_only_own_comuni() {
        let u = user(vec![Grant::Referente(7)]);
        assert!(u.can_read("anagrafica"));
        assert!(u.can_edit("anagrafica", Some(7)));
        assert!(!u.can_edit("anagrafica", Some(8)));
        assert!(!u.can_edit("anagrafica", None));
        assert!(!u.can_edit("territorio", Some(7)));
        assert!(!u.can_read("amministrazione"));
    }

    #[test]
    fn viewer_reads_but_never_edits() {
        let u = user(vec![Grant::Viewer("anagrafica")]);
        assert!(u.can_read("anagrafica"));
        assert!(!u.can_edit("anagrafica", None));
        assert!(!u.can_read("amministrazione"));
        assert!(u.can_read("territorio"), "territorio is public");
    }

    #[test]
    fn grants_for_admin_modules_or_unknown_modules_are_refused() {
        assert_eq!(
            Grant::from_parts("editor", Some("amministrazione"), None),
            None
        );
        assert_eq!(Grant::from_parts("editor", Some("nope"), None), None);
        assert_eq!(Grant::from_parts("referente", None, None), None);
        assert_eq!(
            Grant::from_parts("editor", Some("anagrafica"), None),
            Some(Grant::Editor("anagrafica"))
        );
    }

    #[test]
    fn browsers_described_in_a_few_words() {
        assert_eq!(
            descrivi_agente(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0",
                "192.0.2.1"
            ),
            "Edge su Windows · 192.0.2.1"
        );
        assert_eq!(
            descrivi_agente(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
                ""
            ),
            "Safari su iOS"
        );
        assert_eq!(descrivi_agente("curl/8.5", ""), "Browser sconosciuto");
    }
}
