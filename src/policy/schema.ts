/**
 * The policy file: what an organisation mandates. YAML, validated with zod (strict: an unknown key is an error, so a
 * typo never silently weakens a policy). See docs/policy.md.
 */
import { z } from 'zod';
import { SEVERITIES } from '../model/index.js';
import { PROTOCOL_NAMES } from '../model/index.js';
import { normalizePin, PIN_PATTERN, PIN_SYNTAX } from '../x509/pin.js';

export const HASH_NAMES = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;

/** `sha256/<base64 of SHA-256 over the DER SubjectPublicKeyInfo>` (RFC 7469 §2.4 pin format). */

const isoDate = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime()) || (typeof v === 'string' && !/^\d{4}-\d{2}-\d{2}/.test(v))) {
    ctx.addIssue({ code: 'custom', message: 'expected a date as YYYY-MM-DD' });
    return z.NEVER;
  }
  return d.toISOString().slice(0, 10);
});

export const targetRuleSchema = z.strictObject({
  /** Applies to targets carrying any of these inventory tags. */
  tags: z.array(z.string().min(1)).optional(),
  /** Applies to targets matching this glob (`*` any run of characters, `?` one). */
  pattern: z.string().min(1).optional(),
  requireMtls: z.boolean().optional(),
  /** As tls.requirePostQuantum, for the targets of this rule only. */
  requirePostQuantum: z.boolean().optional(),
  requireStarttls: z.boolean().optional(),
  pins: z.array(z.string().regex(PIN_PATTERN, PIN_SYNTAX).transform((p) => normalizePin(p)!)).optional(),
}).refine((r) => r.tags || r.pattern, { message: 'a target rule needs tags or a pattern' });

export const acceptedRiskSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(\.[a-z0-9-]+)+$/, 'a check id is dotted lower case'),
  /** Glob over the target; all targets when omitted. */
  target: z.string().min(1).optional(),
  reason: z.string().min(3),
  expires: isoDate,
  owner: z.string().optional(),
});

export const policySchema = z.strictObject({
  version: z.literal(1).default(1),
  name: z.string().min(1).optional(),
  /** Start from a preset and change only what follows. */
  extends: z.string().optional(),
  tls: z
    .strictObject({
      minVersion: z.enum(PROTOCOL_NAMES).optional(),
      /** IANA cipher suite names allowed; any suite outside the list is a finding. Omit to allow any. */
      allowedCipherSuites: z.array(z.string().regex(/^TLS_[A-Z0-9_]+$/, 'an IANA cipher suite name (TLS_…)')).optional(),
      /** IANA named group names allowed (x25519, secp256r1, …). */
      allowedGroups: z.array(z.string().min(1)).optional(),
      /** The server must accept a post-quantum key agreement group (X25519MLKEM768 or another ML-KEM hybrid). */
      requirePostQuantum: z.boolean().optional(),
    })
    .optional(),
  certificates: z
    .strictObject({
      minRsaBits: z.number().int().min(512).max(16384).optional(),
      minEcBits: z.number().int().min(160).max(521).optional(),
      maxLifetimeDays: z.number().int().min(1).max(36500).optional(),
      minDaysToExpiry: z.number().int().min(0).max(3650).optional(),
      allowedSignatureHashes: z.array(z.enum(HASH_NAMES)).optional(),
    })
    .optional(),
  hsts: z
    .strictObject({
      required: z.boolean().optional(),
      minMaxAge: z.number().int().min(0).optional(),
      includeSubDomains: z.boolean().optional(),
    })
    .optional(),
  targets: z.array(targetRuleSchema).optional(),
  severityOverrides: z.record(z.string().regex(/^[a-z0-9]+(\.[a-z0-9-]+)+$/, 'a check id is dotted lower case'), z.enum(SEVERITIES)).optional(),
  acceptedRisks: z.array(acceptedRiskSchema).optional(),
  /** Default for --fail-on. */
  failOn: z.enum(SEVERITIES).optional(),
});

export type PolicyFile = z.output<typeof policySchema>;
export type TargetRule = z.output<typeof targetRuleSchema>;
export type AcceptedRisk = z.output<typeof acceptedRiskSchema>;

/** A policy after presets are merged: every section present. */
export interface Policy {
  name: string;
  tls: NonNullable<PolicyFile['tls']>;
  certificates: NonNullable<PolicyFile['certificates']>;
  hsts: NonNullable<PolicyFile['hsts']>;
  targets: TargetRule[];
  severityOverrides: Record<string, (typeof SEVERITIES)[number]>;
  acceptedRisks: AcceptedRisk[];
  failOn: (typeof SEVERITIES)[number];
}
