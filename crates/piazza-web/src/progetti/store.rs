//! Queries and changes of the project portfolio: every change in one transaction with its
//! audit-log row. What a user may see is a [`Visibilita`]: everything for the module's staff,
//! the projects of their comuni for a referente.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate, Utc};
use piazza_db::audit::{self, Actor};
use piazza_db::entities::{
    bando, organizzazione, persona, progetto, progetto_comune, progetto_continuita,
    progetto_partner, progetto_periodo, progetto_scadenza, progetto_staff, progetto_wp, programma,
    proposta, token_calendario,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, ModelTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set,
    TransactionTrait, TryIntoModel,
};
use serde_json::json;

use super::model::{self, DatiProgetto, MotivoRischio};
use crate::error::{AppError, AppResult};
use crate::piano::model::RischioLegislatura;
use crate::text::normalize;

/// Which projects a user may see.
#[derive(Debug, Clone, PartialEq)]
pub enum Visibilita {
    Tutti,
    /// A referente: the projects that involve one of these comuni.
    Comuni(Vec<i64>),
}

/// The filters of the portfolio (also applied to the exports and the timeline).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filtro {
    pub q: String,
    pub tipo: Option<String>,
    pub programma: Option<i64>,
    pub ruolo: Option<String>,
    pub stato: Option<String>,
    /// Active at some point of the year.
    pub anno: Option<i32>,
    pub comune: Option<i64>,
    pub persona: Option<i64>,
    /// Projects in which this organisation is a partner.
    pub organizzazione: Option<i64>,
}

fn in_comuni(ids: Vec<i64>) -> sea_orm::sea_query::SimpleExpr {
    Expr::col((progetto::Entity, progetto::Column::Id)).in_subquery(
        Query::select()
            .column(progetto_comune::Column::ProgettoId)
            .from(progetto_comune::Entity)
            .and_where(progetto_comune::Column::ComuneId.is_in(ids))
            .to_owned(),
    )
}

/// Projects active at some point of `anno`.
fn attivo_nell_anno(anno: i32) -> Condition {
    let inizio = NaiveDate::from_ymd_opt(anno, 1, 1).expect("1 January");
    let fine = NaiveDate::from_ymd_opt(anno, 12, 31).expect("31 December");
    Condition::all()
        .add(progetto::Column::DataInizio.lte(fine))
        .add(
            Condition::any()
                .add(progetto::Column::DataFine.gte(inizio))
                .add(progetto::Column::DataFine.is_null()),
        )
}

/// The projects matching `f` that `vis` may see.
pub fn seleziona(f: &Filtro, vis: &Visibilita) -> Select<progetto::Entity> {
    let mut s = progetto::Entity::find();
    if let Visibilita::Comuni(ids) = vis {
        s = s.filter(in_comuni(ids.clone()));
    }
    let q = normalize(&f.q);
    if !q.is_empty() {
        s = s.filter(
            Condition::any()
                .add(progetto::Column::TitoloNorm.contains(&q))
                .add(progetto::Column::Acronimo.contains(f.q.trim()))
                .add(progetto::Column::Codice.contains(f.q.trim())),
        );
    }
    if let Some(t) = &f.tipo {
        s = s.filter(progetto::Column::Tipo.eq(t.as_str()));
    }
    if let Some(p) = f.programma {
        s = s.filter(progetto::Column::ProgrammaId.eq(p));
    }
    if let Some(r) = &f.ruolo {
        s = s.filter(progetto::Column::Ruolo.eq(r.as_str()));
    }
    if let Some(st) = &f.stato {
        s = s.filter(progetto::Column::Stato.eq(st.as_str()));
    }
    if let Some(a) = f.anno {
        s = s.filter(attivo_nell_anno(a));
    }
    if let Some(c) = f.comune {
        s = s.filter(in_comuni(vec![c]));
    }
    if let Some(o) = f.organizzazione {
        s = s.filter(
            Expr::col((progetto::Entity, progetto::Column::Id)).in_subquery(
                Query::select()
                    .column(progetto_partner::Column::ProgettoId)
                    .from(progetto_partner::Entity)
                    .and_where(progetto_partner::Column::OrganizzazioneId.eq(o))
                    .to_owned(),
            ),
        );
    }
    if let Some(p) = f.persona {
        s = s.filter(
            Condition::any()
                .add(progetto::Column::ResponsabileId.eq(p))
                .add(
                    Expr::col((progetto::Entity, progetto::Column::Id)).in_subquery(
                        Query::select()
                            .column(progetto_staff::Column::ProgettoId)
                            .from(progetto_staff::Entity)
                            .and_where(progetto_staff::Column::PersonaId.eq(p))
                            .to_owned(),
                    ),
                ),
        );
    }
    s
}

/// The programme catalogue, by name.
pub async fn programmi(db: &impl ConnectionTrait) -> AppResult<Vec<programma::Model>> {
    Ok(programma::Entity::find()
        .order_by_asc(programma::Column::Nome)
        .all(db)
        .await?)
}

/// What the portfolio shows of a project.
#[derive(Debug, Clone)]
pub struct Riga {
    pub p: progetto::Model,
    pub programma: String,
    pub rischio: Vec<MotivoRischio>,
}

/// The catalogue by id, and a function telling the risk of a project.
pub struct Contesto {
    pub programmi: HashMap<i64, programma::Model>,
    pub rischio: RischioLegislatura,
}

impl Contesto {
    pub async fn carica(db: &DatabaseConnection, config: &crate::AppConfig) -> AppResult<Self> {
        Ok(Self {
            programmi: programmi(db)
                .await?
                .into_iter()
                .map(|p| (p.id, p))
                .collect(),
            rischio: crate::piano::store::rischio_legislatura(db, config).await?,
        })
    }
    pub fn regionale(&self, p: &progetto::Model) -> bool {
        p.dipende_regione
            || self
                .programmi
                .get(&p.programma_id)
                .is_some_and(|g| g.rinnovo_regionale)
    }
    pub fn rischio(&self, p: &progetto::Model) -> Vec<MotivoRischio> {
        model::rischio(
            &p.stato,
            p.data_inizio,
            p.data_fine,
            self.regionale(p),
            &self.rischio,
        )
    }
    /// The catalogue by name, for the choosers.
    pub fn programmi_per_nome(&self) -> Vec<programma::Model> {
        let mut v: Vec<programma::Model> = self.programmi.values().cloned().collect();
        v.sort_by(|a, b| a.nome.cmp(&b.nome));
        v
    }

