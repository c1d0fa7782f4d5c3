//! The strict mode: everything CAP 1.2 requires, each violation with its path.

use std::fmt;

use crate::model::*;
use crate::parse::{ParseError, parse};

/// One departure from the specification, with the path of the element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

struct V(Vec<Violation>);

impl V {
    fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Violation {
            path: path.into(),
            message: message.into(),
        });
    }

    fn required(&mut self, path: &str, value: &str) {
        if value.trim().is_empty() {
            self.add(path, "obbligatorio e mancante");
        }
    }

    fn known(&mut self, path: &str, known: bool, value: &str, allowed: &[&str]) {
        if !known {
            self.add(
                path,
                format!(
                    "valore «{value}» non previsto (ammessi: {})",
                    allowed.join(", ")
                ),
            );
        }
    }

    /// `identifier` and `sender`: no spaces, commas or restricted characters.
    fn token(&mut self, path: &str, value: &str) {
        if value
            .chars()
            .any(|c| c.is_whitespace() || c == ',' || c == '<' || c == '&')
        {
            self.add(path, "non può contenere spazi, virgole, «<» o «&»");
        }
    }

    /// `YYYY-MM-DDThh:mm:ssXzh:zm`, with `-00:00` for UTC and no `Z`.
    fn time(&mut self, path: &str, t: &CapTime) {
        if !strict_time(&t.raw) {
            self.add(
                path,
                format!("data e ora «{}» non nel formato CAP (es. 2025-11-19T10:49:49+01:00; «Z» non ammessa)", t.raw),
            );
        }
    }
}

fn strict_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    b.len() == 25
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && (b[19] == b'+' || b[19] == b'-')
        && digits(20..22)
        && b[22] == b':'
        && digits(23..25)
        && CapTime::parse(s).is_some()
}

