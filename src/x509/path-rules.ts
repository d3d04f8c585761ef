/**
 * Path validation (RFC 5280 §6.1) as a list of small rules over a complete candidate path, leaf first and trust
 * anchor last. Each rule names the RFC or CABF section it enforces and returns issues; the validator collects all of
 * them so a verdict explains every reason, not only the first.
 */
import { keyInfo, verifySignedBy } from './algorithms.js';
import { unknownCriticalExtensions, findExtension, type Certificate } from './certificate.js';
import { checkRevocation, type Crl } from './crl.js';
import { EKU_OIDS, EXT, type KeyUsageName } from './extensions.js';
import { formatIp } from './general-name.js';
import { checkSanDnsName, matchesIdentity, referenceIdentity } from './hostname.js';
import { checkNameConstraints } from './name-constraints.js';
import { OID_CN, attributeValues } from './name.js';
import type { Purpose, ValidationCode, ValidationIssue } from './types.js';

export interface PathContext {
  /** Leaf first, trust anchor last. */
  path: readonly Certificate[];
  /** Validation time, floored to whole seconds (RFC 5280 §4.1.2.5 has second granularity). */
  at: Date;
  purpose: Purpose;
  host?: string;
  crls: readonly Crl[];
  /** Maximum number of intermediates that are not self-issued (x509-limbo max_chain_depth). */
  maxIntermediates?: number;
  /** Key usages the leaf must allow when it carries a keyUsage extension (e.g. digitalSignature for TLS). */
  keyUsage?: readonly KeyUsageName[];
  /** Email identities (client certificates, S/MIME) the leaf must carry as rfc822Name SANs. */
  emails?: readonly string[];
}

type Emit = (code: ValidationCode, message: string, certIndex: number | null) => void;
type Rule = (ctx: PathContext, emit: Emit) => void;

const PURPOSE_OID: Record<Purpose, string> = { server: EKU_OIDS.serverAuth, client: EKU_OIDS.clientAuth };
const isAnchor = (ctx: PathContext, i: number) => i === ctx.path.length - 1;
const isLeaf = (i: number) => i === 0;
/** Self-signed: self-issued and its own key verifies its signature. */
export const isSelfSigned = (c: Certificate): boolean => c.selfIssued && verifySignedBy(c, c).ok;

const perCert = (check: (c: Certificate, i: number, ctx: PathContext, emit: Emit) => void): Rule => (ctx, emit) =>
  ctx.path.forEach((c, i) => check(c, i, ctx, emit));

/** A dotted name or something address-like (digits, hex, colons): what CN-fallback clients would match against. */
function looksLikeHostOrAddress(cn: string): boolean {
  return /^[^\s]+\.[^\s]+$/.test(cn) || /^[0-9a-fA-Fx:.]+$/.test(cn);
}

