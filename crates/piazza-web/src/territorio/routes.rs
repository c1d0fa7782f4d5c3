use std::sync::Arc;

use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::model::{ComuneInfo, Indicatore, Territorio, zona_altimetrica_nome};
use crate::kit::error::{AppError, AppResult};
use crate::kit::export::{Cell, Table, csv_response, xlsx_response};
use crate::kit::extract::{Path, Query};
use crate::kit::list::{Pager, query_string};
use crate::kit::moduli::TERRITORIO;
use crate::kit::text::normalize;
use crate::kit::view::{Chrome, Ctx, FormErrors, render};

/// The filters of the comuni list as typed in the query string; parsed by [`Filtro::parse`].
#[derive(Debug, Default, Deserialize)]
pub struct ComuniQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub provincia: String,
    #[serde(default)]
    pub zona: String,
    #[serde(default)]
    pub altimetria: String,
    #[serde(default)]
    pub litoraneo: String,
    #[serde(default)]
    pub isolano: String,
    #[serde(default)]
    pub piccolo: String,
    #[serde(default)]
    pub pop_min: String,
    #[serde(default)]
    pub pop_max: String,
    #[serde(default)]
    pub ordina: String,
    #[serde(default)]
    pub verso: String,
    pub pagina: Option<String>,
    pub per_pagina: Option<String>,
}

impl ComuniQuery {
    /// The filter parameters (without page), to keep them in links and exports.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.trim().to_owned()),
            ("provincia", self.provincia.clone()),
            ("zona", self.zona.clone()),
            ("altimetria", self.altimetria.clone()),
            ("litoraneo", self.litoraneo.clone()),
            ("isolano", self.isolano.clone()),
            ("piccolo", self.piccolo.clone()),
            ("pop_min", self.pop_min.trim().to_owned()),
            ("pop_max", self.pop_max.trim().to_owned()),
            ("ordina", self.ordina.clone()),
            ("verso", self.verso.clone()),
        ]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ordina {
    Nome,
    Provincia,
    Popolazione,
    Superficie,
    Densita,
    Altitudine,
}

impl Ordina {
    fn parse(s: &str) -> Self {
        match s {
            "provincia" => Self::Provincia,
            "popolazione" => Self::Popolazione,
            "superficie" => Self::Superficie,
            "densita" => Self::Densita,
            "altitudine" => Self::Altitudine,
            _ => Self::Nome,
        }
    }
}

#[derive(Debug, Default)]
pub struct Filtro {
    q: String,
    provincia: Option<String>,
    zona: Option<String>,
    altimetria: Option<i32>,
    litoraneo: Option<bool>,
    isolano: Option<bool>,
    piccolo: Option<bool>,
    pop_min: Option<i64>,
    pop_max: Option<i64>,
    ordina: Option<Ordina>,
    desc: bool,
}

