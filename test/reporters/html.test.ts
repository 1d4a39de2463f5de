// The page.evaluate() callbacks run in the browser, on its window and document.
/// <reference lib="dom" />
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import html, { escapeHtml } from '../../src/reporters/html.js';
import { HOSTILE_VALUE, makeReadyRunResult, makeReportContext, makeRunResult } from '../fixtures/run-result.js';
import { findChromium } from '../helpers/chromium.js';

const OUT_DIR = path.resolve('test-output');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('html reporter (static)', () => {
  const out = html(makeRunResult(), makeReportContext());

  it('is self-contained: no external resource of any kind', () => {
    expect(out).not.toMatch(/<(link|iframe|object|embed|img)\b/i);
    expect(out).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(out).not.toMatch(/url\(/i);
    expect(out).not.toMatch(/@import/i);
  });

  it('sets a strict CSP whose script hash matches the one inline script', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(out)?.[1];
    expect(csp).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'unsafe-inline'");
    expect(csp).toContain('img-src data:');
    expect(csp).not.toContain("script-src 'unsafe-inline'");
    const scripts = [...out.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    const hash = createHash('sha256').update(scripts[0]!, 'utf8').digest('base64');
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
  });

  it('escapes every value: an injected script tag appears only as text', () => {
    expect(out).not.toContain(HOSTILE_VALUE);
    expect(out).toContain(escapeHtml(HOSTILE_VALUE));
  });

  it('links only http(s) URLs', () => {
    const result = makeRunResult();
    result.results.find((u) => u.id === 'auth-required')!.helpUrl = 'javascript:alert(1)';
    const page = html(result, makeReportContext());
    expect(page).not.toContain('href="javascript:');
    expect(page).toContain('href="https://prodready.dev/rules/dev-auth-disabled.md"');
    // A docs page shipped with the package is named, not linked.
    expect(page).not.toContain('href="docs/rules/');
    expect(page).toContain('docs: <code>docs/rules/readyz.md</code>');
  });

  it('is the same string for the same result', () => {
    expect(html(makeRunResult(), makeReportContext())).toBe(out);
  });
});

const chromiumFound = findChromium();
if (chromiumFound.missing !== undefined && !chromiumFound.required) {
  process.stderr.write(`\nNOTICE: the HTML report's browser tests are skipped: ${chromiumFound.missing}\n\n`);
}

describe('Chromium for the browser tests', () => {
  // Under CI=true a missing browser fails here instead of skipping the tests below.
  it.runIf(chromiumFound.required)('is found (CI=true)', () => {
    expect(chromiumFound.missing).toBeUndefined();
  });
});

describe.skipIf(chromiumFound.path === undefined)(`html reporter in Chromium${chromiumFound.missing ? ` (skipped: ${chromiumFound.missing})` : ''}`, () => {
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const result = makeRunResult();
  const file = path.join(OUT_DIR, 'report.html');

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(file, html(result, makeReportContext()));
    browser = await chromium.launch({ executablePath: chromiumFound.path!, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    // Anything but the report file itself would be a network reach; refuse it so it shows as an error too.
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
  });

  const visibleUnits = () => page.locator('article.unit:visible');

  it('loads with no console errors, no CSP violation and no request beyond the file', async () => {
    await expect(page.locator('#verdict').textContent()).resolves.toBe('NOT READY');
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
  });

  it('the injected script did not run, and shows as text', async () => {
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await expect(page.locator('#rule-service-starts .msg').textContent()).resolves.toContain(HOSTILE_VALUE);
  });

  it('shows every rule, with location, evidence and remediation', async () => {
    expect(await visibleUnits().count()).toBe(result.results.length);
    await expect(page.locator('#shown').textContent()).resolves.toBe(String(result.results.length));
    const dev = page.locator('#rule-dev-auth-disabled');
    await expect(dev.locator('.where').textContent()).resolves.toBe('.env.production:3:18');
    await expect(dev.textContent()).resolves.toContain('Set DEV_AUTH_ENABLED to "false" (or remove it) in api.env of the production deployment.');
    await expect(page.locator('#rule-api-key-hash-secret ul.evidence').textContent()).resolves.toContain('set, 43 chars, from Secret recsys-api');
    await expect(page.locator('#waivers td').allTextContents()).resolves.toEqual(expect.arrayContaining(['Alice Martin <alice@example.com>', '2026-12-31']));
    await expect(page.locator('#attestations td').allTextContents()).resolves.toEqual(expect.arrayContaining(['Bob Chen', '2027-05-01']));
  });

  it('filters by status: only failing rules after unticking the others', async () => {
    const fails = result.results.filter((u) => u.status === 'fail').length;
    for (const box of await page.locator('#filter-status input[type=checkbox]').all()) {
      if ((await box.getAttribute('value')) !== 'fail') await box.uncheck();
    }
    expect(await visibleUnits().count()).toBe(fails);
    for (const status of await visibleUnits().evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))) expect(status).toBe('fail');
    await expect(page.locator('#shown').textContent()).resolves.toBe(String(fails));
    // A section with no failing rule disappears entirely.
    await expect(page.locator('section.group[data-section="3"]').isVisible()).resolves.toBe(false);
    await page.screenshot({ path: path.join(OUT_DIR, 'report-failing.png'), fullPage: true });
  });

  it('filters by section, combined with status', async () => {
    await page.locator('button[data-preset="all"]').click();
    expect(await visibleUnits().count()).toBe(result.results.length);
    for (const box of await page.locator('#filter-section input[type=checkbox]').all()) {
      if ((await box.getAttribute('value')) !== '1') await box.uncheck();
    }
    const inSection1 = result.results.filter((u) => u.section === 1);
    expect(await visibleUnits().count()).toBe(inSection1.length);
    await page.locator('#filter-status input[value="pass"]').uncheck();
    expect(await visibleUnits().count()).toBe(inSection1.filter((u) => u.status !== 'pass').length);
  });

  it('"needs attention" shows fail, warn, unknown and manual rules in every section', async () => {
    await page.locator('button[data-preset="attention"]').click();
    const expected = result.results.filter((u) => ['fail', 'warn', 'unknown', 'manual'].includes(u.status)).length;
    expect(await visibleUnits().count()).toBe(expected);
    await page.locator('button[data-preset="all"]').click();
    expect(await visibleUnits().count()).toBe(result.results.length);
  });

  it('draws the section bars and the load latency chart as inline SVG', async () => {
    expect(await page.locator('#section-bars rect.bar').count()).toBeGreaterThan(8);
    const buckets = page.locator('#latency-0 rect.bucket');
    expect(await buckets.count()).toBe(7);
    // Bar heights follow the counts: the 100 ms bucket (72) is the tallest.
    const heights = await buckets.evaluateAll((els) => els.map((e) => Number(e.getAttribute('height'))));
    expect(heights.indexOf(Math.max(...heights))).toBe(2);
    await expect(page.locator('#latency-0 .marker').count()).resolves.toBe(3);
    // The imported run has no histogram: its percentiles are charted, the missing p90 said to be unknown.
    expect(await page.locator('#latency-1 rect.percentile').count()).toBe(4);
    await expect(page.locator('#latency-1').textContent()).resolves.toContain('unknown');
    await page.screenshot({ path: path.join(OUT_DIR, 'report.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it('a ready run renders too, without load or waivers', async () => {
    const p2 = await browser.newPage();
    const errors: string[] = [];
    p2.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    p2.on('pageerror', (e) => errors.push(String(e)));
    const f2 = path.join(OUT_DIR, 'report-ready.html');
    writeFileSync(f2, html(makeReadyRunResult(), makeReportContext()));
    await p2.goto(pathToFileURL(f2).href);
    await expect(p2.locator('#verdict').textContent()).resolves.toBe('READY');
    await expect(p2.locator('#waivers').textContent()).resolves.toContain('None.');
    expect(await p2.locator('#load').count()).toBe(0);
    expect(errors).toEqual([]);
    await p2.close();
  });

  it('the CSP is in force: a script injected at run time is refused', async () => {
    const p3 = await browser.newPage();
    await p3.goto(pathToFileURL(file).href);
    const verdict = await p3.evaluate(
      () =>
        new Promise<string>((resolve) => {
          document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true });
          const s = document.createElement('script');
          s.textContent = 'window.__injected = 1';
          document.body.appendChild(s);
          setTimeout(() => resolve('no violation'), 2000);
        }),
    );
    expect(verdict).toBe('script-src-elem');
    expect(await p3.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
    await p3.close();
  });
});
