/**
 * The lab's client-audit side: the hostile endpoint of `mitmguard audit-client --listen` serving the whole HTTPS
 * catalogue next to the flawed servers (`lab up`), and two lab clients audited against the catalogue by the main job
 * (`scanLab`): a careful node:https client that must accept the baseline only, and a careless one
 * (`rejectUnauthorized: false`) whose accepted forgeries become `audit.client.*` findings.
 *
 * The audit keeps its own "trusted" CA (the audit lab CA, `lab-audit-ca.pem`) rather than the lab root: it signs
 * deliberately broken leaves (MD5, bad signature, unknown critical extension, name-constraint violation) and must be
 * RSA to do so, and a client given the lab root to scan the lab's servers must not thereby trust forgeries.
 */
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import type { Finding, Pillar } from '../model/index.js';
import { findingsForResults } from '../checks/audit.js';
import { runFunctionAudit, startAudit, type AuditClientFunction, type AuditReport, type AuditSession, type Placeholder } from '../audit/index.js';
import type { ReportDocument } from '../report/model.js';
import type { TargetReport } from '../model/index.js';
import type { ExpectationMiss } from './endpoints.js';

/** The application protocol the lab's audit endpoint speaks: the HTTPS catalogue (other protocols: `audit-client --listen --protocol`). */
export const LAB_AUDIT_PROTOCOL = 'https';
/** The name the audit certificates are issued for; the endpoint listens on 127.0.0.1 and ::1 alike. */
export const LAB_AUDIT_HOST = 'localhost';
/** Per-scenario deadline of a lab client (a loopback HTTPS exchange takes milliseconds). */
export const LAB_CLIENT_TIMEOUT_MS = 5_000;
/**
 * OpenSSL security level 2 for the lab clients: Node's default (level 1) still accepts RSA-1024 leaves
 * (docs/clients/node.md), which a correctly configured client must not.
 */
export const LAB_CLIENT_CIPHERS = 'DEFAULT:@SECLEVEL=2';

export interface LabAuditScenario {
  scenario: string;
  title: string;
  url: string;
  port: number;
}

export interface LabAudit {
  session: AuditSession;
  /** The audit lab CA (PEM): what a client trusts for the baseline. A certificate; its key stays in this process. */
  caPem: string;
  /** RFC 7469 pin of the baseline key, for clients that pin (the pin-mismatch scenario). */
  pin: string;
  scenarios: LabAuditScenario[];
  stop(): Promise<void>;
}

/** The first audit port after the lab's servers when the lab has a base port; 0 (ephemeral) otherwise. */
export function labAuditBasePort(basePort: number, labPorts: readonly number[]): number {
  return basePort ? Math.max(basePort - 1, ...labPorts) + 1 : 0;
}

/**
 * Start the hostile endpoint for the whole HTTPS catalogue (pin-mismatch included: the pin is published), the same
 * `startAudit` that `audit-client --listen` runs, on loopback. It keeps the newest connection records, so a
 * long-running lab never stops answering.
 *
 * @example const audit = await startLabAudit({ basePort: 21120 }); console.log(audit.scenarios); await audit.stop();
 */
export async function startLabAudit(options: { basePort?: number } = {}): Promise<LabAudit> {
  const session = await startAudit({
    protocol: LAB_AUDIT_PROTOCOL,
    host: LAB_AUDIT_HOST,
    bind: '127.0.0.1',
    pin: true,
    keepNewest: true,
    ...(options.basePort ? { basePort: options.basePort } : {}),
  });
  const scenarios = session.endpoint.served.map((s) => ({ scenario: s.scenario.id, title: s.scenario.title, url: s.url, port: s.port }));
  return { session, caPem: session.lab.labCa.cert.pem, pin: session.pin, scenarios, stop: () => session.stop() };
}

/** A client of the lab, audited by the main job. */
export interface LabClient {
  name: string;
  title: string;
  /** How it appears in the report: a target of its own. */
  target: string;
  /** Where its flaw shows; null for the careful client. */
  pillar: Pillar | null;
  rejectUnauthorized: boolean;
  expected: {
    /** Finding ids the report must show for it; the careful client must show none at all. */
    findings: string[];
  };
}

/**
 * What a client without verification accepts (measured with Node 20's bundled OpenSSL 3.0): every certificate forgery
 * but `rsa-512-key`, which OpenSSL refuses in the handshake itself, and `pin-mismatch`, which needs a pinning client.
 */
const CARELESS_ACCEPTS = [
  'self-signed',
  'self-signed-other-host',
  'untrusted-ca',
  'wrong-host',
  'expired',
  'not-yet-valid',
  'expired-intermediate',
  'leaf-as-issuer',
  'intermediate-no-basic-constraints',
  'v1-intermediate',
  'eku-client-auth',
  'eku-code-signing-critical',
  'unknown-critical-extension',
  'bad-signature',
  'nul-byte-cn',
  'nul-byte-san',
  'cn-match-san-mismatch',
  'sha1-signature',
  'md5-signature',
  'rsa-1024-key',
  'name-constraint-violation',
  'mimic-upstream',
];

