// Check-in page of an event: codes typed or sent by a USB scanner, read by the camera or from a
// photo, or picked from a search by name, are posted to the server with the direction
// (entrata/uscita). Scans that cannot be sent wait in a queue in localStorage and are resent in
// order; the server de-duplicates them by nonce. jsQR (vendored) is loaded before this file.
(function () {
  'use strict';
  const main = document.getElementById('checkin');
  if (!main) return;
  const $ = (id) => document.getElementById(id);
  const url = main.dataset.url;
  const CHIAVE = 'piazza-checkin-' + url;
  const verso = $('verso'), codice = $('codice'), esito = $('esito'), presenti = $('presenti');
  const inCoda = $('in-coda'), video = $('camera'), canvas = $('fotogramma'), avvia = $('avvia-camera');
  const cerca = $('cerca'), risultati = $('risultati'), immagine = $('immagine');

  // Upper case, letters and digits only: "k7m2-p9xr" and "K7M2P9XR" are the same code.
  const normalizza = (s) => String(s || '').toUpperCase().replace(/[^A-Z0-9]/g, '');

  // One nonce per scan, kept across resends (randomUUID needs a secure context: fall back).
  const nuovoNonce = () => (crypto.randomUUID ? crypto.randomUUID()
    : '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
      (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));

  // ---- Outcome ----
  const CLASSE = {
    valido: 'esito-ok', uscita: 'esito-ok',
    gia_presente: 'esito-attenzione', lista_attesa: 'esito-attenzione', non_confermata: 'esito-attenzione',
  };
  function mostra(testo, classe, nome) {
    esito.classList.remove('esito-ok', 'esito-attenzione', 'esito-errore');
    esito.textContent = '';
    if (nome) esito.append(Object.assign(document.createElement('strong'), { textContent: nome }), ' ');
    esito.append(testo);
    void esito.offsetWidth; // restart the CSS flash even when the class is the same as before
    if (classe) esito.classList.add(classe);
  }
  function mostraRisposta(r) {
    const j = r.j;
    const classe = r.ok ? CLASSE[j.esito] || 'esito-errore' : 'esito-errore';
    mostra(r.ok ? j.messaggio || j.esito : j.errore || 'Lettura non accettata.', classe, r.ok ? j.nome : null);
    if (navigator.vibrate) navigator.vibrate(classe === 'esito-ok' ? 80 : [80, 60, 80]);
  }

  // ---- Queue (localStorage; in memory only if storage is not usable) ----
  let memoria = null;
  function leggiCoda() {
    if (memoria) return memoria.slice();
    try { return JSON.parse(localStorage.getItem(CHIAVE)) || []; } catch (_) { return []; }
  }
  function scriviCoda(coda) {
    if (memoria) memoria = coda;
    else try { localStorage.setItem(CHIAVE, JSON.stringify(coda)); } catch (_) { memoria = coda; }
    inCoda.textContent = String(coda.length);
  }

  // ---- Sending ----
  // Sends one scan. {riprova: reason} when it must stay in the queue (no network, a gateway or
  // server fault, rate limit, expired session); otherwise {ok, j} with the server's answer.
  async function invia(scan) {
    if (navigator.onLine === false) return { riprova: 'Senza connessione' };
    let r;
    try {
      r = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify(scan),
        signal: AbortSignal.timeout ? AbortSignal.timeout(10000) : undefined,
      });
    } catch (_) {
      return { riprova: 'Senza connessione' }; // TypeError (network) or timeout
    }
    let j = null;
    try { j = await r.json(); } catch (_) { /* not JSON */ }
    if (r.status === 401 || r.redirected) return { riprova: 'Accesso scaduto: accedi di nuovo in un\'altra scheda' };
    if (r.status === 429) return { riprova: 'Troppe letture ravvicinate' };
    if (r.status >= 500) return { riprova: ((j && j.errore) || 'Server non raggiungibile').replace(/\.$/, '') };
    if (!j) return r.ok ? { riprova: 'Risposta inattesa' } : { ok: false, j: { errore: 'Lettura non accettata (errore ' + r.status + ').' } };
    return { ok: r.ok, j };
  }

  const vivi = new Set(); // nonces scanned now, whose outcome is shown (not those from the backlog)
  let inCorso = false;
  // Sends the queue in order, one at a time; stops at the first scan that must be retried.
  // The flag is cleared in the same turn as the last look at the queue, so no scan is missed.
  async function svuota() {
    if (inCorso) return;
    inCorso = true;
    let arretrate = 0, avvisi = 0, mostrato = false;
    try {
      for (let coda = leggiCoda(); coda.length; coda = leggiCoda()) {
        const scan = coda[0];
        const r = await invia(scan);
        if (r.riprova) {
          if (vivi.size) mostra(r.riprova + ': lettura in coda (' + leggiCoda().length + ' in attesa)', 'esito-attenzione');
          vivi.clear();
          return;
        }
        scriviCoda(leggiCoda().filter((s) => s.nonce !== scan.nonce));
        if (typeof r.j.presenti === 'number') presenti.textContent = String(r.j.presenti);
        if (vivi.delete(scan.nonce)) { mostraRisposta(r); mostrato = true; } else {
          arretrate++;
          if (!r.ok || CLASSE[r.j.esito] !== 'esito-ok') avvisi++;
        }
      }
    } finally { inCorso = false; }
    if (arretrate && !mostrato) {
      mostra('Connessione ripristinata: ' + arretrate + (arretrate === 1 ? ' lettura in coda inviata' : ' letture in coda inviate') +
        (avvisi ? ' (' + avvisi + ' con avviso).' : '.'), avvisi ? 'esito-attenzione' : 'esito-ok');
    }
  }

  // A scan always goes through the queue, so that it survives a reload while it is being sent.
  function registra(c) {
    if (!c) { mostra('Scrivi o leggi un codice.', 'esito-errore'); return; }
    const scan = { codice: c, nonce: nuovoNonce(), verso: verso.value, at: new Date().toISOString() };
    scriviCoda(leggiCoda().concat([scan]));
    vivi.add(scan.nonce);
    mostra('Verifica di ' + c + '…');
    svuota();
  }

  // ---- Typed codes and USB scanners (they type the code, then Enter) ----
  $('manuale').addEventListener('submit', (e) => {
    e.preventDefault();
    const c = normalizza(codice.value);
    codice.value = '';
    codice.focus();
    registra(c);
  });

  // ---- QR decoding: BarcodeDetector when it reads QR codes, else jsQR on the canvas ----
  let rilevatoreP = null;
  const rilevatore = () => rilevatoreP || (rilevatoreP = (async () => {
    if (!('BarcodeDetector' in window)) return null;
    try {
      const formati = await window.BarcodeDetector.getSupportedFormats();
      return formati.includes('qr_code') ? new window.BarcodeDetector({ formats: ['qr_code'] }) : null;
    } catch (_) { return null; }
  })());
  async function decodifica(sorgente, w, h, foto) {
    const det = await rilevatore();
    if (det) {
      let trovati = null;
      try { trovati = await det.detect(sorgente); } catch (_) { /* fall back to jsQR */ }
      if (trovati && trovati.length) return trovati[0].rawValue;
      if (trovati && !foto) return null; // a video frame without a code: try the next one
    }
    if (typeof window.jsQR !== 'function' || !w || !h) return null;
    const scala = Math.min(1, (foto ? 1600 : 640) / Math.max(w, h)); // smaller frames decode faster
    canvas.width = Math.round(w * scala);
    canvas.height = Math.round(h * scala);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(sorgente, 0, 0, canvas.width, canvas.height);
    const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const qr = window.jsQR(img.data, img.width, img.height, { inversionAttempts: foto ? 'attemptBoth' : 'dontInvert' });
    return qr ? qr.data : null;
  }

  // ---- Camera ----
  const etichetta = avvia.textContent;
  let flusso = null, timer = null, avviando = false, occupato = false;
  let ultimo = '', ultimoAt = 0;
  function fermaCamera() {
    clearInterval(timer);
    if (flusso) flusso.getTracks().forEach((t) => t.stop());
    flusso = timer = video.srcObject = null;
    video.hidden = true;
    avvia.textContent = etichetta;
    avvia.setAttribute('aria-pressed', 'false');
  }
  async function avviaCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      mostra('Fotocamera non disponibile in questo browser (serve una connessione HTTPS).', 'esito-errore');
      return;
    }
    avviando = true;
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      if (document.hidden) { s.getTracks().forEach((t) => t.stop()); return; }
      flusso = s;
      video.srcObject = s;
      video.hidden = false;
      await video.play();
      avvia.textContent = 'Ferma la fotocamera';
      avvia.setAttribute('aria-pressed', 'true');
      timer = setInterval(leggiFotogramma, 125); // about 8 frames a second
    } catch (e) {
      fermaCamera();
      mostra('Impossibile usare la fotocamera: ' + (e.message || e.name), 'esito-errore');
    } finally { avviando = false; }
  }
  async function leggiFotogramma() {
    if (occupato || video.readyState < 2) return;
    occupato = true;
    try {
      const c = normalizza(await decodifica(video, video.videoWidth, video.videoHeight, false));
      if (!c) return;
      // The same code is ignored until it has been out of sight for 3 seconds.
      const ora = Date.now(), ripetuto = c === ultimo && ora - ultimoAt < 3000;
      [ultimo, ultimoAt] = [c, ora];
      if (!ripetuto) registra(c);
    } catch (_) { /* a frame that cannot be read: try the next one */ } finally { occupato = false; }
  }
  avvia.addEventListener('click', () => {
    if (avviando) return;
    if (flusso) fermaCamera(); else avviaCamera();
  });
  document.addEventListener('visibilitychange', () => { if (document.hidden) fermaCamera(); });
  window.addEventListener('pagehide', fermaCamera);

  // ---- A QR code from a photo ----
  immagine.addEventListener('change', async () => {
    const file = immagine.files && immagine.files[0];
    if (!file) return;
    try {
      const bmp = await createImageBitmap(file);
      const testo = await decodifica(bmp, bmp.width, bmp.height, true);
      if (bmp.close) bmp.close();
      if (testo) registra(normalizza(testo));
      else mostra('Nessun codice QR trovato nella foto.', 'esito-errore');
    } catch (_) {
      mostra('Impossibile leggere la foto.', 'esito-errore');
    }
    immagine.value = ''; // the same photo can be chosen again
  });

  // ---- Search by name ----
  let attesa = null, ricerca = 0;
  const riga = (testo) => Object.assign(document.createElement('li'), { textContent: testo });
  function voce(p) {
    const li = document.createElement('li'), b = document.createElement('button');
    Object.assign(b, { type: 'button', className: 'btn btn-outline-primary w-100 text-start mb-2',
      textContent: p.nome + (p.stato ? ' — ' + p.stato : '') });
    b.addEventListener('click', () => {
      cerca.value = '';
      risultati.replaceChildren();
      codice.focus(); // ready for the next scanner read
      registra(normalizza(p.codice));
    });
    li.append(b);
    return li;
  }
  async function trova(q) {
    const io = ++ricerca;
    const u = new URL(main.dataset.cerca, location.href);
    u.searchParams.set('q', q);
    try {
      const r = await fetch(u, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      const lista = r.ok ? await r.json() : [];
      if (io !== ricerca) return; // a newer search has started meanwhile
      risultati.replaceChildren(...(lista.length ? lista.map(voce) : [riga('Nessun iscritto trovato.')]));
    } catch (_) {
      if (io === ricerca) risultati.replaceChildren(riga('Ricerca non disponibile senza connessione.'));
    }
  }
  cerca.addEventListener('input', () => {
    clearTimeout(attesa);
    const q = cerca.value.trim();
    if (q.length < 2) { ricerca++; risultati.replaceChildren(); return; }
    attesa = setTimeout(() => trova(q), 250);
  });

  // ---- Resending the queue ----
  window.addEventListener('online', svuota);
  setInterval(() => { if (leggiCoda().length) svuota(); }, 10000);
  window.addEventListener('storage', (e) => { if (e.key === CHIAVE) inCoda.textContent = String(leggiCoda().length); });
  scriviCoda(leggiCoda());
  svuota();
})();
