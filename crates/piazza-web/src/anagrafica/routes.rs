use crate::extract::Form;
use crate::extract::Multipart;
use askama::Template;
use axum::response::Response;
use piazza_db::entities::{organizzazione, persona};
use serde::Deserialize;
use std::sync::Arc;

use super::dait;
use super::model::{
    AmministratoreView, CATEGORIE, Carica, OrganizzazioneForm, PersonaForm, StatoMandato,
    TIPI_ORGANIZZAZIONE, categoria_nome, comune_proprio, tipo_nome,
};
use super::store::{
    self, FiltroAmministratori, FiltroOrganizzazioni, FiltroPersone, ImportSummary, today,
};
use crate::error::{AppError, AppResult};
use crate::export::{Cell, Table, csv_response, xlsx_response};
use crate::extract::{Path, Query};
use crate::fmt;
use crate::list::{Pager, query_string};
use crate::moduli::ANAGRAFICA;
use crate::view::{Chrome, Ctx, FormErrors, form_pairs, render, render_invalid, see_other};

const CRUMB: (&str, &str) = ("Anagrafica", "/persone");

/// What of the register this user may see (see [`store::Ambito`]).
fn ambito(ctx: &Ctx) -> store::Ambito {
    match &ctx.user {
        Some(u) if !u.has_grant(ANAGRAFICA) => {
            store::Ambito::Comuni(u.comuni_referente().collect())
        }
        _ => store::Ambito::Tutto,
    }
}

/// The permission check of an organisation: editors of Anagrafica, or a referente for the
/// organisations that belong to their comune ([`comune_proprio`]).
fn puo_modificare_org(ctx: &Ctx, tipo: &str, comune_id: Option<i64>) -> bool {
    ctx.can_edit(ANAGRAFICA, comune_proprio(tipo, comune_id))
}

// ---------- people ----------

#[derive(Debug, Default, Deserialize)]
pub struct PersoneQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    categoria: String,
    pagina: Option<String>,
    per_pagina: Option<String>,
}

impl PersoneQuery {
    fn filtro(&self, ambito: store::Ambito) -> FiltroPersone {
        FiltroPersone {
            ambito,
            q: self.q.clone(),
            categoria: CATEGORIE
                .iter()
                .find(|(k, _)| *k == self.categoria)
                .map(|(k, _)| (*k).to_owned()),
        }
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.trim().to_owned()),
            ("categoria", self.categoria.clone()),
        ]
    }
}

pub struct PersonaRiga {
    pub public_id: String,
    pub nome: String,
    pub email: String,
    pub telefono: String,
    pub categorie: String,
}

