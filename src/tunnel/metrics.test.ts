import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderPrometheus, TunnelMetrics } from './metrics.js';
import { classifyTlsError } from './relay.js';

test('Prometheus text: every failure reason as a sample, HELP and TYPE lines', () => {
  const m = new TunnelMetrics();
  m.fail('revoked');
  m.fail('revoked');
  m.connectionsTotal = 3;
  const text = renderPrometheus(m, 'server');
  assert.match(text, /^# HELP mitmguard_tunnel_connections_total /m);
  assert.match(text, /^mitmguard_tunnel_connections_total\{mode="server"\} 3$/m);
  assert.match(text, /^mitmguard_tunnel_failures_total\{mode="server",reason="revoked"\} 2$/m);
  assert.match(text, /^mitmguard_tunnel_failures_total\{mode="server",reason="expired"\} 0$/m);
});

test('handshake errors map to a closed set of reasons', () => {
  assert.equal(classifyTlsError({ code: 'CERT_REVOKED' }), 'revoked');
  assert.equal(classifyTlsError({ code: 'CERT_HAS_EXPIRED' }), 'expired');
  assert.equal(classifyTlsError({ code: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE' }), 'no-client-certificate');
  assert.equal(classifyTlsError({ code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' }), 'untrusted');
  assert.equal(classifyTlsError({ message: 'something else entirely' }), 'handshake');
});
