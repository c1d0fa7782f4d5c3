//! What Anagrafica shows on other domains' pages: the administrators of a comune on its page
//! (see [`crate::pannelli`]).

use std::sync::Arc;

use askama::Template;

use crate::error::{AppError, AppResult};
use crate::moduli::ANAGRAFICA;
use crate::pannelli::{Pagina, Pannello, Posizione, Soggetto, html};
use crate::view::Ctx;

use super::model::AmministratoreView;

#[derive(Template)]
#[template(path = "anagrafica/pannello_amministratori.html")]
struct Amministratori {
    amministratori: Arc<Vec<AmministratoreView>>,
    puo_vedere_anagrafica: bool,
}

async fn amministratori(ctx: &Ctx, s: Soggetto<'_>) -> AppResult<Option<String>> {
    let t = ctx.state.territorio.get();
    let c = t.comune_by_id(s.id).ok_or(AppError::NotFound)?;
    let (db, config) = (&ctx.state.db, &ctx.state.config);
    let amministratori = ctx
        .state
        .anagrafica
        .amministratori
        .get_or_load(c.id, &ctx.state.generazione, || {
            super::store::amministratori_del_comune(db, c, config)
        })
        .await?;
    html(&Amministratori {
        amministratori,
        puo_vedere_anagrafica: ctx.can_read(ANAGRAFICA),
    })
}

pub const PANNELLI: &[Pannello] = &[Pannello {
    dominio: "anagrafica",
    pagina: Pagina::Comune,
    posizione: Posizione::Corpo,
    mostra: |ctx, s| Box::pin(amministratori(ctx, s)),
}];
