// Piano: import a plan document with its editable preview, record progress, see the roll-up
// change, and read the public accountability page logged out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, SHOTS, launch, newPage, login, axe } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// A plan as exported from a word processor: title repeated as page header, numbered headings
// with decorations, bullets, an item wrapped over two lines.
const DOC = `PIANO DI ATTIVITÀ 2021

1. ★ Servizi ai comuni ★

Nel 2021 l'associazione rafforza i servizi.

Obiettivi:
• Aprire lo sportello unico per i bandi;
• Formare il personale dei comuni
  della costa;
• Riorganizzare il catalogo.

PIANO DI ATTIVITÀ 2021

2. Eventi

Obiettivi:
1) Assemblea annuale in presenza.
`;

const percent = async (page, sel) => Number((await page.textContent(sel)).match(/(\d+)%/)?.[1] ?? NaN);

test('import a plan with the preview, add an update, see the roll-up change, read it logged out', async () => {
  const page = await newPage(browser);
  await login(page, 'segreteria@piazza.demo');
  await page.goto(`${BASE}/piano/importa`);
  await page.fill('#anno', '2021');
  await page.setInputFiles('#file', { name: 'piano-2021.txt', mimeType: 'text/plain', buffer: Buffer.from(DOC) });
  // The reading is long work: its progress page, then the preview at the same address.
  await Promise.all([page.waitForURL(/\/elaborazioni\/\w+$/), page.click('button:has-text("Anteprima")')]);
  await page.waitForSelector('#riepilogo-anteprima', { timeout: 30000 });
  assert.match(await page.textContent('#riepilogo-anteprima'), /Trovate 2 aree/);
  assert.equal(await page.inputValue('#area_0_titolo'), 'Servizi ai comuni');
  assert.match(await page.inputValue('#area_0_obiettivi'), /Formare il personale dei comuni della costa/);
  // Correct the preview: rename the second area, drop an objective of the first.
  await page.fill('#area_1_titolo', 'Incontri e assemblea');
  await page.fill('#area_0_obiettivi', 'Aprire lo sportello unico per i bandi\nFormare il personale dei comuni della costa');
  await page.screenshot({ path: `${SHOTS}piano-anteprima.png`, fullPage: true });
  await Promise.all([page.waitForURL(`${BASE}/piano/2021`), page.click('button:has-text("Salva il piano")')]);
  assert.match(await page.textContent('h1'), /Piano di attività 2021/);
  assert.match(await page.textContent('main'), /2\. Incontri e assemblea/);
  assert.doesNotMatch(await page.textContent('main'), /Riorganizzare il catalogo/);
  assert.equal(await percent(page, '#progresso-piano'), 0, 'three objectives not started');

  // Record an update that completes the first objective: the plan goes to 1/3.
  await page.click('text=Aprire lo sportello unico per i bandi');
  await page.fill('#testo', 'Sportello aperto e presentato ai comuni.');
  await page.selectOption('#nuovo_stato', 'completato');
  await Promise.all([page.waitForURL(/\/piano\/obiettivi\/\w+/), page.click('button:has-text("Aggiungi aggiornamento")')]);
  assert.match(await page.textContent('#timeline'), /Sportello aperto e presentato ai comuni/);
  assert.match(await page.textContent('#avanzamento-obiettivo'), /100%/);
  await page.screenshot({ path: `${SHOTS}piano-obiettivo.png`, fullPage: true });
  await page.goto(`${BASE}/piano/2021`);
  assert.equal(await percent(page, '#progresso-piano'), 33);
  assert.match(await page.textContent('#elenco-aggiornamenti'), /Sportello aperto/);

  // Logged out: the public page shows the same progress and the update, no staff links.
  const anon = await newPage(browser);
  await anon.goto(`${BASE}/piano/2021`);
  assert.equal(await percent(anon, '#progresso-piano'), 33);
  assert.match(await anon.textContent('#elenco-aggiornamenti'), /Sportello aperto/);
  assert.equal(await anon.locator('#azioni-piano').count(), 0);
  await anon.screenshot({ path: `${SHOTS}piano-pubblico-2021.png`, fullPage: true });
  const violations = await axe(anon);
  assert.deepEqual(violations, [], violations.join('\n'));
});

test('the demo plan: indicators as charts, dashboard and political calendar for staff', async () => {
  const anon = await newPage(browser);
  await anon.goto(`${BASE}/piano/2020`);
  assert.ok(await anon.locator('svg.sparkline').count() >= 7, 'one chart per indicator');
  const page = await newPage(browser);
  await login(page, 'segreteria@piazza.demo');
  await page.goto(`${BASE}/piano/2020/cruscotto?al=15/11/2020`);
  assert.match(await page.textContent('h1'), /Cruscotto del piano 2020/);
  assert.ok(Number(await page.textContent('#conta-scaduti')) >= 1);
  assert.ok(Number(await page.textContent('#conta-rischio-legislatura')) >= 1);
  await page.screenshot({ path: `${SHOTS}piano-cruscotto.png`, fullPage: true });
  for (const path of ['/piano/2020/cruscotto', '/piano/calendario']) {
    await page.goto(`${BASE}${path}`);
    const violations = await axe(page);
    assert.deepEqual(violations, [], `${path}:\n${violations.join('\n')}`);
  }
  const [download] = await Promise.all([page.waitForEvent('download'), page.evaluate(() => {
    const a = document.createElement('a'); a.href = '/piano/2020/relazione.pdf'; document.body.append(a); a.click();
  })]);
  assert.equal(download.suggestedFilename(), 'relazione-piano-2020.pdf');
});
