import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../model/index.js';
import type { CertificateFacts } from '../model/index.js';
import type { DerivedFacts } from './facts.js';
import { A_PLUS_RULES, GRADE_RULES, gradeInventory, gradePillar, gradeTarget, scoreToGrade, type GradeContext } from './grade.js';
import { suiteTraits } from './suites.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;

const cert = (over: Partial<CertificateFacts> = {}): CertificateFacts => ({
  pem: '',
  subject: 'CN=good.test',
  issuer: 'CN=Lab CA',
  notBefore: new Date(NOW.getTime() - 10 * DAY).toISOString(),
  notAfter: new Date(NOW.getTime() + 80 * DAY).toISOString(),
  sans: ['good.test'],
  keyType: 'EC',
  keyBits: 256,
  signatureAlgorithm: 'ecdsa-with-SHA256',
  sha256: 'x',
  ...over,
});

/** A good modern TLS 1.2 + 1.3 endpoint; each test changes one thing. */
const good = (over: Partial<DerivedFacts> = {}): DerivedFacts => ({
  target: 'good.test:443',
  host: 'good.test',
  plaintext: false,
  tls: true,
  protocols: ['TLSv1.2', 'TLSv1.3'],
  suites: ['TLS_AES_256_GCM_SHA384', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'].map(suiteTraits),
  groups: ['x25519', 'secp384r1'],
  leaf: cert(),
  chain: [cert(), cert({ subject: 'CN=Lab CA', issuer: 'CN=Lab CA' })],
  ocspStapled: false,
  compression: false,
  secureRenegotiation: true,
  fallbackScsv: true,
  hsts: null,
  redirectsToHttps: false,
  clientAuth: null,
  starttls: null,
  dnsAssessed: false,
  clientAudited: false,
  ...over,
});

const ctx = (facts: DerivedFacts, findings: Finding[] = []): GradeContext => ({ facts, findings, now: NOW });
const finding = (over: Partial<Finding>): Finding => ({
  id: 'x.y',
  pillar: 'encryption',
  severity: 'info',
  target: 'good.test:443',
  title: 't',
  evidence: 'e',
  remediation: 'r',
  references: [],
  ...over,
});

/** One case per rule: the facts that trigger it and the pillar grade the rule leads to. */
const CASES: Record<string, { ctx: GradeContext; pillar: keyof ReturnType<typeof gradeTarget>['pillars']; grade: string }> = {
  'any.severity-critical': { ctx: ctx(good(), [finding({ severity: 'critical' })]), pillar: 'encryption', grade: 'F' },
  'any.severity-high': { ctx: ctx(good(), [finding({ severity: 'high' })]), pillar: 'encryption', grade: 'C' },
  'any.severity-medium': { ctx: ctx(good(), [finding({ severity: 'medium' })]), pillar: 'encryption', grade: 'B' },
  'any.severity-low': { ctx: ctx(good({ hsts: { maxAge: 63072000, includeSubDomains: true, preload: false } }), [finding({ severity: 'low' })]), pillar: 'encryption', grade: 'A' },
  'encryption.plaintext': { ctx: ctx(good({ plaintext: true, tls: false, protocols: [], suites: [], leaf: null, chain: [] })), pillar: 'encryption', grade: 'F' },
  'encryption.redirect-to-https': { ctx: ctx(good({ plaintext: true, redirectsToHttps: true, tls: false, protocols: [], suites: [], leaf: null, chain: [] })), pillar: 'encryption', grade: 'B' },
  'encryption.sslv2': { ctx: ctx(good({ protocols: ['SSLv2', 'TLSv1.2'] })), pillar: 'encryption', grade: 'F' },
  'encryption.sslv3': { ctx: ctx(good({ protocols: ['SSLv3', 'TLSv1.2'] })), pillar: 'encryption', grade: 'C' },
  'encryption.tls10-tls11': { ctx: ctx(good({ protocols: ['TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] })), pillar: 'encryption', grade: 'B' },
  'encryption.no-tls12': { ctx: ctx(good({ protocols: ['TLSv1.0'] })), pillar: 'encryption', grade: 'C' },
  'encryption.null-export-anon': { ctx: ctx(good({ suites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_NULL_SHA256'].map(suiteTraits) })), pillar: 'encryption', grade: 'F' },
  'encryption.rc4': { ctx: ctx(good({ suites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_RC4_128_SHA'].map(suiteTraits) })), pillar: 'encryption', grade: 'C' },
  'encryption.64-bit-block': { ctx: ctx(good({ suites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA'].map(suiteTraits) })), pillar: 'encryption', grade: 'C' },
  'encryption.no-forward-secrecy': { ctx: ctx(good({ protocols: ['TLSv1.2'], suites: ['TLS_RSA_WITH_AES_128_GCM_SHA256'].map(suiteTraits), leaf: cert({ keyType: 'RSA', keyBits: 2048 }) })), pillar: 'encryption', grade: 'B' },
  'encryption.some-non-fs': { ctx: ctx(good({ suites: ['TLS_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_128_GCM_SHA256'].map(suiteTraits), leaf: cert({ keyType: 'RSA', keyBits: 4096 }) })), pillar: 'encryption', grade: 'A-' },
  'encryption.no-aead': { ctx: ctx(good({ protocols: ['TLSv1.2'], suites: ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384'].map(suiteTraits) })), pillar: 'encryption', grade: 'B' },
  'encryption.compression': { ctx: ctx(good({ compression: true })), pillar: 'encryption', grade: 'C' },
  'encryption.insecure-renegotiation': { ctx: ctx(good({ secureRenegotiation: false })), pillar: 'encryption', grade: 'C' },
  'encryption.no-fallback-scsv': { ctx: ctx(good({ protocols: ['TLSv1.1', 'TLSv1.2'], fallbackScsv: false })), pillar: 'encryption', grade: 'B' },
  'encryption.weak-key-exchange': { ctx: ctx(good({ groups: ['secp192r1'] })), pillar: 'encryption', grade: 'B' },
  'encryption.broken-key-exchange': { ctx: ctx(good({ suites: ['TLS_DH_anon_WITH_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256'].map(suiteTraits) })), pillar: 'encryption', grade: 'F' },
  'certificates.expired': { ctx: ctx(good({ leaf: cert({ notAfter: new Date(NOW.getTime() - DAY).toISOString() }) })), pillar: 'certificates', grade: 'T' },
  'certificates.self-signed': { ctx: ctx(good({ leaf: cert({ issuer: 'CN=good.test' }), chain: [cert({ issuer: 'CN=good.test' })] })), pillar: 'certificates', grade: 'T' },
  'certificates.name-mismatch': { ctx: ctx(good({ host: 'other.test' })), pillar: 'certificates', grade: 'T' },
  'certificates.untrusted': { ctx: ctx(good(), [finding({ id: 'cert.chain.untrusted-root', pillar: 'certificates', severity: 'info' })]), pillar: 'certificates', grade: 'T' },
  'certificates.md5-signature': { ctx: ctx(good({ chain: [cert({ signatureAlgorithm: 'md5WithRSAEncryption' })] })), pillar: 'certificates', grade: 'F' },
  'certificates.sha1-signature': { ctx: ctx(good({ chain: [cert({ signatureAlgorithm: 'sha1WithRSAEncryption' })] })), pillar: 'certificates', grade: 'C' },
  'certificates.key-below-1024': { ctx: ctx(good({ leaf: cert({ keyType: 'RSA', keyBits: 512 }) })), pillar: 'certificates', grade: 'F' },
  'certificates.key-below-2048': { ctx: ctx(good({ leaf: cert({ keyType: 'RSA', keyBits: 1024 }) })), pillar: 'certificates', grade: 'B' },
  'certificates.expires-soon': { ctx: ctx(good({ leaf: cert({ notAfter: new Date(NOW.getTime() + 10 * DAY).toISOString() }) })), pillar: 'certificates', grade: 'A-' },
  'mutual-auth.optional-client-certificate': { ctx: ctx(good({ clientAuth: 'requested' })), pillar: 'mutual-auth', grade: 'A-' },
};

test('every grading rule has a case below (docs/grading.md lists the same ids)', () => {
  assert.deepEqual(Object.keys(CASES).sort(), GRADE_RULES.map((r) => r.id).sort());
});

for (const rule of GRADE_RULES) {
  test(`grading rule ${rule.id}: ${rule.title}`, () => {
    const c = CASES[rule.id]!;
    const before = gradePillar(c.pillar, ctx(good()));
    assert.ok(!before.caps.some((x) => x.rule === rule.id), 'the good baseline does not trigger the rule');
    const g = gradePillar(c.pillar, c.ctx);
    assert.ok(g.caps.some((x) => x.rule === rule.id), `rule applied (caps: ${JSON.stringify(g.caps)})`);
    assert.equal(g.grade, c.grade);
  });
}

test('a good endpoint without HSTS gets A for encryption, and A+ with a long HSTS max-age', () => {
  assert.equal(gradePillar('encryption', ctx(good())).grade, 'A');
  assert.match(gradePillar('encryption', ctx(good())).notes.join(), /HSTS/);
  assert.equal(gradePillar('encryption', ctx(good({ hsts: { maxAge: 31536000, includeSubDomains: false, preload: false } }))).grade, 'A+');
  assert.equal(gradePillar('encryption', ctx(good({ hsts: { maxAge: 300, includeSubDomains: false, preload: false } }))).grade, 'A');
});

test('A+ rules: HSTS lifts encryption, OCSP stapling lifts certificates, a required client certificate lifts mutual-auth', () => {
  assert.deepEqual(Object.keys(A_PLUS_RULES).sort(), ['certificates', 'encryption', 'mutual-auth']);
  assert.equal(gradePillar('certificates', ctx(good({ ocspStapled: true }))).grade, 'A+');
  assert.equal(gradePillar('mutual-auth', ctx(good({ clientAuth: 'required' }))).grade, 'A+');
  // A cap below A blocks A+ even with HSTS.
  assert.equal(gradePillar('encryption', ctx(good({ protocols: ['TLSv1.0', 'TLSv1.2'], hsts: { maxAge: 31536000, includeSubDomains: true, preload: true } }))).grade, 'B');
});

test('pillars without observations are n/a and do not drag the overall grade', () => {
  const t = gradeTarget(ctx(good()));
  assert.equal(t.pillars.network.grade, null);
  assert.equal(t.pillars['mutual-auth'].grade, null);
  assert.equal(t.overall, 'A');
});

test('the network pillar is graded when the DNS step ran: clean is A, a bogus answer is F', () => {
  assert.equal(gradePillar('network', ctx(good({ dnsAssessed: true }))).grade, 'A');
  const bogus = finding({ id: 'dns.dnssec.bogus', pillar: 'network', severity: 'critical' });
  assert.equal(gradePillar('network', ctx(good({ dnsAssessed: true }), [bogus])).grade, 'F');
  assert.equal(gradePillar('network', ctx(good())).grade, null);
});

test('an audited client is graded on certificates: no accepted forgery is an A, an accepted forgery caps it', () => {
  const client = good({ target: 'client:app', tls: false, protocols: [], suites: [], leaf: null, chain: [], clientAudited: true });
  assert.equal(gradePillar('certificates', ctx(client)).grade, 'A');
  const accepted = finding({ id: 'audit.client.self-signed', pillar: 'certificates', severity: 'critical' });
  assert.equal(gradePillar('certificates', ctx(client, [accepted])).grade, 'F');
  assert.equal(gradePillar('certificates', ctx({ ...client, clientAudited: false })).grade, null);
});

test('overall is the worst pillar; the inventory grade per pillar is its worst target', () => {
  const a = gradeTarget(ctx(good()));
  const b = gradeTarget(ctx(good({ target: 'old.test:443', protocols: ['TLSv1.0', 'TLSv1.2'] })));
  const c = gradeTarget(ctx(good({ target: 'bad.test:443', host: 'wrong.test' })));
  assert.equal(b.overall, 'B');
  assert.equal(c.overall, 'T');
  const inv = gradeInventory([a, b, c]);
  assert.equal(inv.pillars.encryption.grade, 'B');
  assert.equal(inv.pillars.encryption.worstTarget, 'old.test:443');
  assert.equal(inv.pillars.certificates.grade, 'T');
  assert.equal(inv.overall, 'T');
  assert.deepEqual(inv.pillars.encryption.distribution, { A: 2, B: 1 });
});

test('score bands follow the SSL Labs guide: 80 A, 65 B, 50 C, 35 D, 20 E, below F', () => {
  assert.deepEqual([100, 80, 79, 65, 50, 35, 20, 19].map(scoreToGrade), ['A', 'A', 'B', 'B', 'C', 'D', 'E', 'F']);
});

test('network and mutual-auth are graded from their findings: 100 minus a penalty per severity', () => {
  const g = gradePillar('network', ctx(good(), [finding({ pillar: 'network', severity: 'medium' })]));
  assert.equal(g.score, 80);
  assert.equal(g.grade, 'B');
});

test('docs/grading.md documents every grading rule and every A+ rule by id', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../docs/grading.md', import.meta.url), 'utf8');
  for (const r of GRADE_RULES) assert.ok(doc.includes(`\`${r.id}\``), `${r.id} is missing from docs/grading.md`);
  for (const r of Object.values(A_PLUS_RULES)) assert.ok(doc.includes(`\`${r!.id}\``), `${r!.id} is missing from docs/grading.md`);
});
