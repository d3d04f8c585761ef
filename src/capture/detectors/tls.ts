/**
 * TLS interception seen on the wire: a chain that does not validate for the name the client asked for (judged at the
 * capture's time by an injected judge — src/capture/chain-judge.ts wires src/x509), a key outside the baseline's pins,
 * one name presenting different keys or issuers within the capture, deprecated versions, and versions below the
 * baseline's minimum. TLS 1.3 certificates are encrypted: for them only versions are judged.
 */
import type { Detector, Finding, Severity } from '../../model/index.js';
import { suiteByName } from '../../tls/wire/suites.js';
import type { Baseline } from '../baseline.js';
import type { CaptureEvent } from '../events.js';
import { at, BoundedMap, Raiser } from './state.js';

export interface ChainVerdict {
  valid: boolean;
  /** Why it does not validate, one short phrase per problem. */
  problems: string[];
  leafSubject: string | null;
  issuer: string | null;
  /** `sha256//<base64>` (src/x509/pin.ts) of the leaf's SubjectPublicKeyInfo (RFC 7469 §2.4), null when the leaf did not parse. */
  spkiPin: string | null;
}

/** Judge a chain (DER, leaf first) for `host` at `at`. Pure from the detector's point of view. */
export type ChainJudge = (ders: Uint8Array[], host: string | null, at: Date) => ChainVerdict;

export const TLS_DETECTOR_LIMITS = { maxNames: 16_384, maxFlows: 65_536 } as const;

const VERSION_RANK: Record<string, number> = { SSLv2: 0, SSLv3: 1, 'TLSv1.0': 2, 'TLSv1.1': 3, 'TLSv1.2': 4, 'TLSv1.3': 5 };
const WEAK = new Set(['SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1']);

/** Why a negotiated suite is weak (RFC 9325 §4.1), with the severity of the worst reason; null when it is not. */
export function suiteWeakness(name: string): { reasons: string[]; severity: Severity } | null {
  const s = suiteByName(name);
  if (!s || s.tls13) return null;
  const broken = [s.cipher === 'NULL' && 'no encryption (NULL)', s.anonymous && 'anonymous key exchange', s.export && 'export-grade', /RC4|^DES|DES40|IDEA/.test(s.cipher) && `broken cipher ${s.cipher}`].filter((x): x is string => !!x);
  const weak = [/3DES/.test(s.cipher) && '64-bit block cipher 3DES (Sweet32)', !s.forwardSecret && !s.anonymous && `no forward secrecy (${s.kx} key exchange)`].filter((x): x is string => !!x);
  if (!broken.length && !weak.length) return null;
  return { reasons: [...broken, ...weak], severity: broken.length ? 'high' : 'medium' };
}

export function createTlsDetector(baseline: Baseline, judge: ChainJudge | null, limits = TLS_DETECTOR_LIMITS): Detector<CaptureEvent> {
  const sniByFlow = new BoundedMap<number, string | null>(limits.maxFlows);
  const seen = new BoundedMap<string, { pin: string | null; issuer: string | null; frame: number }>(limits.maxNames);
  const raiser = new Raiser();
  return {
    name: 'tls',
    observe(e) {
      const out: Finding[] = [];
      const where = at(e.frameNumber, e.timestampUs);
      if (e.kind === 'tls-client-hello') {
        sniByFlow.set(e.flow.id, e.hello.sni);
        return out;
      }
      if (e.kind === 'tls-server-hello') {
        const sni = sniByFlow.get(e.flow.id) ?? null;
        const name = sni ?? e.flow.server;
        const target = `${name}:${e.flow.serverPort}`;
        const v = e.hello.version;
        if (WEAK.has(v)) raiser.raise(out, 'capture.tls.weak-version', `${target}|${v}`, target, `${e.flow.server}:${e.flow.serverPort}${sni ? ` (SNI ${sni})` : ''} negotiated ${v} with ${e.hello.cipherSuite}, ${where}`);
        const weakSuite = suiteWeakness(e.hello.cipherSuite);
        if (weakSuite) raiser.raise(out, 'capture.tls.weak-suite', `${target}|${e.hello.cipherSuite}`, target, `${e.flow.server}:${e.flow.serverPort}${sni ? ` (SNI ${sni})` : ''} negotiated ${e.hello.cipherSuite}: ${weakSuite.reasons.join(', ')}, ${where}`, weakSuite.severity);
        const min = sni ? baseline.tls[sni]?.minVersion : undefined;
        if (min && (VERSION_RANK[v] ?? 0) < VERSION_RANK[min]!) raiser.raise(out, 'capture.tls.downgrade', `${target}|${v}`, target, `${sni} negotiated ${v}; the baseline requires at least ${min}, ${where}`);
        return out;
      }
      if (e.kind !== 'tls-certificates') return out;
      const sni = e.sni;
      const name = sni ?? e.flow.server;
      const target = `${name}:${e.flow.serverPort}`;
      if (!judge) return out;
      const verdict = judge(e.ders, sni, new Date(Math.floor(e.timestampUs / 1000)));
      const who = `${verdict.leafSubject ?? 'unparsable leaf'} issued by ${verdict.issuer ?? 'unknown'}`;
      if (!verdict.valid) raiser.raise(out, 'capture.tls.chain-invalid', `${target}|${verdict.spkiPin}`, target, `${e.flow.server}:${e.flow.serverPort}${sni ? ` for ${sni}` : ' (no SNI)'} presented ${who}: ${verdict.problems.join('; ')}, ${where}`);
      const pins = sni ? baseline.tls[sni]?.pins : undefined;
      if (pins && verdict.spkiPin && !pins.includes(verdict.spkiPin)) raiser.raise(out, 'capture.tls.pin-mismatch', `${target}|${verdict.spkiPin}`, target, `${sni} presented key ${verdict.spkiPin} (${who}); the baseline pins ${pins.join(', ')}, ${where}`);
      const prior = seen.get(name);
      if (prior && (prior.pin !== verdict.spkiPin || prior.issuer !== verdict.issuer)) {
        const issuerChanged = prior.issuer !== verdict.issuer;
        raiser.raise(out, 'capture.tls.certificate-changed', `${name}|${verdict.spkiPin}`, target, `${name} presented key ${prior.pin} from ${prior.issuer} (frame ${prior.frame}), now key ${verdict.spkiPin} from ${verdict.issuer}, ${where}`, issuerChanged ? 'high' : 'medium');
      }
      if (!prior) seen.set(name, { pin: verdict.spkiPin, issuer: verdict.issuer, frame: e.frameNumber });
      return out;
    },
    finish: () => [],
  };
}
