//! Piano: plans, objectives, indicators, updates, links, the dashboard, the calendar, import and
//! exports.
//!
//! - `piani`: the plan and its objectives (import saved whole, editing, visibility, states);
//! - `obiettivo`: the objective page (indicators, updates, links);
//! - `cruscotto`: the staff dashboard and the political calendar;
//! - `importa`: the import with its preview;
//! - `esporta`: CSV, JSON, XLSX and the PDF report.

mod corpus;
mod cruscotto;
mod documenti;
mod esporta;
mod importa;
mod obiettivo;
mod piani;

use piazza_db::audit::Actor;
use piazza_web::piano::{import, store};

use crate::common::TestApp;

const DOC: &str = "# Piano 2031\n\n## Area servizi\n\n### Obiettivi\n\n- Primo;\n- Secondo.\n\n## Area scuola\n\n### Obiettivi\n\n- Terzo\n";

async fn objective_ids(app: &TestApp) -> Vec<String> {
    store::vista(&app.db, &app.state.config, 2031, false)
        .await
        .unwrap()
        .unwrap()
        .aree
        .iter()
        .flat_map(|a| a.obiettivi.iter().map(|o| o.o.public_id.clone()))
        .collect()
}

/// A plan 2031 with three objectives (Primo, Secondo in area 1, Terzo in area 2); their ids.
pub(crate) async fn plan(app: &TestApp) -> Vec<String> {
    store::salva_piano_letto(&app.db, &Actor::system("test"), 2031, &import::leggi(DOC))
        .await
        .unwrap();
    objective_ids(app).await
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} in page"));
    let rest = &html[i + start.len()..];
    &rest[..rest.find(end).unwrap()]
}
