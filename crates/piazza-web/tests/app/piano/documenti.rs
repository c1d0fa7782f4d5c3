//! The plan import on office documents: a DOCX plan reaches the preview; a corrupted DOCX, a
//! scanned PDF, a password-protected PDF and an upload over the limit get an Italian message
//! and nothing is saved.

use axum::http::StatusCode;
use piazza_office::documento::scrivi::{Metadati, docx};
use piazza_office::{Blocco, Documento};

use crate::common::{Role, TestApp};

fn piano_docx() -> Vec<u8> {
    let t = |livello, s: &str| Blocco::Titolo {
        livello,
        testo: s.into(),
    };
    let v = |s: &str| Blocco::Voce {
        livello: 1,
        numerata: true,
        testo: s.into(),
    };
    let doc = Documento {
        titolo: None,
        blocchi: vec![
            t(1, "Programma delle attività 2033"),
            t(2, "Servizi ai comuni"),
            Blocco::Paragrafo("Un anno di consolidamento.".into()),
            t(3, "Obiettivi strategici"),
            v("Aprire lo sportello unico;"),
            v("Formare i tecnici."),
            t(2, "Formazione"),
            t(3, "Obiettivi strategici"),
            v("Nuovo catalogo dei corsi"),
        ],
    };
    docx(
        &doc,
        &Metadati::new(
            "Programma delle attività 2033",
            "Test",
            chrono::NaiveDate::from_ymd_opt(2032, 12, 1)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
        ),
    )
}

/// A PDF with one page and no text (a scan without OCR).
fn pdf_senza_testo() -> Vec<u8> {
    use pdf_writer::{Pdf, Rect, Ref};
    let mut pdf = Pdf::new();
    pdf.catalog(Ref::new(1)).pages(Ref::new(2));
    pdf.pages(Ref::new(2)).kids([Ref::new(3)]).count(1);
    pdf.page(Ref::new(3))
        .parent(Ref::new(2))
        .media_box(Rect::new(0.0, 0.0, 595.0, 842.0))
        .contents(Ref::new(4));
    pdf.stream(Ref::new(4), b"0 0 1 rg 10 10 100 100 re f");
    pdf.finish()
}

/// A PDF that opens only with a password.
fn pdf_protetto() -> Vec<u8> {
    use lopdf::encryption::{EncryptionState, EncryptionVersion, Permissions};
    let testo = {
        let mut d = piazza_web::kit::pdf::Documento::new("Comune di prova");
        d.paragrafo("Testo riservato del Comune.");
        d.finish()
    };
    let mut d = lopdf::Document::load_mem(&testo).unwrap();
    let id = lopdf::Object::string_literal(b"0123456789abcdef".to_vec());
    d.trailer.set("ID", vec![id.clone(), id]);
    let stato = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &d,
        owner_password: "proprietario",
        user_password: "utente",
        key_length: 128,
        permissions: Permissions::empty(),
    })
    .unwrap();
    d.encrypt(&stato).unwrap();
    let mut v = Vec::new();
    d.save_to(&mut v).unwrap();
    v
}

async fn anteprima(app: &TestApp, file: &[u8]) -> crate::common::Resp {
    app.post_multipart(
        Role::Editor,
        "/piano/importa/anteprima",
        &[("anno", None, b"2033"), ("file", Some("piano"), file)],
    )
    .await
}

#[tokio::test]
async fn a_docx_plan_reaches_the_preview_with_the_heading_it_was_found_under() {
    let app = TestApp::new().await;
    let r = anteprima(&app, &piano_docx()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t = r.text();
    assert!(t.contains("value=\"Programma delle attività 2033\""), "{t}");
    assert!(t.contains("value=\"Servizi ai comuni\"") && t.contains("value=\"Formazione\""));
    assert!(
        t.contains("Aprire lo sportello unico\nFormare i tecnici"),
        "{t}"
    );
    assert!(t.contains("trovati sotto «Obiettivi strategici»"));
    assert_eq!(app.count("piani").await, 0, "the preview saves nothing");
}

#[tokio::test]
async fn documents_that_cannot_be_read_get_an_italian_message_and_nothing_is_saved() {
    let app = TestApp::new().await;
    let buono = piano_docx();
    let casi: [(&str, Vec<u8>, &str); 4] = [
        (
            "DOCX troncato",
            buono[..buono.len() / 2].to_vec(),
            "danneggiato",
        ),
        ("PDF scansionato", pdf_senza_testo(), "non contiene testo"),
        ("PDF protetto", pdf_protetto(), "protetto da password"),
        (
            "vecchio DOC",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 resto".to_vec(),
            "vecchio formato Word",
        ),
    ];
    for (nome, file, messaggio) in casi {
        let r = anteprima(&app, &file).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{nome}: {}",
            r.text()
        );
        assert!(r.text().contains(messaggio), "{nome}: {}", r.text());
        assert!(r.text().contains("lang=\"it\""));
    }
    // Over the limit: refused while reading the upload.
    let r = anteprima(&app, &vec![b'a'; 50 * 1024 * 1024]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.text().contains("20 MB"), "{}", r.text());
    for t in ["piani", "piano_aree", "obiettivi"] {
        assert_eq!(app.count(t).await, 0, "{t}");
    }
}
