/**
 * CA keys at rest: PKCS#8 (RFC 5958), optionally encrypted with PBES2 (RFC 8018 §6.2) using scrypt as the key
 * derivation function (RFC 7914 §7) and AES-256-CBC — the form `openssl pkcs8 -topk8 -scrypt` writes, so OpenSSL and
 * Node (which decrypts through OpenSSL) read our files and we read theirs. The passphrase comes from a file or an
 * environment variable, never from the command line (argv is visible to every user on the machine).
 */
import { createCipheriv, createPrivateKey, randomBytes, scryptSync, type KeyObject } from 'node:crypto';
import { MitmError } from '../errors.js';
import { encodePem } from '../x509/pem.js';
import { integer, octets, oid, seq } from './asn1.js';

/** scrypt cost, as `openssl pkcs8 -scrypt` defaults: N = 2^14, r = 8, p = 1 (16 MiB of memory per derivation). */
export const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1 } as const;
/** Passphrases shorter than this are refused: a CA key guarded by "1234" is not guarded. */
export const MIN_PASSPHRASE_LENGTH = 8;

const OID = {
  pbes2: '1.2.840.113549.1.5.13',
  scrypt: '1.3.6.1.4.1.11591.4.11',
  aes256cbc: '2.16.840.1.101.3.4.1.42',
} as const;

/** PEM of a private key: plain PKCS#8, or EncryptedPrivateKeyInfo (PBES2 + scrypt + AES-256-CBC) with a passphrase. */
export function privateKeyToPem(key: KeyObject, passphrase?: string): string {
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  if (passphrase === undefined) return encodePem('PRIVATE KEY', new Uint8Array(pkcs8));
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new MitmError('MG_ERR_USAGE', `the passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters`);
  }
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const { N, r, p } = SCRYPT_PARAMS;
  const derived = scryptSync(passphrase.normalize('NFC'), salt, 32, { N, r, p, maxmem: 256 * N * r });
  const cipher = createCipheriv('aes-256-cbc', derived, iv);
  const encrypted = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  // RFC 7914 §7.1: scrypt-params ::= SEQUENCE { salt, costParameter, blockSize, parallelizationParameter, keyLength }
  const kdf = seq(oid(OID.scrypt), seq(octets(salt), integer(N), integer(r), integer(p), integer(32)));
  const scheme = seq(oid(OID.aes256cbc), octets(iv));
  // RFC 5958 §3: EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm, encryptedData }
  const info = seq(seq(oid(OID.pbes2), seq(kdf, scheme)), octets(encrypted));
  return encodePem('ENCRYPTED PRIVATE KEY', info);
}

export const isEncryptedPem = (pem: string): boolean => pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----');

/** Read a private key PEM; an encrypted one needs `passphrase`, and a wrong one is MG_ERR_PASSPHRASE. */
export function privateKeyFromPem(pem: string, passphrase?: string, label = 'key'): KeyObject {
  const encrypted = isEncryptedPem(pem);
  if (encrypted && passphrase === undefined) {
    throw new MitmError('MG_ERR_PASSPHRASE', `${label} is encrypted: give the passphrase with --passphrase-file or --passphrase-env`);
  }
  try {
    return createPrivateKey(encrypted ? { key: pem, format: 'pem', passphrase: passphrase! } : { key: pem, format: 'pem' });
  } catch (err) {
    if (encrypted) throw new MitmError('MG_ERR_PASSPHRASE', `${label}: wrong passphrase (or the file is damaged)`);
    throw new MitmError('MG_ERR_PEM', `${label} is not a readable private key`, { cause: err });
  }
}
