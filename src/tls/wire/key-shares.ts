/**
 * Real key shares for the groups a probe offers (RFC 8446 §4.2.8.2): X25519 and P-256 public keys generated with
 * node:crypto once per process. A scanner never completes the key exchange, but servers validate the share.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { KeyShareEntry } from './client-hello.js';

const cache = new Map<number, Uint8Array>();

/** Uncompressed P-256 point or raw X25519 key, generated once. */
const GENERATORS: Record<number, () => Uint8Array> = {
  0x001d: () => {
    const der = generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'der' });
    return Uint8Array.from(der.subarray(der.length - 32));
  },
  0x0017: () => {
    const jwk = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'jwk' });
    const x = Buffer.from(jwk.x!, 'base64url');
    const y = Buffer.from(jwk.y!, 'base64url');
    return Uint8Array.from(Buffer.concat([Buffer.from([4]), x, y]));
  },
};

/** The groups we can send a real key share for. */
export const KEY_SHARE_GROUPS = Object.keys(GENERATORS).map(Number);

/** A key share entry for `group`, or null when we cannot build one (the server then answers with an HRR). */
export function keyShareFor(group: number): KeyShareEntry | null {
  const make = GENERATORS[group];
  if (!make) return null;
  let key = cache.get(group);
  if (!key) {
    key = make();
    cache.set(group, key);
  }
  return { group, keyExchange: key };
}
