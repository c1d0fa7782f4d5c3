//! Indicators of an objective and their dated measurements.

use chrono::{NaiveDate, Utc};
use piazza_db::audit::Actor;
use piazza_db::entities::{indicatore, misura_indicatore, obiettivo};
use piazza_db::lavoro::Lavoro;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::kit::error::{AppError, AppResult};

/// A new indicator, validated.
#[derive(Debug, Clone)]
pub struct NuovoIndicatore {
    pub nome: String,
    pub unita: String,
    pub direzione: String,
    pub valore_base: f64,
    pub valore_obiettivo: f64,
}

pub async fn aggiungi_indicatore(
    db: &DatabaseConnection,
    actor: &Actor,
    o: &obiettivo::Model,
    n: &NuovoIndicatore,
) -> AppResult<indicatore::Model> {
    use sea_orm::PaginatorTrait;
    let uow = Lavoro::apri(db, actor).await?;
    let ordine = indicatore::Entity::find()
        .filter(indicatore::Column::ObiettivoId.eq(o.id))
        .count(&uow)
        .await? as i32
        + 1;
    let now = Utc::now();
    let i = uow
        .inserisci(indicatore::ActiveModel {
            public_id: Set(piazza_db::new_public_id()),
            obiettivo_id: Set(o.id),
            ordine: Set(ordine),
            nome: Set(n.nome.clone()),
            unita: Set(n.unita.clone()),
            direzione: Set(n.direzione.clone()),
            valore_base: Set(n.valore_base),
            valore_obiettivo: Set(n.valore_obiettivo),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .await?;
    uow.conferma().await?;
    Ok(i)
}

pub async fn indicatore(db: &DatabaseConnection, public_id: &str) -> AppResult<indicatore::Model> {
    indicatore::Entity::find()
        .filter(indicatore::Column::PublicId.eq(public_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Deletes an indicator with its measurements.
pub async fn elimina_indicatore(
    db: &DatabaseConnection,
    actor: &Actor,
    i: indicatore::Model,
) -> AppResult<()> {
    let uow = Lavoro::apri(db, actor).await?;
    uow.elimina(i).await?;
    uow.conferma().await?;
    Ok(())
}

/// Records the value of an indicator on a day; a second value for the same day replaces the first.
pub async fn registra_misura(
    db: &DatabaseConnection,
    actor: &Actor,
    i: &indicatore::Model,
    data: NaiveDate,
    valore: f64,
    nota: Option<String>,
) -> AppResult<()> {
    let uow = Lavoro::apri(db, actor).await?;
    let esistente = misura_indicatore::Entity::find()
        .filter(misura_indicatore::Column::IndicatoreId.eq(i.id))
        .filter(misura_indicatore::Column::Data.eq(data))
        .one(&uow)
        .await?;
    let before = esistente.clone();
    let after = match esistente {
        Some(m) => {
            let mut am: misura_indicatore::ActiveModel = m.into();
            am.valore = Set(valore);
            am.nota = Set(nota);
            am.autore = Set(actor.descrizione.clone());
            am.update(&uow).await?
        }
        None => {
            misura_indicatore::ActiveModel {
                indicatore_id: Set(i.id),
                data: Set(data),
                valore: Set(valore),
                nota: Set(nota),
                autore: Set(actor.descrizione.clone()),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&uow)
            .await?
        }
    };
    uow.registra_modifica(
        "misura",
        "indicatore",
        &i.public_id,
        before.as_ref(),
        Some(&after),
    )
    .await?;
    uow.conferma().await?;
    Ok(())
}
