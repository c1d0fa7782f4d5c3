//! The certificate of attendance as a PDF/A-2a (A4, the association's header, name, event,
//! dates, hours, the verification code with its QR and the address of the verification page),
//! and the badge sheet of an offer.

use super::model::mostra_codice;
use crate::kit::pdf::Documento;
use crate::kit::qr;

/// Hours attended as people read them (`3 ore e 30 minuti`).
pub fn ore(minuti: i32) -> String {
    let (h, m) = (minuti / 60, minuti % 60);
    let ore = match h {
        0 => String::new(),
        1 => "1 ora".into(),
        h => format!("{h} ore"),
    };
    match (ore.is_empty(), m) {
        (true, m) => format!("{m} minuti"),
        (false, 0) => ore,
        (false, m) => format!("{ore} e {m} minuti"),
    }
}

/// The PDF of `a`; `base` is the deployment's public address (no trailing slash).
pub fn pdf(a: &super::store::Attestato, associazione: &str, base: &str) -> Vec<u8> {
    let codice = mostra_codice(&a.codice);
    let url = format!("{base}/verifica/{}", a.codice);
    let mut d = Documento::new(format!("{associazione} — attestato {codice}"));
    d.testo(associazione, 12.0, true);
    d.spazio(30.0);
    d.titolo("Attestato di partecipazione");
    d.spazio(10.0);
    d.paragrafo("Si attesta che");
    d.testo(&a.nome, 16.0, true);
    d.spazio(8.0);
    d.paragrafo("ha partecipato a");
    d.testo(&a.titolo, 13.0, true);
    d.spazio(6.0);
    d.paragrafo(&format!("Date: {}", a.date));
    d.paragrafo(&format!("Durata della partecipazione: {}", ore(a.minuti)));
    d.spazio(30.0);
    d.sottosezione("Verifica");
    d.paragrafo(&format!("Codice di verifica: {codice}"));
    d.paragrafo(&format!(
        "L'autenticità di questo attestato si verifica all'indirizzo {url} o inquadrando il \
         codice QR: la pagina mostra ciò che l'attestato deve dire."
    ));
    let (celle, lato) = qr::matrice(&url);
    d.qr(&celle, lato, 30.0);
    d.finish()
}

/// The badge sheet of the people holding a seat (in the order given): name, organisation, the
/// offer's title, and the QR of the ticket code, which the door scans like the ticket.
pub fn cartellini(
    titolo: &str,
    registrazioni: &[piazza_db::entities::registrazione::Model],
    associazione: &str,
) -> Vec<u8> {
    use crate::kit::pdf::Cartellino;
    let voci: Vec<Cartellino> = registrazioni
        .iter()
        .filter(|r| super::model::stato::CON_POSTO.contains(&r.stato.as_str()))
        .map(|r| Cartellino {
            nome: format!("{} {}", r.nome, r.cognome),
            organizzazione: r
                .organizzazione
                .clone()
                .unwrap_or_else(|| super::model::nome_tipo(&r.tipo_organizzazione).into()),
            titolo: titolo.to_owned(),
            qr: qr::matrice(&r.codice),
        })
        .collect();
    let mut d = Documento::new(format!("{associazione} — cartellini: {titolo}"));
    d.cartellini(&voci);
    d.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_read_well() {
        assert_eq!(ore(45), "45 minuti");
        assert_eq!(ore(60), "1 ora");
        assert_eq!(ore(210), "3 ore e 30 minuti");
        assert_eq!(mostra_codice("ABCDEFGHJKMN"), "ABCD-EFGH-JKMN");
    }
}
