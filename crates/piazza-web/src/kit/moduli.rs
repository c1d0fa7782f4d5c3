//! The modules of Piazza as data: the header, the permission checks and the CLI's role
//! validation all read this one table. A later module adds a row here.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Modulo {
    pub chiave: &'static str,
    pub nome: &'static str,
    pub path: &'static str,
    /// Anyone may read (open data); editing still needs a grant.
    pub lettura_pubblica: bool,
    /// A `referente` of a comune may read the module.
    pub referente_legge: bool,
    /// A `referente` may edit the module's records that belong to their comuni.
    pub referente_modifica: bool,
    /// Only administrators see it (no editor/viewer grant applies).
    pub solo_admin: bool,
}

pub const TERRITORIO: &str = "territorio";
pub const ANAGRAFICA: &str = "anagrafica";
pub const PIANO: &str = "piano";
pub const PROGETTI: &str = "progetti";
pub const ALLERTE: &str = "allerte";
pub const EVENTI: &str = "eventi";
pub const AMMINISTRAZIONE: &str = "amministrazione";

pub const MODULI: &[Modulo] = &[
    Modulo {
        chiave: TERRITORIO,
        nome: "Territorio",
        path: "/comuni",
        lettura_pubblica: true,
        referente_legge: true,
        referente_modifica: false,
        solo_admin: false,
    },
    Modulo {
        chiave: ANAGRAFICA,
        nome: "Anagrafica",
        path: "/persone",
        lettura_pubblica: false,
        referente_legge: true,
        referente_modifica: true,
        solo_admin: false,
    },
    Modulo {
        chiave: PIANO,
        nome: "Piano",
        path: "/piano",
        // The public accountability page; internal objectives need a grant (`Principal::has_grant`).
        lettura_pubblica: true,
        referente_legge: true,
        referente_modifica: false,
        solo_admin: false,
    },
    Modulo {
        chiave: PROGETTI,
        nome: "Progetti",
        path: "/progetti",
        // A referente reads only the projects that involve their comuni (`progetti::routes`).
        lettura_pubblica: false,
        referente_legge: true,
        referente_modifica: false,
        solo_admin: false,
    },
    Modulo {
        chiave: ALLERTE,
        nome: "Allerte",
        path: "/allerte",
        // The alert state is public; the regional desk (editors) composes and approves alerts
        // for any comune, a referente for their own comuni (`allerte::routes`).
        lettura_pubblica: true,
        referente_legge: true,
        referente_modifica: true,
        solo_admin: false,
    },
    Modulo {
        chiave: EVENTI,
        nome: "Eventi",
        path: "/eventi",
        // The calendar and the event pages are public; a referente proposes events for their
        // comuni, registers their staff and sees their comuni's participants; the module's
        // viewers are the check-in staff (`eventi::routes`).
        lettura_pubblica: true,
        referente_legge: true,
        referente_modifica: true,
        solo_admin: false,
    },
    Modulo {
        chiave: AMMINISTRAZIONE,
        nome: "Amministrazione",
        path: "/admin/audit",
        lettura_pubblica: false,
        referente_legge: false,
        referente_modifica: false,
        solo_admin: true,
    },
];

pub fn modulo(chiave: &str) -> Option<&'static Modulo> {
    MODULI.iter().find(|m| m.chiave == chiave)
}
