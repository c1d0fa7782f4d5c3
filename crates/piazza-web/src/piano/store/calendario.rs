//! The political calendar and the risk window of a change of legislature.

use chrono::{NaiveDate, Utc};
use piazza_db::audit::Actor;
use piazza_db::entities::evento_calendario;
use piazza_db::lavoro::Lavoro;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::kit::config::AppConfig;
use crate::kit::error::{AppError, AppResult};
use crate::piano::model::RischioLegislatura;

/// The kinds of event of the political calendar: code and label.
pub const TIPI_EVENTO: &[(&str, &str)] = &[
    ("elezioni", "Elezioni"),
    ("fine_legislatura", "Fine legislatura"),
    ("scadenza", "Scadenza istituzionale"),
    ("altro", "Altro"),
];

pub fn tipo_evento_nome(codice: &str) -> &'static str {
    TIPI_EVENTO
        .iter()
        .find(|(k, _)| *k == codice)
        .map(|(_, n)| *n)
        .unwrap_or("Altro")
}

pub async fn eventi(db: &DatabaseConnection) -> AppResult<Vec<evento_calendario::Model>> {
    Ok(evento_calendario::Entity::find()
        .order_by_asc(evento_calendario::Column::Data)
        .order_by_asc(evento_calendario::Column::Id)
        .all(db)
        .await?)
}

/// A new event of the political calendar, validated.
#[derive(Debug, Clone)]
pub struct NuovoEvento {
    pub data: NaiveDate,
    pub tipo: String,
    pub titolo: String,
    pub descrizione: Option<String>,
}

pub async fn aggiungi_evento(
    db: &DatabaseConnection,
    actor: &Actor,
    n: &NuovoEvento,
) -> AppResult<evento_calendario::Model> {
    let uow = Lavoro::apri(db, actor).await?;
    let e = uow
        .inserisci(evento_calendario::ActiveModel {
            data: Set(n.data),
            tipo: Set(n.tipo.clone()),
            titolo: Set(n.titolo.clone()),
            descrizione: Set(n.descrizione.clone()),
            created_at: Set(Utc::now()),
            ..Default::default()
        })
        .await?;
    uow.conferma().await?;
    Ok(e)
}

pub async fn elimina_evento(db: &DatabaseConnection, actor: &Actor, id: i64) -> AppResult<()> {
    let uow = Lavoro::apri(db, actor).await?;
    let e = evento_calendario::Entity::find_by_id(id)
        .one(&uow)
        .await?
        .ok_or(AppError::NotFound)?;
    uow.elimina(e).await?;
    uow.conferma().await?;
    Ok(())
}

/// The risk windows around every end of legislature in the political calendar, with the months
/// of the configuration. Other modules (projects, agreements) check their dates with it.
pub async fn rischio_legislatura(
    db: &DatabaseConnection,
    config: &AppConfig,
) -> AppResult<RischioLegislatura> {
    let fini = evento_calendario::Entity::find()
        .filter(evento_calendario::Column::Tipo.eq("fine_legislatura"))
        .order_by_asc(evento_calendario::Column::Data)
        .all(db)
        .await?;
    Ok(RischioLegislatura::new(
        fini.into_iter().map(|e| (e.data, e.titolo)),
        config.piano.rischio_legislatura_mesi_prima,
        config.piano.rischio_legislatura_mesi_dopo,
    ))
}
