/**
 * The client audit as a library: plan the scenarios, start the hostile endpoint, let a client (a command, a device,
 * a proxied program) talk to it, and collect a verdict per scenario. The CLI (`audit-client`) and the embedded lab
 * call these functions.
 *
 * @example
 * const audit = await startAudit({ protocol: 'https' });
 * for (const s of audit.addresses()) console.log(s.scenario, s.url);   // point clients at them
 * const report = await audit.finish();                                  // verdicts, findings; endpoint stopped
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MitmError } from '../errors.js';
import { TOOL_NAME, VERSION } from '../version.js';
import { findingsForResults } from '../checks/audit.js';
import { HostileEndpoint, type EndpointLimits } from './endpoint.js';
import { planScenarios, type PlannedScenario } from './plan.js';
import type { AppProtocol } from './protocols/index.js';
import { createAuditLab, keyPinSha256, type AuditLab } from './scenarios/index.js';
import { upstreamTemplate } from './scenarios/upstream.js';
import { cleanEnvironment, fillCommand, runClient, type Placeholder } from './runner.js';
import { redactCredentials, scrubClientText } from './redact.js';
import { applyBaseline, forgedAccepted, judgeScenario } from './verdict.js';
import type { AuditMode, AuditReport, ClientRunFacts, ScenarioAddress, ScenarioResult } from './types.js';
import type { ClientHelloFacts } from './client-hello.js';


export interface AuditOptions {
  protocol: AppProtocol;
  /** The name certificates are issued for and clients connect to (default `localhost`). */
  host?: string;
  bind?: string;
  /** Whose connections count: the audited client's IP address, `first` or `any` (src/audit/endpoint.ts `client`). */
  clientAddress?: string;
  only?: readonly string[];
  exclude?: readonly string[];
  /** The client pins the baseline key ({pin}): adds the pin-mismatch scenario. */
  pin?: boolean;
  /** Serve every scenario as an explicit HTTP proxy instead of a server. */
  proxy?: boolean;
  limits?: Partial<EndpointLimits>;
  /** The real server's certificate (PEM or DER) for the mimic-upstream scenario to copy. */
  mimic?: string | Uint8Array;
  /** The canary token ({token}); random per run when not given. Only its hash ever appears in reports. */
  token?: string;
  /** Where `ca.pem` and the client HOME go (default: a fresh temp directory, removed by `finish`). */
  workDir?: string;
  /** Serve the scenarios on basePort, basePort+1, … in catalogue order (absent: ephemeral ports). */
  basePort?: number;
  /** A long-running endpoint: keep the newest connection records instead of refusing past the per-scenario limit. */
  keepNewest?: boolean;
}

/** A running audit: the endpoint is up until `finish()` or `stop()`. */
export interface AuditSession {
  readonly lab: AuditLab;
  readonly plan: PlannedScenario[];
  readonly endpoint: HostileEndpoint;
  /** The lab CA certificate (PEM) clients are told to trust. */
  readonly caFile: string;
  readonly homeDir: string;
  readonly token: string;
  /** RFC 7469 SPKI pin of the baseline key. */
  readonly pin: string;
  readonly startedAt: Date;
  addresses(): ScenarioAddress[];
  /** Placeholder values for one scenario (exec mode). */
  placeholders(scenarioId: string): Record<Placeholder, string>;
  /** Judge every scenario from what arrived so far. */
  results(clientRuns?: ReadonlyMap<string, ClientRunFacts>): ScenarioResult[];
  /** Judge, stop the endpoint, remove the temp directory, and return the report. */
  finish(extra?: { mode?: AuditMode; client?: string; clientRuns?: ReadonlyMap<string, ClientRunFacts> }): Promise<AuditReport>;
  /** Stop without judging. Idempotent. */
  stop(): Promise<void>;
}

