//! Cittadino Informato: the sources of alerts (with their health), the alert documents as
//! received or composed (raw document kept), their levels per risk and comune (from which the
//! state at any time is computed), the references that ended an alert before it arrived,
//! municipal notices, and each comune's adoption of the service and civil-protection plan.

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
                .table("fonti_allerta")
                .col(big_pk_auto("id"))
                .col(string_uniq("codice"))
                .col(string("nome"))
                .col(string("tipo"))
                .col(text_null("url"))
                .col(integer("intervallo_secondi"))
                .col(boolean("attiva"))
                .col(string_null("token_hash"))
                .col(text_null("etag"))
                .col(text_null("last_modified"))
                .col(timestamp_with_time_zone_null("ultimo_successo"))
                .col(timestamp_with_time_zone_null("ultimo_errore_at"))
                .col(text_null("ultimo_errore"))
                .col(integer("errori_consecutivi"))
                .col(timestamp_with_time_zone_null("prossimo_tentativo"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("allerte")
                .col(big_pk_auto("id"))
                .col(big_integer("fonte_id"))
                .col(string("mittente"))
                .col(string("identificativo"))
                .col(string("inviato"))
                .col(timestamp_with_time_zone("inviato_at"))
                .col(string("msg_type"))
                .col(string("status"))
                .col(string("stato"))
                .col(boolean("esercitazione"))
                .col(string("evento"))
                .col(text("titolo"))
                .col(text_null("descrizione"))
                .col(text_null("istruzioni"))
                .col(text_null("area"))
                .col(big_integer_null("comune_id"))
                .col(integer("livello_max"))
                .col(timestamp_with_time_zone_null("inizio"))
                .col(timestamp_with_time_zone_null("scadenza"))
                .col(timestamp_with_time_zone_null("dal"))
                .col(timestamp_with_time_zone_null("terminata_at"))
                .col(big_integer_null("terminata_da_id"))
                .col(text("documento"))
                .col(big_integer_null("composta_da"))
                .col(big_integer_null("approvata_da"))
                .col(timestamp_with_time_zone_null("approvata_at"))
                .col(timestamp_with_time_zone("ricevuta_at"))
                .foreign_key(&mut fk(
                    "allerte",
                    "fonte_id",
                    "fonti_allerta",
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "allerte",
                    "comune_id",
                    "comuni",
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "allerte",
                    "composta_da",
                    "utenti",
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "allerte",
                    "approvata_da",
                    "utenti",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "allerte",
            &["mittente", "identificativo", "inviato"],
            true,
        ))
        .await?;
        for cols in [&["stato"][..], &["dal"], &["fonte_id"], &["comune_id"]] {
            m.create_index(index("allerte", cols, false)).await?;
        }

        m.create_table(
            Table::create()
                .table("allerta_voci")
                .col(big_pk_auto("id"))
                .col(big_integer("allerta_id"))
                .col(string("rischio"))
                .col(integer("livello"))
                .col(big_integer("comune_id"))
                .foreign_key(&mut fk(
                    "allerta_voci",
                    "allerta_id",
                    "allerte",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "allerta_voci",
                    "comune_id",
                    "comuni",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("allerta_voci", &["allerta_id"], false))
            .await?;
        m.create_index(index("allerta_voci", &["comune_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("allerte_superate")
                .col(big_pk_auto("id"))
                .col(string("mittente"))
                .col(string("identificativo"))
                .col(string("inviato"))
                .col(string("come"))
                .col(big_integer("da_allerta_id"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk(
                    "allerte_superate",
                    "da_allerta_id",
                    "allerte",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "allerte_superate",
            &["mittente", "identificativo", "inviato"],
            true,
        ))
        .await?;

        // Geocodes of other systems (MeteoAlarm's EMMA_ID, ...) and what they cover here:
        // `regione`, `zona:<code>` or `comune:<ISTAT code>`.
        m.create_table(
            Table::create()
                .table("geocodici_allerta")
                .col(big_pk_auto("id"))
                .col(string("value_name"))
                .col(string("valore"))
                .col(string("destinazione"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("geocodici_allerta", &["value_name", "valore"], true))
            .await?;
        // MeteoAlarm Italy's EMMA_ID of a region is `IT` and the ISTAT code of the region
        // (IT003 Lombardia in the real sample): IT009 is Tuscany.
        let mut insert = Query::insert();
        insert
            .into_table("geocodici_allerta")
            .columns(["value_name", "valore", "destinazione", "created_at"])
            .values_panic([
                "EMMA_ID".into(),
                "IT009".into(),
                "regione".into(),
                chrono::Utc::now().into(),
            ]);
        m.exec_stmt(insert).await?;

        m.create_table(
            Table::create()
                .table("avvisi_comunali")
                .col(big_pk_auto("id"))
                .col(big_integer("comune_id"))
                .col(string("tipo"))
                .col(string("titolo"))
                .col(text_null("testo"))
                .col(timestamp_with_time_zone("dal"))
                .col(timestamp_with_time_zone_null("al"))
                .col(double_null("lat"))
                .col(double_null("lon"))
                .col(big_integer_null("autore_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("ritirato_at"))
                .foreign_key(&mut fk(
                    "avvisi_comunali",
                    "comune_id",
                    "comuni",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "avvisi_comunali",
                    "autore_id",
                    "utenti",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("avvisi_comunali", &["comune_id", "dal"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("protezione_civile_comuni")
                .col(big_pk_auto("id"))
                .col(big_integer_uniq("comune_id"))
                .col(date_null("adesione"))
                .col(date_null("piano_approvato"))
                .col(date_null("piano_aggiornato"))
                .col(text_null("piano_url"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "protezione_civile_comuni",
                    "comune_id",
                    "comuni",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "protezione_civile_comuni",
            "avvisi_comunali",
            "allerte_superate",
            "geocodici_allerta",
            "allerta_voci",
            "allerte",
            "fonti_allerta",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
