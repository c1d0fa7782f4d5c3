//! What of the register a user may see.

use piazza_db::entities::{amministratore, organizzazione, persona};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};

use crate::kit::error::AppResult;

/// The part of the register a user may see: all of it (administrators, editors and readers
/// of Anagrafica), or — a referente — what is linked to their comuni: the comuni's own
/// organisations (types of [`crate::anagrafica::model::TIPI_DEL_COMUNE`]) and the people who are
/// administrators of those comuni or belong to those organisations. No other comune's
/// personal data reaches a referente, in lists, pages or exports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Ambito {
    #[default]
    Tutto,
    Comuni(Vec<i64>),
}

impl Ambito {
    /// The organisations of the comuni (none for [`Ambito::Tutto`]: no restriction).
    pub(super) fn organizzazioni(ids: &[i64]) -> sea_orm::sea_query::SelectStatement {
        sea_orm::sea_query::Query::select()
            .column(organizzazione::Column::Id)
            .from(organizzazione::Entity)
            .and_where(organizzazione::Column::ComuneId.is_in(ids.iter().copied()))
            .and_where(
                organizzazione::Column::Tipo
                    .is_in(crate::anagrafica::model::TIPI_DEL_COMUNE.iter().copied()),
            )
            .to_owned()
    }

    pub(super) fn persone_cond(&self) -> Option<Condition> {
        let Ambito::Comuni(ids) = self else {
            return None;
        };
        let amministratori = sea_orm::sea_query::Query::select()
            .column(amministratore::Column::PersonaId)
            .from(amministratore::Entity)
            .and_where(amministratore::Column::ComuneId.is_in(ids.iter().copied()))
            .to_owned();
        Some(
            Condition::any()
                .add(persona::Column::Id.in_subquery(amministratori))
                .add(persona::Column::OrganizzazioneId.in_subquery(Self::organizzazioni(ids))),
        )
    }

    pub(super) fn organizzazioni_cond(&self) -> Option<Condition> {
        let Ambito::Comuni(ids) = self else {
            return None;
        };
        Some(
            Condition::all().add(organizzazione::Column::Id.in_subquery(Self::organizzazioni(ids))),
        )
    }

    /// Whether an organisation is within reach.
    pub fn vede_organizzazione(&self, o: &organizzazione::Model) -> bool {
        match self {
            Ambito::Tutto => true,
            Ambito::Comuni(ids) => crate::anagrafica::model::comune_proprio(&o.tipo, o.comune_id)
                .is_some_and(|c| ids.contains(&c)),
        }
    }

    /// Whether a person is within reach (one query for a referente).
    pub async fn vede_persona(
        &self,
        db: &DatabaseConnection,
        p: &persona::Model,
    ) -> AppResult<bool> {
        let Some(cond) = self.persone_cond() else {
            return Ok(true);
        };
        Ok(persona::Entity::find()
            .filter(persona::Column::Id.eq(p.id))
            .filter(cond)
            .count(db)
            .await?
            > 0)
    }
}
