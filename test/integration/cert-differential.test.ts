/**
 * Differential test: mitmguard's validator against the real `openssl verify` on chains built with src/pki.
 * Every case states what each side answers; where they disagree the case names which one is right and why, with the
 * RFC or CABF section, and the test asserts both answers so a change on either side is noticed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { createAuthority, issueLeaf, cachedKeyPair, EKU } from '../../src/pki/index.js';
import { buildCrl } from '../../src/pki/crl.js';
import { parseCrls } from '../../src/x509/crl.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { TrustStore } from '../../src/x509/trust-store.js';
import { validateChain } from '../../src/x509/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-x509-diff-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const DAY = 86_400_000;

interface Case {
  name: string;
  root: string;
  intermediates: string[];
  leaf: string;
  host: string;
  /** What mitmguard answers and what openssl answers (true = accepted). */
  mitmguard: boolean;
  openssl: boolean;
  /** When the two disagree: which is right, and why. */
  verdict?: string;
  /** A CRL (PEM) from the leaf's issuer: both sides check revocation against it. */
  crl?: string;
}

const root = createAuthority([['CN', 'Diff Root'], ['O', 'mitmguard']]);
const ica = createAuthority('Diff ICA', { issuer: root, pathLen: 0 });
const caseList: Case[] = [];
const add = (c: Omit<Case, 'root' | 'intermediates'> & { root?: string; intermediates?: string[] }) =>
  caseList.push({ root: root.cert.pem, intermediates: [ica.cert.pem], ...c });

add({ name: 'valid chain', leaf: issueLeaf(ica, { names: ['ok.test'] }).pem, host: 'ok.test', mitmguard: true, openssl: true });
add({ name: 'expired leaf', leaf: issueLeaf(ica, { names: ['old.test'], notBefore: new Date(Date.now() - 100 * DAY), notAfter: new Date(Date.now() - DAY) }).pem, host: 'old.test', mitmguard: false, openssl: false });
add({ name: 'leaf not yet valid', leaf: issueLeaf(ica, { names: ['soon.test'], notBefore: new Date(Date.now() + DAY), notAfter: new Date(Date.now() + 90 * DAY) }).pem, host: 'soon.test', mitmguard: false, openssl: false });
add({ name: 'clientAuth-only EKU for a server', leaf: issueLeaf(ica, { names: ['eku.test'], eku: [EKU.clientAuth] }).pem, host: 'eku.test', mitmguard: false, openssl: false });
add({ name: 'host name mismatch', leaf: issueLeaf(ica, { names: ['a.test'] }).pem, host: 'b.test', mitmguard: false, openssl: false });
add({ name: 'wildcard across two labels', leaf: issueLeaf(ica, { names: ['*.example.test'] }).pem, host: 'a.b.example.test', mitmguard: false, openssl: false });
add({ name: 'corrupted leaf signature', leaf: issueLeaf(ica, { names: ['sig.test'], corruptSignature: true }).pem, host: 'sig.test', mitmguard: false, openssl: false });
{
  const notCa = createAuthority('Diff Not CA', { issuer: root, extensions: { basicConstraints: { ca: false } } });
  add({ name: 'intermediate with basicConstraints cA=FALSE', intermediates: [notCa.cert.pem], leaf: issueLeaf(notCa, { names: ['nca.test'] }).pem, host: 'nca.test', mitmguard: false, openssl: false });
}
{
  const sub = createAuthority('Diff Sub ICA', { issuer: ica });
  add({ name: 'pathLenConstraint 0 exceeded', intermediates: [ica.cert.pem, sub.cert.pem], leaf: issueLeaf(sub, { names: ['deep.test'] }).pem, host: 'deep.test', mitmguard: false, openssl: false });
}
{
  const nc = createAuthority('Diff NC ICA', { issuer: root, extensions: { nameConstraints: { permitted: [{ dns: 'corp.test' }] } } });
  add({ name: 'name outside permitted subtree', intermediates: [nc.cert.pem], leaf: issueLeaf(nc, { names: ['evil.test'] }).pem, host: 'evil.test', mitmguard: false, openssl: false });
  add({ name: 'name inside permitted subtree', intermediates: [nc.cert.pem], leaf: issueLeaf(nc, { names: ['www.corp.test'] }).pem, host: 'www.corp.test', mitmguard: true, openssl: true });
}
add({
  name: 'unknown critical extension in the leaf',
  leaf: issueLeaf(ica, { names: ['crit.test'], extensions: { raw: [{ oid: '1.3.6.1.4.1.55738.666.1', critical: true, value: Uint8Array.from([0x05, 0x00]) }] } }).pem,
  host: 'crit.test', mitmguard: false, openssl: false,
});
{
  const revoked = issueLeaf(ica, { names: ['revoked.test'] });
  const good = issueLeaf(ica, { names: ['good.test'] });
  const crl = buildCrl({ issuer: ica, revoked: [parseCertificate(revoked.der).serial] }).pem;
  add({ name: 'leaf listed on its issuer CRL', leaf: revoked.pem, host: 'revoked.test', crl, mitmguard: false, openssl: false });
  add({ name: 'leaf absent from its issuer CRL', leaf: good.pem, host: 'good.test', crl, mitmguard: true, openssl: true });
}
add({
  name: 'SHA-1 signed leaf', leaf: issueLeaf(ica, { names: ['sha1.test'], hash: 'sha1' }).pem, host: 'sha1.test', mitmguard: false, openssl: true,
  verdict: 'mitmguard is right: SHA-1 chosen-prefix collisions are practical and CABF BR §7.1.3.2 forbids SHA-1 certificate signatures; `openssl verify` checks no algorithm strength unless -auth_level is raised',
});
add({
  name: 'RSA-1024 leaf key', leaf: issueLeaf(ica, { names: ['rsa1024.test'], key: cachedKeyPair({ type: 'rsa', bits: 1024 }, 'diff-1024') }).pem, host: 'rsa1024.test', mitmguard: false, openssl: true,
  verdict: 'mitmguard is right: CABF BR §6.1.5 requires RSA keys of at least 2048 bits; `openssl verify` accepts any size at its default auth level',
});
add({
  name: 'no subjectAltName, host only in the CN', leaf: issueLeaf(ica, { names: [], subject: 'cn-only.test' }).pem, host: 'cn-only.test', mitmguard: false, openssl: true,
  verdict: 'mitmguard is right: RFC 9525 §6.3 removed the CN fallback and CABF BR §7.1.2.7.12 requires a SAN; OpenSSL still falls back to the CN when no DNS SAN is present',
});
add({
  name: 'wildcard over a public suffix (*.co.uk)', leaf: issueLeaf(ica, { names: ['*.co.uk'] }).pem, host: 'victim.co.uk', mitmguard: false, openssl: true,
  verdict: 'mitmguard is right: CABF BR §3.2.2.6 forbids wildcards over a registry-controlled suffix; OpenSSL only requires two labels after the wildcard',
});
add({
  name: 'CA certificate as the server leaf', intermediates: [], leaf: issueLeaf(root, { names: ['ca-leaf.test'], extensions: { basicConstraints: { ca: true }, keyUsage: { usages: ['digitalSignature', 'keyCertSign'] }, subjectKeyIdentifier: true } }).pem, host: 'ca-leaf.test', mitmguard: false, openssl: true,
  verdict: 'mitmguard is right for the web PKI: CABF BR §7.1.2.7.8 requires cA=FALSE in subscriber certificates (a leaf that can sign certificates can mint any name); bare RFC 5280 does not forbid it, which is what OpenSSL implements',
});

