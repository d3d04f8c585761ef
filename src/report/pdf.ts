/**
 * `--format pdf`: the HTML report printed to PDF by a headless Chromium (print media, so every finding is open and the
 * executive summary is a page of its own). I/O: it starts a browser, so it lives apart from the pure renderers, and
 * playwright-core is loaded only here, on first use.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MitmError } from '../errors.js';

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** The Debian package that provides it, named in the error when it is missing. */
export const CHROMIUM_PACKAGE = 'chromium';
/** A browser that makes no request of its own: no sandbox (containers, root), no GPU, no updates, no sync. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] as const;
/** The longest a PDF may take to render before MG_ERR_TIMEOUT. */
export const PDF_TIMEOUT_MS = 60_000;

export interface PdfOptions {
  /** The Chromium binary; CHROMIUM_PATH by default. */
  executablePath?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * Print an HTML page to PDF (A4, backgrounds on) in a fresh headless Chromium profile, removed afterwards.
 *
 * @example writeFileSync('report.pdf', await renderPdf(renderHtml(report)))
 */
export async function renderPdf(html: string, opts: PdfOptions = {}): Promise<Uint8Array> {
  const executablePath = opts.executablePath ?? CHROMIUM_PATH;
  if (!existsSync(executablePath)) {
    throw new MitmError(
      'MG_ERR_UNSUPPORTED',
      `--format pdf needs Chromium at ${executablePath}, which is not installed: install the Debian package ${CHROMIUM_PACKAGE} (apt-get install --no-install-recommends ${CHROMIUM_PACKAGE}), or write --format html and print that`,
      { details: { executablePath, package: CHROMIUM_PACKAGE } },
    );
  }
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (err) {
    throw new MitmError('MG_ERR_UNSUPPORTED', '--format pdf needs the npm package playwright-core (a dependency of mitmguard): run `npm ci`', { cause: err });
  }
  if (opts.signal?.aborted) throw new MitmError('MG_ERR_ABORTED', 'the PDF was not rendered: cancelled');
  const profile = mkdtempSync(join(tmpdir(), 'mitmguard-pdf-'));
  const timeout = opts.timeoutMs ?? PDF_TIMEOUT_MS;
  let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
  const onAbort = () => void context?.close();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // A persistent context is how playwright takes a --user-data-dir: a fresh, empty one per PDF.
    context = await chromium.launchPersistentContext(profile, { executablePath, args: [...CHROMIUM_ARGS], headless: true, timeout, offline: true });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.setContent(html, { waitUntil: 'load', timeout });
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
    return new Uint8Array(pdf);
  } catch (err) {
    if (opts.signal?.aborted) throw new MitmError('MG_ERR_ABORTED', 'the PDF was not rendered: cancelled', { cause: err });
    throw new MitmError('MG_ERR_IO', `Chromium could not print the report to PDF (${(err as Error).message.split('\n')[0]})`, { cause: err });
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await context?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}
