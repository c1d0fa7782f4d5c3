//! Building a sheet sparsely: only rows with a non-empty cell, each padded with empty cells only
//! up to its last non-empty one, every cell kept counted against the limits before it is kept.

use crate::limiti::Controllo;
use crate::{Cella, Errore, Foglio, Riga};

pub(crate) struct Costruttore<'c> {
    controllo: &'c Controllo<'c>,
    righe: Vec<Riga>,
    /// Cells kept, padding included.
    celle: u64,
    byte_testi: usize,
    /// Whether a row came after a higher-numbered one (then rows are sorted at the end).
    disordinato: bool,
}

fn byte_testo(c: &Cella) -> usize {
    match c {
        Cella::Testo(s) | Cella::Errore(s) => s.len(),
        _ => 0,
    }
}

impl<'c> Costruttore<'c> {
    pub fn new(controllo: &'c Controllo<'c>) -> Self {
        Self {
            controllo,
            righe: Vec::new(),
            celle: 0,
            byte_testi: 0,
            disordinato: false,
        }
    }

    /// Checks that a non-empty cell may be at 1-based `riga`, 0-based `colonna`.
    pub fn controlla_posizione(&self, riga: u64, colonna: u64) -> Result<(), Errore> {
        let l = self.controllo.limiti;
        if riga == 0 {
            return Err(Errore::Danneggiato("una riga ha il numero 0".to_owned()));
        }
        if colonna >= u64::from(l.max_colonne) {
            return Err(Errore::TroppeColonne {
                limite: l.max_colonne,
            });
        }
        if riga > u64::from(l.max_righe) {
            return Err(Errore::TroppeRighe {
                limite: l.max_righe,
            });
        }
        Ok(())
    }

    /// Accounts for `n` more cells kept.
    pub fn conta_celle(&mut self, n: u64) -> Result<(), Errore> {
        let totale = self.celle.saturating_add(n);
        if totale > self.controllo.limiti.max_celle {
            return Err(Errore::TroppeCelle {
                limite: self.controllo.limiti.max_celle,
            });
        }
        self.celle = totale;
        Ok(())
    }

    /// Accounts for `n` more bytes of text kept.
    pub fn conta_testo(&mut self, n: usize) -> Result<(), Errore> {
        let totale = self.byte_testi.saturating_add(n);
        if totale > self.controllo.limiti.max_byte_testi {
            return Err(Errore::TestiTroppoGrandi {
                limite: self.controllo.limiti.max_byte_testi,
            });
        }
        self.byte_testi = totale;
        Ok(())
    }

    fn riga_mut(&mut self, numero: u32) -> &mut Riga {
        let nuova = match self.righe.last() {
            Some(r) if r.numero == numero => false,
            Some(r) => {
                if numero < r.numero {
                    self.disordinato = true;
                }
                true
            }
            None => true,
        };
        if nuova {
            self.righe.push(Riga {
                numero,
                celle: Vec::new(),
            });
        }
        self.righe.last_mut().expect("a row was just ensured")
    }

    /// Puts a cell at 1-based `riga`, 0-based `colonna`. Empty cells cost nothing.
    pub fn metti(&mut self, riga: u64, colonna: u64, cella: Cella) -> Result<(), Errore> {
        self.controllo.passo()?;
        if matches!(cella, Cella::Vuota) {
            return Ok(());
        }
        self.controlla_posizione(riga, colonna)?;
        // Both fit in u32 now (checked against limits that are u32).
        let (riga, colonna) = (riga as u32, colonna as usize);
        let attuale = match self.righe.last() {
            Some(r) if r.numero == riga => r.celle.len(),
            _ => 0,
        };
        let nuove = (colonna + 1).saturating_sub(attuale) as u64;
        self.conta_celle(nuove)?;
        self.conta_testo(byte_testo(&cella))?;
        let r = self.riga_mut(riga);
        if colonna < r.celle.len() {
            r.celle[colonna] = cella;
        } else {
            r.celle.resize(colonna, Cella::Vuota);
            r.celle.push(cella);
        }
        Ok(())
    }

    /// Puts a whole row (cells from column 0, already bounded by the caller to `max_colonne`,
    /// ending with a non-empty one) at `prima`, repeated `volte` times: everything counted
    /// before anything is copied.
    pub fn metti_righe(&mut self, prima: u64, volte: u64, celle: Vec<Cella>) -> Result<(), Errore> {
        if celle.is_empty() || volte == 0 {
            return Ok(());
        }
        let ultima = prima.saturating_add(volte - 1);
        self.controlla_posizione(ultima, celle.len() as u64 - 1)?;
        self.controlla_posizione(prima, 0)?;
        self.conta_celle((celle.len() as u64).saturating_mul(volte))?;
        let testo: usize = celle.iter().map(byte_testo).sum();
        self.conta_testo(testo.saturating_mul(usize::try_from(volte).unwrap_or(usize::MAX)))?;
        for n in prima..ultima {
            self.controllo.passo()?;
            self.aggiungi_riga(n as u32, celle.clone());
        }
        self.aggiungi_riga(ultima as u32, celle);
        Ok(())
    }

    fn aggiungi_riga(&mut self, numero: u32, celle: Vec<Cella>) {
        if self.righe.last().is_some_and(|r| r.numero >= numero) {
            self.disordinato = true;
        }
        self.righe.push(Riga { numero, celle });
    }

    /// The sheet: rows in order, a row given twice merged into one.
    pub fn foglio(mut self, nome: String) -> Result<Foglio, Errore> {
        if self.disordinato {
            self.controllo.tempo()?;
            self.righe.sort_by_key(|r| r.numero);
            let mut unite: Vec<Riga> = Vec::with_capacity(self.righe.len());
            for r in self.righe {
                match unite.last_mut() {
                    Some(u) if u.numero == r.numero => {
                        for (i, c) in r.celle.into_iter().enumerate() {
                            if matches!(c, Cella::Vuota) {
                                continue;
                            }
                            if i < u.celle.len() {
                                u.celle[i] = c;
                            } else {
                                u.celle.resize(i, Cella::Vuota);
                                u.celle.push(c);
                            }
                        }
                    }
                    _ => unite.push(r),
                }
            }
            self.righe = unite;
        }
        Ok(Foglio {
            nome,
            righe: self.righe,
        })
    }
}
