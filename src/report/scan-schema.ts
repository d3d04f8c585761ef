/**
 * The shape of a scan (or report) document as `mitmguard report` reads it back: every field the policy, the grading
 * and the renderers read, with its type. Anything else may be present (documents only ever gain fields); what is read
 * must be right, so a hand-edited or truncated document fails with MG_ERR_MALFORMED naming the field, never with a
 * TypeError from deep inside a renderer.
 */
import { z } from 'zod';
import { PILLARS, SEVERITIES } from '../model/index.js';

const str = z.string();
const strings = z.array(z.string());
const nullableBool = z.boolean().nullable();
const date = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'not a date (ISO 8601)');
const error = z.looseObject({ code: str, message: str }).nullable();

const certificate = z.looseObject({
  pem: str, subject: str, issuer: str, notBefore: date, notAfter: date, sans: strings, keyType: str, keyBits: z.number(), signatureAlgorithm: str, sha256: str,
});

const tls = z.looseObject({
  protocols: z.record(str, z.boolean()),
  cipherSuites: z.record(str, strings),
  serverPreference: z.record(str, nullableBool),
  groups: strings,
  alpn: strings,
  certificates: z.array(certificate),
  ocspStapled: z.boolean(),
  secureRenegotiation: nullableBool,
  fallbackScsv: nullableBool,
  compression: nullableBool,
  dhBits: z.number().nullable().optional(),
  clientCertificateRequested: nullableBool.optional(),
  probeErrors: z.array(z.looseObject({ probe: str, code: str, message: str })).optional(),
});

const finding = z.looseObject({
  id: z.string().min(1),
  pillar: z.enum(PILLARS),
  severity: z.enum(SEVERITIES),
  target: str,
  title: str,
  evidence: str,
  remediation: str,
  references: strings,
  relatedTo: strings.optional(),
});

/** Optional probe sections: absent, null, or an object (their fields are read defensively by src/policy/facts.ts). */
const section = z.looseObject({}).nullable().optional();

const http = z
  .looseObject({
    https: z.looseObject({ status: z.number().nullable(), policy: z.looseObject({ valid: z.boolean(), maxAge: z.number().nullable(), includeSubDomains: z.boolean(), preload: z.boolean() }).nullable().optional() }).nullable().optional(),
    httpChain: z.array(z.looseObject({ url: str, location: str.nullable().optional() })),
  })
  .nullable()
  .optional();

const target = z.looseObject({
  target: str,
  host: str,
  sni: str.optional(),
  starttls: str.nullable().optional(),
  ok: z.boolean(),
  error,
  tls: tls.nullable(),
  findings: z.array(finding),
  durationMs: z.number().optional(),
  http,
  posture: z.looseObject({ service: z.looseObject({ encrypted: z.boolean().nullable().optional(), via: str.optional(), banner: str.nullable().optional() }).nullable().optional(), error: error.optional() }).nullable().optional(),
  mtls: z.looseObject({ required: nullableBool.optional(), requested: nullableBool.optional(), error: error.optional() }).nullable().optional(),
  dns: section,
  certificateValidation: section,
  clientAudit: section,
});

export const scanDocumentSchema = z.looseObject({
  tool: z.literal('mitmguard'),
  version: str.optional(),
  startedAt: date,
  finishedAt: date,
  targets: z.array(target),
});

/** `targets[0].findings[2].severity` from a zod issue path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}
