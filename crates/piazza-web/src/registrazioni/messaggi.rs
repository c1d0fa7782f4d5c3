//! The e-mails of every transition of a registration, with the signed link of its ticket
//! (`/biglietto/{gettone}`: confirm, see the ticket, cancel, accept a seat, the certificate).
//! They are queued in the transaction of the change (`kit::posta`).

use std::sync::Arc;

use chrono::Utc;
use piazza_alerts::chiavi::{Chiavi, Scopo};
use piazza_db::entities::{offerta, offerta_sessione, registrazione};

use super::model::mostra_codice;
use crate::AppState;
use crate::kit::fmt;
use crate::kit::ical;
use crate::kit::posta::Messaggio;

/// What happened to a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Avviso {
    ConfermaEmail,
    Confermata,
    InApprovazione,
    ListaAttesa,
    PostoOfferto,
    Annullata,
    Scaduta,
    Respinta,
    /// After the event, to who attended: the certificate and the satisfaction survey.
    Questionario,
}

/// Writes the messages: the deployment's address, the association's name, the link keys.
#[derive(Clone)]
pub struct Avvisi {
    base: String,
    associazione: String,
    chiavi: Arc<Chiavi>,
}

impl Avvisi {
    pub fn da(state: &AppState) -> Self {
        let a = &state.config.associazione;
        Self::new(&a.public_url, &a.nome_associazione, state.chiavi.clone())
    }

    pub fn new(public_url: &str, associazione: &str, chiavi: Arc<Chiavi>) -> Self {
        Self {
            base: public_url.trim_end_matches('/').to_owned(),
            associazione: associazione.to_owned(),
            chiavi,
        }
    }

    /// The token of a registration's ticket links.
    pub fn gettone(&self, id: i64) -> String {
        self.chiavi.gettone(Scopo::Biglietto, id)
    }

    /// The registration a ticket token names, if we signed it.
    pub fn verifica(&self, gettone: &str) -> Option<i64> {
        self.chiavi.verifica(Scopo::Biglietto, gettone)
    }

    /// The ticket page of a registration (absolute).
    pub fn link(&self, id: i64) -> String {
        format!("{}/biglietto/{}", self.base, self.gettone(id))
    }

