// Shared helpers of the browser specs: launch Debian's Chromium (never a downloaded browser),
// log in, run axe-core.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
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
