//! The subscribers by comune and channel, and their growth (counts only).

use piazza_alerts::outbox::{self, iscrizione_stato};
use piazza_db::entities::iscrizione;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::kit::error::AppResult;

/// Active subscriptions by comune and channel (counts only): (comune id, channel, count).
pub async fn adesione(db: &impl ConnectionTrait) -> AppResult<Vec<(i64, String, i64)>> {
    let righe = db
        .query_all_raw(outbox::stmt(
            db,
            "SELECT ic.comune_id AS comune_id, i.canale AS canale, COUNT(*) AS n \
             FROM iscrizioni_comuni ic JOIN iscrizioni i ON i.id = ic.iscrizione_id \
             WHERE i.stato = $1 GROUP BY ic.comune_id, i.canale",
            vec![iscrizione_stato::ATTIVA.into()],
        ))
        .await?;
    Ok(righe
        .iter()
        .map(|r| {
            Ok((
                r.try_get("", "comune_id")?,
                r.try_get("", "canale")?,
                r.try_get("", "n")?,
            ))
        })
        .collect::<Result<_, sea_orm::DbErr>>()?)
}

/// Active subscriptions by month of confirmation (`AAAA-MM`, count), oldest first.
pub async fn crescita(db: &impl ConnectionTrait) -> AppResult<Vec<(String, i64)>> {
    let mese = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            "to_char(confermata_at AT TIME ZONE 'UTC', 'YYYY-MM')"
        }
        _ => "substr(confermata_at, 1, 7)",
    };
    let righe = db
        .query_all_raw(outbox::stmt(
            db,
            &format!(
                "SELECT {mese} AS mese, COUNT(*) AS n FROM iscrizioni \
                 WHERE stato = $1 AND confermata_at IS NOT NULL GROUP BY {mese} ORDER BY {mese}"
            ),
            vec![iscrizione_stato::ATTIVA.into()],
        ))
        .await?;
    Ok(righe
        .iter()
        .map(|r| Ok((r.try_get("", "mese")?, r.try_get("", "n")?)))
        .collect::<Result<_, sea_orm::DbErr>>()?)
}

/// Active subscriptions by comune and channel, and in total (counts only).
#[derive(Debug, Clone, Default)]
pub struct Adesione {
    pub per_comune: std::collections::HashMap<i64, std::collections::BTreeMap<String, i64>>,
    pub totali: std::collections::BTreeMap<String, i64>,
    /// Distinct subscriptions (one following three comuni counts once).
    pub iscrizioni: i64,
}

impl Adesione {
    pub async fn carica(db: &impl ConnectionTrait) -> AppResult<Self> {
        let mut a = Self::default();
        for (comune, canale, n) in adesione(db).await? {
            a.per_comune.entry(comune).or_default().insert(canale, n);
        }
        let per_canale: Vec<(String, i64)> = iscrizione::Entity::find()
            .select_only()
            .column(iscrizione::Column::Canale)
            .column_as(iscrizione::Column::Id.count(), "n")
            .filter(iscrizione::Column::Stato.eq(iscrizione_stato::ATTIVA))
            .group_by(iscrizione::Column::Canale)
            .into_tuple()
            .all(db)
            .await?;
        a.iscrizioni = per_canale.iter().map(|(_, n)| n).sum();
        a.totali = per_canale.into_iter().collect();
        Ok(a)
    }

    /// Subscriptions following a comune, all channels.
    pub fn comune(&self, id: i64) -> i64 {
        self.per_comune.get(&id).map_or(0, |m| m.values().sum())
    }
}
