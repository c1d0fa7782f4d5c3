//! Composing an alert: the regional desk for zones and comuni, a referente for their own comuni.

use askama::Template;
use axum::response::Response;
use chrono::Utc;

use super::{CRUMB, comuni_ammessi, opzioni_rischi, schede};
use crate::allerte::bollettino::Livello;
use crate::allerte::cap_out::{self, Pubblicata};
use crate::allerte::fonti;
use crate::allerte::model::{self, ComponiForm, NuovaAllerta};
use crate::allerte::store;
use crate::kit::error::{AppError, AppResult};
use crate::kit::moduli::ALLERTE;
use crate::kit::view::{
    Chrome, Ctx, FormErrors, Opzione, Scheda, form_pairs, render, render_invalid, see_other,
};

#[derive(Template)]
#[template(path = "allerte/componi.html")]
struct ComponiPage {
    chrome: Chrome,
    schede: Vec<Scheda>,
    f: ComponiForm,
    errors: FormErrors,
    regionale: bool,
    rischi: Vec<Opzione>,
    livelli: Vec<Opzione>,
    zone: Vec<(String, String, bool)>,
    comuni: Vec<(String, String, bool)>,
}

fn componi_page(ctx: &Ctx, f: ComponiForm, errors: FormErrors) -> ComponiPage {
    let t = ctx.state.territorio.get();
    let regionale = ctx.can_edit(ALLERTE, None);
    ComponiPage {
        chrome: ctx.chrome(
            "Nuova allerta",
            &[CRUMB, ("Nuova allerta", "/allerte/nuova")],
        ),
        schede: schede(ctx, "/allerte/gestione"),
        regionale,
        rischi: opzioni_rischi(&f.rischio, false),
        livelli: [Livello::Giallo, Livello::Arancione, Livello::Rosso]
            .iter()
            .map(|l| Opzione {
                valore: l.nome().into(),
                nome: l.nome().into(),
                scelta: f.livello == l.nome(),
            })
            .collect(),
        zone: if regionale {
            t.zone
                .iter()
                .map(|z| {
                    (
                        z.codice.clone(),
                        format!("{} – {}", z.codice, z.nome),
                        f.zone.contains(&z.codice),
                    )
                })
                .collect()
        } else {
            Vec::new()
        },
        comuni: comuni_ammessi(ctx, &t)
            .into_iter()
            .map(|(c, n, _)| {
                let scelto = f.comuni.contains(&c);
                (c, n, scelto)
            })
            .collect(),
        f,
        errors,
    }
}

pub async fn componi_form(ctx: Ctx) -> AppResult<Response> {
    ctx.require_read(ALLERTE)?;
    ctx.require_edit_some(ALLERTE)?;
    let mut f = ComponiForm::default();
    // A referente of one comune has it chosen already.
    let t = ctx.state.territorio.get();
    let ammessi = comuni_ammessi(&ctx, &t);
    if !ctx.can_edit(ALLERTE, None) && ammessi.len() == 1 {
        f.comuni.push(ammessi[0].0.clone());
    }
    render(&componi_page(&ctx, f, FormErrors::default()))
}

/// Composes an alert: it waits for a second person's approval before it is public.
pub async fn componi(
    ctx: Ctx,
    crate::kit::extract::Corpo(body): crate::kit::extract::Corpo,
) -> AppResult<Response> {
    ctx.require_edit_some(ALLERTE)?;
    let f = ComponiForm::da_coppie(form_pairs(&body));
    let t = ctx.state.territorio.get();
    let regionale = ctx.can_edit(ALLERTE, None);
    let mut nuova: Result<NuovaAllerta, FormErrors> = model::valida(&f, &t, Utc::now());
    // A referente composes only for their own comuni, never for a zone.
    if let Ok(n) = &nuova
        && !regionale
    {
        if !f.zone.is_empty() {
            let mut e = FormErrors::default();
            e.add(
                "zone",
                "Solo la sala operativa regionale può allertare zone intere.",
            );
            nuova = Err(e);
        } else if n.comuni.iter().any(|c| {
            !t.comune(c)
                .is_some_and(|cm| ctx.can_edit(ALLERTE, Some(cm.id)))
        }) {
            return Err(AppError::Forbidden);
        }
    }
    let n = match nuova {
        Ok(n) => n,
        Err(errors) => return render_invalid(&componi_page(&ctx, f, errors)),
    };
    // A municipal alert (one comune) belongs to that comune: its referenti may approve it.
    let comune_id = match n.comuni.as_slice() {
        [c] => t.comune(c).map(|c| c.id),
        _ => None,
    };
    let fonte = fonti::fonte_operatori(&ctx.state.db).await?;
    let doc = n.documento(
        &ctx.state.config.allerte.cap_mittente,
        Utc::now(),
        comune_id,
    );
    let (mittente, url) = (
        ctx.state.config.allerte.cap_mittente.clone(),
        ctx.state.config.associazione.public_url.clone(),
    );
    let a = store::componi(&ctx.state.db, &t, &fonte, &ctx.actor(), &doc, |a, voci| {
        piazza_cap::to_xml(&cap_out::documento(
            &Pubblicata {
                a,
                voci,
                sostituite: &[],
            },
            &t,
            &mittente,
            &url,
        ))
    })
    .await?;
    Ok(see_other(&format!("/allerte/{}", a.id)))
}