/** Plan, build the lab, write the CA file, start the endpoint. */
export async function startAudit(options: AuditOptions): Promise<AuditSession> {
  const host = options.host ?? 'localhost';
  if (!/^[A-Za-z0-9.-]{1,253}$|^[0-9a-fA-F:]+$/.test(host)) throw new MitmError('MG_ERR_USAGE', `--host must be a DNS name or an IP address`);
  const plan = planScenarios({ protocol: options.protocol, only: options.only, exclude: options.exclude, pin: options.pin, proxy: options.proxy });
  const lab = createAuditLab(host, options.mimic === undefined ? {} : { upstream: upstreamTemplate(options.mimic) });
  const ownDir = options.workDir === undefined;
  const dir = options.workDir ?? mkdtempSync(join(tmpdir(), 'mitmguard-audit-'));
  const homeDir = join(dir, 'home');
  mkdirSync(homeDir, { recursive: true, mode: 0o700 });
  const caFile = join(dir, 'ca.pem');
  // A certificate, not a key: readable is fine. No private key is ever written: servers hold keys in memory.
  writeFileSync(caFile, lab.labCa.cert.pem, { mode: 0o644 });
  const token = options.token ?? `mg${randomBytes(12).toString('hex')}`;
  if (!/^[A-Za-z0-9._-]{8,128}$/.test(token)) throw new MitmError('MG_ERR_USAGE', 'the canary token must be 8 to 128 characters of [A-Za-z0-9._-]');
  const endpoint = await HostileEndpoint.start({
    protocol: options.protocol,
    lab,
    scenarios: plan.filter((p) => p.status === 'run').map((p) => p.scenario),
    token,
    ...(options.bind ? { bind: options.bind } : {}),
    ...(options.clientAddress ? { client: options.clientAddress } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.proxy ? { proxy: true } : {}),
    ...(options.basePort ? { basePort: options.basePort } : {}),
    ...(options.keepNewest ? { keepNewest: true } : {}),
  });
  const pin = keyPinSha256(lab.leafKey);
  const startedAt = new Date();
  let stopped = false;

  const session: AuditSession = {
    lab,
    plan,
    endpoint,
    caFile,
    homeDir,
    token,
    pin,
    startedAt,
    addresses: () =>
      endpoint.served.map((s) => ({ scenario: s.scenario.id, title: s.scenario.title, address: s.address, url: s.url, ...(s.proxy ? { proxy: s.proxy } : {}) })),
    placeholders(id) {
      const s = endpoint.servedScenario(id);
      if (!s) throw new MitmError('MG_ERR_USAGE', `scenario ${id} is not served in this run`);
      return { url: s.url, host, port: String(s.port), sni: host, ca: caFile, token, pin, proxy: s.proxy ?? '', scenario: id, home: homeDir };
    },
    results(clientRuns) {
      const results = plan.map((p): ScenarioResult => {
        const base = { scenario: p.scenario.id, title: p.scenario.title };
        if (p.status !== 'run') return { ...base, verdict: p.status, evidence: 'not served', reason: p.reason!, connections: 0 };
        const records = endpoint.records(p.scenario.id);
        const judged = judgeScenario(p.scenario, records);
        const served = endpoint.servedScenario(p.scenario.id);
        const client = clientRuns?.get(p.scenario.id);
        const result: ScenarioResult = { ...base, ...judged, connections: records.length };
        const hello = records.find((r) => r.handshake?.clientHello)?.handshake?.clientHello;
        if (hello) result.clientHello = hello;
        if (served) result.address = served.address;
        if (client) result.client = client;
        const dropped = endpoint.dropped(p.scenario.id);
        if (dropped) result.evidence += ` (${dropped} further connections refused: per-scenario limit)`;
        const foreign = endpoint.foreign(p.scenario.id);
        if (foreign) result.evidence += ` (${foreign} connection(s) from other hosts than the audited client ${endpoint.auditedClient ?? ''} not counted)`;
        return result;
      });
      return applyBaseline(results);
    },
    async finish(extra = {}) {
      const results = session.results(extra.clientRuns);
      await session.stop();
      return buildReport({ mode: extra.mode ?? (options.proxy ? 'proxy' : 'listen'), protocol: options.protocol, host, startedAt, results, ...(extra.client ? { client: extra.client } : {}) });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await endpoint.close();
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
  return session;
}

export function buildReport(input: { mode: AuditMode; protocol: AppProtocol; host: string; startedAt: Date; results: ScenarioResult[]; client?: string }): AuditReport {
  const target = input.client ? `client: ${input.client}` : `${input.mode} audit (${input.protocol})`;
  const summary = { accepted: 0, 'accepted-plaintext': 0, rejected: 0, inconclusive: 0, unavailable: 0, skipped: 0, forgedAccepted: forgedAccepted(input.results).length };
  for (const r of input.results) summary[r.verdict]++;
  const offer = input.results.find((r) => r.scenario === 'baseline')?.clientHello ?? input.results.find((r) => r.clientHello)?.clientHello;
  return {
    tool: TOOL_NAME,
    version: VERSION,
    command: 'audit-client',
    mode: input.mode,
    protocol: input.protocol,
    host: input.host,
    ...(input.client ? { client: input.client } : {}),
    startedAt: input.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    results: input.results,
    findings: findingsForResults(input.results, target),
    summary,
    ...(offer ? { clientHello: offer } : {}),
  };
}

export interface ExecOptions extends AuditOptions {
  /** The client command with placeholders ({url} {host} {port} {sni} {ca} {token} {pin} {proxy} {home} {scenario}). */
  command: string;
  /** Per-scenario client timeout (default 15 s). */
  timeoutMs?: number;
  /** Scenarios run at once after the baseline (default 4). */
  concurrency?: number;
  /** Extra environment for the client (`--env K=V`). */
  env?: Record<string, string>;
  /** How long to wait after the client exits for its connections to close (default 500 ms). */
  graceMs?: number;
  onProgress?: (scenario: string, done: number, total: number) => void;
}

/** Scenarios run one at a time, in this order, before the rest run concurrently. */
const SEQUENTIAL_FIRST = ['baseline', 'hsts-downgrade'];

interface DriveOptions {
  concurrency?: number;
  graceMs?: number;
  onProgress?: (scenario: string, done: number, total: number) => void;
}

/**
 * Run a client once per served scenario — the baseline and the HSTS scenario first and alone (the baseline primes
 * client state such as an HSTS cache; scenarios that read that state follow it before concurrent clients can rewrite
 * it: curl rewrites its HSTS file on exit), then the rest concurrently — and let each scenario's connections settle.
 */
async function driveClient(session: AuditSession, runOne: (id: string) => Promise<ClientRunFacts>, options: DriveOptions): Promise<Map<string, ClientRunFacts>> {
  const ids = session.endpoint.served.map((s) => s.scenario.id);
  const runs = new Map<string, ClientRunFacts>();
  let done = 0;
  const one = async (id: string) => {
    runs.set(id, await runOne(id));
    await session.endpoint.settle(id, options.graceMs ?? 500);
    options.onProgress?.(id, ++done, ids.length);
  };
  const first = SEQUENTIAL_FIRST.filter((id) => ids.includes(id));
  for (const id of first) await one(id);
  const queue = ids.filter((id) => !first.includes(id));
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, queue.length)) }, async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) await one(id);
  });
  await Promise.all(workers);
  return runs;
}

