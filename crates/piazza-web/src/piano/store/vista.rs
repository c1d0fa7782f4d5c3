//! The plan as pages show it: areas, objectives, indicators, latest updates and the progress
//! of everything.

use std::collections::HashMap;

use chrono::NaiveDate;
use piazza_db::entities::{
    aggiornamento_obiettivo, indicatore, misura_indicatore, obiettivo, persona, piano, piano_area,
    stato_obiettivo,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::{piano_dell_anno, rischio_legislatura, stati};
use crate::kit::config::AppConfig;
use crate::kit::error::AppResult;
use crate::kit::fmt;
use crate::piano::model::{
    FinestraRischio, FonteProgresso, RollUp, Stato, Voce, progresso_da_indicatori,
    progresso_indicatore, progresso_obiettivo, roll_up,
};

/// An indicator with its measurements (oldest first) and progress towards target.
#[derive(Debug, Clone)]
pub struct IndicatoreVista {
    pub i: indicatore::Model,
    /// The year of the plan, the span of the chart.
    pub anno: i32,
    pub misure: Vec<misura_indicatore::Model>,
    pub progresso: Option<f64>,
}

impl IndicatoreVista {
    pub fn ultimo(&self) -> Option<&misura_indicatore::Model> {
        self.misure.last()
    }
    pub fn ultimo_fmt(&self) -> String {
        self.ultimo()
            .map(|m| format!("{} al {}", fmt::numero(m.valore), fmt::date(m.data)))
            .unwrap_or_else(|| "nessuna misura".into())
    }
    pub fn base_fmt(&self) -> String {
        fmt::numero(self.i.valore_base)
    }
    pub fn obiettivo_fmt(&self) -> String {
        fmt::numero(self.i.valore_obiettivo)
    }
    pub fn percentuale(&self) -> String {
        fmt::percentuale(self.progresso)
    }
    /// The measurements as the page lists them: date, value, note.
    pub fn misure_fmt(&self) -> Vec<(String, String, String)> {
        self.misure
            .iter()
            .map(|m| {
                (
                    fmt::date(m.data),
                    fmt::numero(m.valore),
                    m.nota.clone().unwrap_or_default(),
                )
            })
            .collect()
    }
    /// The trend as a small SVG chart: baseline, measurements, target line.
    pub fn grafico(&self) -> String {
        let punti: Vec<(chrono::NaiveDate, f64)> =
            self.misure.iter().map(|m| (m.data, m.valore)).collect();
        crate::piano::grafico::sparkline(
            &self.i.nome,
            self.i.valore_base,
            self.i.valore_obiettivo,
            &punti,
            self.anno,
        )
    }
}

/// An objective with its computed progress, for pages.
#[derive(Debug, Clone)]
pub struct ObiettivoVista {
    pub o: obiettivo::Model,
    pub area_id: i64,
    pub stato_nome: String,
    pub progresso: Option<f64>,
    /// Cancelled: out of the roll-up.
    pub escluso: bool,
    /// Completed (its state's default progress is 100).
    pub concluso: bool,
    pub indicatori: Vec<IndicatoreVista>,
    pub ultimo_aggiornamento: Option<NaiveDate>,
    pub responsabile: Option<String>,
    /// The end-of-legislature window the due date falls in.
    pub rischio: Option<FinestraRischio>,
}

impl ObiettivoVista {
    pub fn percentuale(&self) -> String {
        fmt::percentuale(self.progresso)
    }
    pub fn scadenza_fmt(&self) -> String {
        fmt::opt_date(self.o.scadenza)
    }
    pub fn ultimo_aggiornamento_fmt(&self) -> String {
        fmt::opt_date(self.ultimo_aggiornamento)
    }
    /// Owner as shown: the person, the sector, or both.
    pub fn titolare(&self) -> String {
        match (&self.responsabile, &self.o.settore) {
            (Some(p), Some(s)) => format!("{p} ({s})"),
            (Some(p), None) => p.clone(),
            (None, Some(s)) => s.clone(),
            (None, None) => String::new(),
        }
    }
    /// The risk window the due date falls in, in words.
    pub fn rischio_fmt(&self) -> Option<String> {
        self.rischio.as_ref().map(|w| {
            format!(
                "La scadenza cade tra il {} e il {}, intorno a: {} ({}).",
                fmt::date(w.dal),
                fmt::date(w.al),
                w.titolo,
                fmt::date(w.fine_legislatura)
            )
        })
    }
    /// Still to be delivered: neither completed nor cancelled.
    pub fn attivo(&self) -> bool {
        !self.concluso && !self.escluso
    }
}

#[derive(Debug, Clone)]
pub struct AreaVista {
    pub a: piano_area::Model,
    pub obiettivi: Vec<ObiettivoVista>,
    pub roll_up: RollUp,
}

impl AreaVista {
    pub fn percentuale(&self) -> String {
        fmt::percentuale(self.roll_up.progresso)
    }
}

/// An update in the plan's latest-updates list.
#[derive(Debug, Clone)]
pub struct AggiornamentoVista {
    pub a: aggiornamento_obiettivo::Model,
    pub obiettivo_id: String,
    pub obiettivo_titolo: String,
    pub stato_nome: Option<String>,
}

impl AggiornamentoVista {
    pub fn data_fmt(&self) -> String {
        fmt::date(self.a.data)
    }
}

#[derive(Debug, Clone)]
pub struct PianoVista {
    pub p: piano::Model,
    pub aree: Vec<AreaVista>,
    pub roll_up: RollUp,
    /// The most recent updates of the objectives shown, newest first.
    pub ultimi_aggiornamenti: Vec<AggiornamentoVista>,
}

impl PianoVista {
    pub fn percentuale(&self) -> String {
        fmt::percentuale(self.roll_up.progresso)
    }
    pub fn data_approvazione_fmt(&self) -> String {
        fmt::opt_date(self.p.data_approvazione)
    }
    pub fn obiettivi(&self) -> impl Iterator<Item = &ObiettivoVista> {
        self.aree.iter().flat_map(|a| a.obiettivi.iter())
    }
    pub fn obiettivo(&self, public_id: &str) -> Option<&ObiettivoVista> {
        self.obiettivi().find(|o| o.o.public_id == public_id)
    }
    pub fn area(&self, id: i64) -> Option<&AreaVista> {
        self.aree.iter().find(|a| a.a.id == id)
    }
    /// The first and last day of the plan's year, the span indicators are expected over.
    pub fn inizio(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.p.anno, 1, 1).expect("a valid year")
    }
    pub fn fine(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.p.anno, 12, 31).expect("a valid year")
    }
}

