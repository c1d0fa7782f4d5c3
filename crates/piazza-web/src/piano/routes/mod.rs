//! Piano pages: the plan (public for public objectives), the objective with its indicators,
//! updates and links, the staff dashboard, the political calendar, the import of a plan document
//! with an editable preview, and the exports (CSV, JSON, XLSX, PDF report).
//!
//! - `piani`: the list of plans, the plan page, its own fields, a new objective;
//! - `obiettivo`: the objective page with its indicators, measurements, updates and links;
//! - `obiettivo_form`: the edit form of an objective;
//! - `cruscotto`: the staff dashboard;
//! - `stati`: the catalogue of objective states;
//! - `calendario`: the political calendar;
//! - `importa`: the import of a plan document;
//! - `esporta`: CSV, JSON, XLSX and the PDF report.

mod calendario;
mod cruscotto;
mod esporta;
mod importa;
mod obiettivo;
mod obiettivo_form;
mod piani;
mod stati;

pub use self::calendario::*;
pub use self::cruscotto::*;
pub use self::esporta::*;
pub use self::importa::*;
pub use self::obiettivo::*;
pub use self::obiettivo_form::*;
pub use self::piani::*;
pub use self::stati::*;

use super::store::{self, PianoVista};
use crate::kit::error::{AppError, AppResult};
use crate::kit::moduli::PIANO;
use crate::kit::view::Ctx;

const CRUMB: (&str, &str) = ("Piano", "/piano");

/// Staff see every objective; everyone else the public ones.
fn interno(ctx: &Ctx) -> bool {
    ctx.has_grant(PIANO)
}

async fn vista(ctx: &Ctx, anno: i32) -> AppResult<PianoVista> {
    ctx.require_read(PIANO)?;
    store::vista(&ctx.state.db, &ctx.state.config, anno, !interno(ctx))
        .await?
        .ok_or(AppError::NotFound)
}

use crate::kit::fmt::oggi as today;

/// The objectives linked to a record of another module, as this user may see them (public ones
/// for everyone, all for staff): the other side of a link, for the record's page.
pub async fn obiettivi_collegati(
    ctx: &Ctx,
    tipo: &str,
    chiave: &str,
) -> AppResult<std::sync::Arc<Vec<store::ObiettivoCollegato>>> {
    let solo_pubblici = !interno(ctx);
    let db = &ctx.state.db;
    ctx.state
        .piano
        .obiettivi_collegati
        .get_or_load(
            (tipo.to_owned(), chiave.to_owned(), solo_pubblici),
            &ctx.state.generazione,
            || store::obiettivi_collegati(db, tipo, chiave, solo_pubblici),
        )
        .await
}

/// The plan objectives a record of another domain can be linked to, for its page's link form:
/// none when the user may not change the plan.
pub async fn obiettivi_scelta(ctx: &Ctx) -> AppResult<Vec<crate::kit::view::Opzione>> {
    if !ctx.can_edit(PIANO, None) {
        return Ok(Vec::new());
    }
    Ok(store::obiettivi_scelta(&ctx.state.db)
        .await?
        .into_iter()
        .map(|(id, n)| crate::kit::view::Opzione {
            valore: id,
            nome: n,
            scelta: false,
        })
        .collect())
}

/// The link form of another domain's page: the objective's public id.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CollegaForm {
    #[serde(default)]
    pub obiettivo: String,
}

/// Links the record `tipo`/`chiave` of another domain (whose page checked its own permission)
/// to the objective with public id `obiettivo`; the link lives on the objective.
pub async fn collega_da(ctx: &Ctx, tipo: &str, chiave: &str, obiettivo: &str) -> AppResult<()> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    ctx.require_edit(PIANO, None)?;
    let o = piazza_db::entities::obiettivo::Entity::find()
        .filter(piazza_db::entities::obiettivo::Column::PublicId.eq(obiettivo.trim()))
        .one(&ctx.state.db)
        .await?
        .ok_or_else(|| AppError::BadRequest("Scegliere un obiettivo del piano.".into()))?;
    store::collega(&ctx.state.db, &ctx.actor(), &o, tipo, chiave).await
}

/// A percentage field: empty is `None`, `40` or `40%` is `Some(40)`, anything else or beyond
/// 0–100 an error.
fn parse_percentuale(s: &str) -> Result<Option<i32>, ()> {
    match s.trim().trim_end_matches('%').trim() {
        "" => Ok(None),
        v => match v.parse::<i32>() {
            Ok(n @ 0..=100) => Ok(Some(n)),
            _ => Err(()),
        },
    }
}
