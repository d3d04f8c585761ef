/**
 * The TLS detector's chain judge, wired to src/x509: strict RFC 5280 / RFC 6125 validation of the presented chain for
 * the SNI, at the capture's time, against Node's roots plus the user's `--ca` anchors. Kept apart from the pure
 * detectors because the trust store reads files.
 */
import { assessServerChain } from '../x509/assess.js';
import { parseCertificate } from '../x509/certificate.js';
import { spkiPin as certificatePin } from '../x509/analysis.js';
import { nodeTrustStore } from '../x509/trust-store-files.js';
import type { TrustStore } from '../x509/trust-store.js';
import type { ChainJudge, ChainVerdict } from './detectors/index.js';

export function x509ChainJudge(options: { extraAnchors?: TrustStore; anchors?: TrustStore } = {}): ChainJudge {
  return function judgeChain(ders: Uint8Array[], host: string | null, at: Date): ChainVerdict {
    const a = assessServerChain(ders, { ...(host ? { host } : {}), at, ...options, anchors: options.anchors ?? nodeTrustStore() });
    let spkiPin: string | null = null;
    try {
      spkiPin = ders[0] ? certificatePin(parseCertificate(ders[0])) : null;
    } catch {
      spkiPin = null;
    }
    const leaf = a.presented[0] ?? null;
    const problems = [...a.errors.map((e) => `${e.code}: ${e.message}`), ...a.parseErrors.map((e) => `${e.code}: ${e.message}`)];
    if (!host) problems.push('no SNI: the name could not be checked');
    return { valid: a.valid && host !== null, problems, leafSubject: leaf?.subject ?? null, issuer: leaf?.issuer ?? null, spkiPin };
  };
}