export const PATH_RULES: Rule[] = [
  // Encoding defects found while parsing (duplicate extensions, undecodable extension values…).
  perCert((c, i, _ctx, emit) => {
    for (const d of c.defects) emit('malformed', d, i);
  }),
  // RFC 5280 §4.2: a critical extension that is not processed makes the certificate unusable.
  perCert((c, i, _ctx, emit) => {
    for (const oid of unknownCriticalExtensions(c)) emit('unknown-critical-extension', `critical extension ${oid} is not recognised`, i);
  }),
  // RFC 5280 §4.1.1.2: signatureAlgorithm MUST equal tbsCertificate.signature.
  perCert((c, i, _ctx, emit) => {
    if (Buffer.compare(c.signatureAlgorithm.raw, c.innerSignatureAlgorithm.raw) !== 0) {
      emit('malformed', 'signatureAlgorithm differs from tbsCertificate.signature (RFC 5280 §4.1.1.2)', i);
    }
  }),
  // RFC 5280 §6.1.3(a)(2): validity at the validation time, both ends inclusive (§4.1.2.5).
  perCert((c, i, ctx, emit) => {
    if (ctx.at < c.notBefore) emit('not-yet-valid', `not valid before ${c.notBefore.toISOString()}`, i);
    if (ctx.at > c.notAfter) emit('expired', `expired at ${c.notAfter.toISOString()}`, i);
  }),
  // CABF BR §6.1.5, RFC 5480: key kinds and sizes (including the anchor's: it signs what we trust).
  perCert((c, i, _ctx, emit) => {
    const k = keyInfo(c);
    if (k.weakness) emit('weak-key', k.weakness, i);
  }),
  // RFC 5280 §6.1.3(a)(1): each certificate is signed by the next one's key; MD5/SHA-1 are weak (CABF BR §7.1.3.2).
  (ctx, emit) => {
    for (let i = 0; i < ctx.path.length - 1; i++) {
      const r = verifySignedBy(ctx.path[i]!, ctx.path[i + 1]!);
      if (!r.ok) emit('signature-invalid', r.reason ?? 'signature does not verify', i);
      else if (r.scheme?.weakness) emit('weak-signature', r.scheme.weakness, i);
    }
  },
  // RFC 5280 §4.2.1.9: pathLenConstraint only with cA=TRUE.
  perCert((c, i, _ctx, emit) => {
    const bc = c.ext.basicConstraints;
    if (bc && !bc.ca && bc.pathLen !== undefined) emit('profile', 'pathLenConstraint without cA=TRUE (RFC 5280 §4.2.1.9)', i);
  }),
  // CABF BR §7.1.1 (v3 only), RFC 5280 §4.1.2.2 (serial positive, ≤ 20 octets), §4.1.2.4 (non-empty issuer).
  perCert((c, i, ctx, emit) => {
    if (isAnchor(ctx, i) && i > 0) {
      // A trust anchor is configuration (RFC 5280 §6.1.1(d)); its serial and version are not judged.
      if (c.issuer.rdns.length === 0) emit('profile', 'empty issuer name (RFC 5280 §4.1.2.4)', i);
      return;
    }
    if (c.version !== 3) emit('profile', `certificate is v${c.version}, not v3 (CABF BR §7.1.1)`, i);
    if (c.serial.length > 21 || (c.serial.length === 21 && c.serial[0] !== 0)) emit('profile', 'serial number longer than 20 octets (RFC 5280 §4.1.2.2)', i);
    if (c.serial[0]! & 0x80) emit('profile', 'negative serial number (RFC 5280 §4.1.2.2)', i);
    if (c.serial.every((b) => b === 0)) emit('profile', 'serial number is zero (RFC 5280 §4.1.2.2)', i);
    if (c.issuer.rdns.length === 0) emit('profile', 'empty issuer name (RFC 5280 §4.1.2.4)', i);
  }),
  // RFC 5280 §4.2.1.1, §4.2.1.2, §4.2.2.1: AKI, SKI and AIA MUST be non-critical.
  perCert((c, i, _ctx, emit) => {
    const crit: Array<[string, string]> = [
      [EXT.authorityKeyIdentifier, 'authorityKeyIdentifier (RFC 5280 §4.2.1.1)'],
      [EXT.subjectKeyIdentifier, 'subjectKeyIdentifier (RFC 5280 §4.2.1.2)'],
      [EXT.authorityInfoAccess, 'authorityInfoAccess (RFC 5280 §4.2.2.1)'],
    ];
    for (const [oid, label] of crit) if (findExtension(c, oid)?.critical) emit('profile', `${label} is marked critical`, i);
    // RFC 5280 §4.2.1.11: conforming CAs MUST mark policyConstraints critical.
    const pc = findExtension(c, EXT.policyConstraints);
    if (pc && !pc.critical) emit('profile', 'policyConstraints is not critical (RFC 5280 §4.2.1.11)', i);
  }),
  // RFC 5280 §4.2.1.1: keyIdentifier in the AKI of every certificate that is not self-signed.
  // A trust anchor is exempt: it is configuration (RFC 5280 §6.1.1(d)), and cross-signed roots without AKI are common.
  perCert((c, i, ctx, emit) => {
    if (isAnchor(ctx, i) && i > 0) return;
    if (!c.ext.authorityKeyIdentifier?.keyIdentifier && !isSelfSigned(c)) {
      emit('profile', 'authorityKeyIdentifier.keyIdentifier missing from a certificate that is not self-signed (RFC 5280 §4.2.1.1)', i);
    }
  }),
  // CABF BR §7.1.2.1.3: a root's AKI, when present, is only a keyIdentifier equal to its SKI.
  (ctx, emit) => {
    const i = ctx.path.length - 1;
    const root = ctx.path[i]!;
    const aki = root.ext.authorityKeyIdentifier;
    if (!aki || !isSelfSigned(root)) return;
    if (!aki.keyIdentifier) emit('profile', 'root authorityKeyIdentifier without keyIdentifier (CABF BR §7.1.2.1.3)', i);
    if (aki.hasIssuer || aki.hasSerial) emit('profile', 'root authorityKeyIdentifier carries issuer/serial (CABF BR §7.1.2.1.3)', i);
    const ski = root.ext.subjectKeyIdentifier;
    if (aki.keyIdentifier && ski && Buffer.compare(aki.keyIdentifier, ski) !== 0) emit('profile', 'root authorityKeyIdentifier differs from its subjectKeyIdentifier (CABF BR §7.1.2.1.3)', i);
  },
  // RFC 5280 §4.2.1.9 / §6.1.4(k): every issuing certificate is a CA with critical basicConstraints; and a SKI (§4.2.1.2).
  perCert((c, i, _ctx, emit) => {
    if (isLeaf(i)) return;
    const bc = c.ext.basicConstraints;
    if (!bc) emit('not-a-ca', 'issuing certificate has no basicConstraints extension (RFC 5280 §4.2.1.9)', i);
    else if (!bc.ca) emit('not-a-ca', 'issuing certificate has basicConstraints cA=FALSE (RFC 5280 §4.2.1.9)', i);
    else if (!findExtension(c, EXT.basicConstraints)?.critical) emit('profile', 'CA basicConstraints is not critical (RFC 5280 §4.2.1.9)', i);
    if (!c.ext.subjectKeyIdentifier) emit('profile', 'CA certificate has no subjectKeyIdentifier (RFC 5280 §4.2.1.2)', i);
    if (c.subject.rdns.length === 0) emit('profile', 'CA certificate has an empty subject (RFC 5280 §4.1.2.6)', i);
    // RFC 5280 §6.1.4(n): a CA keyUsage, when present, must assert keyCertSign.
    if (c.ext.keyUsage && !c.ext.keyUsage.has('keyCertSign')) emit('key-usage', 'issuing certificate keyUsage lacks keyCertSign (RFC 5280 §4.2.1.3)', i);
  }),
  // RFC 5280 §6.1.4(l)-(m): pathLenConstraint counts the non-self-issued intermediates below a CA.
  (ctx, emit) => {
    const n = ctx.path.length;
    let remaining = ctx.path[n - 1]!.ext.basicConstraints?.pathLen ?? Infinity;
    for (let i = n - 2; i >= 1; i--) {
      const c = ctx.path[i]!;
      if (!c.selfIssued) {
        if (remaining <= 0) emit('path-length', 'a pathLenConstraint above this certificate allows no further CA certificates (RFC 5280 §4.2.1.9)', i);
        remaining--;
      }
      const pl = c.ext.basicConstraints?.pathLen;
      if (pl !== undefined) remaining = Math.min(remaining, pl);
    }
  },
  (ctx, emit) => {
    if (ctx.maxIntermediates === undefined) return;
    const counted = ctx.path.slice(1, -1).filter((c) => !c.selfIssued).length;
    if (counted > ctx.maxIntermediates) emit('max-depth', `${counted} intermediates exceed the maximum of ${ctx.maxIntermediates}`, null);
  },
  // The end entity: CABF BR §7.1.2.7.8 (cA FALSE), RFC 5280 §4.2.1.9 (keyCertSign needs cA), §4.2.1.10 (NC only in CAs).
  (ctx, emit) => {
    const leaf = ctx.path[0]!;
    if (ctx.path.length === 1) return;
    if (leaf.ext.basicConstraints?.ca) emit('profile', 'end-entity certificate has basicConstraints cA=TRUE (CABF BR §7.1.2.7.8)', 0);
    if (leaf.ext.keyUsage?.has('keyCertSign')) emit('key-usage', 'end-entity keyUsage asserts keyCertSign (RFC 5280 §4.2.1.9, CABF BR §7.1.2.7.11)', 0);
    if (leaf.ext.nameConstraints) emit('profile', 'end-entity certificate carries nameConstraints (RFC 5280 §4.2.1.10)', 0);
  },
  // RFC 5280 §4.2.1.3: when the leaf restricts its key usage, the requested usages must be among them.
  (ctx, emit) => {
    const ku = ctx.path[0]!.ext.keyUsage;
    if (!ku) return;
    for (const want of ctx.keyUsage ?? []) if (!ku.has(want)) emit('key-usage', `end-entity keyUsage does not allow ${want}`, 0);
  },
  // RFC 5280 §4.2.1.12 with CABF BR §7.1.2.7.10 and §7.1.2.1.2: the purpose must be present in the leaf.
  (ctx, emit) => {
    const want = PURPOSE_OID[ctx.purpose];
    const leaf = ctx.path[0]!;
    const eku = leaf.ext.extKeyUsage;
    if (!eku) emit('extended-key-usage', `end-entity certificate has no extendedKeyUsage; ${ctx.purpose} authentication needs it (CABF BR §7.1.2.7.10)`, 0);
    else {
      if (!eku.includes(want)) emit('extended-key-usage', `extendedKeyUsage does not include ${ctx.purpose}Auth`, 0);
      if (eku.includes(EKU_OIDS.anyExtendedKeyUsage)) emit('profile', 'end-entity extendedKeyUsage includes anyExtendedKeyUsage (CABF BR §7.1.2.7.10)', 0);
      if (findExtension(leaf, EXT.extKeyUsage)?.critical) emit('profile', 'end-entity extendedKeyUsage is critical (CABF BR §7.1.2.7.6)', 0);
    }
    ctx.path.forEach((c, i) => {
      if (i === 0 || !c.ext.extKeyUsage) return;
      if (isAnchor(ctx, i) && c.selfIssued) emit('profile', 'root certificate carries extendedKeyUsage (CABF BR §7.1.2.1.2)', i);
      else if (!c.ext.extKeyUsage.includes(want) && !c.ext.extKeyUsage.includes(EKU_OIDS.anyExtendedKeyUsage)) {
        emit('extended-key-usage', `CA extendedKeyUsage does not include ${ctx.purpose}Auth`, i);
      }
    });
  },
  // RFC 5280 §6.1.3(b)-(c): names below a CA with nameConstraints; self-issued intermediates are exempt.
  (ctx, emit) => {
    for (let i = ctx.path.length - 1; i >= 1; i--) {
      const nc = ctx.path[i]!.ext.nameConstraints;
      if (!nc) continue;
      for (let j = i - 1; j >= 0; j--) {
        const c = ctx.path[j]!;
        if (j > 0 && c.selfIssued) continue;
        const r = checkNameConstraints(c, nc);
        if (!r.ok) emit('name-constraints', `${r.reason} (constraint in certificate ${i})`, j);
      }
    }
  },
  // The leaf's subjectAltName: RFC 5280 §4.2.1.6 criticality rules, CABF BR §7.1.2.7.12 (SAN required for TLS servers),
  // §7.1.4.3 (CN is a character-for-character copy of a SAN), valid DNS names.
  (ctx, emit) => {
    const leaf = ctx.path[0]!;
    const sanExt = findExtension(leaf, EXT.subjectAltName);
    const emptySubject = leaf.subject.rdns.length === 0;
    if (sanExt && sanExt.critical && !emptySubject) emit('profile', 'subjectAltName is critical although the subject is not empty (CABF BR §7.1.2.7.12)', 0);
    if (emptySubject && (!sanExt || !sanExt.critical)) emit('profile', 'empty subject without a critical subjectAltName (RFC 5280 §4.2.1.6)', 0);
    const sans = leaf.ext.subjectAltName ?? [];
    if (ctx.purpose === 'server' && !sanExt) emit('profile', 'server certificate has no subjectAltName (CABF BR §7.1.2.7.12; no CN fallback, RFC 9525 §6.3)', 0);
    for (const n of sans) {
      if (n.type !== 'dns') continue;
      const d = checkSanDnsName(n.text);
      if (d) emit('profile', d, 0);
    }
    if (sanExt) {
      const texts = new Set(sans.flatMap((n) => (n.type === 'dns' ? [n.text] : n.type === 'ip' ? [formatIp(n.bytes)] : [])));
      for (const cn of attributeValues(leaf.subject, OID_CN)) {
        // Only a CN that a legacy CN-fallback client would read as a host name or address can mislead; a label like
        // "Payments API" is left alone.
        if (ctx.purpose === 'server' && looksLikeHostOrAddress(cn) && !texts.has(cn)) emit('profile', `subject CN ${JSON.stringify(cn)} is not a copy of a subjectAltName entry (CABF BR §7.1.4.3)`, 0);
      }
    }
  },
  // RFC 6125 §6 / RFC 9525 §6.3: the requested host against the SANs only.
  (ctx, emit) => {
    if (ctx.host === undefined) return;
    const ref = referenceIdentity(ctx.host);
    if (!ref) {
      emit('hostname-mismatch', `${JSON.stringify(ctx.host)} is not a valid host name or IP address`, 0);
      return;
    }
    if (!matchesIdentity(ctx.path[0]!.ext.subjectAltName ?? [], ref)) {
      emit('hostname-mismatch', `certificate is not valid for ${ref.kind === 'ip' ? ref.text : ref.name} (subjectAltName checked; no CN fallback)`, 0);
    }
  },
  // RFC 5280 §4.2.1.6 / RFC 8398: an email identity matches an rfc822Name SAN, local part exactly, domain case-insensitively.
  (ctx, emit) => {
    const sans = (ctx.path[0]!.ext.subjectAltName ?? []).filter((n) => n.type === 'email').map((n) => n.text);
    const norm = (e: string) => {
      const at = e.lastIndexOf('@');
      return at < 0 ? e : `${e.slice(0, at)}@${e.slice(at + 1).toLowerCase()}`;
    };
    for (const want of ctx.emails ?? []) {
      if (!sans.some((s) => norm(s) === norm(want))) emit('hostname-mismatch', `certificate has no rfc822Name SAN for ${want}`, 0);
    }
  },
  // RFC 5280 §6.3: revocation from the CRLs given, for every certificate below the anchor.
  (ctx, emit) => {
    if (!ctx.crls.length) return;
    for (let i = 0; i < ctx.path.length - 1; i++) {
      const v = checkRevocation(ctx.path[i]!, ctx.path[i + 1]!, ctx.crls);
      if (v.status === 'revoked') emit('revoked', v.message, i);
      else if (v.status === 'unusable') emit('crl-invalid', v.message, i);
    }
  },
];

/** Run every rule over one complete path. */
export function checkPath(ctx: PathContext): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const rule of PATH_RULES) rule(ctx, (code, message, certIndex) => issues.push({ code, message, certIndex }));
  return issues;
}
