//! Piano: yearly plans, their areas and objectives, and the catalogue of objective states.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The default catalogue: code, name, default progress (none: from indicators or by hand),
/// excluded from the roll-up, order.
const STATI: &[(&str, &str, Option<i32>, bool, i32)] = &[
    ("non_avviato", "Non avviato", Some(0), false, 1),
    ("in_corso", "In corso", None, false, 2),
    ("completato", "Completato", Some(100), false, 3),
    ("sospeso", "Sospeso", None, false, 4),
    ("annullato", "Annullato", None, true, 5),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("piani")
                .col(big_pk_auto("id"))
                .col(integer_uniq("anno"))
                .col(string("titolo"))
                .col(string("stato"))
                .col(date_null("data_approvazione"))
                .col(string_null("organo_approvazione"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("piano_aree")
                .col(big_pk_auto("id"))
                .col(big_integer("piano_id"))
                .col(integer("ordine"))
                .col(string("titolo"))
                .col(text_null("descrizione"))
                .foreign_key(&mut fk(
                    "piano_aree",
                    "piano_id",
                    "piani",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("piano_aree", &["piano_id"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("stati_obiettivo")
                .col(big_pk_auto("id"))
                .col(string_uniq("codice"))
                .col(string("nome"))
                .col(integer_null("progresso_predefinito"))
                .col(boolean("escluso_dal_calcolo"))
                .col(integer("ordine"))
                .to_owned(),
        )
        .await?;
        let mut insert = Query::insert();
        insert.into_table("stati_obiettivo").columns([
            "codice",
            "nome",
            "progresso_predefinito",
            "escluso_dal_calcolo",
            "ordine",
        ]);
        for (codice, nome, progresso, escluso, ordine) in STATI {
            insert.values_panic([
                (*codice).into(),
                (*nome).into(),
                (*progresso).into(),
                (*escluso).into(),
                (*ordine).into(),
            ]);
        }
        m.exec_stmt(insert).await?;
        m.create_table(
            Table::create()
                .table("obiettivi")
                .col(big_pk_auto("id"))
                .col(string_uniq("public_id"))
                .col(big_integer("area_id"))
                .col(integer("ordine"))
                .col(text("titolo"))
                .col(text("titolo_norm"))
                .col(text_null("descrizione"))
                .col(big_integer_null("responsabile_id"))
                .col(string_null("settore"))
                .col(date_null("scadenza"))
                .col(string("priorita"))
                .col(integer("peso"))
                .col(boolean("pubblico"))
                .col(string("stato"))
                .col(string("fonte_progresso"))
                .col(integer_null("progresso_manuale"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "obiettivi",
                    "area_id",
                    "piano_aree",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "obiettivi",
                    "responsabile_id",
                    "persone",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("obiettivi", &["area_id"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["obiettivi", "stati_obiettivo", "piano_aree", "piani"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
