/**
 * The report for leadership (issue 16, case 15) in the real browser: the executive summary with owners and the trend,
 * the grade legend on the page, "why these grades" summarised per defence with the detail one click away, the print
 * stylesheet opening every finding, and `--format pdf` through headless Chromium, turned into PNG pages by pdftoppm
 * (poppler-utils) and read back with pdftotext.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { scanLab } from '../../src/lab/index.js';
import { loadPolicy } from '../../src/policy/file.js';
import { buildReport, executiveSummary, previousRun, renderHtml, type ReportDocument } from '../../src/report/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, renderPdf } from '../../src/report/pdf.js';
import { scanTarget } from '../../src/scan/index.js';
import { ROOT, runCli } from './helpers.js';

/** Kept as a CI artifact (test-output/ is gitignored). */
const OUT = join(ROOT, 'test-output', 'contracts-report');

let browser: Browser;
let report: ReportDocument;
let file: string;
/** Owner per lab endpoint name, as an inventory would give them. */
const OWNERS: Record<string, string> = { legacy: 'web-team', expired: 'platform-team', 'plain-http': 'web-team', 'smtp-plaintext': 'mail-ops', 'mtls-requested': 'api-gateway' };

before(async () => {
  const run = await scanLab({ scanTarget: (t, o) => scanTarget(t, { ...o, timeoutMs: 10_000 }) });
  const names = Object.fromEntries(run.report.report.targets.filter((t) => t.name).map((t) => [t.target, t.name!]));
  const owners = Object.fromEntries(run.report.report.targets.map((t) => [t.target, OWNERS[t.name ?? ''] ?? 'infra-team']));
  // The same scan under modern is "last week's" report: the trend compares intermediate now with it.
  const previous = buildReport(run.report, loadPolicy('modern'), { names, owners });
  report = buildReport(run.report, loadPolicy('intermediate'), { names, owners });
  report.report.previous = previousRun(JSON.parse(JSON.stringify(previous)));
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  file = join(OUT, 'report.html');
  writeFileSync(file, renderHtml(report));
  writeFileSync(join(OUT, 'report.json'), JSON.stringify(report, null, 2));
  writeFileSync(join(OUT, 'previous.json'), JSON.stringify(previous, null, 2));
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
});
after(async () => {
  await browser?.close();
});

test('the executive summary opens the page: grade per defence with its trend, top five risks with their owners', { timeout: 120_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`file://${file}`);
  const exec = page.locator('#executive');
  assert.equal(await exec.locator('.card.pillar').count(), 4);
  assert.equal((await exec.locator('[data-pillar="certificates"] .grade').first().textContent())?.trim(), 'T');
  // Five risks, most severe first, each naming its owner from the inventory.
  const risks = exec.locator('ol.risks li');
  assert.equal(await risks.count(), 5);
  const firstIds = await risks.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
  const top = executiveSummary(report).topRisks.map((x) => x.finding);
  assert.deepEqual(firstIds, top.map((f) => f.id));
  assert.equal(new Set(top.map((f) => f.target)).size, 5, 'five risks on five targets, not one broken client five times');
  assert.equal(top[0], report.report.findings[0], 'the worst finding leads');
  for (let i = 0; i < 5; i++) {
    const f = top[i]!;
    const owner = report.report.targets.find((t) => t.target === f.target)!.owner!;
    assert.match((await risks.nth(i).textContent()) ?? '', new RegExp(`owner ${owner}`));
  }
  // The trend against the previous report (modern graded the same scan, so some grades moved up).
  assert.match((await page.locator('#trend-note').textContent()) ?? '', /Compared with the report of \d{4}-\d\d-\d\d: overall/);
  assert.ok((await exec.locator('.trend').count()) >= 1, 'a trend badge beside a grade');
  await page.close();
});

