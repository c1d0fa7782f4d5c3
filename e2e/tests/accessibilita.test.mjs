import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, SHOTS, launch, newPage, axe, login } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PAGES = [
  ['home', '/'],
  ['login', '/login'],
  ['comuni', '/comuni'],
  ['comune', '/comuni/048017'],
  ['mappa', '/mappa'],
  ['zone', '/zone-allerta'],
  ['piano', '/piano/2020'],
];

for (const [name, path] of PAGES) {
  test(`axe-core: no serious or critical violations on ${path}`, async () => {
    const page = await newPage(browser);
    await page.goto(`${BASE}${path}`);
    const violations = await axe(page);
    await page.screenshot({ path: `${SHOTS}axe-${name}.png` });
    assert.deepEqual(violations, [], violations.join('\n'));
  });
}

test('axe-core on the reserved pages of a logged-in user', async () => {
  const page = await newPage(browser);
  await login(page, 'admin@piazza.demo');
  for (const path of ['/persone', '/amministratori', '/organizzazioni/nuova', '/admin/audit']) {
    await page.goto(`${BASE}${path}`);
    const violations = await axe(page);
    assert.deepEqual(violations, [], `${path}:\n${violations.join('\n')}`);
  }
});