export const LAB_CLIENTS: LabClient[] = [
  {
    name: 'node-careful',
    title: 'node:https trusting only the audit lab CA, verification on, OpenSSL security level 2',
    target: 'client:node-careful',
    pillar: null,
    rejectUnauthorized: true,
    expected: { findings: [] },
  },
  {
    name: 'node-insecure',
    title: 'the same client with rejectUnauthorized: false',
    target: 'client:node-insecure',
    pillar: 'certificates',
    rejectUnauthorized: false,
    expected: { findings: CARELESS_ACCEPTS.map((id) => `audit.client.${id}`) },
  },
];

/**
 * The lab client as a function: one HTTPS GET of the scenario's URL, Basic credentials carrying the canary token,
 * the audit lab CA as the only trust anchor. An `http://` URL (hsts-downgrade) is refused by node:https before any
 * connection, as an https-only client should.
 */
export function labClientFunction(client: LabClient): AuditClientFunction {
  return (values: Record<Placeholder, string>, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      const req = request(values.url, {
        ca: readFileSync(values.ca),
        rejectUnauthorized: client.rejectUnauthorized,
        ciphers: LAB_CLIENT_CIPHERS,
        auth: `lab:${values.token}`,
        agent: false,
        signal,
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', resolve);
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
}

export interface LabClientAudit {
  client: LabClient;
  report: AuditReport;
}

/** Audit every lab client against the catalogue, each with its own endpoint (verdicts come from a port's connections). */
export async function auditLabClients(options: { clients?: readonly LabClient[]; timeoutMs?: number } = {}): Promise<LabClientAudit[]> {
  return Promise.all(
    (options.clients ?? LAB_CLIENTS).map(async (client) => ({
      client,
      report: await runFunctionAudit({
        protocol: LAB_AUDIT_PROTOCOL,
        host: LAB_AUDIT_HOST,
        client: labClientFunction(client),
        clientName: client.target,
        timeoutMs: options.timeoutMs ?? LAB_CLIENT_TIMEOUT_MS,
        concurrency: 8,
        graceMs: 200,
      }),
    })),
  );
}

/** The baseline verdict of an audited client: anything but `accepted` means its rejections prove nothing. */
export const baselineVerdict = (a: LabClientAudit): string => a.report.results.find((r) => r.scenario === 'baseline')?.verdict ?? 'missing';

/**
 * An audited client as a target of the scan document, so the report grades it like any target: its findings are the
 * `audit.client.*` findings of its accepted forgeries. A client that did not accept the baseline is a failed target.
 */
export function labClientTarget(a: LabClientAudit): TargetReport {
  const baseline = baselineVerdict(a);
  const findings: Finding[] = findingsForResults(a.report.results, a.client.target);
  const durationMs = Date.parse(a.report.finishedAt) - Date.parse(a.report.startedAt);
  return {
    target: a.client.target,
    host: LAB_AUDIT_HOST,
    port: 0,
    ok: baseline === 'accepted',
    error: baseline === 'accepted' ? null : { code: 'MG_ERR_PROTOCOL', message: `the client did not accept the valid baseline (${baseline}), so no rejection of it means anything` },
    tls: null,
    findings,
    durationMs,
    clientAudit: {
      scenarios: a.report.results.length,
      forgeriesAccepted: a.report.results.filter((r) => r.scenario !== 'baseline' && r.verdict.startsWith('accepted')).length,
    },
  };
}

/** The careless client must show its expected ids under its pillar; the careful one must accept the baseline and show none. */
export function checkLabClientExpectations(report: ReportDocument, audits: readonly LabClientAudit[]): ExpectationMiss[] {
  const misses: ExpectationMiss[] = [];
  for (const a of audits) {
    const name = a.client.name;
    const t = report.report.targets.find((x) => x.target === a.client.target);
    if (!t) {
      misses.push({ endpoint: name, what: 'not in the report' });
      continue;
    }
    if (baselineVerdict(a) !== 'accepted') misses.push({ endpoint: name, what: `baseline ${baselineVerdict(a)}, expected accepted` });
    for (const id of a.client.expected.findings) {
      const f = t.findings.find((x) => x.id === id);
      if (!f) misses.push({ endpoint: name, what: `missing finding ${id}` });
      else if (a.client.pillar && f.pillar !== a.client.pillar) misses.push({ endpoint: name, what: `${id} under ${f.pillar}, expected ${a.client.pillar}` });
    }
    if (!a.client.pillar && t.findings.length) misses.push({ endpoint: name, what: `unexpected finding(s) ${t.findings.map((f) => f.id).join(', ')}` });
  }
  return misses;
}
