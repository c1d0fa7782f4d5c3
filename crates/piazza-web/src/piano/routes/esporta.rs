//! The exports of a plan: open data (CSV, JSON), XLSX, the PDF report.

use axum::response::{IntoResponse, Response};

use super::cruscotto::{CruscottoQuery, data_riferimento};
use super::vista;
use crate::kit::error::AppResult;
use crate::kit::export::{Cell, Table};
use crate::kit::extract::{Path, Query};
use crate::kit::fmt;
use crate::kit::moduli::PIANO;
use crate::kit::view::Ctx;
use crate::piano::store::{self, PianoVista};

/// Columns of the CSV download (documented on the plan page).
pub const COLONNE_CSV: &[&str] = &[
    "Area",
    "Avanzamento area (%)",
    "Numero obiettivo",
    "Obiettivo",
    "Stato",
    "Avanzamento obiettivo (%)",
    "Peso",
    "Scadenza",
];

fn round(p: Option<f64>) -> Cell {
    p.map(|p| Cell::Int(p.round() as i64))
        .unwrap_or(Cell::Empty)
}

fn tabella_obiettivi(v: &PianoVista) -> Table {
    let mut t = Table::new(COLONNE_CSV);
    for a in &v.aree {
        for o in &a.obiettivi {
            t.rows.push(vec![
                a.a.titolo.as_str().into(),
                round(a.roll_up.progresso),
                Cell::Int(i64::from(o.o.ordine)),
                o.o.titolo.as_str().into(),
                o.stato_nome.as_str().into(),
                round(o.progresso),
                Cell::Int(i64::from(o.o.peso)),
                o.o.scadenza.into(),
            ]);
        }
    }
    t
}

pub async fn piano_csv(ctx: Ctx, Path(anno): Path<i32>) -> AppResult<Response> {
    let v = vista(&ctx, anno).await?;
    Ok(crate::kit::export::csv_response(
        &tabella_obiettivi(&v),
        &format!("piano-{anno}.csv"),
    ))
}

