//! Piano, second part: indicators and their measurements, progress updates, typed links from
//! objectives to records of other modules, and the political calendar.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("indicatori")
                .col(big_pk_auto("id"))
                .col(string_uniq("public_id"))
                .col(big_integer("obiettivo_id"))
                .col(integer("ordine"))
                .col(string("nome"))
                .col(string("unita"))
                .col(string("direzione"))
                .col(double("valore_base"))
                .col(double("valore_obiettivo"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "indicatori",
                    "obiettivo_id",
                    "obiettivi",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("indicatori", &["obiettivo_id"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("misure_indicatore")
                .col(big_pk_auto("id"))
                .col(big_integer("indicatore_id"))
                .col(date("data"))
                .col(double("valore"))
                .col(text_null("nota"))
                .col(string("autore"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "misure_indicatore",
                    "indicatore_id",
                    "indicatori",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("misure_indicatore", &["indicatore_id", "data"], true))
            .await?;
        m.create_table(
            Table::create()
                .table("aggiornamenti_obiettivo")
                .col(big_pk_auto("id"))
                .col(big_integer("obiettivo_id"))
                .col(date("data"))
                .col(text("testo"))
                .col(big_integer_null("autore_id"))
                .col(string("autore_nome"))
                .col(string_null("allegato_url"))
                .col(string_null("nuovo_stato"))
                .col(integer_null("nuovo_progresso"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "aggiornamenti_obiettivo",
                    "obiettivo_id",
                    "obiettivi",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "aggiornamenti_obiettivo",
                    "autore_id",
                    "utenti",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "aggiornamenti_obiettivo",
            &["obiettivo_id", "data"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("collegamenti_obiettivo")
                .col(big_pk_auto("id"))
                .col(big_integer("obiettivo_id"))
                .col(string("tipo"))
                .col(string("chiave"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "collegamenti_obiettivo",
                    "obiettivo_id",
                    "obiettivi",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "collegamenti_obiettivo",
            &["obiettivo_id", "tipo", "chiave"],
            true,
        ))
        .await?;
        m.create_index(index("collegamenti_obiettivo", &["tipo", "chiave"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("eventi_calendario")
                .col(big_pk_auto("id"))
                .col(date("data"))
                .col(string("tipo"))
                .col(string("titolo"))
                .col(text_null("descrizione"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("eventi_calendario", &["data"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "eventi_calendario",
            "collegamenti_obiettivo",
            "aggiornamenti_obiettivo",
            "misure_indicatore",
            "indicatori",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