/// Every violation of CAP 1.2 in an alert (empty when it is valid).
pub fn validate(a: &Alert) -> Vec<Violation> {
    let mut v = V(Vec::new());
    v.required("alert/identifier", &a.identifier);
    v.token("alert/identifier", &a.identifier);
    v.required("alert/sender", &a.sender);
    v.token("alert/sender", &a.sender);
    match &a.sent {
        None => v.add("alert/sent", "obbligatorio e mancante"),
        Some(t) => v.time("alert/sent", t),
    }
    match &a.status {
        None => v.add("alert/status", "obbligatorio e mancante"),
        Some(s) => v.known("alert/status", s.is_known(), s.as_str(), Status::VALUES),
    }
    match &a.msg_type {
        None => v.add("alert/msgType", "obbligatorio e mancante"),
        Some(m) => {
            v.known("alert/msgType", m.is_known(), m.as_str(), MsgType::VALUES);
            if matches!(
                m,
                MsgType::Update | MsgType::Cancel | MsgType::Ack | MsgType::Error
            ) && a.references.is_empty()
            {
                v.add(
                    "alert/references",
                    format!(
                        "un messaggio {} deve indicare i messaggi a cui si riferisce",
                        m.as_str()
                    ),
                );
            }
        }
    }
    match &a.scope {
        None => v.add("alert/scope", "obbligatorio e mancante"),
        Some(s) => {
            v.known("alert/scope", s.is_known(), s.as_str(), Scope::VALUES);
            if *s == Scope::Restricted
                && a.restriction.as_deref().is_none_or(|r| r.trim().is_empty())
            {
                v.add(
                    "alert/restriction",
                    "obbligatorio quando scope è Restricted",
                );
            }
            if *s == Scope::Private && a.addresses.as_deref().is_none_or(|r| r.trim().is_empty()) {
                v.add("alert/addresses", "obbligatorio quando scope è Private");
            }
        }
    }
    for (k, r) in a.references.iter().enumerate() {
        if !CapTime::parse(&r.sent).is_some_and(|_| strict_time(&r.sent)) {
            v.add(
                format!("alert/references[{k}]"),
                format!(
                    "data e ora «{}» del riferimento non nel formato CAP",
                    r.sent
                ),
            );
        }
    }
    for (i, info) in a.infos.iter().enumerate() {
        let p = format!("alert/info[{i}]");
        if info.categories.is_empty() {
            v.add(
                format!("{p}/category"),
                "almeno una categoria è obbligatoria",
            );
        }
        for c in &info.categories {
            v.known(
                &format!("{p}/category"),
                c.is_known(),
                c.as_str(),
                Category::VALUES,
            );
        }
        v.required(&format!("{p}/event"), &info.event);
        for r in &info.response_types {
            v.known(
                &format!("{p}/responseType"),
                r.is_known(),
                r.as_str(),
                ResponseType::VALUES,
            );
        }
        match &info.urgency {
            None => v.add(format!("{p}/urgency"), "obbligatorio e mancante"),
            Some(x) => v.known(
                &format!("{p}/urgency"),
                x.is_known(),
                x.as_str(),
                Urgency::VALUES,
            ),
        }
        match &info.severity {
            None => v.add(format!("{p}/severity"), "obbligatorio e mancante"),
            Some(x) => v.known(
                &format!("{p}/severity"),
                x.is_known(),
                x.as_str(),
                Severity::VALUES,
            ),
        }
        match &info.certainty {
            None => v.add(format!("{p}/certainty"), "obbligatorio e mancante"),
            Some(x) => v.known(
                &format!("{p}/certainty"),
                x.is_known(),
                x.as_str(),
                Certainty::VALUES,
            ),
        }
        for (name, t) in [
            ("effective", &info.effective),
            ("onset", &info.onset),
            ("expires", &info.expires),
        ] {
            if let Some(t) = t {
                v.time(&format!("{p}/{name}"), t);
            }
        }
        if let (Some(o), Some(e)) = (&info.onset, &info.expires)
            && e.at < o.at
        {
            v.add(
                format!("{p}/expires"),
                "la scadenza viene prima dell'inizio (onset)",
            );
        }
        for (k, r) in info.resources.iter().enumerate() {
            let rp = format!("{p}/resource[{k}]");
            v.required(&format!("{rp}/resourceDesc"), &r.resource_desc);
            v.required(&format!("{rp}/mimeType"), &r.mime_type);
        }
        for (k, area) in info.areas.iter().enumerate() {
            let ap = format!("{p}/area[{k}]");
            v.required(&format!("{ap}/areaDesc"), &area.area_desc);
            for (j, poly) in area.polygons.iter().enumerate() {
                let pp = format!("{ap}/polygon[{j}]");
                if poly.0.len() < 4 {
                    v.add(
                        &pp,
                        format!("un poligono ha almeno 4 punti ({} presenti)", poly.0.len()),
                    );
                } else if poly.0.first() != poly.0.last() {
                    v.add(
                        &pp,
                        "il primo e l'ultimo punto del poligono devono coincidere",
                    );
                }
                if poly.0.iter().any(|(lat, lon)| !coords(*lat, *lon)) {
                    v.add(
                        &pp,
                        "coordinate fuori intervallo (lat −90…90, lon −180…180)",
                    );
                }
            }
            for (j, c) in area.circles.iter().enumerate() {
                let cp = format!("{ap}/circle[{j}]");
                if !coords(c.lat, c.lon) {
                    v.add(
                        &cp,
                        "coordinate fuori intervallo (lat −90…90, lon −180…180)",
                    );
                }
                // Parsing keeps only finite numbers: negative is the only way to be wrong.
                if c.radius_km < 0.0 {
                    v.add(&cp, "il raggio non può essere negativo");
                }
            }
            if area.ceiling.is_some() && area.altitude.is_none() {
                v.add(format!("{ap}/ceiling"), "ceiling richiede altitude");
            }
            for (j, g) in area.geocodes.iter().enumerate() {
                v.required(&format!("{ap}/geocode[{j}]/valueName"), &g.value_name);
                v.required(&format!("{ap}/geocode[{j}]/value"), &g.value);
            }
        }
    }
    v.0
}

fn coords(lat: f64, lon: f64) -> bool {
    (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)
}

/// Reads and validates strictly: the alert when nothing is wrong, otherwise every problem
/// (what lenient reading noticed, then what the specification requires).
pub fn validate_xml(xml: &str) -> Result<Alert, Vec<Violation>> {
    let parsed = parse(xml).map_err(|e: ParseError| {
        vec![Violation {
            path: "alert".into(),
            message: e.to_string(),
        }]
    })?;
    let mut all = parsed.warnings;
    all.extend(validate(&parsed.alert));
    if all.is_empty() {
        Ok(parsed.alert)
    } else {
        Err(all)
    }
}
