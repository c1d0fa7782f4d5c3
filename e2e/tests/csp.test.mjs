// The Content-Security-Policy on: the main pages load, behave and report no violation — no
// inline script, handler or style is left, and every asset comes from Piazza.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, SHOTS, launch, newPage, login } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A page with the policy enforced that records every violation (events and console). */
async function pageConCsp() {
  const page = await newPage(browser, { bypassCSP: false });
  const violazioni = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Content-Security-Policy/i.test(m.text())) {
      violazioni.push(`console: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => violazioni.push(`errore: ${e.message}`));
  // Installed by the browser before any page script: not subject to the page's policy.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      // eslint-disable-next-line no-undef
      (window.__violazioni ??= []).push(`${e.violatedDirective}: ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const raccogli = async () => {
    const nellaPagina = await page.evaluate(() => window.__violazioni ?? []);
    return [...violazioni, ...nellaPagina];
  };
  return { page, raccogli };
}

const PUBBLICHE = ['/', '/login', '/comuni', '/comuni/048017', '/mappa', '/zone-allerta', '/piano/2020',
  '/allerte', '/allerte/iscriviti'];
const RISERVATE = ['/persone', '/organizzazioni', '/organizzazioni/nuova', '/amministratori', '/progetti',
  '/progetti/scadenze', '/piano/2020/cruscotto', '/allerte/fonti', '/admin/audit', '/account/sessioni'];

test('the public pages carry the policy and load without a violation', async () => {
  const { page, raccogli } = await pageConCsp();
  for (const path of PUBBLICHE) {
    const r = await page.goto(`${BASE}${path}`);
    assert.equal(r.status(), 200, path);
    const csp = r.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self'/, path);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
    await page.waitForLoadState('networkidle');
    assert.deepEqual(await raccogli(), [], path);
  }
  await page.screenshot({ path: `${SHOTS}csp-home.png` });
});

test('the reserved pages load without a violation and the own scripts still work', async () => {
  const { page, raccogli } = await pageConCsp();
  await login(page, 'admin@piazza.demo');
  for (const path of RISERVATE) {
    const r = await page.goto(`${BASE}${path}`);
    assert.equal(r.status(), 200, path);
    await page.waitForLoadState('networkidle');
    assert.deepEqual(await raccogli(), [], path);
  }
  // data-invia-al-cambio: choosing an indicator on the map sends the form (piazza.js).
  await page.goto(`${BASE}/mappa`);
  const opzioni = await page.$$eval('#indicatore option', (o) => o.map((x) => x.value));
  assert.ok(opzioni.length > 1, 'the map has indicators to choose');
  await Promise.all([
    page.waitForURL((u) => u.searchParams.get('indicatore') === opzioni[1]),
    page.selectOption('#indicatore', opzioni[1]),
  ]);
  // data-conferma: deleting an organisation asks first; dismissing keeps it.
  await page.goto(`${BASE}/organizzazioni`);
  const link = await page.$('table a[href^="/organizzazioni/"]');
  assert.ok(link, 'an organisation to open');
  await link.click();
  await page.waitForLoadState('networkidle');
  const qui = page.url();
  let chiesto = '';
  page.once('dialog', async (d) => { chiesto = d.message(); await d.dismiss(); });
  await page.click('form[data-conferma] button[type=submit]');
  await page.waitForTimeout(300);
  assert.match(chiesto, /Eliminare/);
  assert.equal(page.url(), qui, 'dismissed: nothing was sent');
  assert.deepEqual(await raccogli(), []);
  await page.screenshot({ path: `${SHOTS}csp-organizzazione.png` });
});

test('error pages carry the policy too and load their styles', async () => {
  const { page, raccogli } = await pageConCsp();
  const r = await page.goto(`${BASE}/nessuna-pagina`);
  assert.equal(r.status(), 404);
  assert.match(r.headers()['content-security-policy'] ?? '', /frame-ancestors 'none'/);
  assert.match(await page.textContent('h1'), /Pagina non trovata/);
  assert.deepEqual(await raccogli(), []);
});
