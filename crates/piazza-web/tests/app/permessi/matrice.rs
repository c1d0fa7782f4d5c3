//! The permission matrix: every route, every role, the expected outcome.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exp {
    /// Allowed: anything but a redirect to the login page or a 403.
    Ok,
    /// Anonymous: redirected to the login page.
    Login,
    /// Logged in without the permission: 403.
    Deny,
}
use Exp::{Deny, Login, Ok};

#[derive(Clone, Copy)]
pub enum Body {
    None,
    Form(&'static str),
    EmptyUpload,
}

/// (method, route as written in the router, expected for Anon, Viewer, Referente, Editor, Admin
/// (the order of `Role::ALL`), body)
pub type Row = (&'static str, &'static str, [Exp; 5], Body);

const PUBLIC: [Exp; 5] = [Ok, Ok, Ok, Ok, Ok];
const LOGGED: [Exp; 5] = [Login, Ok, Ok, Ok, Ok];
const READ_ANAGRAFICA: [Exp; 5] = [Login, Ok, Ok, Ok, Ok];
const EDIT_ANAGRAFICA: [Exp; 5] = [Login, Deny, Deny, Ok, Ok];
const EDIT_OWN_COMUNE: [Exp; 5] = [Login, Deny, Ok, Ok, Ok];
const ADMIN: [Exp; 5] = [Login, Deny, Deny, Deny, Ok];
const EDIT_PIANO: [Exp; 5] = [Login, Deny, Deny, Ok, Ok];
/// Staff of the plan: a grant on the module (the editor here), not the public or other roles.
const STAFF_PIANO: [Exp; 5] = [Login, Deny, Deny, Ok, Ok];

const READ_PROGETTI: [Exp; 5] = [Login, Ok, Ok, Ok, Ok];
/// Calls, proposals and the catalogue: the module's staff (a referente sees only projects).
const STAFF_PROGETTI: [Exp; 5] = [Login, Ok, Deny, Ok, Ok];
const EDIT_PROGETTI: [Exp; 5] = [Login, Deny, Deny, Ok, Ok];
/// The desk, notices and adoption pages: a grant on the module or a referente.
const STAFF_ALLERTE: [Exp; 5] = [Login, Ok, Ok, Ok, Ok];
/// Composing, notices, plans: the regional desk (editor) or a referente for their comune.
const EDIT_ALLERTE_COMUNE: [Exp; 5] = [Login, Deny, Ok, Ok, Ok];
/// Deciding on a regional alert: the regional desk only.
const DECIDE_ALLERTE: [Exp; 5] = [Login, Deny, Deny, Ok, Ok];
/// The sources' health: a grant on the module.
const GRANT_ALLERTE: [Exp; 5] = [Login, Ok, Deny, Ok, Ok];
/// Creating and changing events, deciding on registrations and proposals: the module's editors.
const EDIT_EVENTI: [Exp; 5] = [Login, Deny, Deny, Ok, Ok];
/// Participants and proposals: the editors, and a referente for their comuni.
const EVENTI_COMUNE: [Exp; 5] = [Login, Deny, Ok, Ok, Ok];
/// The door: a grant on the module (the check-in staff are its viewers).
const PORTA_EVENTI: [Exp; 5] = [Login, Ok, Deny, Ok, Ok];
/// The door's JSON endpoints: the same, but the anonymous get a JSON 401, not a redirect (the
/// page keeps its queued scans; `eventi::porta` checks the 401).
const PORTA_EVENTI_JSON: [Exp; 5] = [Ok, Ok, Deny, Ok, Ok];
pub const MATRIX: &[Row] = &[
    ("GET", "/", PUBLIC, Body::None),
    ("GET", "/healthz", PUBLIC, Body::None),
    ("GET", "/static/{*path}", PUBLIC, Body::None),
    ("GET", "/login", PUBLIC, Body::None),
    (
        "POST",
        "/login",
        PUBLIC,
        Body::Form("email=x%40y.it&password=sbagliata"),
    ),
    ("GET", "/account/password", LOGGED, Body::None),
    ("GET", "/account/sessioni", LOGGED, Body::None),
    (
        "POST",
        "/account/sessioni/termina-altre",
        LOGGED,
        Body::None,
    ),
    (
        "POST",
        "/account/sessioni/{impronta}/termina",
        LOGGED,
        Body::None,
    ),
    (
        "POST",
        "/account/password",
        LOGGED,
        Body::Form("attuale=x&nuova=y&conferma=z"),
    ),
    ("GET", "/comuni", PUBLIC, Body::None),
    ("GET", "/comuni/export.csv", PUBLIC, Body::None),
    ("GET", "/comuni/export.xlsx", PUBLIC, Body::None),
    ("GET", "/comuni/{codice}", PUBLIC, Body::None),
    ("GET", "/mappa", PUBLIC, Body::None),
    ("GET", "/mappa.svg", PUBLIC, Body::None),
    ("GET", "/zone-allerta", PUBLIC, Body::None),
    ("GET", "/zone-allerta/{codice}", PUBLIC, Body::None),
    ("GET", "/persone", READ_ANAGRAFICA, Body::None),
    ("GET", "/persone/export.csv", READ_ANAGRAFICA, Body::None),
    ("GET", "/persone/export.xlsx", READ_ANAGRAFICA, Body::None),
    ("GET", "/persone/nuova", EDIT_ANAGRAFICA, Body::None),
    (
        "POST",
        "/persone/nuova",
        EDIT_ANAGRAFICA,
        Body::Form("nome=&cognome="),
    ),
    ("GET", "/persone/{id}", READ_ANAGRAFICA, Body::None),
    ("GET", "/persone/{id}/modifica", EDIT_ANAGRAFICA, Body::None),
    (
        "POST",
        "/persone/{id}/modifica",
        EDIT_ANAGRAFICA,
        Body::Form("nome=&cognome="),
    ),
    ("POST", "/persone/{id}/elimina", EDIT_ANAGRAFICA, Body::None),
    ("GET", "/organizzazioni", READ_ANAGRAFICA, Body::None),
    (
        "GET",
        "/organizzazioni/export.csv",
        READ_ANAGRAFICA,
        Body::None,
    ),
    (
        "GET",
        "/organizzazioni/export.xlsx",
        READ_ANAGRAFICA,
        Body::None,
    ),
    ("GET", "/organizzazioni/nuova", EDIT_OWN_COMUNE, Body::None),
    (
        "POST",
        "/organizzazioni/nuova",
        EDIT_OWN_COMUNE,
        Body::Form("nome=Ente&tipo=ufficio_comunale&comune=048017"),
    ),
    ("GET", "/organizzazioni/{id}", READ_ANAGRAFICA, Body::None),
    (
        "GET",
        "/organizzazioni/{id}/modifica",
        EDIT_OWN_COMUNE,
        Body::None,
    ),
    (
        "POST",
        "/organizzazioni/{id}/modifica",
        EDIT_OWN_COMUNE,
        Body::Form("nome=Ente+di+Firenze&tipo=ufficio_comunale&comune=048017"),
    ),
    (
        "POST",
        "/organizzazioni/{id}/elimina",
        EDIT_ANAGRAFICA,
        Body::None,
    ),
    ("GET", "/amministratori", READ_ANAGRAFICA, Body::None),
    (
        "GET",
        "/amministratori/export.csv",
        READ_ANAGRAFICA,
        Body::None,
    ),
    (
        "GET",
        "/amministratori/export.xlsx",
        READ_ANAGRAFICA,
        Body::None,
    ),
    (
        "GET",
        "/amministratori/importa",
        EDIT_ANAGRAFICA,
        Body::None,
    ),
    (
        "POST",
        "/amministratori/importa",
        EDIT_ANAGRAFICA,
        Body::EmptyUpload,
    ),
    (
        "GET",
        "/amministratori/{id}/modifica",
        EDIT_OWN_COMUNE,
        Body::None,
    ),
    (
        "POST",
        "/amministratori/{id}/modifica",
        EDIT_OWN_COMUNE,
        Body::Form("carica=sindaco&data_elezione=09%2F06%2F2024"),
    ),
    ("GET", "/piano", PUBLIC, Body::None),
    ("GET", "/piano/importa", EDIT_PIANO, Body::None),
    (
        "POST",
        "/piano/importa/anteprima",
        EDIT_PIANO,
        Body::EmptyUpload,
    ),
    (
        "POST",
        "/piano/importa",
        EDIT_PIANO,
        Body::Form("anno=2032&titolo=P&area_0_titolo=A&area_0_obiettivi=B&area_0_includi=si"),
    ),
    ("GET", "/piano/calendario", PUBLIC, Body::None),
    (
        "POST",
        "/piano/calendario",
        EDIT_PIANO,
        Body::Form("data=01%2F01%2F2031&tipo=altro&titolo=Evento"),
    ),
    (
        "POST",
        "/piano/calendario/{id}/elimina",
        EDIT_PIANO,
        Body::None,
    ),
    ("GET", "/piano/stati", EDIT_PIANO, Body::None),
    (
        "POST",
        "/piano/stati",
        EDIT_PIANO,
        Body::Form("nome=In+attesa&progresso_predefinito="),
    ),
    (
        "POST",
        "/piano/stati/{codice}",
        EDIT_PIANO,
        Body::Form("nome=In+corso&progresso_predefinito="),
    ),
    ("GET", "/piano/{anno}", PUBLIC, Body::None),
    ("GET", "/piano/{anno}/modifica", EDIT_PIANO, Body::None),
    (
        "POST",
        "/piano/{anno}/modifica",
        EDIT_PIANO,
        Body::Form("titolo=Piano+2031&stato=bozza"),
    ),
    ("GET", "/piano/{anno}/cruscotto", STAFF_PIANO, Body::None),
    (
        "POST",
        "/piano/{anno}/aree/{area}/obiettivi",
        EDIT_PIANO,
        Body::Form("titolo=Nuovo"),
    ),
    ("GET", "/piano/{anno}/export.csv", PUBLIC, Body::None),
    ("GET", "/piano/{anno}/export.json", PUBLIC, Body::None),
    ("GET", "/piano/{anno}/export.xlsx", PUBLIC, Body::None),
    (
        "GET",
        "/piano/{anno}/relazione.pdf",
        STAFF_PIANO,
        Body::None,
    ),
    (
        "GET",
        "/piano/{anno}/relazione.docx",
        STAFF_PIANO,
        Body::None,
    ),
    (
        "GET",
        "/piano/{anno}/relazione.odt",
        STAFF_PIANO,
        Body::None,
    ),
    ("GET", "/piano/obiettivi/{id}", PUBLIC, Body::None),
    (
        "POST",
        "/piano/obiettivi/{id}/aggiornamenti",
        EDIT_PIANO,
        Body::Form("data=01%2F02%2F2031&testo=Fatto"),
    ),
    (
        "POST",
        "/piano/obiettivi/{id}/indicatori",
        EDIT_PIANO,
        Body::Form("nome=X&unita=n&direzione=crescente&valore_base=0&valore_obiettivo=10"),
    ),
    (
        "POST",
        "/piano/obiettivi/{id}/collegamenti",
        EDIT_PIANO,
        Body::Form("tipo=comune&chiave=050026"),
    ),
    (
        "POST",
        "/piano/obiettivi/{id}/collegamenti/{cid}/elimina",
        EDIT_PIANO,
        Body::None,
    ),
    (
        "POST",
        "/piano/indicatori/{id}/misure",
        EDIT_PIANO,
        Body::Form("data=01%2F03%2F2031&valore=5"),
    ),
    (
        "POST",
        "/piano/indicatori/{id}/elimina",
        EDIT_PIANO,
        Body::None,
    ),
    (
        "GET",
        "/piano/obiettivi/{id}/modifica",
        EDIT_PIANO,
        Body::None,
    ),
    (
        "POST",
        "/piano/obiettivi/{id}/modifica",
        EDIT_PIANO,
        Body::Form(
            "titolo=Uno&stato=in_corso&fonte_progresso=manuale&progresso_manuale=40&peso=1&priorita=media",
        ),
    ),
    ("GET", "/allerte", PUBLIC, Body::None),
    ("GET", "/allerte.json", PUBLIC, Body::None),
    ("GET", "/allerte/cap.atom", PUBLIC, Body::None),
    ("GET", "/allerte/cap/{id}", PUBLIC, Body::None),
    ("GET", "/allerte/avvisi.atom", PUBLIC, Body::None),
    ("GET", "/allerte/gestione", STAFF_ALLERTE, Body::None),
    // Subscriptions are public (no account): the signed token of a link is the permission.
    ("GET", "/allerte/iscriviti", PUBLIC, Body::None),
    (
        "POST",
        "/allerte/iscriviti",
        PUBLIC,
        Body::Form("comune=Firenze&rischi=idraulico&soglia=giallo&email=a%40b.it&consenso=1"),
    ),
    ("POST", "/allerte/iscriviti/push", PUBLIC, Body::Form("x=1")),
    ("GET", "/allerte/conferma/{gettone}", PUBLIC, Body::None),
    ("POST", "/allerte/conferma/{gettone}", PUBLIC, Body::None),
    ("GET", "/allerte/iscrizione/{gettone}", PUBLIC, Body::None),
    (
        "POST",
        "/allerte/iscrizione/{gettone}",
        PUBLIC,
        Body::Form("comune=Firenze&rischi=idraulico&soglia=giallo"),
    ),
    (
        "GET",
        "/allerte/iscrizione/{gettone}/dati.json",
        PUBLIC,
        Body::None,
    ),
    ("GET", "/allerte/disiscrivi/{gettone}", PUBLIC, Body::None),
    (
        "POST",
        "/allerte/iscrizione/{gettone}/elimina",
        PUBLIC,
        Body::None,
    ),
    ("POST", "/allerte/disiscrivi/{gettone}", PUBLIC, Body::None),
    ("GET", "/sw.js", PUBLIC, Body::None),
    ("GET", "/allerte/invii", STAFF_ALLERTE, Body::None),
    ("GET", "/allerte/invii/stato", STAFF_ALLERTE, Body::None),
    (
        "POST",
        "/allerte/invii/tester",
        DECIDE_ALLERTE,
        Body::Form("indirizzo=x%40y.it"),
    ),
    (
        "POST",
        "/allerte/invii/telegram",
        DECIDE_ALLERTE,
        Body::Form("comune=048017&chat_id=%40firenze_allerte"),
    ),
    (
        "POST",
        "/allerte/invii/telegram/{id}/elimina",
        DECIDE_ALLERTE,
        Body::None,
    ),
    ("GET", "/metrics", ADMIN, Body::None),
    ("GET", "/allerte/nuova", EDIT_ALLERTE_COMUNE, Body::None),
    (
        "POST",
        "/allerte/nuova",
        EDIT_ALLERTE_COMUNE,
        Body::Form(
            "titolo=Vento&rischio=vento&livello=giallo&scadenza=01%2F01%2F2099+10%3A00&comuni=048017",
        ),
    ),
    ("GET", "/allerte/avvisi", STAFF_ALLERTE, Body::None),
    (
        "POST",
        "/allerte/avvisi",
        EDIT_ALLERTE_COMUNE,
        Body::Form("comune=048017&tipo=acqua&titolo=Acqua+sospesa"),
    ),
    (
        "POST",
        "/allerte/avvisi/{id}/ritira",
        EDIT_ALLERTE_COMUNE,
        Body::None,
    ),
    ("GET", "/allerte/adesioni", STAFF_ALLERTE, Body::None),
    (
        "POST",
        "/allerte/adesioni/{codice}",
        EDIT_ALLERTE_COMUNE,
        Body::Form("adesione=01%2F02%2F2021"),
    ),
    ("GET", "/allerte/fonti", GRANT_ALLERTE, Body::None),
    (
        "POST",
        "/allerte/fonti",
        ADMIN,
        Body::Form("codice=x&nome=X&tipo=cap_api"),
    ),
    (
        "POST",
        "/allerte/fonti/{id}/attiva",
        ADMIN,
        Body::Form("attiva=1"),
    ),
    ("POST", "/allerte/fonti/{id}/token", ADMIN, Body::None),
    (
        "POST",
        "/allerte/fonti/geocodici",
        ADMIN,
        Body::Form("value_name=EMMA_ID&valore=IT009&destinazione=regione"),
    ),
    (
        "POST",
        "/allerte/fonti/geocodici/{id}/elimina",
        ADMIN,
        Body::None,
    ),
    ("GET", "/allerte/{id}", PUBLIC, Body::None),
    ("POST", "/allerte/{id}/approva", DECIDE_ALLERTE, Body::None),
    ("POST", "/allerte/{id}/respingi", DECIDE_ALLERTE, Body::None),
    ("POST", "/allerte/{id}/annulla", DECIDE_ALLERTE, Body::None),
    ("GET", "/comuni/{codice}/allerte.atom", PUBLIC, Body::None),
    ("GET", "/comuni/{codice}/avvisi.atom", PUBLIC, Body::None),
    // Without a token every caller gets 401 (not a login page nor a 403): the token decides,
    // as `allerte::the_cap_api_takes_documents_only_with_the_token_of_an_active_source` proves.
    ("POST", "/api/allerte/cap", PUBLIC, Body::Form("x=1")),
    ("GET", "/progetti", READ_PROGETTI, Body::None),
    ("GET", "/progetti/export.csv", READ_PROGETTI, Body::None),
    ("GET", "/progetti/export.xlsx", READ_PROGETTI, Body::None),
    ("GET", "/progetti/nuovo", EDIT_PROGETTI, Body::None),
    (
        "POST",
        "/progetti/nuovo",
        EDIT_PROGETTI,
        Body::Form("codice="),
    ),
    ("GET", "/progetti/importa", EDIT_PROGETTI, Body::None),
    (
        "POST",
        "/progetti/importa",
        EDIT_PROGETTI,
        Body::EmptyUpload,
    ),
    ("GET", "/progetti/gantt", READ_PROGETTI, Body::None),
    ("GET", "/progetti/scadenze", READ_PROGETTI, Body::None),
    ("GET", "/progetti/calendario.ics", READ_PROGETTI, Body::None),
    ("GET", "/progetti/rischio", READ_PROGETTI, Body::None),
    ("GET", "/progetti/rischio.csv", READ_PROGETTI, Body::None),
    ("GET", "/progetti/budget", READ_PROGETTI, Body::None),
    ("GET", "/progetti/mappa", READ_PROGETTI, Body::None),
    ("GET", "/progetti/bandi", STAFF_PROGETTI, Body::None),
    (
        "POST",
        "/progetti/bandi",
        EDIT_PROGETTI,
        Body::Form("titolo="),
    ),
    (
        "POST",
        "/progetti/bandi/{id}/proposte",
        EDIT_PROGETTI,
        Body::Form("titolo="),
    ),
    (
        "POST",
        "/progetti/proposte/{id}/esito",
        EDIT_PROGETTI,
        Body::Form("esito=approvata"),
    ),
    ("GET", "/progetti/programmi", STAFF_PROGETTI, Body::None),
    (
        "POST",
        "/progetti/programmi",
        EDIT_PROGETTI,
        Body::Form("codice="),
    ),
    ("GET", "/progetti/{id}", READ_PROGETTI, Body::None),
    ("GET", "/progetti/{id}/modifica", EDIT_PROGETTI, Body::None),
    (
        "POST",
        "/progetti/{id}/modifica",
        EDIT_PROGETTI,
        Body::Form("codice="),
    ),
    ("POST", "/progetti/{id}/elimina", EDIT_PROGETTI, Body::None),
    (
        "GET",
        "/progetti/{id}/calendario.ics",
        READ_PROGETTI,
        Body::None,
    ),
    (
        "POST",
        "/progetti/{id}/obiettivi",
        EDIT_PROGETTI,
        Body::Form("obiettivo="),
    ),
    (
        "POST",
        "/progetti/{id}/parti/{parte}",
        EDIT_PROGETTI,
        Body::Form("comune="),
    ),
    (
        "POST",
        "/progetti/{id}/parti/{parte}/{pid}",
        EDIT_PROGETTI,
        Body::Form("stato=x"),
    ),
    (
        "POST",
        "/progetti/{id}/parti/{parte}/{pid}/elimina",
        EDIT_PROGETTI,
        Body::None,
    ),
    // Long work: any logged-in user reaches the routes; only the work's own user (and
    // administrators) see a piece of work (tests/app/elaborazioni.rs): elsewhere 404.
    ("GET", "/elaborazioni/{id}", LOGGED, Body::None),
    ("GET", "/elaborazioni/{id}/stato", LOGGED, Body::None),
    ("POST", "/elaborazioni/{id}/annulla", LOGGED, Body::None),
    ("GET", "/biglietto/{gettone}", PUBLIC, Body::None),
    ("POST", "/biglietto/{gettone}/conferma", PUBLIC, Body::None),
    ("POST", "/biglietto/{gettone}/accetta", PUBLIC, Body::None),
    ("POST", "/biglietto/{gettone}/annulla", PUBLIC, Body::None),
    (
        "GET",
        "/biglietto/{gettone}/questionario",
        PUBLIC,
        Body::None,
    ),
    (
        "POST",
        "/biglietto/{gettone}/questionario",
        PUBLIC,
        Body::Form("generale=9"),
    ),
    (
        "GET",
        "/biglietto/{gettone}/attestato.pdf",
        PUBLIC,
        Body::None,
    ),
    ("GET", "/verifica", PUBLIC, Body::None),
    ("GET", "/verifica/{codice}", PUBLIC, Body::None),
    ("GET", "/eventi", PUBLIC, Body::None),
    ("GET", "/eventi/calendario.ics", PUBLIC, Body::None),
    ("GET", "/eventi/mappa", PUBLIC, Body::None),
    ("GET", "/eventi/nuovo", EDIT_EVENTI, Body::None),
    ("POST", "/eventi/nuovo", EDIT_EVENTI, Body::Form("titolo=")),
    ("GET", "/eventi/proposte", EVENTI_COMUNE, Body::None),
    (
        "POST",
        "/eventi/proposte",
        EVENTI_COMUNE,
        Body::Form("titolo="),
    ),
    (
        "POST",
        "/eventi/proposte/{id}/decisione",
        EDIT_EVENTI,
        Body::Form("esito=x"),
    ),
    ("GET", "/eventi/{id}", PUBLIC, Body::None),
    (
        "POST",
        "/eventi/{id}/iscriviti",
        PUBLIC,
        Body::Form("nome="),
    ),
    ("GET", "/eventi/{id}/calendario.ics", PUBLIC, Body::None),
    ("GET", "/eventi/{id}/modifica", EDIT_EVENTI, Body::None),
    (
        "POST",
        "/eventi/{id}/modifica",
        EDIT_EVENTI,
        Body::Form("titolo="),
    ),
    (
        "POST",
        "/eventi/{id}/partner",
        EDIT_EVENTI,
        Body::Form("ruolo=x"),
    ),
    (
        "POST",
        "/eventi/{id}/obiettivi",
        EDIT_EVENTI,
        Body::Form("obiettivo="),
    ),
    (
        "GET",
        "/eventi/{id}/partecipanti",
        EVENTI_COMUNE,
        Body::None,
    ),
    (
        "POST",
        "/eventi/{id}/partecipanti",
        EVENTI_COMUNE,
        Body::Form("nome="),
    ),
    (
        "GET",
        "/eventi/{id}/partecipanti.csv",
        EVENTI_COMUNE,
        Body::None,
    ),
    (
        "GET",
        "/eventi/{id}/partecipanti.xlsx",
        EVENTI_COMUNE,
        Body::None,
    ),
    (
        "GET",
        "/eventi/{id}/cartellini.pdf",
        EVENTI_COMUNE,
        Body::None,
    ),
    (
        "POST",
        "/eventi/{id}/registrazioni/{rid}/{azione}",
        EDIT_EVENTI,
        Body::None,
    ),
    ("GET", "/eventi/{id}/checkin", PORTA_EVENTI, Body::None),
    (
        "POST",
        "/eventi/{id}/checkin",
        PORTA_EVENTI_JSON,
        Body::None,
    ),
    (
        "GET",
        "/eventi/{id}/checkin/cerca",
        PORTA_EVENTI_JSON,
        Body::None,
    ),
    ("GET", "/admin/audit", ADMIN, Body::None),
    ("GET", "/admin/utenti", ADMIN, Body::None),
    // Last: it ends the session of the role that calls it.
    ("POST", "/logout", PUBLIC, Body::None),
];
