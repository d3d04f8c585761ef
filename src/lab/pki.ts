/**
 * The lab's certificates, minted at start-up with src/pki: one private root, one intermediate, and a leaf per flaw.
 * Keys live in memory only; nothing is written to disk, so there is no key file to protect or leak.
 */
import { createAuthority, issueLeaf, privateKeyPem, type Authority } from '../pki/index.js';
import { LAB_DNS_NAMES } from './dns-names.js';

const DAY = 86_400_000;
/** The names every lab leaf carries (unless the flaw is the name): lab targets are 127.0.0.1:port. */
export const LAB_NAMES = ['127.0.0.1', 'localhost'];

export interface LabCredential {
  /** Leaf first, then whatever chain the endpoint sends. */
  certPem: string;
  keyPem: string;
}

export interface LabPki {
  root: Authority;
  intermediate: Authority;
  /** A separate CA for client certificates (the mTLS endpoints trust only it). */
  clientCa: Authority;
  rootPem: string;
  credentials: Record<LeafKind, LabCredential>;
}

/** Each kind is one deliberate property of the served chain. */
export const LEAF_KINDS = ['good', 'rsa', 'expired', 'self-signed', 'wrong-host', 'incomplete-chain', 'weak-key', 'sha1', 'dns-names'] as const;
export type LeafKind = (typeof LEAF_KINDS)[number];

/** Mint the lab PKI (about a second: the RSA keys dominate; key pairs are cached per process by src/pki). */
export function createLabPki(now = new Date()): LabPki {
  const t = now.getTime();
  const root = createAuthority([['CN', 'mitmguard lab root CA'], ['O', 'mitmguard lab']]);
  const intermediate = createAuthority([['CN', 'mitmguard lab issuing CA'], ['O', 'mitmguard lab']], { issuer: root, pathLen: 0 });
  const clientCa = createAuthority([['CN', 'mitmguard lab client CA'], ['O', 'mitmguard lab']]);
  const chain = (leaf: { pem: string }) => leaf.pem + intermediate.cert.pem;
  const cred = (leaf: ReturnType<typeof issueLeaf>, certPem: string): LabCredential => ({ certPem, keyPem: privateKeyPem(leaf.keyPair) });
  const issue = (o: Parameters<typeof issueLeaf>[1]) => issueLeaf(intermediate, o);
  const good = issue({ names: LAB_NAMES });
  const rsa = issue({ names: LAB_NAMES, key: { type: 'rsa', bits: 2048 } });
  const expired = issue({ names: LAB_NAMES, notBefore: new Date(t - 400 * DAY), notAfter: new Date(t - 30 * DAY) });
  const selfSigned = issueLeaf(null, { names: LAB_NAMES });
  const wrongHost = issue({ names: ['wrong-host.mitmguard.invalid'] });
  const incomplete = issue({ names: LAB_NAMES });
  const weak = issue({ names: LAB_NAMES, key: { type: 'rsa', bits: 1024 } });
  const sha1 = issue({ names: LAB_NAMES, key: { type: 'rsa', bits: 2048 }, hash: 'sha1' });
  // A good leaf for the names of the lab DNS zone (src/lab/dns-zone.ts), scanned by name at 127.0.0.1.
  const dnsNames = issue({ names: [...Object.values(LAB_DNS_NAMES), ...LAB_NAMES] });
  return {
    root,
    intermediate,
    clientCa,
    rootPem: root.cert.pem,
    credentials: {
      good: cred(good, chain(good)),
      rsa: cred(rsa, chain(rsa)),
      expired: cred(expired, chain(expired)),
      'self-signed': cred(selfSigned, selfSigned.pem),
      'wrong-host': cred(wrongHost, chain(wrongHost)),
      // The flaw: the intermediate is not sent, so a client cannot build a path to the root (RFC 5246 §7.4.2).
      'incomplete-chain': cred(incomplete, incomplete.pem),
      'weak-key': cred(weak, chain(weak)),
      sha1: cred(sha1, chain(sha1)),
      'dns-names': cred(dnsNames, chain(dnsNames)),
    },
  };
}