    pub fn programma(&self, id: i64) -> String {
        self.programmi
            .get(&id)
            .map(|p| p.nome.clone())
            .unwrap_or_default()
    }
    pub fn riga(&self, p: progetto::Model) -> Riga {
        Riga {
            programma: self.programma(p.programma_id),
            rischio: self.rischio(&p),
            p,
        }
    }
}

/// How many projects match.
pub async fn conta(db: &DatabaseConnection, f: &Filtro, vis: &Visibilita) -> AppResult<u64> {
    Ok(seleziona(f, vis).count(db).await?)
}

/// The year a timeline opens on: this year when some project is active in it; otherwise the
/// year of the latest plan (Piano) when projects were active then; otherwise the start year of
/// the newest project.
pub async fn anno_predefinito(
    db: &DatabaseConnection,
    vis: &Visibilita,
    oggi: NaiveDate,
) -> AppResult<i32> {
    let attivi = |anno: i32| Filtro {
        anno: Some(anno),
        ..Default::default()
    };
    if conta(db, &attivi(oggi.year()), vis).await? > 0 {
        return Ok(oggi.year());
    }
    if let Some(p) = piazza_db::entities::piano::Entity::find()
        .order_by_desc(piazza_db::entities::piano::Column::Anno)
        .one(db)
        .await?
        && conta(db, &attivi(p.anno), vis).await? > 0
    {
        return Ok(p.anno);
    }
    Ok(seleziona(&Filtro::default(), vis)
        .filter(progetto::Column::DataInizio.is_not_null())
        .order_by_desc(progetto::Column::DataInizio)
        .one(db)
        .await?
        .and_then(|p| p.data_inizio)
        .map_or(oggi.year(), |d| d.year()))
}

/// A page of the portfolio, by start date (newest first).
pub async fn elenco(
    db: &DatabaseConnection,
    ctx: &Contesto,
    f: &Filtro,
    vis: &Visibilita,
    offset: u64,
    limit: u64,
) -> AppResult<Vec<Riga>> {
    let righe = seleziona(f, vis)
        .order_by_desc(progetto::Column::DataInizio)
        .order_by_asc(progetto::Column::Codice)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok(righe.into_iter().map(|p| ctx.riga(p)).collect())
}

/// Sums of the projects matching a filter: count, total budget, association's share.
pub async fn totali(
    db: &DatabaseConnection,
    f: &Filtro,
    vis: &Visibilita,
) -> AppResult<(i64, i64)> {
    let r: Option<(Option<i64>, Option<i64>)> = seleziona(f, vis)
        .select_only()
        .column_as(
            Expr::col(progetto::Column::BudgetTotale)
                .sum()
                .cast_as("bigint"),
            "b",
        )
        .column_as(
            Expr::col(progetto::Column::QuotaAssociazione)
                .sum()
                .cast_as("bigint"),
            "q",
        )
        .into_tuple()
        .one(db)
        .await?;
    let (b, q) = r.unwrap_or_default();
    Ok((b.unwrap_or(0), q.unwrap_or(0)))
}

/// A project with what its export line needs: responsible person and comuni (ISTAT codes).
#[derive(Debug, Clone)]
pub struct Completo {
    pub p: progetto::Model,
    pub programma: programma::Model,
    pub responsabile: Option<String>,
    pub comuni: Vec<i64>,
}

