//! Organisations: the list with its exports, the page, the form.

use crate::kit::extract::Form;
use askama::Template;
use axum::response::Response;
use piazza_db::entities::organizzazione;
use serde::Deserialize;

use super::persone::{PersonaRiga, persona_riga};
use super::{CRUMB, ambito, puo_modificare_org};
use crate::anagrafica::model::{
    OrganizzazioneForm, OrganizzazioneValida, TIPI_DEL_COMUNE, TIPI_ORGANIZZAZIONE, tipo_nome,
};
use crate::anagrafica::store::{self, FiltroOrganizzazioni};
use crate::kit::error::{AppError, AppResult};
use crate::kit::export::{Table, csv_response, xlsx_response};
use crate::kit::extract::{Path, Query};
use crate::kit::fmt;
use crate::kit::list::{Pager, query_string};
use crate::kit::moduli::ANAGRAFICA;
use crate::kit::view::{Chrome, Ctx, FormErrors, render, render_invalid, see_other};

#[derive(Debug, Default, Deserialize)]
pub struct OrgQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    tipo: String,
    pagina: Option<String>,
    per_pagina: Option<String>,
}

impl OrgQuery {
    fn filtro(&self, ambito: store::Ambito) -> FiltroOrganizzazioni {
        FiltroOrganizzazioni {
            ambito,
            q: self.q.clone(),
            tipo: TIPI_ORGANIZZAZIONE
                .iter()
                .find(|(k, _)| *k == self.tipo)
                .map(|(k, _)| (*k).to_owned()),
        }
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![("q", self.q.trim().to_owned()), ("tipo", self.tipo.clone())]
    }
}

pub struct OrgRiga {
    pub public_id: String,
    pub nome: String,
    pub tipo: &'static str,
    pub comune: String,
    pub email: String,
}

fn org_riga(o: &organizzazione::Model, t: &crate::territorio::Territorio) -> OrgRiga {
    OrgRiga {
        public_id: o.public_id.clone(),
        nome: o.nome.clone(),
        tipo: tipo_nome(&o.tipo),
        comune: o
            .comune_id
            .and_then(|c| t.comune_by_id(c))
            .map(|c| c.nome.clone())
            .unwrap_or_default(),
        email: o.email.clone().or(o.pec.clone()).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "anagrafica/organizzazioni.html")]
struct OrgPage<'a> {
    chrome: Chrome,
    q: &'a OrgQuery,
    tipi: &'static [(&'static str, &'static str)],
    righe: Vec<OrgRiga>,
    pager: Pager,
    totale_fmt: String,
    export_qs: String,
    puo_creare: bool,
}

pub async fn organizzazioni(ctx: Ctx, Query(q): Query<OrgQuery>) -> AppResult<Response> {
    ctx.require_read(ANAGRAFICA)?;
    let f = q.filtro(ambito(&ctx));
    let totale = store::conta_organizzazioni(&ctx.state.db, &f).await?;
    let pager = Pager::new(
        "/organizzazioni",
        &q.params(),
        q.pagina.as_deref(),
        q.per_pagina.as_deref(),
        totale,
    );
    let rows = store::organizzazioni(&ctx.state.db, &f, pager.offset(), pager.per_pagina).await?;
    let t = ctx.state.territorio.get();
    render(&OrgPage {
        chrome: ctx.chrome(
            "Organizzazioni",
            &[CRUMB, ("Organizzazioni", "/organizzazioni")],
        ),
        q: &q,
        tipi: TIPI_ORGANIZZAZIONE,
        righe: rows.iter().map(|o| org_riga(o, &t)).collect(),
        totale_fmt: fmt::int(totale as i64),
        pager,
        export_qs: query_string(&q.params()),
        puo_creare: ctx.can_edit_some(ANAGRAFICA),
    })
}

async fn org_table(ctx: &Ctx, q: &OrgQuery) -> AppResult<Table> {
    ctx.require_read(ANAGRAFICA)?;
    let rows = store::organizzazioni(&ctx.state.db, &q.filtro(ambito(ctx)), 0, 1_000_000).await?;
    let t = ctx.state.territorio.get();
    let mut table = Table::new(&[
        "Nome",
        "Tipo",
        "Comune",
        "Codice fiscale",
        "Partita IVA",
        "E-mail",
        "PEC",
        "Telefono",
        "Sito web",
        "Indirizzo",
    ]);
    for o in rows {
        let r = org_riga(&o, &t);
        table.rows.push(vec![
            o.nome.into(),
            r.tipo.into(),
            r.comune.into(),
            o.codice_fiscale.into(),
            o.partita_iva.into(),
            o.email.into(),
            o.pec.into(),
            o.telefono.into(),
            o.sito_web.into(),
            o.indirizzo.into(),
        ]);
    }
    Ok(table)
}