pub async fn piano_json(ctx: Ctx, Path(anno): Path<i32>) -> AppResult<Response> {
    let v = vista(&ctx, anno).await?;
    let r = |p: Option<f64>| p.map(|p| p.round() as i64);
    let body = serde_json::json!({
        "anno": v.p.anno,
        "titolo": v.p.titolo,
        "stato": v.p.stato,
        "data_approvazione": v.p.data_approvazione,
        "organo_approvazione": v.p.organo_approvazione,
        "avanzamento": r(v.roll_up.progresso),
        "obiettivi_conteggiati": v.roll_up.conteggiati,
        "obiettivi_senza_dato": v.roll_up.senza_dato,
        "aree": v.aree.iter().map(|a| serde_json::json!({
            "numero": a.a.ordine,
            "titolo": a.a.titolo,
            "avanzamento": r(a.roll_up.progresso),
            "obiettivi": a.obiettivi.iter().map(|o| serde_json::json!({
                "id": o.o.public_id,
                "numero": o.o.ordine,
                "titolo": o.o.titolo,
                "stato": o.o.stato,
                "stato_nome": o.stato_nome,
                "avanzamento": r(o.progresso),
                "peso": o.o.peso,
                "scadenza": o.o.scadenza,
                "indicatori": o.indicatori.iter().map(|i| serde_json::json!({
                    "nome": i.i.nome,
                    "unita": i.i.unita,
                    "direzione": i.i.direzione,
                    "valore_base": i.i.valore_base,
                    "valore_obiettivo": i.i.valore_obiettivo,
                    "avanzamento": r(i.progresso),
                    "misure": i.misure.iter().map(|m| serde_json::json!({"data": m.data, "valore": m.valore})).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "ultimi_aggiornamenti": v.ultimi_aggiornamenti.iter().map(|u| serde_json::json!({
            "data": u.a.data,
            "obiettivo": u.obiettivo_id,
            "testo": u.a.testo,
        })).collect::<Vec<_>>(),
    });
    Ok(axum::Json(body).into_response())
}

pub const COLONNE_INDICATORI: &[&str] = &[
    "Area",
    "Obiettivo",
    "Indicatore",
    "Unità",
    "Direzione",
    "Valore di partenza",
    "Valore obiettivo",
    "Ultima misura",
    "Data ultima misura",
    "Avanzamento indicatore (%)",
];

/// The plan as a workbook: a sheet of objectives (the CSV columns plus owner and priority for
/// staff) and one of indicators.
pub async fn piano_xlsx(ctx: Ctx, Path(anno): Path<i32>) -> AppResult<Response> {
    let v = vista(&ctx, anno).await?;
    let obiettivi = tabella_obiettivi(&v);
    let mut ind = Table::new(COLONNE_INDICATORI);
    for a in &v.aree {
        for o in &a.obiettivi {
            for i in &o.indicatori {
                ind.rows.push(vec![
                    a.a.titolo.as_str().into(),
                    o.o.titolo.as_str().into(),
                    i.i.nome.as_str().into(),
                    i.i.unita.as_str().into(),
                    i.i.direzione.as_str().into(),
                    Cell::Dec(i.i.valore_base, 2),
                    Cell::Dec(i.i.valore_obiettivo, 2),
                    i.ultimo()
                        .map(|m| Cell::Dec(m.valore, 2))
                        .unwrap_or(Cell::Empty),
                    i.ultimo().map(|m| m.data).into(),
                    round(i.progresso),
                ]);
            }
        }
    }
    let body = crate::kit::export::xlsx(&[("Obiettivi", &obiettivi), ("Indicatori", &ind)])?;
    Ok(crate::kit::export::attachment(
        body,
        crate::kit::export::XLSX_MIME,
        &format!("piano-{anno}.xlsx"),
    ))
}

/// The formats of the progress report.
#[derive(Clone, Copy)]
enum Formato {
    Pdf,
    Docx,
    Odt,
}

/// The progress report for the association's council: cover, summary per area, the
/// objectives, what is late or off track, and the objectives at risk from the change of
/// legislature. Staff only (it includes internal objectives). As PDF.
pub async fn piano_pdf(ctx: Ctx, path: Path<i32>, q: Query<CruscottoQuery>) -> AppResult<Response> {
    relazione_in(ctx, path, q, Formato::Pdf).await
}

/// The progress report as DOCX, for an office to edit.
pub async fn piano_docx(
    ctx: Ctx,
    path: Path<i32>,
    q: Query<CruscottoQuery>,
) -> AppResult<Response> {
    relazione_in(ctx, path, q, Formato::Docx).await
}

/// The progress report as ODT, for an office to edit.
pub async fn piano_odt(ctx: Ctx, path: Path<i32>, q: Query<CruscottoQuery>) -> AppResult<Response> {
    relazione_in(ctx, path, q, Formato::Odt).await
}

async fn relazione_in(
    ctx: Ctx,
    Path(anno): Path<i32>,
    Query(q): Query<CruscottoQuery>,
    formato: Formato,
) -> AppResult<Response> {
    use crate::kit::impagina::Ufficio;
    ctx.require_grant(PIANO)?;
    let v = vista(&ctx, anno).await?;
    let (al, _) = data_riferimento(&v, &q.al);
    let c = store::cruscotto(&v, al, &ctx.state.config);
    let config = &ctx.state.config;
    let titolo = format!(
        "{} · {} · relazione al {}",
        config.associazione.nome_associazione,
        v.p.titolo,
        fmt::date(al)
    );
    let nome = format!("relazione-piano-{anno}");
    let meta = || {
        piazza_office::documento::scrivi::Metadati::new(
            titolo.clone(),
            config.associazione.nome_associazione.clone(),
            chrono::Utc::now().naive_utc(),
        )
    };
    Ok(match formato {
        Formato::Pdf => {
            let mut d = crate::kit::pdf::Documento::new(titolo.clone());
            d.spazio(120.0);
            relazione(&mut d, &v, &c, al, config);
            crate::kit::export::attachment(d.finish(), "application/pdf", &format!("{nome}.pdf"))
        }
        Formato::Docx => {
            let mut d = Ufficio::default();
            relazione(&mut d, &v, &c, al, config);
            crate::kit::export::attachment(d.docx(&meta()), DOCX_MIME, &format!("{nome}.docx"))
        }
        Formato::Odt => {
            let mut d = Ufficio::default();
            relazione(&mut d, &v, &c, al, config);
            crate::kit::export::attachment(d.odt(&meta()), ODT_MIME, &format!("{nome}.odt"))
        }
    })
}

const DOCX_MIME: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const ODT_MIME: &str = "application/vnd.oasis.opendocument.text";

/// The report's content, whatever the format.
fn relazione(
    d: &mut impl crate::kit::impagina::Impaginazione,
    v: &store::PianoVista,
    c: &store::Cruscotto,
    al: chrono::NaiveDate,
    config: &crate::AppConfig,
) {
    use crate::kit::pdf::Colonna;
    d.rilievo(&config.associazione.nome_associazione);
    d.titolo(&v.p.titolo);
    d.rilievo("Relazione sullo stato di avanzamento");
    d.paragrafo(&format!("Situazione al {}.", fmt::date(al)));
    d.paragrafo(&match (&v.p.data_approvazione, &v.p.organo_approvazione) {
        (Some(data), Some(organo)) if v.p.stato == "approvato" => {
            format!("Piano approvato il {} da: {organo}.", fmt::date(*data))
        }
        _ => "Bozza del piano, non ancora approvata.".to_owned(),
    });
    d.paragrafo(&format!(
        "Avanzamento complessivo: {}, media pesata di {} obiettivi{}.",
        v.roll_up
            .progresso
            .map(|p| format!("{p:.0}%"))
            .unwrap_or_else(|| "non ancora misurato".into()),
        v.roll_up.conteggiati,
        if v.roll_up.senza_dato > 0 {
            format!(" ({} ancora senza dato)", v.roll_up.senza_dato)
        } else {
            String::new()
        }
    ));
    d.fine_copertina();
    d.sezione("Sintesi per area");
    for a in &v.aree {
        d.barra(
            &format!("{}. {}", a.a.ordine, a.a.titolo),
            a.roll_up.progresso,
        );
    }
    d.barra("Piano nel complesso", v.roll_up.progresso);
    d.sezione("Obiettivi");
    let colonne = [
        Colonna {
            titolo: "Area",
            quota: 0.16,
            destra: false,
        },
        Colonna {
            titolo: "Obiettivo",
            quota: 0.40,
            destra: false,
        },
        Colonna {
            titolo: "Responsabile",
            quota: 0.16,
            destra: false,
        },
        Colonna {
            titolo: "Stato",
            quota: 0.11,
            destra: false,
        },
        Colonna {
            titolo: "Avanz.",
            quota: 0.07,
            destra: true,
        },
        Colonna {
            titolo: "Scadenza",
            quota: 0.10,
            destra: false,
        },
    ];
    let righe: Vec<Vec<String>> = v
        .aree
        .iter()
        .flat_map(|a| {
            a.obiettivi.iter().map(move |o| {
                vec![
                    a.a.titolo.clone(),
                    o.o.titolo.clone(),
                    o.titolare(),
                    o.stato_nome.clone(),
                    if o.progresso.is_some() {
                        format!("{}%", o.percentuale())
                    } else {
                        "–".into()
                    },
                    o.scadenza_fmt(),
                ]
            })
        })
        .collect();
    d.tabella(&colonne, &righe);
    let elenco = [
        ("Obiettivi scaduti", &c.scaduti),
        ("Indicatori fuori traiettoria", &c.fuori_traiettoria),
        (
            "Obiettivi senza aggiornamenti recenti",
            &c.senza_aggiornamenti,
        ),
        (
            "Obiettivi a rischio cambio legislatura",
            &c.a_rischio_legislatura,
        ),
    ];
    d.sezione("Elementi in ritardo o da seguire");
    let colonne = [
        Colonna {
            titolo: "Obiettivo",
            quota: 0.45,
            destra: false,
        },
        Colonna {
            titolo: "Responsabile",
            quota: 0.2,
            destra: false,
        },
        Colonna {
            titolo: "Motivo",
            quota: 0.35,
            destra: false,
        },
    ];
    for (titolo, righe) in elenco {
        d.sottosezione(&format!("{titolo}: {}", righe.len()));
        if !righe.is_empty() {
            let r: Vec<Vec<String>> = righe
                .iter()
                .map(|r| vec![r.titolo.clone(), r.titolare.clone(), r.motivo.clone()])
                .collect();
            d.tabella(&colonne, &r);
        }
    }
}
