//! The parts of a project (comuni, staff, partners, work packages, deadlines, reporting
//! periods, continuity actions): added, changed and removed from its page; the link to an
//! objective of the plan.

use axum::response::Response;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;

use super::progetto::pagina_progetto;
use super::{ids_personale, obbligatoria, progetto_modificabile, testo};
use crate::kit::error::{AppError, AppResult};
use crate::kit::extract::{Form, Path};
use crate::kit::fmt::oggi as today;
use crate::kit::text::non_empty;
use crate::kit::view::{Ctx, FormErrors, render_invalid, see_other};
use crate::progetti::model::{self, Catalogo};
use crate::progetti::store::{self, NuovaParte};

/// The forms of the parts of a project, posted to `/progetti/{id}/parti/{parte}`: each part
/// reads the fields it needs.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ParteForm {
    #[serde(default)]
    pub comune: String,
    #[serde(default)]
    pub persona: String,
    #[serde(default)]
    pub ruolo: String,
    #[serde(default)]
    pub mesi: String,
    #[serde(default)]
    pub organizzazione: String,
    #[serde(default)]
    pub paese: String,
    #[serde(default)]
    pub quota: String,
    #[serde(default)]
    pub titolo: String,
    #[serde(default)]
    pub inizio: String,
    #[serde(default)]
    pub fine: String,
    #[serde(default)]
    pub tipo: String,
    #[serde(default)]
    pub codice: String,
    #[serde(default)]
    pub scadenza: String,
    #[serde(default)]
    pub wp: String,
    #[serde(default)]
    pub richiesto: String,
    #[serde(default)]
    pub azione: String,
}

