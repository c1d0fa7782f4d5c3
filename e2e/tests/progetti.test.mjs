// Progetti: create a project, add a milestone, find it on the timeline; the demo portfolio's
// end-of-legislature line and risk report; what a referente sees; the pages pass axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, SHOTS, launch, newPage, login, axe } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('create a project, add a milestone and find it on the Gantt', async () => {
  const page = await newPage(browser);
  await login(page, 'segreteria@piazza.demo');
  await page.goto(`${BASE}/progetti`);
  await Promise.all([page.waitForURL(`${BASE}/progetti/nuovo`), page.click('a:has-text("Nuovo progetto")')]);
  await page.fill('#codice', 'E2E-2031-01');
  await page.fill('#acronimo', 'BROWSER-TEST');
  await page.fill('#titolo', 'Progetto creato dal test nel browser');
  await page.selectOption('#tipo', 'europeo');
  await page.selectOption('#programma', { label: 'Interreg Europe' });
  await page.selectOption('#stato', 'in_corso');
  await page.fill('#data_inizio', '01/02/2031');
  await page.fill('#data_fine', '31/01/2033');
  await page.fill('#budget_totale', '1.250.000,00');
  await page.fill('#quota_associazione', '180.000');
  // A wrong co-financing rate first: the form comes back with the message, nothing saved.
  await page.fill('#cofinanziamento', '185');
  await page.click('button:has-text("Crea il progetto")');
  assert.match(await page.textContent('#cofinanziamento-errore'), /Percentuale non valida/);
  await page.fill('#cofinanziamento', '85');
  await page.click('button:has-text("Crea il progetto")');
  await page.waitForSelector('h1:has-text("BROWSER-TEST")');
  assert.match(await page.textContent('#dati-progetto'), /1\.250\.000,00 €/);

  await page.click('summary:has-text("Aggiungi una milestone")');
  await page.selectOption('#scad-tipo', 'milestone');
  await page.fill('#scad-codice', 'M1');
  await page.fill('#scad-titolo', 'Primo incontro dei partner');
  await page.fill('#scad-data', '15/03/2031');
  await page.click('#scadenze button:has-text("Aggiungi")');
  await page.waitForSelector('#tabella-scadenze');
  assert.match(await page.textContent('#tabella-scadenze'), /Primo incontro dei partner/);
  assert.match(await page.textContent('#tabella-scadenze'), /15\/03\/2031/);
  await page.screenshot({ path: `${SHOTS}progetto.png`, fullPage: true });

  await page.click('a:has-text("nel cronoprogramma")');
  await page.waitForSelector('#gantt svg');
  assert.match(await page.textContent('h1'), /Cronoprogramma 2031/, 'the year the project starts');
  const marks = await page.$$eval('#gantt g.marcatore.milestone title', (ts) => ts.map((t) => t.textContent));
  assert.ok(marks.some((m) => m.includes('BROWSER-TEST — 15/03/2031: M1 Primo incontro dei partner')), marks.join('\n'));
  const bar = await page.$('#gantt rect.barra');
  assert.ok(bar, 'the project bar is drawn');
  await page.screenshot({ path: `${SHOTS}progetti-gantt-2031.png`, fullPage: true });
  assert.deepEqual(await axe(page), []);
});

test('the demo timeline of 2020 shows the end of the legislature and the risk report its stakes', async () => {
  const page = await newPage(browser);
  await login(page, 'lettore@piazza.demo');
  // No project runs this year in the demo: the timeline opens on the latest plan's year (2020,
  // or 2021 once the Piano spec has imported its plan), never on an empty year.
  await page.goto(`${BASE}/progetti/gantt`);
  assert.match(await page.textContent('h1'), /Cronoprogramma 202[01]/);
  assert.ok((await page.$$('#gantt rect.barra')).length > 0);
  await page.click('nav[aria-label="Anni"] a:has-text("2020")');
  assert.match(await page.textContent('h1'), /Cronoprogramma 2020/);
  const line = await page.textContent('#gantt g.linea.legislatura text');
  assert.equal(line, 'Fine legislatura 21/09/2020');
  assert.ok((await page.$$('#gantt rect.barra.rischio')).length > 10, 'flagged bars');
  await page.screenshot({ path: `${SHOTS}progetti-gantt-2020.png`, fullPage: true });

  await page.goto(`${BASE}/progetti`);
  const count = await page.textContent('#conteggio');
  assert.ok(Number(count.match(/(\d+)\s+progetti/)[1]) >= 50, count);

  await page.goto(`${BASE}/progetti/rischio`);
  const rows = await page.$$('#tabella-rischio tbody tr');
  assert.ok(rows.length >= 10, `flagged projects: ${rows.length}`);
  assert.match(await page.textContent('#riepilogo-rischio'), /\d{1,3}(\.\d{3})* €\s*budget in gioco/);
  assert.match(await page.textContent('#tabella-rischio'), /GIOCO-RESPONSABILE/);
  await page.screenshot({ path: `${SHOTS}progetti-rischio.png`, fullPage: true });
  assert.deepEqual(await axe(page), []);

  // The export downloads as a spreadsheet.
  await page.goto(`${BASE}/progetti`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Excel (XLSX)")')]);
  assert.equal(download.suggestedFilename(), 'progetti.xlsx');
});

test('a referente sees only the projects of their comune', async () => {
  const page = await newPage(browser);
  await login(page, 'referente.firenze@piazza.demo');
  await page.goto(`${BASE}/progetti`);
  const text = await page.textContent('#tabella-progetti');
  assert.match(text, /GIOCO-RESPONSABILE/, 'a project in Firenze');
  assert.doesNotMatch(text, /SPORTELLI-LAVORO/, 'a project of Prato and Pistoia only');
  await page.goto(`${BASE}/comuni/048017`);
  assert.match(await page.textContent('#elenco-progetti-collegati'), /GIOCO-RESPONSABILE/);
});

test('axe-core on the pages of the project office', async () => {
  const page = await newPage(browser);
  await login(page, 'segreteria@piazza.demo');
  for (const path of ['/progetti', '/progetti/budget', '/progetti/bandi', '/progetti/programmi', '/progetti/mappa',
    '/progetti/scadenze', '/progetti/importa', '/progetti/nuovo']) {
    await page.goto(`${BASE}${path}`);
    const violations = await axe(page);
    assert.deepEqual(violations, [], `${path}:\n${violations.join('\n')}`);
  }
  await page.goto(`${BASE}/progetti?q=GIOCO`);
  await page.click('#tabella-progetti a:has-text("GIOCO-RESPONSABILE")');
  await page.waitForSelector('#dati-progetto');
  assert.deepEqual(await axe(page), []);
});
