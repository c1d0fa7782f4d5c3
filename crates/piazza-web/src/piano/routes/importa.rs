//! The import of a plan document, with an editable preview.

use crate::kit::extract::Form;
use crate::kit::extract::Multipart;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::CRUMB;
use crate::kit::error::{AppError, AppResult};
use crate::kit::moduli::PIANO;
use crate::kit::text::non_empty;
use crate::kit::view::{Chrome, Ctx, render, render_invalid, see_other};
use crate::piano::import::{AreaLetta, PianoLetto};
use crate::piano::store::{self};

#[derive(Template)]
#[template(path = "piano/importa.html")]
struct ImportaPage {
    chrome: Chrome,
    anno: String,
    testo: String,
    errori: Vec<String>,
}

/// An area of the preview: its title and objectives, one per line, as the user may correct them.
struct AreaAnteprima {
    titolo: String,
    obiettivi: String,
    n: usize,
    /// The heading the objectives were found under.
    sotto: String,
}

#[derive(Template)]
#[template(path = "piano/anteprima.html")]
struct AnteprimaPage {
    chrome: Chrome,
    anno: String,
    titolo: String,
    aree: Vec<AreaAnteprima>,
    senza_obiettivi: Vec<String>,
    errori: Vec<String>,
}

fn crumbs_import(ctx: &Ctx, titolo: &str) -> Chrome {
    ctx.chrome(
        titolo.to_owned(),
        &[CRUMB, ("Importa un piano", "/piano/importa")],
    )
}

pub async fn importa_form(ctx: Ctx) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    render(&ImportaPage {
        chrome: crumbs_import(&ctx, "Importa un piano"),
        anno: String::new(),
        testo: String::new(),
        errori: Vec::new(),
    })
}

/// Largest plan document accepted (a plan is tens of pages; a PDF with pictures is larger).
pub const MAX_DOCUMENTO: usize = 20 * 1024 * 1024;

fn anno_valido(s: &str) -> Result<i32, String> {
    match s.trim().parse::<i32>() {
        Ok(a @ 2000..=2100) => Ok(a),
        _ => Err("Indicare l'anno del piano (per esempio 2021).".into()),
    }
}

/// The bounds of reading a plan document.
fn limiti() -> piazza_office::Limiti {
    piazza_office::Limiti {
        max_byte_file: MAX_DOCUMENTO,
        tempo: std::time::Duration::from_secs(60),
        ..Default::default()
    }
}

/// Reads the uploaded document (DOCX, ODT, PDF, Markdown, reStructuredText, text) or the
/// pasted text and shows what was found, to correct. A long document is read in the
/// background with its progress (`kit::elaborazioni`).
pub async fn importa_anteprima(ctx: Ctx, multipart: Multipart) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let mut campi = crate::kit::view::campi_multipart(multipart, MAX_DOCUMENTO + 64 * 1024).await?;
    let testo_di =
        |v: Option<Vec<u8>>| String::from_utf8_lossy(&v.unwrap_or_default()).into_owned();
    let anno = testo_di(campi.remove("anno"));
    let testo = testo_di(campi.remove("testo"));
    let file = campi.remove("file").unwrap_or_default();
    let mut errori = Vec::new();
    if let Err(e) = anno_valido(&anno) {
        errori.push(e);
    }
    let documento = if file.is_empty() {
        testo.clone().into_bytes()
    } else {
        file
    };
    if documento.iter().all(u8::is_ascii_whitespace) {
        errori.push("Caricare il documento del piano o incollarne il testo.".into());
    }
    let rifiuta = |chrome: Chrome, anno: String, testo: String, errori: Vec<String>| ImportaPage {
        chrome,
        anno,
        testo,
        errori,
    };
    if !errori.is_empty() {
        return render_invalid(&rifiuta(
            crumbs_import(&ctx, "Importa un piano"),
            anno,
            testo,
            errori,
        ));
    }
    let regole = crate::piano::import::Regole::da(&ctx.state.config.piano.titoli_obiettivi);
    let (chrome_errore, chrome) = (
        crumbs_import(&ctx, "Importa un piano"),
        crumbs_import(&ctx, "Anteprima del piano"),
    );
    let elaborazioni = ctx.state.elaborazioni.clone();
    elaborazioni
        .avvia(&ctx, "Lettura del piano", "/piano/importa", move |av| async move {
            av.fase("Lettura del documento", 0);
            let letto = tokio::task::spawn_blocking(move || {
                crate::piano::import::leggi_file(&documento, None, &regole, &limiti())
            })
            .await
            .map_err(|e| AppError::causa("lettura del piano interrotta", e))?;
            av.controlla()?;
            let errore = match &letto {
                Err(e) => Some(e.to_string()),
                Ok(l) if l.aree.is_empty() => Some(
                    "Nel documento non ci sono sezioni con un elenco di obiettivi («Obiettivi», «Obiettivi strategici», «Risultati attesi»…): controllare che sia il piano di attività."
                        .to_owned(),
                ),
                Ok(_) => None,
            };
            if let Some(e) = errore {
                let pagina = rifiuta(chrome_errore, anno, testo, vec![e]);
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, pagina.render()?));
            }
            let letto = letto.expect("checked above");
            let pagina = AnteprimaPage {
                chrome,
                titolo: letto
                    .titolo
                    .clone()
                    .unwrap_or_else(|| format!("Piano di attività {}", anno.trim())),
                anno: anno.trim().to_owned(),
                aree: letto
                    .aree
                    .iter()
                    .map(|a| AreaAnteprima {
                        titolo: a.titolo.clone(),
                        obiettivi: a.obiettivi.join("\n"),
                        n: a.obiettivi.len(),
                        sotto: a.sotto.clone(),
                    })
                    .collect(),
                senza_obiettivi: letto.sezioni_senza_obiettivi.clone(),
                errori: Vec::new(),
            };
            Ok((StatusCode::OK, pagina.render()?))
        })
        .await
}

