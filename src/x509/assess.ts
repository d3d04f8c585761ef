/**
 * The scanner's entry point: judge a chain exactly as a server presented it (DER, leaf first) and return plain data
 * that checks (observation kind `certificate-chain`) turn into findings.
 */
import { toMitmError, type MitmErrorCode } from '../errors.js';
import { analyseCertificate, type CertificateAnalysis } from './analysis.js';
import { parseCertificate, type Certificate } from './certificate.js';
import type { Crl } from './crl.js';
import { TrustStore } from './trust-store.js';
import type { Profile, Purpose, ValidationIssue } from './types.js';
import { validateChain } from './validate.js';

export interface AssessOptions {
  /** Host name or IP address the client asked for (SNI / URL host). */
  host?: string;
  /** Extra anchors (an organisation's private CA, `--ca FILE|DIR`), trusted in addition to `anchors`. */
  extraAnchors?: TrustStore;
  /** Base trust store: the caller's choice (Node's bundled roots are `nodeTrustStore()`, src/x509/trust-store-files.ts). */
  anchors: TrustStore;
  /** Validation time; default now. */
  at?: Date;
  purpose?: Purpose;
  profile?: Profile;
  crls?: readonly Crl[];
  /** Email identities a client certificate must carry (purpose 'client'). */
  emails?: readonly string[];
}

export interface ChainAssessment {
  valid: boolean;
  host: string | null;
  /** ISO time the chain was judged at. */
  at: string;
  purpose: Purpose;
  profile: Profile;
  /** Certificates the peer sent. */
  presentedCount: number;
  /** Whether the built path reaches a trust anchor (false: self-signed, untrusted root or incomplete chain). */
  anchored: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  /** The built path (accepted, or the best candidate), leaf first, each certificate analysed. */
  path: CertificateAnalysis[];
  /** Every presented certificate analysed, in the order sent; null where it did not parse. */
  presented: Array<CertificateAnalysis | null>;
  /** Presented certificates that could not be parsed. */
  parseErrors: Array<{ index: number; code: MitmErrorCode; message: string }>;
}

/**
 * Assess a presented chain (DER, leaf first, as sent) against `anchors` plus `extraAnchors`.
 *
 * @example
 * const a = assessServerChain(peerDers, { host: 'example.com', anchors: nodeTrustStore(), extraAnchors: loadTrustStore({ paths: ['ca.pem'] }) });
 * const findings = catalogue.run('certificate-chain', a, 'example.com:443');
 */
export function assessServerChain(presented: Uint8Array[], options: AssessOptions): ChainAssessment {
  const at = options.at ?? new Date();
  const purpose = options.purpose ?? 'server';
  const profile = options.profile ?? 'strict';
  const certs: Array<Certificate | null> = [];
  const parseErrors: ChainAssessment['parseErrors'] = [];
  presented.forEach((der, index) => {
    try {
      certs.push(parseCertificate(der));
    } catch (err) {
      const e = toMitmError(err, 'MG_ERR_X509_PARSE');
      parseErrors.push({ index, code: e.code, message: e.message });
      certs.push(null);
    }
  });
  const base: Omit<ChainAssessment, 'valid' | 'anchored' | 'errors' | 'warnings' | 'path'> = {
    host: options.host ?? null,
    at: at.toISOString(),
    purpose,
    profile,
    presentedCount: presented.length,
    presented: certs.map((c, i) => (c ? analyseOrNull(c, at, i === 0) : null)),
    parseErrors,
  };
  const leaf = certs[0];
  if (!leaf) {
    const message = presented.length === 0 ? 'the peer presented no certificate' : `the leaf certificate cannot be parsed: ${parseErrors[0]?.message}`;
    return { ...base, valid: false, anchored: false, errors: [{ code: 'malformed', message, certIndex: 0 }], warnings: [], path: [] };
  }
  const store = new TrustStore().merge(options.anchors);
  if (options.extraAnchors) store.merge(options.extraAnchors);
  try {
    return { ...base, ...judge(leaf, certs, store, options, at, purpose, profile) };
  } catch (err) {
    // Validation is written not to throw on parsed input; if it ever does, the scan still gets a verdict.
    const e = toMitmError(err);
    return { ...base, valid: false, anchored: false, errors: [{ code: 'malformed', message: `${e.code}: ${e.message}`, certIndex: null }], warnings: [], path: [] };
  }
}

/** Analysis of a parsed certificate, or null if it cannot be analysed (never an exception out of an assessment). */
function analyseOrNull(c: Certificate, at: Date, isLeaf: boolean): CertificateAnalysis | null {
  try {
    return analyseCertificate(c, at, isLeaf);
  } catch {
    return null;
  }
}

function judge(
  leaf: Certificate,
  certs: Array<Certificate | null>,
  store: TrustStore,
  options: AssessOptions,
  at: Date,
  purpose: Purpose,
  profile: Profile,
): Pick<ChainAssessment, 'valid' | 'anchored' | 'errors' | 'warnings' | 'path'> {
  const result = validateChain(
    leaf,
    certs.slice(1).filter((c): c is Certificate => c !== null),
    store,
    {
      at, purpose, profile,
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.crls ? { crls: options.crls } : {}),
      ...(options.emails ? { emails: options.emails } : {}),
    },
  );
  return {
    valid: result.valid,
    anchored: result.anchored,
    errors: result.errors,
    warnings: result.warnings,
    path: result.path.map((c, i) => analyseCertificate(c, at, i === 0)),
  };
}

declare module '../model/target.js' {
  interface TargetObservations {
    /** The presented chain judged by the strict validator (src/x509): trusted, complete, for this name, now. */
    certificateValidation?: ChainAssessment | null;
  }
}
