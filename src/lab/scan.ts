/**
 * The main job as a library call: start the lab, scan every endpoint through the inventory runner, judge the result
 * with a policy, stop the lab. The scanner is injected (the CLI passes `scanTarget`), so the lab has no import-time
 * dependency on it.
 */
import type { Pillar } from '../model/index.js';
import type { InventoryEntry } from '../inventory/file.js';
import type { ProgressEvent } from '../inventory/runner.js';
import { scanInventory } from '../inventory/run.js';
import { withBeyondHandshake, type ScanTargetFn } from '../inventory/scan-one.js';
import { presetPolicy } from '../policy/load.js';
import { DEFAULT_PRESET } from '../policy/presets.js';
import type { Policy } from '../policy/schema.js';
import type { ReportDocument } from '../report/model.js';
import { TrustStore } from '../x509/trust-store.js';
import { buildServerMap } from '../dns/servers.js';
import { parseAnchors } from '../dns/dnssec/anchors.js';
import { LAB_CA_IDS } from './dns-names.js';
import { LAB_HOST, startLab, type Lab, type RunningEndpoint, type StartLabOptions } from './server.js';
import type { ExpectationMiss } from './endpoints.js';
import { auditLabClients, checkLabClientExpectations, labClientTarget, type LabClientAudit } from './audit.js';
import { checkLabWingExpectations, LAB_WING_TARGETS, type LabWingTarget } from './wing-targets.js';
import { analyseLabWingTargets } from './wings.js';

export interface LabScanOptions extends StartLabOptions {
  scanTarget: ScanTargetFn;
  policy?: Policy;
  concurrency?: number;
  onProgress?: (e: ProgressEvent) => void;
  signal?: AbortSignal;
  /** Audit the lab clients (LAB_CLIENTS) against the client-audit catalogue too (default true). */
  clients?: boolean;
  /** Analyse the lab's wing samples (LAB_WING_TARGETS: 802.11 capture, Wi-Fi and VPN profiles) as targets too (default true). */
  wings?: boolean;
}

/** The lab as an inventory: names, tags and expectations from LAB_ENDPOINTS. */
export function labInventory(endpoints: readonly RunningEndpoint[]): InventoryEntry[] {
  return endpoints.map((e) => ({
    target: e.target, name: e.spec.name, tags: e.spec.tags, owner: 'mitmguard lab', sni: null, expect: e.spec.expect ?? {},
    // DNS-zone endpoints are scanned by name; the lab's names resolve only through its own DNS server.
    ...(e.spec.dnsName ? { address: LAB_HOST } : {}),
  }));
}

/**
 * The scan's DNS step for the lab: its DNS server as the resolver, its zone's DS as the trust anchor, and the lab CA's
 * CAA identifier (a private CA no public table names). Undefined when the lab runs no DNS server.
 */
export function labDnsOptions(lab: Pick<Lab, 'dns'>) {
  if (!lab.dns) return undefined;
  return { servers: buildServerMap(`${lab.dns.host}:${lab.dns.port}`), anchors: parseAnchors(lab.dns.anchorText, 'lab trust anchor'), caIds: LAB_CA_IDS };
}

/** Compare a report with what each lab endpoint must show; an empty list means every flaw was found where it belongs. */
export function checkLabExpectations(report: ReportDocument, endpoints: readonly RunningEndpoint[]): ExpectationMiss[] {
  const misses: ExpectationMiss[] = [];
  for (const e of endpoints) {
    const t = report.report.targets.find((x) => x.target === e.target);
    if (!t) {
      misses.push({ endpoint: e.spec.name, what: 'not in the report' });
      continue;
    }
    const error = t.ok ? null : (t.error?.code ?? 'MG_ERR_INTERNAL');
    if (error !== (e.spec.expected.scanError ?? null)) misses.push({ endpoint: e.spec.name, what: `scan ended with ${error ?? 'success'}, expected ${e.spec.expected.scanError ?? 'success'}` });
    for (const id of e.spec.expected.findings) {
      if (!t.findings.some((f) => f.id === id || f.relatedTo?.includes(id))) misses.push({ endpoint: e.spec.name, what: `missing finding ${id}` });
    }
    for (const id of e.spec.expected.absent ?? []) {
      if (t.findings.some((f) => f.id === id || f.relatedTo?.includes(id))) misses.push({ endpoint: e.spec.name, what: `unexpected finding ${id}` });
    }
    for (const [pillar, grade] of Object.entries(e.spec.expected.grades)) {
      const got = t.grades.pillars[pillar as Pillar].grade;
      if (got !== grade) misses.push({ endpoint: e.spec.name, what: `${pillar} grade ${got ?? 'n/a'}, expected ${grade}` });
    }
    // Every flaw must show as a finding under the pillar it belongs to.
    if (e.spec.pillar && !t.findings.some((f) => f.pillar === e.spec.pillar)) misses.push({ endpoint: e.spec.name, what: `no finding under ${e.spec.pillar}` });
  }
  return misses;
}

