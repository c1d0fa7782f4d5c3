//! Sessions stored by the hash of their id, never the id itself (a copy of the table opens no
//! session), with their user, start, last use and browser, for "your sessions" and for ending
//! a user's other sessions when the password changes. The old rows hold ids in clear: they are
//! deleted, so everyone signs in again once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DELETE FROM sessioni")
            .await?;
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        for c in [
            big_integer_null("utente_id"),
            timestamp_with_time_zone_null("creata"),
            timestamp_with_time_zone_null("vista"),
            string_null("agente"),
        ] {
            m.alter_table(
                Table::alter()
                    .table("sessioni")
                    .add_column(c.to_owned())
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(index("sessioni", &["utente_id"], false))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_sessioni_utente_id")
                .table("sessioni")
                .to_owned(),
        )
        .await?;
        for c in ["utente_id", "creata", "vista", "agente"] {
            m.alter_table(Table::alter().table("sessioni").drop_column(c).to_owned())
                .await?;
        }
        Ok(())
    }
}
