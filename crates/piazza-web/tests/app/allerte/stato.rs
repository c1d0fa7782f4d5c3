//! The state stored: bulletins and CAP documents applied, updated, cancelled, expired.

use piazza_web::allerte::bollettino::Livello;
use piazza_web::allerte::registro;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{contati, livello_al, t};
use crate::common::{TestApp, data_file};

#[tokio::test]
async fn bulletins_stored_set_the_comuni_of_their_zones_and_a_later_one_lowers_them() {
    use piazza_web::allerte::{fonti, store};
    let app = TestApp::new().await;
    let terr = app.state.territorio.get();
    let actor = piazza_db::audit::Actor::system("test");
    let dir = format!("{}/../../data/dpc-bollettini", env!("CARGO_MANIFEST_DIR"));
    // The index: today's file is found next to it; tomorrow's is not in the samples.
    let (giorni, note) = fonti::leggi_file_bollettino(
        std::path::Path::new(&format!("{dir}/20231103_1614.json")),
        &terr,
    )
    .unwrap();
    assert_eq!(giorni.len(), 1);
    assert_eq!(note.len(), 1, "{note:?}");
    let esiti = fonti::importa_bollettino(&app.state.db, &terr, &actor, giorni.clone())
        .await
        .unwrap();
    assert_eq!(esiti[0].1, registro::Esito::Nuovo);
    let s = store::stato_al(&app.state.db, t("2023-11-03T18:00:00Z"))
        .await
        .unwrap();
    assert_eq!(contati(&s, "idraulico", Livello::Arancione), 66);
    assert_eq!(
        livello_al(&s, &terr, "047014", "idraulico"),
        Livello::Arancione,
        "Pistoia, in two zones"
    );
    assert_eq!(
        livello_al(&s, &terr, "048017", "idrogeologico"),
        Livello::Giallo
    );
    assert_eq!(livello_al(&s, &terr, "048017", "idraulico"), Livello::Verde);
    // Before the bulletin was issued and the next day: nothing.
    assert!(
        store::stato_al(&app.state.db, t("2023-11-03T10:00:00Z"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store::stato_al(&app.state.db, t("2023-11-04T12:00:00Z"))
            .await
            .unwrap()
            .is_empty()
    );
    // The same file again changes nothing.
    let esiti = fonti::importa_bollettino(&app.state.db, &terr, &actor, giorni)
        .await
        .unwrap();
    assert_eq!(esiti[0].1, registro::Esito::Duplicato);

    // An evening bulletin of the same day lowers Lunigiana to yellow and clears the others.
    let mut v: serde_json::Value = serde_json::from_slice(&data_file(
        "dpc-bollettini/20231103_1614_today.stripped.json",
    ))
    .unwrap();
    let oggetti = v["objects"].as_object_mut().unwrap();
    let mut o = oggetti.remove("20231103_1614_today").unwrap();
    for g in o["geometries"].as_array_mut().unwrap() {
        let p = g["properties"].as_object_mut().unwrap();
        let lunigiana = p["Nome zona"] == "Lunigiana";
        for r in [
            "Per rischio idraulico",
            "Per rischio temporali",
            "Per rischio idrogeologico",
        ] {
            p[r] = if lunigiana && r == "Per rischio idraulico" {
                "Ordinaria / ALLERTA GIALLA".into()
            } else {
                "Assenza di fenomeni significativi prevedibili / NESSUNA ALLERTA".into()
            };
        }
    }
    oggetti.insert("20231103_1914_today".into(), o);
    let sera = piazza_web::allerte::bollettino::documento(&v.to_string(), None, &terr).unwrap();
    let esiti = fonti::importa_bollettino(&app.state.db, &terr, &actor, vec![sera])
        .await
        .unwrap();
    assert!(matches!(esiti[0].1, registro::Esito::Sostituisce(ref r) if r.len() == 1));
    let s = store::stato_al(&app.state.db, t("2023-11-03T19:00:00Z"))
        .await
        .unwrap();
    assert_eq!(contati(&s, "idraulico", Livello::Arancione), 0);
    assert_eq!(contati(&s, "idraulico", Livello::Giallo), 14, "Lunigiana");
    assert_eq!(
        livello_al(&s, &terr, "048017", "idrogeologico"),
        Livello::Verde
    );
    // The history still knows the afternoon.
    let s = store::stato_al(&app.state.db, t("2023-11-03T17:00:00Z"))
        .await
        .unwrap();
    assert_eq!(contati(&s, "idraulico", Livello::Arancione), 66);
}

#[tokio::test]
async fn stored_cap_documents_update_cancel_expire_and_exercises_stay_private() {
    use piazza_web::allerte::{fonti, store};
    let app = TestApp::new().await;
    let terr = app.state.territorio.get();
    let actor = piazza_db::audit::Actor::system("test");
    let db = &app.state.db;
    let fonte = store::fonte(db, "cfr", "Centro funzionale", fonti::tipo::CAP_API)
        .await
        .unwrap();
    let xml = |n: &str| {
        std::fs::read_to_string(format!(
            "{}/../piazza-cap/tests/documenti/{n}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    let firenze = |s: &store::Stato| livello_al(s, &terr, "048017", "idrogeologico");
    // The update arrives first: it is in force, and the original, arriving late, never is.
    let (e, _) = fonti::ricevi_cap(db, &terr, &fonte, &actor, &xml("aggiornamento.xml"))
        .await
        .unwrap();
    assert!(matches!(e, registro::Esito::Sostituisce(_)));
    let (e, id) = fonti::ricevi_cap(
        db,
        &terr,
        &fonte,
        &actor,
        &xml("allerta-toscana-multilingua.xml"),
    )
    .await
    .unwrap();
    assert_eq!(e, registro::Esito::GiaSuperato);
    assert_eq!(
        store::per_id(db, id.unwrap()).await.unwrap().stato,
        "sostituita"
    );
    let s = store::stato_al(db, t("2026-10-15T06:00:00Z"))
        .await
        .unwrap();
    assert_eq!(firenze(&s), Livello::Rosso);
    // A copy is a duplicate; the cancel ends the update from its sent time.
    let (e, id) = fonti::ricevi_cap(db, &terr, &fonte, &actor, &xml("aggiornamento.xml"))
        .await
        .unwrap();
    assert_eq!((e, id), (registro::Esito::Duplicato, None));
    let (e, _) = fonti::ricevi_cap(db, &terr, &fonte, &actor, &xml("annullamento.xml"))
        .await
        .unwrap();
    assert!(matches!(e, registro::Esito::Annulla(_)));
    assert_eq!(
        firenze(
            &store::stato_al(db, t("2026-10-15T06:59:00Z"))
                .await
                .unwrap()
        ),
        Livello::Rosso
    );
    assert!(
        store::stato_al(db, t("2026-10-15T07:00:00Z"))
            .await
            .unwrap()
            .is_empty()
    );
    // Acknowledgements and errors are kept, never public.
    for n in ["conferma.xml", "errore.xml"] {
        let (e, _) = fonti::ricevi_cap(db, &terr, &fonte, &actor, &xml(n))
            .await
            .unwrap();
        assert!(matches!(e, registro::Esito::Ignorato(_)), "{n}");
    }
    // An exercise copy of the alert (new identifier) never reaches the public state.
    let esercitazione = xml("allerta-toscana-multilingua.xml")
        .replace(
            "<cap:status>Actual</cap:status>",
            "<cap:status>Exercise</cap:status>",
        )
        .replace("it.toscana.cfr.2026.0412", "it.toscana.cfr.2026.0500");
    let (e, id) = fonti::ricevi_cap(db, &terr, &fonte, &actor, &esercitazione)
        .await
        .unwrap();
    assert!(matches!(e, registro::Esito::Ignorato(_)));
    assert!(store::per_id(db, id.unwrap()).await.unwrap().esercitazione);
    // A new alert expires by itself: in force at noon, gone after its expiry.
    let nuova = xml("allerta-toscana-multilingua.xml")
        .replace("it.toscana.cfr.2026.0412", "it.toscana.cfr.2026.0600");
    let (e, _) = fonti::ricevi_cap(db, &terr, &fonte, &actor, &nuova)
        .await
        .unwrap();
    assert_eq!(e, registro::Esito::Nuovo);
    assert_eq!(
        firenze(
            &store::stato_al(db, t("2026-10-15T12:00:00Z"))
                .await
                .unwrap()
        ),
        Livello::Arancione
    );
    assert!(
        store::stato_al(db, t("2026-10-15T22:00:00Z"))
            .await
            .unwrap()
            .is_empty()
    );
    // Two alerts on the same comune and risk: the highest level wins.
    let rossa = nuova
        .replace("it.toscana.cfr.2026.0600", "it.toscana.cfr.2026.0601")
        .replace("3; orange; Severe", "4; red; Extreme");
    fonti::ricevi_cap(db, &terr, &fonte, &actor, &rossa)
        .await
        .unwrap();
    assert_eq!(
        firenze(
            &store::stato_al(db, t("2026-10-15T12:00:00Z"))
                .await
                .unwrap()
        ),
        Livello::Rosso
    );
    assert_eq!(
        store::attive_al(db, t("2026-10-15T12:00:00Z"))
            .await
            .unwrap()
            .len(),
        2
    );
    // Garbage is refused with a reason, nothing stored.
    let n = store::attive_al(db, t("2026-10-15T12:00:00Z"))
        .await
        .unwrap()
        .len();
    let err = fonti::ricevi_cap(db, &terr, &fonte, &actor, "<alert><oops")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("CAP"), "{err}");
    assert_eq!(
        store::attive_al(db, t("2026-10-15T12:00:00Z"))
            .await
            .unwrap()
            .len(),
        n
    );
    // Every document is in the audit log with its raw text.
    let audit = piazza_db::entities::audit_log::Entity::find()
        .filter(piazza_db::entities::audit_log::Column::Entita.eq("allerta"))
        .all(db)
        .await
        .unwrap();
    assert!(audit.iter().any(|a| {
        a.azione == "duplicato"
            && a.entita_id.contains("it.toscana.cfr.2026.0413")
            && a.dopo.as_deref().unwrap_or("").contains("sha256")
    }));
    assert!(
        audit.iter().any(|a| a.azione == "annullamento"
            && a.dopo.as_deref().unwrap_or("").contains("<references>"))
    );
}
