import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BASE, SHOTS, launch, newPage, login } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('log in as the secretariat and see the reserved modules', async () => {
  const page = await newPage(browser);
  await login(page, 'segreteria@piazza.demo');
  await assert.doesNotReject(page.getByRole('link', { name: 'Anagrafica' }).first().waitFor());
  assert.match(await page.textContent('header'), /Segreteria dell'associazione/);
  await page.screenshot({ path: `${SHOTS}home-logged.png`, fullPage: true });
});

test('filter the comuni: province, search, population (htmx updates the results in place)', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/comuni`);
  assert.match(await page.textContent('#conteggio'), /273\s+comuni/);
  await page.selectOption('#provincia', 'FI');
  await page.waitForFunction(() => /41\s+comuni/.test(document.querySelector('#conteggio')?.textContent ?? ''));
  assert.match(page.url(), /provincia=FI/, 'the URL keeps the filter');
  await page.fill('#q', 'sesto');
  await page.waitForFunction(() => /^\s*1\s+comuni/.test(document.querySelector('#conteggio')?.textContent ?? ''));
  assert.equal(await page.locator('#tabella-comuni tbody tr').count(), 1);
  assert.match(await page.textContent('#tabella-comuni'), /Sesto Fiorentino/);
  // Bad input: a message next to the field after submitting.
  await page.goto(`${BASE}/comuni?pop_min=tanti`);
  assert.match(await page.textContent('#pop_min-errore'), /Inserire un numero intero/);
  await page.screenshot({ path: `${SHOTS}comuni-errore.png` });
});

test('open Firenze from the list', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/comuni?q=firenze`);
  await Promise.all([page.waitForURL(`${BASE}/comuni/048017`), page.click('#tabella-comuni >> text=Firenze')]);
  assert.equal(await page.textContent('h1'), 'Firenze');
  assert.equal((await page.textContent('#popolazione')).trim(), '360.930');
  assert.match(await page.textContent('#zone-comune'), /A3 – Arno-Firenze/);
  assert.match(await page.textContent('#amministratori-comune'), /Sindaco/);
  await page.screenshot({ path: `${SHOTS}firenze.png`, fullPage: true });
});

test('the map has one shape per comune, each linked to its page', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/mappa`);
  assert.equal(await page.locator('#mappa svg g.comuni path').count(), 273);
  await page.selectOption('#indicatore', 'piccoli-comuni');
  await page.waitForURL(/indicatore=piccoli-comuni/);
  assert.match(await page.textContent('h2'), /Piccoli comuni/);
  await page.screenshot({ path: `${SHOTS}mappa.png`, fullPage: true });
  await Promise.all([page.waitForURL(`${BASE}/comuni/053011`), page.click('#mappa a[href="/comuni/053011"]')]);
  assert.equal(await page.textContent('h1'), 'Grosseto');
});

test('export the filtered comuni as CSV for Excel', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/comuni?provincia=PO`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  assert.equal(download.suggestedFilename(), 'comuni.csv');
  const text = readFileSync(await download.path(), 'utf8');
  assert.ok(text.startsWith('\ufeff'), 'UTF-8 BOM for Excel');
  const lines = text.trim().split('\r\n');
  assert.equal(lines.length, 8, 'header and the 7 comuni of Prato');
  assert.match(lines[0], /^\ufeff?Codice ISTAT;Comune;Provincia;/);
});
