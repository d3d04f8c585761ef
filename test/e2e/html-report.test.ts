import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { scanLab } from '../../src/lab/index.js';
import { renderHtml, type ReportDocument } from '../../src/report/index.js';
import { scanTarget } from '../../src/scan/index.js';
import { ROOT } from './helpers.js';

/** Kept as a CI artifact (test-output/ is gitignored). */
const OUT = join(ROOT, 'test-output');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let browser: Browser;
let report: ReportDocument;
let file: string;

before(async () => {
  const run = await scanLab({ scanTarget: (t, o) => scanTarget(t, { ...o, timeoutMs: 10_000 }) });
  report = run.report;
  mkdirSync(OUT, { recursive: true });
  file = join(OUT, 'mitmguard-report.html');
  writeFileSync(file, renderHtml(report));
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
});

test('the HTML report renders in headless Chromium with the summary, the charts and the findings, making no request', { timeout: 120_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`file://${file}`);

  assert.deepEqual(requests.filter((u) => !u.startsWith('file://')), [], 'no request leaves the file');
  assert.deepEqual(errors, [], 'no script error, no CSP violation');

  // Summary: the overall grade and one card per pillar, with the grades the report computed.
  assert.equal((await page.locator('#overall-grade .grade').textContent())?.trim(), report.report.grades.overall);
  const cards = page.locator('#summary .card.pillar');
  assert.equal(await cards.count(), 4);
  assert.equal((await page.locator('[data-pillar="certificates"] .grade').first().textContent())?.trim(), 'T');
  assert.equal((await page.locator('[data-pillar="encryption"] .grade').first().textContent())?.trim(), 'F');

  // Charts: drawn SVGs with real size, one donut arc per non-zero severity, one timeline bar per certificate.
  for (const id of ['#chart-severity', '#chart-pillars', '#cert-timeline']) {
    const box = await page.locator(id).boundingBox();
    assert.ok(box && box.width > 200 && box.height > 80, `${id} is drawn (${JSON.stringify(box)})`);
  }
  const arcs = await page.locator('#chart-severity circle[stroke-dasharray]').count();
  assert.equal(arcs, Object.values(report.report.summary.bySeverity).filter((n) => n > 0).length);
  assert.equal(await page.locator('#cert-timeline rect.cert-bar').count(), report.report.certificates.length);

  // A finding: expand the expired certificate and read its remediation.
  const expired = page.locator('details.finding[data-id="policy.cert.expired"]');
  assert.equal(await expired.count(), 1);
  await expired.locator('summary').click();
  assert.ok(await expired.locator('dd').last().isVisible());
  assert.match((await expired.textContent()) ?? '', /Renew the certificate now/);

  // The filter narrows the list to matching findings.
  await page.fill('#filter', 'pin-mismatch-that-does-not-exist');
  assert.equal(await page.locator('details.finding:visible').count(), 0);
  await page.fill('#filter', 'policy.cert.expired');
  assert.equal(await page.locator('details.finding:visible').count(), 1);
  await page.fill('#filter', '');

  await page.screenshot({ path: join(OUT, 'html-report.png'), fullPage: true });
  await page.close();
});
