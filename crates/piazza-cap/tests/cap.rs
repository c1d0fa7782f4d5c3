//! The codec on real and written documents: lenient reading, strict validation, round trips.

use piazza_cap::*;

fn doc(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/documenti/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("test document")
}

const VALID: &[&str] = &[
    "meteoalarm-it-2.49.0.0.380.3.IT.251119104948.038.xml",
    "allerta-toscana-multilingua.xml",
    "aggiornamento.xml",
    "annullamento.xml",
    "conferma.xml",
    "errore.xml",
    "oasis-a1-hsas.xml",
    "oasis-a2-temporale.xml",
    "oasis-a3-terremoto-update.xml",
    "oasis-a4-amber-multilingua.xml",
    "eccc-ca-qualita-aria-update.estratto.xml",
];

#[test]
fn every_test_document_is_valid_under_the_strict_mode() {
    for name in VALID {
        if let Err(v) = validate_xml(&doc(name)) {
            panic!("{name}: {v:?}");
        }
    }
}

#[test]
fn a_real_canadian_update_in_two_languages_is_read_field_by_field() {
    let a = validate_xml(&doc("eccc-ca-qualita-aria-update.estratto.xml")).unwrap();
    assert_eq!(a.msg_type, Some(MsgType::Update));
    assert_eq!(a.references.len(), 21);
    assert_eq!(
        a.references[20].identifier,
        "urn:oid:2.49.0.1.124.0595930621.2022"
    );
    assert_eq!(a.sent.as_ref().unwrap().raw, "2022-10-10T17:44:34-00:00");
    assert_eq!(a.codes.len(), 6);
    assert_eq!(a.infos.len(), 2);
    let fr: Vec<&Info> = a.infos_in("fr").collect();
    assert_eq!(fr[0].event, "qualité de l'air");
    assert_eq!(fr[0].categories.len(), 5);
    assert!(
        fr[0].categories.contains(&Category::Env)
            && fr[0].categories.contains(&Category::Transport)
    );
    assert_eq!(fr[0].areas[0].geocodes.len(), 11);
    assert_eq!(fr[0].areas[0].polygons[0].0.len(), 17);
    assert_eq!(
        a.infos[0]
            .instruction
            .as_deref()
            .map(|i| i.contains("wildfire smoke")),
        Some(true)
    );
}

#[test]
fn the_example_messages_of_the_oasis_standard_are_read_field_by_field() {
    let a = validate_xml(&doc("oasis-a2-temporale.xml")).unwrap();
    let area = &a.infos[0].areas[0];
    assert_eq!(area.polygons[0].0.len(), 5);
    assert_eq!(area.polygons[0].0[0], (38.47, -120.14));
    assert_eq!(area.geocodes.len(), 3);
    assert_eq!(a.infos[0].response_types, [ResponseType::Shelter]);
    assert_eq!(a.infos[0].lang(), "en-US", "no language: the default");
    let u = validate_xml(&doc("oasis-a3-terremoto-update.xml")).unwrap();
    assert_eq!(u.msg_type, Some(MsgType::Update));
    assert_eq!(
        u.references,
        [Reference {
            sender: "trinet@caltech.edu".into(),
            identifier: "TRI13970876.1".into(),
            sent: "2003-06-11T20:30:00-07:00".into()
        }]
    );
    assert_eq!(u.infos[0].areas[0].circles[0].radius_km, 0.0);
    assert_eq!(u.infos[0].parameter("Magnitude"), Some("3.4 Ml"));
    let m = validate_xml(&doc("oasis-a4-amber-multilingua.xml")).unwrap();
    assert_eq!(m.infos.len(), 2);
    let es: Vec<&Info> = m.infos_in("es").collect();
    assert_eq!(es.len(), 1);
    assert_eq!(es[0].event, "Abducción de Niño");
    let h = validate_xml(&doc("oasis-a1-hsas.xml")).unwrap();
    assert_eq!(h.infos[0].resources[0].mime_type, "image/gif");
    assert_eq!(h.infos[0].categories, [Category::Security]);
}

