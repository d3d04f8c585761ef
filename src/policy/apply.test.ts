import { test } from 'node:test';
import { parseHsts } from '../posture/hsts.js';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import type { Finding } from '../model/index.js';
import { createAuthority, issueLeaf } from '../pki/index.js';
import type { CertificateFacts, TargetReport } from '../model/index.js';
import { applyPolicy, evaluatePolicy, globToRegExp, rulesFor } from './apply.js';
import { spkiPin } from './facts.js';
import { parsePolicy, presetPolicy } from './load.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;

const ca = createAuthority('Policy Test CA');
const leaf = issueLeaf(ca, { names: ['svc.test'] });

const certFacts = (over: Partial<CertificateFacts> = {}): CertificateFacts => ({
  pem: leaf.pem,
  subject: 'CN=svc.test',
  issuer: 'CN=Policy Test CA',
  notBefore: new Date(NOW.getTime() - 10 * DAY).toISOString(),
  notAfter: new Date(NOW.getTime() + 80 * DAY).toISOString(),
  sans: ['svc.test'],
  keyType: 'EC',
  keyBits: 256,
  signatureAlgorithm: 'ecdsa-with-SHA256',
  sha256: 'x',
  ...over,
});

/** A recorded report of a well-configured TLS 1.2/1.3 endpoint; tests change one thing. */
const report = (over: Partial<TargetReport> = {}, tls: Partial<NonNullable<TargetReport['tls']>> = {}): TargetReport => ({
  target: 'svc.test:443',
  host: 'svc.test',
  port: 443,
  ok: true,
  error: null,
  findings: [],
  durationMs: 5,
  tls: {
    protocols: { SSLv2: false, SSLv3: false, 'TLSv1.0': false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true },
    cipherSuites: { 'TLSv1.3': ['TLS_AES_128_GCM_SHA256'], 'TLSv1.2': ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'] },
    serverPreference: {},
    groups: ['x25519'],
    alpn: [],
    certificates: [certFacts()],
    ocspStapled: false,
    secureRenegotiation: true,
    fallbackScsv: true,
    compression: false,
    ...tls,
  },
  ...over,
});

const ids = (fs: Finding[]) => fs.map((f) => f.id).sort();

test('a well-configured endpoint has no findings under the intermediate policy', () => {
  assert.deepEqual(evaluatePolicy(report(), presetPolicy('intermediate'), { now: NOW }), []);
});

test('the modern policy flags TLS 1.2 and its suite on the same endpoint', () => {
  const f = evaluatePolicy(report(), presetPolicy('modern'), { now: NOW });
  assert.deepEqual(ids(f), ['policy.tls.min-version', 'policy.tls.suite-not-allowed']);
  assert.match(f.find((x) => x.id === 'policy.tls.min-version')!.evidence, /accepted TLSv1\.2; policy minimum is TLSv1\.3/);
});

test('legacy protocols, a weak suite and a foreign group are findings under intermediate', () => {
  const r = report({}, {
    protocols: { SSLv2: false, SSLv3: false, 'TLSv1.0': true, 'TLSv1.1': true, 'TLSv1.2': true, 'TLSv1.3': false },
    cipherSuites: { 'TLSv1.0': ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'] },
    groups: ['secp521r1'],
  });
  const f = evaluatePolicy(r, presetPolicy('intermediate'), { now: NOW });
  assert.deepEqual(ids(f), ['policy.tls.group-not-allowed', 'policy.tls.min-version', 'policy.tls.suite-not-allowed']);
  assert.equal(f[0]!.severity, 'high', 'most severe first');
});

test('certificate rules: small key, SHA-1, expired, expiring, long lifetime', () => {
  const p = presetPolicy('intermediate');
  const one = (c: Partial<CertificateFacts>) => ids(evaluatePolicy(report({}, { certificates: [certFacts(c)] }), p, { now: NOW }));
  assert.deepEqual(one({ keyType: 'RSA', keyBits: 1024 }), ['policy.cert.key-too-small']);
  assert.deepEqual(one({ signatureAlgorithm: 'sha1WithRSAEncryption' }), ['policy.cert.signature-hash']);
  assert.deepEqual(one({ notAfter: new Date(NOW.getTime() - DAY).toISOString() }), ['policy.cert.expired']);
  assert.deepEqual(one({ notAfter: new Date(NOW.getTime() + 3 * DAY).toISOString() }), ['policy.cert.expiring']);
  assert.deepEqual(one({ notBefore: new Date(NOW.getTime() - 800 * DAY).toISOString() }), ['policy.cert.lifetime-too-long']);
  const tiny = evaluatePolicy(report({}, { certificates: [certFacts({ keyType: 'RSA', keyBits: 512 })] }), p, { now: NOW });
  assert.equal(tiny[0]!.severity, 'critical', 'a key under 1024 bits is critical');
});

/** An HttpObservation (src/posture/http.ts) with one HTTPS answer and an optional plain-HTTP hop. */
function httpSeen(opts: { hsts?: string | null; plainLocation?: string }): TargetReport['http'] {
  const hop = (url: string, status: number, location: string | null, hsts: string | null) =>
    ({ url, status, location, hsts, cookies: [], error: null, policy: hsts === null ? null : parseHsts(hsts), mixedContent: [] });
  return {
    target: 't',
    host: '127.0.0.1',
    https: opts.plainLocation ? null : hop('https://127.0.0.1:8443/', 200, null, opts.hsts ?? null),
    httpChain: opts.plainLocation ? [hop('http://127.0.0.1:8080/', 301, opts.plainLocation, null)] : [],
  };
}

test('a plaintext HTTP target is a critical encryption finding', () => {
  const f = evaluatePolicy(report({ target: 'http://127.0.0.1:8080', tls: null }), presetPolicy('intermediate'), { now: NOW });
  assert.deepEqual(ids(f), ['policy.tls.plaintext']);
  assert.equal(f[0]!.pillar, 'encryption');
});

test('plain HTTP that redirects to HTTPS is a medium finding, not critical', () => {
  const r = { ...report({ target: 'http://127.0.0.1:8080', tls: null }), http: httpSeen({ plainLocation: 'https://127.0.0.1:8443/' }) } as TargetReport;
  const f = evaluatePolicy(r, presetPolicy('intermediate'), { now: NOW });
  assert.deepEqual(ids(f), ['policy.tls.plaintext']);
  assert.equal(f[0]!.severity, 'medium');
  assert.match(f[0]!.evidence, /redirects to HTTPS/);
});

test('HSTS is judged only when the scan looked at HTTP, and then against the policy minimum', () => {
  const p = presetPolicy('intermediate');
  const withHsts = (h: string | null) => ids(evaluatePolicy({ ...report(), http: httpSeen({ hsts: h }) } as TargetReport, p, { now: NOW }));
  assert.deepEqual(withHsts(null), ['policy.tls.hsts-missing']);
  assert.deepEqual(withHsts('max-age=300'), ['policy.tls.hsts-missing']);
  assert.deepEqual(withHsts('includeSubDomains'), ['policy.tls.hsts-missing'], 'an invalid header is ignored (RFC 6797 §8.1)');
  assert.deepEqual(withHsts('max-age=63072000'), []);
  assert.deepEqual(ids(evaluatePolicy(report(), p, { now: NOW })), [], 'no HTTP facts: not judged');
});

test('mTLS zones by tag: a server that does not require a client certificate is a mutual-auth finding', () => {
  const p = parsePolicy('targets:\n  - tags: [payments]\n    requireMtls: true\n');
  const mtls = (requested: boolean, required: boolean): TargetReport['mtls'] => ({
    target: 'svc.test:443', host: 'svc.test', port: 443, certificateRequest: null, requestedOnTls12: requested,
    withoutCertificate: [], untrustedCertificate: null, required, requested, error: null,
  });
  const r = { ...report(), mtls: mtls(true, false) } as TargetReport;
  assert.deepEqual(ids(evaluatePolicy(r, p, { now: NOW, tags: ['web'] })), []);
  const f = evaluatePolicy(r, p, { now: NOW, tags: ['payments'] });
  assert.deepEqual(ids(f), ['policy.mtls.not-required']);
  assert.equal(f[0]!.pillar, 'mutual-auth');
  const required = { ...report(), mtls: mtls(true, true) } as TargetReport;
  assert.deepEqual(ids(evaluatePolicy(required, p, { now: NOW, tags: ['payments'] })), []);
});

test('SPKI pins: the right pin passes, any other is a critical finding', () => {
  const pin = spkiPin(leaf.pem)!;
  assert.match(pin, /^sha256\/\/[A-Za-z0-9+/]{43}=$/);
  const other = spkiPin(issueLeaf(ca, { names: ['x.test'], key: { type: 'ec', curve: 'P-384' } }).pem)!;
  const ok = parsePolicy(`targets:\n  - pattern: "svc.test:*"\n    pins: ["${pin}"]\n`);
  const bad = parsePolicy(`targets:\n  - pattern: "svc.test:*"\n    pins: ["${other}"]\n`);
  assert.deepEqual(evaluatePolicy(report(), ok, { now: NOW }), []);
  const f = evaluatePolicy(report(), bad, { now: NOW });
  assert.deepEqual(ids(f), ['policy.cert.pin-mismatch']);
  assert.equal(f[0]!.severity, 'critical');
});

test('STARTTLS required: a plaintext answer from a mail service is a finding', () => {
  const p = parsePolicy('targets:\n  - pattern: "smtp://*"\n    requireStarttls: true\n');
  const posture: TargetReport['posture'] = {
    target: 'smtp://127.0.0.1:2525', host: '127.0.0.1', port: 2525, starttls: null, postgres: null, mysql: null, redis: null, error: null,
    service: { protocol: 'smtp', encrypted: false, via: 'banner', banner: '220 mail.test ESMTP' },
  };
  assert.deepEqual(ids(evaluatePolicy(report({ target: 'smtp://127.0.0.1:2525', tls: null, posture }), p, { now: NOW })), [
    'policy.tls.plaintext',
    'policy.tls.starttls-required',
  ]);
});

test('severity overrides change the severity; accepted risks hide a finding until they expire', () => {
  const f: Finding = { id: 'tls.protocol.tls10-enabled', pillar: 'encryption', severity: 'high', target: 'legacy.test:443', title: 't', evidence: 'TLS 1.0', remediation: 'r', references: [] };
  const p = parsePolicy(`
severityOverrides:
  tls.protocol.tls10-enabled: low
acceptedRisks:
  - id: tls.protocol.tls10-enabled
    target: "legacy.*"
    reason: old scanners in the warehouse
    expires: 2026-06-01
`);
  const onTheDay = applyPolicy([f], p, NOW);
  assert.deepEqual(onTheDay.findings, []);
  assert.equal(onTheDay.accepted[0]!.finding.severity, 'low');
  const after = applyPolicy([f], p, new Date(NOW.getTime() + DAY));
  assert.equal(after.findings.length, 1);
  assert.equal(after.findings[0]!.severity, 'low');
  assert.match(after.findings[0]!.evidence, /accepted risk expired 2026-06-01: old scanners/);
  const otherTarget = applyPolicy([{ ...f, target: 'new.test:443' }], p, NOW);
  assert.equal(otherTarget.findings.length, 1, 'the risk covers only matching targets');
});

test('globs: * and ? match, other characters are literal; rules match by tag or pattern', () => {
  assert.ok(globToRegExp('*.example.com:44?').test('a.b.example.com:443'));
  assert.ok(!globToRegExp('*.example.com').test('example.com'));
  assert.ok(!globToRegExp('a.b').test('axb'));
  const p = parsePolicy('targets:\n  - tags: [db]\n    requireMtls: true\n  - pattern: "*:5432"\n    requireStarttls: true\n');
  assert.equal(rulesFor(p, 'pg.test:5432', ['db']).length, 2);
  assert.equal(rulesFor(p, 'web.test:443', ['web']).length, 0);
});
