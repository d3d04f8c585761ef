/** The shared vocabulary: imported by every wing, importing nothing of ours but errors and bytes. */
export * from './finding.js';
export * from './error.js';
export * from './tls.js';
export * from './target.js';
export * from './capture.js';
export * from './detector.js';
