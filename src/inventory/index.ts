export * from './file.js';
export * from './runner.js';
export * from './progress.js';
export * from './scan-one.js';
export { readJournal, inventoryHash, MAX_JOURNAL_BYTES } from './journal.js';