pub async fn organizzazioni_csv(ctx: Ctx, Query(q): Query<OrgQuery>) -> AppResult<Response> {
    Ok(csv_response(
        &org_table(&ctx, &q).await?,
        "organizzazioni.csv",
    ))
}

pub async fn organizzazioni_xlsx(ctx: Ctx, Query(q): Query<OrgQuery>) -> AppResult<Response> {
    xlsx_response(
        &org_table(&ctx, &q).await?,
        "Organizzazioni",
        "organizzazioni.xlsx",
    )
}

#[derive(Template)]
#[template(path = "anagrafica/organizzazione.html")]
struct OrganizzazionePage {
    chrome: Chrome,
    o: organizzazione::Model,
    tipo: &'static str,
    comune: Option<(String, String)>,
    persone: Vec<PersonaRiga>,
    puo_modificare: bool,
    /// What the other domains show about the record (objectives, projects...).
    pannelli: crate::kit::pannelli::PannelliPagina,
}

pub async fn organizzazione(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    ctx.require_read(ANAGRAFICA)?;
    let o = store::organizzazione(&ctx.state.db, &id).await?;
    if !ambito(&ctx).vede_organizzazione(&o) {
        return Err(AppError::NotFound);
    }
    let t = ctx.state.territorio.get();
    let persone = store::persone_della_organizzazione(&ctx.state.db, o.id)
        .await?
        .iter()
        .map(persona_riga)
        .collect();
    let nome = o.nome.clone();
    render(&OrganizzazionePage {
        chrome: ctx.chrome(
            nome.clone(),
            &[
                CRUMB,
                ("Organizzazioni", "/organizzazioni"),
                (&nome, &format!("/organizzazioni/{}", o.public_id)),
            ],
        ),
        tipo: tipo_nome(&o.tipo),
        comune: o
            .comune_id
            .and_then(|c| t.comune_by_id(c))
            .map(|c| (c.codice_istat.clone(), c.nome.clone())),
        pannelli: crate::kit::pannelli::mostra(
            &ctx,
            crate::kit::pannelli::Pagina::Organizzazione,
            crate::kit::pannelli::Soggetto {
                id: o.id,
                chiave: &o.public_id,
            },
        )
        .await?,
        persone,
        puo_modificare: puo_modificare_org(&ctx, &o.tipo, o.comune_id),
        o,
    })
}

#[derive(Template)]
#[template(path = "anagrafica/organizzazione_form.html")]
struct OrgFormPage {
    chrome: Chrome,
    azione: String,
    f: OrganizzazioneForm,
    errors: FormErrors,
    tipi: Vec<(&'static str, &'static str)>,
    comuni: Vec<(String, String)>,
}

fn org_form_page(
    ctx: &Ctx,
    title: &str,
    azione: String,
    f: OrganizzazioneForm,
    errors: FormErrors,
) -> OrgFormPage {
    let t = ctx.state.territorio.get();
    // A referente may only choose among their own comuni.
    let allowed = |id: i64| ctx.can_edit(ANAGRAFICA, Some(id));
    OrgFormPage {
        chrome: ctx.chrome(
            title.to_owned(),
            &[
                CRUMB,
                ("Organizzazioni", "/organizzazioni"),
                (title, &azione),
            ],
        ),
        azione,
        f,
        errors,
        // A referente may only create or keep organisations of their comune.
        tipi: if ctx.can_edit(ANAGRAFICA, None) {
            TIPI_ORGANIZZAZIONE.to_vec()
        } else {
            TIPI_ORGANIZZAZIONE
                .iter()
                .filter(|(k, _)| TIPI_DEL_COMUNE.contains(k))
                .copied()
                .collect()
        },
        comuni: t
            .comuni
            .iter()
            .filter(|c| allowed(c.id))
            .map(|c| (c.codice_istat.clone(), c.nome.clone()))
            .collect(),
    }
}

