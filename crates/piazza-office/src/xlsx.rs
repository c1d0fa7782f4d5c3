//! XLSX (SpreadsheetML): the workbook and its relationships name the first worksheet's part;
//! styles tell which numbers are dates; the shared-string table holds the texts.

mod celle;
mod condivise;
mod stili;

use std::io::Read;

use crate::archivio::Archivio;
use crate::foglio::Costruttore;
use crate::limiti::Controllo;
use crate::xml::{Ev, Xml, attributi, valore};
use crate::{Errore, Foglio};

/// Relationships or sheets kept from one part; a workbook has a handful.
const MAX_VOCI: usize = 10_000;

struct Relazione {
    id: String,
    tipo: String,
    destinazione: String,
    esterna: bool,
}

fn nome_locale<'x>(e: &'x quick_xml::events::BytesStart<'_>) -> &'x str {
    e.local_name().into_inner()
}

/// `destinazione` relative to the folder of the part that names it (`xl/`), or absolute (`/…`).
fn risolvi(cartella: &str, destinazione: &str) -> String {
    let completo = match destinazione.strip_prefix('/') {
        Some(assoluto) => assoluto.to_owned(),
        None => format!("{cartella}{destinazione}"),
    };
    let mut parti: Vec<&str> = Vec::new();
    for p in completo.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parti.pop();
            }
            p => parti.push(p),
        }
    }
    parti.join("/")
}

fn relazioni(
    archivio: &mut Archivio,
    parte: &str,
    controllo: &Controllo,
) -> Result<Vec<Relazione>, Errore> {
    let Some(i) = archivio.indice(parte) else {
        return Ok(Vec::new());
    };
    let mut xml = archivio.xml(i, parte, controllo)?;
    let mut rel = Vec::new();
    loop {
        let (ev, _) = xml.prossimo()?;
        let e = match ev {
            Ev::Apre(e) | Ev::Vuoto(e) => e,
            Ev::Fine => return Ok(rel),
            _ => continue,
        };
        if nome_locale(&e) != "Relationship" || rel.len() >= MAX_VOCI {
            continue;
        }
        let mut r = Relazione {
            id: String::new(),
            tipo: String::new(),
            destinazione: String::new(),
            esterna: false,
        };
        for a in attributi(&e) {
            let a = a?;
            match a.key.local_name().into_inner() {
                "Id" => r.id = valore(&a)?.into_owned(),
                "Type" => r.tipo = valore(&a)?.into_owned(),
                "Target" => r.destinazione = valore(&a)?.into_owned(),
                "TargetMode" => r.esterna = valore(&a)?.eq_ignore_ascii_case("External"),
                _ => {}
            }
        }
        rel.push(r);
    }
}

struct Cartella {
    /// (name, relationship id) in workbook order.
    fogli: Vec<(String, String)>,
    sistema_1904: bool,
}

fn cartella<R: Read>(mut xml: Xml<'_, R>) -> Result<Cartella, Errore> {
    let mut c = Cartella {
        fogli: Vec::new(),
        sistema_1904: false,
    };
    let mut in_fogli = None;
    loop {
        let (ev, livello) = xml.prossimo()?;
        let (e, vuoto) = match ev {
            Ev::Apre(e) => (e, false),
            Ev::Vuoto(e) => (e, true),
            Ev::Chiude if in_fogli == Some(livello) => return Ok(c),
            Ev::Fine => return Ok(c),
            _ => continue,
        };
        match nome_locale(&e) {
            "workbookPr" => {
                for a in attributi(&e) {
                    let a = a?;
                    if a.key.local_name().into_inner() == "date1904" {
                        let v = valore(&a)?;
                        c.sistema_1904 = v.as_ref() == "1" || v.eq_ignore_ascii_case("true");
                    }
                }
            }
            "sheets" if !vuoto => in_fogli = Some(livello),
            "sheet" if in_fogli.is_some() && c.fogli.len() < MAX_VOCI => {
                let (mut nome, mut id) = (String::new(), String::new());
                for a in attributi(&e) {
                    let a = a?;
                    match a.key.local_name().into_inner() {
                        "name" => nome = valore(&a)?.into_owned(),
                        // `r:id`: the relationships namespace, whatever its prefix.
                        "id" if a.key.prefix().is_some() => id = valore(&a)?.into_owned(),
                        _ => {}
                    }
                }
                c.fogli.push((nome, id));
            }
            _ => {}
        }
    }
}