#[test]
fn the_real_meteoalarm_alert_is_read_field_by_field() {
    let a = validate_xml(&doc(VALID[0])).unwrap();
    assert_eq!(a.identifier, "2.49.0.0.380.3.IT.251119104948.038");
    assert_eq!(a.sender, "aerocnmca.1sv.prv1@aeronautica.difesa.it");
    assert_eq!(a.sent.as_ref().unwrap().raw, "2025-11-19T10:49:49+01:00");
    assert_eq!(
        (a.status.clone(), a.msg_type.clone(), a.scope.clone()),
        (
            Some(Status::Actual),
            Some(MsgType::Alert),
            Some(Scope::Public)
        )
    );
    let i = &a.infos[0];
    assert_eq!(i.lang(), "en-GB");
    assert_eq!(i.categories, [Category::Met]);
    assert_eq!(i.response_types, [ResponseType::Monitor]);
    assert_eq!(
        (i.urgency.clone(), i.severity.clone(), i.certainty.clone()),
        (
            Some(Urgency::Future),
            Some(Severity::Moderate),
            Some(Certainty::Likely)
        )
    );
    assert_eq!(
        i.expires.as_ref().unwrap().at.to_rfc3339(),
        "2025-11-21T00:59:00+01:00"
    );
    assert_eq!(i.areas[0].area_desc, "Lombardia");
    assert_eq!(
        i.areas[0].geocodes,
        [ValuePair {
            value_name: "EMMA_ID".into(),
            value: "IT003".into()
        }]
    );
}

#[test]
fn languages_polygons_circles_parameters_and_escapes() {
    let a = validate_xml(&doc("allerta-toscana-multilingua.xml")).unwrap();
    assert_eq!(a.infos.len(), 2);
    assert_eq!(a.infos_in("it").count(), 1);
    assert_eq!(
        a.infos_in("en").next().unwrap().headline.as_deref(),
        Some("Orange warning: heavy rain on zone A3")
    );
    let it = &a.infos[0];
    assert_eq!(
        it.description.as_deref(),
        Some("Piogge intense e persistenti & possibili frane <diffuse>.")
    );
    assert_eq!(it.parameter("awareness_level"), Some("3; orange; Severe"));
    assert_eq!(it.event_codes[0].value, "idrogeologico");
    let area = &it.areas[0];
    assert_eq!(area.polygons[0].0.len(), 5);
    assert_eq!(area.polygons[0].0[1], (43.85, 10.95));
    assert_eq!(
        area.circles[0],
        Circle {
            lat: 43.7696,
            lon: 11.2558,
            radius_km: 12.5
        }
    );
    assert_eq!(area.geocodes.len(), 2);
}

#[test]
fn references_become_triplets_for_every_message_kind() {
    let u = validate_xml(&doc("aggiornamento.xml")).unwrap();
    assert_eq!(u.msg_type, Some(MsgType::Update));
    assert_eq!(
        u.references,
        [Reference {
            sender: "cfr@regione.toscana.example".into(),
            identifier: "it.toscana.cfr.2026.0412".into(),
            sent: "2026-10-14T13:30:00+02:00".into(),
        }]
    );
    let c = validate_xml(&doc("annullamento.xml")).unwrap();
    assert_eq!((c.msg_type, c.infos.len()), (Some(MsgType::Cancel), 0));
    assert_eq!(c.references[0].identifier, "it.toscana.cfr.2026.0413");
    assert_eq!(
        validate_xml(&doc("conferma.xml")).unwrap().msg_type,
        Some(MsgType::Ack)
    );
    let e = validate_xml(&doc("errore.xml")).unwrap();
    assert_eq!(e.msg_type, Some(MsgType::Error));
    assert_eq!(e.sent.unwrap().at.to_rfc3339(), "2026-10-14T11:31:05+00:00");
}

#[test]
fn writing_and_reading_back_gives_the_same_alert() {
    for name in VALID {
        let a = parse(&doc(name)).unwrap().alert;
        let xml = to_xml(&a);
        let back = validate_xml(&xml)
            .unwrap_or_else(|v| panic!("{name} written is not valid: {v:?}\n{xml}"));
        assert_eq!(back, a, "{name}");
        assert_eq!(to_xml(&back), xml, "{name}: writing is stable");
    }
}

