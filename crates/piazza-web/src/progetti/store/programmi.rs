//! The programme catalogue: additions and the count of projects per programme.

use std::collections::HashMap;

use chrono::Utc;
use piazza_db::audit::Actor;
use piazza_db::entities::{progetto, programma};
use piazza_db::lavoro::Lavoro;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set,
};

use crate::kit::error::{AppError, AppResult};

pub async fn aggiungi_programma(
    db: &DatabaseConnection,
    actor: &Actor,
    codice: &str,
    nome: &str,
    tipo: &str,
    fondo: Option<String>,
    rinnovo_regionale: bool,
) -> AppResult<programma::Model> {
    let uow = Lavoro::apri(db, actor).await?;
    if programma::Entity::find()
        .filter(programma::Column::Codice.eq(codice))
        .count(&uow)
        .await?
        > 0
    {
        return Err(AppError::Conflict(format!(
            "Esiste già un programma con il codice «{codice}»."
        )));
    }
    let g = uow
        .inserisci(programma::ActiveModel {
            codice: Set(codice.to_owned()),
            nome: Set(nome.to_owned()),
            tipo: Set(tipo.to_owned()),
            fondo: Set(fondo),
            rinnovo_regionale: Set(rinnovo_regionale),
            created_at: Set(Utc::now()),
            ..Default::default()
        })
        .await?;
    uow.conferma().await?;
    Ok(g)
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
