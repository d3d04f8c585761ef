export * from './file.js';
export * from './runner.js';
export * from './progress.js';
export * from './scan-one.js';
export * from './http-probe.js';
export * from './client-auth-probe.js';
export { readJournal, inventoryHash, MAX_JOURNAL_BYTES } from './journal.js';
