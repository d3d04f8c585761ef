import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderScanText } from './text.js';
import type { ScanDocument } from '../model/index.js';

const doc: ScanDocument = {
  tool: 'mitmguard',
  version: '0.0.0',
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:01.000Z',
  targets: [
    {
      target: 'a.test:443', host: 'a.test', port: 443, ok: true, error: null, durationMs: 12,
      tls: {
        protocols: { SSLv2: false, SSLv3: false, 'TLSv1.0': true, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': false },
        cipherSuites: { 'TLSv1.0': ['TLS_RSA_WITH_AES_128_CBC_SHA'], 'TLSv1.2': ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'] },
        serverPreference: { 'TLSv1.0': null, 'TLSv1.2': null },
        groups: ['x25519'], alpn: [], certificates: [], ocspStapled: false, secureRenegotiation: true, fallbackScsv: true, compression: false,
      },
      findings: [{ id: 'tls.protocol.tls10-enabled', pillar: 'encryption', severity: 'medium', target: 'a.test:443', title: 'TLSv1.0 is enabled', evidence: 'seen', remediation: 'r', references: [] }],
    },
    { target: 'b.test:443', host: 'b.test', port: 443, ok: false, error: { code: 'MG_ERR_TIMEOUT', message: 'no answer' }, tls: null, findings: [], durationMs: 5 },
  ],
};

describe('scan text rendering', () => {
  it('shows protocols, suites per version, findings and failures at a glance', () => {
    const text = renderScanText(doc);
    assert.match(text, /protocols .*TLSv1\.0.*TLSv1\.2/);
    assert.match(text, /TLSv1\.2 \(1, order n\/a\)\n {4}TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256/);
    assert.match(text, /medium\s+tls\.protocol\.tls10-enabled/);
    assert.match(text, /b\.test:443.*\n {2}error MG_ERR_TIMEOUT: no answer/);
    assert.match(text, /2 target\(s\), 1 failed, 1 finding\(s\)/);
  });
});
