use askama::Template;
use axum::response::Response;
use chrono::{NaiveTime, TimeZone, Utc};
use piazza_db::entities::{audit_log, utente, utente_ruolo};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;

use crate::auth::Grant;
use crate::kit::error::AppResult;
use crate::kit::extract::Query;
use crate::kit::fmt;
use crate::kit::list::Pager;
use crate::kit::view::{Chrome, Ctx, FormErrors, render};

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    entita: String,
    #[serde(default)]
    azione: String,
    #[serde(default)]
    utente: String,
    #[serde(default)]
    dal: String,
    #[serde(default)]
    al: String,
    pagina: Option<String>,
    per_pagina: Option<String>,
}

pub struct AuditRiga {
    pub quando: String,
    pub attore: String,
    pub azione: String,
    pub entita: String,
    pub entita_id: String,
    pub prima: String,
    pub dopo: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage<'a> {
    chrome: Chrome,
    q: &'a AuditQuery,
    errors: FormErrors,
    righe: Vec<AuditRiga>,
    pager: Pager,
    totale_fmt: String,
}

fn pretty(json: Option<String>) -> String {
    json.and_then(|j| serde_json::from_str::<serde_json::Value>(&j).ok())
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_default()
}

pub async fn audit(ctx: Ctx, Query(q): Query<AuditQuery>) -> AppResult<Response> {
    ctx.require_admin()?;
    let mut errors = FormErrors::default();
    let mut query = audit_log::Entity::find();
    if !q.entita.trim().is_empty() {
        query = query.filter(audit_log::Column::Entita.eq(q.entita.trim()));
    }
    if !q.azione.trim().is_empty() {
        query = query.filter(audit_log::Column::Azione.eq(q.azione.trim()));
    }
    if !q.utente.trim().is_empty() {
        query = query.filter(audit_log::Column::Attore.contains(q.utente.trim().to_lowercase()));
    }
    for (field, value, end) in [("dal", &q.dal, false), ("al", &q.al, true)] {
        if value.trim().is_empty() {
            continue;
        }
        match fmt::parse_date(value) {
            Some(d) => {
                let t = if end {
                    NaiveTime::from_hms_opt(23, 59, 59)
                } else {
                    NaiveTime::from_hms_opt(0, 0, 0)
                };
                let at = Utc.from_utc_datetime(&d.and_time(t.unwrap_or_default()));
                query = if end {
                    query.filter(audit_log::Column::At.lte(at))
                } else {
                    query.filter(audit_log::Column::At.gte(at))
                };
            }
            None => errors.add(field, "Data non valida: usare il formato gg/mm/aaaa."),
        }
    }
    let totale = query.clone().count(&ctx.state.db).await? as usize;
    let params = vec![
        ("entita", q.entita.clone()),
        ("azione", q.azione.clone()),
        ("utente", q.utente.clone()),
        ("dal", q.dal.clone()),
        ("al", q.al.clone()),
    ];
    let pager = Pager::new(
        "/admin/audit",
        &params,
        q.pagina.as_deref(),
        q.per_pagina.as_deref(),
        totale,
    );
    let rows = query
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id)
        .offset(pager.offset() as u64)
        .limit(pager.per_pagina as u64)
        .all(&ctx.state.db)
        .await?;
    render(&AuditPage {
        chrome: ctx.chrome(
            "Registro delle modifiche",
            &[
                ("Amministrazione", "/admin/audit"),
                ("Registro delle modifiche", "/admin/audit"),
            ],
        ),
        q: &q,
        errors,
        righe: rows
            .into_iter()
            .map(|r| AuditRiga {
                quando: fmt::datetime(r.at),
                attore: r.attore,
                azione: r.azione,
                entita: r.entita,
                entita_id: r.entita_id,
                prima: pretty(r.prima),
                dopo: pretty(r.dopo),
            })
            .collect(),
        totale_fmt: fmt::int(totale as i64),
        pager,
    })
}

pub struct UtenteRiga {
    pub email: String,
    pub nome: String,
    pub attivo: bool,
    pub ruoli: String,
    pub ultimo_accesso: String,
}

#[derive(Template)]
#[template(path = "admin/utenti.html")]
struct UtentiPage {
    chrome: Chrome,
    righe: Vec<UtenteRiga>,
}

pub async fn utenti(ctx: Ctx) -> AppResult<Response> {
    ctx.require_admin()?;
    let users = utente::Entity::find()
        .order_by_asc(utente::Column::Email)
        .all(&ctx.state.db)
        .await?;
    let grants = utente_ruolo::Entity::find().all(&ctx.state.db).await?;
    let t = ctx.state.territorio.get();
    let righe = users
        .into_iter()
        .map(|u| UtenteRiga {
            ruoli: grants
                .iter()
                .filter(|g| g.utente_id == u.id)
                .filter_map(|g| Grant::from_parts(&g.ruolo, g.modulo.as_deref(), g.comune_id))
                .map(|g| {
                    g.describe(|c| {
                        t.comune_by_id(c)
                            .map(|c| c.nome.clone())
                            .unwrap_or_default()
                    })
                })
                .collect::<Vec<_>>()
                .join("; "),
            ultimo_accesso: u.last_login_at.map(fmt::datetime).unwrap_or_default(),
            email: u.email,
            nome: u.nome,
            attivo: u.attivo,
        })
        .collect();
    render(&UtentiPage {
        chrome: ctx.chrome(
            "Utenti",
            &[
                ("Amministrazione", "/admin/audit"),
                ("Utenti", "/admin/utenti"),
            ],
        ),
        righe,
    })
}
