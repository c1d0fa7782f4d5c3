// Cittadino Informato, part 2, in Chromium with the SMTP server on loopback (aiosmtpd writing a
// Maildir, started by run.sh): subscribe by e-mail, confirm from the message, receive an alert
// with the RFC 8058 headers, unsubscribe with one click (as a mail client does), and delete
// one's data from the subscription page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { BASE, SHOTS, launch, newPage, login, axe } from './helpers.mjs';

const MAILDIR = process.env.PIAZZA_MAILDIR;
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Every message in the Maildir: lower-cased unfolded headers and the decoded body. */
function posta() {
  const dir = `${MAILDIR}/new`;
  let files = [];
  try { files = readdirSync(dir); } catch { return []; }
  return files
    .map((f) => ({ f, t: statSync(`${dir}/${f}`).mtimeMs }))
    .sort((a, b) => a.t - b.t)
    .map(({ f }) => {
      const raw = readFileSync(`${dir}/${f}`, 'utf8').replace(/\r\n/g, '\n');
      const i = raw.indexOf('\n\n');
      const head = raw.slice(0, i).replace(/\n[ \t]+/g, ' ');
      let body = raw.slice(i + 2);
      const h = {};
      for (const line of head.split('\n')) {
        const k = line.indexOf(':');
        if (k > 0) h[line.slice(0, k).trim().toLowerCase()] = line.slice(k + 1).trim();
      }
      if (/quoted-printable/i.test(h['content-transfer-encoding'] ?? '')) {
        body = Buffer.from(body.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/g, (_, x) => String.fromCharCode(parseInt(x, 16))), 'latin1').toString('utf8');
      }
      return { h, body };
    });
}

async function attendi(cond, what, ms = 30000) {
  const t0 = Date.now();
  for (;;) {
    const m = posta().filter(cond);
    if (m.length) return m[m.length - 1];
    if (Date.now() - t0 > ms) throw new Error(`no message: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const link = (body, prefix) => body.slice(body.indexOf(prefix)).split(/\s/)[0];

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