fn tri(s: &str) -> Option<bool> {
    match s {
        "si" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

impl Filtro {
    /// Parses the query; bad values are reported per field (and ignored for the search).
    pub fn parse(q: &ComuniQuery, t: &Territorio) -> (Self, FormErrors) {
        let mut errors = FormErrors::default();
        let mut int = |field: &'static str, v: &str| -> Option<i64> {
            let v = v.trim().replace('.', "");
            if v.is_empty() {
                return None;
            }
            match v.parse::<i64>() {
                Ok(n) if n >= 0 => Some(n),
                _ => {
                    errors.add(
                        field,
                        "Inserire un numero intero non negativo, ad esempio 5000.",
                    );
                    None
                }
            }
        };
        let pop_min = int("pop_min", &q.pop_min);
        let pop_max = int("pop_max", &q.pop_max);
        if let (Some(a), Some(b)) = (pop_min, pop_max)
            && a > b
        {
            errors.add(
                "pop_max",
                "Il massimo deve essere maggiore o uguale al minimo.",
            );
        }
        let provincia = (!q.provincia.is_empty()).then(|| q.provincia.clone());
        if let Some(p) = &provincia
            && !t.province.iter().any(|x| &x.sigla == p)
        {
            errors.add("provincia", "Provincia sconosciuta.");
        }
        let zona = (!q.zona.is_empty()).then(|| q.zona.clone());
        if let Some(z) = &zona
            && t.zona(z).is_none()
        {
            errors.add("zona", "Zona di allerta sconosciuta.");
        }
        let altimetria = match q.altimetria.as_str() {
            "" => None,
            s => match s.parse::<i32>() {
                Ok(z @ 1..=5) => Some(z),
                _ => {
                    errors.add("altimetria", "Zona altimetrica non valida.");
                    None
                }
            },
        };
        let f = Filtro {
            q: normalize(&q.q),
            provincia,
            zona,
            altimetria,
            litoraneo: tri(&q.litoraneo),
            isolano: tri(&q.isolano),
            piccolo: tri(&q.piccolo),
            pop_min,
            pop_max,
            ordina: (!q.ordina.is_empty()).then(|| Ordina::parse(&q.ordina)),
            desc: q.verso == "desc",
        };
        (f, errors)
    }

    fn matches(&self, c: &ComuneInfo) -> bool {
        (self.q.is_empty() || c.nome_norm.contains(&self.q))
            && self
                .provincia
                .as_ref()
                .is_none_or(|p| &c.sigla_provincia == p)
            && self.zona.as_ref().is_none_or(|z| c.zone.contains(z))
            && self
                .altimetria
                .is_none_or(|a| c.zona_altimetrica == Some(a))
            && self.litoraneo.is_none_or(|v| c.litoraneo == v)
            && self.isolano.is_none_or(|v| c.isolano == v)
            && self.piccolo.is_none_or(|v| c.piccolo() == v)
            && self
                .pop_min
                .is_none_or(|m| c.popolazione.is_some_and(|p| p >= m))
            && self
                .pop_max
                .is_none_or(|m| c.popolazione.is_some_and(|p| p <= m))
    }

    /// The matching comuni, sorted.
    pub fn apply<'a>(&self, t: &'a Territorio) -> Vec<&'a ComuneInfo> {
        let mut out: Vec<&ComuneInfo> = t.comuni.iter().filter(|c| self.matches(c)).collect();
        let by_f64 = |a: Option<f64>, b: Option<f64>| {
            a.unwrap_or(f64::MIN).total_cmp(&b.unwrap_or(f64::MIN))
        };
        match self.ordina.unwrap_or(Ordina::Nome) {
            Ordina::Nome => {} // the snapshot is sorted by name already
            Ordina::Provincia => out.sort_by(|a, b| {
                a.provincia
                    .cmp(&b.provincia)
                    .then(a.nome_norm.cmp(&b.nome_norm))
            }),
            Ordina::Popolazione => out.sort_by_key(|c| c.popolazione.unwrap_or(-1)),
            Ordina::Superficie => out.sort_by(|a, b| by_f64(a.superficie_kmq, b.superficie_kmq)),
            Ordina::Densita => out.sort_by(|a, b| by_f64(a.densita, b.densita)),
            Ordina::Altitudine => out.sort_by_key(|c| c.altitudine_m.unwrap_or(i32::MIN)),
        }
        if self.desc {
            out.reverse();
        }
        out
    }
}

pub struct Opzione {
    pub valore: String,
    pub etichetta: String,
}

pub struct SortLink {
    pub href: String,
    /// `ascending`, `descending` or `none` for `aria-sort`.
    pub aria: &'static str,
}

#[derive(Template)]
#[template(path = "territorio/comuni.html")]
struct ComuniPage<'a> {
    chrome: Chrome,
    q: &'a ComuniQuery,
    errors: FormErrors,
    province: Vec<Opzione>,
    zone: Vec<Opzione>,
    altimetrie: Vec<Opzione>,
    /// The results fragment, rendered once and also served alone to htmx.
    risultati: String,
}

