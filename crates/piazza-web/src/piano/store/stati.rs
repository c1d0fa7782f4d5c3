//! The catalogue of objective states.

use piazza_db::audit::Actor;
use piazza_db::entities::stato_obiettivo;
use piazza_db::lavoro::Lavoro;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::kit::error::{AppError, AppResult};
use crate::kit::text::normalize;

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
    let uow = Lavoro::apri(db, actor).await?;
    match codice {
        Some(c) => {
            let current = stato_obiettivo::Entity::find()
                .filter(stato_obiettivo::Column::Codice.eq(c))
                .one(&uow)
                .await?
                .ok_or(AppError::NotFound)?;
            let before = current.clone();
            let mut am: stato_obiettivo::ActiveModel = current.into();
            am.nome = Set(v.nome.clone());
            am.progresso_predefinito = Set(v.progresso_predefinito);
            am.escluso_dal_calcolo = Set(v.escluso_dal_calcolo);
            uow.aggiorna(&before, am).await?;
        }
        None => {
            let codice = normalize(&v.nome).replace(' ', "_");
            if codice.is_empty() {
                return Err(AppError::BadRequest("Indicare il nome dello stato.".into()));
            }
            if stato_obiettivo::Entity::find()
                .filter(stato_obiettivo::Column::Codice.eq(codice.as_str()))
                .one(&uow)
                .await?
                .is_some()
            {
                return Err(AppError::Conflict(format!(
                    "Esiste già uno stato «{}».",
                    v.nome
                )));
            }
            let ordine = stato_obiettivo::Entity::find().count(&uow).await? as i32 + 1;
            uow.inserisci(stato_obiettivo::ActiveModel {
                codice: Set(codice),
                nome: Set(v.nome.clone()),
                progresso_predefinito: Set(v.progresso_predefinito),
                escluso_dal_calcolo: Set(v.escluso_dal_calcolo),
                ordine: Set(ordine),
                ..Default::default()
            })
            .await?;
        }
    }
    uow.conferma().await?;
    Ok(())
}
