/** Read a CA directory into a `ca` observation for `ca list` and its checks (I/O: stats and reads files). */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseCertificates } from '../x509/certificate.js';
import { parseCrl } from '../x509/crl.js';
import { foldState, verifyChain } from './audit-log.js';
import type { CaObservation } from './observation.js';
import type { CertificateAuthority } from './store.js';

const KEY_FILES = ['root.key', 'intermediate.key', 'ocsp.key'];

export function observeCa(ca: CertificateAuthority, at: Date): CaObservation {
  const verdict = existsSync(ca.path('audit.jsonl')) ? verifyChain(readFileSync(ca.path('audit.jsonl'), 'utf8')) : { ok: false, events: 0, records: [], brokenAt: { line: 0, reason: 'audit.jsonl is missing' } };
  const state = foldState(verdict.records);
  const successors = new Set([...state.issued.values()].flatMap((c) => (c.renewedFrom ? [c.renewedFrom] : [])));
  const exposedKeys = KEY_FILES.filter((f) => existsSync(ca.path(f)))
    .map((f) => ({ file: f, mode: (statSync(ca.path(f)).mode & 0o777).toString(8).padStart(4, '0') }))
    .filter((k) => (parseInt(k.mode, 8) & 0o077) !== 0);
  let crl: CaObservation['crl'] = {};
  if (existsSync(ca.path('crl.der'))) {
    const c = parseCrl(new Uint8Array(readFileSync(ca.path('crl.der'))));
    crl = { ...(c.crlNumber !== undefined ? { number: c.crlNumber } : {}), ...(c.nextUpdate ? { nextUpdate: c.nextUpdate.toISOString() } : {}) };
  }
  const responder = parseCertificates(readFileSync(ca.path('ocsp.pem'), 'utf8'))[0]!;
  return {
    dir: ca.dir,
    at: at.toISOString(),
    name: ca.config.name,
    encrypted: ca.config.encrypted,
    rootKeyOnline: existsSync(ca.path('root.key')),
    exposedKeys,
    intermediate: { subject: ca.intermediate.subject.text, notAfter: ca.intermediate.notAfter.toISOString() },
    responder: { notAfter: responder.notAfter.toISOString() },
    crl,
    audit: verdict.ok ? { ok: true, events: verdict.events } : { ok: false, events: verdict.events, brokenAt: verdict.brokenAt! },
    certificates: [...state.issued.values()]
      .filter((c) => c.profile !== 'ocsp')
      .map((c) => ({
        serial: c.serial, profile: c.profile, names: c.names, notBefore: c.notBefore, notAfter: c.notAfter, keyAlgorithm: c.keyAlgorithm,
        status: c.revoked ? ('revoked' as const) : new Date(c.notAfter) < at ? ('expired' as const) : ('valid' as const),
        renewed: successors.has(c.serial),
        ...(c.requester ? { requester: c.requester } : {}),
        ...(c.revoked ? { revoked: c.revoked } : {}),
      })),
  };
}