fn persona_riga(p: &persona::Model) -> PersonaRiga {
    PersonaRiga {
        public_id: p.public_id.clone(),
        nome: format!("{} {}", p.cognome, p.nome),
        email: p.email.clone().unwrap_or_default(),
        telefono: p.telefono.clone().unwrap_or_default(),
        categorie: p
            .categorie
            .split(',')
            .filter(|c| !c.is_empty())
            .map(categoria_nome)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

#[derive(Template)]
#[template(path = "anagrafica/persone.html")]
struct PersonePage<'a> {
    chrome: Chrome,
    q: &'a PersoneQuery,
    categorie: &'static [(&'static str, &'static str)],
    righe: Vec<PersonaRiga>,
    pager: Pager,
    totale_fmt: String,
    export_qs: String,
    puo_creare: bool,
}

pub async fn persone(ctx: Ctx, Query(q): Query<PersoneQuery>) -> AppResult<Response> {
    ctx.require_read(ANAGRAFICA)?;
    let f = q.filtro(ambito(&ctx));
    let totale = store::conta_persone(&ctx.state.db, &f).await?;
    let pager = Pager::new(
        "/persone",
        &q.params(),
        q.pagina.as_deref(),
        q.per_pagina.as_deref(),
        totale,
    );
    let rows = store::persone(&ctx.state.db, &f, pager.offset(), pager.per_pagina).await?;
    render(&PersonePage {
        chrome: ctx.chrome("Persone", &[CRUMB, ("Persone", "/persone")]),
        q: &q,
        categorie: CATEGORIE,
        righe: rows.iter().map(persona_riga).collect(),
        totale_fmt: fmt::int(totale as i64),
        pager,
        export_qs: query_string(&q.params()),
        puo_creare: ctx.can_edit(ANAGRAFICA, None),
    })
}

async fn persone_table(ctx: &Ctx, q: &PersoneQuery) -> AppResult<Table> {
    ctx.require_read(ANAGRAFICA)?;
    let rows = store::persone(&ctx.state.db, &q.filtro(ambito(ctx)), 0, 1_000_000).await?;
    let mut t = Table::new(&[
        "Cognome",
        "Nome",
        "E-mail",
        "Telefono",
        "Codice fiscale",
        "Data di nascita",
        "Luogo di nascita",
        "Categorie",
        "Qualifica",
    ]);
    for p in rows {
        let r = persona_riga(&p);
        t.rows.push(vec![
            p.cognome.into(),
            p.nome.into(),
            p.email.into(),
            p.telefono.into(),
            p.codice_fiscale.into(),
            p.data_nascita.into(),
            p.luogo_nascita.into(),
            r.categorie.into(),
            p.qualifica.into(),
        ]);
    }
    Ok(t)
}

pub async fn persone_csv(ctx: Ctx, Query(q): Query<PersoneQuery>) -> AppResult<Response> {
    Ok(csv_response(&persone_table(&ctx, &q).await?, "persone.csv"))
}

pub async fn persone_xlsx(ctx: Ctx, Query(q): Query<PersoneQuery>) -> AppResult<Response> {
    xlsx_response(&persone_table(&ctx, &q).await?, "Persone", "persone.xlsx")
}

#[derive(Template)]
#[template(path = "anagrafica/persona.html")]
struct PersonaPage {
    chrome: Chrome,
    p: persona::Model,
    categorie: String,
    data_nascita: String,
    organizzazione: Option<(String, String)>,
    cariche: Vec<AmministratoreView>,
    puo_modificare: bool,
    obiettivi: Arc<Vec<crate::piano::store::ObiettivoCollegato>>,
    progetti: Vec<crate::progetti::routes::RigaVista>,
}

pub async fn persona(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    ctx.require_read(ANAGRAFICA)?;
    let p = store::persona(&ctx.state.db, &id).await?;
    if !ambito(&ctx).vede_persona(&ctx.state.db, &p).await? {
        return Err(AppError::NotFound);
    }
    let org = match p.organizzazione_id {
        Some(oid) => store::organizzazione_by_id(&ctx.state.db, oid)
            .await?
            .map(|o| (o.public_id, o.nome)),
        None => None,
    };
    let t = ctx.state.territorio.get();
    let cariche = store::cariche_della_persona(&ctx.state.db, &t, &p, &ctx.state.config).await?;
    let nome = format!("{} {}", p.nome, p.cognome);
    render(&PersonaPage {
        chrome: ctx.chrome(
            nome.clone(),
            &[
                CRUMB,
                ("Persone", "/persone"),
                (&nome, &format!("/persone/{}", p.public_id)),
            ],
        ),
        categorie: persona_riga(&p).categorie,
        data_nascita: fmt::opt_date(p.data_nascita),
        organizzazione: org,
        obiettivi: crate::piano::routes::obiettivi_collegati(&ctx, "persona", &p.public_id).await?,
        progetti: crate::progetti::routes::collegati(
            &ctx,
            crate::progetti::store::Filtro {
                persona: Some(p.id),
                ..Default::default()
            },
        )
        .await?,
        cariche,
        puo_modificare: ctx.can_edit(ANAGRAFICA, None),
        p,
    })
}

#[derive(Template)]
#[template(path = "anagrafica/persona_form.html")]
struct PersonaFormPage {
    chrome: Chrome,
    azione: String,
    f: PersonaForm,
    errors: FormErrors,
    categorie: &'static [(&'static str, &'static str)],
    organizzazioni: Vec<(String, String)>,
}

impl PersonaFormPage {
    fn has_cat(&self, c: &&str) -> bool {
        self.f.categorie.iter().any(|x| x == *c)
    }
}

fn persona_to_form(p: &persona::Model, org_public_id: Option<String>) -> PersonaForm {
    PersonaForm {
        nome: p.nome.clone(),
        cognome: p.cognome.clone(),
        email: p.email.clone().unwrap_or_default(),
        telefono: p.telefono.clone().unwrap_or_default(),
        codice_fiscale: p.codice_fiscale.clone().unwrap_or_default(),
        data_nascita: fmt::opt_date(p.data_nascita),
        luogo_nascita: p.luogo_nascita.clone().unwrap_or_default(),
        organizzazione: org_public_id.unwrap_or_default(),
        qualifica: p.qualifica.clone().unwrap_or_default(),
        note: p.note.clone().unwrap_or_default(),
        categorie: p
            .categorie
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect(),
    }
}

async fn persona_form_page(
    ctx: &Ctx,
    title: &str,
    azione: String,
    f: PersonaForm,
    errors: FormErrors,
) -> AppResult<PersonaFormPage> {
    Ok(PersonaFormPage {
        chrome: ctx.chrome(
            title.to_owned(),
            &[CRUMB, ("Persone", "/persone"), (title, &azione)],
        ),
        azione,
        f,
        errors,
        categorie: CATEGORIE,
        organizzazioni: store::organizzazioni_per_select(&ctx.state.db).await?,
    })
}

/// Form bodies with repeated `categorie` fields: axum's `Form` cannot read repeated keys into a
/// `Vec`, so the body is parsed here.
pub struct PersonaBody(pub PersonaForm);

impl<S: Send + Sync> axum::extract::FromRequest<S> for PersonaBody {
    type Rejection = AppError;
    async fn from_request(req: axum::extract::Request, s: &S) -> Result<Self, Self::Rejection> {
        let crate::extract::Corpo(body) = crate::extract::Corpo::from_request(req, s).await?;
        let mut f = PersonaForm::default();
        for (k, v) in form_pairs(&body) {
            match k.as_str() {
                "nome" => f.nome = v,
                "cognome" => f.cognome = v,
                "email" => f.email = v,
                "telefono" => f.telefono = v,
                "codice_fiscale" => f.codice_fiscale = v,
                "data_nascita" => f.data_nascita = v,
                "luogo_nascita" => f.luogo_nascita = v,
                "organizzazione" => f.organizzazione = v,
                "qualifica" => f.qualifica = v,
                "note" => f.note = v,
                "categorie" => f.categorie.push(v),
                _ => {}
            }
        }
        Ok(PersonaBody(f))
    }
}

pub async fn persona_nuova_form(ctx: Ctx) -> AppResult<Response> {
    ctx.require_edit(ANAGRAFICA, None)?;
    render(
        &persona_form_page(
            &ctx,
            "Nuova persona",
            "/persone/nuova".into(),
            PersonaForm::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

pub async fn persona_crea(ctx: Ctx, PersonaBody(f): PersonaBody) -> AppResult<Response> {
    ctx.require_edit(ANAGRAFICA, None)?;
    match f.validate(today()) {
        Ok(v) => {
            let p = store::crea_persona(&ctx.state.db, &ctx.actor(), &v).await?;
            Ok(see_other(&format!("/persone/{}", p.public_id)))
        }
        Err(errors) => render_invalid(
            &persona_form_page(&ctx, "Nuova persona", "/persone/nuova".into(), f, errors).await?,
        ),
    }
}

pub async fn persona_modifica_form(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    ctx.require_edit(ANAGRAFICA, None)?;
    let p = store::persona(&ctx.state.db, &id).await?;
    let org = match p.organizzazione_id {
        Some(oid) => store::organizzazione_by_id(&ctx.state.db, oid)
            .await?
            .map(|o| o.public_id),
        None => None,
    };
    let f = persona_to_form(&p, org);
    render(
        &persona_form_page(
            &ctx,
            "Modifica persona",
            format!("/persone/{id}/modifica"),
            f,
            FormErrors::default(),
        )
        .await?,
    )
}

pub async fn persona_aggiorna(
    ctx: Ctx,
    Path(id): Path<String>,
    PersonaBody(f): PersonaBody,
) -> AppResult<Response> {
    ctx.require_edit(ANAGRAFICA, None)?;
    let p = store::persona(&ctx.state.db, &id).await?;
    match f.validate(today()) {
        Ok(v) => {
            store::aggiorna_persona(&ctx.state.db, &ctx.actor(), p, &v).await?;
            Ok(see_other(&format!("/persone/{id}")))
        }
        Err(errors) => render_invalid(
            &persona_form_page(
                &ctx,
                "Modifica persona",
                format!("/persone/{id}/modifica"),
                f,
                errors,
            )
            .await?,
        ),
    }
}

pub async fn persona_elimina(ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    ctx.require_edit(ANAGRAFICA, None)?;
    let p = store::persona(&ctx.state.db, &id).await?;
    store::elimina_persona(&ctx.state.db, &ctx.actor(), p).await?;
    Ok(see_other("/persone"))
}

// ---------- organisations ----------

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
    obiettivi: Arc<Vec<crate::piano::store::ObiettivoCollegato>>,
    progetti: Vec<crate::progetti::routes::RigaVista>,
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
        obiettivi: crate::piano::routes::obiettivi_collegati(&ctx, "organizzazione", &o.public_id)
            .await?,
        progetti: crate::progetti::routes::collegati(
            &ctx,
            crate::progetti::store::Filtro {
                organizzazione: Some(o.id),
                ..Default::default()
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
                .filter(|(k, _)| super::model::TIPI_DEL_COMUNE.contains(k))
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
) -> Result<(super::model::OrganizzazioneValida, Option<i64>), FormErrors> {
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

// ---------- administrators ----------

#[derive(Debug, Default, Deserialize)]
pub struct AmmQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    comune: String,
    #[serde(default)]
    carica: String,
    #[serde(default)]
    stato: String,
    pagina: Option<String>,
    per_pagina: Option<String>,
}

impl AmmQuery {
    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.trim().to_owned()),
            ("comune", self.comune.clone()),
            ("carica", self.carica.clone()),
            ("stato", self.stato.clone()),
        ]
    }
    fn filtro(&self, t: &crate::territorio::Territorio) -> FiltroAmministratori {
        FiltroAmministratori {
            q: self.q.clone(),
            comune_id: t.comune(&self.comune).map(|c| c.id),
            carica: Carica::parse(&self.carica),
            stato: match self.stato.as_str() {
                "in_corso" => Some(StatoMandato::InCorso),
                "in_scadenza" => Some(StatoMandato::InScadenza),
                "scaduto" => Some(StatoMandato::Scaduto),
                _ => None,
            },
        }
    }
}

#[derive(Template)]
#[template(path = "anagrafica/amministratori.html")]
struct AmmPage<'a> {
    chrome: Chrome,
    q: &'a AmmQuery,
    comuni: Vec<(String, String)>,
    cariche: Vec<(&'static str, &'static str)>,
    righe: Vec<AmministratoreView>,
    pager: Pager,
    totale_fmt: String,
    export_qs: String,
    puo_importare: bool,
    anni_mandato: i32,
    mesi_preavviso: u32,
}

pub async fn amministratori(ctx: Ctx, Query(q): Query<AmmQuery>) -> AppResult<Response> {
    ctx.require_read(ANAGRAFICA)?;
    let t = ctx.state.territorio.get();
    let all = store::amministratori(&ctx.state.db, &t, &ctx.state.config, &q.filtro(&t)).await?;
    let pager = Pager::new(
        "/amministratori",
        &q.params(),
        q.pagina.as_deref(),
        q.per_pagina.as_deref(),
        all.len(),
    );
    let righe = pager.slice(&all).to_vec();
    render(&AmmPage {
        chrome: ctx.chrome(
            "Amministratori",
            &[CRUMB, ("Amministratori", "/amministratori")],
        ),
        q: &q,
        comuni: t
            .comuni
            .iter()
            .map(|c| (c.codice_istat.clone(), c.nome.clone()))
            .collect(),
        cariche: Carica::ALL.iter().map(|c| (c.key(), c.nome())).collect(),
        righe,
        totale_fmt: fmt::int(all.len() as i64),
        pager,
        export_qs: query_string(&q.params()),
        puo_importare: ctx.can_edit(ANAGRAFICA, None),
        anni_mandato: ctx.state.config.anagrafica.anni_mandato,
        mesi_preavviso: ctx.state.config.anagrafica.mesi_preavviso_scadenza,
    })
}

async fn amm_table(ctx: &Ctx, q: &AmmQuery) -> AppResult<Table> {
    ctx.require_read(ANAGRAFICA)?;
    let t = ctx.state.territorio.get();
    let all = store::amministratori(&ctx.state.db, &t, &ctx.state.config, &q.filtro(&t)).await?;
    let mut table = Table::new(&[
        "Comune",
        "Codice ISTAT",
        "Nome",
        "Carica",
        "Descrizione carica",
        "Data elezione",
        "Entrata in carica",
        "Fine mandato",
        "Stato",
        "Lista",
    ]);
    for a in all {
        table.rows.push(vec![
            a.comune_nome.into(),
            a.comune_istat.into(),
            a.nome_completo.into(),
            a.carica.nome().into(),
            a.descrizione_carica.into(),
            a.data_elezione.into(),
            a.data_inizio.into(),
            a.fine_mandato.into(),
            a.stato.etichetta().into(),
            Cell::Text(a.lista),
        ]);
    }
    Ok(table)
}

pub async fn amministratori_csv(ctx: Ctx, Query(q): Query<AmmQuery>) -> AppResult<Response> {
    Ok(csv_response(
        &amm_table(&ctx, &q).await?,
        "amministratori.csv",
    ))
}

pub async fn amministratori_xlsx(ctx: Ctx, Query(q): Query<AmmQuery>) -> AppResult<Response> {
    xlsx_response(
        &amm_table(&ctx, &q).await?,
        "Amministratori",
        "amministratori.xlsx",
    )
}

#[derive(Template)]
#[template(path = "anagrafica/amministratore_form.html")]
struct AmmFormPage {
    chrome: Chrome,
    id: i64,
    nome: String,
    comune: String,
    carica: String,
    data_elezione: String,
    data_inizio: String,
    cariche: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
pub struct AmmForm {
    #[serde(default)]
    carica: String,
    #[serde(default)]
    data_elezione: String,
    #[serde(default)]
    data_inizio: String,
}

async fn amm_form_page(
    ctx: &Ctx,
    a: &piazza_db::entities::amministratore::Model,
    f: AmmForm,
    errors: FormErrors,
) -> AppResult<AmmFormPage> {
    let p = piazza_db::entities::persona::Entity::find_by_id(a.persona_id);
    use sea_orm::EntityTrait;
    let p = p.one(&ctx.state.db).await?.ok_or(AppError::NotFound)?;
    let t = ctx.state.territorio.get();
    let path = format!("/amministratori/{}/modifica", a.id);
    Ok(AmmFormPage {
        chrome: ctx.chrome(
            "Modifica carica",
            &[
                CRUMB,
                ("Amministratori", "/amministratori"),
                ("Modifica carica", &path),
            ],
        ),
        id: a.id,
        nome: format!("{} {}", p.nome, p.cognome),
        comune: t
            .comune_by_id(a.comune_id)
            .map(|c| c.nome.clone())
            .unwrap_or_default(),
        carica: f.carica,
        data_elezione: f.data_elezione,
        data_inizio: f.data_inizio,
        cariche: Carica::ALL.iter().map(|c| (c.key(), c.nome())).collect(),
        errors,
    })
}

pub async fn amministratore_modifica_form(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let a = store::amministratore(&ctx.state.db, id).await?;
    ctx.require_edit(ANAGRAFICA, Some(a.comune_id))?;
    let f = AmmForm {
        carica: a.carica.clone(),
        data_elezione: fmt::opt_date(a.data_elezione),
        data_inizio: fmt::opt_date(a.data_inizio),
    };
    render(&amm_form_page(&ctx, &a, f, FormErrors::default()).await?)
}

pub async fn amministratore_aggiorna(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<AmmForm>,
) -> AppResult<Response> {
    let a = store::amministratore(&ctx.state.db, id).await?;
    ctx.require_edit(ANAGRAFICA, Some(a.comune_id))?;
    let mut errors = FormErrors::default();
    let carica = Carica::parse(&f.carica);
    if carica.is_none() {
        errors.add("carica", "Scegliere la carica.");
    }
    let data_elezione = errors.date("data_elezione", &f.data_elezione);
    let data_inizio = errors.date("data_inizio", &f.data_inizio);
    if let (Some(e), Some(i)) = (data_elezione, data_inizio)
        && i < e
    {
        errors.add(
            "data_inizio",
            "L'entrata in carica non può precedere l'elezione.",
        );
    }
    if !errors.is_empty() {
        return render_invalid(&amm_form_page(&ctx, &a, f, errors).await?);
    }
    let comune = a.comune_id;
    store::aggiorna_amministratore(
        &ctx.state.db,
        &ctx.actor(),
        a,
        carica.unwrap_or(Carica::Altro),
        data_elezione,
        data_inizio,
        &ctx.state.config,
    )
    .await?;
    let t = ctx.state.territorio.get();
    let code = t
        .comune_by_id(comune)
        .map(|c| c.codice_istat.clone())
        .unwrap_or_default();
    Ok(see_other(&format!("/comuni/{code}")))
}

#[derive(Template)]
#[template(path = "anagrafica/importa.html")]
struct ImportPage {
    chrome: Chrome,
    errori: Vec<String>,
    esito: Option<ImportSummary>,
}

pub async fn importa_form(ctx: Ctx) -> AppResult<Response> {
    ctx.require_edit(ANAGRAFICA, None)?;
    render(&ImportPage {
        chrome: ctx.chrome(
            "Importa amministratori",
            &[
                CRUMB,
                ("Amministratori", "/amministratori"),
                ("Importa", "/amministratori/importa"),
            ],
        ),
        errori: Vec::new(),
        esito: None,
    })
}

/// Largest register file accepted by the upload (the national file is about 27 MB).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

pub async fn importa(ctx: Ctx, multipart: Multipart) -> AppResult<Response> {
    ctx.require_edit(ANAGRAFICA, None)?;
    let bytes = crate::view::campi_multipart(multipart, MAX_UPLOAD)
        .await?
        .remove("file");
    let chrome = ctx.chrome(
        "Importa amministratori",
        &[
            CRUMB,
            ("Amministratori", "/amministratori"),
            ("Importa", "/amministratori/importa"),
        ],
    );
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return render_invalid(&ImportPage {
            chrome,
            errori: vec!["Scegliere un file CSV da importare.".into()],
            esito: None,
        });
    };
    let t = ctx.state.territorio.get();
    // Tens of MB of CSV: read on the blocking pool, not on the workers serving requests.
    let letto = tokio::task::spawn_blocking(move || dait::parse(&bytes, &t))
        .await
        .map_err(|e| AppError::Internal(format!("lettura del registro interrotta: {e}")))?;
    match letto {
        Err(e) => render_invalid(&ImportPage {
            chrome,
            errori: e.0,
            esito: None,
        }),
        Ok(parsed) => {
            let s = store::importa_dait(&ctx.state.db, &ctx.actor(), &parsed, &ctx.state.config)
                .await?;
            render(&ImportPage {
                chrome,
                errori: Vec::new(),
                esito: Some(s),
            })
        }
    }
}
