use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use super::map::{self, Classe, Layer, MapBase};
use crate::kit::fmt;

/// A comune as shown everywhere, with its derived values.
#[derive(Debug, Clone)]
pub struct ComuneInfo {
    pub id: i64,
    pub codice_istat: String,
    pub nome: String,
    pub nome_norm: String,
    pub codice_provincia: String,
    pub sigla_provincia: String,
    pub provincia: String,
    pub codice_uts: Option<String>,
    pub tipo_ente: Option<String>,
    pub capoluogo: bool,
    pub codice_catastale: Option<String>,
    pub nuts3: Option<String>,
    pub popolazione: Option<i64>,
    pub popolazione_2019: Option<i64>,
    pub popolazione_2011: Option<i64>,
    pub superficie_kmq: Option<f64>,
    pub densita: Option<f64>,
    pub altitudine_m: Option<i32>,
    pub zona_altimetrica: Option<i32>,
    pub litoraneo: bool,
    pub isolano: bool,
    pub degurba: Option<i32>,
    /// Codes of the alert zones the comune lies in (usually one, sometimes two).
    pub zone: Vec<String>,
    /// Display strings, formatted once when the snapshot is built.
    pub testi: Testi,
}

/// The Italian display forms of a comune's numbers.
#[derive(Debug, Clone, Default)]
pub struct Testi {
    pub popolazione: String,
    pub popolazione_2019: String,
    pub popolazione_2011: String,
    pub superficie: String,
    pub densita: String,
    pub altitudine: String,
    pub zone: String,
}

impl Testi {
    fn of(c: &ComuneInfo) -> Self {
        Self {
            popolazione: c.popolazione.map(fmt::int).unwrap_or_default(),
            popolazione_2019: c.popolazione_2019.map(fmt::int).unwrap_or_default(),
            popolazione_2011: c.popolazione_2011.map(fmt::int).unwrap_or_default(),
            superficie: c
                .superficie_kmq
                .map(|s| fmt::decimal(s, 2))
                .unwrap_or_default(),
            densita: c.densita.map(|d| fmt::decimal(d, 1)).unwrap_or_default(),
            altitudine: c
                .altitudine_m
                .map(|a| fmt::int(a as i64))
                .unwrap_or_default(),
            zone: c.zone.join(", "),
        }
    }
}

/// Below this population a comune is a "piccolo comune" (L. 158/2017).
pub const SOGLIA_PICCOLO_COMUNE: i64 = 5_000;

impl ComuneInfo {
    pub fn piccolo(&self) -> bool {
        self.popolazione.is_some_and(|p| p < SOGLIA_PICCOLO_COMUNE)
    }
    pub fn popolazione_fmt(&self) -> &str {
        &self.testi.popolazione
    }
    pub fn popolazione_2019_fmt(&self) -> &str {
        &self.testi.popolazione_2019
    }
    pub fn popolazione_2011_fmt(&self) -> &str {
        &self.testi.popolazione_2011
    }
    pub fn superficie_fmt(&self) -> &str {
        &self.testi.superficie
    }
    pub fn densita_fmt(&self) -> &str {
        &self.testi.densita
    }
    pub fn altitudine_fmt(&self) -> &str {
        &self.testi.altitudine
    }
    pub fn zona_altimetrica_nome(&self) -> &'static str {
        self.zona_altimetrica
            .map(zona_altimetrica_nome)
            .unwrap_or("")
    }
    pub fn degurba_nome(&self) -> &'static str {
        match self.degurba {
            Some(1) => "città",
            Some(2) => "piccole città e sobborghi",
            Some(3) => "zone rurali",
            _ => "",
        }
    }
    pub fn zone_str(&self) -> &str {
        &self.testi.zone
    }
}

pub fn zona_altimetrica_nome(z: i32) -> &'static str {
    match z {
        1 => "montagna interna",
        2 => "montagna litoranea",
        3 => "collina interna",
        4 => "collina litoranea",
        5 => "pianura",
        _ => "",
    }
}

