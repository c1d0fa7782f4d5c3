//! Organisations: the list, one organisation and its people, the writes.

use chrono::Utc;
use piazza_db::audit::Actor;
use piazza_db::entities::{organizzazione, persona};
use piazza_db::lavoro::Lavoro;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use super::Ambito;
use crate::anagrafica::model::OrganizzazioneValida;
use crate::kit::error::{AppError, AppResult};
use crate::kit::text::normalize;

#[derive(Debug, Default, Clone)]
pub struct FiltroOrganizzazioni {
    pub q: String,
    pub tipo: Option<String>,
    pub ambito: Ambito,
}

fn org_query(f: &FiltroOrganizzazioni) -> sea_orm::Select<organizzazione::Entity> {
    let mut query = organizzazione::Entity::find();
    if let Some(c) = f.ambito.organizzazioni_cond() {
        query = query.filter(c);
    }
    let q = normalize(&f.q);
    if !q.is_empty() {
        query = query.filter(organizzazione::Column::NomeNorm.contains(&q));
    }
    if let Some(t) = &f.tipo {
        query = query.filter(organizzazione::Column::Tipo.eq(t.as_str()));
    }
    query
        .order_by_asc(organizzazione::Column::NomeNorm)
        .order_by_asc(organizzazione::Column::Id)
}

pub async fn conta_organizzazioni(
    db: &DatabaseConnection,
    f: &FiltroOrganizzazioni,
) -> AppResult<usize> {
    Ok(org_query(f).count(db).await? as usize)
}

pub async fn organizzazioni(
    db: &DatabaseConnection,
    f: &FiltroOrganizzazioni,
    offset: usize,
    limit: usize,
) -> AppResult<Vec<organizzazione::Model>> {
    use sea_orm::QuerySelect;
    Ok(org_query(f)
        .offset(offset as u64)
        .limit(limit as u64)
        .all(db)
        .await?)
}

/// All organisations, for select boxes (name and public id).
pub async fn organizzazioni_per_select(
    db: &DatabaseConnection,
) -> AppResult<Vec<(String, String)>> {
    Ok(organizzazione::Entity::find()
        .filter(organizzazione::Column::Tipo.ne("comune"))
        .order_by_asc(organizzazione::Column::NomeNorm)
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.public_id, o.nome))
        .collect())
}

pub async fn organizzazione(
    db: &DatabaseConnection,
    public_id: &str,
) -> AppResult<organizzazione::Model> {
    organizzazione::Entity::find()
        .filter(organizzazione::Column::PublicId.eq(public_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn organizzazione_by_id(
    db: &DatabaseConnection,
    id: i64,
) -> AppResult<Option<organizzazione::Model>> {
    Ok(organizzazione::Entity::find_by_id(id).one(db).await?)
}

pub async fn persone_della_organizzazione(
    db: &DatabaseConnection,
    id: i64,
) -> AppResult<Vec<persona::Model>> {
    // A referente reaches an organisation only when it is their comune's: its people are then
    // within reach too (they belong to it), so no further filter is needed here.
    Ok(persona::Entity::find()
        .filter(persona::Column::OrganizzazioneId.eq(id))
        .order_by_asc(persona::Column::NomeNorm)
        .all(db)
        .await?)
}

fn apply_org(
    am: &mut organizzazione::ActiveModel,
    v: &OrganizzazioneValida,
    comune_id: Option<i64>,
) {
    am.nome = Set(v.nome.clone());
    am.nome_norm = Set(normalize(&v.nome));
    am.tipo = Set(v.tipo.clone());
    am.codice_fiscale = Set(v.codice_fiscale.clone());
    am.partita_iva = Set(v.partita_iva.clone());
    am.comune_id = Set(comune_id);
    am.email = Set(v.email.clone());
    am.pec = Set(v.pec.clone());
    am.telefono = Set(v.telefono.clone());
    am.sito_web = Set(v.sito_web.clone());
    am.indirizzo = Set(v.indirizzo.clone());
    am.note = Set(v.note.clone());
    am.updated_at = Set(Utc::now());
}

pub async fn crea_organizzazione(
    db: &DatabaseConnection,
    actor: &Actor,
    v: &OrganizzazioneValida,
    comune_id: Option<i64>,
) -> AppResult<organizzazione::Model> {
    let uow = Lavoro::apri(db, actor).await?;
    let mut am = organizzazione::ActiveModel {
        public_id: Set(piazza_db::new_public_id()),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    apply_org(&mut am, v, comune_id);
    let created = uow.inserisci(am).await?;
    uow.conferma().await?;
    Ok(created)
}

pub async fn aggiorna_organizzazione(
    db: &DatabaseConnection,
    actor: &Actor,
    current: organizzazione::Model,
    v: &OrganizzazioneValida,
    comune_id: Option<i64>,
) -> AppResult<organizzazione::Model> {
    let uow = Lavoro::apri(db, actor).await?;
    let before = current.clone();
    let mut am: organizzazione::ActiveModel = current.into();
    apply_org(&mut am, v, comune_id);
    let updated = uow.aggiorna(&before, am).await?;
    uow.conferma().await?;
    Ok(updated)
}

pub async fn elimina_organizzazione(
    db: &DatabaseConnection,
    actor: &Actor,
    current: organizzazione::Model,
) -> AppResult<()> {
    let uow = Lavoro::apri(db, actor).await?;
    uow.elimina(current).await?;
    uow.conferma().await?;
    Ok(())
}
