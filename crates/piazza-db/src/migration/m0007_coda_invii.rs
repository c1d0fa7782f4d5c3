//! The outbox's queue index covers only the queued rows (`stato = 'in_coda'`): a row leaves
//! it when claimed and a delivered row touches no index at all, where the index on
//! (stato, canale, prossimo_at) was rewritten at every change of state — twice per message,
//! a million times for a regional alert.

use sea_orm_migration::prelude::*;

use super::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_invii_stato_canale_prossimo_at")
                .table("invii")
                .to_owned(),
        )
        .await?;
        // Partial indexes are written the same in SQLite and PostgreSQL.
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_invii_coda ON invii (canale, prossimo_at, id) \
                 WHERE stato = 'in_coda'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_invii_coda")
                .table("invii")
                .to_owned(),
        )
        .await?;
        m.create_index(index("invii", &["stato", "canale", "prossimo_at"], false))
            .await
    }
}