#[derive(Debug, Clone)]
pub struct ZonaInfo {
    pub codice: String,
    pub nome: String,
    pub codice_dpc: Option<String>,
    /// Indexes into `Territorio::comuni`.
    pub comuni: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct ProvinciaInfo {
    pub codice: String,
    pub sigla: String,
    pub nome: String,
}

/// The immutable snapshot of the territory.
#[derive(Debug, Default)]
pub struct Territorio {
    /// Sorted by normalised name.
    pub comuni: Vec<ComuneInfo>,
    pub by_codice: HashMap<String, usize>,
    pub by_id: HashMap<i64, usize>,
    pub zone: Vec<ZonaInfo>,
    pub province: Vec<ProvinciaInfo>,
    pub mappa: MapBase,
    /// The comuni's boundaries in degrees, for matching the areas of alerts.
    pub confini: Vec<super::confini::Confine>,
    /// Rendered maps by key, filled on first use (the snapshot never changes).
    svg_cache: Mutex<HashMap<String, Arc<MappaPronta>>>,
}

impl Territorio {
    pub fn new(
        mut comuni: Vec<ComuneInfo>,
        zone: Vec<(String, String, Option<String>)>,
        province: Vec<ProvinciaInfo>,
        mappa: MapBase,
    ) -> Self {
        comuni.sort_by(|a, b| a.nome_norm.cmp(&b.nome_norm));
        for c in &mut comuni {
            c.testi = Testi::of(c);
        }
        let by_codice = comuni
            .iter()
            .enumerate()
            .map(|(i, c)| (c.codice_istat.clone(), i))
            .collect();
        let by_id = comuni.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        let zone = zone
            .into_iter()
            .map(|(codice, nome, codice_dpc)| {
                let members = comuni
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.zone.contains(&codice))
                    .map(|(i, _)| i)
                    .collect();
                ZonaInfo {
                    codice,
                    nome,
                    codice_dpc,
                    comuni: members,
                }
            })
            .collect();
        Self {
            comuni,
            by_codice,
            by_id,
            zone,
            province,
            mappa,
            confini: Vec::new(),
            svg_cache: Mutex::default(),
        }
    }

    pub fn comune(&self, codice: &str) -> Option<&ComuneInfo> {
        self.by_codice.get(codice).map(|i| &self.comuni[*i])
    }

    /// A layer of counts per comune (projects, events): classes 1, 2–3, 4–6, 7–10, 11 and more;
    /// each comune's label is "1 `uno`" or "n `molti`".
    pub fn layer_conteggi(
        &self,
        titolo: &str,
        conteggi: &HashMap<i64, i64>,
        uno: &str,
        molti: &str,
    ) -> Layer {
        let limiti = [1, 2, 4, 7, 11];
        let etichette = ["1", "2 – 3", "4 – 6", "7 – 10", "11 e oltre"];
        let mut valori = HashMap::new();
        for c in &self.comuni {
            if let Some(n) = conteggi.get(&c.id).filter(|n| **n > 0) {
                let classe = limiti.iter().take_while(|l| *n >= **l).count() - 1;
                let testo = if *n == 1 {
                    format!("1 {uno}")
                } else {
                    format!("{n} {molti}")
                };
                valori.insert(c.codice_istat.clone(), (classe, testo));
            }
        }
        Layer {
            titolo: titolo.into(),
            classi: etichette
                .iter()
                .zip(map::SEQUENTIAL)
                .map(|(e, c)| Classe {
                    etichetta: (*e).into(),
                    colore: c,
                })
                .collect(),
            valori,
            etichette: Vec::new(),
        }
    }

    /// A comune as people type it: its ISTAT code, or its name (case and accents ignored).
    pub fn trova(&self, s: &str) -> Option<&ComuneInfo> {
        let s = s.trim();
        self.comune(s).or_else(|| {
            let n = crate::kit::text::normalize(s);
            self.comuni
                .iter()
                .find(|c| !n.is_empty() && c.nome_norm == n)
        })
    }

    pub fn comune_by_id(&self, id: i64) -> Option<&ComuneInfo> {
        self.by_id.get(&id).map(|i| &self.comuni[*i])
    }

    pub fn zona(&self, codice: &str) -> Option<&ZonaInfo> {
        self.zone.iter().find(|z| z.codice == codice)
    }

    pub fn name_of(&self, codice: &str) -> Option<String> {
        self.comune(codice).map(|c| c.nome.clone())
    }

    /// Draws `layer` over the whole region.
    pub fn render_map(&self, layer: &Layer) -> String {
        map::render(&self.mappa, layer, &|c| self.name_of(c), None)
    }

    /// Draws `layer` over the given comuni only, zoomed to them.
    pub fn render_map_of(&self, layer: &Layer, codes: &[&str]) -> String {
        map::render(&self.mappa, layer, &|c| self.name_of(c), Some(codes))
    }

    /// A map rendered once per snapshot and key; `make` draws it on first use.
    pub fn cached(&self, key: &str, make: impl FnOnce(&Self) -> MappaPronta) -> Arc<MappaPronta> {
        if let Some(m) = self.svg_cache.lock().expect("map cache").get(key) {
            return m.clone();
        }
        let m = Arc::new(make(self));
        self.svg_cache
            .lock()
            .expect("map cache")
            .insert(key.to_owned(), m.clone());
        m
    }

    /// The region map of a layer of static data, rendered once.
    pub fn cached_map(&self, key: &str, make: impl FnOnce(&Self) -> Layer) -> Arc<MappaPronta> {
        self.cached(key, |t| {
            let layer = make(t);
            MappaPronta {
                svg: t.render_map(&layer),
                titolo: layer.titolo,
                classi: layer.classi,
            }
        })
    }
}

