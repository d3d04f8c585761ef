/**
 * Certificate extensions (RFC 5280 §4.2): every extension is kept with its criticality; the ones the validator
 * processes are decoded by a table of small decoders. A decoding failure is recorded as a defect of the certificate
 * (so `cert show` still shows it) and makes the certificate unusable in a path.
 */
import { DerReader, TAG, decodeBitString, decodeBoolean, decodeOid, decodeSmallInt } from './der.js';
import { decodeGeneralName, decodeGeneralNames, type GeneralName } from './general-name.js';
import { MitmError } from '../errors.js';

export const EXT = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  cRLNumber: '2.5.29.20',
  nameConstraints: '2.5.29.30',
  cRLDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  freshestCRL: '2.5.29.46',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  subjectInfoAccess: '1.3.6.1.5.5.7.1.11',
  tlsFeature: '1.3.6.1.5.5.7.1.24',
  sctList: '1.3.6.1.4.1.11129.2.4.2',
  precertPoison: '1.3.6.1.4.1.11129.2.4.3',
} as const;

/** Extensions the validator understands well enough to accept when marked critical (RFC 5280 §4.2). */
export const CRITICAL_OK: ReadonlySet<string> = new Set([
  EXT.basicConstraints, EXT.keyUsage, EXT.extKeyUsage, EXT.subjectAltName, EXT.nameConstraints, EXT.certificatePolicies,
  EXT.policyConstraints, EXT.policyMappings, EXT.inhibitAnyPolicy, EXT.tlsFeature,
]);

export const KEY_USAGE_BITS = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign',
  'encipherOnly', 'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];

export const EKU_OIDS = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

export interface GeneralSubtree {
  base: GeneralName;
}

/** The decoded extensions the validator and the analysis use. */
export interface DecodedExtensions {
  basicConstraints?: { ca: boolean; pathLen?: number };
  keyUsage?: Set<KeyUsageName>;
  extKeyUsage?: string[];
  subjectAltName?: GeneralName[];
  nameConstraints?: { permitted?: GeneralSubtree[]; excluded?: GeneralSubtree[] };
  subjectKeyIdentifier?: Uint8Array;
  authorityKeyIdentifier?: { keyIdentifier?: Uint8Array; hasIssuer: boolean; hasSerial: boolean };
  authorityInfoAccess?: { ocsp: string[]; caIssuers: string[] };
  crlDistributionPoints?: string[];
  policyConstraints?: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number };
  sctCount?: number;
}

type Decoder = (value: Uint8Array, out: DecodedExtensions) => void;

const malformed = (what: string, why: string): never => {
  throw new MitmError('MG_ERR_X509_PARSE', `${what}: ${why}`);
};

function seq(value: Uint8Array, what: string): DerReader {
  const r = new DerReader(value, what);
  const inner = r.enter(TAG.SEQUENCE, what);
  r.end();
  return inner;
}

function accessDescriptions(value: Uint8Array, what: string): { ocsp: string[]; caIssuers: string[] } {
  const r = seq(value, what);
  const out = { ocsp: [] as string[], caIssuers: [] as string[] };
  let n = 0;
  while (!r.done) {
    const ad = r.enter(TAG.SEQUENCE, 'AccessDescription');
    const method = decodeOid(ad.read(TAG.OID).value, what);
    const loc = decodeGeneralName(ad.read(undefined, 'accessLocation'), what);
    ad.end();
    n++;
    if (loc.type !== 'uri') continue;
    if (method === '1.3.6.1.5.5.7.48.1') out.ocsp.push(loc.text);
    else if (method === '1.3.6.1.5.5.7.48.2') out.caIssuers.push(loc.text);
  }
  // RFC 5280 §4.2.2.1: SIZE (1..MAX); CABF 7.1.2.7.7 repeats it.
  if (n === 0) malformed(what, 'AuthorityInfoAccessSyntax holds no AccessDescription');
  return out;
}

function subtrees(r: DerReader, what: string): GeneralSubtree[] {
  const out: GeneralSubtree[] = [];
  while (!r.done) {
    const st = r.enter(TAG.SEQUENCE, 'GeneralSubtree');
    const base = decodeGeneralName(st.read(undefined, 'base'), what);
    // RFC 5280 §4.2.1.10: minimum MUST be zero and maximum MUST be absent.
    if (!st.done) malformed(what, 'GeneralSubtree carries minimum/maximum, which RFC 5280 forbids');
    out.push({ base });
  }
  return out;
}

