/**
 * Benchmark: a full-table-sized TABLE_DUMP_V2 file (default 250,000 prefixes × 4 peers = 1,000,000 routes, generated
 * with realistic paths and communities by our MRT writer) decoded by mitmguard and by `bgpdump -m` in one run, and
 * every route validated against a 500,000-VRP set. Prints the ratios and writes bench/results/bgp.json. A script, not
 * a test; run `npm run build` first (the CLI is timed as `node bin/mitmguard.js`).
 *
 *   npx tsx bench/bgp/run.ts [--prefixes 250000] [--peers 4] [--vrps 500000]
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { mrtEvents } from '../../src/bgp/events.js';
import { readMrtFile } from '../../src/bgp/mrt-reader.js';
import { encodePeerIndexTable, encodeRibRecord } from '../../src/bgp/mrt-writer.js';
import { RovTable } from '../../src/bgp/rov.js';
import type { Vrp } from '../../src/bgp/vrp.js';
import type { Prefix } from '../../src/bgp/prefix.js';

const run = promisify(execFile);
const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const PREFIXES = arg('--prefixes', 250_000);
const PEERS = arg('--peers', 4);
const VRPS = arg('--vrps', 500_000);

let seed = 0x2545f491;
const rnd = () => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed / 2 ** 32; };
const pick = (n: number) => Math.floor(rnd() * n);
const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

/** Prefix i of the table: IPv4 /16–/24 spread over the space (as a real table is), host bits zero. */
function prefixOf(i: number): Prefix {
  const length = [24, 24, 24, 24, 23, 22, 22, 21, 20, 19, 18, 16][i % 12]!;
  const v = (Math.imul(i + 1, 2654435761) >>> 0) & (length === 32 ? 0xffffffff : ~((1 << (32 - length)) - 1));
  return { afi: 4, bytes: Uint8Array.from([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]), length };
}
const originOf = (i: number) => 64512 + (i % 900);

