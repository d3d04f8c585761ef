// Writes docs/checks.md from the check catalogue. `npm run docs:checks`; a test fails when the page is stale.
import { writeFileSync } from 'node:fs';
import { renderChecksDoc } from '../src/checks/doc.js';
import { catalogue } from '../src/checks/catalogue.js';

const path = new URL('../docs/checks.md', import.meta.url);
writeFileSync(path, renderChecksDoc(catalogue.all()));
console.error(`wrote docs/checks.md (${catalogue.all().length} checks)`);
