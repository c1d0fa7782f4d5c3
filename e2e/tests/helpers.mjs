// Shared helpers of the browser specs: launch Debian's Chromium (never a downloaded browser),
// log in, run axe-core.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const BASE = process.env.PIAZZA_URL ?? 'http://127.0.0.1:8090';
export const PASSWORD = 'piazza-demo-2026';
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const SHOTS = new URL('../screenshots/', import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A page in a fresh context. axe-core is injected as an inline script, which Piazza's
 * Content-Security-Policy forbids: those contexts bypass the CSP (`{ bypassCSP: true }`); the
 * CSP spec (csp.test.mjs) runs with the policy on and listens for its violations.
 */
export async function newPage(browser, { bypassCSP = true } = {}) {
  const context = await browser.newContext({ acceptDownloads: true, locale: 'it-IT', viewport: { width: 1280, height: 900 }, bypassCSP });
  return context.newPage();
}

export async function login(page, email) {
  await page.goto(`${BASE}/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${BASE}/`), page.click('button[type=submit]:has-text("Accedi")')]);
}

/** Runs axe-core (WCAG 2.x A/AA rules) and returns the serious and critical violations. */
export async function axe(page) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

/** The Maildir aiosmtpd writes to (set by run.sh). */
export const MAILDIR = process.env.PIAZZA_MAILDIR;

/** Every message in the Maildir: lower-cased unfolded headers and the decoded body. */
export function posta() {
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

export async function attendi(cond, what, ms = 30000) {
  const t0 = Date.now();
  for (;;) {
    const m = posta().filter(cond);
    if (m.length) return m[m.length - 1];
    if (Date.now() - t0 > ms) throw new Error(`no message: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const link = (body, prefix) => body.slice(body.indexOf(prefix)).split(/\s/)[0];
