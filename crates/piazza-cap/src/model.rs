//! The CAP 1.2 document as Rust types. Enumerations keep values they do not know
//! (`Other(String)`), so that lenient parsing loses nothing and the strict mode can name them.

use chrono::{DateTime, FixedOffset};

/// The CAP 1.2 XML namespace.
pub const NAMESPACE: &str = "urn:oasis:names:tc:emergency:cap:1.2";

macro_rules! cap_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
            /// A value the specification does not list (kept as written).
            Other(String),
        }

        impl $name {
            /// Every value the specification lists.
            pub const VALUES: &'static [&'static str] = &[$($text),+];

            /// Reads a value (surrounding whitespace ignored).
            pub fn parse(s: &str) -> Self {
                match s.trim() {
                    $($text => Self::$variant,)+
                    other => Self::Other(other.to_owned()),
                }
            }

            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Other(s) => s,
                }
            }

            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }
    };
}

cap_enum!(
    /// `alert/status`.
    Status { Actual => "Actual", Exercise => "Exercise", System => "System", Test => "Test", Draft => "Draft" }
);
cap_enum!(
    /// `alert/msgType`.
    MsgType { Alert => "Alert", Update => "Update", Cancel => "Cancel", Ack => "Ack", Error => "Error" }
);
cap_enum!(
    /// `alert/scope`.
    Scope { Public => "Public", Restricted => "Restricted", Private => "Private" }
);
cap_enum!(
    /// `info/category`.
    Category {
        Geo => "Geo", Met => "Met", Safety => "Safety", Security => "Security", Rescue => "Rescue",
        Fire => "Fire", Health => "Health", Env => "Env", Transport => "Transport", Infra => "Infra",
        Cbrne => "CBRNE", OtherCategory => "Other",
    }
);
cap_enum!(
    /// `info/responseType`.
    ResponseType {
        Shelter => "Shelter", Evacuate => "Evacuate", Prepare => "Prepare", Execute => "Execute",
        Avoid => "Avoid", Monitor => "Monitor", Assess => "Assess", AllClear => "AllClear", None => "None",
    }
);
cap_enum!(
    /// `info/urgency`.
    Urgency { Immediate => "Immediate", Expected => "Expected", Future => "Future", Past => "Past", Unknown => "Unknown" }
);
cap_enum!(
    /// `info/severity`.
    Severity { Extreme => "Extreme", Severe => "Severe", Moderate => "Moderate", Minor => "Minor", Unknown => "Unknown" }
);
cap_enum!(
    /// `info/certainty`.
    Certainty { Observed => "Observed", Likely => "Likely", Possible => "Possible", Unlikely => "Unlikely", Unknown => "Unknown" }
);

/// A CAP date and time: the instant with the offset it was written with, and the text as it
/// came (lenient parsing accepts `Z`, fractions of a second; the strict mode checks the text).
#[derive(Debug, Clone)]
pub struct CapTime {
    pub at: DateTime<FixedOffset>,
    pub raw: String,
}

impl CapTime {
    /// The canonical CAP form: `2025-11-19T10:49:49+01:00` (`-00:00` is written as `+00:00`).
    pub fn canonical(&self) -> String {
        self.at.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }

    pub fn new(at: DateTime<FixedOffset>) -> Self {
        let raw = at.format("%Y-%m-%dT%H:%M:%S%:z").to_string();
        Self { at, raw }
    }

    /// Reads a date and time leniently; `None` when it is not one.
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        let at = DateTime::parse_from_rfc3339(t)
            .or_else(|_| DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%:z"))
            .or_else(|_| DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%z"))
            .ok()?;
        Some(Self {
            at,
            raw: t.to_owned(),
        })
    }
}

/// Equal when they name the same instant with the same offset (not by the text).
impl PartialEq for CapTime {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at && self.at.offset() == other.at.offset()
    }
}

/// A `valueName`/`value` pair: event codes, parameters, geocodes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValuePair {
    pub value_name: String,
    pub value: String,
}

/// One earlier message referenced by an Update, Cancel, Ack or Error: `sender,identifier,sent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub sender: String,
    pub identifier: String,
    /// As written (the strict mode checks it is a CAP date and time).
    pub sent: String,
}

