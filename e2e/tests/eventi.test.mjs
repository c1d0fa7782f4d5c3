// Eventi in Chromium, with the SMTP server on loopback (aiosmtpd writing a Maildir, started by
// run.sh): register to a full event and land on the waitlist, confirm from the e-mail, get
// promoted when seats free up, accept the seat from the e-mail, then be checked in at the door
// by a typed code and by a QR image fed to the page; axe-core on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { BASE, SHOTS, MAILDIR, launch, newPage, login, axe, attendi, link } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });


async function pulito(page, what) {
  const v = await axe(page);
  assert.deepEqual(v, [], `${what}: ${v.join('\n')}`);
}

test('waitlist, promotion from the e-mail, check-in by code and by QR image', async () => {
  assert.ok(MAILDIR, 'PIAZZA_MAILDIR (set by run.sh)');
  const page = await newPage(browser);
  await page.goto(`${BASE}/eventi`);
  await pulito(page, 'calendario');
  await page.click('a:has-text("Webinar: i servizi digitali dei comuni")');
  const evento = page.url();
  assert.ok(await page.isVisible('#completo'), 'the demo webinar is full');
  await page.screenshot({ path: `${SHOTS}eventi-evento.png`, fullPage: true });
  await pulito(page, 'pagina evento');
  const email = `e2e.${Date.now()}@example.org`;
  // Bad input first: refused in Italian.
  await page.fill('#nome', 'Lucia');
  await page.fill('#cognome', 'Ferri');
  await page.fill('#email', 'lucia@');
  await page.selectOption('#tipo_organizzazione', 'cittadino');
  await page.click('button:has-text("lista d\'attesa")');
  assert.match(await page.textContent('#email-errore'), /non valido/);
  await page.fill('#email', email);
  await page.check('#consenso', { force: true });
  await page.click('button:has-text("lista d\'attesa")');
  await page.waitForSelector('#registrazione-inviata');
  const conferma = await attendi((m) => (m.h.to ?? '').includes(email) && /Conferma la registrazione/.test(m.h.subject ?? ''), 'confirmation');
  await page.goto(link(conferma.body, `${BASE}/biglietto/`));
  await pulito(page, 'biglietto da confermare');
  await page.click('button:has-text("Conferma")');
  assert.match(await page.textContent('#stato-registrazione'), /lista d'attesa/);
  const biglietto = page.url().split('?')[0];

  // The organiser cancels three confirmed registrations: the three next in line are offered a seat.
  const staff = await newPage(browser);
  await login(staff, 'segreteria@piazza.demo');
  await staff.goto(`${evento}/partecipanti`);
  await pulito(staff, 'partecipanti');
  staff.on('dialog', (d) => d.accept());
  for (let i = 0; i < 3; i++) {
    const righe = staff.locator('#partecipanti tbody tr', { hasText: 'Confermata' });
    await Promise.all([staff.waitForLoadState('load'), righe.first().locator('button:has-text("Annulla")').click()]);
  }
  await staff.screenshot({ path: `${SHOTS}eventi-partecipanti.png`, fullPage: true });
  const offerta = await attendi((m) => (m.h.to ?? '').includes(email) && /liberato un posto/.test(m.h.subject ?? ''), 'seat offer');
  await page.goto(link(offerta.body, `${BASE}/biglietto/`));
  await page.click('button:has-text("Accetta il posto")');
  assert.match(await page.textContent('#stato-registrazione'), /Confermata/);
  await pulito(page, 'biglietto confermato');
  await page.screenshot({ path: `${SHOTS}eventi-biglietto.png`, fullPage: true });
  const codice = (await page.textContent('.biglietto-codice strong')).trim();
  const qr = await page.locator('.biglietto-qr svg').screenshot();
  const immagine = `${SHOTS}eventi-qr.png`;
  writeFileSync(immagine, qr);

  // The door: the check-in staff (viewer of Eventi) type the code, then feed the QR image.
  const porta = await newPage(browser);
  await login(porta, 'lettore@piazza.demo');
  await porta.goto(`${evento}/checkin`);
  await pulito(porta, 'accoglienza');
  await porta.fill('#codice', codice.toLowerCase());
  await porta.press('#codice', 'Enter');
  await porta.waitForSelector('#esito.esito-ok');
  assert.match(await porta.textContent('#esito'), /valido/i);
  assert.equal((await porta.textContent('#presenti')).trim(), '1');
  await porta.setInputFiles('#immagine', immagine);
  await porta.waitForFunction(() => /Già entrato/.test(document.querySelector('#esito')?.textContent ?? ''));
  assert.equal((await porta.textContent('#presenti')).trim(), '1', 'the QR of the same ticket is not counted twice');
  await porta.screenshot({ path: `${SHOTS}eventi-checkin.png`, fullPage: true });
  assert.ok(biglietto.startsWith(`${BASE}/biglietto/`));
});

test('a workshop chosen at registration, the organiser\'s figures, survey and badges, the map of a year', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/eventi`);
  await page.click('a:has-text("Incontro con i sindaci della provincia di Livorno")');
  await pulito(page, 'evento con laboratori');
  const email = `lab.${Date.now()}@example.org`;
  await page.fill('#nome', 'Marta');
  await page.fill('#cognome', 'Vanni');
  await page.fill('#email', email);
  await page.selectOption('#tipo_organizzazione', 'comune');
  await page.fill('#comune', 'Livorno');
  const lab = page.locator('input[name^="sessione_"]').first();
  await lab.check({ force: true });
  await page.check('#consenso', { force: true });
  await page.click('button:has-text("Registrati")');
  await page.waitForSelector('#registrazione-inviata');
  const conferma = await attendi((m) => (m.h.to ?? '').includes(email) && /Conferma la registrazione/.test(m.h.subject ?? ''), 'confirmation');
  await page.goto(link(conferma.body, `${BASE}/biglietto/`));
  await page.click('button:has-text("Conferma")');
  assert.match(await page.textContent('#sessioni-scelte'), /posto riservato/);
  await pulito(page, 'biglietto con laboratorio');

  const staff = await newPage(browser);
  await login(staff, 'segreteria@piazza.demo');
  await staff.goto(`${BASE}/eventi`);
  await staff.click('a:has-text("Dire & Fare 2020")');
  const evento = staff.url();
  await staff.goto(`${evento}/partecipanti`);
  assert.ok(await staff.isVisible('#questionario'), 'the survey results');
  assert.ok(await staff.isVisible('#figure-partecipanti'), 'seats per province and type');
  await pulito(staff, 'partecipanti con questionario');
  await staff.screenshot({ path: `${SHOTS}eventi-questionario.png`, fullPage: true });
  const pdf = await staff.request.get(`${evento}/cartellini.pdf`);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.ok((await pdf.body()).subarray(0, 5).toString() === '%PDF-');
  await staff.goto(`${BASE}/eventi/nuovo`);
  await pulito(staff, 'nuovo evento');
  await staff.goto(`${BASE}/eventi/mappa`);
  await staff.selectOption('#anno', '2020');
  await Promise.all([staff.waitForLoadState('load'), staff.click('button:has-text("Mostra")')]);
  assert.match(await staff.textContent('#per-tipo'), /Comune/);
  await pulito(staff, 'mappa del 2020');
  await staff.screenshot({ path: `${SHOTS}eventi-mappa.png`, fullPage: true });
});
