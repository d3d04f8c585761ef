import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckRegistry } from './registry.js';
import { dnsChecks } from './dns.js';
import type { DnsMailObservation, DnsNameObservation, DnsTlsaObservation } from '../dns/observations.js';
import type { DnssecResult } from '../dns/dnssec/validator.js';
import { reason } from '../dns/dnssec/reasons.js';

const registry = new CheckRegistry(dnsChecks);

function validation(over: Partial<DnssecResult>): DnssecResult {
  return {
    name: 'www.example.test.', type: 'A', verdict: 'SECURE', reason: null, rcode: 'NOERROR', answers: [], rdata: [], chain: [], cnames: [],
    queries: 3, anomalies: [], notes: [], ...over,
  };
}

const nameObs = (v: Partial<DnssecResult>, comparison: DnsNameObservation['comparison'] = null): DnsNameObservation => ({
  name: 'www.example.test.', type: 'A', validation: validation(v), comparison,
});

const ids = (f: { id: string }[]) => f.map((x) => x.id);

describe('dns checks', () => {
  it('raise nothing for a SECURE name with agreeing resolvers', () => {
    assert.deepEqual(registry.run('dns-name', nameObs({}), 't'), []);
  });

  it('report a BOGUS answer as critical with the reason and EDE code', () => {
    const f = registry.run('dns-name', nameObs({ verdict: 'BOGUS', reason: reason('DNSSEC_BOGUS', 'the signature of www A does not verify') }), 't');
    assert.deepEqual(ids(f), ['dns.dnssec.bogus']);
    assert.equal(f[0]!.severity, 'critical');
    assert.match(f[0]!.evidence, /does not verify \(EDE 6\)/);
  });

  it('report INSECURE and INDETERMINATE names', () => {
    assert.deepEqual(ids(registry.run('dns-name', nameObs({ verdict: 'INSECURE' }), 't')), ['dns.dnssec.insecure']);
    assert.deepEqual(ids(registry.run('dns-name', nameObs({ verdict: 'INDETERMINATE' }), 't')), ['dns.dnssec.indeterminate']);
  });

  it('report each spoofing anomaly and each resolver disagreement', () => {
    const f = registry.run(
      'dns-name',
      nameObs(
        { anomalies: [{ kind: 'wrong-id', detail: 'id 1 vs 2' }, { kind: 'racing-answer', detail: 'second answer' }] },
        { name: 'www.example.test.', type: 'A', answers: [], agree: false, differences: ['r2 answered 203.0.113.66'] },
      ),
      't',
    );
    assert.deepEqual(ids(f).sort(), ['dns.spoof.anomalous-response', 'dns.spoof.anomalous-response', 'dns.spoof.resolver-disagreement']);
  });

  it('report deprecated RSASHA1 in the chain', () => {
    const chain = [{ zone: 'old.test.', trust: 'ds' as const, ds: [], dnskeys: [{ keyTag: 1, algorithm: 'RSASHA1', flags: 257, sep: true }], note: '' }];
    assert.deepEqual(ids(registry.run('dns-name', nameObs({ chain }), 't')), ['dns.dnssec.deprecated-algorithm']);
  });

  it('report a TLSA set that matches nothing, and TLSA that is not secure', () => {
    const base: DnsTlsaObservation = {
      name: '_443._tcp.www.example.test.', host: 'www.example.test.', port: 443, verdict: 'SECURE', records: ['3 1 1 aa'],
      matches: [{ record: '3 1 1 aa', usage: 'DANE-EE', matchedIndex: null, unusable: null }], chainLength: 2, error: null,
    };
    assert.deepEqual(ids(registry.run('dns-tlsa', base, 't')), ['dns.tlsa.mismatch']);
    assert.deepEqual(ids(registry.run('dns-tlsa', { ...base, matches: [{ ...base.matches[0]!, matchedIndex: 0 }] }, 't')), []);
    assert.deepEqual(ids(registry.run('dns-tlsa', { ...base, verdict: 'INSECURE' }, 't')), ['dns.tlsa.not-secure']);
  });

  it('report a mail domain without MTA-STS, DANE or TLS-RPT', () => {
    const mail: DnsMailObservation = {
      domain: 'example.test.', mx: { hosts: ['mx.example.test.'], verdict: 'SECURE' },
      mtaSts: { txt: null, txtError: null, policyUrl: null, policy: null, policyError: null, unmatchedMx: [] },
      tlsRpt: { txt: null, rua: [], error: null }, dane: [{ host: 'mx.example.test.', verdict: 'SECURE', records: 0 }],
    };
    assert.deepEqual(ids(registry.run('dns-mail', mail, 't')).sort(), ['dns.mail.no-tls-policy', 'dns.tlsrpt.missing']);
  });

  it('report an MTA-STS policy in testing mode that does not cover an MX host', () => {
    const mail: DnsMailObservation = {
      domain: 'example.test.', mx: { hosts: ['mx.example.test.', 'evil.example.net.'], verdict: 'SECURE' },
      mtaSts: { txt: 'v=STSv1; id=1', txtError: null, policyUrl: 'https://mta-sts.example.test/.well-known/mta-sts.txt', policy: { version: 'STSv1', mode: 'testing', mx: ['mx.example.test'], maxAge: 86400 }, policyError: null, unmatchedMx: ['evil.example.net.'] },
      tlsRpt: { txt: 'v=TLSRPTv1; rua=mailto:a@example.test', rua: ['mailto:a@example.test'], error: null }, dane: [],
    };
    assert.deepEqual(ids(registry.run('dns-mail', mail, 't')).sort(), ['dns.mtasts.mx-not-covered', 'dns.mtasts.not-enforced']);
  });
});