test('the grade legend explains every grade on the page, T included, and the footer has no relative docs link', { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  await page.goto(`file://${file}`);
  const rows = page.locator('#legend tr');
  assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-grade'))), ['A+', 'A', 'B', 'F', 'T', 'n/a']);
  assert.match((await page.locator('#legend tr[data-grade="T"]').textContent()) ?? '', /trust failure: the certificate is not trusted/);
  const hrefs = await page.locator('a[href]').evaluateAll((els) => els.map((e) => e.getAttribute('href')!));
  assert.deepEqual(hrefs.filter((h) => !/^(https?:|#)/.test(h)), [], 'every link is absolute or on the page');
  await page.close();
});

test('owners appear in the target table and on every finding', { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  await page.goto(`file://${file}`);
  const legacy = report.report.targets.find((t) => t.name === 'legacy')!;
  const row = page.locator('#targets tr', { hasText: legacy.target });
  assert.equal((await row.locator('td.owner').textContent())?.trim(), 'web-team');
  const owners = await page.locator('details.finding summary .owner').allTextContents();
  assert.equal(owners.length, report.report.findings.length);
  assert.ok(owners.every((o) => o.length > 0 && o !== 'no owner'));
  await page.close();
});

test('"why these grades" is one short list per defence; the per-target caps are one click away', { timeout: 60_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`file://${file}`);
  const why = page.locator('#why .card.why');
  assert.ok((await why.count()) >= 2);
  const details = page.locator('#why details.caps[data-pillar="certificates"]');
  const table = details.locator('table');
  assert.equal(await table.isVisible(), false, 'collapsed at first');
  await details.locator('summary').click();
  assert.equal(await table.isVisible(), true);
  assert.ok((await table.locator('tr').count()) > 1);
  await page.close();
});

test('print media opens every finding (even when filtered on screen); the screen keeps them collapsed', { timeout: 60_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`file://${file}`);
  const bodies = page.locator('details.finding .body');
  const n = report.report.findings.length;
  assert.equal(await bodies.count(), n);
  // checkVisibility: laid out, not display:none, and not inside a collapsed <details> (content-visibility: hidden).
  const visible = async () => (await bodies.evaluateAll((els) => els.map((e) => (e as unknown as { checkVisibility(o: object): boolean }).checkVisibility({ contentVisibilityAuto: true, visibilityProperty: true })))).filter(Boolean).length;
  assert.equal(await visible(), 0, 'on screen every finding starts collapsed');
  await page.fill('#filter', 'policy.cert.expired');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await visible(), n, 'in print every finding shows its evidence and fix');
  await page.close();
});

test('--format pdf: a PDF whose first page is the executive summary and that holds every finding; pdftoppm makes PNG pages', { timeout: 180_000 }, async () => {
  const pdfPath = join(OUT, 'report.pdf');
  const pdf = await renderPdf(renderHtml(report));
  writeFileSync(pdfPath, pdf);
  assert.equal(Buffer.from(pdf.subarray(0, 5)).toString('latin1'), '%PDF-');
  execFileSync('pdftoppm', ['-r', '70', '-png', pdfPath, join(OUT, 'page')]);
  const pages = readdirSync(OUT).filter((f) => /^page-\d+\.png$/.test(f)).sort();
  assert.ok(pages.length >= 2, `pages: ${pages.join(', ')}`);
  for (const p of pages) assert.deepEqual([...readFileSync(join(OUT, p)).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${p} is a PNG`);
  const first = execFileSync('pdftotext', ['-f', '1', '-l', '1', '-layout', pdfPath, '-']).toString();
  assert.match(first, /Executive summary/);
  assert.match(first, /Top 5 risks/);
  assert.match(first, /What the grades mean/);
  assert.match(first, /owner (web-team|platform-team|mail-ops|api-gateway|infra-team)/);
  assert.doesNotMatch(first, /Every finding, with its fix/, 'the summary is a page of its own');
  const all = execFileSync('pdftotext', [pdfPath, '-']).toString();
  // A long id may wrap at a hyphen, which pdftotext then drops as a hyphenation: compare without white space or '-'.
  const squeeze = (t: string) => t.replace(/[\s-]+/g, '');
  const squeezed = squeeze(all);
  for (const f of report.report.findings) assert.ok(squeezed.includes(squeeze(f.id)), `${f.id} is in the PDF`);
  // Each finding prints its evidence heading (open in print), once per finding.
  assert.equal(all.match(/^EVIDENCE$/gm)?.length, report.report.findings.length);
});

test('report --format pdf without Chromium: exit 2 naming the Debian package', { timeout: 60_000 }, async () => {
  const scan = join(OUT, 'report.json');
  const r = await runCli(['report', scan, '--format', 'pdf', '--output', join(OUT, 'never.pdf')], { env: { MITMGUARD_CHROMIUM: join(OUT, 'no-chromium-here') } });
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr.trim(),
    `mitmguard: MG_ERR_UNSUPPORTED: --format pdf needs Chromium at ${join(OUT, 'no-chromium-here')}, which is not installed: install the Debian package chromium (apt-get install --no-install-recommends chromium), or write --format html and print that`,
  );
});
