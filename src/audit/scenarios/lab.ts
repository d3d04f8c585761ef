/**
 * The per-run lab: a trusted "lab CA" the client is told to trust (written to `{ca}`), an untrusted root, an untrusted
 * twin of the lab CA (same name, other key — what a forger who copies the issuer name presents) and the leaf keys.
 * Keys of the authorities are fresh per run; leaf keys are reused across scenarios, as a minting attacker would.
 */
import { createAuthority, generateKeyPair, cachedKeyPair, type Authority, type KeyPair } from '../../pki/index.js';
import type { UpstreamTemplate } from './upstream.js';
import { spkiSha256OfDer } from '../../x509/pin.js';

export interface AuditLab {
  /** The name certificates are issued for: what the client connects to. */
  host: string;
  labCa: Authority;
  untrustedRoot: Authority;
  /** Same subject as the lab CA, different key: signs the mimic scenario. */
  labCaTwin: Authority;
  /** The key of the baseline (and most forged) leaves. */
  leafKey: KeyPair;
  /** Another key, for the pinning scenario. */
  otherKey: KeyPair;
  /** RSA-2048 leaf key, for suites with RSA key exchange (NULL-SHA256). */
  rsaLeafKey: KeyPair;
  /** The real server's certificate to copy in the mimic scenario (`--mimic`); absent: the baseline is copied. */
  upstream?: UpstreamTemplate;
  createdAt: number;
}

export const LAB_CA_NAME = [['CN', 'mitmguard Audit Lab CA'], ['O', 'mitmguard client audit']] as const;

/**
 * Build the lab for one run. The lab CA is RSA so that MD5 and SHA-1 signed leaves can be made with it (ECDSA with MD5
 * has no algorithm identifier); leaves default to P-256 for speed.
 */
export function createAuditLab(host: string, options: { upstream?: UpstreamTemplate } = {}): AuditLab {
  const rsa = () => generateKeyPair({ type: 'rsa', bits: 2048 });
  const labCa = createAuthority(LAB_CA_NAME, { key: rsa() });
  return {
    host,
    labCa,
    untrustedRoot: createAuthority([['CN', 'mitmguard Audit Untrusted Root'], ['O', 'mitmguard client audit']], { key: generateKeyPair({ type: 'ec', curve: 'P-256' }) }),
    // The twin carries the name of the issuer being impersonated: the real one's when mimicking an upstream.
    labCaTwin: createAuthority(options.upstream?.issuer ?? LAB_CA_NAME, { key: rsa() }),
    ...(options.upstream ? { upstream: options.upstream } : {}),
    leafKey: generateKeyPair({ type: 'ec', curve: 'P-256' }),
    otherKey: generateKeyPair({ type: 'ec', curve: 'P-256' }),
    rsaLeafKey: cachedKeyPair({ type: 'rsa', bits: 2048 }, 'audit-rsa-leaf'),
    createdAt: Date.now(),
  };
}

/** RFC 7469 §2.4 pin-sha256 of a key, bare base64: the `{pin}` placeholder (`curl --pinnedpubkey sha256//{pin}`). */
export function keyPinSha256(key: KeyPair): string {
  return spkiSha256OfDer(key.publicKey.export({ type: 'spki', format: 'der' }));
}
