import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMitmError } from '../errors.js';
import { mxMatches, parseMtaStsPolicy, parseMtaStsTxt, parseTlsRptTxt } from './mail.js';

describe('MTA-STS (RFC 8461)', () => {
  it('parses a policy with CRLF lines, several mx patterns and unknown keys ignored', () => {
    const p = parseMtaStsPolicy('version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.backup.example.com\r\nmax_age: 604800\r\nfuture: x\r\n');
    assert.deepEqual(p, { version: 'STSv1', mode: 'enforce', mx: ['mail.example.com', '*.backup.example.com'], maxAge: 604800 });
  });

  it('rejects a policy without mx patterns, with a bad mode, or with max_age over a year', () => {
    const bad = ['version: STSv1\nmode: enforce\nmax_age: 1\n', 'version: STSv1\nmode: strict\nmx: a\nmax_age: 1\n', 'version: STSv1\nmode: testing\nmx: a\nmax_age: 31557601\n', 'garbage'];
    for (const b of bad) assert.throws(() => parseMtaStsPolicy(b), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
  });

  it('matches a wildcard mx pattern against exactly one extra label (§4.1)', () => {
    assert.equal(mxMatches('*.example.com', 'mx1.example.com.'), true);
    assert.equal(mxMatches('*.example.com', 'a.b.example.com'), false);
    assert.equal(mxMatches('*.example.com', 'example.com'), false);
    assert.equal(mxMatches('mail.example.com', 'MAIL.example.com.'), true);
  });

  it('parses the _mta-sts TXT record and rejects a bad id', () => {
    assert.deepEqual(parseMtaStsTxt('v=STSv1; id=20240101T000000;'), { version: 'STSv1', id: '20240101T000000' });
    assert.throws(() => parseMtaStsTxt('v=STSv1; id=has space'), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
    assert.throws(() => parseMtaStsTxt('v=spf1 -all'), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
  });
});

describe('TLS-RPT (RFC 8460)', () => {
  it('parses rua URIs and rejects other schemes', () => {
    assert.deepEqual(parseTlsRptTxt('v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example.com/x').rua, ['mailto:tls@example.com', 'https://r.example.com/x']);
    assert.throws(() => parseTlsRptTxt('v=TLSRPTv1; rua=ftp://x'), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
  });
});