#[test]
fn lenient_reading_of_what_real_feeds_send() {
    let xml = r#"<?xml version="1.0"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>
     abc-1
  </identifier>
  <sender>s@example.org</sender>
  <sent>2026-01-05T08:00:00Z</sent>
  <status> Actual </status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <extension>something of a profile</extension>
  <info>
    <category>Met</category><event>Vento</event>
    <urgency>Future</urgency><severity>Minor</severity><certainty>Very Likely</certainty>
    <area><areaDesc>x</areaDesc><polygon>not a polygon</polygon></area>
  </info>
</alert>"#;
    let p = parse(xml).unwrap();
    assert_eq!(p.alert.identifier, "abc-1", "whitespace trimmed");
    assert_eq!(p.alert.status, Some(Status::Actual));
    assert_eq!(
        p.alert.sent.as_ref().unwrap().at.to_rfc3339(),
        "2026-01-05T08:00:00+00:00",
        "Z read"
    );
    assert_eq!(
        p.alert.infos[0].certainty,
        Some(Certainty::Other("Very Likely".into()))
    );
    assert!(
        p.alert.infos[0].areas[0].polygons.is_empty(),
        "the bad polygon is left out"
    );
    let w: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
    assert!(
        w.contains(&"alert/extension: elemento sconosciuto (ignorato)".to_owned()),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|x| x.starts_with("alert/info[0]/area[0]/polygon[0]: poligono non leggibile"))
    );
    // The strict mode names each problem with its path.
    let v: Vec<String> = validate_xml(xml)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        v.iter()
            .any(|x| x
                .starts_with("alert/sent: data e ora «2026-01-05T08:00:00Z» non nel formato CAP")),
        "{v:?}"
    );
    assert!(
        v.iter()
            .any(|x| x.starts_with("alert/info[0]/certainty: valore «Very Likely» non previsto"))
    );
    assert!(v.iter().any(|x| x.starts_with("alert/extension")));
}

#[test]
fn the_strict_mode_reports_every_violation_with_its_path() {
    let xml = r#"<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>con spazi, e virgole</identifier>
  <sent>ieri</sent>
  <status>Maybe</status>
  <msgType>Update</msgType>
  <scope>Restricted</scope>
  <references>solo-due,campi</references>
  <info>
    <event></event>
    <urgency>Now</urgency>
    <onset>2026-10-15T12:00:00+02:00</onset>
    <expires>2026-10-15T10:00:00+02:00</expires>
    <resource><resourceDesc>mappa</resourceDesc></resource>
    <area>
      <polygon>43.1,10.1 43.2,10.2 43.3,10.1</polygon>
      <circle>95.0,10.0 5</circle>
      <ceiling>100</ceiling>
    </area>
  </info>
</alert>"#;
    let v: Vec<String> = validate_xml(xml)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    for atteso in [
        "alert/references: riferimento non valido «solo-due,campi»",
        "alert/identifier: non può contenere spazi",
        "alert/sender: obbligatorio e mancante",
        "alert/sent: obbligatorio e mancante",
        "alert/sent: data e ora non leggibile",
        "alert/status: valore «Maybe» non previsto",
        "alert/references: un messaggio Update deve indicare",
        "alert/restriction: obbligatorio quando scope è Restricted",
        "alert/info[0]/category: almeno una categoria",
        "alert/info[0]/event: obbligatorio",
        "alert/info[0]/urgency: valore «Now» non previsto",
        "alert/info[0]/severity: obbligatorio",
        "alert/info[0]/certainty: obbligatorio",
        "alert/info[0]/expires: la scadenza viene prima",
        "alert/info[0]/resource[0]/mimeType: obbligatorio",
        "alert/info[0]/area[0]/areaDesc: obbligatorio",
        "alert/info[0]/area[0]/polygon[0]: un poligono ha almeno 4 punti",
        "alert/info[0]/area[0]/circle[0]: coordinate fuori intervallo",
        "alert/info[0]/area[0]/ceiling: ceiling richiede altitude",
    ] {
        assert!(
            v.iter().any(|x| x.starts_with(atteso)),
            "missing «{atteso}» in {v:#?}"
        );
    }
}

