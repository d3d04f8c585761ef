/**
 * The CA's append-only audit log, and its source of truth: one JSON object per line, each carrying the SHA-256 of the
 * line before it (`prev`) and its own (`hash`), so an edited, dropped or reordered line breaks the chain from there on.
 * The CA's state (what was issued, what is revoked, the next CRL number) is a fold over the events. Pure: lines in,
 * state or a verdict out.
 */
import { createHash } from 'node:crypto';
import { MitmError } from '../errors.js';
import type { RevocationReason } from './crl.js';
import type { ProfileName } from './profiles.js';

/** Named limit: events in one log (a fold over more belongs in a database). */
export const MAX_AUDIT_EVENTS = 1_000_000;

export const GENESIS_HASH = '0'.repeat(64);

export type AuditEvent =
  | { type: 'init'; root: string; intermediate: string; responder: string }
  | {
      type: 'issue';
      serial: string;
      profile: ProfileName;
      subject: string;
      names: string[];
      notBefore: string;
      notAfter: string;
      fingerprint: string;
      keyAlgorithm: string;
      requester?: string;
      renewedFrom?: string;
    }
  | { type: 'revoke'; serial: string; reason: RevocationReason }
  | { type: 'crl'; crlNumber: number; revoked: number; nextUpdate: string };

export type AuditRecord = AuditEvent & { seq: number; time: string; actor: string; prev: string; hash: string };

const digest = (body: object): string => createHash('sha256').update(JSON.stringify(body)).digest('hex');

/** The next record after `last` (or the first one), with its hash computed over every other field. */
export function chainRecord(last: AuditRecord | undefined, event: AuditEvent, time: Date, actor: string): AuditRecord {
  const body = { ...event, seq: (last?.seq ?? 0) + 1, time: time.toISOString(), actor, prev: last?.hash ?? GENESIS_HASH };
  return { ...body, hash: digest(body) };
}

export interface ChainVerdict {
  ok: boolean;
  events: number;
  /** The first line (1-based) where the chain breaks, with why. */
  brokenAt?: { line: number; reason: string };
}

/** Parse and verify the whole log text. */
export function verifyChain(text: string): ChainVerdict & { records: AuditRecord[] } {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines.length > MAX_AUDIT_EVENTS) throw new MitmError('MG_ERR_TOO_LARGE', `audit log has more than ${MAX_AUDIT_EVENTS} events`);
  const records: AuditRecord[] = [];
  let prev = GENESIS_HASH;
  for (let i = 0; i < lines.length; i++) {
    const fail = (reason: string) => ({ ok: false, events: records.length, brokenAt: { line: i + 1, reason }, records });
    let rec: AuditRecord;
    try {
      rec = JSON.parse(lines[i]!) as AuditRecord;
    } catch {
      return fail('not JSON');
    }
    if (!rec || typeof rec !== 'object' || typeof rec.hash !== 'string') return fail('not an audit record');
    const { hash, ...body } = rec;
    if (rec.prev !== prev) return fail('prev does not match the hash of the line before (a line was removed, reordered or edited)');
    if (rec.seq !== records.length + 1) return fail(`seq ${rec.seq} where ${records.length + 1} was expected`);
    if (digest(body) !== hash) return fail('hash does not match the line (the line was edited)');
    records.push(rec);
    prev = hash;
  }
  return { ok: true, events: records.length, records };
}

export interface IssuedCertificate {
  serial: string;
  profile: ProfileName;
  subject: string;
  names: string[];
  notBefore: string;
  notAfter: string;
  fingerprint: string;
  keyAlgorithm: string;
  issuedAt: string;
  requester?: string;
  renewedFrom?: string;
  revoked?: { at: string; reason: RevocationReason };
}

export interface CaState {
  issued: Map<string, IssuedCertificate>;
  lastCrlNumber: number;
  last: AuditRecord | undefined;
}

/** Fold the records into the CA's state. */
export function foldState(records: readonly AuditRecord[]): CaState {
  const issued = new Map<string, IssuedCertificate>();
  let lastCrlNumber = 0;
  for (const r of records) {
    if (r.type === 'issue') {
      const { type: _t, seq: _s, time, actor: _a, prev: _p, hash: _h, ...fields } = r;
      issued.set(r.serial, { ...fields, issuedAt: time });
    } else if (r.type === 'revoke') {
      const c = issued.get(r.serial);
      if (c && !c.revoked) c.revoked = { at: r.time, reason: r.reason };
    } else if (r.type === 'crl') {
      lastCrlNumber = Math.max(lastCrlNumber, r.crlNumber);
    }
  }
  return { issued, lastCrlNumber, last: records.at(-1) };
}
