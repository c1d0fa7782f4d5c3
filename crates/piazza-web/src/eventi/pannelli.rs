//! What Eventi shows on other pages: the comune page's events (held there, and the events its
//! people registered to), the home figure of the coming events, and events as a kind of
//! record that can be linked (to plan objectives).

use askama::Template;
use piazza_db::entities::evento;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::AppState;
use crate::kit::collegamenti::{Chi, Destinazione, MAX_RISULTATI, TipoCollegamento};
use crate::kit::error::AppResult;
use crate::kit::moduli::EVENTI;
use crate::kit::pannelli::{Cifra, CifraVista, Pagina, Pannello, Posizione, html};
use crate::kit::view::Ctx;
use crate::registrazioni::messaggi::quando;

#[derive(Template)]
#[template(path = "eventi/pannello_comune.html")]
struct PannelloComune {
    eventi: Vec<(String, String, String)>,
}

async fn del_comune(ctx: &Ctx, comune: i64) -> AppResult<Option<String>> {
    if !ctx.can_read(EVENTI) {
        return Ok(None);
    }
    let eventi: Vec<(String, String, String)> =
        super::store::elenco(&ctx.state.db, true, Some(comune))
            .await?
            .into_iter()
            .rev()
            .take(10)
            .map(|s| {
                (
                    s.e.public_id.clone(),
                    s.e.titolo.clone(),
                    quando(&s.sessioni),
                )
            })
            .collect();
    if eventi.is_empty() {
        return Ok(None);
    }
    html(&PannelloComune { eventi })
}

pub const PANNELLI: &[Pannello] = &[Pannello {
    dominio: "eventi",
    pagina: Pagina::Comune,
    posizione: Posizione::Corpo,
    mostra: |ctx, s| Box::pin(del_comune(ctx, s.id)),
}];

async fn prossimi(ctx: &Ctx) -> AppResult<Option<CifraVista>> {
    let n = super::store::in_programma(&ctx.state.db, chrono::Utc::now()).await?;
    Ok(Some(CifraVista {
        id: "cifra-eventi",
        valore: crate::kit::fmt::int(n),
        etichetta: "eventi in programma",
        href: Some("/eventi"),
    }))
}

pub const CIFRE: &[Cifra] = &[Cifra {
    dominio: "eventi",
    mostra: |ctx| Box::pin(prossimi(ctx)),
}];

/// Events can be linked (to plan objectives, ...): staff find every event, the others only
/// the published ones.
pub const COLLEGAMENTI: &[TipoCollegamento] = &[TipoCollegamento {
    codice: "evento",
    nome: "Evento",
    modulo: EVENTI,
    cerca: |s, u, q| Box::pin(eventi_cerca(s, u, q)),
    risolvi: |s, u, k| Box::pin(eventi_risolvi(s, u, k)),
}];

fn evento_dest(e: evento::Model) -> Destinazione {
    Destinazione {
        etichetta: e.titolo,
        url: format!("/eventi/{}", e.public_id),
        chiave: e.public_id,
    }
}

fn visibili(chi: Chi<'_>) -> sea_orm::Select<evento::Entity> {
    let q = evento::Entity::find();
    if chi.is_some_and(|u| u.has_grant(EVENTI)) {
        q
    } else {
        q.filter(evento::Column::Stato.eq("pubblicato"))
    }
}

async fn eventi_cerca(s: &AppState, chi: Chi<'_>, q: &str) -> AppResult<Vec<Destinazione>> {
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    let q = q.trim().to_lowercase();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let simile = format!("%{}%", q.replace(['%', '_'], ""));
    Ok(visibili(chi)
        .filter(
            sea_orm::Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(evento::Column::Titolo))).like(&simile))
                .add(evento::Column::PublicId.like(&simile)),
        )
        .order_by_desc(evento::Column::CreatedAt)
        .limit(MAX_RISULTATI as u64)
        .all(&s.db)
        .await?
        .into_iter()
        .map(evento_dest)
        .collect())
}

async fn eventi_risolvi(
    s: &AppState,
    chi: Chi<'_>,
    chiavi: &[String],
) -> AppResult<Vec<Destinazione>> {
    Ok(visibili(chi)
        .filter(evento::Column::PublicId.is_in(chiavi.to_vec()))
        .all(&s.db)
        .await?
        .into_iter()
        .map(evento_dest)
        .collect())
}
