import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { CIPHER_SUITES, suiteByCode, suiteByName, suiteByOpenSslName, suiteName } from './suites.js';
import { NAMED_GROUPS } from './registry.js';

describe('cipher suite registry', () => {
  it('has unique codes, IANA names and OpenSSL names', () => {
    const unique = (xs: unknown[]) => new Set(xs).size === xs.length;
    assert.ok(unique(CIPHER_SUITES.map((s) => s.code)));
    assert.ok(unique(CIPHER_SUITES.map((s) => s.name)));
    assert.ok(unique(CIPHER_SUITES.filter((s) => s.openssl).map((s) => s.openssl)));
    assert.ok(unique(NAMED_GROUPS.map((g) => g.code)));
  });

  it('derives key exchange, authentication, cipher and MAC from the IANA name', () => {
    assert.deepEqual(
      (({ kx, au, cipher, mac, bits, forwardSecret, tls12Only }) => ({ kx, au, cipher, mac, bits, forwardSecret, tls12Only }))(suiteByCode(0xc02f)!),
      { kx: 'ECDHE', au: 'RSA', cipher: 'AES_128_GCM', mac: 'AEAD', bits: 128, forwardSecret: true, tls12Only: true },
    );
    const des3 = suiteByName('TLS_RSA_WITH_3DES_EDE_CBC_SHA')!;
    assert.equal(des3.bits, 112);
    assert.equal(des3.forwardSecret, false);
    assert.equal(des3.mac, 'SHA');
    assert.equal(suiteByName('TLS_RSA_EXPORT_WITH_RC4_40_MD5')!.export, true);
    assert.equal(suiteByName('TLS_DH_anon_WITH_AES_128_CBC_SHA')!.anonymous, true);
    assert.equal(suiteByCode(0x1301)!.tls13, true);
    assert.equal(suiteByName('TLS_RSA_WITH_AES_128_CCM_8')!.cipher, 'AES_128_CCM_8');
  });

  it('names unknown codes in hex', () => {
    assert.equal(suiteName(0xfafa), '0xFAFA');
  });

  it('knows every suite this machine\'s OpenSSL knows, under the same code', () => {
    const out = execFileSync('openssl', ['ciphers', '-V', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'], { encoding: 'utf8' });
    const missing: string[] = [];
    const lines = out.trim().split('\n');
    // OpenSSL 1.1 and 3.x list well over a hundred suites here; a format we no longer read must fail, not pass empty.
    assert.ok(lines.length >= 60, `openssl listed only ${lines.length} suites:\n${out}`);
    const seen: string[] = [];
    for (const line of lines) {
      const m = /0x([0-9A-F]{2}),0x([0-9A-F]{2})\s+-\s+(\S+)/.exec(line);
      assert.ok(m, `a line of openssl ciphers -V we cannot read: ${JSON.stringify(line)}`);
      seen.push(m[3]!);
      const code = parseInt(m[1]! + m[2]!, 16);
      const suite = suiteByCode(code);
      if (!suite) missing.push(m[3]!);
      else if (!suite.tls13) assert.equal(suiteByOpenSslName(m[3]!)?.code, code, m[3]);
    }
    assert.deepEqual(missing, []);
    for (const name of ['TLS_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'AES128-SHA']) assert.ok(seen.includes(name), `${name} among ${seen.length} suites`);
  });
});