async fn valida_parte(
    ctx: &Ctx,
    parte: &str,
    f: &ParteForm,
) -> AppResult<Result<NuovaParte, FormErrors>> {
    let db = &ctx.state.db;
    let mut e = FormErrors::default();
    let persona = |e: &mut FormErrors, staff: &[i64], obbligatoria: bool| -> Option<i64> {
        match f.persona.trim().parse::<i64>() {
            Ok(id) if staff.contains(&id) => Some(id),
            _ if !obbligatoria && f.persona.trim().is_empty() => None,
            _ => {
                e.add("persona", "Scegliere una persona del personale.");
                None
            }
        }
    };
    let parte = match parte {
        "comuni" => {
            let t = ctx.state.territorio.get();
            let c = t.trova(&f.comune);
            match c {
                Some(c) => NuovaParte::Comune { comune_id: c.id },
                None => {
                    e.add(
                        "comune",
                        "Comune non trovato: scriverne il nome o il codice ISTAT.",
                    );
                    NuovaParte::Comune { comune_id: 0 }
                }
            }
        }
        "staff" => {
            let staff = ids_personale(ctx).await?;
            let persona_id = persona(&mut e, &staff, true).unwrap_or(0);
            let mesi = match f.mesi.trim() {
                "" => 0.0,
                v => crate::kit::fmt::parse_numero(v)
                    .filter(|m| (0.0..=1000.0).contains(m))
                    .unwrap_or_else(|| {
                        e.add(
                            "mesi",
                            "Indicare i mesi/persona con un numero (es. 6 o 2,5).",
                        );
                        0.0
                    }),
            };
            NuovaParte::Staff {
                persona_id,
                ruolo: non_empty(&f.ruolo),
                mesi_persona: mesi,
            }
        }
        "partner" => {
            use piazza_db::entities::organizzazione;
            let nome = crate::kit::text::normalize(&f.organizzazione);
            let org = if nome.is_empty() {
                None
            } else {
                organizzazione::Entity::find()
                    .filter(organizzazione::Column::NomeNorm.eq(nome))
                    .one(db)
                    .await?
            };
            if org.is_none() {
                e.add(
                    "organizzazione",
                    "Organizzazione non trovata in Anagrafica: scriverne il nome esatto o aggiungerla prima.",
                );
            }
            let paese = model::paese(&f.paese).unwrap_or_else(|| {
                e.add(
                    "paese",
                    "Indicare il paese con il codice di due lettere (IT, FR, TN...).",
                );
                String::new()
            });
            let ruolo = model::codice(model::RUOLI_PARTNER, &f.ruolo).unwrap_or_else(|| {
                e.add("ruolo", "Scegliere il ruolo del partner.");
                ""
            });
            let quota = match f.quota.trim() {
                "" => 0,
                v => model::parse_euro(v).unwrap_or_else(|m| {
                    e.add("quota", m);
                    0
                }),
            };
            NuovaParte::Partner {
                organizzazione_id: org.map(|o| o.id).unwrap_or(0),
                paese,
                ruolo: ruolo.into(),
                quota,
            }
        }
        "wp" => {
            let titolo = testo(
                &mut e,
                "titolo",
                &f.titolo,
                "Indicare il titolo del work package.",
            );
            let inizio = e.date("inizio", &f.inizio);
            let fine = e.date("fine", &f.fine);
            if let (Some(i), Some(x)) = (inizio, fine)
                && x < i
            {
                e.add("fine", "La fine viene prima dell'inizio.");
            }
            NuovaParte::Wp {
                titolo,
                inizio,
                fine,
            }
        }
        "scadenze" => {
            let tipo = model::codice(model::TIPI_SCADENZA, &f.tipo).unwrap_or_else(|| {
                e.add("tipo", "Scegliere milestone o deliverable.");
                ""
            });
            let codice = testo(
                &mut e,
                "codice",
                &f.codice,
                "Indicare il codice (es. M1, D2.1).",
            );
            let titolo = testo(&mut e, "titolo", &f.titolo, "Indicare il titolo.");
            let scadenza = obbligatoria(&mut e, "scadenza", &f.scadenza);
            let wp_id = match f.wp.trim() {
                "" => None,
                v => v.parse().ok().or_else(|| {
                    e.add("wp", "Work package non valido.");
                    None
                }),
            };
            NuovaParte::Scadenza {
                tipo: tipo.into(),
                codice,
                titolo,
                scadenza: scadenza.unwrap_or_default(),
                wp_id,
            }
        }
        "periodi" => {
            let dal = obbligatoria(&mut e, "inizio", &f.inizio);
            let al = obbligatoria(&mut e, "fine", &f.fine);
            let scadenza = obbligatoria(&mut e, "scadenza", &f.scadenza);
            if let (Some(i), Some(x)) = (dal, al)
                && x < i
            {
                e.add("fine", "La fine del periodo viene prima dell'inizio.");
            }
            if let (Some(x), Some(s)) = (al, scadenza)
                && s < x
            {
                e.add(
                    "scadenza",
                    "La scadenza della rendicontazione viene prima della fine del periodo.",
                );
            }
            let richiesto = match f.richiesto.trim() {
                "" => None,
                v => model::parse_euro(v).map(Some).unwrap_or_else(|m| {
                    e.add("richiesto", m);
                    None
                }),
            };
            NuovaParte::Periodo {
                dal: dal.unwrap_or_default(),
                al: al.unwrap_or_default(),
                scadenza: scadenza.unwrap_or_default(),
                richiesto,
            }
        }
        "continuita" => {
            let staff = ids_personale(ctx).await?;
            let azione = testo(
                &mut e,
                "azione",
                &f.azione,
                "Descrivere l'azione di continuità.",
            );
            let data = obbligatoria(&mut e, "scadenza", &f.scadenza);
            NuovaParte::Continuita {
                azione,
                responsabile_id: persona(&mut e, &staff, false),
                data: data.unwrap_or_default(),
            }
        }
        _ => return Err(AppError::NotFound),
    };
    Ok(if e.is_empty() { Ok(parte) } else { Err(e) })
}

