//! The unit tests of the model: money, rates, the split by year, the risk, the success rate
//! and the project form.

use chrono::NaiveDate;

use super::*;
use crate::piano::model::RischioLegislatura;

fn d(y: i32, m: u32, g: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, g).unwrap()
}

#[test]
fn euro_amounts_the_italian_way() {
    assert_eq!(parse_euro("1.234,56"), Ok(123_456));
    assert_eq!(parse_euro("1234,5"), Ok(123_450));
    assert_eq!(parse_euro("1234.56"), Ok(123_456));
    assert_eq!(parse_euro("€ 1.234"), Ok(123_400));
    assert_eq!(parse_euro("1.234.567"), Ok(123_456_700));
    assert_eq!(parse_euro("250000"), Ok(25_000_000));
    assert_eq!(parse_euro(" 0,07 € "), Ok(7));
    assert!(parse_euro("12,345").unwrap_err().contains("due decimali"));
    assert!(parse_euro("-5").unwrap_err().contains("negativo"));
    assert!(parse_euro("dieci").unwrap_err().contains("non valido"));
    assert!(parse_euro("1,2,3").is_err());
    assert!(parse_euro("99999999999999999999").is_err());
    assert_eq!(euro_da_numero(1234.56), Ok(123_456));
    assert!(euro_da_numero(1.005001).is_err());
    assert!(euro_da_numero(-1.0).is_err());
}

#[test]
fn rates_in_hundredths_of_a_percent() {
    assert_eq!(parse_tasso("85"), Ok(Some(8500)));
    assert_eq!(parse_tasso("82,5 %"), Ok(Some(8250)));
    assert_eq!(parse_tasso(""), Ok(None));
    assert!(parse_tasso("120").is_err());
    assert_eq!(tasso(8250), "82,5 %");
}

#[test]
fn split_by_year_adds_up_exactly() {
    let parti = ripartisci_per_anno(100_000, d(2019, 7, 1), d(2021, 6, 30));
    assert_eq!(
        parti.iter().map(|p| p.0).collect::<Vec<_>>(),
        [2019, 2020, 2021]
    );
    assert_eq!(parti.iter().map(|p| p.1).sum::<i64>(), 100_000);
    // 184 days of 731 in 2019, 366 in 2020.
    assert_eq!(parti[0].1, 100_000 * 184 / 731);
    assert_eq!(parti[1].1, 100_000 * 366 / 731);
    assert_eq!(
        ripartisci_per_anno(7, d(2020, 1, 1), d(2020, 12, 31)),
        [(2020, 7)]
    );
}

#[test]
fn legislature_risk_by_end_date_and_by_regional_money() {
    let r = RischioLegislatura::new([(d(2020, 9, 21), "Fine X legislatura".into())], 3, 3);
    // Ends inside the window.
    let m = rischio(
        "in_corso",
        Some(d(2019, 1, 1)),
        Some(d(2020, 10, 31)),
        false,
        &r,
    );
    assert!(matches!(m[..], [MotivoRischio::FineNellaFinestra(_)]));
    // Ends well after, EU money: no risk.
    assert!(
        rischio(
            "in_corso",
            Some(d(2019, 1, 1)),
            Some(d(2022, 6, 30)),
            false,
            &r
        )
        .is_empty()
    );
    // Same dates on regional money: the next legislature must renew it.
    let m = rischio(
        "approvato",
        Some(d(2019, 1, 1)),
        Some(d(2022, 6, 30)),
        true,
        &r,
    );
    assert!(matches!(m[..], [MotivoRischio::FondiRegionali(_)]));
    // Regional but starting after the end of the legislature: decided by the new one.
    assert!(
        rischio(
            "approvato",
            Some(d(2021, 1, 1)),
            Some(d(2022, 6, 30)),
            true,
            &r
        )
        .is_empty()
    );
    // Closed projects are not at risk.
    assert!(
        rischio(
            "chiuso",
            Some(d(2019, 1, 1)),
            Some(d(2020, 10, 31)),
            true,
            &r
        )
        .is_empty()
    );
}

#[test]
fn success_rate_counts_decided_proposals() {
    let t = tassi_successo([
        ("ERASMUS+", 2020, "approvata"),
        ("ERASMUS+", 2020, "respinta"),
        ("ERASMUS+", 2020, "respinta"),
        ("ERASMUS+", 2020, "presentata"),
        ("LIFE", 2021, "presentata"),
    ]);
    let e = &t[&("ERASMUS+".to_owned(), 2020)];
    assert_eq!((e.approvate, e.respinte, e.aperte), (1, 2, 1));
    assert!((e.tasso().unwrap() - 33.333).abs() < 0.01);
    assert_eq!(t[&("LIFE".to_owned(), 2021)].tasso(), None);
}

#[test]
fn project_form_reports_every_bad_field_in_italian() {
    let f = ProgettoForm {
        codice: "".into(),
        acronimo: "X".into(),
        titolo: "T".into(),
        tipo: "europeo".into(),
        programma: "99".into(),
        ruolo: "capofila".into(),
        stato: "in_corso".into(),
        data_inizio: "01/01/2021".into(),
        data_fine: "31/12/2020".into(),
        budget_totale: "100,00".into(),
        quota_associazione: "200,00".into(),
        cofinanziamento: "150".into(),
        ..Default::default()
    };
    let e = f.validate(&[1], &[]).unwrap_err();
    for campo in [
        "codice",
        "programma",
        "data_fine",
        "quota_associazione",
        "cofinanziamento",
    ] {
        assert!(e.has(campo), "{campo}: {e:?}");
    }
    let ok = ProgettoForm {
        codice: "P-1".into(),
        programma: "1".into(),
        data_fine: "31/12/2022".into(),
        quota_associazione: "50".into(),
        cofinanziamento: "80".into(),
        ..f
    }
    .validate(&[1], &[])
    .unwrap();
    assert_eq!(
        (
            ok.budget_totale,
            ok.quota_associazione,
            ok.cofinanziamento_bp
        ),
        (10_000, 5_000, Some(8000))
    );
}
