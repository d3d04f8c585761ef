import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMitmError } from '../../errors.js';
import { builtInRootAnchor, parseAnchors } from './anchors.js';

describe('trust anchors', () => {
  it('has the root KSK-2017 (20326) and KSK-2024 (38696) built in as SHA-256 DS records', () => {
    const [root] = builtInRootAnchor();
    assert.equal(root!.zone, '.');
    assert.deepEqual(root!.records.map((r) => r.kind === 'DS' && [r.keyTag, r.algorithm, r.digestType, r.digest.length]), [[20326, 8, 2, 32], [38696, 8, 2, 32]]);
  });

  it('reads DS and DNSKEY records in zone-file format, with TTL, class, comments and parentheses', () => {
    const text = `; private hierarchy
corp.example. 3600 IN DS 12345 13 2 ( 0123456789abcdef0123456789abcdef
                                      0123456789abcdef0123456789abcdef )
corp.example. IN DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==
`;
    const [a] = parseAnchors(text, 'test');
    assert.equal(a!.zone, 'corp.example.');
    assert.equal(a!.records.length, 2);
    const key = a!.records[1]!;
    assert.equal(key.kind === 'DNSKEY' && key.publicKey.length, 64);
  });

  it('rejects a line that is not DS or DNSKEY with MG_ERR_CONFIG', () => {
    assert.throws(() => parseAnchors('example. IN A 192.0.2.1', 'test'), (e) => isMitmError(e, 'MG_ERR_CONFIG'));
    assert.throws(() => parseAnchors('; nothing', 'test'), (e) => isMitmError(e, 'MG_ERR_CONFIG'));
    assert.throws(() => parseAnchors('example. DS 1 13 2 zz', 'test'), (e) => isMitmError(e));
  });
});