/** `--exec`: run the client command once per scenario, in a clean environment, with a timeout. */
export async function runExecAudit(options: ExecOptions): Promise<AuditReport> {
  fillCommand(options.command, Object.fromEntries(['url', 'host', 'port', 'sni', 'ca', 'token', 'pin', 'proxy', 'scenario', 'home'].map((k) => [k, 'x'])));
  const session = await startAudit(options);
  try {
    const env = cleanEnvironment(session.homeDir, options.env);
    const runs = await driveClient(
      session,
      (id) => runClient({ command: fillCommand(options.command, session.placeholders(id)), env, cwd: session.homeDir, timeoutMs: options.timeoutMs ?? 15_000, token: session.token }),
      options,
    );
    // The template as typed may hold a password (`-u admin:hunter2`): stored with its credentials redacted.
    return await session.finish({ mode: options.proxy ? 'proxy' : 'exec', client: redactCredentials(options.command), clientRuns: runs });
  } finally {
    await session.stop();
  }
}

/**
 * A client as a function in this process (the embedded lab's own clients): given one scenario's placeholder values,
 * connect, send, and settle. A throw or rejection is the client's failure (its message becomes the stderr tail); the
 * signal aborts at the timeout. The verdict, as for `--exec`, comes only from what the endpoint received.
 */
export type AuditClientFunction = (values: Record<Placeholder, string>, signal: AbortSignal) => Promise<void>;

export interface FunctionAuditOptions extends AuditOptions, DriveOptions {
  client: AuditClientFunction;
  /** How the client is named in the report (`client` field and finding target). */
  clientName: string;
  /** Per-scenario timeout (default 10 s); the run is marked timed out and the signal aborted. */
  timeoutMs?: number;
}

/** Run one in-process client call with a deadline; never throws on the client's failure. */
export async function runClientFunction(client: AuditClientFunction, values: Record<Placeholder, string>, timeoutMs: number, token?: string): Promise<ClientRunFacts> {
  const started = Date.now();
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new MitmError('MG_ERR_TIMEOUT', `client did not finish within ${timeoutMs} ms`));
      resolve('timeout');
    }, timeoutMs);
  });
  let error = '';
  try {
    await Promise.race([client(values, controller.signal), deadline]);
  } catch (err) {
    error = (err as Error)?.message ?? String(err);
  } finally {
    clearTimeout(timer);
  }
  const failed = timedOut || error !== '';
  return { exitCode: failed ? 1 : 0, signal: null, timedOut, durationMs: Date.now() - started, stderrTail: scrubClientText(error, token, 600) };
}

/** Like `--exec`, for a client that is a function in this process. */
export async function runFunctionAudit(options: FunctionAuditOptions): Promise<AuditReport> {
  const session = await startAudit(options);
  try {
    const runs = await driveClient(session, (id) => runClientFunction(options.client, session.placeholders(id), options.timeoutMs ?? 10_000, session.token), options);
    return await session.finish({ mode: 'exec', client: options.clientName, clientRuns: runs });
  } finally {
    await session.stop();
  }
}

export { HostileEndpoint, bindsBeyondLoopback } from './endpoint.js';
export { planScenarios, type PlannedScenario } from './plan.js';
export { SCENARIOS, scenarioById } from './scenarios/index.js';
export { APP_PROTOCOLS, isAppProtocol, type AppProtocol } from './protocols/index.js';
export type { AuditMode, AuditReport, ScenarioAddress, ScenarioResult, ScenarioVerdict, ConnectionRecord } from './types.js';
export { renderAuditText, renderAddresses } from './report.js';
export { ClientHelloCollector, clientHelloFacts, MAX_CLIENT_HELLO_BYTES, type ClientHelloFacts } from './client-hello.js';
export type { Placeholder } from './runner.js';
