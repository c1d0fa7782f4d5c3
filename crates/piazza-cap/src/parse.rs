//! Lenient reading: XML → a small tree → [`Alert`], with what was odd reported as warnings.

use std::fmt;

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::model::*;
use crate::validate::Violation;

/// Documents larger than this are refused (a feed never sends one).
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
const MAX_DEPTH: usize = 32;
/// The most points one polygon may have: real warning polygons have tens to a few thousand;
/// more is refused (the polygon is ignored, with a warning), since matching a polygon to the
/// comuni's boundaries costs time in proportion to its points.
pub const MAX_PUNTI_POLIGONO: usize = 10_000;
/// The most polygon points of one document, all areas together.
pub const MAX_PUNTI_DOCUMENTO: usize = 50_000;
/// The most XML elements of one document (a CAP alert has tens to hundreds).
pub const MAX_ELEMENTI: usize = 100_000;

/// Why a document could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    TooLarge,
    Xml(String),
    NotAnAlert(String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge => write!(
                f,
                "documento troppo grande (oltre {} MB)",
                MAX_BYTES / 1024 / 1024
            ),
            Self::Xml(m) => write!(f, "XML non valido: {m}"),
            Self::NotAnAlert(r) => write!(f, "l'elemento radice è «{r}», non «alert»"),
        }
    }
}

impl std::error::Error for ParseError {}

/// An alert read leniently, with what did not follow the specification.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub alert: Alert,
    /// Unknown elements, values that could not be read (and were left out), another namespace.
    pub warnings: Vec<Violation>,
}

#[derive(Debug, Default)]
struct Node {
    name: String,
    namespace: Option<String>,
    text: String,
    children: Vec<Node>,
}

fn dom(xml: &str) -> Result<Node, ParseError> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Node> = Vec::new();
    let err = |e: &dyn fmt::Display| ParseError::Xml(e.to_string());
    let mut elementi = 0usize;
    loop {
        let ev = reader.read_event().map_err(|e| err(&e))?;
        if matches!(ev, Event::Start(_) | Event::Empty(_)) {
            elementi += 1;
            if elementi > MAX_ELEMENTI {
                return Err(ParseError::Xml(format!(
                    "il documento ha più di {MAX_ELEMENTI} elementi"
                )));
            }
        }
        match ev {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(ParseError::Xml("annidamento troppo profondo".into()));
                }
                // The default namespace, or CAP's bound to a prefix (`<cap:alert xmlns:cap=…>`).
                let mut namespace = None;
                for a in e.attributes().flatten() {
                    let key = a.key.as_ref();
                    if key == "xmlns" || key.starts_with("xmlns:") {
                        let v = a.value.to_string();
                        if (key == "xmlns" || v == NAMESPACE)
                            && namespace.as_deref() != Some(NAMESPACE)
                        {
                            namespace = Some(v);
                        }
                    }
                }
                stack.push(Node {
                    name: e.local_name().as_ref().to_owned(),
                    namespace,
                    ..Default::default()
                });
            }
            Event::Empty(e) => {
                let n = Node {
                    name: e.local_name().as_ref().to_owned(),
                    ..Default::default()
                };
                match stack.last_mut() {
                    Some(p) => p.children.push(n),
                    None => return Ok(n),
                }
            }
            Event::End(_) => {
                let n = stack
                    .pop()
                    .ok_or_else(|| ParseError::Xml("chiusura senza apertura".into()))?;
                match stack.last_mut() {
                    Some(p) => p.children.push(n),
                    None => return Ok(n),
                }
            }
            Event::Text(t) => {
                if let Some(p) = stack.last_mut() {
                    p.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(p) = stack.last_mut() {
                    p.text.push_str(&t.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                let Some(p) = stack.last_mut() else { continue };
                if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => p.text.push(c),
                        _ => {
                            return Err(ParseError::Xml(
                                "riferimento a carattere non valido".into(),
                            ));
                        }
                    }
                } else {
                    let name = r.xml10_content();
                    let c = match name.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => {
                            return Err(ParseError::Xml(format!("entità sconosciuta «&{other};»")));
                        }
                    };
                    p.text.push(c);
                }
            }
            Event::Eof => {
                return Err(ParseError::Xml(if stack.is_empty() {
                    "documento vuoto".into()
                } else {
                    "documento troncato".into()
                }));
            }
            _ => {}
        }
    }
}

struct Lettore {
    warnings: Vec<Violation>,
    /// Polygon points read so far (see [`MAX_PUNTI_DOCUMENTO`]).
    punti: usize,
}

