//! The CAP 1.2 documents Piazza publishes: one per alert of the public state, whatever its
//! source, under Piazza's own sender (so that each is valid under the strict mode of
//! `piazza-cap` even when the source's was not), with one `info` block per risk and level and
//! the comuni as ISTAT geocodes (MeteoAlarm-style `awareness_level`/`awareness_type` too); an
//! alert that superseded others is an Update that references them. And the Atom index of a
//! set of alerts, as MeteoAlarm and national feeds publish them.

use chrono::{DateTime, Utc};
use piazza_cap::{
    Alert, Area, CapTime, Category, Certainty, Info, MsgType, Reference, Scope, Severity, Status,
    Urgency, ValuePair,
};
use piazza_db::entities::{allerta, allerta_voce};

use super::bollettino::Livello;
use super::da_cap::RISCHI;
use crate::kit::fmt;
use crate::kit::text::esc;
use crate::territorio::Territorio;

/// An alert as published: the record, its levels, and the alerts it superseded.
pub struct Pubblicata<'a> {
    pub a: &'a allerta::Model,
    pub voci: &'a [allerta_voce::Model],
    pub sostituite: &'a [allerta::Model],
}

pub fn identificativo(id: i64) -> String {
    format!("piazza-allerta-{id}")
}

fn ora(t: DateTime<Utc>) -> CapTime {
    CapTime::new(t.with_timezone(&fmt::offset_italia(t)))
}

/// The moment an alert entered the public state, as its CAP `sent`.
fn inviato(a: &allerta::Model) -> CapTime {
    ora(a.dal.unwrap_or(a.ricevuta_at))
}

fn severita(l: Livello) -> Severity {
    match l {
        Livello::Rosso => Severity::Extreme,
        Livello::Arancione => Severity::Severe,
        Livello::Giallo => Severity::Moderate,
        Livello::Verde => Severity::Minor,
    }
}

/// MeteoAlarm's `awareness_level` text.
fn consapevolezza(l: Livello) -> &'static str {
    match l {
        Livello::Verde => "1; green; Minor",
        Livello::Giallo => "2; yellow; Moderate",
        Livello::Arancione => "3; orange; Severe",
        Livello::Rosso => "4; red; Extreme",
    }
}

/// MeteoAlarm's `awareness_type` for a risk (what `da_cap::rischio` reads back).
fn tipo_consapevolezza(rischio: &str) -> Option<&'static str> {
    Some(match rischio {
        "vento" => "1; Wind",
        "neve" => "2; snow-ice",
        "temporali" => "3; Thunderstorm",
        "ghiaccio" => "6; low-temperature",
        "mareggiate" => "7; coastalevent",
        "incendi_boschivi" => "8; forest-fire",
        "idrogeologico" => "10; Rain",
        "idraulico" => "12; flooding",
        _ => return None,
    })
}

pub fn nome_rischio(r: &str) -> &'static str {
    RISCHI
        .iter()
        .find(|(k, _)| *k == r)
        .map(|(_, n)| *n)
        .unwrap_or("Altro")
}

