//! Progetti pages: the portfolio with its filters and exports, the project page with its work
//! plan, the timeline (Gantt), the deadlines and their iCalendar feeds, the legislature-risk
//! report, the budget by programme and year, calls and proposals, the programme catalogue, the
//! import of a projects list and the map of projects per comune.

mod bandi;
mod budget;
mod gantt;
mod importa;
mod mappa;
mod parti;
mod portafoglio;
mod progetto;
mod programmi;
mod rischio;
mod scadenze;

pub use bandi::{
    BandoForm, EsitoForm, PropostaForm, bandi, bando_aggiungi, proposta_aggiungi, proposta_esito,
};
pub use budget::budget;
pub use gantt::gantt_page;
pub use importa::{importa, importa_form};
pub use mappa::{layer_progetti, mappa};
pub use parti::{
    AvanzamentoForm, ParteForm, obiettivo_collega, parte_aggiorna, parte_aggiungi, parte_elimina,
};
pub use portafoglio::{Filtri, FiltroQuery, RigaVista, collegati, elenco, elenco_csv, elenco_xlsx};
pub use progetto::{NuovoQuery, aggiorna, crea, elimina, modifica_form, nuovo_form, progetto};
pub use programmi::{ProgrammaForm, programma_aggiungi, programmi};
pub use rischio::{rischio, rischio_csv};
pub use scadenze::{ScadenzeQuery, TokenQuery, calendario_ics, progetto_ics, scadenze};

use chrono::NaiveDate;
use piazza_db::entities::{progetto as progetto_db, programma};

use super::model::Catalogo;
use super::store::{self, Visibilita};
use crate::anagrafica::store::Personale;
use crate::auth::Principal;
use crate::kit::error::{AppError, AppResult};
use crate::kit::moduli::PROGETTI;
use crate::kit::view::{Ctx, FormErrors, Opzione, Scheda};

const CRUMB: (&str, &str) = ("Progetti", "/progetti");
pub const MAX_UPLOAD: usize = 10 * 1024 * 1024;

/// What a user may see of the portfolio: everything with a grant on the module, the projects of
/// their comuni for a referente.
pub fn visibilita_di(u: &Principal) -> Option<Visibilita> {
    if u.has_grant(PROGETTI) {
        return Some(Visibilita::Tutti);
    }
    let comuni: Vec<i64> = u.comuni_referente().collect();
    (u.can_read(PROGETTI) && !comuni.is_empty()).then_some(Visibilita::Comuni(comuni))
}

fn visibilita(ctx: &Ctx) -> AppResult<Visibilita> {
    ctx.require_read(PROGETTI)?;
    let u = ctx.require_login()?;
    visibilita_di(u).ok_or(AppError::Forbidden)
}

/// A project this user may see.
async fn progetto_visibile(ctx: &Ctx, id: &str) -> AppResult<(progetto_db::Model, Visibilita)> {
    let vis = visibilita(ctx)?;
    let p = store::per_public_id(&ctx.state.db, id).await?;
    if !store::visibile(&ctx.state.db, &p, &vis).await? {
        return Err(AppError::Forbidden);
    }
    Ok((p, vis))
}

/// A project this user may change.
async fn progetto_modificabile(ctx: &Ctx, id: &str) -> AppResult<progetto_db::Model> {
    ctx.require_edit(PROGETTI, None)?;
    store::per_public_id(&ctx.state.db, id).await
}

fn opzioni(catalogo: Catalogo, scelta: &str) -> Vec<Opzione> {
    crate::kit::view::opzioni(catalogo, scelta)
}

fn opzioni_programmi(programmi: &[programma::Model], scelta: &str) -> Vec<Opzione> {
    programmi
        .iter()
        .map(|g| Opzione {
            valore: g.id.to_string(),
            nome: g.nome.clone(),
            scelta: g.id.to_string() == scelta,
        })
        .collect()
}

fn opzioni_persone(persone: &[Personale], scelta: &str) -> Vec<Opzione> {
    persone
        .iter()
        .map(|p| Opzione {
            valore: p.id.to_string(),
            nome: p.nome_completo(),
            scelta: p.id.to_string() == scelta,
        })
        .collect()
}

/// The ids of the staff (who may lead or work on a project).
async fn ids_personale(ctx: &Ctx) -> AppResult<Vec<i64>> {
    Ok(crate::anagrafica::personale(&ctx.state)
        .await?
        .iter()
        .map(|p| p.id)
        .collect())
}

fn schede(ctx: &Ctx, attiva: &str) -> Vec<Scheda> {
    let mut v = vec![
        ("Portafoglio", "/progetti"),
        ("Cronoprogramma", "/progetti/gantt"),
        ("Scadenze", "/progetti/scadenze"),
        ("Rischio legislatura", "/progetti/rischio"),
        ("Budget", "/progetti/budget"),
        ("Mappa", "/progetti/mappa"),
    ];
    if ctx.has_grant(PROGETTI) {
        v.push(("Bandi e proposte", "/progetti/bandi"));
        v.push(("Programmi", "/progetti/programmi"));
    }
    v.into_iter()
        .map(|(nome, href)| Scheda {
            nome,
            href,
            attiva: href == attiva,
        })
        .collect()
}

// ---- form fields shared by the parts, the calls and the programmes ----

/// A required date (`gg/mm/aaaa`).
fn obbligatoria(e: &mut FormErrors, campo: &'static str, v: &str) -> Option<NaiveDate> {
    if v.trim().is_empty() {
        e.add(campo, "Indicare la data (gg/mm/aaaa).");
        return None;
    }
    e.date(campo, v)
}

/// A required text, trimmed.
fn testo(e: &mut FormErrors, campo: &'static str, v: &str, msg: &str) -> String {
    let t = v.trim();
    if t.is_empty() {
        e.add(campo, msg);
    }
    t.to_owned()
}
