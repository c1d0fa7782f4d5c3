//! Municipal notices: the list, publishing, withdrawing.

use askama::Template;
use axum::response::Response;
use chrono::Utc;

use super::{CRUMB, comuni_ammessi, richiedi_staff, schede};
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::Path;
use crate::kit::fmt;
use crate::kit::moduli::ALLERTE;
use crate::kit::view::{
    Chrome, Ctx, FormErrors, Opzione, Scheda, render, render_invalid, see_other,
};
use crate::territorio::Territorio;

pub struct AvvisoRiga {
    pub id: i64,
    pub comune: String,
    pub codice: String,
    pub tipo: &'static str,
    pub titolo: String,
    pub testo: String,
    pub validita: String,
    pub punto: Option<(f64, f64)>,
    pub ritirato: bool,
}

pub fn avviso_riga(t: &Territorio, a: &piazza_db::entities::avviso_comunale::Model) -> AvvisoRiga {
    let c = t.comune_by_id(a.comune_id);
    AvvisoRiga {
        id: a.id,
        comune: c.map(|c| c.nome.clone()).unwrap_or_default(),
        codice: c.map(|c| c.codice_istat.clone()).unwrap_or_default(),
        tipo: crate::allerte::avvisi::nome_tipo(&a.tipo),
        titolo: a.titolo.clone(),
        testo: a.testo.clone().unwrap_or_default(),
        validita: match a.al {
            Some(al) => format!(
                "dal {} al {}",
                fmt::ora_italiana(a.dal),
                fmt::ora_italiana(al)
            ),
            None => format!("dal {}", fmt::ora_italiana(a.dal)),
        },
        punto: a.lat.zip(a.lon),
        ritirato: a.ritirato_at.is_some(),
    }
}

#[derive(Template)]
#[template(path = "allerte/avvisi.html")]
struct AvvisiPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    f: crate::allerte::avvisi::AvvisoForm,
    errors: FormErrors,
    comuni: Vec<(String, String, bool)>,
    tipi: Vec<Opzione>,
    avvisi: Vec<(AvvisoRiga, bool)>,
}

async fn avvisi_page(
    ctx: &Ctx,
    f: crate::allerte::avvisi::AvvisoForm,
    errors: FormErrors,
) -> AppResult<AvvisiPage> {
    let t = ctx.state.territorio.get();
    let ammessi = comuni_ammessi(ctx, &t);
    let filtro: Option<Vec<i64>> =
        (!ctx.has_grant(ALLERTE)).then(|| ammessi.iter().map(|c| c.2).collect());
    let avvisi = crate::allerte::avvisi::recenti(&ctx.state.db, filtro.as_deref(), 200)
        .await?
        .iter()
        .map(|a| {
            (
                avviso_riga(&t, a),
                a.ritirato_at.is_none() && ctx.can_edit(ALLERTE, Some(a.comune_id)),
            )
        })
        .collect();
    Ok(AvvisiPage {
        chrome: ctx.chrome(
            "Avvisi dei comuni",
            &[CRUMB, ("Avvisi dei comuni", "/allerte/avvisi")],
        ),
        schede: schede(ctx, "/allerte/avvisi"),
        comuni: ammessi
            .into_iter()
            .map(|(c, n, _)| {
                let s = c == f.comune;
                (c, n, s)
            })
            .collect(),
        tipi: crate::allerte::avvisi::TIPI
            .iter()
            .map(|(k, n)| Opzione {
                valore: (*k).into(),
                nome: (*n).into(),
                scelta: *k == f.tipo,
            })
            .collect(),
        f,
        errors,
        avvisi,
    })
}

pub async fn avvisi(ctx: Ctx) -> AppResult<Response> {
    richiedi_staff(&ctx)?;
    render(&avvisi_page(&ctx, Default::default(), FormErrors::default()).await?)
}

/// Publishes a notice for a comune this user edits.
pub async fn avviso_crea(
    ctx: Ctx,
    crate::kit::extract::Form(f): crate::kit::extract::Form<crate::allerte::avvisi::AvvisoForm>,
) -> AppResult<Response> {
    ctx.require_edit_some(ALLERTE)?;
    let t = ctx.state.territorio.get();
    if let Some(c) = t.comune(f.comune.trim())
        && !ctx.can_edit(ALLERTE, Some(c.id))
    {
        return Err(AppError::Forbidden);
    }
    match crate::allerte::avvisi::valida(&f, &t, Utc::now()) {
        Ok(n) => {
            crate::allerte::avvisi::crea(&ctx.state.db, &ctx.actor(), &n).await?;
            Ok(see_other("/allerte/avvisi"))
        }
        Err(errors) => render_invalid(&avvisi_page(&ctx, f, errors).await?),
    }
}

pub async fn avviso_ritira(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    ctx.require_login()?;
    let a = crate::allerte::avvisi::per_id(&ctx.state.db, id).await?;
    ctx.require_edit(ALLERTE, Some(a.comune_id))?;
    crate::allerte::avvisi::ritira(&ctx.state.db, &ctx.actor(), a).await?;
    Ok(see_other("/allerte/avvisi"))
}
