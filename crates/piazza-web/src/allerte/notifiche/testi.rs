//! [`Testi`]: the Italian messages (the `Compositore` of the delivery engine), short for SMS
//! and Telegram, with a link to the comune's alert page and the one-click unsubscribe.

use std::sync::Arc;

use piazza_alerts::canale;
use piazza_alerts::chiavi::{Chiavi, Scopo};
use piazza_alerts::motore::{Compositore, Contenuto, Destinatario, Notifica};
use piazza_db::entities::notifica_voce;

use crate::allerte::bollettino::Livello;
use crate::kit::fmt;

/// Italian messages, with the links of the public site.
pub struct Testi {
    pub url_pubblico: String,
    pub chiavi: Arc<Chiavi>,
    /// See [`Testi::parti`].
    parti: std::sync::Mutex<std::collections::HashMap<(i64, i64, usize), Arc<Parti>>>,
}

fn livello_maiuscolo(l: i32) -> &'static str {
    match l {
        3 => "ROSSA",
        2 => "ARANCIONE",
        1 => "GIALLA",
        _ => "VERDE",
    }
}

impl Testi {
    pub fn new(url_pubblico: String, chiavi: Arc<Chiavi>) -> Self {
        Self {
            url_pubblico,
            chiavi,
            parti: Default::default(),
        }
    }

    fn base(&self) -> &str {
        self.url_pubblico.trim_end_matches('/')
    }

    pub fn link_gestione(&self, id: i64) -> String {
        format!(
            "{}/allerte/iscrizione/{}",
            self.base(),
            self.chiavi.gettone(Scopo::Gestione, id)
        )
    }

    pub fn link_disiscrivi(&self, id: i64) -> String {
        format!(
            "{}/allerte/disiscrivi/{}",
            self.base(),
            self.chiavi.gettone(Scopo::Gestione, id)
        )
    }

    pub fn link_conferma(&self, id: i64) -> String {
        format!(
            "{}/allerte/conferma/{}",
            self.base(),
            self.chiavi.gettone(Scopo::Conferma, id)
        )
    }
}

/// What an alert message says to everyone who gets it for the same change: all but the
/// recipient's own links. A storm sends one to a million subscribers from a few hundred
/// of these.
struct Parti {
    oggetto: String,
    frase: String,
    url: String,
    argomento: String,
    urgente: bool,
    /// The push payload up to the unsubscribe link: `{"titolo":…,"tag":…`.
    push: String,
}

/// Message parts kept per (notification, change, other comuni): notifications never change.
const PARTI_IN_MEMORIA: usize = 4096;

impl Testi {
    /// The texts of notification `n` for a recipient whose most severe change is `v`, with
    /// `altri` more comuni of theirs concerned.
    fn parti(&self, n: &Notifica, v: &notifica_voce::Model, altri: usize) -> Arc<Parti> {
        let chiave = (n.modello.id, v.id, altri);
        if let Some(p) = self.parti.lock().expect("parti").get(&chiave) {
            return p.clone();
        }
        let fino = v
            .fino_a
            .map(|f| {
                let f = fmt::ora_italiana(f);
                match f.split_once(' ') {
                    Some((giorno, ore)) => format!(" fino alle {ore} del {giorno}"),
                    None => format!(" fino al {f}"),
                }
            })
            .unwrap_or_default();
        let altri_txt = match altri {
            0 => String::new(),
            1 => " e in un altro comune che segui".into(),
            k => format!(" e in altri {k} comuni che segui"),
        };
        let prova = if n.modello.esercitazione {
            "[ESERCITAZIONE] "
        } else {
            ""
        };
        let rischio = v.rischio_nome.to_lowercase();
        let (oggetto, frase) = if v.dopo > v.prima && v.dopo > 0 {
            (
                format!(
                    "{prova}Allerta {} – rischio {rischio} – {}",
                    livello_maiuscolo(v.dopo).to_lowercase(),
                    v.comune_nome
                ),
                format!(
                    "{prova}Allerta {} per rischio {rischio} a {}{altri_txt}{fino}.",
                    livello_maiuscolo(v.dopo),
                    v.comune_nome
                ),
            )
        } else if v.dopo > 0 {
            (
                format!(
                    "{prova}Allerta ridotta a {} – rischio {rischio} – {}",
                    Livello::da_numero(v.dopo).nome(),
                    v.comune_nome
                ),
                format!(
                    "{prova}L'allerta per rischio {rischio} a {}{altri_txt} è ridotta a {}{fino}.",
                    v.comune_nome,
                    livello_maiuscolo(v.dopo)
                ),
            )
        } else {
            (
                format!(
                    "{prova}Fine allerta – rischio {rischio} – {}",
                    v.comune_nome
                ),
                format!(
                    "{prova}Fine dell'allerta per rischio {rischio} a {}{altri_txt}.",
                    v.comune_nome
                ),
            )
        };
        let url = format!("{}/comuni/{}#allerte", self.base(), v.comune_codice);
        let argomento = format!("c{}", v.comune_codice);
        let mut push = serde_json::json!({
            "titolo": oggetto,
            "testo": frase,
            "url": url,
            "tag": argomento,
        })
        .to_string();
        push.pop(); // the closing brace: the unsubscribe link goes after
        let p = Arc::new(Parti {
            oggetto,
            frase,
            url,
            argomento,
            urgente: v.dopo >= 2,
            push,
        });
        let mut m = self.parti.lock().expect("parti");
        if m.len() >= PARTI_IN_MEMORIA {
            m.clear();
        }
        m.insert(chiave, p.clone());
        p
    }
}

