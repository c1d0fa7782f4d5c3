// Office documents in and out: upload a DOCX plan, watch the reading's progress page, correct
// the preview, save; download the plan report as DOCX and ODT. The server runs with
// PIAZZA_ATTESA_ELABORAZIONE_MS=0 (run.sh), so long work always shows its progress page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { BASE, SHOTS, launch, newPage, login, axe } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// A zip written here (deflated entries, CRC-32), enough for a DOCX as Word writes one.
const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (b) => { let c = 0xffffffff; for (const x of b) c = CRC[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
function zip(files) {
  const parts = []; const central = []; let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8'); const packed = deflateRawSync(data); const n = Buffer.from(name);
    const head = Buffer.alloc(30); head.writeUInt32LE(0x04034b50, 0); head.writeUInt16LE(20, 4); head.writeUInt16LE(0x800, 6);
    head.writeUInt16LE(8, 8); head.writeUInt32LE(crc32(data), 14); head.writeUInt32LE(packed.length, 18);
    head.writeUInt32LE(data.length, 22); head.writeUInt16LE(n.length, 26);
    const cd = Buffer.alloc(46); cd.writeUInt32LE(0x02014b50, 0); cd.writeUInt16LE(20, 4); cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x800, 8); cd.writeUInt16LE(8, 10); cd.writeUInt32LE(crc32(data), 16); cd.writeUInt32LE(packed.length, 20);
    cd.writeUInt32LE(data.length, 24); cd.writeUInt16LE(n.length, 28); cd.writeUInt32LE(offset, 42);
    parts.push(head, n, packed); central.push(cd, n); offset += 30 + n.length + packed.length;
  }
  const size = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22); end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(central.length / 2, 8);
  end.writeUInt16LE(central.length / 2, 10); end.writeUInt32LE(size, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const para = (style, text, num) => `<w:p><w:pPr>${style ? `<w:pStyle w:val="${style}"/>` : ''}${num ? '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>' : ''}</w:pPr><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
// A plan as an office writes it in Word: Italian heading styles, a numbered list per area.
const DOCX = zip({
  '[Content_Types].xml': `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/></Types>`,
  '_rels/.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
  'word/_rels/document.xml.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>`,
  'word/styles.xml': `<?xml version="1.0" encoding="UTF-8"?><w:styles ${W}><w:style w:type="paragraph" w:styleId="Titolo1"><w:name w:val="heading 1"/></w:style><w:style w:type="paragraph" w:styleId="Titolo2"><w:name w:val="heading 2"/></w:style><w:style w:type="paragraph" w:styleId="Titolo3"><w:name w:val="heading 3"/></w:style><w:style w:type="paragraph" w:styleId="Paragrafoelenco"><w:name w:val="List Paragraph"/></w:style></w:styles>`,
  'word/numbering.xml': `<?xml version="1.0" encoding="UTF-8"?><w:numbering ${W}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`,
  'word/document.xml': `<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${[
    para('Titolo1', 'Programma di lavoro 2019'),
    para('Titolo2', 'Innovazione nei comuni'),
    para(null, 'Il programma accompagna i comuni nella transizione digitale.'),
    para('Titolo3', 'Obiettivi strategici'),
    para('Paragrafoelenco', 'Portare i servizi dei piccoli comuni in rete;', true),
    para('Paragrafoelenco', 'Formare i responsabili della transizione digitale.', true),
    para('Titolo2', 'Ambiente e territorio'),
    para('Titolo3', 'Obiettivi strategici'),
    para('Paragrafoelenco', 'Sostenere i piani comunali per il clima', true),
  ].join('')}</w:body></w:document>`,
});

test('upload a DOCX plan, see its progress page, correct the preview, save; the report as DOCX and ODT', async () => {
  const page = await newPage(browser);
  await login(page, 'segreteria@piazza.demo');
  await page.goto(`${BASE}/piano/importa`);
  await page.fill('#anno', '2019');
  await page.setInputFiles('#file', {
    name: 'programma-2019.docx',
    mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    buffer: DOCX,
  });
  await Promise.all([page.waitForURL(/\/elaborazioni\/\w+$/), page.click('button:has-text("Anteprima")')]);
  const lavoro = page.url();
  // The progress page polls and reloads onto the outcome: the preview at the work's address.
  await page.waitForSelector('#riepilogo-anteprima', { timeout: 30000 });
  assert.equal(page.url(), lavoro, 'the outcome is at the address of the work (survives a reload)');
  assert.match(await page.textContent('#riepilogo-anteprima'), /Trovate 2 aree/);
  assert.match(await page.textContent('main'), /trovati sotto «Obiettivi strategici»/);
  await page.reload();
  assert.match(await page.textContent('#riepilogo-anteprima'), /Trovate 2 aree/, 'after a reload too');
  assert.equal(await page.inputValue('#titolo'), 'Programma di lavoro 2019');
  assert.equal(await page.inputValue('#area_0_titolo'), 'Innovazione nei comuni');
  assert.equal(await page.inputValue('#area_0_obiettivi'),
    'Portare i servizi dei piccoli comuni in rete\nFormare i responsabili della transizione digitale');
  const violations = await axe(page);
  assert.deepEqual(violations, [], violations.join('\n'));
  await page.screenshot({ path: `${SHOTS}documenti-anteprima-docx.png`, fullPage: true });
  await page.fill('#area_1_titolo', 'Ambiente, clima e territorio');
  await Promise.all([page.waitForURL(`${BASE}/piano/2019`), page.click('button:has-text("Salva il piano")')]);
  assert.match(await page.textContent('main'), /2\. Ambiente, clima e territorio/);
  assert.match(await page.textContent('main'), /Sostenere i piani comunali per il clima/);

  for (const [formato, firma] of [['docx', 'PK'], ['odt', 'PK'], ['pdf', '%PDF-']]) {
    const link = page.locator(`a[href="/piano/2019/relazione.${formato}"]`);
    assert.equal(await link.count(), 1, `the ${formato} link`);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), `relazione-piano-2019.${formato}`);
    const chunks = [];
    for await (const c of await download.createReadStream()) chunks.push(c);
    const bytes = Buffer.concat(chunks);
    assert.ok(bytes.subarray(0, firma.length).toString('latin1') === firma, `${formato} starts with ${firma}`);
    if (formato === 'odt') assert.ok(bytes.includes('application/vnd.oasis.opendocument.text'), 'the ODT mimetype');
  }
});

test('a corrupted DOCX gets its Italian message on the page of its reading', async () => {
  const page = await newPage(browser);
  await login(page, 'segreteria@piazza.demo');
  await page.goto(`${BASE}/piano/importa`);
  await page.fill('#anno', '2023');
  await page.setInputFiles('#file', { name: 'rotto.docx', mimeType: 'application/octet-stream', buffer: DOCX.subarray(0, 200) });
  await Promise.all([page.waitForURL(/\/elaborazioni\/\w+$/), page.click('button:has-text("Anteprima")')]);
  await page.waitForSelector('#errori-import', { timeout: 30000 });
  assert.match(await page.textContent('#errori-import'), /danneggiato/);
  const violations = await axe(page);
  assert.deepEqual(violations, [], violations.join('\n'));
});
