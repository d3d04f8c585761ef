/**
 * CAA, DANE/TLSA, MTA-STS and TLS-RPT against real servers on loopback: knotd serves signed zones, a node HTTPS
 * server with certificates from a private CA (src/pki) serves MTA-STS policies and plays the TLS server that TLSA
 * records describe.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import https from 'node:https';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { catalogue } from '../../src/checks/catalogue.js';
import { parseAnchors } from '../../src/dns/dnssec/anchors.js';
import { assessTargetDns } from '../../src/dns/index.js';
import { probeCaa, probeMail, probeTlsa } from '../../src/dns/probe.js';
import { createAuthority, issueLeaf, privateKeyPem } from '../../src/pki/index.js';
import { loopbackAddress, startKnot, type KnotServer } from '../helpers/knot.js';

const POLICIES: Record<string, string> = {
  'mta-sts.mail.test': 'version: STSv1\nmode: enforce\nmx: mx1.mail.test\nmx: *.backup.mail.test\nmax_age: 604800\n',
  'mta-sts.weak.test': 'version: STSv1\nmode: testing\nmx: mx.elsewhere.test\nmax_age: 86400\n',
};

describe('CAA, TLSA, MTA-STS and TLS-RPT against real servers', () => {
  const ca = createAuthority([['O', 'Mail Test CA'], ['CN', 'Mail Test Root']]);
  const leaf = issueLeaf(ca, { names: ['www.mail.test', 'mta-sts.mail.test', 'mta-sts.weak.test', 'mta-sts.broken.test', 'www.weak.test'] });
  const spkiSha256 = createHash('sha256').update(new X509Certificate(Buffer.from(leaf.der)).publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
  const caSha512 = createHash('sha512').update(ca.cert.der).digest('hex');
  let knot: KnotServer;
  let web: https.Server;
  let webAddr: { host: string; port: number };

  before(async () => {
    const host = loopbackAddress();
    web = https.createServer({ key: privateKeyPem(leaf.keyPair), cert: leaf.pem + ca.cert.pem }, (req, res) => {
      const policy = POLICIES[String(req.headers.host)];
      if (req.url !== '/.well-known/mta-sts.txt' || !policy) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end(policy);
    });
    await new Promise<void>((r) => web.listen(0, host, () => r()));
    webAddr = { host, port: (web.address() as net.AddressInfo).port };
    knot = await startKnot([
      { name: 'test.', signing: 'ecdsa' },
      {
        name: 'mail.test.', signing: 'ecdsa',
        records: [
          '@ MX 10 mx1', '@ MX 20 mx2.backup', 'mx1 A 192.0.2.25', 'mx2.backup A 192.0.2.26',
          '_mta-sts TXT "v=STSv1; id=20261128"', '_smtp._tls TXT "v=TLSRPTv1; rua=mailto:tlsrpt@mail.test"',
          '@ CAA 0 issue "ca.mail.test"', 'www A 192.0.2.80',
          `_443._tcp.www TLSA 3 1 1 ${spkiSha256}`, `_8443._tcp.www TLSA 3 1 1 ${'00'.repeat(32)}`, `_9443._tcp.www TLSA 2 0 2 ${caSha512}`,
        ],
      },
      { name: 'weak.test.', signing: 'ecdsa', records: ['@ MX 10 mx.weak.test.', 'mx A 192.0.2.27', '_mta-sts TXT "v=STSv1; id=1"', '@ CAA 0 issue "letsencrypt.org"', 'www A 192.0.2.81'] },
      { name: 'broken.test.', signing: 'ecdsa', records: ['@ MX 10 mx.broken.test.', 'mx A 192.0.2.28', '_mta-sts TXT "v=STSv1; id=1"'] },
      { name: 'bare.test.', signing: 'ecdsa', records: ['@ MX 10 mx.bare.test.', 'mx A 192.0.2.29'] },
      { name: 'plain.test.', signing: 'unsigned', records: ['_443._tcp.www TLSA 3 1 1 ' + spkiSha256] },
    ]);
  });
  after(async () => {
    await knot?.stop();
    await new Promise<void>((r) => (web ? web.close(() => r()) : r()));
  });

  const base = () => ({
    servers: { default: { host: knot.host, port: knot.port }, zones: [] },
    anchors: parseAnchors(knot.anchorText, 'test anchor'),
    query: { timeoutMs: 5000 },
  });
  const policy = () => ({ connect: webAddr, ca: ca.cert.pem, timeoutMs: 5000 });
  const ids = (kind: 'dns-mail' | 'dns-caa' | 'dns-tlsa', obs: never) => catalogue.run(kind, obs, 't').map((f) => f.id).sort();

  it('validates a complete MTA-STS setup: TXT, policy over HTTPS, MX patterns, TLS-RPT', async () => {
    const obs = await probeMail('mail.test', { ...base(), policy: policy() });
    assert.deepEqual(obs.mx.hosts.sort(), ['mx1.mail.test.', 'mx2.backup.mail.test.']);
    assert.equal(obs.mx.verdict, 'SECURE');
    assert.equal(obs.mtaSts.policy?.mode, 'enforce');
    assert.deepEqual(obs.mtaSts.unmatchedMx, []);
    assert.deepEqual(obs.tlsRpt.rua, ['mailto:tlsrpt@mail.test']);
    assert.deepEqual(ids('dns-mail', obs as never), []);
  });

  it('reports a testing-mode policy that does not cover the MX host, and no TLS-RPT', async () => {
    const obs = await probeMail('weak.test', { ...base(), policy: policy() });
    assert.deepEqual(obs.mtaSts.unmatchedMx, ['mx.weak.test.']);
    assert.deepEqual(ids('dns-mail', obs as never), ['dns.mtasts.mx-not-covered', 'dns.mtasts.not-enforced', 'dns.tlsrpt.missing']);
  });

  it('reports an announced policy that cannot be fetched', async () => {
    const obs = await probeMail('broken.test', { ...base(), policy: policy() });
    assert.equal(obs.mtaSts.policyError?.code, 'MG_ERR_PROTOCOL');
    assert.ok(ids('dns-mail', obs as never).includes('dns.mtasts.policy-invalid'));
  });

  it('refuses a policy served with a certificate from an untrusted CA', async () => {
    const obs = await probeMail('mail.test', { ...base(), policy: { connect: webAddr, timeoutMs: 5000 } });
    assert.equal(obs.mtaSts.policyError?.code, 'MG_ERR_X509_INVALID');
  });

  it('reports a mail domain with neither MTA-STS nor DANE', async () => {
    const obs = await probeMail('bare.test', { ...base(), policy: policy() });
    assert.deepEqual(ids('dns-mail', obs as never), ['dns.mail.no-tls-policy', 'dns.tlsrpt.missing']);
  });

  it('finds a DANE-EE TLSA record that matches the presented leaf key', async () => {
    const obs = await probeTlsa('www.mail.test', 443, { ...base(), connect: webAddr });
    assert.equal(obs.verdict, 'SECURE');
    assert.equal(obs.matches[0]?.matchedIndex, 0);
    assert.deepEqual(ids('dns-tlsa', obs as never), []);
  });

  it('finds a DANE-TA record that matches the CA in the presented chain', async () => {
    const obs = await probeTlsa('www.mail.test', 9443, { ...base(), connect: webAddr });
    assert.equal(obs.matches[0]?.matchedIndex, 1);
  });

  it('reports a TLSA record that matches nothing the server presents', async () => {
    const obs = await probeTlsa('www.mail.test', 8443, { ...base(), connect: webAddr });
    assert.deepEqual(ids('dns-tlsa', obs as never), ['dns.tlsa.mismatch']);
  });

  it('reports TLSA records in an unsigned zone as unusable for DANE', async () => {
    const obs = await probeTlsa('www.plain.test', 443, { ...base(), connect: webAddr });
    assert.equal(obs.verdict, 'INSECURE');
    assert.deepEqual(ids('dns-tlsa', obs as never), ['dns.tlsa.not-secure']);
  });

  it('allows the presented certificate when CAA names its CA', async () => {
    const obs = await probeCaa('www.mail.test', { ...base(), server: webAddr, caIds: [{ match: 'Mail Test CA', domains: ['ca.mail.test'] }] });
    assert.equal(obs.policy.owner, 'mail.test.');
    assert.equal(obs.issuerVerdict, 'allowed');
    assert.deepEqual(ids('dns-caa', obs as never), []);
  });

  it('reports a certificate from a CA that CAA does not allow', async () => {
    const obs = await probeCaa('www.weak.test', { ...base(), server: webAddr, caIds: [{ match: 'Mail Test CA', domains: ['ca.mail.test'] }] });
    assert.equal(obs.issuerVerdict, 'not-allowed');
    assert.deepEqual(ids('dns-caa', obs as never), ['dns.caa.issuer-not-allowed']);
  });

  it('reports a name without any CAA record up the tree', async () => {
    const obs = await probeCaa('mx.bare.test', base());
    assert.equal(obs.policy.owner, null);
    assert.deepEqual(ids('dns-caa', obs as never), ['dns.caa.missing']);
  });

  it('assesses a scan target: DNSSEC, CAA against the presented certificate and TLSA, as findings', async () => {
    const caIds = [{ match: 'Mail Test CA', domains: ['ca.mail.test'] }];
    const good = await assessTargetDns('www.mail.test', 443, { ...base(), connect: webAddr, caIds });
    assert.equal(good?.name.validation.verdict, 'SECURE');
    assert.equal(good?.tlsa.matches[0]?.matchedIndex, 0);
    assert.deepEqual(good?.findings, []);
    const weak = await assessTargetDns('www.weak.test', 443, { ...base(), connect: webAddr, caIds, target: 'https://www.weak.test' });
    assert.deepEqual(weak?.findings.map((f) => [f.id, f.target]), [['dns.caa.issuer-not-allowed', 'https://www.weak.test']]);
    assert.equal(await assessTargetDns('192.0.2.1', 443, base()), null);
  });
});
