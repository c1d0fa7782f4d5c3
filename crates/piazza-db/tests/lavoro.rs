//! The unit of work on a real SQLite file (and on PostgreSQL when `TEST_DATABASE_URL` is set,
//! in a database of its own): what it writes, what it audits, what a dropped unit leaves.

use chrono::{NaiveDate, Utc};
use piazza_db::audit::Actor;
use piazza_db::entities::{audit_log, evento_calendario};
use piazza_db::lavoro::Lavoro;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryOrder, Set, Statement,
};

async fn db() -> DatabaseConnection {
    let tag = format!(
        "{}_{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or(0)
    );
    let db = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let admin = piazza_db::connect(&url).await.unwrap();
            let nome = format!("piazza_test_lavoro_{tag}");
            admin
                .execute_raw(Statement::from_string(
                    admin.get_database_backend(),
                    format!("CREATE DATABASE {nome}"),
                ))
                .await
                .unwrap();
            let (base, _) = url.rsplit_once('/').unwrap();
            piazza_db::connect(&format!("{base}/{nome}")).await.unwrap()
        }
        _ => {
            let dir = std::env::temp_dir().join("piazza-tests");
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("lavoro-{tag}.db"));
            piazza_db::connect(&format!("sqlite://{}?mode=rwc", path.display()))
                .await
                .unwrap()
        }
    };
    piazza_db::migrate(&db).await.unwrap();
    db
}

fn evento(titolo: &str) -> evento_calendario::ActiveModel {
    evento_calendario::ActiveModel {
        data: Set(NaiveDate::from_ymd_opt(2031, 9, 30).unwrap()),
        tipo: Set("fine_legislatura".into()),
        titolo: Set(titolo.into()),
        descrizione: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
}

async fn righe(db: &DatabaseConnection) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn writes_are_audited_with_before_and_after_and_only_when_something_changed() {
    let db = db().await;
    let chi = Actor {
        utente_id: None,
        descrizione: "segreteria".into(),
    };
    let uow = Lavoro::apri(&db, &chi).await.unwrap();
    let e = uow.inserisci(evento("Fine legislatura")).await.unwrap();
    uow.conferma().await.unwrap();
    let r = righe(&db).await;
    assert_eq!(r.len(), 1);
    assert_eq!(
        (
            r[0].azione.as_str(),
            r[0].entita.as_str(),
            r[0].attore.as_str()
        ),
        ("crea", "evento_calendario", "segreteria")
    );
    assert_eq!(r[0].entita_id, e.id.to_string());
    assert!(r[0].prima.is_none());
    assert!(r[0].dopo.as_deref().unwrap().contains("Fine legislatura"));

    // The same values again: nothing written, nothing audited.
    let uow = Lavoro::apri(&db, &chi).await.unwrap();
    let mut am = e.clone().into_active_model();
    am.titolo = Set("Fine legislatura".into());
    let stesso = uow.aggiorna(&e, am).await.unwrap();
    uow.conferma().await.unwrap();
    assert_eq!(stesso, e);
    assert_eq!(
        righe(&db).await.len(),
        1,
        "no row for an update that changes nothing"
    );

    // A change: before and after.
    let uow = Lavoro::apri(&db, &chi).await.unwrap();
    let mut am = e.clone().into_active_model();
    am.titolo = Set("Fine della legislatura regionale".into());
    let dopo = uow.aggiorna(&e, am).await.unwrap();
    uow.conferma().await.unwrap();
    assert_eq!(dopo.titolo, "Fine della legislatura regionale");
    let r = righe(&db).await;
    assert_eq!(r.len(), 2);
    assert_eq!(r[1].azione, "modifica");
    assert!(
        r[1].prima
            .as_deref()
            .unwrap()
            .contains("\"Fine legislatura\"")
    );
    assert!(r[1].dopo.as_deref().unwrap().contains("regionale"));

    // A deletion keeps the record in its row.
    let uow = Lavoro::apri(&db, &chi).await.unwrap();
    uow.elimina(dopo).await.unwrap();
    uow.conferma().await.unwrap();
    let r = righe(&db).await;
    assert_eq!(r[2].azione, "elimina");
    assert!(r[2].prima.as_deref().unwrap().contains("regionale"));
    assert_eq!(
        evento_calendario::Entity::find().count(&db).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn a_unit_dropped_without_conferma_saves_nothing() {
    let db = db().await;
    let chi = Actor::system("test");
    {
        let uow = Lavoro::apri(&db, &chi).await.unwrap();
        uow.inserisci(evento("Mai salvato")).await.unwrap();
        // A write that is not audited, on the unit as a connection.
        evento("Nemmeno questo").insert(&uow).await.unwrap();
        uow.registra("importa", "piano", "2031", None, None)
            .await
            .unwrap();
        // Dropped here: an error returned with `?` does the same.
    }
    assert_eq!(
        evento_calendario::Entity::find().count(&db).await.unwrap(),
        0
    );
    assert!(righe(&db).await.is_empty());
}
