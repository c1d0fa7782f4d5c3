// Cittadino Informato, part 2, in Chromium with the SMTP server on loopback (aiosmtpd writing a
// Maildir, started by run.sh): subscribe by e-mail, confirm from the message, receive an alert
// with the RFC 8058 headers, unsubscribe with one click (as a mail client does), and delete
// one's data from the subscription page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, SHOTS, MAILDIR, launch, newPage, login, axe, attendi, link } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });


async function iscriviti(page, email, comune) {
  await page.goto(`${BASE}/allerte/iscriviti`);
  await page.fill('#comune-1', comune);
  // Only wind, from yellow.
  for (const c of await page.$$('input[name="rischi"]')) await c.uncheck({ force: true });
  await page.check('#rischio-vento', { force: true });
  await page.fill('#email', email);
  // Without consent: refused, nothing saved.
  await page.click('button:has-text("Iscriviti")');
  assert.match(await page.textContent('#consenso-errore'), /consenso/);
  await page.check('#consenso', { force: true });
  await page.click('button:has-text("Iscriviti")');
  await page.waitForSelector('h1:has-text("Controlla i tuoi messaggi")');
  const m = await attendi((x) => x.h.to?.includes(email) && /conferma/i.test(x.body), `confirmation to ${email}`);
  const url = link(m.body, `${BASE}/allerte/conferma/`);
  await page.goto(url);
  await page.click('button:has-text("Conferma")');
  await page.waitForSelector('text=Iscrizione confermata');
  return page.url().split('?')[0];
}

test('e-mail: double opt-in, an alert with one-click unsubscribe, and data deletion', async () => {
  assert.ok(MAILDIR, 'PIAZZA_MAILDIR (set by run.sh)');
  const page = await newPage(browser);
  await page.goto(`${BASE}/allerte/iscriviti`);
  assert.deepEqual(await axe(page), [], 'subscription page');
  const gestione = await iscriviti(page, 'anna.e2e@example.org', 'Montepulciano');
  assert.match(await page.textContent('main'), /Montepulciano/);
  assert.deepEqual(await axe(page), [], 'subscription data page');
  await page.screenshot({ path: `${SHOTS}iscrizione.png`, fullPage: true });

  // An orange wind alert on Montepulciano, composed and approved by two operators.
  const op = await newPage(browser);
  await login(op, 'protezione.civile@piazza.demo');
  await op.goto(`${BASE}/allerte/nuova`);
  await op.fill('#titolo', 'Raffiche di vento in Valdichiana');
  await op.selectOption('#rischio', 'vento');
  await op.selectOption('#livello', 'arancione');
  const d = new Date(Date.now() + 86400000);
  const p = (n) => String(n).padStart(2, '0');
  await op.fill('#scadenza', `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()} 23:00`);
  await op.selectOption('#comuni', ['052015']);
  await op.click('button:has-text("Invia per l\'approvazione")');
  await op.waitForSelector('#stato-allerta');
  const url = op.url();
  const sec = await newPage(browser);
  await login(sec, 'segreteria@piazza.demo');
  await sec.goto(url);
  await sec.click('button:has-text("Approva e pubblica")');
  await sec.waitForSelector('#stato-allerta:has-text("in vigore")');

  // The message arrives within seconds, with the RFC 8058 headers.
  const a = await attendi((x) => x.h.to?.includes('anna.e2e@example.org') && /ARANCIONE/.test(x.body), 'the alert');
  assert.match(a.body, /Allerta ARANCIONE per rischio vento a Montepulciano/);
  assert.match(a.body, new RegExp(`${BASE}/comuni/052015#allerte`));
  assert.equal(a.h['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
  const lu = a.h['list-unsubscribe'].replace(/[<>]/g, '');
  assert.ok(lu.startsWith(`${BASE}/allerte/disiscrivi/`), lu);

  // The staff watch it on the sending page.
  await sec.goto(`${BASE}/allerte/invii`);
  assert.match(await sec.textContent('#stato-invii'), /Raffiche di vento in Valdichiana/);
  // The node serving the demo beats: the desk sees it.
  assert.match(await sec.textContent('#stato-invii'), /Nodi in servizio \(1\): \S+ 127\.0\.0\.1:\d+ \(avviato il \d\d\/\d\d\/\d{4} \d\d:\d\d\)/);
  assert.deepEqual(await axe(sec), [], 'sending page');
  await sec.screenshot({ path: `${SHOTS}invii.png`, fullPage: true });

  // One click from the mail client: a POST without cookies or origin.
  const r = await fetch(lu, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
  assert.equal(r.status, 200);
  const gone = await page.goto(gestione);
  assert.equal(gone.status(), 404, 'the subscription and its data are gone');

  // A second subscriber deletes their data from their page.
  const page2 = await newPage(browser);
  const g2 = await iscriviti(page2, 'bruno.e2e@example.org', 'Pienza');
  const dati = await (await page2.request.get(`${g2}/dati.json`)).json();
  assert.equal(dati.indirizzo, 'bruno.e2e@example.org');
  assert.equal(dati.comuni[0].nome, 'Pienza');
  await page2.click('button:has-text("Cancella l\'iscrizione e i tuoi dati")');
  await page2.waitForSelector('h1:has-text("Iscrizione cancellata")');
  assert.equal((await page2.goto(g2)).status(), 404);
});