#[derive(Template)]
#[template(path = "territorio/comuni_partial.html")]
struct ComuniPartial<'a> {
    righe: Vec<&'a ComuneInfo>,
    pager: Pager,
    export_qs: String,
    sort: Vec<(&'static str, &'static str, SortLink)>,
    totale_fmt: String,
}

fn sort_links(q: &ComuniQuery) -> Vec<(&'static str, &'static str, SortLink)> {
    let cols = [
        ("nome", "Comune"),
        ("provincia", "Provincia"),
        ("popolazione", "Popolazione"),
        ("superficie", "Superficie (km²)"),
        ("densita", "Densità (ab./km²)"),
        ("altitudine", "Altitudine (m)"),
    ];
    let current = if q.ordina.is_empty() {
        "nome"
    } else {
        q.ordina.as_str()
    };
    cols.iter()
        .map(|(key, label)| {
            let active = *key == current;
            let desc_now = active && q.verso == "desc";
            let mut params: Vec<(&str, String)> = q
                .params()
                .into_iter()
                .filter(|(k, _)| *k != "ordina" && *k != "verso")
                .collect();
            params.push(("ordina", (*key).to_owned()));
            if active && !desc_now {
                params.push(("verso", "desc".into()));
            }
            let aria = match (active, desc_now) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            };
            (
                *key,
                *label,
                SortLink {
                    href: format!("/comuni?{}", query_string(&params)),
                    aria,
                },
            )
        })
        .collect()
}

pub async fn comuni(ctx: Ctx, Query(q): Query<ComuniQuery>) -> AppResult<Response> {
    ctx.require_read(TERRITORIO)?;
    let t = ctx.state.territorio.get();
    let (filtro, errors) = Filtro::parse(&q, &t);
    let righe_all = filtro.apply(&t);
    let params = q.params();
    let pager = Pager::new(
        "/comuni",
        &params,
        q.pagina.as_deref(),
        q.per_pagina.as_deref(),
        righe_all.len(),
    );
    let risultati = ComuniPartial {
        righe: pager.slice(&righe_all).to_vec(),
        totale_fmt: crate::kit::fmt::int(righe_all.len() as i64),
        pager,
        export_qs: query_string(&params),
        sort: sort_links(&q),
    };
    if ctx.htmx {
        return render(&risultati);
    }
    let risultati = risultati
        .render()
        .map_err(|e| AppError::causa("template", e))?;
    let page = ComuniPage {
        chrome: ctx.chrome(
            "Comuni",
            &[("Territorio", "/comuni"), ("Comuni", "/comuni")],
        ),
        q: &q,
        errors,
        province: t
            .province
            .iter()
            .map(|p| Opzione {
                valore: p.sigla.clone(),
                etichetta: p.nome.clone(),
            })
            .collect(),
        zone: t
            .zone
            .iter()
            .map(|z| Opzione {
                valore: z.codice.clone(),
                etichetta: format!("{} – {}", z.codice, z.nome),
            })
            .collect(),
        altimetrie: (1..=5)
            .map(|z| Opzione {
                valore: z.to_string(),
                etichetta: zona_altimetrica_nome(z).to_owned(),
            })
            .collect(),
        risultati,
    };
    render(&page)
}

