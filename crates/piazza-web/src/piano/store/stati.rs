//! The catalogue of objective states.

use piazza_db::audit::{self, Actor};
use piazza_db::entities::stato_obiettivo;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};

use crate::error::{AppError, AppResult};
use crate::text::normalize;

pub async fn stati(db: &DatabaseConnection) -> AppResult<Vec<stato_obiettivo::Model>> {
    Ok(stato_obiettivo::Entity::find()
        .order_by_asc(stato_obiettivo::Column::Ordine)
        .all(db)
        .await?)
}

/// A state of the catalogue as an editor sets it.
#[derive(Debug, Clone)]
pub struct StatoValido {
    pub nome: String,
    pub progresso_predefinito: Option<i32>,
    pub escluso_dal_calcolo: bool,
}

/// Changes a state of the catalogue, or adds one (`codice` None: the code comes from the name).
pub async fn salva_stato(
    db: &DatabaseConnection,
    actor: &Actor,
    codice: Option<&str>,
    v: &StatoValido,
) -> AppResult<()> {
    use sea_orm::PaginatorTrait;
    let txn = db.begin().await?;
    match codice {
        Some(c) => {
            let current = stato_obiettivo::Entity::find()
                .filter(stato_obiettivo::Column::Codice.eq(c))
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?;
            let before = current.clone();
            let mut am: stato_obiettivo::ActiveModel = current.into();
            am.nome = Set(v.nome.clone());
            am.progresso_predefinito = Set(v.progresso_predefinito);
            am.escluso_dal_calcolo = Set(v.escluso_dal_calcolo);
            let after = am.update(&txn).await?;
            audit::record_change(
                &txn,
                actor,
                "modifica",
                "stato_obiettivo",
                &after.codice,
                Some(&before),
                Some(&after),
            )
            .await?;
        }
        None => {
            let codice = normalize(&v.nome).replace(' ', "_");
            if codice.is_empty() {
                return Err(AppError::BadRequest("Indicare il nome dello stato.".into()));
            }
            if stato_obiettivo::Entity::find()
                .filter(stato_obiettivo::Column::Codice.eq(codice.as_str()))
                .one(&txn)
                .await?
                .is_some()
            {
                return Err(AppError::Conflict(format!(
                    "Esiste già uno stato «{}».",
                    v.nome
                )));
            }
            let ordine = stato_obiettivo::Entity::find().count(&txn).await? as i32 + 1;
            let s = stato_obiettivo::ActiveModel {
                codice: Set(codice),
                nome: Set(v.nome.clone()),
                progresso_predefinito: Set(v.progresso_predefinito),
                escluso_dal_calcolo: Set(v.escluso_dal_calcolo),
                ordine: Set(ordine),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            audit::record_change(
                &txn,
                actor,
                "crea",
                "stato_obiettivo",
                &s.codice,
                None::<&stato_obiettivo::Model>,
                Some(&s),
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}