#[test]
fn what_is_not_a_cap_alert_fails_with_a_reason() {
    assert_eq!(
        parse("<feed/>").unwrap_err(),
        ParseError::NotAnAlert("feed".into())
    );
    assert!(matches!(parse("").unwrap_err(), ParseError::Xml(_)));
    assert!(matches!(
        parse("<alert><identifier>x</alert>").unwrap_err(),
        ParseError::Xml(_)
    ));
    assert!(matches!(
        parse("<alert>&bogus;</alert>").unwrap_err(),
        ParseError::Xml(_)
    ));
    let deep = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
    assert!(
        matches!(parse(&deep).unwrap_err(), ParseError::Xml(_)),
        "depth is bounded"
    );
    let v = validate_xml("<alert><identifier>x</identifier></alert>").unwrap_err();
    assert!(v[0].message.contains("manca il namespace"), "{v:?}");
}

/// Cheap, deterministic mutations of the valid documents (the fuzz target goes further): the
/// reader never panics, and what it reads writes back to something it reads again.
#[test]
fn mutated_documents_never_panic() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for name in VALID {
        let base = doc(name).into_bytes();
        for _ in 0..300 {
            let mut b = base.clone();
            for _ in 0..(next() % 8 + 1) {
                let i = (next() as usize) % b.len();
                match next() % 3 {
                    0 => b[i] = (next() % 128) as u8,
                    1 => {
                        b.remove(i);
                    }
                    _ => b.insert(i, b"<>&;/ "[(next() % 6) as usize]),
                }
            }
            let s = String::from_utf8_lossy(&b);
            if let Ok(p) = parse(&s) {
                let _ = validate(&p.alert);
                parse(&to_xml(&p.alert)).expect("what was read writes back readably");
            }
        }
    }
}

/// A polygon of `n` points around Pisa, as CAP writes them.
fn poligono(n: usize) -> String {
    (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            format!("{:.5},{:.5}", 43.7 + 0.1 * a.sin(), 10.4 + 0.1 * a.cos())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn con_poligoni(poligoni: &[String]) -> String {
    let aree: String = poligoni
        .iter()
        .map(|p| format!("<area><areaDesc>Zona</areaDesc><polygon>{p}</polygon></area>"))
        .collect();
    format!(
        r#"<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier><sender>a@b.it</sender><sent>2026-01-01T00:00:00+01:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope><info><category>Met</category><event>Vento</event><urgency>Expected</urgency><severity>Moderate</severity><certainty>Likely</certainty>{aree}</info></alert>"#
    )
}

#[test]
fn polygons_over_the_point_limits_are_ignored_with_a_warning() {
    // 80,000 points in one polygon: read, but the polygon is left out and said so.
    let p = piazza_cap::parse(&con_poligoni(&[poligono(80_000)])).unwrap();
    assert!(p.alert.infos[0].areas[0].polygons.is_empty());
    assert!(
        p.warnings
            .iter()
            .any(|w| w.message.contains("poligono di 80000 punti")),
        "{:?}",
        p.warnings
    );
    // Under the limit it is kept.
    let p = piazza_cap::parse(&con_poligoni(&[poligono(9_000)])).unwrap();
    assert_eq!(p.alert.infos[0].areas[0].polygons[0].0.len(), 9_000);
    // Many polygons together: those beyond the document's total are left out.
    let molti: Vec<String> = (0..8).map(|_| poligono(9_000)).collect();
    let p = piazza_cap::parse(&con_poligoni(&molti)).unwrap();
    let tenuti: usize = p.alert.infos[0]
        .areas
        .iter()
        .map(|a| a.polygons.iter().map(|p| p.0.len()).sum::<usize>())
        .sum();
    assert!(
        (45_000..=piazza_cap::MAX_PUNTI_DOCUMENTO).contains(&tenuti),
        "{tenuti}"
    );
    assert!(p.warnings.iter().any(|w| w.message.contains("in tutto")));
}

#[test]
fn a_document_of_too_many_elements_is_refused() {
    let aree = "<area><areaDesc>x</areaDesc></area>".repeat(piazza_cap::MAX_ELEMENTI / 2 + 1);
    let xml = con_poligoni(&[]).replace("</info>", &format!("{aree}</info>"));
    let e = piazza_cap::parse(&xml).unwrap_err();
    assert!(e.to_string().contains("elementi"), "{e}");
}