fn comuni_table(righe: &[&ComuneInfo]) -> Table {
    let mut t = Table::new(&[
        "Codice ISTAT",
        "Comune",
        "Provincia",
        "Sigla",
        "Popolazione 01/01/2023",
        "Popolazione 31/12/2019",
        "Popolazione censimento 2011",
        "Superficie km²",
        "Densità ab./km²",
        "Altitudine m",
        "Zona altimetrica",
        "Litoraneo",
        "Isolano",
        "Piccolo comune",
        "Grado di urbanizzazione",
        "Codice catastale",
        "Zone di allerta",
    ]);
    for c in righe {
        t.rows.push(vec![
            c.codice_istat.as_str().into(),
            c.nome.as_str().into(),
            c.provincia.as_str().into(),
            c.sigla_provincia.as_str().into(),
            c.popolazione.into(),
            c.popolazione_2019.into(),
            c.popolazione_2011.into(),
            c.superficie_kmq
                .map(|s| Cell::Dec(s, 2))
                .unwrap_or(Cell::Empty),
            c.densita.map(|d| Cell::Dec(d, 1)).unwrap_or(Cell::Empty),
            c.altitudine_m
                .map(|a| Cell::Int(a as i64))
                .unwrap_or(Cell::Empty),
            c.zona_altimetrica_nome().into(),
            c.litoraneo.into(),
            c.isolano.into(),
            c.piccolo().into(),
            c.degurba_nome().into(),
            c.codice_catastale.clone().into(),
            c.zone_str().into(),
        ]);
    }
    t
}

fn filtered(ctx: &Ctx, q: &ComuniQuery) -> AppResult<(Arc<Territorio>, Filtro)> {
    ctx.require_read(TERRITORIO)?;
    let t = ctx.state.territorio.get();
    let (f, errors) = Filtro::parse(q, &t);
    if let Some((_, msg)) = errors.0.iter().next() {
        return Err(AppError::BadRequest(msg.clone()));
    }
    Ok((t, f))
}

pub async fn comuni_csv(ctx: Ctx, Query(q): Query<ComuniQuery>) -> AppResult<Response> {
    let (t, f) = filtered(&ctx, &q)?;
    Ok(csv_response(&comuni_table(&f.apply(&t)), "comuni.csv"))
}

pub async fn comuni_xlsx(ctx: Ctx, Query(q): Query<ComuniQuery>) -> AppResult<Response> {
    let (t, f) = filtered(&ctx, &q)?;
    xlsx_response(&comuni_table(&f.apply(&t)), "Comuni", "comuni.xlsx")
}

#[derive(Template)]
#[template(path = "territorio/comune.html")]
struct ComunePage<'a> {
    chrome: Chrome,
    c: &'a ComuneInfo,
    confinanti: Vec<(&'a str, &'a str)>,
    zone: Vec<(String, String)>,
    mappa: Arc<super::model::MappaPronta>,
    /// What the other domains show about the comune (alerts, administrators, objectives...).
    pannelli: crate::kit::pannelli::PannelliPagina,
    sezioni_future: &'static [&'static str],
}

/// Locator map: the comuni of the same province, this one highlighted.
fn locator(t: &Territorio, c: &ComuneInfo) -> super::model::MappaPronta {
    let same_province: Vec<&str> = t
        .comuni
        .iter()
        .filter(|x| x.codice_provincia == c.codice_provincia)
        .map(|x| x.codice_istat.as_str())
        .collect();
    let mut layer = super::map::Layer {
        titolo: format!("{} nella provincia di {}", c.nome, c.provincia),
        classi: vec![
            super::map::Classe {
                etichetta: "altri comuni della provincia".into(),
                colore: "#dbe9f6",
            },
            super::map::Classe {
                etichetta: c.nome.clone(),
                colore: "#0066cc",
            },
        ],
        ..Default::default()
    };
    for x in t
        .comuni
        .iter()
        .filter(|x| x.codice_provincia == c.codice_provincia)
    {
        layer.valori.insert(
            x.codice_istat.clone(),
            (
                usize::from(x.codice_istat == c.codice_istat),
                x.nome.clone(),
            ),
        );
    }
    super::model::MappaPronta {
        svg: t.render_map_of(&layer, &same_province),
        titolo: layer.titolo,
        classi: layer.classi,
    }
}

