import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scenarioById } from './scenarios/index.js';
import { applyBaseline, forgedAccepted, judgeScenario } from './verdict.js';
import type { ConnectionRecord, ScenarioResult } from './types.js';

const scenario = (id: string) => {
  const s = scenarioById(id);
  assert.ok(s, id);
  return s;
};

const conn = (partial: Partial<ConnectionRecord>): ConnectionRecord => ({ scenario: 'x', remote: '127.0.0.1:1', openedAt: 0, events: [], ...partial });

test('a handshake that completes without application data is a rejection, not an acceptance', () => {
  const r = judgeScenario(scenario('self-signed'), [conn({ handshake: { completed: true, protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' } })]);
  assert.equal(r.verdict, 'rejected');
  assert.match(r.evidence, /handshake completed.*no application data/);
});

test('a request over TLS to a forged server is accepted, with the secret shown only as a hash', () => {
  const r = judgeScenario(scenario('untrusted-ca'), [
    conn({
      handshake: { completed: true, protocol: 'TLSv1.3' },
      events: [
        { kind: 'request', summary: 'GET / HTTP/1.1', significant: true, protected: true },
        { kind: 'credential', summary: 'authorization header Basic', significant: true, protected: true, secret: { hmac: 'ab'.repeat(8), lengthRange: [9, 16], containsToken: true } },
      ],
    }),
  ]);
  assert.equal(r.verdict, 'accepted');
  assert.match(r.evidence, /GET \/ HTTP\/1\.1/);
  assert.match(r.evidence, /9–16 bytes, run hmac abababab…, holds the canary token/);
});

test('negotiation alone (EHLO, STARTTLS) does not make a stripped STARTTLS accepted', () => {
  const events = [{ kind: 'negotiation' as const, summary: 'EHLO', significant: false, protected: false }];
  assert.equal(judgeScenario(scenario('starttls-not-offered'), [conn({ events })]).verdict, 'rejected');
  const leaked = [...events, { kind: 'credential' as const, summary: 'AUTH PLAIN', significant: true, protected: false }];
  assert.equal(judgeScenario(scenario('starttls-not-offered'), [conn({ events: leaked })]).verdict, 'accepted-plaintext');
});

test('a client that fails the TLS scenario and retries in cleartext is accepted-plaintext', () => {
  const r = judgeScenario(scenario('self-signed'), [
    conn({ handshake: { completed: false, error: 'tlsv1 alert unknown ca' } }),
    conn({ events: [{ kind: 'request', summary: 'StartupMessage (user, database)', significant: true, protected: false }] }),
  ]);
  assert.equal(r.verdict, 'accepted-plaintext');
  assert.match(r.evidence, /handshake failed: tlsv1 alert unknown ca/);
});

test('no connection is inconclusive with a reason', () => {
  const r = judgeScenario(scenario('expired'), []);
  assert.equal(r.verdict, 'inconclusive');
  assert.ok(r.reason);
});

test('rejections become inconclusive when the baseline was not accepted', () => {
  const results: ScenarioResult[] = [
    { scenario: 'baseline', title: 'b', verdict: 'rejected', evidence: '', connections: 1 },
    { scenario: 'expired', title: 'e', verdict: 'rejected', evidence: '', connections: 1 },
    { scenario: 'self-signed', title: 's', verdict: 'accepted', evidence: '', connections: 1 },
  ];
  const out = applyBaseline(results);
  assert.equal(out[1]!.verdict, 'inconclusive');
  assert.match(out[1]!.reason ?? '', /baseline was not accepted/);
  assert.equal(out[2]!.verdict, 'accepted');
  assert.deepEqual(forgedAccepted(out).map((r) => r.scenario), ['self-signed']);
});

test('proxy-mode evidence names the host the client tunnelled to', () => {
  const r = judgeScenario(scenario('untrusted-ca'), [conn({ target: 'api.example.com:443', handshake: { completed: false, error: 'tlsv1 alert unknown ca' } })]);
  assert.match(r.evidence, /proxy tunnel to api\.example\.com:443; TLS handshake failed: tlsv1 alert unknown ca/);
});
