//! ODS files as LibreOffice writes them.

use chrono::NaiveDate;
use piazza_office::{Cella, Formato, Limiti, formato, leggi_foglio};

use crate::costruisci;
use crate::misura;

fn t(s: &str) -> Cella {
    Cella::Testo(s.to_owned())
}

fn data(a: i32, m: u32, g: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(a, m, g).unwrap()
}

const PRIMA_TABELLA: &str = r#"<table:table table:name="Comuni" table:style-name="ta1">
<table:table-column table:number-columns-repeated="16384"/>
<table:table-row table:style-name="ro1">
  <table:table-cell office:value-type="string" calcext:value-type="string"><text:p>Nome</text:p></table:table-cell>
  <table:table-cell office:value-type="float" office:value="3.5" calcext:value-type="float"><text:p>3,5</text:p></table:table-cell>
  <table:table-cell office:value-type="percentage" office:value="0.25"><text:p>25%</text:p></table:table-cell>
  <table:table-cell office:value-type="currency" office:currency="EUR" office:value="12.5"><text:p>12,50 €</text:p></table:table-cell>
  <table:table-cell office:value-type="date" office:date-value="2024-03-01"><text:p>01/03/24</text:p></table:table-cell>
  <table:table-cell office:value-type="date" office:date-value="2024-03-01T10:30:00"><text:p>01/03/24 10:30</text:p></table:table-cell>
  <table:table-cell office:value-type="time" office:time-value="PT12H30M00S"><text:p>12:30</text:p></table:table-cell>
  <table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>VERO</text:p></table:table-cell>
  <table:table-cell table:number-columns-repeated="3"/>
  <table:table-cell office:value-type="string"><text:p>dopo  <text:s/><text:s text:c="3"/>spazi<text:tab/>tab<text:line-break/>a capo</text:p><text:p>secondo <text:span text:style-name="T1">paragrafo</text:span> &amp; &#233;</text:p><office:annotation><text:p>un commento</text:p></office:annotation></table:table-cell>
  <table:table-cell office:value-type="float" office:value="1" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>
  <table:table-cell office:value-type="string" office:string-value="dall'attributo"/>
  <table:table-cell table:number-columns-repeated="16372"/>
</table:table-row>
<table:table-row table:number-rows-repeated="2">
  <table:table-cell table:number-columns-repeated="2"/>
  <table:table-cell office:value-type="string" table:number-columns-repeated="3"><text:p>x</text:p></table:table-cell>
  <table:table-cell table:number-columns-repeated="16379"/>
</table:table-row>
<table:table-row table:number-rows-repeated="4"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
<table:table-row-group><table:table-row><table:covered-table-cell/><table:table-cell><text:p>senza tipo</text:p></table:table-cell></table:table-row></table:table-row-group>
<table:table-row table:number-rows-repeated="1048559"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
<table:table-row><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
</table:table>"#;

const SECONDA_TABELLA: &str = r#"<table:table table:name="Altro"><table:table-row><table:table-cell office:value-type="string"><text:p>no</text:p></table:table-cell></table:table-row></table:table>"#;

#[test]
fn ods_con_ripetizioni_e_valori_di_ogni_tipo() {
    let contenuto = costruisci::contenuto_ods(&format!("{PRIMA_TABELLA}{SECONDA_TABELLA}"));
    let bytes = costruisci::ods(&contenuto);
    assert_eq!(formato(&bytes), Some(Formato::Ods));
    let (f, tempo, picco) = misura(|| leggi_foglio(&bytes, &Limiti::default()).unwrap());
    eprintln!("ODS LibreOffice-like: {tempo:?}, peak {picco} bytes");
    assert!(picco < 1024 * 1024, "{picco}");
    assert_eq!(f.nome, "Comuni");
    let numeri: Vec<u32> = f.righe.iter().map(|r| r.numero).collect();
    assert_eq!(numeri, [1, 2, 3, 8]);
    assert_eq!(
        f.righe[0].celle,
        [
            t("Nome"),
            Cella::Numero(3.5),
            Cella::Numero(0.25),
            Cella::Numero(12.5),
            Cella::Data(data(2024, 3, 1)),
            Cella::DataOra(data(2024, 3, 1).and_hms_opt(10, 30, 0).unwrap()),
            Cella::DataOra(data(1899, 12, 30).and_hms_opt(12, 30, 0).unwrap()),
            Cella::Booleano(true),
            Cella::Vuota,
            Cella::Vuota,
            Cella::Vuota,
            t("dopo     spazi\ttab\na capo\nsecondo paragrafo & é"),
            Cella::Errore("#DIV/0!".to_owned()),
            t("dall'attributo"),
        ]
    );
    let ripetuta = vec![Cella::Vuota, Cella::Vuota, t("x"), t("x"), t("x")];
    assert_eq!(f.righe[1].celle, ripetuta);
    assert_eq!(f.righe[2].celle, ripetuta);
    assert_eq!(f.righe[3].celle, [Cella::Vuota, t("senza tipo")]);
}

#[test]
fn ods_senza_mimetype_si_riconosce_da_content_xml() {
    let contenuto = costruisci::contenuto_ods(SECONDA_TABELLA);
    let bytes = costruisci::zip(&[("content.xml", contenuto.as_bytes())]);
    assert_eq!(formato(&bytes), Some(Formato::Ods));
    let f = leggi_foglio(&bytes, &Limiti::default()).unwrap();
    assert_eq!(f.nome, "Altro");
    assert_eq!(f.righe[0].celle, [t("no")]);
}

#[test]
fn un_documento_di_testo_odf_non_e_un_foglio() {
    let bytes = costruisci::zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", b"<office:document-content/>"),
    ]);
    assert_eq!(formato(&bytes), None);
    let e = leggi_foglio(&bytes, &Limiti::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Il file non è un foglio di calcolo leggibile (XLSX, ODS o CSV)."
    );
}