impl Lettore {
    fn warn(&mut self, path: &str, message: impl Into<String>) {
        self.warnings.push(Violation {
            path: path.to_owned(),
            message: message.into(),
        });
    }

    fn unknown(&mut self, path: &str, n: &Node) {
        self.warn(
            &format!("{path}/{}", n.name),
            "elemento sconosciuto (ignorato)",
        );
    }

    fn time(&mut self, path: &str, n: &Node) -> Option<CapTime> {
        let t = CapTime::parse(&n.text);
        if t.is_none() {
            self.warn(
                &format!("{path}/{}", n.name),
                format!("data e ora non leggibile: «{}»", n.text.trim()),
            );
        }
        t
    }

    fn pair(&mut self, path: &str, n: &Node) -> ValuePair {
        let mut p = ValuePair::default();
        for c in &n.children {
            match c.name.as_str() {
                "valueName" => p.value_name = c.text.trim().to_owned(),
                "value" => p.value = c.text.trim().to_owned(),
                _ => self.unknown(&format!("{path}/{}", n.name), c),
            }
        }
        p
    }

    fn number(&mut self, path: &str, n: &Node) -> Option<f64> {
        let v = n.text.trim().parse::<f64>().ok().filter(|x| x.is_finite());
        if v.is_none() {
            self.warn(
                &format!("{path}/{}", n.name),
                format!("numero non leggibile: «{}»", n.text.trim()),
            );
        }
        v
    }

    fn alert(&mut self, n: &Node) -> Alert {
        let path = "alert";
        let mut a = Alert::default();
        for c in &n.children {
            let t = || c.text.trim().to_owned();
            match c.name.as_str() {
                "identifier" => a.identifier = t(),
                "sender" => a.sender = t(),
                "sent" => a.sent = self.time(path, c),
                "status" => a.status = Some(Status::parse(&c.text)),
                "msgType" => a.msg_type = Some(MsgType::parse(&c.text)),
                "source" => a.source = Some(t()),
                "scope" => a.scope = Some(Scope::parse(&c.text)),
                "restriction" => a.restriction = Some(t()),
                "addresses" => a.addresses = Some(t()),
                "code" => a.codes.push(t()),
                "note" => a.note = Some(t()),
                "references" => {
                    let (ok, bad) = Reference::parse_list(&c.text);
                    a.references.extend(ok);
                    for b in bad {
                        self.warn("alert/references", format!("riferimento non valido «{b}» (atteso mittente,identificativo,invio)"));
                    }
                }
                "incidents" => a.incidents = Some(t()),
                "info" => {
                    let i = a.infos.len();
                    let info = self.info(&format!("alert/info[{i}]"), c);
                    a.infos.push(info);
                }
                // The XML signature and encryption elements the specification allows.
                "Signature" | "EncryptedData" => {}
                _ => self.unknown(path, c),
            }
        }
        a
    }

    fn info(&mut self, path: &str, n: &Node) -> Info {
        let mut i = Info::default();
        for c in &n.children {
            let t = || c.text.trim().to_owned();
            match c.name.as_str() {
                "language" => i.language = Some(t()),
                "category" => i.categories.push(Category::parse(&c.text)),
                "event" => i.event = t(),
                "responseType" => i.response_types.push(ResponseType::parse(&c.text)),
                "urgency" => i.urgency = Some(Urgency::parse(&c.text)),
                "severity" => i.severity = Some(Severity::parse(&c.text)),
                "certainty" => i.certainty = Some(Certainty::parse(&c.text)),
                "audience" => i.audience = Some(t()),
                "eventCode" => {
                    let p = self.pair(path, c);
                    i.event_codes.push(p)
                }
                "effective" => i.effective = self.time(path, c),
                "onset" => i.onset = self.time(path, c),
                "expires" => i.expires = self.time(path, c),
                "senderName" => i.sender_name = Some(t()),
                "headline" => i.headline = Some(t()),
                "description" => i.description = Some(t()),
                "instruction" => i.instruction = Some(t()),
                "web" => i.web = Some(t()),
                "contact" => i.contact = Some(t()),
                "parameter" => {
                    let p = self.pair(path, c);
                    i.parameters.push(p)
                }
                "resource" => {
                    let k = i.resources.len();
                    let r = self.resource(&format!("{path}/resource[{k}]"), c);
                    i.resources.push(r);
                }
                "area" => {
                    let k = i.areas.len();
                    let a = self.area(&format!("{path}/area[{k}]"), c);
                    i.areas.push(a);
                }
                _ => self.unknown(path, c),
            }
        }
        i
    }

