//! Reference data of the territory: parsing the shipped files (embedded in the binary) or a
//! region's own files, and loading them into the database in one transaction.
//!
//! Formats are those of `data/` (see `data/SOURCES.md`): the comuni CSV with ISTAT columns,
//! the alert-zone CSV, GeoJSON boundaries keyed by ISTAT code.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use piazza_db::audit::Actor;
use piazza_db::entities::{comune, comune_zona, confine, organizzazione, provincia, zona_allerta};
use piazza_db::lavoro::Lavoro;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;

use crate::kit::error::{AppError, AppResult};
use crate::kit::text::normalize;

pub const COMUNI_CSV: &[u8] = include_bytes!("../../../data/comuni-toscana.csv");
pub const ZONE_CSV: &[u8] = include_bytes!("../../../data/zone-allerta-toscana.csv");
pub const COMUNI_GEOJSON: &[u8] = include_bytes!("../../../data/comuni-toscana.geojson");
pub const PROVINCE_GEOJSON: &[u8] = include_bytes!("../../../data/province-toscana.geojson");
pub const SINDACI_CSV: &[u8] = include_bytes!("../../../data/sindaci-toscana-dait-2025-01-17.csv");

#[derive(Debug, Clone)]
pub struct ComuneRow {
    pub codice_istat: String,
    pub nome: String,
    pub codice_provincia: String,
    pub codice_uts: Option<String>,
    pub sigla_provincia: String,
    pub provincia: String,
    pub tipo_ente: Option<String>,
    pub capoluogo: bool,
    pub codice_catastale: Option<String>,
    pub nuts3: Option<String>,
    pub popolazione: Option<i64>,
    pub popolazione_2019: Option<i64>,
    pub popolazione_2011: Option<i64>,
    pub superficie_kmq: Option<f64>,
    pub altitudine_m: Option<i32>,
    pub zona_altimetrica: Option<i32>,
    pub litoraneo: bool,
    pub isolano: bool,
    pub degurba: Option<i32>,
    pub zone: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ZonaRow {
    pub codice: String,
    pub nome: String,
    pub codice_dpc: Option<String>,
    pub etichetta: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ConfineRow {
    pub livello: &'static str,
    pub codice: String,
    pub nome: String,
    pub geometria: String,
}

/// Everything the territory needs; `zone` and `confini` may be empty for a region without them.
#[derive(Debug, Clone, Default)]
pub struct RefData {
    pub comuni: Vec<ComuneRow>,
    pub zone: Vec<ZonaRow>,
    pub confini: Vec<ConfineRow>,
}

/// Errors of a file, one per bad line (1-based, counting the header), in Italian.
#[derive(Debug)]
pub struct FileErrors(pub Vec<String>);

impl std::fmt::Display for FileErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FileErrors {}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The shipped Tuscan data set.
pub fn shipped() -> RefData {
    let comuni = parse_comuni_csv(COMUNI_CSV).expect("shipped comuni CSV is valid");
    let zone = parse_zone_csv(ZONE_CSV).expect("shipped zone CSV is valid");
    let mut confini = parse_confini(COMUNI_GEOJSON, "comune", "com_istat_code", "name")
        .expect("shipped boundaries");
    confini.extend(
        parse_confini(
            PROVINCE_GEOJSON,
            "provincia",
            "prov_istat_code",
            "prov_name",
        )
        .expect("shipped provinces"),
    );
    RefData {
        comuni,
        zone,
        confini,
    }
}

/// Parses the comuni CSV (header names as in `data/comuni-toscana.csv`; `,` or `;` separated).
pub fn parse_comuni_csv(bytes: &[u8]) -> Result<Vec<ComuneRow>, FileErrors> {
    let bytes = strip_bom(bytes);
    let delim = if bytes
        .iter()
        .take_while(|b| **b != b'\n')
        .filter(|b| **b == b';')
        .count()
        > 3
    {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_reader(bytes);
    let headers = rdr
        .headers()
        .map_err(|e| FileErrors(vec![format!("intestazione non leggibile: {e}")]))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let required = [
        "codice_istat",
        "denominazione",
        "sigla_provincia",
        "provincia",
    ];
    let missing: Vec<_> = required
        .iter()
        .filter(|c| col(c).is_none())
        .map(|c| format!("manca la colonna «{c}»"))
        .collect();
    if !missing.is_empty() {
        return Err(FileErrors(missing));
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashMap::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("riga {line}: non leggibile ({e})"));
                continue;
            }
        };
        let get = |name: &str| {
            col(name)
                .and_then(|i| rec.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let mut row_err = |msg: String| errors.push(format!("riga {line}: {msg}"));
        let codice = get("codice_istat").unwrap_or_default().to_owned();
        if codice.len() != 6 || !codice.chars().all(|c| c.is_ascii_digit()) {
            row_err(format!(
                "codice ISTAT «{codice}» non valido (servono 6 cifre)"
            ));
            continue;
        }
        if let Some(prev) = seen.insert(codice.clone(), line) {
            row_err(format!(
                "codice ISTAT {codice} ripetuto (già alla riga {prev})"
            ));
            continue;
        }
        let Some(nome) = get("denominazione") else {
            row_err("denominazione mancante".into());
            continue;
        };
        macro_rules! num {
            ($name:expr, $t:ty, $what:expr) => {
                match get($name).map(|v| v.replace(',', ".").parse::<$t>()) {
                    None => None,
                    Some(Ok(v)) => Some(v),
                    Some(Err(_)) => {
                        row_err(format!(
                            "{} «{}» non è un numero",
                            $what,
                            get($name).unwrap_or_default()
                        ));
                        continue;
                    }
                }
            };
        }
        let popolazione = num!("popolazione_residente_2023_01_01", i64, "popolazione");
        let popolazione_2019 = num!("popolazione_residente_2019_12_31", i64, "popolazione 2019");
        let popolazione_2011 = num!(
            "popolazione_legale_censimento_2011",
            i64,
            "popolazione 2011"
        );
        let superficie_kmq = num!("superficie_kmq_2020", f64, "superficie");
        let altitudine_m = num!("altitudine_centro_m", i32, "altitudine");
        let zona_altimetrica = num!("zona_altimetrica_istat", i32, "zona altimetrica");
        let degurba = num!(
            "grado_urbanizzazione_degurba",
            i32,
            "grado di urbanizzazione"
        );
        let flag = |name: &str| {
            matches!(
                get(name),
                Some("1") | Some("true") | Some("si") | Some("sì")
            )
        };
        out.push(ComuneRow {
            codice_provincia: get("codice_provincia_storico")
                .map(str::to_owned)
                .unwrap_or_else(|| codice[..3].to_owned()),
            codice_istat: codice,
            nome: nome.to_owned(),
            codice_uts: get("codice_uts").map(str::to_owned),
            sigla_provincia: get("sigla_provincia").unwrap_or_default().to_owned(),
            provincia: get("provincia").unwrap_or_default().to_owned(),
            tipo_ente: get("tipo_ente_sovracomunale").map(str::to_owned),
            capoluogo: flag("capoluogo_provincia"),
            codice_catastale: get("codice_catastale").map(str::to_owned),
            nuts3: get("nuts3_2024").map(str::to_owned),
            popolazione,
            popolazione_2019,
            popolazione_2011,
            superficie_kmq,
            altitudine_m,
            zona_altimetrica,
            litoraneo: flag("comune_litoraneo"),
            isolano: flag("comune_isolano"),
            degurba,
            zone: get("zone_allerta_cfr")
                .map(|z| {
                    z.split(';')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(FileErrors(errors))
    }
}

pub fn parse_zone_csv(bytes: &[u8]) -> Result<Vec<ZonaRow>, FileErrors> {
    let mut rdr = csv::ReaderBuilder::new().from_reader(strip_bom(bytes));
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| FileErrors(vec![format!("riga {}: {e}", i + 2)]))?;
        let get = |i: usize| {
            rec.get(i)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let (Some(codice), Some(nome)) = (get(0), get(1)) else {
            return Err(FileErrors(vec![format!(
                "riga {}: codice o nome della zona mancante",
                i + 2
            )]));
        };
        out.push(ZonaRow {
            codice,
            nome,
            codice_dpc: get(2),
            etichetta: get(3),
        });
    }
    Ok(out)
}

/// Reads a GeoJSON FeatureCollection; each feature's `key` property is the ISTAT code.
pub fn parse_confini(
    bytes: &[u8],
    livello: &'static str,
    key: &str,
    name: &str,
) -> Result<Vec<ConfineRow>, FileErrors> {
    let text = std::str::from_utf8(strip_bom(bytes))
        .map_err(|_| FileErrors(vec!["il file GeoJSON non è UTF-8".into()]))?;
    let gj: geojson::GeoJson = text
        .parse()
        .map_err(|e| FileErrors(vec![format!("GeoJSON non valido: {e}")]))?;
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        return Err(FileErrors(vec![
            "il GeoJSON deve essere una FeatureCollection".into(),
        ]));
    };
    let mut out = Vec::new();
    for (i, f) in fc.features.into_iter().enumerate() {
        let prop = |k: &str| {
            f.property(k).and_then(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .or_else(|| v.as_i64().map(|n| n.to_string()))
            })
        };
        let (Some(codice), Some(geom)) = (prop(key), f.geometry.as_ref()) else {
            return Err(FileErrors(vec![format!(
                "elemento {}: manca la proprietà «{key}» o la geometria",
                i + 1
            )]));
        };
        out.push(ConfineRow {
            livello,
            codice,
            nome: prop(name).unwrap_or_default(),
            geometria: geom.to_string(),
        });
    }
    Ok(out)
}

/// Summary of a load.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LoadSummary {
    pub comuni: usize,
    pub province: usize,
    pub zone: usize,
    pub confini: usize,
}

/// True when no comune is loaded yet.
pub async fn is_empty(db: &DatabaseConnection) -> AppResult<bool> {
    Ok(comune::Entity::find().count(db).await? == 0)
}

/// Upserts the territory in one transaction: provinces, comuni (by ISTAT code), alert zones and
/// memberships (replaced), boundaries (by level and code), and one organisation per comune.
pub async fn load(
    db: &DatabaseConnection,
    actor: &Actor,
    codice_regione: &str,
    data: &RefData,
) -> AppResult<LoadSummary> {
    if data.comuni.is_empty() {
        return Err(AppError::BadRequest("Il file non contiene comuni.".into()));
    }
    let known_zones: BTreeMap<&str, &ZonaRow> =
        data.zone.iter().map(|z| (z.codice.as_str(), z)).collect();
    let uow = Lavoro::apri(db, actor).await?;

    let mut province: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    for c in &data.comuni {
        province
            .entry(c.codice_provincia.as_str())
            .or_insert((c.sigla_provincia.as_str(), c.provincia.as_str()));
    }
    for (codice, (sigla, nome)) in &province {
        provincia::Entity::insert(provincia::ActiveModel {
            codice: Set((*codice).to_owned()),
            sigla: Set((*sigla).to_owned()),
            nome: Set((*nome).to_owned()),
            codice_regione: Set(codice_regione.to_owned()),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::column(provincia::Column::Codice)
                .update_columns([
                    provincia::Column::Sigla,
                    provincia::Column::Nome,
                    provincia::Column::CodiceRegione,
                ])
                .to_owned(),
        )
        .exec_without_returning(&uow)
        .await?;
    }

    for chunk in data.comuni.chunks(500) {
        let rows = chunk.iter().map(|c| comune::ActiveModel {
            codice_istat: Set(c.codice_istat.clone()),
            nome: Set(c.nome.clone()),
            nome_norm: Set(normalize(&c.nome)),
            codice_regione: Set(codice_regione.to_owned()),
            codice_provincia: Set(c.codice_provincia.clone()),
            codice_uts: Set(c.codice_uts.clone()),
            sigla_provincia: Set(c.sigla_provincia.clone()),
            provincia: Set(c.provincia.clone()),
            tipo_ente_sovracomunale: Set(c.tipo_ente.clone()),
            capoluogo: Set(c.capoluogo),
            codice_catastale: Set(c.codice_catastale.clone()),
            nuts3: Set(c.nuts3.clone()),
            popolazione: Set(c.popolazione),
            popolazione_2019: Set(c.popolazione_2019),
            popolazione_2011: Set(c.popolazione_2011),
            superficie_kmq: Set(c.superficie_kmq),
            altitudine_m: Set(c.altitudine_m),
            zona_altimetrica: Set(c.zona_altimetrica),
            litoraneo: Set(c.litoraneo),
            isolano: Set(c.isolano),
            degurba: Set(c.degurba),
            ..Default::default()
        });
        use comune::Column as C;
        comune::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(C::CodiceIstat)
                    .update_columns([
                        C::Nome,
                        C::NomeNorm,
                        C::CodiceRegione,
                        C::CodiceProvincia,
                        C::CodiceUts,
                        C::SiglaProvincia,
                        C::Provincia,
                        C::TipoEnteSovracomunale,
                        C::Capoluogo,
                        C::CodiceCatastale,
                        C::Nuts3,
                        C::Popolazione,
                        C::Popolazione2019,
                        C::Popolazione2011,
                        C::SuperficieKmq,
                        C::AltitudineM,
                        C::ZonaAltimetrica,
                        C::Litoraneo,
                        C::Isolano,
                        C::Degurba,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&uow)
            .await?;
    }
    let ids: HashMap<String, i64> = comune::Entity::find()
        .all(&uow)
        .await?
        .into_iter()
        .map(|c| (c.codice_istat, c.id))
        .collect();

    // Zones: those in the zone file plus any code named by a comune (named after its code).
    let mut zone_codes: BTreeMap<String, ZonaRow> = data
        .zone
        .iter()
        .map(|z| (z.codice.clone(), z.clone()))
        .collect();
    for c in &data.comuni {
        for z in &c.zone {
            if !known_zones.contains_key(z.as_str()) {
                zone_codes.entry(z.clone()).or_insert_with(|| ZonaRow {
                    codice: z.clone(),
                    nome: format!("Zona {z}"),
                    codice_dpc: None,
                    etichetta: None,
                });
            }
        }
    }
    for z in zone_codes.values() {
        zona_allerta::Entity::insert(zona_allerta::ActiveModel {
            codice: Set(z.codice.clone()),
            nome: Set(z.nome.clone()),
            codice_dpc: Set(z.codice_dpc.clone()),
            etichetta: Set(z.etichetta.clone()),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::column(zona_allerta::Column::Codice)
                .update_columns([
                    zona_allerta::Column::Nome,
                    zona_allerta::Column::CodiceDpc,
                    zona_allerta::Column::Etichetta,
                ])
                .to_owned(),
        )
        .exec_without_returning(&uow)
        .await?;
    }
    let zone_ids: HashMap<String, i64> = zona_allerta::Entity::find()
        .all(&uow)
        .await?
        .into_iter()
        .map(|z| (z.codice, z.id))
        .collect();
    let comune_ids: Vec<i64> = data
        .comuni
        .iter()
        .filter_map(|c| ids.get(&c.codice_istat).copied())
        .collect();
    for chunk in comune_ids.chunks(500) {
        comune_zona::Entity::delete_many()
            .filter(comune_zona::Column::ComuneId.is_in(chunk.to_vec()))
            .exec(&uow)
            .await?;
    }
    let memberships: Vec<_> = data
        .comuni
        .iter()
        .flat_map(|c| c.zone.iter().map(move |z| (c, z)))
        .filter_map(|(c, z)| Some((ids.get(&c.codice_istat)?, zone_ids.get(z)?)))
        .map(|(c, z)| comune_zona::ActiveModel {
            comune_id: Set(*c),
            zona_id: Set(*z),
            ..Default::default()
        })
        .collect();
    for chunk in memberships.chunks(500) {
        comune_zona::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&uow)
            .await?;
    }

    for chunk in data.confini.chunks(100) {
        let rows = chunk.iter().map(|b| confine::ActiveModel {
            livello: Set(b.livello.to_owned()),
            codice: Set(b.codice.clone()),
            nome: Set(b.nome.clone()),
            geometria: Set(b.geometria.clone()),
            ..Default::default()
        });
        confine::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([confine::Column::Livello, confine::Column::Codice])
                    .update_columns([confine::Column::Nome, confine::Column::Geometria])
                    .to_owned(),
            )
            .exec_without_returning(&uow)
            .await?;
    }

    // One organisation of type "comune" per comune, so that the register of organisations is complete.
    let with_org: std::collections::HashSet<i64> = organizzazione::Entity::find()
        .filter(organizzazione::Column::Tipo.eq("comune"))
        .all(&uow)
        .await?
        .into_iter()
        .filter_map(|o| o.comune_id)
        .collect();
    let now = Utc::now();
    let new_orgs: Vec<_> = data
        .comuni
        .iter()
        .filter_map(|c| ids.get(&c.codice_istat).map(|id| (c, *id)))
        .filter(|(_, id)| !with_org.contains(id))
        .map(|(c, id)| {
            let nome = format!("Comune di {}", c.nome);
            organizzazione::ActiveModel {
                public_id: Set(piazza_db::new_public_id()),
                nome_norm: Set(normalize(&nome)),
                nome: Set(nome),
                tipo: Set("comune".into()),
                comune_id: Set(Some(id)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        })
        .collect();
    for chunk in new_orgs.chunks(500) {
        organizzazione::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&uow)
            .await?;
    }

    let summary = LoadSummary {
        comuni: data.comuni.len(),
        province: province.len(),
        zone: zone_codes.len(),
        confini: data.confini.len(),
    };
    uow.registra(
        "importa",
        "territorio",
        codice_regione,
        None,
        Some(json!({"comuni": summary.comuni, "province": summary.province, "zone": summary.zone, "confini": summary.confini})),
    )
    .await?;
    uow.conferma().await?;
    Ok(summary)
}
