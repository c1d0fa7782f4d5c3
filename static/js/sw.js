// Cittadino Informato's service worker: shows each alert pushed by Piazza as a notification,
// opens the comune's page when it is tapped, and unsubscribes from the notification's button.
self.addEventListener('push', (event) => {
  let m = {};
  try { m = event.data ? event.data.json() : {}; } catch (_) { m = { testo: event.data ? event.data.text() : '' }; }
  const azioni = m.disiscrivi ? [{ action: 'disiscrivi', title: 'Disiscriviti' }] : [];
  event.waitUntil(self.registration.showNotification(m.titolo || 'Cittadino Informato', {
    body: m.testo || '',
    tag: m.tag || 'cittadino-informato',
    renotify: true,
    lang: 'it',
    data: { url: m.url || '/allerte', disiscrivi: m.disiscrivi || null },
    actions: azioni,
  }));
});

self.addEventListener('notificationclick', (event) => {
  const d = event.notification.data || {};
  event.notification.close();
  if (event.action === 'disiscrivi' && d.disiscrivi) {
    event.waitUntil(
      fetch(d.disiscrivi, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      }).then(() => self.registration.pushManager.getSubscription())
        .then((s) => s && s.unsubscribe())
    );
    return;
  }
  event.waitUntil(clients.openWindow(d.url || '/allerte'));
});