pub async fn comune(ctx: Ctx, Path(codice): Path<String>) -> AppResult<Response> {
    ctx.require_read(TERRITORIO)?;
    let t = ctx.state.territorio.get();
    let c = t.comune(&codice).ok_or(AppError::NotFound)?;
    let zone = c
        .zone
        .iter()
        .map(|z| {
            (
                z.clone(),
                t.zona(z).map(|z| z.nome.clone()).unwrap_or_default(),
            )
        })
        .collect();
    let mappa = t.cached(&format!("comune:{}", c.codice_istat), |t| locator(t, c));
    let confinanti = t
        .mappa
        .confinanti
        .get(&c.codice_istat)
        .map(|v| {
            v.iter()
                .filter_map(|code| t.comune(code))
                .map(|n| (n.codice_istat.as_str(), n.nome.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let page = ComunePage {
        confinanti,
        chrome: ctx.chrome(
            c.nome.clone(),
            &[
                ("Territorio", "/comuni"),
                ("Comuni", "/comuni"),
                (&c.nome, &format!("/comuni/{}", c.codice_istat)),
            ],
        ),
        c,
        zone,
        mappa,
        pannelli: crate::kit::pannelli::mostra(
            &ctx,
            crate::kit::pannelli::Pagina::Comune,
            crate::kit::pannelli::Soggetto {
                id: c.id,
                chiave: &c.codice_istat,
            },
        )
        .await?,
        sezioni_future: &[
            "Servizi adottati",
            "Eventi sul territorio",
            "Dipendenti formati",
            "Servizio civile",
        ],
    };
    render(&page)
}

#[derive(Deserialize)]
pub struct MappaQuery {
    indicatore: Option<String>,
}

pub struct IndicatoreOpt {
    pub key: &'static str,
    pub nome: &'static str,
    pub selezionato: bool,
}

#[derive(Template)]
#[template(path = "territorio/mappa.html")]
struct MappaPage {
    chrome: Chrome,
    indicatori: Vec<IndicatoreOpt>,
    mappa: Arc<super::model::MappaPronta>,
    svg_href: String,
    /// Layers of other modules this user may open (name, page).
    altri_livelli: Vec<(&'static str, &'static str)>,
}

fn indicatore(q: &MappaQuery) -> AppResult<Indicatore> {
    match q.indicatore.as_deref() {
        None | Some("") => Ok(Indicatore::Popolazione),
        Some(k) => Indicatore::parse(k)
            .ok_or_else(|| AppError::BadRequest(format!("Indicatore «{k}» sconosciuto."))),
    }
}

pub async fn mappa(ctx: Ctx, Query(q): Query<MappaQuery>) -> AppResult<Response> {
    ctx.require_read(TERRITORIO)?;
    let ind = indicatore(&q)?;
    let t = ctx.state.territorio.get();
    render(&MappaPage {
        chrome: ctx.chrome("Mappa", &[("Territorio", "/comuni"), ("Mappa", "/mappa")]),
        indicatori: Indicatore::ALL
            .iter()
            .map(|i| IndicatoreOpt {
                key: i.key(),
                nome: i.nome(),
                selezionato: *i == ind,
            })
            .collect(),
        mappa: t.cached_map(ind.key(), |t| ind.layer(t)),
        svg_href: format!("/mappa.svg?indicatore={}", ind.key()),
        altri_livelli: if ctx.can_read(crate::kit::moduli::PROGETTI) {
            vec![("Progetti per comune", "/progetti/mappa")]
        } else {
            Vec::new()
        },
    })
}

/// The map alone, as an SVG document (to embed or download).
pub async fn mappa_svg(ctx: Ctx, Query(q): Query<MappaQuery>) -> AppResult<Response> {
    ctx.require_read(TERRITORIO)?;
    let ind = indicatore(&q)?;
    let t = ctx.state.territorio.get();
    let m = t.cached_map(ind.key(), |t| ind.layer(t));
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        m.svg.clone(),
    )
        .into_response())
}

pub struct ZonaRiga {
    pub codice: String,
    pub nome: String,
    pub codice_dpc: String,
    pub n_comuni: usize,
    pub comuni: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "territorio/zone.html")]
struct ZonePage {
    chrome: Chrome,
    zone: Vec<ZonaRiga>,
    mappa: Arc<super::model::MappaPronta>,
}

fn zona_riga(t: &Territorio, z: &super::model::ZonaInfo) -> ZonaRiga {
    ZonaRiga {
        codice: z.codice.clone(),
        nome: z.nome.clone(),
        codice_dpc: z.codice_dpc.clone().unwrap_or_default(),
        n_comuni: z.comuni.len(),
        comuni: z
            .comuni
            .iter()
            .map(|i| (t.comuni[*i].codice_istat.clone(), t.comuni[*i].nome.clone()))
            .collect(),
    }
}

fn zone_layer(t: &Territorio) -> super::map::Layer {
    let mut layer = super::map::Layer {
        titolo: "Zone di allerta".into(),
        ..Default::default()
    };
    let group_of = |code: &str| {
        t.comune(code)
            .and_then(|c| c.zone.first())
            .and_then(|z| t.zone.iter().position(|x| &x.codice == z))
    };
    let colours = super::map::colour_groups(&t.mappa, t.zone.len(), &group_of);
    for (z, colore) in t.zone.iter().zip(colours) {
        layer.classi.push(super::map::Classe {
            etichetta: format!("{} – {}", z.codice, z.nome),
            colore,
        });
    }
    for c in &t.comuni {
        if let Some(first) = c.zone.first()
            && let Some(idx) = t.zone.iter().position(|z| &z.codice == first)
        {
            layer.valori.insert(
                c.codice_istat.clone(),
                (idx, format!("zona {}", c.zone.join(" e "))),
            );
        }
    }
    for z in &t.zone {
        layer.etichette.push((
            z.codice.clone(),
            z.comuni
                .iter()
                .map(|i| t.comuni[*i].codice_istat.clone())
                .collect(),
        ));
    }
    layer
}

pub async fn zone(ctx: Ctx) -> AppResult<Response> {
    ctx.require_read(TERRITORIO)?;
    let t = ctx.state.territorio.get();
    render(&ZonePage {
        chrome: ctx.chrome(
            "Zone di allerta",
            &[
                ("Territorio", "/comuni"),
                ("Zone di allerta", "/zone-allerta"),
            ],
        ),
        zone: t.zone.iter().map(|z| zona_riga(&t, z)).collect(),
        mappa: t.cached_map("zone-allerta", zone_layer),
    })
}

#[derive(Template)]
#[template(path = "territorio/zona.html")]
struct ZonaPage {
    chrome: Chrome,
    z: ZonaRiga,
    svg: String,
}

pub async fn zona(ctx: Ctx, Path(codice): Path<String>) -> AppResult<Response> {
    ctx.require_read(TERRITORIO)?;
    let t = ctx.state.territorio.get();
    let z = t.zona(&codice).ok_or(AppError::NotFound)?;
    let mut layer = super::map::Layer {
        titolo: format!("Zona di allerta {} – {}", z.codice, z.nome),
        classi: vec![
            super::map::Classe {
                etichetta: "altre zone".into(),
                colore: super::map::NO_DATA,
            },
            super::map::Classe {
                etichetta: format!("zona {}", z.codice),
                colore: "#0066cc",
            },
        ],
        ..Default::default()
    };
    for i in &z.comuni {
        let c = &t.comuni[*i];
        layer.valori.insert(
            c.codice_istat.clone(),
            (1, format!("zona {}", c.zone.join(" e "))),
        );
    }
    let svg = t.render_map(&layer);
    let riga = zona_riga(&t, z);
    render(&ZonaPage {
        chrome: ctx.chrome(
            format!("Zona {}", z.codice),
            &[
                ("Territorio", "/comuni"),
                ("Zone di allerta", "/zone-allerta"),
                (&z.codice, &format!("/zone-allerta/{}", z.codice)),
            ],
        ),
        z: riga,
        svg,
    })
}