function opensslAccepts(c: Case, i: number): boolean {
  const f = (name: string, text: string) => {
    const p = join(dir, `${i}-${name}.pem`);
    writeFileSync(p, text);
    return p;
  };
  const args = ['verify', '-x509_strict', '-purpose', 'sslserver', '-verify_hostname', c.host, '-CAfile', f('root', c.root), ...(c.intermediates.length ? ['-untrusted', f('untrusted', c.intermediates.join(''))] : []), ...(c.crl ? ['-crl_check', '-CRLfile', f('crl', c.crl)] : []), f('leaf', c.leaf)];
  const r = spawnSync('openssl', args, { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.error, undefined, 'openssl could not run');
  return r.status === 0;
}

function mitmguardAccepts(c: Case): boolean {
  const store = new TrustStore([parseCertificate(Uint8Array.from(Buffer.from(c.root.replace(/-----[^-]+-----|\s/g, ''), 'base64')))]);
  const inter = c.intermediates.map((pem) => parseCertificate(Uint8Array.from(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'))));
  const leaf = parseCertificate(Uint8Array.from(Buffer.from(c.leaf.replace(/-----[^-]+-----|\s/g, ''), 'base64')));
  return validateChain(leaf, inter, store, { host: c.host, ...(c.crl ? { crls: parseCrls(c.crl) } : {}) }).valid;
}

caseList.forEach((c, i) => {
  const title = c.mitmguard === c.openssl
    ? `${c.name}: mitmguard and openssl verify both ${c.mitmguard ? 'accept' : 'reject'}`
    : `${c.name}: mitmguard ${c.mitmguard ? 'accepts' : 'rejects'}, openssl verify ${c.openssl ? 'accepts' : 'rejects'} — ${c.verdict}`;
  test(title, () => {
    assert.equal(c.mitmguard !== c.openssl, Boolean(c.verdict), 'a disagreement must name who is right');
    assert.equal(mitmguardAccepts(c), c.mitmguard, 'mitmguard verdict');
    assert.equal(opensslAccepts(c, i), c.openssl, 'openssl verdict');
  });
});
