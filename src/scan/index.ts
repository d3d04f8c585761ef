/** The scanner's library API. See docs/scan.md. */
export { scanTarget, scanTargets, DEFAULT_SCAN_OPTIONS, type ScanOptions, type ScanManyOptions } from './scan.js';
export { parseTarget, SCHEMES, type ParsedTarget } from './target.js';
export { renderScanText } from './text.js';
export * from '../model/index.js';
