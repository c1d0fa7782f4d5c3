//! Cittadino Informato, part 2, on the web. Public (no account, rate-limited): subscribing
//! (e-mail and SMS with double opt-in, web push through the service worker), confirming, the
//! subscriber's own page (see, change, export, delete) and the one-click unsubscribe of RFC
//! 8058 (`POST /allerte/disiscrivi/{token}` with `List-Unsubscribe=One-Click`). Staff: the
//! sending, live (`/allerte/invii`: per notification queued/sent/failed/expired with progress),
//! testers, the comuni's Telegram channels. `/metrics` in the Prometheus text format.
//!
//! One file per part: `iscriviti` (subscribing, web push and its service worker), `iscrizione`
//! (confirming, the subscriber's page, unsubscribing), `invii` (the staff's sending page, testers,
//! Telegram channels, `/metrics`); here the pieces they share.

use askama::Template;

use crate::allerte::bollettino::Livello;
use crate::allerte::da_cap::RISCHI;
use crate::allerte::iscrizioni::IscrizioneForm;
use crate::kit::view::{Chrome, Ctx, Opzione};

mod invii;
mod iscriviti;
mod iscrizione;

pub use invii::{
    Avanzamento, adesione, invii, invii_stato, metrics, telegram_elimina, telegram_salva, tester,
};
pub use iscriviti::{iscriviti, iscriviti_form, iscriviti_push, service_worker};
pub use iscrizione::{
    ConfermataQuery, conferma, conferma_form, disiscrivi, disiscrivi_form, iscrizione,
    iscrizione_aggiorna, iscrizione_dati, iscrizione_elimina,
};

const CRUMB: (&str, &str) = ("Allerte", "/allerte");

fn opzioni_preferenze(f: &IscrizioneForm) -> (Vec<Opzione>, Vec<Opzione>) {
    let rischi = RISCHI
        .iter()
        .map(|(k, n)| Opzione {
            valore: (*k).into(),
            nome: (*n).into(),
            scelta: f.rischi.iter().any(|r| r == k),
        })
        .collect();
    let soglie = [Livello::Giallo, Livello::Arancione, Livello::Rosso]
        .iter()
        .map(|l| Opzione {
            valore: l.nome().into(),
            nome: format!("da {}", l.nome()),
            scelta: f.soglia == l.nome(),
        })
        .collect();
    (rischi, soglie)
}

#[derive(Template)]
#[template(path = "allerte/messaggio.html")]
struct MessaggioPage {
    chrome: Chrome,
    titolo: String,
    testo: String,
    link: Option<(String, String)>,
}

fn messaggio(
    ctx: &Ctx,
    titolo: &str,
    testo: String,
    link: Option<(String, String)>,
) -> MessaggioPage {
    MessaggioPage {
        chrome: ctx.chrome(titolo, &[CRUMB, (titolo, "")]),
        titolo: titolo.into(),
        testo,
        link,
    }
}