/// Saves the plan as corrected in the preview: `area_N_titolo`, `area_N_obiettivi` (one per line)
/// and `area_N_includi` for each area.
pub async fn importa_salva(
    ctx: Ctx,
    Form(campi): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    ctx.require_edit(PIANO, None)?;
    let get = |k: &str| {
        campi
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let anno = get("anno");
    let titolo = get("titolo");
    let mut aree_form = Vec::new();
    for i in 0.. {
        if !campi.iter().any(|(n, _)| *n == format!("area_{i}_titolo")) {
            break;
        }
        aree_form.push(AreaAnteprima {
            titolo: get(&format!("area_{i}_titolo")),
            obiettivi: get(&format!("area_{i}_obiettivi")),
            n: usize::from(campi.iter().any(|(n, _)| *n == format!("area_{i}_includi"))),
            sotto: get(&format!("area_{i}_sotto")),
        });
    }
    let mut errori = Vec::new();
    let anno_n = anno_valido(&anno).map_err(|e| errori.push(e)).ok();
    let mut letto = PianoLetto {
        titolo: non_empty(&titolo),
        ..Default::default()
    };
    for (i, a) in aree_form.iter().enumerate() {
        if a.n == 0 {
            continue;
        }
        let obiettivi: Vec<String> = a
            .obiettivi
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        if a.titolo.trim().is_empty() {
            errori.push(format!("Area {}: manca il titolo.", i + 1));
        }
        if obiettivi.is_empty() {
            errori.push(format!(
                "Area {}: nessun obiettivo (togliere la spunta per non importarla).",
                i + 1
            ));
        }
        letto.aree.push(AreaLetta {
            titolo: a.titolo.trim().to_owned(),
            obiettivi,
            sotto: String::new(),
        });
    }
    if letto.aree.is_empty() && errori.is_empty() {
        errori.push("Scegliere almeno un'area da importare.".into());
    }
    if let (Some(anno_n), true) = (anno_n, errori.is_empty()) {
        match store::salva_piano_letto(&ctx.state.db, &ctx.actor(), anno_n, &letto).await {
            Ok(_) => return Ok(see_other(&format!("/piano/{anno_n}"))),
            Err(AppError::Conflict(m) | AppError::BadRequest(m)) => errori.push(m),
            Err(e) => return Err(e),
        }
    }
    for a in &mut aree_form {
        a.n = a.obiettivi.lines().filter(|l| !l.trim().is_empty()).count();
    }
    render_invalid(&AnteprimaPage {
        chrome: crumbs_import(&ctx, "Anteprima del piano"),
        anno,
        titolo,
        aree: aree_form,
        senza_obiettivi: Vec::new(),
        errori,
    })
}
