//! People: the list with its exports, the page, the form.

use askama::Template;
use axum::response::Response;
use piazza_db::entities::persona;
use serde::Deserialize;

use super::{CRUMB, ambito};
use crate::anagrafica::model::{AmministratoreView, CATEGORIE, PersonaForm, categoria_nome};
use crate::anagrafica::store::{self, FiltroPersone, today};
use crate::kit::error::{AppError, AppResult};
use crate::kit::export::{Table, csv_response, xlsx_response};
use crate::kit::extract::{Path, Query};
use crate::kit::fmt;
use crate::kit::list::{Pager, query_string};
use crate::kit::moduli::ANAGRAFICA;
use crate::kit::view::{Chrome, Ctx, FormErrors, form_pairs, render, render_invalid, see_other};

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

pub(super) fn persona_riga(p: &persona::Model) -> PersonaRiga {
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
    /// What the other domains show about the record (objectives, projects...).
    pannelli: crate::kit::pannelli::PannelliPagina,
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
        pannelli: crate::kit::pannelli::mostra(
            &ctx,
            crate::kit::pannelli::Pagina::Persona,
            crate::kit::pannelli::Soggetto {
                id: p.id,
                chiave: &p.public_id,
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
        let crate::kit::extract::Corpo(body) =
            crate::kit::extract::Corpo::from_request(req, s).await?;
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
