// `npm run bench [-- AREA...]`: run the per-area benchmarks one after another (each runs its named peer side by side
// with mitmguard and prints the ratio; results land in bench/results/AREA.json). Not a test: nothing here is asserted.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const areas = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`${here}${d.name}/run.ts`))
  .map((d) => d.name)
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((a) => !areas.includes(a));
if (unknown.length) {
  console.error(`bench: unknown area(s) ${unknown.join(', ')}; known: ${areas.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const area of wanted.length ? wanted : areas) {
  console.error(`\n=== bench/${area} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${here}${area}/run.ts`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
