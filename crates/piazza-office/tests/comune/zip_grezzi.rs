//! Raw zips for the hostile-input tests of both readers (spreadsheets and documents): entries
//! whose headers say whatever a test needs (sizes, flags, methods), deflate streams made of one
//! compressed chunk repeated, deterministic random bytes. Included by `tests/fogli.rs` and
//! `tests/documenti.rs`.

use flate2::{Compress, Compression, FlushCompress};

/// A raw deflate stream of `pezzi`, each (bytes, times): every chunk is compressed once on its
/// own (so its back-references stay inside it) and its output repeated. Returns the stream and
/// the length it inflates to.
pub fn deflate_ripetuto(pezzi: &[(&[u8], usize)]) -> (Vec<u8>, u64) {
    let mut out = Vec::new();
    let mut lunghezza = 0u64;
    for (pezzo, volte) in pezzi {
        let mut c = Compress::new(Compression::fast(), false);
        let mut compresso = Vec::with_capacity(pezzo.len() / 2 + 1024);
        while (c.total_in() as usize) < pezzo.len() {
            if compresso.len() == compresso.capacity() {
                compresso.reserve(64 * 1024);
            }
            let preso = c.total_in() as usize;
            c.compress_vec(&pezzo[preso..], &mut compresso, FlushCompress::Sync)
                .unwrap();
        }
        // Make sure the sync flush has been written out completely.
        loop {
            compresso.reserve(1024);
            let prima = compresso.len();
            c.compress_vec(&[], &mut compresso, FlushCompress::Sync)
                .unwrap();
            if compresso.len() == prima {
                break;
            }
        }
        for _ in 0..*volte {
            out.extend_from_slice(&compresso);
        }
        lunghezza += pezzo.len() as u64 * *volte as u64;
    }
    // A final, empty fixed-Huffman block.
    out.extend_from_slice(&[0x03, 0x00]);
    (out, lunghezza)
}

/// One entry of a hand-built zip: what its headers say is up to the test.
pub struct VoceGrezza {
    pub nome: String,
    pub metodo: u16,
    pub flag: u16,
    pub crc: u32,
    pub dati: Vec<u8>,
    pub dim_compressa: u32,
    pub dim_decompressa: u32,
}

impl VoceGrezza {
    /// An entry stored as is, with true sizes and CRC.
    pub fn memorizzata(nome: &str, dati: &[u8]) -> Self {
        let mut h = flate2::Crc::new();
        h.update(dati);
        Self {
            nome: nome.to_owned(),
            metodo: 0,
            flag: 0,
            crc: h.sum(),
            dati: dati.to_vec(),
            dim_compressa: dati.len() as u32,
            dim_decompressa: dati.len() as u32,
        }
    }

    /// A deflated entry from [`deflate_ripetuto`]; CRC left 0 (a bomb is never read to its end).
    pub fn compressa(nome: &str, (dati, lunghezza): (Vec<u8>, u64)) -> Self {
        Self {
            nome: nome.to_owned(),
            metodo: 8,
            flag: 0,
            crc: 0,
            dim_compressa: dati.len() as u32,
            dim_decompressa: lunghezza.min(u32::MAX as u64) as u32,
            dati,
        }
    }
}

/// A zip written byte by byte from these entries.
pub fn zip_grezzo(voci: &[VoceGrezza]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut centrale = Vec::new();
    let u16le = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let u32le = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    for v in voci {
        let offset = out.len() as u32;
        u32le(&mut out, 0x0403_4b50);
        u16le(&mut out, 20);
        u16le(&mut out, v.flag);
        u16le(&mut out, v.metodo);
        u16le(&mut out, 0);
        u16le(&mut out, 0x21);
        u32le(&mut out, v.crc);
        u32le(&mut out, v.dim_compressa);
        u32le(&mut out, v.dim_decompressa);
        u16le(&mut out, v.nome.len() as u16);
        u16le(&mut out, 0);
        out.extend_from_slice(v.nome.as_bytes());
        out.extend_from_slice(&v.dati);

        u32le(&mut centrale, 0x0201_4b50);
        u16le(&mut centrale, 20);
        u16le(&mut centrale, 20);
        u16le(&mut centrale, v.flag);
        u16le(&mut centrale, v.metodo);
        u16le(&mut centrale, 0);
        u16le(&mut centrale, 0x21);
        u32le(&mut centrale, v.crc);
        u32le(&mut centrale, v.dim_compressa);
        u32le(&mut centrale, v.dim_decompressa);
        u16le(&mut centrale, v.nome.len() as u16);
        u16le(&mut centrale, 0);
        u16le(&mut centrale, 0);
        u16le(&mut centrale, 0);
        u16le(&mut centrale, 0);
        u32le(&mut centrale, 0);
        u32le(&mut centrale, offset);
        centrale.extend_from_slice(v.nome.as_bytes());
    }
    let inizio_centrale = out.len() as u32;
    out.extend_from_slice(&centrale);
    u32le(&mut out, 0x0605_4b50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, voci.len() as u16);
    u16le(&mut out, voci.len() as u16);
    u32le(&mut out, centrale.len() as u32);
    u32le(&mut out, inizio_centrale);
    u16le(&mut out, 0);
    out
}

/// Deterministic pseudo-random bytes (xorshift64).
pub fn casuali(seme: u64, n: usize) -> Vec<u8> {
    let mut x = seme.max(1);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}
