//! The staff dashboard: what needs attention in a plan at a date.

use chrono::NaiveDate;

use super::PianoVista;
use crate::kit::config::AppConfig;
use crate::kit::fmt;

/// A line of the staff dashboard.
#[derive(Debug, Clone)]
pub struct RigaCruscotto {
    pub obiettivo_id: String,
    pub titolo: String,
    pub area: String,
    pub titolare: String,
    pub scadenza: String,
    pub stato_nome: String,
    pub percentuale: String,
    /// What puts it on the list, in words.
    pub motivo: String,
}

/// The staff dashboard at a reference date.
#[derive(Debug, Clone)]
pub struct Cruscotto {
    pub al: NaiveDate,
    pub giorni_senza_aggiornamento: i64,
    pub scaduti: Vec<RigaCruscotto>,
    pub senza_aggiornamenti: Vec<RigaCruscotto>,
    pub fuori_traiettoria: Vec<RigaCruscotto>,
    pub in_scadenza: Vec<RigaCruscotto>,
    pub a_rischio_legislatura: Vec<RigaCruscotto>,
}

/// Days ahead that count as "in scadenza" on the dashboard.
pub const GIORNI_IN_SCADENZA: i64 = 30;

/// What needs attention in a plan at `al`: overdue objectives, objectives without an update for
/// the configured days, indicators off track, objectives due within 30 days, and those due in the
/// risk window of a change of legislature. Completed and cancelled objectives are left out.
pub fn cruscotto(v: &PianoVista, al: NaiveDate, config: &AppConfig) -> Cruscotto {
    use crate::piano::model::{fuori_traiettoria, progresso_atteso};
    let n = config.piano.giorni_senza_aggiornamento;
    let mut c = Cruscotto {
        al,
        giorni_senza_aggiornamento: n,
        scaduti: Vec::new(),
        senza_aggiornamenti: Vec::new(),
        fuori_traiettoria: Vec::new(),
        in_scadenza: Vec::new(),
        a_rischio_legislatura: Vec::new(),
    };
    // Without any update, an objective counts from the approval of the plan (or 1 January).
    let partenza = v.p.data_approvazione.unwrap_or(v.inizio());
    for o in v.obiettivi().filter(|o| o.attivo()) {
        let area = v
            .area(o.area_id)
            .map(|a| a.a.titolo.clone())
            .unwrap_or_default();
        let riga = |motivo: String| RigaCruscotto {
            obiettivo_id: o.o.public_id.clone(),
            titolo: o.o.titolo.clone(),
            area: area.clone(),
            titolare: o.titolare(),
            scadenza: o.scadenza_fmt(),
            stato_nome: o.stato_nome.clone(),
            percentuale: o.percentuale(),
            motivo,
        };
        if let Some(d) = o.o.scadenza {
            if d < al {
                c.scaduti
                    .push(riga(format!("scaduto da {} giorni", (al - d).num_days())));
            } else if (d - al).num_days() <= GIORNI_IN_SCADENZA {
                c.in_scadenza
                    .push(riga(format!("scade tra {} giorni", (d - al).num_days())));
            }
        }
        let ultimo = o.ultimo_aggiornamento.unwrap_or(partenza);
        if ultimo <= al && (al - ultimo).num_days() > n {
            c.senza_aggiornamenti
                .push(riga(match o.ultimo_aggiornamento {
                    Some(d) => format!("ultimo aggiornamento il {}", fmt::date(d)),
                    None => "nessun aggiornamento".into(),
                }));
        }
        let scadenza = o.o.scadenza.unwrap_or(v.fine());
        let atteso = progresso_atteso(v.inizio(), scadenza, al);
        for i in &o.indicatori {
            if fuori_traiettoria(
                i.progresso,
                atteso,
                config.piano.tolleranza_indicatori_punti,
            ) {
                c.fuori_traiettoria.push(riga(format!(
                    "{}: {} (atteso {:.0}%, raggiunto {})",
                    i.i.nome,
                    i.ultimo_fmt(),
                    atteso,
                    i.progresso
                        .map(|p| format!("{p:.0}%"))
                        .unwrap_or_else(|| "nessuna misura".into())
                )));
            }
        }
        if let Some(f) = &o.rischio {
            c.a_rischio_legislatura.push(riga(format!(
                "scade nella finestra {} – {} ({})",
                fmt::date(f.dal),
                fmt::date(f.al),
                f.titolo
            )));
        }
    }
    c.scaduti.sort_by(|a, b| a.scadenza.cmp(&b.scadenza));
    c
}
