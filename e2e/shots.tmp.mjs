import { launch, newPage, login } from './tests/helpers.mjs';
const BASE = 'http://127.0.0.1:8091';
const b = await launch();
const p = await newPage(b);
const shots = process.argv.slice(2);
let logged = false;
for (const spec of shots) {
  const [name, path, who] = spec.split('|');
  if (who && !logged) { process.env.PIAZZA_URL = BASE; await login(p, who); logged = true; }
  await p.goto(BASE + path);
  await p.screenshot({ path: `/tmp/shot-${name}.png`, fullPage: true });
}
await b.close();