    fn resource(&mut self, path: &str, n: &Node) -> Resource {
        let mut r = Resource::default();
        for c in &n.children {
            let t = || c.text.trim().to_owned();
            match c.name.as_str() {
                "resourceDesc" => r.resource_desc = t(),
                "mimeType" => r.mime_type = t(),
                "size" => {
                    r.size = c.text.trim().parse().ok();
                    if r.size.is_none() {
                        self.warn(
                            &format!("{path}/size"),
                            format!("dimensione non leggibile: «{}»", c.text.trim()),
                        );
                    }
                }
                "uri" => r.uri = Some(t()),
                "derefUri" => r.deref_uri = Some(t()),
                "digest" => r.digest = Some(t()),
                _ => self.unknown(path, c),
            }
        }
        r
    }

    fn area(&mut self, path: &str, n: &Node) -> Area {
        let mut a = Area::default();
        for c in &n.children {
            match c.name.as_str() {
                "areaDesc" => a.area_desc = c.text.trim().to_owned(),
                "polygon" => {
                    let k = a.polygons.len();
                    let n = c.text.split_whitespace().count();
                    if n > MAX_PUNTI_POLIGONO {
                        self.warn(
                            &format!("{path}/polygon[{k}]"),
                            format!("poligono di {n} punti, oltre il limite di {MAX_PUNTI_POLIGONO}: ignorato"),
                        );
                        continue;
                    }
                    if self.punti + n > MAX_PUNTI_DOCUMENTO {
                        self.warn(
                            &format!("{path}/polygon[{k}]"),
                            format!("i poligoni del documento superano {MAX_PUNTI_DOCUMENTO} punti in tutto: poligono ignorato"),
                        );
                        continue;
                    }
                    self.punti += n;
                    match parse_polygon(&c.text) {
                        Some(p) => a.polygons.push(p),
                        None => self.warn(&format!("{path}/polygon[{k}]"), "poligono non leggibile (attese coppie lat,lon separate da spazi): ignorato"),
                    }
                }
                "circle" => match parse_circle(&c.text) {
                    Some(x) => a.circles.push(x),
                    None => self.warn(
                        &format!("{path}/circle[{}]", a.circles.len()),
                        "cerchio non leggibile (atteso «lat,lon raggio»): ignorato",
                    ),
                },
                "geocode" => {
                    let p = self.pair(path, c);
                    a.geocodes.push(p)
                }
                "altitude" => a.altitude = self.number(path, c),
                "ceiling" => a.ceiling = self.number(path, c),
                _ => self.unknown(path, c),
            }
        }
        a
    }
}

/// `lat,lon lat,lon ...`
pub(crate) fn parse_polygon(s: &str) -> Option<Polygon> {
    let mut pts = Vec::new();
    for pair in s.split_whitespace() {
        let (lat, lon) = pair.split_once(',')?;
        pts.push((finite(lat)?, finite(lon)?));
    }
    (!pts.is_empty()).then_some(Polygon(pts))
}

/// `lat,lon radius`
pub(crate) fn parse_circle(s: &str) -> Option<Circle> {
    let mut it = s.split_whitespace();
    let (lat, lon) = it.next()?.split_once(',')?;
    let radius_km = finite(it.next()?)?;
    if it.next().is_some() {
        return None;
    }
    Some(Circle {
        lat: finite(lat)?,
        lon: finite(lon)?,
        radius_km,
    })
}

/// A finite number (`NaN` and infinities are not coordinates).
fn finite(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Reads a CAP document leniently.
pub fn parse(xml: &str) -> Result<Parsed, ParseError> {
    if xml.len() > MAX_BYTES {
        return Err(ParseError::TooLarge);
    }
    let root = dom(xml)?;
    if root.name != "alert" {
        return Err(ParseError::NotAnAlert(root.name));
    }
    let mut l = Lettore {
        warnings: Vec::new(),
        punti: 0,
    };
    match root.namespace.as_deref() {
        Some(NAMESPACE) => {}
        Some(other) => l.warn(
            "alert",
            format!("namespace «{other}» invece di «{NAMESPACE}»"),
        ),
        None => l.warn("alert", format!("manca il namespace «{NAMESPACE}»")),
    }
    let alert = l.alert(&root);
    Ok(Parsed {
        alert,
        warnings: l.warnings,
    })
}