function generateTable(file: string): number {
  const fd = openSync(file, 'w');
  const peers = Array.from({ length: PEERS }, (_, p) => ({ bgpId: `198.18.0.${p + 1}`, address: `198.18.0.${p + 1}`, asn: 64600 + p }));
  writeSync(fd, encodePeerIndexTable(1796000000, '198.18.0.254', 'bench', peers));
  const seen = new Set<string>();
  let routes = 0;
  let batch: Uint8Array[] = [];
  for (let i = 0; i < PREFIXES; i++) {
    const prefix = prefixOf(i);
    const key = `${prefix.bytes.join('.')}/${prefix.length}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const entries = peers.map((p, k) => {
      const transit = Array.from({ length: 1 + pick(4) }, () => 64700 + pick(200));
      return {
        peerIndex: k, originatedTime: 1795990000 + pick(10000),
        attributes: {
          origin: 'IGP' as const,
          asPath: [{ type: 'sequence' as const, asns: [p.asn, ...transit, originOf(i)] }],
          nextHop: p.address,
          ...(rnd() < 0.5 ? { med: pick(1000) } : {}),
          communities: Array.from({ length: pick(4) }, () => (p.asn << 16 >>> 0) + pick(1000)),
        },
      };
    });
    routes += entries.length;
    batch.push(encodeRibRecord(1796000000, i, prefix, entries));
    if (batch.length >= 2000) { writeSync(fd, Buffer.concat(batch)); batch = []; }
  }
  if (batch.length) writeSync(fd, Buffer.concat(batch));
  closeSync(fd);
  return routes;
}

/** VRPs: the table's own prefixes (most with the right origin, some wrong, some with a too-short maxLength) and filler. */
function generateVrps(): Vrp[] {
  const vrps: Vrp[] = [];
  for (let i = 0; vrps.length < VRPS; i++) {
    if (i < PREFIXES * 0.8) {
      const p = prefixOf(i);
      const r = rnd();
      vrps.push({ prefix: p, maxLength: r < 0.05 ? p.length : Math.min(24, p.length + 1), asn: r < 0.1 ? 65000 : originOf(i) });
    } else {
      const p = prefixOf(PREFIXES + i);
      vrps.push({ prefix: p, maxLength: 24, asn: 64512 + pick(1000) });
    }
  }
  return vrps;
}

async function timeProcess(cmd: string, args: string[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  await new Promise<void>((res, rej) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    c.on('error', rej);
    c.on('close', (code) => (code === 0 ? res() : rej(new Error(`${cmd} exited ${code}`))));
  });
  return seconds(t0);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mitmguard-bench-bgp-'));
  try {
    const file = join(dir, 'table.mrt');
    let t0 = process.hrtime.bigint();
    const routes = generateTable(file);
    const bytes = statSync(file).size;
    process.stderr.write(`table: ${routes} routes, ${(bytes / 1e6).toFixed(1)} MB, written in ${seconds(t0).toFixed(1)} s\n`);
    const vrps = generateVrps();
    writeFileSync(join(dir, 'vrps.json'), JSON.stringify({ roas: vrps.map((v) => ({ asn: `AS${v.asn}`, prefix: `${v.prefix.bytes.join('.')}/${v.prefix.length}`, maxLength: v.maxLength, ta: 'bench' })) }));

    // 1. bgpdump -m, the reference decoder, printing every route.
    const bgpdumpS = await timeProcess('bgpdump', ['-m', '-O', '/dev/null', file]);
    // 2. Our CLI printing the same lines (`bgp dump`), and our CLI checking every route against the VRPs.
    const cliDumpS = await timeProcess(process.execPath, [join(ROOT, 'bin/mitmguard.js'), 'bgp', 'dump', file]);
    const cliCheckS = await timeProcess(process.execPath, [join(ROOT, 'bin/mitmguard.js'), 'bgp', 'check', file, '--vrps', join(dir, 'vrps.json'), '--format', 'json']);
    // 3. In process: decode every route and validate it (RFC 6811), then the lookups alone.
    t0 = process.hrtime.bigint();
    const table = new RovTable(vrps, vrps.length);
    table.freeze();
    const buildS = seconds(t0);
    const states = [0, 0, 0, 0];
    const keep: Prefix[] = [];
    const origins: number[] = [];
    let decoded = 0;
    t0 = process.hrtime.bigint();
    for await (const rec of readMrtFile(file)) {
      for (const e of mrtEvents(rec)) {
        if (e.type !== 'announce') continue;
        decoded++;
        states[table.validateCode(e.prefix.afi, e.prefix.bytes, e.prefix.length, e.origin)]!++;
        if (keep.length < 1_000_000) { keep.push(e.prefix); origins.push(e.origin ?? 0); }
      }
    }
    const decodeValidateS = seconds(t0);
    const rounds = 3;
    t0 = process.hrtime.bigint();
    let sink = 0;
    for (let r = 0; r < rounds; r++) for (let i = 0; i < keep.length; i++) sink += table.validateCode(4, keep[i]!.bytes, keep[i]!.length, origins[i]);
    const lookupS = seconds(t0);
    const lookupsPerS = (rounds * keep.length) / lookupS;
    const rss = process.memoryUsage().rss;

    const result = {
      routes, fileBytes: bytes, vrps: vrps.length,
      bgpdump: { seconds: bgpdumpS, routesPerS: routes / bgpdumpS },
      cliDump: { seconds: cliDumpS, routesPerS: routes / cliDumpS, ratioVsBgpdump: bgpdumpS / cliDumpS },
      cliCheck: { seconds: cliCheckS, routesPerS: routes / cliCheckS, ratioVsBgpdump: bgpdumpS / cliCheckS },
      inProcess: { decodeAndValidateSeconds: decodeValidateS, routesPerS: decoded / decodeValidateS, ratioVsBgpdump: bgpdumpS / decodeValidateS, rovBuildSeconds: buildS, states: { valid: states[0], invalidAs: states[1], invalidLength: states[2], notFound: states[3] } },
      rov: { lookups: rounds * keep.length, lookupsPerS, sink },
      rssMB: Math.round(rss / 1e6),
    };
    const line = (k: string, s: number, extra = '') => process.stdout.write(`${k.padEnd(44)} ${s.toFixed(2).padStart(7)} s  ${(routes / s / 1e6).toFixed(2)} M routes/s${extra}\n`);
    line('bgpdump -m (to /dev/null)', bgpdumpS);
    line('mitmguard bgp dump (CLI, same lines)', cliDumpS, `  ratio ${(bgpdumpS / cliDumpS).toFixed(2)}x bgpdump`);
    line('mitmguard bgp check --vrps (CLI)', cliCheckS, `  ratio ${(bgpdumpS / cliCheckS).toFixed(2)}x bgpdump`);
    line('in process: decode + RFC 6811 every route', decodeValidateS, `  ratio ${(bgpdumpS / decodeValidateS).toFixed(2)}x bgpdump`);
    process.stdout.write(`ROV lookups alone: ${(lookupsPerS / 1e6).toFixed(2)} M/s over ${vrps.length} VRPs (build ${buildS.toFixed(2)} s); states ${JSON.stringify(result.inProcess.states)}; rss ${result.rssMB} MB\n`);
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/bgp.json'), JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2) + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void run;
await main();
