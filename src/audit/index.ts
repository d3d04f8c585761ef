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
import type { Finding } from '../checks/types.js';
import { TOOL_NAME, VERSION } from '../version.js';
import { findingsForResults } from '../checks/audit.js';
import { HostileEndpoint, type EndpointLimits } from './endpoint.js';
import { planScenarios, type PlannedScenario } from './plan.js';
import type { AppProtocol } from './protocols/index.js';
import { createAuditLab, spkiPin, type AuditLab } from './scenarios/index.js';
import { upstreamTemplate } from './scenarios/upstream.js';
import { cleanEnvironment, fillCommand, runClient, type Placeholder } from './runner.js';
import { applyBaseline, forgedAccepted, judgeScenario } from './verdict.js';
import type { ClientRunFacts, ScenarioResult } from './types.js';

export type AuditMode = 'exec' | 'listen' | 'proxy';

export interface AuditOptions {
  protocol: AppProtocol;
  /** The name certificates are issued for and clients connect to (default `localhost`). */
  host?: string;
  bind?: string;
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
}

export interface ScenarioAddress {
  scenario: string;
  title: string;
  address: string;
  url: string;
  proxy?: string;
}

export interface AuditReport {
  tool: typeof TOOL_NAME;
  version: string;
  command: 'audit-client';
  mode: AuditMode;
  protocol: AppProtocol;
  host: string;
  /** The client command as given (exec mode), with no placeholder filled in. */
  client?: string;
  startedAt: string;
  finishedAt: string;
  results: ScenarioResult[];
  findings: Finding[];
  summary: Record<ScenarioResult['verdict'], number> & { forgedAccepted: number };
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
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.proxy ? { proxy: true } : {}),
  });
  const pin = spkiPin(lab.leafKey);
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
        if (served) result.address = served.address;
        if (client) result.client = client;
        const dropped = endpoint.dropped(p.scenario.id);
        if (dropped) result.evidence += ` (${dropped} further connections refused: per-scenario limit)`;
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

/** `--exec`: run the client once per scenario — the baseline and the HSTS scenario first, then the rest concurrently. */
export async function runExecAudit(options: ExecOptions): Promise<AuditReport> {
  fillCommand(options.command, Object.fromEntries(['url', 'host', 'port', 'sni', 'ca', 'token', 'pin', 'proxy', 'scenario', 'home'].map((k) => [k, 'x'])));
  const session = await startAudit(options);
  try {
    const ids = session.endpoint.served.map((s) => s.scenario.id);
    const env = cleanEnvironment(session.homeDir, options.env);
    const runs = new Map<string, ClientRunFacts>();
    let done = 0;
    const runOne = async (id: string) => {
      const command = fillCommand(options.command, session.placeholders(id));
      runs.set(id, await runClient({ command, env, cwd: session.homeDir, timeoutMs: options.timeoutMs ?? 15_000, token: session.token }));
      await session.endpoint.settle(id, options.graceMs ?? 500);
      options.onProgress?.(id, ++done, ids.length);
    };
    // The baseline runs first and alone (it primes client state such as an HSTS cache); scenarios that read that state
    // follow it alone, before concurrent clients can rewrite the shared HOME (curl rewrites its HSTS file on exit).
    const first = SEQUENTIAL_FIRST.filter((id) => ids.includes(id));
    for (const id of first) await runOne(id);
    const queue = ids.filter((id) => !first.includes(id));
    const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, queue.length)) }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) await runOne(id);
    });
    await Promise.all(workers);
    return await session.finish({ mode: options.proxy ? 'proxy' : 'exec', client: options.command, clientRuns: runs });
  } finally {
    await session.stop();
  }
}

export { HostileEndpoint } from './endpoint.js';
export { planScenarios, type PlannedScenario } from './plan.js';
export { SCENARIOS, scenarioById } from './scenarios/index.js';
export { APP_PROTOCOLS, isAppProtocol, type AppProtocol } from './protocols/index.js';
export type { ScenarioResult, Verdict, ConnectionRecord } from './types.js';
export { renderAuditText, renderAddresses } from './report.js';
