//! One alert: its page, the second person's approval or rejection, cancelling.

use std::collections::BTreeMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use piazza_db::entities::allerta;

use super::{CRUMB, e_staff, richiedi_staff, validita, visibile_al_desk};
use crate::allerte::bollettino::Livello;
use crate::allerte::cap_out;
use crate::allerte::store::{self, Decisione, stato};
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::Path;
use crate::kit::fmt;
use crate::kit::moduli::ALLERTE;
use crate::kit::view::{Chrome, Ctx, render, see_other};

/// A risk, its level and the comuni (ISTAT code, name) an alert gives it.
type RischioComuni = (String, &'static str, Vec<(String, String)>);

#[derive(Template)]
#[template(path = "allerte/dettaglio.html")]
struct DettaglioPage {
    chrome: Chrome,
    a: allerta::Model,
    stato: &'static str,
    livello: &'static str,
    validita: String,
    ricevuta: String,
    rischi: Vec<RischioComuni>,
    fonte: String,
    pubblica: bool,
    staff: bool,
    puo_decidere: bool,
    puo_annullare: bool,
    errore: Option<String>,
    documento: String,
}

/// May this user decide on (approve, reject, cancel) alert `a`? The regional desk for any alert;
/// a referente for an alert of their own comune.
fn puo_decidere(ctx: &Ctx, a: &allerta::Model) -> bool {
    ctx.can_edit(ALLERTE, None) || (a.comune_id.is_some() && ctx.can_edit(ALLERTE, a.comune_id))
}

async fn dettaglio_page(
    ctx: &Ctx,
    a: allerta::Model,
    errore: Option<String>,
) -> AppResult<DettaglioPage> {
    let t = ctx.state.territorio.get();
    let voci = store::voci(&ctx.state.db, a.id).await?;
    let mut per_rischio: BTreeMap<(String, i32), Vec<(String, String)>> = BTreeMap::new();
    for v in &voci {
        if let Some(c) = t.comune_by_id(v.comune_id) {
            per_rischio
                .entry((v.rischio.clone(), v.livello))
                .or_default()
                .push((c.codice_istat.clone(), c.nome.clone()));
        }
    }
    let staff = e_staff(ctx);
    let fonte = store::fonti(&ctx.state.db)
        .await?
        .into_iter()
        .find(|f| f.id == a.fonte_id)
        .map(|f| f.nome)
        .unwrap_or_default();
    let l = Livello::da_numero(a.livello_max);
    Ok(DettaglioPage {
        chrome: ctx.chrome(
            a.titolo.clone(),
            &[CRUMB, (&a.titolo, &format!("/allerte/{}", a.id))],
        ),
        stato: stato::nome(&a.stato),
        livello: l.nome(),
        validita: validita(&a),
        ricevuta: fmt::ora_italiana(a.ricevuta_at),
        rischi: per_rischio
            .into_iter()
            .rev()
            .map(|((r, l), c)| {
                (
                    cap_out::nome_rischio(&r).to_owned(),
                    Livello::da_numero(l).nome(),
                    c,
                )
            })
            .collect(),
        fonte,
        pubblica: a.dal.is_some(),
        staff,
        puo_decidere: a.stato == stato::IN_ATTESA
            && puo_decidere(ctx, &a)
            && ctx.user.as_ref().map(|u| u.id) != a.composta_da,
        puo_annullare: a.stato == stato::IN_VIGORE && puo_decidere(ctx, &a),
        errore,
        documento: if staff {
            a.documento.clone()
        } else {
            String::new()
        },
        a,
    })
}

/// `/allerte/{id}`: public once it was public; before that (waiting, rejected, exercise) only
/// for the staff.
pub async fn dettaglio(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    ctx.require_read(ALLERTE)?;
    let a = store::per_id(&ctx.state.db, id).await?;
    if a.dal.is_none() {
        richiedi_staff(&ctx)?;
        if !visibile_al_desk(&ctx, &a) {
            return Err(AppError::Forbidden);
        }
    }
    render(&dettaglio_page(&ctx, a, None).await?)
}

async fn decidi_o_errore(ctx: &Ctx, id: i64, azione: Option<Decisione>) -> AppResult<Response> {
    ctx.require_login()?;
    let a = store::per_id(&ctx.state.db, id).await?;
    if !puo_decidere(ctx, &a) {
        return Err(AppError::Forbidden);
    }
    let esito = match azione {
        Some(d) => store::decidi(&ctx.state.db, &ctx.actor(), id, d).await,
        None => store::termina_ora(&ctx.state.db, &ctx.actor(), id).await,
    };
    match esito {
        Ok(a) => Ok(see_other(&format!("/allerte/{}", a.id))),
        Err(AppError::Conflict(m)) => {
            let a = store::per_id(&ctx.state.db, id).await?;
            let mut r = render(&dettaglio_page(ctx, a, Some(m)).await?)?;
            *r.status_mut() = StatusCode::CONFLICT;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

pub async fn approva(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    decidi_o_errore(&ctx, id, Some(Decisione::Approva)).await
}

pub async fn respingi(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    decidi_o_errore(&ctx, id, Some(Decisione::Respingi)).await
}

pub async fn annulla(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    decidi_o_errore(&ctx, id, None).await
}