/// Every project matching the filter, for the exports.
pub async fn completi(
    db: &DatabaseConnection,
    f: &Filtro,
    vis: &Visibilita,
) -> AppResult<Vec<Completo>> {
    let progetti = seleziona(f, vis)
        .order_by_asc(progetto::Column::Codice)
        .all(db)
        .await?;
    let programmi: HashMap<i64, programma::Model> = programmi(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let ids: Vec<i64> = progetti.iter().map(|p| p.id).collect();
    let mut comuni: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in ids.chunks(900) {
        for c in progetto_comune::Entity::find()
            .filter(progetto_comune::Column::ProgettoId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            comuni.entry(c.progetto_id).or_default().push(c.comune_id);
        }
    }
    let resp_ids: HashSet<i64> = progetti.iter().filter_map(|p| p.responsabile_id).collect();
    let persone = nomi_persone(db, resp_ids.into_iter().collect()).await?;
    Ok(progetti
        .into_iter()
        .filter_map(|p| {
            Some(Completo {
                programma: programmi.get(&p.programma_id)?.clone(),
                responsabile: p.responsabile_id.and_then(|id| persone.get(&id).cloned()),
                comuni: comuni.remove(&p.id).unwrap_or_default(),
                p,
            })
        })
        .collect())
}

/// "Nome Cognome" of people by id.
pub async fn nomi_persone(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> AppResult<HashMap<i64, String>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(900) {
        for p in persona::Entity::find()
            .filter(persona::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            out.insert(p.id, format!("{} {}", p.nome, p.cognome));
        }
    }
    Ok(out)
}

pub async fn per_public_id(db: &DatabaseConnection, public_id: &str) -> AppResult<progetto::Model> {
    progetto::Entity::find()
        .filter(progetto::Column::PublicId.eq(public_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Whether `vis` may see the project.
pub async fn visibile(
    db: &DatabaseConnection,
    p: &progetto::Model,
    vis: &Visibilita,
) -> AppResult<bool> {
    Ok(match vis {
        Visibilita::Tutti => true,
        Visibilita::Comuni(ids) => {
            progetto_comune::Entity::find()
                .filter(progetto_comune::Column::ProgettoId.eq(p.id))
                .filter(progetto_comune::Column::ComuneId.is_in(ids.clone()))
                .count(db)
                .await?
                > 0
        }
    })
}

/// Everything the project page shows.
pub struct Scheda {
    pub responsabile: Option<persona::Model>,
    pub staff: Vec<(progetto_staff::Model, persona::Model)>,
    pub partner: Vec<(progetto_partner::Model, organizzazione::Model)>,
    pub comuni: Vec<progetto_comune::Model>,
    pub wp: Vec<progetto_wp::Model>,
    pub scadenze: Vec<progetto_scadenza::Model>,
    pub periodi: Vec<progetto_periodo::Model>,
    pub continuita: Vec<(progetto_continuita::Model, Option<String>)>,
    pub proposte: Vec<(proposta::Model, bando::Model)>,
}

pub async fn scheda(db: &DatabaseConnection, p: &progetto::Model) -> AppResult<Scheda> {
    let responsabile = match p.responsabile_id {
        Some(id) => persona::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let staff_rows = progetto_staff::Entity::find()
        .filter(progetto_staff::Column::ProgettoId.eq(p.id))
        .order_by_asc(progetto_staff::Column::Id)
        .all(db)
        .await?;
    let persone: HashMap<i64, persona::Model> = persona::Entity::find()
        .filter(
            persona::Column::Id.is_in(staff_rows.iter().map(|s| s.persona_id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|x| (x.id, x))
        .collect();
    let staff = staff_rows
        .into_iter()
        .filter_map(|s| persone.get(&s.persona_id).cloned().map(|x| (s, x)))
        .collect();
    let partner_rows = progetto_partner::Entity::find()
        .filter(progetto_partner::Column::ProgettoId.eq(p.id))
        .order_by_asc(progetto_partner::Column::Id)
        .all(db)
        .await?;
    let org: HashMap<i64, organizzazione::Model> = organizzazione::Entity::find()
        .filter(
            organizzazione::Column::Id.is_in(
                partner_rows
                    .iter()
                    .map(|s| s.organizzazione_id)
                    .collect::<Vec<_>>(),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|x| (x.id, x))
        .collect();
    let partner = partner_rows
        .into_iter()
        .filter_map(|s| org.get(&s.organizzazione_id).cloned().map(|o| (s, o)))
        .collect();
    let comuni = progetto_comune::Entity::find()
        .filter(progetto_comune::Column::ProgettoId.eq(p.id))
        .all(db)
        .await?;
    let wp = progetto_wp::Entity::find()
        .filter(progetto_wp::Column::ProgettoId.eq(p.id))
        .order_by_asc(progetto_wp::Column::Numero)
        .all(db)
        .await?;
    let scadenze = progetto_scadenza::Entity::find()
        .filter(progetto_scadenza::Column::ProgettoId.eq(p.id))
        .order_by_asc(progetto_scadenza::Column::Scadenza)
        .order_by_asc(progetto_scadenza::Column::Codice)
        .all(db)
        .await?;
    let periodi = progetto_periodo::Entity::find()
        .filter(progetto_periodo::Column::ProgettoId.eq(p.id))
        .order_by_asc(progetto_periodo::Column::Numero)
        .all(db)
        .await?;
    let cont_rows = progetto_continuita::Entity::find()
        .filter(progetto_continuita::Column::ProgettoId.eq(p.id))
        .order_by_asc(progetto_continuita::Column::Data)
        .all(db)
        .await?;
    let nomi = nomi_persone(
        db,
        cont_rows.iter().filter_map(|c| c.responsabile_id).collect(),
    )
    .await?;
    let continuita = cont_rows
        .into_iter()
        .map(|c| {
            let n = c.responsabile_id.and_then(|id| nomi.get(&id).cloned());
            (c, n)
        })
        .collect();
    let proposte_rows = proposta::Entity::find()
        .filter(proposta::Column::ProgettoId.eq(p.id))
        .all(db)
        .await?;
    let bandi: HashMap<i64, bando::Model> = bando::Entity::find()
        .filter(
            bando::Column::Id.is_in(proposte_rows.iter().map(|x| x.bando_id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let proposte = proposte_rows
        .into_iter()
        .filter_map(|x| bandi.get(&x.bando_id).cloned().map(|b| (x, b)))
        .collect();
    Ok(Scheda {
        responsabile,
        staff,
        partner,
        comuni,
        wp,
        scadenze,
        periodi,
        continuita,
        proposte,
    })
}

async fn codice_libero(
    txn: &impl ConnectionTrait,
    codice: &str,
    tranne: Option<i64>,
) -> AppResult<()> {
    let mut s = progetto::Entity::find().filter(progetto::Column::Codice.eq(codice));
    if let Some(id) = tranne {
        s = s.filter(progetto::Column::Id.ne(id));
    }
    if s.count(txn).await? > 0 {
        return Err(AppError::Conflict(format!(
            "Esiste già un progetto con il codice «{codice}»."
        )));
    }
    Ok(())
}

fn applica(am: &mut progetto::ActiveModel, d: &DatiProgetto) {
    am.codice = Set(d.codice.clone());
    am.acronimo = Set(d.acronimo.clone());
    am.titolo_norm = Set(normalize(&d.titolo));
    am.titolo = Set(d.titolo.clone());
    am.descrizione = Set(d.descrizione.clone());
    am.tipo = Set(d.tipo.clone());
    am.programma_id = Set(d.programma_id);
    am.bando_rif = Set(d.bando_rif.clone());
    am.ruolo = Set(d.ruolo.clone());
    am.data_inizio = Set(d.data_inizio);
    am.data_fine = Set(d.data_fine);
    am.stato = Set(d.stato.clone());
    am.budget_totale = Set(d.budget_totale);
    am.quota_associazione = Set(d.quota_associazione);
    am.cofinanziamento_bp = Set(d.cofinanziamento_bp);
    am.dipende_regione = Set(d.dipende_regione);
    am.responsabile_id = Set(d.responsabile_id);
    am.updated_at = Set(Utc::now());
}

/// Creates a project on `txn` (the caller commits), with its audit row.
pub async fn crea_in(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    d: &DatiProgetto,
) -> AppResult<progetto::Model> {
    codice_libero(txn, &d.codice, None).await?;
    let mut am = progetto::ActiveModel {
        public_id: Set(piazza_db::new_public_id()),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    applica(&mut am, d);
    let p = am.insert(txn).await?;
    audit::record_change(
        txn,
        actor,
        "crea",
        "progetto",
        &p.public_id,
        None::<&progetto::Model>,
        Some(&p),
    )
    .await?;
    Ok(p)
}

/// Changes a project on `txn`; nothing is written (nor audited) when nothing changed.
pub async fn aggiorna_in(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    prima: progetto::Model,
    d: &DatiProgetto,
) -> AppResult<progetto::Model> {
    codice_libero(txn, &d.codice, Some(prima.id)).await?;
    let mut am = prima.clone().into_active_model();
    applica(&mut am, d);
    am.updated_at = Set(prima.updated_at);
    // `Set` marks a field changed even with the same value: compare the records instead.
    if am.clone().try_into_model()? == prima {
        return Ok(prima);
    }
    am.updated_at = Set(Utc::now());
    let dopo = am.update(txn).await?;
    audit::record_change(
        txn,
        actor,
        "modifica",
        "progetto",
        &dopo.public_id,
        Some(&prima),
        Some(&dopo),
    )
    .await?;
    Ok(dopo)
}

/// Creates a project; made from an approved proposal, the proposal points to it (same
/// transaction).
pub async fn crea(
    db: &DatabaseConnection,
    actor: &Actor,
    d: &DatiProgetto,
    da_proposta: Option<i64>,
) -> AppResult<progetto::Model> {
    let txn = db.begin().await?;
    let p = crea_in(&txn, actor, d).await?;
    if let Some(id) = da_proposta {
        let prima = proposta::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::BadRequest("Proposta non trovata.".into()))?;
        if prima.progetto_id.is_some() {
            return Err(AppError::Conflict(
                "Da questa proposta è già stato creato un progetto.".into(),
            ));
        }
        let mut am = prima.clone().into_active_model();
        am.progetto_id = Set(Some(p.id));
        let dopo = am.update(&txn).await?;
        audit::record_change(
            &txn,
            actor,
            "progetto",
            "proposta",
            &id.to_string(),
            Some(&prima),
            Some(&dopo),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(p)
}

/// A proposal with its call.
pub async fn proposta(
    db: &DatabaseConnection,
    id: i64,
) -> AppResult<(proposta::Model, bando::Model)> {
    let p = proposta::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let b = bando::Entity::find_by_id(p.bando_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((p, b))
}

pub async fn aggiorna(
    db: &DatabaseConnection,
    actor: &Actor,
    prima: progetto::Model,
    d: &DatiProgetto,
) -> AppResult<progetto::Model> {
    let txn = db.begin().await?;
    let p = aggiorna_in(&txn, actor, prima, d).await?;
    txn.commit().await?;
    Ok(p)
}

pub async fn elimina(db: &DatabaseConnection, actor: &Actor, p: progetto::Model) -> AppResult<()> {
    let txn = db.begin().await?;
    crate::piano::store::scollega_tutto(&txn, "progetto", &p.public_id).await?;
    audit::delete(&txn, actor, "progetto", &p.public_id.clone(), p).await?;
    txn.commit().await?;
    Ok(())
}

/// A part of a project added from its page, validated.
#[derive(Debug, Clone)]
pub enum NuovaParte {
    Comune {
        comune_id: i64,
    },
    Staff {
        persona_id: i64,
        ruolo: Option<String>,
        mesi_persona: f64,
    },
    Partner {
        organizzazione_id: i64,
        paese: String,
        ruolo: String,
        quota: i64,
    },
    Wp {
        titolo: String,
        inizio: Option<NaiveDate>,
        fine: Option<NaiveDate>,
    },
    Scadenza {
        tipo: String,
        codice: String,
        titolo: String,
        scadenza: NaiveDate,
        wp_id: Option<i64>,
    },
    Periodo {
        dal: NaiveDate,
        al: NaiveDate,
        scadenza: NaiveDate,
        richiesto: Option<i64>,
    },
    Continuita {
        azione: String,
        responsabile_id: Option<i64>,
        data: NaiveDate,
    },
}

/// The kinds of part, as they appear in URLs (`/progetti/{id}/{parte}`).
pub const PARTI: &[&str] = &[
    "comuni",
    "staff",
    "partner",
    "wp",
    "scadenze",
    "periodi",
    "continuita",
];

/// The part `$id` of table `$ent` that belongs to project `$p` (404 otherwise).
macro_rules! parte_di {
    ($ent:ident, $id:expr, $p:expr, $conn:expr) => {
        $ent::Entity::find_by_id($id)
            .one($conn)
            .await?
            .filter(|m| m.progetto_id == $p.id)
            .ok_or(AppError::NotFound)?
    };
}

/// Adds a part to a project, with its audit row (as a change of the project).
pub async fn aggiungi_parte(
    db: &DatabaseConnection,
    actor: &Actor,
    p: &progetto::Model,
    parte: NuovaParte,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let conflitto = |m: &str| AppError::Conflict(m.to_owned());
    // The next number of a numbered part (work package, reporting period): after the highest,
    // so that a deleted one never makes two parts share a number.
    macro_rules! prossimo {
        ($ent:ident) => {
            $ent::Entity::find()
                .select_only()
                .column_as($ent::Column::Numero.max(), "n")
                .filter($ent::Column::ProgettoId.eq(p.id))
                .into_tuple::<Option<i32>>()
                .one(&txn)
                .await?
                .flatten()
                .unwrap_or(0)
                + 1
        };
    }
    // A comune, person or organisation appears once per project.
    macro_rules! una_volta {
        ($ent:ident, $col:ident, $val:expr, $msg:literal) => {
            if $ent::Entity::find()
                .filter($ent::Column::ProgettoId.eq(p.id))
                .filter($ent::Column::$col.eq($val))
                .count(&txn)
                .await?
                > 0
            {
                return Err(conflitto($msg));
            }
        };
    }
    let (azione, dopo) = match parte {
        NuovaParte::Comune { comune_id } => {
            una_volta!(
                progetto_comune,
                ComuneId,
                comune_id,
                "Il comune è già tra i beneficiari."
            );
            let m = progetto_comune::ActiveModel {
                progetto_id: Set(p.id),
                comune_id: Set(comune_id),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            ("aggiungi_comune", json!(m))
        }
        NuovaParte::Staff {
            persona_id,
            ruolo,
            mesi_persona,
        } => {
            una_volta!(
                progetto_staff,
                PersonaId,
                persona_id,
                "La persona è già nel gruppo di lavoro."
            );
            let m = progetto_staff::ActiveModel {
                progetto_id: Set(p.id),
                persona_id: Set(persona_id),
                ruolo: Set(ruolo),
                mesi_persona: Set(mesi_persona),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            ("aggiungi_staff", json!(m))
        }
        NuovaParte::Partner {
            organizzazione_id,
            paese,
            ruolo,
            quota,
        } => {
            una_volta!(
                progetto_partner,
                OrganizzazioneId,
                organizzazione_id,
                "L'organizzazione è già tra i partner."
            );
            let m = progetto_partner::ActiveModel {
                progetto_id: Set(p.id),
                organizzazione_id: Set(organizzazione_id),
                paese: Set(paese),
                ruolo: Set(ruolo),
                quota: Set(quota),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            ("aggiungi_partner", json!(m))
        }
        NuovaParte::Wp {
            titolo,
            inizio,
            fine,
        } => {
            let numero = prossimo!(progetto_wp);
            let m = progetto_wp::ActiveModel {
                progetto_id: Set(p.id),
                numero: Set(numero),
                titolo: Set(titolo),
                data_inizio: Set(inizio),
                data_fine: Set(fine),
                stato: Set("da_avviare".into()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            ("aggiungi_wp", json!(m))
        }
        NuovaParte::Scadenza {
            tipo,
            codice,
            titolo,
            scadenza,
            wp_id,
        } => {
            if let Some(w) = wp_id {
                let ok = progetto_wp::Entity::find_by_id(w)
                    .one(&txn)
                    .await?
                    .is_some_and(|x| x.progetto_id == p.id);
                if !ok {
                    return Err(AppError::BadRequest("Work package non valido.".into()));
                }
            }
            let m = progetto_scadenza::ActiveModel {
                progetto_id: Set(p.id),
                wp_id: Set(wp_id),
                tipo: Set(tipo),
                codice: Set(codice),
                titolo: Set(titolo),
                scadenza: Set(scadenza),
                stato: Set("prevista".into()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            ("aggiungi_scadenza", json!(m))
        }
        NuovaParte::Periodo {
            dal,
            al,
            scadenza,
            richiesto,
        } => {
            let numero = prossimo!(progetto_periodo);
            let m = progetto_periodo::ActiveModel {
                progetto_id: Set(p.id),
                numero: Set(numero),
                dal: Set(dal),
                al: Set(al),
                scadenza: Set(scadenza),
                richiesto: Set(richiesto),
                stato: Set("da_presentare".into()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            ("aggiungi_periodo", json!(m))
        }
        NuovaParte::Continuita {
            azione,
            responsabile_id,
            data,
        } => {
            let m = progetto_continuita::ActiveModel {
                progetto_id: Set(p.id),
                azione: Set(azione),
                responsabile_id: Set(responsabile_id),
                data: Set(data),
                fatta: Set(false),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            ("aggiungi_continuita", json!(m))
        }
    };
    audit::record(
        &txn,
        actor,
        azione,
        "progetto",
        &p.public_id,
        None,
        Some(dopo),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Removes a part of a project (it must belong to it).
pub async fn elimina_parte(
    db: &DatabaseConnection,
    actor: &Actor,
    p: &progetto::Model,
    parte: &str,
    id: i64,
) -> AppResult<()> {
    let txn = db.begin().await?;
    macro_rules! togli {
        ($ent:ident) => {{
            let m = parte_di!($ent, id, p, &txn);
            let prima = json!(m);
            m.delete(&txn).await?;
            prima
        }};
    }
    let prima = match parte {
        "comuni" => togli!(progetto_comune),
        "staff" => togli!(progetto_staff),
        "partner" => togli!(progetto_partner),
        "wp" => togli!(progetto_wp),
        "scadenze" => togli!(progetto_scadenza),
        "periodi" => togli!(progetto_periodo),
        "continuita" => togli!(progetto_continuita),
        _ => return Err(AppError::NotFound),
    };
    audit::record(
        &txn,
        actor,
        &format!("elimina_{parte}"),
        "progetto",
        &p.public_id,
        Some(prima),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A change of state of a milestone/deliverable, work package, reporting period (with amounts)
/// or continuity action.
#[derive(Debug, Clone)]
pub enum Avanzamento {
    Scadenza {
        stato: String,
        completata_il: Option<NaiveDate>,
    },
    Wp {
        stato: String,
    },
    Periodo {
        stato: String,
        richiesto: Option<i64>,
        ricevuto: Option<i64>,
    },
    Continuita {
        fatta: bool,
    },
}

pub async fn avanza(
    db: &DatabaseConnection,
    actor: &Actor,
    p: &progetto::Model,
    id: i64,
    a: Avanzamento,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let (prima, dopo) = match a {
        Avanzamento::Scadenza {
            stato,
            completata_il,
        } => {
            let m = parte_di!(progetto_scadenza, id, p, &txn);
            let mut am = m.clone().into_active_model();
            am.stato = Set(stato);
            am.completata_il = Set(completata_il);
            (json!(m), json!(am.update(&txn).await?))
        }
        Avanzamento::Wp { stato } => {
            let m = parte_di!(progetto_wp, id, p, &txn);
            let mut am = m.clone().into_active_model();
            am.stato = Set(stato);
            (json!(m), json!(am.update(&txn).await?))
        }
        Avanzamento::Periodo {
            stato,
            richiesto,
            ricevuto,
        } => {
            let m = parte_di!(progetto_periodo, id, p, &txn);
            let mut am = m.clone().into_active_model();
            am.stato = Set(stato);
            am.richiesto = Set(richiesto);
            am.ricevuto = Set(ricevuto);
            (json!(m), json!(am.update(&txn).await?))
        }
        Avanzamento::Continuita { fatta } => {
            let m = parte_di!(progetto_continuita, id, p, &txn);
            let mut am = m.clone().into_active_model();
            am.fatta = Set(fatta);
            (json!(m), json!(am.update(&txn).await?))
        }
    };
    audit::record(
        &txn,
        actor,
        "avanzamento",
        "progetto",
        &p.public_id,
        Some(prima),
        Some(dopo),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A project of the timeline with its marks inside the year.
pub struct RigaGantt {
    pub r: Riga,
    pub scadenze: Vec<progetto_scadenza::Model>,
    pub periodi: Vec<progetto_periodo::Model>,
}

/// A page of the year's timeline (projects active in the year — `f.anno` — by start).
pub async fn gantt(
    db: &DatabaseConnection,
    ctx: &Contesto,
    anno: i32,
    f: &Filtro,
    vis: &Visibilita,
    offset: u64,
    limit: u64,
) -> AppResult<Vec<RigaGantt>> {
    let progetti = seleziona(f, vis)
        .order_by_asc(progetto::Column::DataInizio)
        .order_by_asc(progetto::Column::Codice)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<i64> = progetti.iter().map(|p| p.id).collect();
    let inizio = NaiveDate::from_ymd_opt(anno, 1, 1).expect("day");
    let fine = NaiveDate::from_ymd_opt(anno, 12, 31).expect("day");
    let mut scadenze: HashMap<i64, Vec<progetto_scadenza::Model>> = HashMap::new();
    for s in progetto_scadenza::Entity::find()
        .filter(progetto_scadenza::Column::ProgettoId.is_in(ids.clone()))
        .filter(progetto_scadenza::Column::Scadenza.between(inizio, fine))
        .order_by_asc(progetto_scadenza::Column::Scadenza)
        .all(db)
        .await?
    {
        scadenze.entry(s.progetto_id).or_default().push(s);
    }
    let mut periodi: HashMap<i64, Vec<progetto_periodo::Model>> = HashMap::new();
    for s in progetto_periodo::Entity::find()
        .filter(progetto_periodo::Column::ProgettoId.is_in(ids))
        .filter(progetto_periodo::Column::Scadenza.between(inizio, fine))
        .all(db)
        .await?
    {
        periodi.entry(s.progetto_id).or_default().push(s);
    }
    Ok(progetti
        .into_iter()
        .map(|p| RigaGantt {
            scadenze: scadenze.remove(&p.id).unwrap_or_default(),
            periodi: periodi.remove(&p.id).unwrap_or_default(),
            r: ctx.riga(p),
        })
        .collect())
}

/// A deadline of the office: a milestone, deliverable, report or call, with its project.
#[derive(Debug, Clone)]
pub struct Scadenza {
    pub data: NaiveDate,
    pub categoria: &'static str,
    pub titolo: String,
    pub progetto: Option<(String, String)>,
    pub uid: String,
    pub fatta: bool,
}

/// The deadlines of the projects `vis` may see (of one project when `solo` is given), and the
/// calls' deadlines for the whole office; between `dal` and `al` when given.
pub async fn scadenze(
    db: &DatabaseConnection,
    vis: &Visibilita,
    solo: Option<&progetto::Model>,
    dal: Option<NaiveDate>,
    al: Option<NaiveDate>,
) -> AppResult<Vec<Scadenza>> {
    let progetti: Vec<progetto::Model> = match solo {
        Some(p) => vec![p.clone()],
        None => seleziona(&Filtro::default(), vis).all(db).await?,
    };
    let per_id: HashMap<i64, &progetto::Model> = progetti.iter().map(|p| (p.id, p)).collect();
    let tutti = solo.is_none() && *vis == Visibilita::Tutti;
    let mut out = Vec::new();
    let nel = |d: NaiveDate| dal.is_none_or(|x| d >= x) && al.is_none_or(|x| d <= x);
    let mut q = progetto_scadenza::Entity::find();
    if !tutti {
        q = q.filter(
            progetto_scadenza::Column::ProgettoId.is_in(per_id.keys().copied().collect::<Vec<_>>()),
        );
    }
    if let Some(d) = dal {
        q = q.filter(progetto_scadenza::Column::Scadenza.gte(d));
    }
    if let Some(d) = al {
        q = q.filter(progetto_scadenza::Column::Scadenza.lte(d));
    }
    for s in q.all(db).await? {
        let Some(p) = per_id.get(&s.progetto_id) else {
            continue;
        };
        out.push(Scadenza {
            data: s.scadenza,
            categoria: if s.tipo == "milestone" {
                "Milestone"
            } else {
                "Deliverable"
            },
            titolo: format!("{} {} {}", p.acronimo, s.codice, s.titolo),
            progetto: Some((p.public_id.clone(), p.acronimo.clone())),
            uid: format!("scadenza-{}@piazza", s.id),
            fatta: s.stato != "prevista",
        });
    }
    let mut q = progetto_periodo::Entity::find();
    if !tutti {
        q = q.filter(
            progetto_periodo::Column::ProgettoId.is_in(per_id.keys().copied().collect::<Vec<_>>()),
        );
    }
    if let Some(d) = dal {
        q = q.filter(progetto_periodo::Column::Scadenza.gte(d));
    }
    if let Some(d) = al {
        q = q.filter(progetto_periodo::Column::Scadenza.lte(d));
    }
    for s in q.all(db).await? {
        let Some(p) = per_id.get(&s.progetto_id) else {
            continue;
        };
        out.push(Scadenza {
            data: s.scadenza,
            categoria: "Rendicontazione",
            titolo: format!(
                "{}: rendicontazione periodo {} ({} – {})",
                p.acronimo,
                s.numero,
                crate::fmt::date(s.dal),
                crate::fmt::date(s.al)
            ),
            progetto: Some((p.public_id.clone(), p.acronimo.clone())),
            uid: format!("periodo-{}@piazza", s.id),
            fatta: s.stato != "da_presentare",
        });
    }
    for p in &progetti {
        if let Some(d) = p.data_fine.filter(|d| nel(*d))
            && model::STATI_VIVI.contains(&p.stato.as_str())
        {
            out.push(Scadenza {
                data: d,
                categoria: "Fine progetto",
                titolo: format!("{}: fine del progetto", p.acronimo),
                progetto: Some((p.public_id.clone(), p.acronimo.clone())),
                uid: format!("fine-{}@piazza", p.public_id),
                fatta: false,
            });
        }
    }
    if solo.is_none() && tutti {
        for b in bando::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .filter(|b| nel(b.scadenza))
        {
            out.push(Scadenza {
                data: b.scadenza,
                categoria: "Bando",
                titolo: format!("Scadenza bando: {}", b.titolo),
                progetto: None,
                uid: format!("bando-{}@piazza", b.id),
                fatta: false,
            });
        }
    }
    out.sort_by(|a, b| a.data.cmp(&b.data).then_with(|| a.titolo.cmp(&b.titolo)));
    Ok(out)
}

/// A project at risk in the report, with what is at stake.
pub struct ARischio {
    pub r: Riga,
    pub comuni: Vec<i64>,
    pub staff: Vec<(String, f64)>,
    pub continuita: Vec<(progetto_continuita::Model, Option<String>)>,
}

/// Every project the change of legislature puts at risk.
pub async fn a_rischio(
    db: &DatabaseConnection,
    ctx: &Contesto,
    vis: &Visibilita,
) -> AppResult<Vec<ARischio>> {
    let vivi = seleziona(&Filtro::default(), vis)
        .filter(progetto::Column::Stato.is_in(model::STATI_VIVI.iter().copied()))
        .order_by_asc(progetto::Column::DataFine)
        .all(db)
        .await?;
    let righe: Vec<Riga> = vivi
        .into_iter()
        .map(|p| ctx.riga(p))
        .filter(|r| !r.rischio.is_empty())
        .collect();
    let ids: Vec<i64> = righe.iter().map(|r| r.p.id).collect();
    let mut comuni: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut staff: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
    let mut cont: HashMap<i64, Vec<progetto_continuita::Model>> = HashMap::new();
    for chunk in ids.chunks(900) {
        for c in progetto_comune::Entity::find()
            .filter(progetto_comune::Column::ProgettoId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            comuni.entry(c.progetto_id).or_default().push(c.comune_id);
        }
        for s in progetto_staff::Entity::find()
            .filter(progetto_staff::Column::ProgettoId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            staff
                .entry(s.progetto_id)
                .or_default()
                .push((s.persona_id, s.mesi_persona));
        }
        for c in progetto_continuita::Entity::find()
            .filter(progetto_continuita::Column::ProgettoId.is_in(chunk.to_vec()))
            .order_by_asc(progetto_continuita::Column::Data)
            .all(db)
            .await?
        {
            cont.entry(c.progetto_id).or_default().push(c);
        }
    }
    let mut persone_ids: Vec<i64> = staff.values().flatten().map(|s| s.0).collect();
    persone_ids.extend(cont.values().flatten().filter_map(|c| c.responsabile_id));
    persone_ids.sort_unstable();
    persone_ids.dedup();
    let nomi = nomi_persone(db, persone_ids).await?;
    Ok(righe
        .into_iter()
        .map(|r| {
            let id = r.p.id;
            ARischio {
                comuni: comuni.remove(&id).unwrap_or_default(),
                staff: staff
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(pid, m)| (nomi.get(&pid).cloned().unwrap_or_default(), m))
                    .collect(),
                continuita: cont
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| {
                        let n = c.responsabile_id.and_then(|x| nomi.get(&x).cloned());
                        (c, n)
                    })
                    .collect(),
                r,
            }
        })
        .collect())
}

/// The association's share of the funded projects by programme and year (split by days).
pub async fn budget(
    db: &DatabaseConnection,
    vis: &Visibilita,
) -> AppResult<(Vec<i32>, Vec<(programma::Model, HashMap<i32, i64>, i64)>)> {
    let progetti = seleziona(&Filtro::default(), vis)
        .filter(progetto::Column::Stato.is_in(model::STATI_FINANZIATI.iter().copied()))
        .all(db)
        .await?;
    let mut per: HashMap<i64, HashMap<i32, i64>> = HashMap::new();
    let mut anni: Vec<i32> = Vec::new();
    for p in progetti {
        let parti = match (p.data_inizio, p.data_fine) {
            (Some(i), Some(f)) => model::ripartisci_per_anno(p.quota_associazione, i, f),
            (Some(i), None) => vec![(i.year(), p.quota_associazione)],
            _ => continue,
        };
        let m = per.entry(p.programma_id).or_default();
        for (a, c) in parti {
            *m.entry(a).or_default() += c;
            anni.push(a);
        }
    }
    anni.sort_unstable();
    anni.dedup();
    let mut out: Vec<_> = programmi(db)
        .await?
        .into_iter()
        .filter_map(|g| {
            let m = per.remove(&g.id)?;
            let tot: i64 = m.values().sum();
            Some((g, m, tot))
        })
        .collect();
    out.sort_by_key(|x| std::cmp::Reverse(x.2));
    Ok((anni, out))
}

/// How many projects each programme has (programme id → count).
pub async fn per_programma(db: &DatabaseConnection) -> AppResult<HashMap<i64, u64>> {
    Ok(progetto::Entity::find()
        .select_only()
        .column(progetto::Column::ProgrammaId)
        .column_as(progetto::Column::Id.count(), "n")
        .group_by(progetto::Column::ProgrammaId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(g, n)| (g, n as u64))
        .collect())
}

/// How many projects `vis` may see per comune (ISTAT id → count).
pub async fn per_comune(db: &DatabaseConnection, vis: &Visibilita) -> AppResult<HashMap<i64, i64>> {
    let mut s = progetto_comune::Entity::find()
        .select_only()
        .column(progetto_comune::Column::ComuneId)
        .column_as(progetto_comune::Column::Id.count(), "n")
        .group_by(progetto_comune::Column::ComuneId);
    if let Visibilita::Comuni(ids) = vis {
        s = s.filter(progetto_comune::Column::ComuneId.is_in(ids.clone()));
    }
    Ok(s.into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The projects matching `f` that `vis` may see, newest first: the lists on the pages of a
/// comune, a person, an organisation.
pub async fn tutti(
    db: &DatabaseConnection,
    f: &Filtro,
    vis: &Visibilita,
) -> AppResult<Vec<progetto::Model>> {
    Ok(seleziona(f, vis)
        .order_by_desc(progetto::Column::DataInizio)
        .all(db)
        .await?)
}

// ---- calls and proposals ----

pub async fn bandi(
    db: &DatabaseConnection,
) -> AppResult<Vec<(bando::Model, Vec<proposta::Model>)>> {
    let bandi = bando::Entity::find()
        .order_by_desc(bando::Column::Scadenza)
        .all(db)
        .await?;
    let mut proposte: HashMap<i64, Vec<proposta::Model>> = HashMap::new();
    for p in proposta::Entity::find()
        .order_by_asc(proposta::Column::Id)
        .all(db)
        .await?
    {
        proposte.entry(p.bando_id).or_default().push(p);
    }
    Ok(bandi
        .into_iter()
        .map(|b| {
            let p = proposte.remove(&b.id).unwrap_or_default();
            (b, p)
        })
        .collect())
}

#[derive(Debug, Clone)]
pub struct NuovoBando {
    pub programma_id: i64,
    pub titolo: String,
    pub riferimento: Option<String>,
    pub scadenza: NaiveDate,
    pub url: Option<String>,
}

pub async fn aggiungi_bando(
    db: &DatabaseConnection,
    actor: &Actor,
    n: NuovoBando,
) -> AppResult<bando::Model> {
    let txn = db.begin().await?;
    let b = bando::ActiveModel {
        programma_id: Set(n.programma_id),
        titolo: Set(n.titolo),
        riferimento: Set(n.riferimento),
        scadenza: Set(n.scadenza),
        url: Set(n.url),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record_change(
        &txn,
        actor,
        "crea",
        "bando",
        &b.id.to_string(),
        None::<&bando::Model>,
        Some(&b),
    )
    .await?;
    txn.commit().await?;
    Ok(b)
}

#[derive(Debug, Clone)]
pub struct NuovaProposta {
    pub titolo: String,
    pub ruolo: String,
    pub budget: i64,
    pub esito: String,
}

pub async fn aggiungi_proposta(
    db: &DatabaseConnection,
    actor: &Actor,
    bando_id: i64,
    n: NuovaProposta,
) -> AppResult<proposta::Model> {
    let txn = db.begin().await?;
    bando::Entity::find_by_id(bando_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = proposta::ActiveModel {
        bando_id: Set(bando_id),
        titolo: Set(n.titolo),
        ruolo: Set(n.ruolo),
        budget: Set(n.budget),
        esito: Set(n.esito),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record_change(
        &txn,
        actor,
        "crea",
        "proposta",
        &p.id.to_string(),
        None::<&proposta::Model>,
        Some(&p),
    )
    .await?;
    txn.commit().await?;
    Ok(p)
}

/// Records the outcome of a proposal; an approved one may point to its project.
pub async fn esito_proposta(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    esito: &str,
    data: Option<NaiveDate>,
    progetto_id: Option<i64>,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let prima = proposta::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut am = prima.clone().into_active_model();
    am.esito = Set(esito.to_owned());
    am.data_esito = Set(data);
    if progetto_id.is_some() {
        am.progetto_id = Set(progetto_id);
    }
    let dopo = am.update(&txn).await?;
    audit::record_change(
        &txn,
        actor,
        "esito",
        "proposta",
        &id.to_string(),
        Some(&prima),
        Some(&dopo),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The success rate per programme (code) and year of the call's deadline.
pub async fn successo(
    db: &DatabaseConnection,
) -> AppResult<std::collections::BTreeMap<(String, i32), model::Successo>> {
    let bandi: HashMap<i64, bando::Model> = bando::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let programmi: HashMap<i64, programma::Model> = programmi(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let proposte = proposta::Entity::find().all(db).await?;
    let righe: Vec<(String, i32, String)> = proposte
        .into_iter()
        .filter_map(|p| {
            let b = bandi.get(&p.bando_id)?;
            let g = programmi.get(&b.programma_id)?;
            Some((g.nome.clone(), b.scadenza.year(), p.esito))
        })
        .collect();
    Ok(model::tassi_successo(
        righe.iter().map(|(g, a, e)| (g.as_str(), *a, e.as_str())),
    ))
}

// ---- programme catalogue ----

pub async fn aggiungi_programma(
    db: &DatabaseConnection,
    actor: &Actor,
    codice: &str,
    nome: &str,
    tipo: &str,
    fondo: Option<String>,
    rinnovo_regionale: bool,
) -> AppResult<programma::Model> {
    let txn = db.begin().await?;
    if programma::Entity::find()
        .filter(programma::Column::Codice.eq(codice))
        .count(&txn)
        .await?
        > 0
    {
        return Err(AppError::Conflict(format!(
            "Esiste già un programma con il codice «{codice}»."
        )));
    }
    let g = programma::ActiveModel {
        codice: Set(codice.to_owned()),
        nome: Set(nome.to_owned()),
        tipo: Set(tipo.to_owned()),
        fondo: Set(fondo),
        rinnovo_regionale: Set(rinnovo_regionale),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record_change(
        &txn,
        actor,
        "crea",
        "programma",
        codice,
        None::<&programma::Model>,
        Some(&g),
    )
    .await?;
    txn.commit().await?;
    Ok(g)
}

// ---- calendar feed tokens ----

/// The secret of a user's calendar URL, made on first use.
pub async fn token_calendario(db: &DatabaseConnection, utente_id: i64) -> AppResult<String> {
    if let Some(t) = token_calendario::Entity::find()
        .filter(token_calendario::Column::UtenteId.eq(utente_id))
        .one(db)
        .await?
    {
        return Ok(t.token);
    }
    let token = format!(
        "{}{}",
        piazza_db::new_public_id(),
        piazza_db::new_public_id()
    );
    token_calendario::ActiveModel {
        utente_id: Set(utente_id),
        token: Set(token.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

pub async fn utente_del_token(db: &DatabaseConnection, token: &str) -> AppResult<Option<i64>> {
    Ok(token_calendario::Entity::find()
        .filter(token_calendario::Column::Token.eq(token))
        .one(db)
        .await?
        .map(|t| t.utente_id))
}

// ---- import ----

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EsitoImport {
    pub creati: usize,
    pub modificati: usize,
    pub invariati: usize,
}

/// Applies validated rows in one transaction: a row whose code exists changes that project
/// (audited only when something changed), any other row creates one. The comuni of a project
/// become those of its row.
pub async fn importa(
    db: &DatabaseConnection,
    actor: &Actor,
    righe: &[super::import::RigaValida],
) -> AppResult<EsitoImport> {
    let txn = db.begin().await?;
    let mut esito = EsitoImport::default();
    for r in righe {
        let esistente = progetto::Entity::find()
            .filter(progetto::Column::Codice.eq(r.dati.codice.as_str()))
            .one(&txn)
            .await?;
        let nuovo = esistente.is_none();
        let (p, mut cambiato) = match esistente {
            Some(prima) => {
                let prima_ts = prima.updated_at;
                let p = aggiorna_in(&txn, actor, prima, &r.dati)
                    .await
                    .map_err(|e| riga_errore(r.numero, e))?;
                let cambiato = p.updated_at != prima_ts;
                (p, cambiato)
            }
            None => {
                let p = crea_in(&txn, actor, &r.dati)
                    .await
                    .map_err(|e| riga_errore(r.numero, e))?;
                esito.creati += 1;
                (p, false)
            }
        };
        let attuali: Vec<i64> = progetto_comune::Entity::find()
            .filter(progetto_comune::Column::ProgettoId.eq(p.id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|c| c.comune_id)
            .collect();
        let mut a = attuali.clone();
        let mut b = r.comuni.clone();
        a.sort_unstable();
        b.sort_unstable();
        if a != b {
            progetto_comune::Entity::delete_many()
                .filter(progetto_comune::Column::ProgettoId.eq(p.id))
                .exec(&txn)
                .await?;
            if !b.is_empty() {
                progetto_comune::Entity::insert_many(b.iter().map(|c| {
                    progetto_comune::ActiveModel {
                        progetto_id: Set(p.id),
                        comune_id: Set(*c),
                        ..Default::default()
                    }
                }))
                .exec_without_returning(&txn)
                .await?;
            }
            audit::record(
                &txn,
                actor,
                "comuni",
                "progetto",
                &p.public_id,
                Some(json!(a)),
                Some(json!(b)),
            )
            .await?;
            cambiato = true;
        }
        if nuovo {
            // counted as created above
        } else if cambiato {
            esito.modificati += 1;
        } else {
            esito.invariati += 1;
        }
    }
    txn.commit().await?;
    Ok(esito)
}

fn riga_errore(numero: usize, e: AppError) -> AppError {
    match e {
        AppError::Conflict(m) | AppError::BadRequest(m) => AppError::BadRequest(format!(
            "Riga {numero}: {m} Nessuna modifica è stata salvata."
        )),
        e => e,
    }
}