/// Validates the form and resolves the comune; the permission is checked on the comune chosen.
fn org_validate(
    ctx: &Ctx,
    f: &OrganizzazioneForm,
) -> Result<(OrganizzazioneValida, Option<i64>), FormErrors> {
    let t = ctx.state.territorio.get();
    let v = f.validate(|c| t.comune(c).is_some())?;
    let comune_id = v
        .comune_istat
        .as_deref()
        .and_then(|c| t.comune(c))
        .map(|c| c.id);
    Ok((v, comune_id))
}

pub async fn organizzazione_nuova_form(ctx: Ctx) -> AppResult<Response> {
    ctx.require_edit_some(ANAGRAFICA)?;
    render(&org_form_page(
        &ctx,
        "Nuova organizzazione",
        "/organizzazioni/nuova".into(),
        OrganizzazioneForm::default(),
        FormErrors::default(),
    ))
}

pub async fn organizzazione_crea(
    ctx: Ctx,
    Form(f): Form<OrganizzazioneForm>,
) -> AppResult<Response> {
    ctx.require_edit_some(ANAGRAFICA)?;
    match org_validate(&ctx, &f) {
        Ok((v, comune_id)) => {
            if !puo_modificare_org(&ctx, &v.tipo, comune_id) {
                return Err(AppError::Forbidden);
            }
            let o = store::crea_organizzazione(&ctx.state.db, &ctx.actor(), &v, comune_id).await?;
            Ok(see_other(&format!("/organizzazioni/{}", o.public_id)))
        }
        Err(errors) => render_invalid(&org_form_page(
            &ctx,
            "Nuova organizzazione",
            "/organizzazioni/nuova".into(),
            f,
            errors,
        )),
    }
}

pub async fn organizzazione_modifica_form(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let o = store::organizzazione(&ctx.state.db, &id).await?;
    ctx.require_login()?;
    if !puo_modificare_org(&ctx, &o.tipo, o.comune_id) {
        return Err(AppError::Forbidden);
    }
    let t = ctx.state.territorio.get();
    let f = OrganizzazioneForm {
        nome: o.nome.clone(),
        tipo: o.tipo.clone(),
        codice_fiscale: o.codice_fiscale.clone().unwrap_or_default(),
        partita_iva: o.partita_iva.clone().unwrap_or_default(),
        comune: o
            .comune_id
            .and_then(|c| t.comune_by_id(c))
            .map(|c| c.codice_istat.clone())
            .unwrap_or_default(),
        email: o.email.clone().unwrap_or_default(),
        pec: o.pec.clone().unwrap_or_default(),
        telefono: o.telefono.clone().unwrap_or_default(),
        sito_web: o.sito_web.clone().unwrap_or_default(),
        indirizzo: o.indirizzo.clone().unwrap_or_default(),
        note: o.note.clone().unwrap_or_default(),
    };
    render(&org_form_page(
        &ctx,
        "Modifica organizzazione",
        format!("/organizzazioni/{id}/modifica"),
        f,
        FormErrors::default(),
    ))
}

pub async fn organizzazione_aggiorna(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<OrganizzazioneForm>,
) -> AppResult<Response> {
    let o = store::organizzazione(&ctx.state.db, &id).await?;
    ctx.require_login()?;
    if !puo_modificare_org(&ctx, &o.tipo, o.comune_id) {
        return Err(AppError::Forbidden);
    }
    match org_validate(&ctx, &f) {
        Ok((v, comune_id)) => {
            if !puo_modificare_org(&ctx, &v.tipo, comune_id) {
                return Err(AppError::Forbidden);
            }
            store::aggiorna_organizzazione(&ctx.state.db, &ctx.actor(), o, &v, comune_id).await?;
            Ok(see_other(&format!("/organizzazioni/{id}")))
        }
        Err(errors) => render_invalid(&org_form_page(
            &ctx,
            "Modifica organizzazione",
            format!("/organizzazioni/{id}/modifica"),
            f,
            errors,
        )),
    }
}

pub async fn organizzazione_elimina(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let o = store::organizzazione(&ctx.state.db, &id).await?;
    ctx.require_login()?;
    if !puo_modificare_org(&ctx, &o.tipo, o.comune_id) {
        return Err(AppError::Forbidden);
    }
    if o.tipo == "comune" && !ctx.user.as_ref().is_some_and(|u| u.is_admin()) {
        return Err(AppError::Conflict(
            "L'organizzazione di un comune fa parte del territorio e non si elimina.".into(),
        ));
    }
    store::elimina_organizzazione(&ctx.state.db, &ctx.actor(), o).await?;
    Ok(see_other("/organizzazioni"))
}