/// A rendered map with its legend.
#[derive(Debug)]
pub struct MappaPronta {
    pub titolo: String,
    pub classi: Vec<Classe>,
    pub svg: String,
}

/// The shared, swappable snapshot.
#[derive(Clone, Default)]
pub struct TerritorioCache(Arc<RwLock<Arc<Territorio>>>);

impl TerritorioCache {
    pub fn get(&self) -> Arc<Territorio> {
        self.0.read().expect("territorio lock").clone()
    }
    pub fn set(&self, t: Territorio) {
        *self.0.write().expect("territorio lock") = Arc::new(t);
    }
}

/// The indicators of the territory map; other modules build their own [`Layer`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indicatore {
    Popolazione,
    Densita,
    ZonaAltimetrica,
    PiccoliComuni,
}

impl Indicatore {
    pub const ALL: [Indicatore; 4] = [
        Self::Popolazione,
        Self::Densita,
        Self::ZonaAltimetrica,
        Self::PiccoliComuni,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Popolazione => "popolazione",
            Self::Densita => "densita",
            Self::ZonaAltimetrica => "zona-altimetrica",
            Self::PiccoliComuni => "piccoli-comuni",
        }
    }

    pub fn nome(self) -> &'static str {
        match self {
            Self::Popolazione => "Popolazione residente",
            Self::Densita => "Densità (abitanti per km²)",
            Self::ZonaAltimetrica => "Zona altimetrica ISTAT",
            Self::PiccoliComuni => "Piccoli comuni (meno di 5.000 abitanti)",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.key() == s)
    }

    pub fn layer(self, t: &Territorio) -> Layer {
        let classes = |labels: &[&str], colors: &[&'static str]| -> Vec<Classe> {
            labels
                .iter()
                .zip(colors)
                .map(|(l, c)| Classe {
                    etichetta: (*l).to_owned(),
                    colore: c,
                })
                .collect()
        };
        let bucket = |v: f64, bounds: &[f64]| bounds.iter().take_while(|b| v >= **b).count();
        let mut valori = HashMap::new();
        let classi = match self {
            Self::Popolazione => {
                for c in &t.comuni {
                    if let Some(p) = c.popolazione {
                        valori.insert(
                            c.codice_istat.clone(),
                            (
                                bucket(p as f64, &[1_000.0, 5_000.0, 10_000.0, 50_000.0]),
                                format!("{} abitanti", fmt::int(p)),
                            ),
                        );
                    }
                }
                classes(
                    &[
                        "meno di 1.000",
                        "1.000 – 4.999",
                        "5.000 – 9.999",
                        "10.000 – 49.999",
                        "50.000 e oltre",
                    ],
                    &map::SEQUENTIAL,
                )
            }
            Self::Densita => {
                for c in &t.comuni {
                    if let Some(d) = c.densita {
                        valori.insert(
                            c.codice_istat.clone(),
                            (
                                bucket(d, &[50.0, 100.0, 300.0, 1_000.0]),
                                format!("{} ab./km²", fmt::decimal(d, 1)),
                            ),
                        );
                    }
                }
                classes(
                    &[
                        "meno di 50",
                        "50 – 99",
                        "100 – 299",
                        "300 – 999",
                        "1.000 e oltre",
                    ],
                    &map::SEQUENTIAL,
                )
            }
            Self::ZonaAltimetrica => {
                for c in &t.comuni {
                    if let Some(z @ 1..=5) = c.zona_altimetrica {
                        valori.insert(
                            c.codice_istat.clone(),
                            ((z - 1) as usize, zona_altimetrica_nome(z).to_owned()),
                        );
                    }
                }
                classes(
                    &[
                        "montagna interna",
                        "montagna litoranea",
                        "collina interna",
                        "collina litoranea",
                        "pianura",
                    ],
                    &["#7b4a2a", "#b07a4f", "#7aa95c", "#b5d38a", "#f3eab0"],
                )
            }
            Self::PiccoliComuni => {
                for c in &t.comuni {
                    if let Some(p) = c.popolazione {
                        let small = p < SOGLIA_PICCOLO_COMUNE;
                        valori.insert(
                            c.codice_istat.clone(),
                            (
                                usize::from(small),
                                format!(
                                    "{} abitanti{}",
                                    fmt::int(p),
                                    if small { ", piccolo comune" } else { "" }
                                ),
                            ),
                        );
                    }
                }
                classes(
                    &["5.000 abitanti e oltre", "piccolo comune"],
                    &["#a6c8e8", "#d9534f"],
                )
            }
        };
        Layer {
            titolo: self.nome().to_owned(),
            classi,
            valori,
            ..Default::default()
        }
    }
}
