//! People: the list, one person, the writes; the association's staff.

use chrono::Utc;
use piazza_db::audit::Actor;
use piazza_db::entities::{organizzazione, persona};
use piazza_db::lavoro::Lavoro;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

use super::Ambito;
use crate::anagrafica::model::PersonaValida;
use crate::kit::error::{AppError, AppResult};
use crate::kit::text::normalize;

#[derive(Debug, Default, Clone)]
pub struct FiltroPersone {
    pub q: String,
    pub categoria: Option<String>,
    pub ambito: Ambito,
}

fn persone_query(f: &FiltroPersone) -> sea_orm::Select<persona::Entity> {
    let mut query = persona::Entity::find();
    if let Some(c) = f.ambito.persone_cond() {
        query = query.filter(c);
    }
    let q = normalize(&f.q);
    if !q.is_empty() {
        let mut cond = Condition::any().add(persona::Column::NomeNorm.contains(&q));
        if f.q.contains('@') {
            cond = cond.add(persona::Column::Email.contains(f.q.trim().to_lowercase()));
        }
        query = query.filter(cond);
    }
    if let Some(c) = &f.categoria {
        query = query.filter(persona::Column::Categorie.contains(c.as_str()));
    }
    query
        .order_by_asc(persona::Column::NomeNorm)
        .order_by_asc(persona::Column::Id)
}

pub async fn conta_persone(db: &DatabaseConnection, f: &FiltroPersone) -> AppResult<usize> {
    Ok(persone_query(f).count(db).await? as usize)
}

pub async fn persone(
    db: &DatabaseConnection,
    f: &FiltroPersone,
    offset: usize,
    limit: usize,
) -> AppResult<Vec<persona::Model>> {
    use sea_orm::QuerySelect;
    Ok(persone_query(f)
        .offset(offset as u64)
        .limit(limit as u64)
        .all(db)
        .await?)
}

pub async fn persona(db: &DatabaseConnection, public_id: &str) -> AppResult<persona::Model> {
    persona::Entity::find()
        .filter(persona::Column::PublicId.eq(public_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn org_id<C: ConnectionTrait>(
    conn: &C,
    public_id: &Option<String>,
) -> AppResult<Option<i64>> {
    match public_id {
        None => Ok(None),
        Some(p) => Ok(Some(
            organizzazione::Entity::find()
                .filter(organizzazione::Column::PublicId.eq(p.as_str()))
                .one(conn)
                .await?
                .ok_or_else(|| AppError::BadRequest("Organizzazione sconosciuta.".into()))?
                .id,
        )),
    }
}

fn apply_persona(am: &mut persona::ActiveModel, v: &PersonaValida, org: Option<i64>) {
    am.nome = Set(v.nome.clone());
    am.cognome = Set(v.cognome.clone());
    am.nome_norm = Set(normalize(&format!("{} {}", v.cognome, v.nome)));
    am.email = Set(v.email.clone());
    am.telefono = Set(v.telefono.clone());
    am.codice_fiscale = Set(v.codice_fiscale.clone());
    am.data_nascita = Set(v.data_nascita);
    am.luogo_nascita = Set(v.luogo_nascita.clone());
    am.organizzazione_id = Set(org);
    am.qualifica = Set(v.qualifica.clone());
    am.note = Set(v.note.clone());
    am.categorie = Set(v.categorie.join(","));
    am.updated_at = Set(Utc::now());
}

pub async fn crea_persona(
    db: &DatabaseConnection,
    actor: &Actor,
    v: &PersonaValida,
) -> AppResult<persona::Model> {
    let uow = Lavoro::apri(db, actor).await?;
    let org = org_id(&uow, &v.organizzazione_public_id).await?;
    let mut am = persona::ActiveModel {
        public_id: Set(piazza_db::new_public_id()),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    apply_persona(&mut am, v, org);
    let created = uow.inserisci(am).await?;
    uow.conferma().await?;
    Ok(created)
}

pub async fn aggiorna_persona(
    db: &DatabaseConnection,
    actor: &Actor,
    current: persona::Model,
    v: &PersonaValida,
) -> AppResult<persona::Model> {
    let uow = Lavoro::apri(db, actor).await?;
    let org = org_id(&uow, &v.organizzazione_public_id).await?;
    let before = current.clone();
    let mut am: persona::ActiveModel = current.into();
    apply_persona(&mut am, v, org);
    let updated = uow.aggiorna(&before, am).await?;
    uow.conferma().await?;
    Ok(updated)
}

pub async fn elimina_persona(
    db: &DatabaseConnection,
    actor: &Actor,
    current: persona::Model,
) -> AppResult<()> {
    let uow = Lavoro::apri(db, actor).await?;
    uow.elimina(current).await?;
    uow.conferma().await?;
    Ok(())
}

/// A person of the association's staff (categoria `staff`): who may own an objective, lead a
/// project or work on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Personale {
    pub id: i64,
    pub public_id: String,
    pub nome: String,
    pub cognome: String,
}

impl Personale {
    /// "Nome Cognome".
    pub fn nome_completo(&self) -> String {
        format!("{} {}", self.nome, self.cognome)
    }
}

/// The staff by surname. Read through [`crate::AppState::personale`], which caches it.
pub async fn personale(db: &DatabaseConnection) -> AppResult<Vec<Personale>> {
    Ok(persona::Entity::find()
        .filter(persona::Column::Categorie.contains("staff"))
        .order_by_asc(persona::Column::NomeNorm)
        .all(db)
        .await?
        .into_iter()
        .map(|p| Personale {
            id: p.id,
            public_id: p.public_id,
            nome: p.nome,
            cognome: p.cognome,
        })
        .collect())
}
