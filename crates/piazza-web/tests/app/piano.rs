use piazza_db::audit::Actor;
use piazza_web::error::AppError;
use piazza_web::piano::{import, store};

use crate::common::TestApp;

const DOC: &str = "# Piano 2031\n\n## Area servizi\n\n### Obiettivi\n\n- Primo;\n- Secondo.\n\n## Area scuola\n\n### Obiettivi\n\n- Terzo\n";

#[tokio::test]
async fn an_imported_plan_is_saved_whole_once_per_year() {
    let app = TestApp::new().await;
    let letto = import::leggi(DOC);
    let p = store::salva_piano_letto(&app.db, &Actor::system("test"), 2031, &letto)
        .await
        .unwrap();
    assert_eq!(
        (p.anno, p.stato.as_str(), p.titolo.as_str()),
        (2031, "bozza", "Piano 2031")
    );
    assert_eq!(app.count("piano_aree").await, 2);
    assert_eq!(app.count("obiettivi").await, 3);
    assert_eq!(
        app.count("stati_obiettivo").await,
        5,
        "the default catalogue of states"
    );
    let err = store::salva_piano_letto(&app.db, &Actor::system("test"), 2031, &letto)
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Conflict(ref m) if m == "Esiste già un piano per il 2031."),
        "{err:?}"
    );
    assert_eq!(app.count("obiettivi").await, 3, "nothing saved twice");
    let empty = import::leggi("Solo testo, nessun obiettivo.");
    assert!(
        store::salva_piano_letto(&app.db, &Actor::system("test"), 2032, &empty)
            .await
            .is_err()
    );
    assert_eq!(app.count("piani").await, 1);
}
