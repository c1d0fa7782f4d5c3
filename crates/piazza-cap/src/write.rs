//! Writing: elements in the order of the specification, text escaped, times in the canonical
//! form.

use std::fmt::Write as _;

use crate::model::*;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

struct W {
    out: String,
    depth: usize,
}

impl W {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }
    fn el(&mut self, name: &str, value: &str) {
        self.indent();
        let _ = writeln!(self.out, "<{name}>{}</{name}>", esc(value));
    }
    fn opt(&mut self, name: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.el(name, v);
        }
    }
    fn open(&mut self, name: &str) {
        self.indent();
        let _ = writeln!(self.out, "<{name}>");
        self.depth += 1;
    }
    fn close(&mut self, name: &str) {
        self.depth -= 1;
        self.indent();
        let _ = writeln!(self.out, "</{name}>");
    }
    fn pair(&mut self, name: &str, p: &ValuePair) {
        self.open(name);
        self.el("valueName", &p.value_name);
        self.el("value", &p.value);
        self.close(name);
    }
    fn time(&mut self, name: &str, t: Option<&CapTime>) {
        if let Some(t) = t {
            self.el(name, &t.canonical());
        }
    }
}

/// The alert as a CAP 1.2 XML document (UTF-8).
pub fn to_xml(a: &Alert) -> String {
    let mut w = W {
        out: String::with_capacity(2048),
        depth: 1,
    };
    w.out
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(w.out, "<alert xmlns=\"{NAMESPACE}\">");
    w.el("identifier", &a.identifier);
    w.el("sender", &a.sender);
    w.time("sent", a.sent.as_ref());
    w.opt("status", a.status.as_ref().map(Status::as_str));
    w.opt("msgType", a.msg_type.as_ref().map(MsgType::as_str));
    w.opt("source", a.source.as_deref());
    w.opt("scope", a.scope.as_ref().map(Scope::as_str));
    w.opt("restriction", a.restriction.as_deref());
    w.opt("addresses", a.addresses.as_deref());
    for c in &a.codes {
        w.el("code", c);
    }
    w.opt("note", a.note.as_deref());
    if !a.references.is_empty() {
        let r: Vec<String> = a.references.iter().map(Reference::to_text).collect();
        w.el("references", &r.join(" "));
    }
    w.opt("incidents", a.incidents.as_deref());
    for i in &a.infos {
        w.open("info");
        w.opt("language", i.language.as_deref());
        for c in &i.categories {
            w.el("category", c.as_str());
        }
        w.el("event", &i.event);
        for r in &i.response_types {
            w.el("responseType", r.as_str());
        }
        w.opt("urgency", i.urgency.as_ref().map(Urgency::as_str));
        w.opt("severity", i.severity.as_ref().map(Severity::as_str));
        w.opt("certainty", i.certainty.as_ref().map(Certainty::as_str));
        w.opt("audience", i.audience.as_deref());
        for p in &i.event_codes {
            w.pair("eventCode", p);
        }
        w.time("effective", i.effective.as_ref());
        w.time("onset", i.onset.as_ref());
        w.time("expires", i.expires.as_ref());
        w.opt("senderName", i.sender_name.as_deref());
        w.opt("headline", i.headline.as_deref());
        w.opt("description", i.description.as_deref());
        w.opt("instruction", i.instruction.as_deref());
        w.opt("web", i.web.as_deref());
        w.opt("contact", i.contact.as_deref());
        for p in &i.parameters {
            w.pair("parameter", p);
        }
        for r in &i.resources {
            w.open("resource");
            w.el("resourceDesc", &r.resource_desc);
            w.el("mimeType", &r.mime_type);
            if let Some(s) = r.size {
                w.el("size", &s.to_string());
            }
            w.opt("uri", r.uri.as_deref());
            w.opt("derefUri", r.deref_uri.as_deref());
            w.opt("digest", r.digest.as_deref());
            w.close("resource");
        }
        for area in &i.areas {
            w.open("area");
            w.el("areaDesc", &area.area_desc);
            for p in &area.polygons {
                let pts: Vec<String> =
                    p.0.iter()
                        .map(|(lat, lon)| format!("{lat},{lon}"))
                        .collect();
                w.el("polygon", &pts.join(" "));
            }
            for c in &area.circles {
                w.el("circle", &format!("{},{} {}", c.lat, c.lon, c.radius_km));
            }
            for g in &area.geocodes {
                w.pair("geocode", g);
            }
            if let Some(x) = area.altitude {
                w.el("altitude", &x.to_string());
            }
            if let Some(x) = area.ceiling {
                w.el("ceiling", &x.to_string());
            }
            w.close("area");
        }
        w.close("info");
    }
    w.out.push_str("</alert>\n");
    w.out
}