/// How many updates the plan page lists.
const ULTIMI_AGGIORNAMENTI: usize = 8;

/// A plan with its areas, objectives (only public ones when `solo_pubblici`), their indicators,
/// the latest updates and the progress of everything.
pub async fn vista(
    db: &DatabaseConnection,
    config: &AppConfig,
    anno: i32,
    solo_pubblici: bool,
) -> AppResult<Option<PianoVista>> {
    let Some(p) = piano_dell_anno(db, anno).await? else {
        return Ok(None);
    };
    let stati: HashMap<String, stato_obiettivo::Model> = stati(db)
        .await?
        .into_iter()
        .map(|s| (s.codice.clone(), s))
        .collect();
    let rischio = rischio_legislatura(db, config).await?;
    let aree = piano_area::Entity::find()
        .filter(piano_area::Column::PianoId.eq(p.id))
        .order_by_asc(piano_area::Column::Ordine)
        .all(db)
        .await?;
    let ids: Vec<i64> = aree.iter().map(|a| a.id).collect();
    let mut query = obiettivo::Entity::find().filter(obiettivo::Column::AreaId.is_in(ids));
    if solo_pubblici {
        query = query.filter(obiettivo::Column::Pubblico.eq(true));
    }
    let tutti = query
        .order_by_asc(obiettivo::Column::Ordine)
        .all(db)
        .await?;
    let obiettivo_ids: Vec<i64> = tutti.iter().map(|o| o.id).collect();
    let indicatori = indicatore::Entity::find()
        .filter(indicatore::Column::ObiettivoId.is_in(obiettivo_ids.clone()))
        .order_by_asc(indicatore::Column::Ordine)
        .order_by_asc(indicatore::Column::Id)
        .all(db)
        .await?;
    let mut misure: HashMap<i64, Vec<misura_indicatore::Model>> = HashMap::new();
    for m in misura_indicatore::Entity::find()
        .filter(
            misura_indicatore::Column::IndicatoreId
                .is_in(indicatori.iter().map(|i| i.id).collect::<Vec<_>>()),
        )
        .order_by_asc(misura_indicatore::Column::Data)
        .all(db)
        .await?
    {
        misure.entry(m.indicatore_id).or_default().push(m);
    }
    let aggiornamenti = aggiornamento_obiettivo::Entity::find()
        .filter(aggiornamento_obiettivo::Column::ObiettivoId.is_in(obiettivo_ids))
        .order_by_desc(aggiornamento_obiettivo::Column::Data)
        .order_by_desc(aggiornamento_obiettivo::Column::Id)
        .all(db)
        .await?;
    let responsabili: HashMap<i64, String> = persona::Entity::find()
        .filter(
            persona::Column::Id.is_in(
                tutti
                    .iter()
                    .filter_map(|o| o.responsabile_id)
                    .collect::<Vec<_>>(),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, format!("{} {}", p.nome, p.cognome)))
        .collect();

    let mut viste = Vec::new();
    let mut voci_piano = Vec::new();
    for a in aree {
        let mut obiettivi = Vec::new();
        for o in tutti.iter().filter(|o| o.area_id == a.id) {
            let s = stati.get(&o.stato);
            let stato = Stato {
                codice: o.stato.clone(),
                progresso_predefinito: s.and_then(|s| s.progresso_predefinito),
                escluso_dal_calcolo: s.is_some_and(|s| s.escluso_dal_calcolo),
            };
            let ind: Vec<IndicatoreVista> = indicatori
                .iter()
                .filter(|i| i.obiettivo_id == o.id)
                .map(|i| {
                    let misure = misure.remove(&i.id).unwrap_or_default();
                    let progresso = progresso_indicatore(
                        i.valore_base,
                        i.valore_obiettivo,
                        misure.last().map(|m| m.valore),
                    );
                    IndicatoreVista {
                        i: i.clone(),
                        anno,
                        misure,
                        progresso,
                    }
                })
                .collect();
            let fonte = FonteProgresso::parse(&o.fonte_progresso).unwrap_or(FonteProgresso::Stato);
            let da_indicatori = progresso_da_indicatori(ind.iter().map(|i| i.progresso));
            let progresso = progresso_obiettivo(fonte, &stato, o.progresso_manuale, da_indicatori);
            obiettivi.push(ObiettivoVista {
                o: o.clone(),
                area_id: a.id,
                stato_nome: s.map(|s| s.nome.clone()).unwrap_or_else(|| o.stato.clone()),
                progresso,
                escluso: stato.escluso_dal_calcolo,
                concluso: stato.progresso_predefinito == Some(100),
                indicatori: ind,
                ultimo_aggiornamento: aggiornamenti
                    .iter()
                    .find(|u| u.obiettivo_id == o.id)
                    .map(|u| u.data),
                responsabile: o
                    .responsabile_id
                    .and_then(|id| responsabili.get(&id).cloned()),
                rischio: o.scadenza.and_then(|d| rischio.verifica(d).cloned()),
            });
        }
        let voci: Vec<Voce> = obiettivi
            .iter()
            .map(|v| Voce {
                peso: v.o.peso,
                progresso: v.progresso,
                escluso: v.escluso,
            })
            .collect();
        voci_piano.extend(voci.iter().copied());
        viste.push(AreaVista {
            a,
            roll_up: roll_up(voci),
            obiettivi,
        });
    }
    let titoli: HashMap<i64, (&str, &str)> = tutti
        .iter()
        .map(|o| (o.id, (o.public_id.as_str(), o.titolo.as_str())))
        .collect();
    let ultimi_aggiornamenti = aggiornamenti
        .iter()
        .take(ULTIMI_AGGIORNAMENTI)
        .map(|u| {
            let (id, titolo) = titoli[&u.obiettivo_id];
            AggiornamentoVista {
                a: u.clone(),
                obiettivo_id: id.to_owned(),
                obiettivo_titolo: titolo.to_owned(),
                stato_nome: u
                    .nuovo_stato
                    .as_ref()
                    .map(|c| stati.get(c).map(|s| s.nome.clone()).unwrap_or(c.clone())),
            }
        })
        .collect();
    Ok(Some(PianoVista {
        p,
        aree: viste,
        roll_up: roll_up(voci_piano),
        ultimi_aggiornamenti,
    }))
}
