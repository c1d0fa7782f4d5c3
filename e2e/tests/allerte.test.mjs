// Allerte: an operator composes an alert, a second operator approves it, and the public page
// shows it to a visitor who is not logged in; the demo's red alert on the map and the comune
// page; the pages pass axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, SHOTS, launch, newPage, login, axe } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** dd/mm/yyyy hh:mm, in the browser's (Italian) time. */
function tra(giorni) {
  const d = new Date(Date.now() + giorni * 86400000);
  const f = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  return f.format(d).replace(',', '');
}

const TITOLO = 'Neve abbondante sulla Montagnola senese';

test('an operator composes, a second operator approves, the public sees it logged out', async () => {
  const pubblico = await newPage(browser);
  const operatore = await newPage(browser);
  await login(operatore, 'protezione.civile@piazza.demo');
  await operatore.goto(`${BASE}/allerte/nuova`);
  await operatore.fill('#titolo', TITOLO);
  await operatore.selectOption('#rischio', 'neve');
  await operatore.selectOption('#livello', 'rosso');
  // A wrong end first: the form comes back with the message, nothing saved.
  await operatore.fill('#scadenza', 'domani');
  await operatore.selectOption('#comuni', ['052032', '052030']);
  await operatore.click('button:has-text("Invia per l\'approvazione")');
  assert.match(await operatore.textContent('#scadenza-errore'), /gg\/mm\/aaaa/);
  await operatore.fill('#scadenza', tra(2));
  await operatore.fill('#istruzioni', 'Evita gli spostamenti non necessari e monta le catene.');
  await operatore.click('button:has-text("Invia per l\'approvazione")');
  await operatore.waitForSelector('#stato-allerta');
  assert.match(await operatore.textContent('#stato-allerta'), /in attesa di approvazione/);
  // The author cannot approve: no button for them.
  assert.equal(await operatore.$('button:has-text("Approva e pubblica")'), null);
  const url = operatore.url();

  // Not public yet.
  await pubblico.goto(`${BASE}/allerte`);
  assert.doesNotMatch(await pubblico.textContent('#allerte-attive'), new RegExp(TITOLO));
  await pubblico.goto(`${BASE}/comuni/052032`);
  assert.doesNotMatch(await pubblico.textContent('#allerte-comune'), new RegExp(TITOLO));

  // A second operator finds it on the desk and approves it.
  const seconda = await newPage(browser);
  await login(seconda, 'segreteria@piazza.demo');
  await seconda.goto(`${BASE}/allerte/gestione`);
  await Promise.all([seconda.waitForURL(url), seconda.click(`#in-attesa a:has-text("${TITOLO}")`)]);
  await seconda.click('button:has-text("Approva e pubblica")');
  await seconda.waitForSelector('#stato-allerta:has-text("in vigore")');

  // The public page shows it at once, logged out; so does the comune's page, in red.
  await pubblico.goto(`${BASE}/allerte?rischio=neve`);
  assert.match(await pubblico.textContent('#allerte-attive'), new RegExp(TITOLO));
  const siena = await pubblico.getAttribute('#mappa a[href="/comuni/052032"] path', 'fill');
  assert.equal(siena, '#d62728', 'Siena is red on the snow map');
  await pubblico.screenshot({ path: `${SHOTS}allerte.png`, fullPage: true });
  await pubblico.goto(`${BASE}/comuni/052032`);
  assert.match(await pubblico.textContent('#allerte-comune'), new RegExp(TITOLO));
  assert.match(await pubblico.textContent('#allerte-comune'), /Neve:\s*rosso/);
  // And the open data.
  const stato = await (await pubblico.request.get(`${BASE}/allerte.json`)).json();
  const s = stato.comuni.find((c) => c.istat === '052032');
  assert.equal(s.rischi.neve, 'rosso');
});

test('the demo red alert on the map, the comune page and the feeds', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/allerte`);
  assert.match(await page.textContent('#conteggi'), /rosso: \d+ comuni/);
  assert.equal(await page.getAttribute('#mappa a[href="/comuni/046017"] path', 'fill'), '#d62728', 'Lucca is red');
  await page.goto(`${BASE}/comuni/046017`);
  assert.match(await page.textContent('#allerte-comune'), /Aree di attesa aperte/);
  const atom = await (await page.request.get(`${BASE}/allerte/cap.atom`)).text();
  assert.match(atom, /application\/cap\+xml/);
  // The red alert is an update of the morning's yellow one: its CAP document says so.
  await page.goto(`${BASE}/allerte`);
  const rossa = await page.getAttribute('#allerte-attive a:has-text("Allerta rossa")', 'href');
  const cap = await (await page.request.get(`${BASE}/allerte/cap/${rossa.split('/').pop()}`)).text();
  assert.match(cap, /<msgType>Update<\/msgType>/);
  assert.match(cap, /<references>/);
});

test('the alert pages pass axe-core', async () => {
  const page = await newPage(browser);
  await login(page, 'segreteria@piazza.demo');
  await page.goto(`${BASE}/allerte`);
  const rossa = await page.getAttribute('#allerte-attive a:has-text("Allerta rossa")', 'href');
  for (const path of ['/allerte', rossa, '/allerte/gestione', '/allerte/nuova', '/allerte/avvisi', '/allerte/adesioni', '/allerte/fonti', '/comuni/046017']) {
    await page.goto(`${BASE}${path}`);
    const v = await axe(page);
    assert.deepEqual(v, [], `${path}:\n${v.join('\n')}`);
  }
});
