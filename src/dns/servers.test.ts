import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMitmError } from '../errors.js';
import { buildServerMap, serverFor } from './servers.js';
import { RR_TYPES } from './types.js';

describe('server selection', () => {
  const map = buildServerMap('127.0.0.1:5300', ['test.=127.0.0.2:5301', 'ec.test.=127.0.0.3', '[::1]:5302'.replace(/^/, 'v6.test.=')]);

  it('sends a question to the server of the longest matching zone', () => {
    assert.deepEqual(serverFor(map, 'www.ec.test.', RR_TYPES.A), { host: '127.0.0.3', port: 53 });
    assert.deepEqual(serverFor(map, 'www.other.test.', RR_TYPES.A), { host: '127.0.0.2', port: 5301 });
    assert.deepEqual(serverFor(map, 'www.v6.test.', RR_TYPES.A), { host: '::1', port: 5302 });
  });

  it('sends a DS question to the parent side (RFC 4035 §3.1.4.1)', () => {
    assert.deepEqual(serverFor(map, 'ec.test.', RR_TYPES.DS), { host: '127.0.0.2', port: 5301 });
    assert.deepEqual(serverFor(map, 'ec.test.', RR_TYPES.DNSKEY), { host: '127.0.0.3', port: 53 });
  });

  it('falls back to the resolver for names outside every zone', () => {
    assert.deepEqual(serverFor(map, 'example.com.', RR_TYPES.A), { host: '127.0.0.1', port: 5300 });
  });

  it('rejects malformed server options with MG_ERR_USAGE', () => {
    assert.throws(() => buildServerMap(undefined, ['test.']), (e) => isMitmError(e, 'MG_ERR_USAGE'));
    assert.throws(() => buildServerMap('not-an-ip'), (e) => isMitmError(e, 'MG_ERR_USAGE'));
    assert.throws(() => buildServerMap('127.0.0.1:99999'), (e) => isMitmError(e, 'MG_ERR_USAGE'));
    assert.throws(() => serverFor(buildServerMap(undefined, ['test.=127.0.0.1']), 'example.com.', RR_TYPES.A), (e) => isMitmError(e, 'MG_ERR_USAGE'));
  });
});