    /// The message telling `r` what happened, with the calendar entry once confirmed.
    pub fn messaggio(
        &self,
        avviso: Avviso,
        r: &registrazione::Model,
        o: &offerta::Model,
        sessioni: &[offerta_sessione::Model],
    ) -> Messaggio {
        let link = self.link(r.id);
        let quando = quando(sessioni);
        let (oggetto, corpo) = match avviso {
            Avviso::ConfermaEmail => (
                format!("Conferma la registrazione: {}", o.titolo),
                format!(
                    "abbiamo ricevuto la registrazione a «{}» ({quando}).\n\n\
                     Per confermarla apri questo collegamento e premi «Conferma»:\n{link}\n\n\
                     Se non ti sei registrato tu, ignora questo messaggio: senza conferma la \
                     registrazione non vale.",
                    o.titolo
                ),
            ),
            Avviso::Confermata => (
                format!("Registrazione confermata: {}", o.titolo),
                format!(
                    "la tua registrazione a «{}» ({quando}) è confermata.\n\n\
                     Codice del biglietto: {}\nMostralo all'ingresso (anche dal telefono), con il \
                     QR che trovi qui:\n{link}\n\n\
                     Se non puoi venire, annulla dallo stesso collegamento: il posto passa a chi \
                     è in lista d'attesa.",
                    o.titolo,
                    mostra_codice(&r.codice)
                ),
            ),
            Avviso::InApprovazione => (
                format!("Registrazione ricevuta: {}", o.titolo),
                format!(
                    "la registrazione a «{}» ({quando}) è confermata da te e ora attende \
                     l'approvazione degli organizzatori: ti scriveremo appena decidono.\n\n{link}",
                    o.titolo
                ),
            ),
            Avviso::ListaAttesa => (
                format!("Sei in lista d'attesa: {}", o.titolo),
                format!(
                    "i posti per «{}» ({quando}) sono esauriti: sei in lista d'attesa.\n\
                     Se un posto si libera ti scriveremo e avrai {} ore per accettarlo.\n\n\
                     Per vedere la tua posizione o toglierti dalla lista:\n{link}",
                    o.titolo, o.ore_offerta
                ),
            ),
            Avviso::PostoOfferto => (
                format!("Si è liberato un posto: {}", o.titolo),
                format!(
                    "si è liberato un posto per «{}» ({quando}) ed è riservato a te fino al {}.\n\n\
                     Per accettarlo apri questo collegamento e premi «Accetta il posto»:\n{link}\n\n\
                     Se non lo accetti entro quell'ora, il posto passa alla persona successiva.",
                    o.titolo,
                    r.offerta_scade_at
                        .map(fmt::ora_italiana)
                        .unwrap_or_default()
                ),
            ),
            Avviso::Annullata => (
                format!("Registrazione annullata: {}", o.titolo),
                format!(
                    "la tua registrazione a «{}» è annullata. Grazie di averci avvisato.",
                    o.titolo
                ),
            ),
            Avviso::Scaduta => (
                format!("Offerta del posto scaduta: {}", o.titolo),
                format!(
                    "il posto per «{}» che ti avevamo offerto non è stato accettato in tempo ed è \
                     passato alla persona successiva della lista d'attesa.",
                    o.titolo
                ),
            ),
            Avviso::Respinta => (
                format!("Registrazione non approvata: {}", o.titolo),
                format!(
                    "gli organizzatori di «{}» non hanno potuto accogliere la tua registrazione.",
                    o.titolo
                ),
            ),
            Avviso::Questionario => (
                format!("Grazie di aver partecipato: {}", o.titolo),
                format!(
                    "grazie di aver partecipato a «{}».\n\n\
                     Il tuo attestato di partecipazione si scarica da qui:\n{link}\n\n\
                     Ci aiuti a fare meglio? Tre domande, un minuto:\n{link}/questionario",
                    o.titolo
                ),
            ),
        };
        let testo = format!(
            "Gentile {} {},\n\n{corpo}\n\n— {}\n",
            r.nome, r.cognome, self.associazione
        );
        let allegato = (avviso == Avviso::Confermata && !sessioni.is_empty()).then(|| {
            let eventi: Vec<ical::Evento> = sessioni
                .iter()
                .map(|s| ical::Evento {
                    uid: format!("sessione-{}@piazza", s.id),
                    quando: ical::Quando::Orario(s.inizio, s.fine),
                    luogo: s.luogo.clone(),
                    titolo: if sessioni.len() > 1 {
                        format!("{} — {}", o.titolo, s.titolo)
                    } else {
                        o.titolo.clone()
                    },
                    descrizione: format!("Biglietto {}: {link}", mostra_codice(&r.codice)),
                    categoria: "Evento",
                    url: Some(format!("{}{}", self.base, o.url)),
                })
                .collect();
            (
                "evento.ics".to_owned(),
                "text/calendar; charset=utf-8; method=PUBLISH".to_owned(),
                ical::calendario(&o.titolo, &eventi, Utc::now()),
            )
        });
        Messaggio {
            a: r.email.clone(),
            oggetto,
            testo,
            allegato,
        }
    }
}

/// When the sessions are, in a few words.
pub fn quando(sessioni: &[offerta_sessione::Model]) -> String {
    match sessioni {
        [] => "data da definire".into(),
        [s] => fmt::ora_italiana(s.inizio),
        [p, .., u] => format!(
            "dal {} al {}",
            fmt::ora_italiana(p.inizio),
            fmt::ora_italiana(u.inizio)
        ),
    }
}
