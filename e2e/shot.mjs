import { launch, newPage, login, BASE, axe } from './tests/helpers.mjs';
const b = await launch(); const p = await newPage(b);
await login(p, 'segreteria@piazza.demo');
const pages = process.argv.slice(2);
for (const u of pages) {
  const r = await p.goto(BASE + u);
  const name = u.replace(/[^a-z0-9]+/gi, '_');
  await p.screenshot({ path: `/tmp/shot${name}.png`, fullPage: true });
  console.log(u, r.status(), (await axe(p)).join('\n'));
}
await b.close();
