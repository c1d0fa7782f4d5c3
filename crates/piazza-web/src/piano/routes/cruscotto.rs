//! The staff dashboard of a plan.

use askama::Template;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;

use super::{CRUMB, today, vista};
use crate::kit::error::AppResult;
use crate::kit::extract::{Path, Query};
use crate::kit::fmt;
use crate::kit::moduli::PIANO;
use crate::kit::view::{Chrome, Ctx, render, render_invalid};
use crate::piano::store::{self, Cruscotto, PianoVista};

#[derive(Debug, Default, Deserialize)]
pub struct CruscottoQuery {
    #[serde(default)]
    pub(super) al: String,
}

#[derive(Template)]
#[template(path = "piano/cruscotto.html")]
struct CruscottoPage {
    chrome: Chrome,
    v: PianoVista,
    c: Cruscotto,
    al_iso: String,
    al_fmt: String,
    errore_data: bool,
}

/// The reference date of the dashboard: the one asked for, else today kept within the plan's
/// year (a past plan is looked at as it stood on 31 December).
pub(super) fn data_riferimento(v: &PianoVista, al: &str) -> (NaiveDate, bool) {
    match al.trim() {
        "" => (today().clamp(v.inizio(), v.fine()), false),
        s => match fmt::parse_date(s) {
            Some(d) => (d, false),
            None => (today().clamp(v.inizio(), v.fine()), true),
        },
    }
}

pub async fn cruscotto(
    ctx: Ctx,
    Path(anno): Path<i32>,
    Query(q): Query<CruscottoQuery>,
) -> AppResult<Response> {
    ctx.require_grant(PIANO)?;
    let v = vista(&ctx, anno).await?;
    let (al, errore_data) = data_riferimento(&v, &q.al);
    let c = store::cruscotto(&v, al, &ctx.state.config);
    let titolo = format!("Piano {anno}");
    let page = CruscottoPage {
        chrome: ctx.chrome(
            format!("Cruscotto del piano {anno}"),
            &[
                CRUMB,
                (&titolo, &format!("/piano/{anno}")),
                ("Cruscotto", &format!("/piano/{anno}/cruscotto")),
            ],
        ),
        al_iso: al.format("%Y-%m-%d").to_string(),
        al_fmt: fmt::date(al),
        errore_data,
        v,
        c,
    };
    if errore_data {
        render_invalid(&page)
    } else {
        render(&page)
    }
}