pub async fn parte_aggiungi(
    ctx: Ctx,
    Path((id, parte)): Path<(String, String)>,
    Form(f): Form<ParteForm>,
) -> AppResult<Response> {
    let p = progetto_modificabile(&ctx, &id).await?;
    if !store::PARTI.contains(&parte.as_str()) {
        return Err(AppError::NotFound);
    }
    match valida_parte(&ctx, &parte, &f).await? {
        Ok(n) => match store::aggiungi_parte(&ctx.state.db, &ctx.actor(), &p, n).await {
            Ok(()) => Ok(see_other(&format!("/progetti/{id}#{parte}"))),
            Err(AppError::Conflict(m)) => {
                let mut e = FormErrors::default();
                e.add("generale", m);
                render_invalid(&pagina_progetto(&ctx, p, &parte, f, e).await?)
            }
            Err(e) => Err(e),
        },
        Err(e) => render_invalid(&pagina_progetto(&ctx, p, &parte, f, e).await?),
    }
}

pub async fn parte_elimina(
    ctx: Ctx,
    Path((id, parte, pid)): Path<(String, String, i64)>,
) -> AppResult<Response> {
    let p = progetto_modificabile(&ctx, &id).await?;
    store::elimina_parte(&ctx.state.db, &ctx.actor(), &p, &parte, pid).await?;
    Ok(see_other(&format!("/progetti/{id}#{parte}")))
}

#[derive(Debug, Default, Deserialize)]
pub struct AvanzamentoForm {
    #[serde(default)]
    stato: String,
    #[serde(default)]
    richiesto: String,
    #[serde(default)]
    ricevuto: String,
    #[serde(default)]
    fatta: Option<String>,
}

/// Changes the state of a part: a milestone/deliverable done, a work package's progress, the
/// amounts of a reporting period, a continuity action done.
pub async fn parte_aggiorna(
    ctx: Ctx,
    Path((id, parte, pid)): Path<(String, String, i64)>,
    Form(f): Form<AvanzamentoForm>,
) -> AppResult<Response> {
    let p = progetto_modificabile(&ctx, &id).await?;
    let bad = |m: &str| AppError::BadRequest(m.to_owned());
    let stato = |c: Catalogo| -> AppResult<String> {
        model::codice(c, &f.stato)
            .map(str::to_owned)
            .ok_or_else(|| bad("Stato non valido."))
    };
    let importo = |v: &str| -> AppResult<Option<i64>> {
        match v.trim() {
            "" => Ok(None),
            v => model::parse_euro(v).map(Some).map_err(AppError::BadRequest),
        }
    };
    let a = match parte.as_str() {
        "scadenze" => {
            let s = stato(model::STATI_SCADENZA)?;
            store::Avanzamento::Scadenza {
                completata_il: (s == "completata").then(today),
                stato: s,
            }
        }
        "wp" => store::Avanzamento::Wp {
            stato: stato(model::STATI_WP)?,
        },
        "periodi" => store::Avanzamento::Periodo {
            stato: stato(model::STATI_PERIODO)?,
            richiesto: importo(&f.richiesto)?,
            ricevuto: importo(&f.ricevuto)?,
        },
        "continuita" => store::Avanzamento::Continuita {
            fatta: f.fatta.is_some(),
        },
        _ => return Err(AppError::NotFound),
    };
    store::avanza(&ctx.state.db, &ctx.actor(), &p, pid, a).await?;
    Ok(see_other(&format!("/progetti/{id}#{parte}")))
}

/// Links the project to an objective of the plan (the link lives on the objective).
pub async fn obiettivo_collega(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<crate::piano::routes::CollegaForm>,
) -> AppResult<Response> {
    let p = progetto_modificabile(&ctx, &id).await?;
    crate::piano::routes::collega_da(&ctx, "progetto", &p.public_id, &f.obiettivo).await?;
    Ok(see_other(&format!("/progetti/{id}#obiettivi-collegati")))
}