impl Reference {
    /// The `references` text: triplets separated by whitespace. Malformed ones are returned as
    /// errors (their text).
    pub fn parse_list(s: &str) -> (Vec<Reference>, Vec<String>) {
        let mut ok = Vec::new();
        let mut bad = Vec::new();
        for t in s.split_whitespace() {
            let parts: Vec<&str> = t.split(',').collect();
            match parts[..] {
                [sender, identifier, sent]
                    if !sender.is_empty() && !identifier.is_empty() && !sent.is_empty() =>
                {
                    ok.push(Reference {
                        sender: sender.to_owned(),
                        identifier: identifier.to_owned(),
                        sent: sent.to_owned(),
                    })
                }
                _ => bad.push(t.to_owned()),
            }
        }
        (ok, bad)
    }

    pub fn to_text(&self) -> String {
        format!("{},{},{}", self.sender, self.identifier, self.sent)
    }
}

/// A closed ring of WGS 84 points (latitude, longitude).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Polygon(pub Vec<(f64, f64)>);

/// A point and a radius in kilometres.
#[derive(Debug, Clone, PartialEq)]
pub struct Circle {
    pub lat: f64,
    pub lon: f64,
    pub radius_km: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Area {
    pub area_desc: String,
    pub polygons: Vec<Polygon>,
    pub circles: Vec<Circle>,
    pub geocodes: Vec<ValuePair>,
    /// Feet above mean sea level (as the specification says).
    pub altitude: Option<f64>,
    pub ceiling: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resource {
    pub resource_desc: String,
    pub mime_type: String,
    pub size: Option<u64>,
    pub uri: Option<String>,
    pub deref_uri: Option<String>,
    pub digest: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Info {
    /// `None` means the default, `en-US`.
    pub language: Option<String>,
    pub categories: Vec<Category>,
    pub event: String,
    pub response_types: Vec<ResponseType>,
    pub urgency: Option<Urgency>,
    pub severity: Option<Severity>,
    pub certainty: Option<Certainty>,
    pub audience: Option<String>,
    pub event_codes: Vec<ValuePair>,
    pub effective: Option<CapTime>,
    pub onset: Option<CapTime>,
    pub expires: Option<CapTime>,
    pub sender_name: Option<String>,
    pub headline: Option<String>,
    pub description: Option<String>,
    pub instruction: Option<String>,
    pub web: Option<String>,
    pub contact: Option<String>,
    pub parameters: Vec<ValuePair>,
    pub resources: Vec<Resource>,
    pub areas: Vec<Area>,
}

impl Info {
    /// The language, with the specification's default.
    pub fn lang(&self) -> &str {
        self.language.as_deref().unwrap_or("en-US")
    }

    /// The first parameter with this name.
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|p| p.value_name == name)
            .map(|p| p.value.as_str())
    }
}

/// A CAP 1.2 alert message.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Alert {
    pub identifier: String,
    pub sender: String,
    pub sent: Option<CapTime>,
    pub status: Option<Status>,
    pub msg_type: Option<MsgType>,
    pub source: Option<String>,
    pub scope: Option<Scope>,
    pub restriction: Option<String>,
    pub addresses: Option<String>,
    pub codes: Vec<String>,
    pub note: Option<String>,
    pub references: Vec<Reference>,
    pub incidents: Option<String>,
    pub infos: Vec<Info>,
}

impl Alert {
    /// The key that identifies a message across copies: (sender, identifier, sent as written).
    pub fn key(&self) -> (String, String, String) {
        (
            self.sender.clone(),
            self.identifier.clone(),
            self.sent
                .as_ref()
                .map(|s| s.raw.clone())
                .unwrap_or_default(),
        )
    }

    /// The info blocks in a language (`it`, `it-IT`: by primary subtag), in document order.
    pub fn infos_in<'a>(&'a self, lang: &'a str) -> impl Iterator<Item = &'a Info> + 'a {
        let primary = lang.split('-').next().unwrap_or(lang).to_ascii_lowercase();
        self.infos.iter().filter(move |i| {
            i.lang()
                .split('-')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase()
                == primary
        })
    }
}
