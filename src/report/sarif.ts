/**
 * SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format) output: one run, one result per finding, the rule
 * metadata from the check catalogue, and each result located at its target's URI, so GitHub code scanning and other
 * SARIF viewers list them. Validated in tests against the official SARIF 2.1.0 schema and our stricter subset
 * (test/helpers/sarif-schema.ts).
 */
import { createHash } from 'node:crypto';
import { catalogue } from '../checks/catalogue.js';
import type { Check } from '../checks/types.js';
import type { Finding, Severity } from '../model/index.js';
import { PILLAR_TITLES } from '../model/index.js';
import { TOOL_NAME, VERSION } from '../version.js';
import { targetUri } from './target-uri.js';

export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** SARIF §3.27.10 `level`: error, warning or note. */
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/**
 * GitHub code scanning reads `properties.security-severity` (0.0–10.0, CVSS-like bands: >9 critical, 7–8.9 high,
 * 4–6.9 medium, 0.1–3.9 low) to rank security results.
 */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

export interface SarifOptions {
  toolName?: string;
  informationUri?: string;
  version?: string;
  /** Rule metadata source; the global catalogue by default. */
  lookup?: (id: string) => Check | undefined;
  /** The owner of each target (an inventory's `owner:`), carried in every result's properties. */
  owners?: Readonly<Record<string, string | null>>;
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: 'error' | 'warning' | 'note' };
  properties: { tags: string[]; precision: 'high'; 'security-severity': string; pillar: string };
}

/** `tls.protocol.tls10-enabled` → `TlsProtocolTls10Enabled` (SARIF §3.49.7 `name` is an identifier-like string). */
const ruleName = (id: string) =>
  id
    .split(/[.-]/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');

function ruleFor(finding: Finding, check: Check | undefined): SarifRule {
  const refs = check?.references ?? finding.references;
  const http = refs.find((r) => /^https?:\/\//.test(r));
  const description = check?.description ?? finding.title;
  const remediation = check?.remediation ?? finding.remediation;
  const severity = check?.severity ?? finding.severity;
  const pillar = check?.pillar ?? finding.pillar;
  return {
    id: finding.id,
    name: ruleName(finding.id),
    shortDescription: { text: check?.title ?? finding.title },
    fullDescription: { text: description },
    help: {
      text: `${description}\n\nRemediation: ${remediation}${refs.length ? `\n\nReferences: ${refs.join(', ')}` : ''}`,
      markdown: `${description}\n\n**Remediation:** ${remediation}${refs.length ? `\n\n**References:** ${refs.join(', ')}` : ''}`,
    },
    ...(http ? { helpUri: http } : {}),
    defaultConfiguration: { level: LEVEL[severity] },
    properties: { tags: ['security', pillar], precision: 'high', 'security-severity': SECURITY_SEVERITY[severity], pillar: PILLAR_TITLES[pillar] },
  };
}

/** A stable fingerprint per (check, target) so viewers track one result across runs (SARIF §3.27.17). */
const fingerprint = (f: Finding) => createHash('sha256').update(`${f.id}\u0000${f.target}`).digest('hex');

/**
 * Findings as one SARIF 2.1.0 log. One result per finding; `ruleId` is the check id; rules come from the catalogue
 * where the id is known (from the finding itself otherwise); `level` follows the severity.
 *
 * @example writeFileSync('scan.sarif', JSON.stringify(findingsToSarif(doc.targets.flatMap((t) => t.findings))))
 */
export function findingsToSarif(findings: Finding[], opts: SarifOptions = {}): object {
  const lookup = opts.lookup ?? ((id: string) => catalogue.get(id));
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  for (const f of findings) {
    if (ruleIndex.has(f.id)) continue;
    ruleIndex.set(f.id, rules.length);
    rules.push(ruleFor(f, lookup(f.id)));
  }
  const results = findings.map((f) => ({
    ruleId: f.id,
    ruleIndex: ruleIndex.get(f.id)!,
    level: LEVEL[f.severity],
    message: { text: `${f.title}: ${f.evidence}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: targetUri(f.target) },
          // GitHub code scanning shows a result only with a region; a network target has no lines, so line 1.
          region: { startLine: 1 },
        },
        logicalLocations: [{ name: f.target, kind: 'resource' }],
      },
    ],
    partialFingerprints: { 'mitmguardFinding/v1': fingerprint(f) },
    properties: {
      severity: f.severity,
      pillar: f.pillar,
      target: f.target,
      remediation: f.remediation,
      'security-severity': SECURITY_SEVERITY[f.severity],
      ...(opts.owners?.[f.target] ? { owner: opts.owners[f.target] } : {}),
      ...(f.relatedTo?.length ? { relatedTo: f.relatedTo } : {}),
    },
  }));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: opts.toolName ?? TOOL_NAME,
            version: opts.version ?? VERSION,
            informationUri: opts.informationUri ?? 'https://github.com/mitmguard/mitmguard',
            rules,
          },
        },
        columnKind: 'unicodeCodePoints',
        results,
      },
    ],
  };
}
