// The subscription page: more comune fields on demand, and web push (service worker,
// permission, subscription posted to Piazza with the preferences of the form).
(function () {
  const form = document.getElementById('iscrizione');
  if (!form) return;
  const campi = document.getElementById('campi-comuni');
  const aggiungi = document.getElementById('aggiungi-comune');
  aggiungi.addEventListener('click', () => {
    const n = campi.querySelectorAll('input[name="comune"]').length + 1;
    if (n > 10) return;
    const div = document.createElement('div');
    div.className = 'form-group mt-4 mb-3';
    div.innerHTML = '<label for="comune-' + n + '" class="active">Comune ' + n + '</label>' +
      '<input type="search" list="elenco-comuni" autocomplete="off" class="form-control" id="comune-' + n +
      '" name="comune" placeholder="Scrivi il nome del comune">';
    campi.appendChild(div);
    div.querySelector('input').focus();
  });

  const box = document.getElementById('push');
  const bottone = document.getElementById('attiva-push');
  const esito = document.getElementById('push-esito');
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) {
    esito.textContent = 'Questo browser non supporta le notifiche push.';
    return;
  }
  bottone.disabled = false;
  esito.textContent = '';
  const chiave = (b64) => {
    const p = '='.repeat((4 - (b64.length % 4)) % 4);
    const raw = atob((b64 + p).replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  };
  bottone.addEventListener('click', async () => {
    const dati = new FormData(form);
    const corpo = {
      comuni: dati.getAll('comune').flatMap((c) => c.split(/[,;]/)).map((c) => c.trim()).filter(Boolean),
      rischi: dati.getAll('rischi'),
      soglia: dati.get('soglia') || '',
      fine_allerta: dati.get('fine_allerta') !== null,
      consenso: dati.get('consenso') !== null,
    };
    if (!corpo.consenso) { esito.textContent = 'Per iscriverti serve il consenso al trattamento dei dati.'; return; }
    try {
      esito.textContent = 'Attivazione in corso…';
      const reg = await navigator.serviceWorker.register('/sw.js');
      const permesso = await Notification.requestPermission();
      if (permesso !== 'granted') { esito.textContent = 'Le notifiche non sono state consentite.'; return; }
      const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: chiave(box.dataset.vapid) });
      const r = await fetch('/allerte/iscriviti/push', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(Object.assign(sub.toJSON(), corpo)),
      });
      const j = await r.json();
      if (r.ok) {
        esito.innerHTML = 'Notifiche attive su questo dispositivo. <a href="' + j.gestione + '">Gestisci l\'iscrizione</a>.';
      } else {
        esito.textContent = j.errore || 'Iscrizione non riuscita.';
      }
    } catch (e) {
      esito.textContent = 'Attivazione non riuscita: ' + e.message;
    }
  });
})();
