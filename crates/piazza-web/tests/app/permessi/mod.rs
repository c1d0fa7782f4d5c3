//! The permission matrix: every route, every role, the expected outcome. A route added to the
//! router without a row here fails `every_route_is_in_the_matrix`.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use piazza_db::audit::Actor;
use piazza_web::anagrafica::{dait, store};

use crate::common::{Role, TestApp, data_file};

mod matrice;
use matrice::Exp::{Deny, Login, Ok};
use matrice::{Body, Exp, MATRIX};

fn classify(r: &crate::common::Resp) -> Exp {
    if r.status == StatusCode::FORBIDDEN {
        Deny
    } else if r.status == StatusCode::SEE_OTHER && r.location().starts_with("/login") {
        Login
    } else {
        Ok
    }
}

#[tokio::test]
async fn permission_matrix_holds_for_every_route_and_role() {
    let app = TestApp::new().await;
    let t = app.state.territorio.get();
    let parsed = dait::parse(&data_file("sindaci-toscana-dait-2025-01-17.csv"), &t).unwrap();
    store::importa_dait(&app.db, &Actor::system("test"), &parsed, &app.state.config)
        .await
        .unwrap();
    let mayors = store::amministratori(&app.db, &t, &app.state.config, &Default::default())
        .await
        .unwrap();
    let mayor_firenze = mayors.iter().find(|a| a.comune_istat == "048017").unwrap();
    let person = mayor_firenze.persona_public_id.clone();
    // An organisation in Firenze (the referente's comune) to edit, one in Pisa to delete.
    let r = app
        .post_form(
            Role::Admin,
            "/organizzazioni/nuova",
            "nome=Ente+Firenze&tipo=ufficio_comunale&comune=048017",
        )
        .await;
    let org_fi = r.location();
    let r = app
        .post_form(
            Role::Admin,
            "/organizzazioni/nuova",
            "nome=Ente+Pisa&tipo=associazione&comune=050026",
        )
        .await;
    let org_pi = r.location();

    let plan =
        piazza_web::piano::import::leggi("# Piano 2031\n\n## Area\n\n### Obiettivi\n\n- Uno\n");
    piazza_web::piano::store::salva_piano_letto(&app.db, &Actor::system("test"), 2031, &plan)
        .await
        .unwrap();
    let objective = piazza_web::piano::store::vista(&app.db, &app.state.config, 2031, false)
        .await
        .unwrap()
        .unwrap()
        .aree[0]
        .obiettivi[0]
        .o
        .public_id
        .clone();
    let objective_model = piazza_web::piano::store::obiettivo(&app.db, &objective)
        .await
        .unwrap();
    let area = objective_model.area_id;
    let indicator = piazza_web::piano::store::aggiungi_indicatore(
        &app.db,
        &Actor::system("test"),
        &objective_model,
        &piazza_web::piano::store::NuovoIndicatore {
            nome: "Comuni".into(),
            unita: "comuni".into(),
            direzione: "crescente".into(),
            valore_base: 1.0,
            valore_obiettivo: 9.0,
        },
    )
    .await
    .unwrap()
    .public_id;
    let event = piazza_web::piano::store::aggiungi_evento(
        &app.db,
        &Actor::system("test"),
        &piazza_web::piano::store::NuovoEvento {
            data: chrono::NaiveDate::from_ymd_opt(2031, 5, 1).unwrap(),
            tipo: "elezioni".into(),
            titolo: "Elezioni".into(),
            descrizione: None,
        },
    )
    .await
    .unwrap()
    .id;
    piazza_web::piano::store::collega(
        &app.db,
        &Actor::system("test"),
        &objective_model,
        "comune",
        "048017",
    )
    .await
    .unwrap();
    let link = piazza_web::piano::store::collegamenti(&app.db, objective_model.id)
        .await
        .unwrap()[0]
        .id;

    // A project in Firenze (the referente's comune), a call with a proposal.
    let progetto = {
        use piazza_web::progetti::{model::DatiProgetto, store as ps};
        let g = ps::programmi(&app.db).await.unwrap()[0].id;
        let p = ps::crea(
            &app.db,
            &Actor::system("test"),
            &DatiProgetto {
                codice: "M-1".into(),
                acronimo: "MATRICE".into(),
                titolo: "Progetto della matrice".into(),
                descrizione: None,
                tipo: "europeo".into(),
                programma_id: g,
                bando_rif: None,
                ruolo: "partner".into(),
                data_inizio: None,
                data_fine: None,
                stato: "idea".into(),
                budget_totale: 0,
                quota_associazione: 0,
                cofinanziamento_bp: None,
                dipende_regione: false,
                responsabile_id: None,
            },
            None,
        )
        .await
        .unwrap();
        let firenze = app.state.territorio.get().comune("048017").unwrap().id;
        ps::aggiungi_parte(
            &app.db,
            &Actor::system("test"),
            &p,
            ps::NuovaParte::Comune { comune_id: firenze },
        )
        .await
        .unwrap();
        let b = ps::aggiungi_bando(
            &app.db,
            &Actor::system("test"),
            ps::NuovoBando {
                programma_id: g,
                titolo: "Bando".into(),
                riferimento: None,
                scadenza: chrono::NaiveDate::from_ymd_opt(2031, 1, 31).unwrap(),
                url: None,
            },
        )
        .await
        .unwrap();
        let pr = ps::aggiungi_proposta(
            &app.db,
            &Actor::system("test"),
            b.id,
            ps::NuovaProposta {
                titolo: "Proposta".into(),
                ruolo: "partner".into(),
                budget: 0,
                esito: "presentata".into(),
            },
        )
        .await
        .unwrap();
        (p.public_id, b.id, pr.id)
    };

    // A public alert (regional), a notice in Firenze, a source.
    let (allerta_id, avviso_id, fonte_id) = {
        use piazza_web::allerte::{avvisi, fonti};
        let terr = app.state.territorio.get();
        let fonte = fonti::fonte_dpc(&app.db).await.unwrap();
        let xml = std::fs::read_to_string(format!(
            "{}/../piazza-cap/tests/documenti/allerta-toscana-multilingua.xml",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let (_, id) = fonti::ricevi_cap(&app.db, &terr, &fonte, &Actor::system("test"), &xml)
            .await
            .unwrap();
        let n = avvisi::valida(
            &avvisi::AvvisoForm {
                comune: "048017".into(),
                tipo: "viabilita".into(),
                titolo: "Strada chiusa".into(),
                ..Default::default()
            },
            &terr,
            chrono::Utc::now(),
        )
        .unwrap();
        let a = avvisi::crea(&app.db, &Actor::system("test"), &n)
            .await
            .unwrap();
        (id.unwrap(), a.id, fonte.id)
    };

    // A subscription whose signed links the token routes use.
    let (conferma, gestione) = {
        use piazza_web::allerte::iscrizioni;
        let terr = app.state.territorio.get();
        let f = iscrizioni::IscrizioneForm {
            comuni: vec!["Firenze".into()],
            rischi: vec!["idraulico".into()],
            soglia: "giallo".into(),
            email: "matrice@example.org".into(),
            consenso: true,
            ..Default::default()
        };
        let n = iscrizioni::valida(&f, &terr).unwrap();
        let id = iscrizioni::iscrivi(&app.db, &n, chrono::Utc::now(), 48)
            .await
            .unwrap()[0];
        use piazza_alerts::chiavi::Scopo;
        (
            app.state.chiavi.gettone(Scopo::Conferma, id),
            app.state.chiavi.gettone(Scopo::Gestione, id),
        )
    };

    let mut failures = Vec::new();
    for (method, route, expected, body) in MATRIX {
        let org = if route.ends_with("/elimina") {
            &org_pi
        } else {
            &org_fi
        };
        let org_id = org.rsplit('/').next().unwrap();
        let path = route
            .replace("{*path}", "css/piazza.css")
            .replace(
                "/allerte/conferma/{gettone}",
                &format!("/allerte/conferma/{conferma}"),
            )
            .replace("{gettone}", &gestione)
            .replace(
                "/allerte/invii/telegram/{id}",
                "/allerte/invii/telegram/999999",
            )
            .replace(
                "/allerte/avvisi/{id}",
                &format!("/allerte/avvisi/{avviso_id}"),
            )
            .replace(
                "/allerte/fonti/geocodici/{id}",
                "/allerte/fonti/geocodici/999999",
            )
            .replace("/allerte/fonti/{id}", &format!("/allerte/fonti/{fonte_id}"))
            .replace("/allerte/cap/{id}", &format!("/allerte/cap/{allerta_id}"))
            .replace("/allerte/{id}", &format!("/allerte/{allerta_id}"))
            .replace("/allerte/adesioni/{codice}", "/allerte/adesioni/048017")
            .replace("/progetti/{id}/elimina", "/progetti/inesistente/elimina")
            .replace(
                "/progetti/bandi/{id}",
                &format!("/progetti/bandi/{}", progetto.1),
            )
            .replace(
                "/progetti/proposte/{id}",
                &format!("/progetti/proposte/{}", progetto.2),
            )
            .replace("/progetti/{id}", &format!("/progetti/{}", progetto.0))
            .replace("{parte}", "comuni")
            .replace("{pid}", "999999")
            .replace("/comuni/{codice}", "/comuni/048017")
            .replace("/zone-allerta/{codice}", "/zone-allerta/A3")
            .replace("/persone/{id}/elimina", "/persone/inesistente/elimina")
            .replace("/persone/{id}", &format!("/persone/{person}"))
            .replace("/organizzazioni/{id}", &format!("/organizzazioni/{org_id}"))
            .replace(
                "/amministratori/{id}",
                &format!("/amministratori/{}", mayor_firenze.id),
            )
            .replace("/piano/{anno}", "/piano/2031")
            .replace(
                "/piano/calendario/{id}",
                &format!("/piano/calendario/{event}"),
            )
            .replace(
                "/piano/indicatori/{id}",
                &format!("/piano/indicatori/{indicator}"),
            )
            .replace("{cid}", &link.to_string())
            .replace("{impronta}", "0123456789abcdef")
            .replace("{area}", &area.to_string())
            .replace("/piano/stati/{codice}", "/piano/stati/in_corso")
            .replace(
                "/piano/obiettivi/{id}",
                &format!("/piano/obiettivi/{objective}"),
            );
        for (i, role) in Role::ALL.iter().enumerate() {
            let r = match (*method, body) {
                ("GET", _) => app.get(*role, &path).await,
                (_, Body::Form(b)) => app.post_form(*role, &path, b).await,
                (_, Body::None) => app.post_form(*role, &path, "").await,
                (_, Body::EmptyUpload) => {
                    app.post_file(*role, &path, "file", "vuoto.csv", b"").await
                }
            };
            // Every answer, pages and refusals alike, carries the browser's protections.
            if let Err(m) = crate::common::protezioni(&r.headers, false) {
                failures.push(format!("{method} {path} as {role:?} ({}): {m}", r.status));
            }
            let got = classify(&r);
            if got != expected[i] {
                failures.push(format!(
                    "{method} {path} as {role:?}: expected {:?}, got {:?} ({})",
                    expected[i], got, r.status
                ));
            }
            if got == Ok && r.status.is_server_error() {
                failures.push(format!(
                    "{method} {path} as {role:?}: server error {}",
                    r.status
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "permission matrix violations:\n{}",
        failures.join("\n")
    );
}

/// Every route the domains declare, with its methods, has a row in the matrix (the list is
/// the one the router is built from).
#[test]
fn every_route_is_in_the_matrix() {
    let routes: BTreeSet<(String, String)> = piazza_web::rotte(&piazza_web::AppConfig::default())
        .elenco()
        .into_iter()
        .map(|(m, p)| (m.as_str().to_owned(), p.to_owned()))
        .collect();
    assert!(routes.len() > 30, "the router was read: {routes:?}");
    let matrix: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|(m, p, _, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let missing: Vec<_> = routes.difference(&matrix).collect();
    let stale: Vec<_> = matrix.difference(&routes).collect();
    assert!(
        missing.is_empty(),
        "routes without a permission row: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rows for routes that do not exist: {stale:?}"
    );
}