impl Compositore for Testi {
    fn allerta(&self, n: &Notifica, voci: &[&notifica_voce::Model], d: &Destinatario) -> Contenuto {
        // The most severe change first (the engine keeps the changes by level, highest first).
        let altri = {
            let mut c: Vec<&str> = voci.iter().map(|v| v.comune_nome.as_str()).collect();
            c.dedup();
            c.len().saturating_sub(1)
        };
        let p = self.parti(n, voci[0], altri);
        let telegram = d.canale == canale::TELEGRAM;
        let disiscrivi = (!telegram).then(|| self.link_disiscrivi(d.id));
        let argomento = Some(p.argomento.clone());
        let oggetto = p.oggetto.clone();
        // Each channel gets only the form it sends (a million push messages need no e-mail).
        if d.canale == canale::PUSH {
            let mut push = String::with_capacity(p.push.len() + 120);
            push.push_str(&p.push);
            push.push_str(",\"disiscrivi\":");
            push.push_str(&serde_json::to_string(&disiscrivi).unwrap_or_else(|_| "null".into()));
            push.push('}');
            return Contenuto {
                oggetto,
                push,
                disiscrivi,
                urgente: p.urgente,
                argomento,
                ..Default::default()
            };
        }
        let breve = format!("{} Dettagli: {}", p.frase, p.url);
        if d.canale != canale::EMAIL {
            return Contenuto {
                oggetto,
                breve,
                disiscrivi,
                urgente: p.urgente,
                argomento,
                ..Default::default()
            };
        }
        let testo = format!(
            "{}\n\n{}\n\nSegui le indicazioni della protezione civile e del tuo comune. \
             La pagina del comune, sempre aggiornata: {}\n\n--\nRicevi questo messaggio \
             perché ti sei iscritto a Cittadino Informato.\nGestisci o cancella la tua \
             iscrizione: {}\nDisiscriviti con un clic: {}\n",
            p.frase,
            n.modello.titolo,
            p.url,
            self.link_gestione(d.id),
            disiscrivi.as_deref().unwrap_or_default()
        );
        Contenuto {
            oggetto,
            testo,
            breve,
            push: String::new(),
            disiscrivi,
            urgente: p.urgente,
            argomento,
        }
    }

    fn conferma(&self, d: &Destinatario) -> Contenuto {
        let link = self.link_conferma(d.id);
        let oggetto = "Conferma l'iscrizione a Cittadino Informato".to_owned();
        let breve = format!("Cittadino Informato: conferma l'iscrizione alle allerte: {link}");
        let testo = format!(
            "Qualcuno (probabilmente tu) ha chiesto di ricevere a questo indirizzo le allerte \
             di protezione civile di Cittadino Informato.\n\nPer confermare apri questo \
             collegamento e premi «Conferma»:\n{link}\n\nSe non sei stato tu, ignora questo \
             messaggio: senza conferma l'indirizzo è cancellato entro 48 ore.\n"
        );
        Contenuto {
            oggetto,
            testo,
            breve,
            push: String::new(),
            disiscrivi: None,
            urgente: false,
            argomento: None,
        }
    }
}