/// The CAP document of a published alert.
pub fn documento(p: &Pubblicata, t: &Territorio, mittente: &str, url_pubblico: &str) -> Alert {
    let a = p.a;
    // One info block per (risk, level), with its comuni.
    let mut gruppi: Vec<(String, i32, Vec<i64>)> = Vec::new();
    for v in p.voci {
        match gruppi
            .iter_mut()
            .find(|(r, l, _)| *r == v.rischio && *l == v.livello)
        {
            Some(g) => g.2.push(v.comune_id),
            None => gruppi.push((v.rischio.clone(), v.livello, vec![v.comune_id])),
        }
    }
    let web = format!("{}/allerte/{}", url_pubblico.trim_end_matches('/'), a.id);
    let infos = gruppi
        .into_iter()
        .map(|(rischio, livello, comuni)| {
            let l = Livello::da_numero(livello);
            let mut codici: Vec<(&str, &str)> = comuni
                .iter()
                .filter_map(|id| t.comune_by_id(*id))
                .map(|c| (c.codice_istat.as_str(), c.nome.as_str()))
                .collect();
            codici.sort();
            let mut parameters = vec![ValuePair {
                value_name: "awareness_level".into(),
                value: consapevolezza(l).into(),
            }];
            if let Some(tc) = tipo_consapevolezza(&rischio) {
                parameters.push(ValuePair {
                    value_name: "awareness_type".into(),
                    value: tc.into(),
                });
            }
            Info {
                language: Some("it-IT".into()),
                categories: vec![if rischio == "incendi_boschivi" {
                    Category::Fire
                } else if rischio == "idrogeologico" {
                    Category::Geo
                } else {
                    Category::Met
                }],
                event: format!(
                    "Allerta {} per rischio {}",
                    l.nome(),
                    nome_rischio(&rischio).to_lowercase()
                ),
                urgency: Some(Urgency::Expected),
                severity: Some(severita(l)),
                certainty: Some(Certainty::Likely),
                event_codes: vec![ValuePair {
                    value_name: "rischio".into(),
                    value: rischio.clone(),
                }],
                onset: a.inizio.map(ora),
                expires: a.scadenza.map(ora),
                sender_name: Some("Cittadino Informato".into()),
                headline: Some(a.titolo.clone()),
                description: a.descrizione.clone(),
                instruction: a.istruzioni.clone(),
                web: Some(web.clone()),
                parameters,
                areas: vec![Area {
                    area_desc: codici
                        .iter()
                        .map(|(_, n)| *n)
                        .collect::<Vec<_>>()
                        .join(", "),
                    geocodes: codici
                        .iter()
                        .map(|(c, _)| ValuePair {
                            value_name: "ISTAT".into(),
                            value: (*c).into(),
                        })
                        .collect(),
                    ..Default::default()
                }],
                ..Default::default()
            }
        })
        .collect();
    Alert {
        identifier: identificativo(a.id),
        sender: mittente.into(),
        sent: Some(inviato(a)),
        status: Some(if a.esercitazione {
            Status::Exercise
        } else {
            Status::Actual
        }),
        msg_type: Some(if p.sostituite.is_empty() {
            MsgType::Alert
        } else {
            MsgType::Update
        }),
        source: Some(a.mittente.clone()),
        scope: Some(Scope::Public),
        references: p
            .sostituite
            .iter()
            .map(|s| Reference {
                sender: mittente.into(),
                identifier: identificativo(s.id),
                sent: inviato(s).raw,
            })
            .collect(),
        infos,
        ..Default::default()
    }
}

/// One entry of an Atom feed: its id (a URL), title, time, summary, and links (relation,
/// media type, URL).
pub struct Voce {
    pub id: String,
    pub titolo: String,
    pub aggiornato: DateTime<Utc>,
    pub riassunto: String,
    pub link: Vec<(&'static str, &'static str, String)>,
}

/// An Atom feed (RFC 4287) in Italian: the index of CAP documents, or of notices.
pub fn atom(titolo: &str, self_url: &str, aggiornato: DateTime<Utc>, voci: &[Voce]) -> String {
    use std::fmt::Write;
    let t = |d: DateTime<Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut s = String::with_capacity(512 + voci.len() * 600);
    let _ = write!(
        s,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"it\">\n<id>{u}</id>\n<title>{}</title>\n<updated>{}</updated>\n<author><name>Cittadino Informato</name></author>\n<link rel=\"self\" href=\"{u}\"/>\n",
        esc(titolo),
        t(aggiornato),
        u = esc(self_url),
    );
    for v in voci {
        let _ = write!(
            s,
            "<entry>\n<id>{}</id>\n<title>{}</title>\n<updated>{}</updated>\n<summary>{}</summary>\n",
            esc(&v.id),
            esc(&v.titolo),
            t(v.aggiornato),
            esc(&v.riassunto)
        );
        for (rel, tipo, href) in &v.link {
            let _ = writeln!(
                s,
                "<link rel=\"{rel}\" type=\"{tipo}\" href=\"{}\"/>",
                esc(href)
            );
        }
        s.push_str("</entry>\n");
    }
    s.push_str("</feed>\n");
    s
}
