//! Queries and changes of the project portfolio: every change is one unit of work
//! ([`piazza_db::lavoro::Lavoro`]) with its audit rows. What a user may see is a [`Visibilita`]:
//! everything for the module's staff, the projects of their comuni for a referente.

mod bandi;
mod budget;
mod gantt;
mod importa;
mod parti;
mod portafoglio;
mod programmi;
mod rischio;
mod scadenze;
mod scheda;

pub use bandi::{
    NuovaProposta, NuovoBando, aggiungi_bando, aggiungi_proposta, bandi, esito_proposta, proposta,
    successo,
};
pub use budget::budget;
pub use gantt::{RigaGantt, gantt};
pub use importa::{EsitoImport, importa};
pub use parti::{Avanzamento, NuovaParte, PARTI, aggiungi_parte, avanza, elimina_parte};
pub use portafoglio::{
    Completo, anno_predefinito, completi, conta, elenco, per_comune, totali, tutti,
};
pub use programmi::{aggiungi_programma, per_programma};
pub use rischio::{ARischio, a_rischio};
pub use scadenze::{Scadenza, scadenze, token_calendario, utente_del_token};
pub use scheda::{Scheda, aggiorna, aggiorna_in, crea, crea_in, elimina, scheda};

use std::collections::HashMap;

use chrono::NaiveDate;
use piazza_db::entities::{
    persona, progetto, progetto_comune, progetto_partner, progetto_staff, programma,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Select,
};

use super::model::{self, MotivoRischio};
use crate::kit::error::{AppError, AppResult};
use crate::kit::text::normalize;
use crate::piano::model::RischioLegislatura;

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