/**
 * Start the lab, scan it, grade it, stop it.
 *
 * @example const { report, misses } = await scanLab({ scanTarget: (t, o) => scanTarget(t, o) });
 */
export type { ExpectationMiss } from './endpoints.js';

export async function scanLab(opts: LabScanOptions): Promise<{ report: ReportDocument; endpoints: RunningEndpoint[]; clients: LabClientAudit[]; wings: LabWingTarget[]; misses: ExpectationMiss[]; interrupted: boolean }> {
  // The lab clients are audited while the servers are scanned: each against its own hostile endpoint (src/lab/audit.ts).
  const clientAudits = opts.clients === false ? Promise.resolve([]) : auditLabClients();
  clientAudits.catch(() => undefined);
  // The wing samples are analysed meanwhile too (milliseconds: a few KB of frames and profiles).
  // (The recording of the lab's own traffic needs the lab running: it starts below.)
  const early = LAB_WING_TARGETS.filter((w) => w.kind !== 'capture-lab');
  const wingTargets = opts.wings === false ? Promise.resolve([]) : analyseLabWingTargets({ specs: early, ...(opts.signal ? { signal: opts.signal } : {}) });
  wingTargets.catch(() => undefined);
  const lab = await startLab(opts);
  const recorded = opts.wings === false ? Promise.resolve([]) : analyseLabWingTargets({ specs: LAB_WING_TARGETS.filter((w) => w.kind === 'capture-lab'), lab, ...(opts.signal ? { signal: opts.signal } : {}) });
  recorded.catch(() => undefined);
  try {
    const entries = labInventory(lab.endpoints);
    // The lab's own root is the trust anchor its endpoints chain to, as an organisation's private CA is (`--ca`).
    const labAnchors = new TrustStore();
    labAnchors.addPemOrDer(lab.rootPem, 'mitmguard lab root');
    const run = await scanInventory(entries, {
      scanTarget: withBeyondHandshake(opts.scanTarget, { extraAnchors: labAnchors, ...(lab.dns ? { dns: labDnsOptions(lab)! } : {}) }),
      policy: opts.policy ?? presetPolicy(DEFAULT_PRESET),
      parallel: opts.concurrency ?? entries.length,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      // Each audited client is a target of its own (`client:node-insecure`), its accepted forgeries its findings.
      // Each wing sample is one too (`wifi:lab-air`), its findings the wing's.
      extraTargets: async () => [
        ...(await clientAudits).map((a) => ({ report: labClientTarget(a), name: a.client.name, owner: 'mitmguard lab', tags: ['client'] })),
        ...[...(await wingTargets), ...(await recorded)].map((w) => ({ report: w.report, name: w.spec.name, owner: 'mitmguard lab', tags: [w.spec.kind.split('-')[0]!] })),
      ],
    });
    const { report } = run;
    const clients = await clientAudits;
    const wings = [...(await wingTargets), ...(await recorded)].map((w) => w.spec);
    const misses = run.interrupted ? [] : [...checkLabExpectations(report, lab.endpoints), ...checkLabClientExpectations(report, clients), ...checkLabWingExpectations(report, wings)];
    return { report, endpoints: lab.endpoints, clients, wings, misses, interrupted: run.interrupted };
  } finally {
    // The recording talks to the lab's endpoints: it ends before they stop.
    await recorded.catch(() => undefined);
    await lab.stop();
  }
}