/** One decoder per processed extension (tables over branches). */
export const DECODERS: Record<string, Decoder> = {
  [EXT.basicConstraints]: (v, out) => {
    const r = seq(v, 'basicConstraints');
    let ca = false;
    const b = r.optional(TAG.BOOLEAN, 'cA');
    if (b) {
      ca = decodeBoolean(b.value, 'basicConstraints');
      // DER: a DEFAULT FALSE value is never encoded (X.690 §11.5).
      if (!ca) malformed('basicConstraints', 'cA FALSE encoded explicitly (DER forbids DEFAULT values)');
    }
    const p = r.optional(TAG.INTEGER, 'pathLenConstraint');
    r.end();
    out.basicConstraints = p ? { ca, pathLen: decodeSmallInt(p.value, 'pathLenConstraint') } : { ca };
  },
  [EXT.keyUsage]: (v, out) => {
    const r = new DerReader(v, 'keyUsage');
    const { unused, bytes } = decodeBitString(r.read(TAG.BIT_STRING).value, 'keyUsage');
    r.end();
    const set = new Set<KeyUsageName>();
    KEY_USAGE_BITS.forEach((name, i) => {
      const byte = bytes[i >> 3];
      if (byte !== undefined && byte & (0x80 >> (i & 7))) set.add(name);
    });
    if (bytes.length > 2 || (bytes.length && unused && bytes[bytes.length - 1]! & ((1 << unused) - 1))) malformed('keyUsage', 'invalid bit string');
    // RFC 5280 §4.2.1.3: when present, at least one bit MUST be set.
    if (set.size === 0) malformed('keyUsage', 'no bit set');
    out.keyUsage = set;
  },
  [EXT.extKeyUsage]: (v, out) => {
    const r = seq(v, 'extKeyUsage');
    const oids: string[] = [];
    while (!r.done) oids.push(decodeOid(r.read(TAG.OID).value, 'extKeyUsage'));
    // RFC 5280 §4.2.1.12: KeyPurposeId SIZE (1..MAX).
    if (oids.length === 0) malformed('extKeyUsage', 'empty list of key purposes');
    out.extKeyUsage = oids;
  },
  [EXT.subjectAltName]: (v, out) => {
    out.subjectAltName = decodeGeneralNames(seq(v, 'subjectAltName'), 'subjectAltName');
  },
  [EXT.nameConstraints]: (v, out) => {
    const r = seq(v, 'nameConstraints');
    const nc: NonNullable<DecodedExtensions['nameConstraints']> = {};
    const p = r.optional(0xa0, 'permittedSubtrees');
    if (p) nc.permitted = subtrees(new DerReader(p.value, 'permittedSubtrees'), 'nameConstraints');
    const e = r.optional(0xa1, 'excludedSubtrees');
    if (e) nc.excluded = subtrees(new DerReader(e.value, 'excludedSubtrees'), 'nameConstraints');
    r.end();
    // RFC 5280 §4.2.1.10: "Conforming CAs MUST NOT issue certificates where name constraints is an empty sequence";
    // CABF 7.1.2.5.2 also forbids both subtrees being absent or empty.
    if (!nc.permitted?.length && !nc.excluded?.length) malformed('nameConstraints', 'neither permitted nor excluded subtrees');
    out.nameConstraints = nc;
  },
  [EXT.subjectKeyIdentifier]: (v, out) => {
    const r = new DerReader(v, 'subjectKeyIdentifier');
    const ki = r.read(TAG.OCTET_STRING).value;
    r.end();
    if (ki.length === 0) malformed('subjectKeyIdentifier', 'empty key identifier');
    out.subjectKeyIdentifier = ki;
  },
  [EXT.authorityKeyIdentifier]: (v, out) => {
    const r = seq(v, 'authorityKeyIdentifier');
    const ki = r.optional(0x80, 'keyIdentifier');
    const issuer = r.optional(0xa1, 'authorityCertIssuer');
    const serial = r.optional(0x82, 'authorityCertSerialNumber');
    r.end();
    // RFC 5280 §4.2.1.1: issuer and serial are present together or not at all.
    if (Boolean(issuer) !== Boolean(serial)) malformed('authorityKeyIdentifier', 'authorityCertIssuer without serial number or the reverse');
    out.authorityKeyIdentifier = { ...(ki ? { keyIdentifier: ki.value } : {}), hasIssuer: Boolean(issuer), hasSerial: Boolean(serial) };
  },
  [EXT.authorityInfoAccess]: (v, out) => {
    out.authorityInfoAccess = accessDescriptions(v, 'authorityInfoAccess');
  },
  [EXT.cRLDistributionPoints]: (v, out) => {
    const r = seq(v, 'cRLDistributionPoints');
    const urls: string[] = [];
    while (!r.done) {
      const dp = r.enter(TAG.SEQUENCE, 'DistributionPoint');
      const name = dp.optional(0xa0, 'distributionPoint');
      if (name) {
        const nr = new DerReader(name.value, 'DistributionPointName');
        const full = nr.optional(0xa0, 'fullName');
        if (full) {
          const gr = new DerReader(full.value, 'fullName');
          while (!gr.done) {
            const gn = decodeGeneralName(gr.read(), 'cRLDistributionPoints');
            if (gn.type === 'uri') urls.push(gn.text);
          }
        }
      }
    }
    out.crlDistributionPoints = urls;
  },
  [EXT.policyConstraints]: (v, out) => {
    const r = seq(v, 'policyConstraints');
    const pc: NonNullable<DecodedExtensions['policyConstraints']> = {};
    const a = r.optional(0x80);
    if (a) pc.requireExplicitPolicy = decodeSmallInt(a.value, 'requireExplicitPolicy');
    const b = r.optional(0x81);
    if (b) pc.inhibitPolicyMapping = decodeSmallInt(b.value, 'inhibitPolicyMapping');
    r.end();
    // RFC 5280 §4.2.1.11: not an empty sequence.
    if (!a && !b) malformed('policyConstraints', 'empty sequence');
    out.policyConstraints = pc;
  },
  [EXT.sctList]: (v, out) => {
    // RFC 6962 §3.3: an OCTET STRING holding a TLS-encoded SignedCertificateTimestampList; we count entries.
    const r = new DerReader(v, 'sctList');
    const list = r.read(TAG.OCTET_STRING).value;
    r.end();
    let count = 0;
    if (list.length >= 2) {
      let off = 2;
      while (off + 2 <= list.length) {
        off += 2 + ((list[off]! << 8) | list[off + 1]!);
        count++;
      }
    }
    out.sctCount = count;
  },
};