fn danneggiato(cosa: &str) -> Errore {
    Errore::Danneggiato(cosa.to_owned())
}

pub(crate) fn leggi(archivio: &mut Archivio, controllo: &Controllo) -> Result<Foglio, Errore> {
    let i = archivio
        .indice("xl/workbook.xml")
        .ok_or_else(|| danneggiato("manca xl/workbook.xml"))?;
    let cartella = cartella(archivio.xml(i, "xl/workbook.xml", controllo)?)?;
    let rel = relazioni(archivio, "xl/_rels/workbook.xml.rels", controllo)?;

    let parte_di = |tipo: &str| {
        rel.iter()
            .find(|r| !r.esterna && r.tipo.ends_with(tipo))
            .map(|r| risolvi("xl/", &r.destinazione))
    };
    let stili_parte = parte_di("/styles").unwrap_or_else(|| "xl/styles.xml".to_owned());
    let condivise_parte =
        parte_di("/sharedStrings").unwrap_or_else(|| "xl/sharedStrings.xml".to_owned());

    // The first sheet in workbook order that is a worksheet (not a chart sheet) and exists.
    let mut scelto = None;
    for (nome, id) in &cartella.fogli {
        let Some(r) = rel.iter().find(|r| &r.id == id) else {
            continue;
        };
        if r.esterna || !r.tipo.ends_with("/worksheet") {
            continue;
        }
        let parte = risolvi("xl/", &r.destinazione);
        if let Some(indice) = archivio.indice(&parte) {
            scelto = Some((nome.clone(), parte, indice));
            break;
        }
    }
    if scelto.is_none() && rel.is_empty() {
        // No relationships at all: the conventional name of the first sheet.
        if let Some(indice) = archivio.indice("xl/worksheets/sheet1.xml") {
            let nome = cartella
                .fogli
                .first()
                .map(|f| f.0.clone())
                .unwrap_or_default();
            scelto = Some((nome, "xl/worksheets/sheet1.xml".to_owned(), indice));
        }
    }
    let (nome, parte, indice) = scelto.ok_or(Errore::NessunFoglio)?;

    let stili = match archivio.indice(&stili_parte) {
        Some(i) => stili::leggi(archivio.xml(i, &stili_parte, controllo)?)?,
        None => stili::Stili::default(),
    };
    let condivise = match archivio.indice(&condivise_parte) {
        Some(i) => condivise::leggi(archivio.xml(i, &condivise_parte, controllo)?, controllo)?,
        None => condivise::Condivise::default(),
    };
    let mut costruttore = Costruttore::new(controllo);
    let contesto = celle::Contesto {
        condivise: &condivise,
        stili: &stili,
        sistema_1904: cartella.sistema_1904,
    };
    celle::leggi(
        archivio.xml(indice, &parte, controllo)?,
        &contesto,
        &mut costruttore,
        controllo,
    )?;
    costruttore.foglio(nome)
}

#[cfg(test)]
mod test {
    use super::risolvi;

    #[test]
    fn percorsi() {
        assert_eq!(
            risolvi("xl/", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            risolvi("xl/", "/xl/worksheets/sheet2.xml"),
            "xl/worksheets/sheet2.xml"
        );
        assert_eq!(risolvi("xl/", "../xl/./a.xml"), "xl/a.xml");
        assert_eq!(risolvi("xl/", "../../../a.xml"), "a.xml");
    }
}
