import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteWriter } from '../../bytes.js';
import { isMitmError } from '../../errors.js';
import { parseClientHello } from './client-hello-parse.js';
import { encodeClientHello } from './client-hello.js';
import { isGrease, ja3, ja4, ja4s } from './fingerprint.js';
import { parseServerHello } from './server-hello.js';

const hexList = (s: string) => s.split(',').map((h) => parseInt(h, 16));

interface HelloSpec {
  ciphers: number[];
  /** Extension types in wire order; the bodies of the ones a fingerprint reads are built from the fields below. */
  extensions: number[];
  sigalgs?: number[];
  groups?: number[];
  alpn?: Uint8Array[];
  versions?: number[];
  pointFormats?: number[];
}

/** A ClientHello message (RFC 8446 §4.1.2) with exactly these lists, as bytes, so the test goes through the parser. */
function helloBytes(s: HelloSpec): Uint8Array {
  const bodies: Record<number, (w: ByteWriter) => void> = {
    0x0000: (w) => w.vector(2, (l) => l.u8(0).vector(2, (n) => n.bytes(new TextEncoder().encode('example.test')))),
    0x000a: (w) => w.vector(2, (l) => (s.groups ?? []).forEach((g) => l.u16(g))),
    0x000b: (w) => w.vector(1, (l) => (s.pointFormats ?? [0]).forEach((f) => l.u8(f))),
    0x000d: (w) => w.vector(2, (l) => (s.sigalgs ?? []).forEach((a) => l.u16(a))),
    0x0010: (w) => w.vector(2, (l) => (s.alpn ?? []).forEach((p) => l.vector(1, (n) => n.bytes(p)))),
    0x0033: (w) => w.vector(2, () => undefined),
    0x002b: (w) => w.vector(1, (l) => (s.versions ?? [0x0304, 0x0303]).forEach((v) => l.u16(v))),
  };
  const w = new ByteWriter();
  w.u8(1).vector(3, (b) => {
    b.u16(0x0303).bytes(new Uint8Array(32)).vector(1, () => undefined);
    b.vector(2, (c) => s.ciphers.forEach((x) => c.u16(x)));
    b.vector(1, (c) => c.u8(0));
    b.vector(2, (e) => {
      for (const type of s.extensions) e.u16(type).vector(2, (d) => bodies[type]?.(d));
    });
  });
  return w.finish();
}

// FoxIO JA4 technical details, "Cipher hash", "Extension hash" and "Example": the lists in the order a client sent them.
const SPEC_CIPHERS = hexList('1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035');
const SPEC_EXTENSIONS = hexList('001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015');
const SPEC_SIGALGS = hexList('0403,0804,0401,0503,0805,0501,0806,0601');
const H2 = new TextEncoder().encode('h2');

describe('JA4 (FoxIO JA4 technical details)', () => {
  it('reproduces the published example fingerprint and its raw form', () => {
    const hello = parseClientHello(helloBytes({ ciphers: SPEC_CIPHERS, extensions: SPEC_EXTENSIONS, sigalgs: SPEC_SIGALGS, alpn: [H2] }));
    const fp = ja4(hello);
    assert.equal(fp.ja4, 't13d1516h2_8daaf6152771_e5627efa2ab1');
    assert.equal(
      fp.raw,
      't13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601',
    );
  });

  it('hashes the extension list alone, without an underscore, when there are no signature algorithms (6d807ffa2a79)', () => {
    const extensions = SPEC_EXTENSIONS.filter((t) => t !== 0x000d);
    // The spec's no-sigalgs example keeps 000d in the sorted list: the extension is present but empty.
    const withEmpty = parseClientHello(helloBytes({ ciphers: SPEC_CIPHERS, extensions: SPEC_EXTENSIONS, sigalgs: [], alpn: [H2] }));
    assert.equal(ja4(withEmpty).ja4.split('_')[2], '6d807ffa2a79');
    const without = ja4(parseClientHello(helloBytes({ ciphers: SPEC_CIPHERS, extensions, alpn: [H2] })));
    assert.equal(without.ja4.slice(0, 10), 't13d1515h2');
    assert.ok(!without.raw.endsWith('_'));
  });

  it('ignores GREASE in ciphers, extensions, versions and signature algorithms (RFC 8701)', () => {
    const grease = (xs: number[], g: number) => [g, ...xs.slice(0, 3), g + 0x1010, ...xs.slice(3)];
    const hello = parseClientHello(
      helloBytes({
        ciphers: grease(SPEC_CIPHERS, 0x0a0a),
        extensions: grease(SPEC_EXTENSIONS, 0x2a2a),
        sigalgs: SPEC_SIGALGS,
        versions: [0x7a7a, 0x0304, 0x0303],
        alpn: [H2],
      }),
    );
    assert.equal(ja4(hello).ja4, 't13d1516h2_8daaf6152771_e5627efa2ab1');
    assert.deepEqual([0x0a0a, 0xfafa, 0x1a1a].map(isGrease), [true, true, true]);
    assert.deepEqual([0x0a1a, 0x1301, 0x0000, 0xaaab].map(isGrease), [false, false, false, false]);
  });

  it('reads the version from legacy_version without supported_versions, SNI as d/i, ALPN edge cases', () => {
    const tls12 = ja4(parseClientHello(helloBytes({ ciphers: [0xc02f], extensions: [0x000d], sigalgs: [0x0401] })));
    assert.equal(tls12.ja4.slice(0, 10), 't12i010100');
    const alpn = (p: number[]) => ja4(parseClientHello(helloBytes({ ciphers: [0x1301], extensions: [0x0010], alpn: [Uint8Array.from(p)] }))).ja4.slice(8, 10);
    const http11 = [...new TextEncoder().encode('http/1.1')];
    assert.equal(alpn(http11), 'h1');
    assert.equal(alpn([0x68]), 'hh');
    // The spec's hex cases.
    assert.equal(alpn([0xab]), 'ab');
    assert.equal(alpn([0xab, 0xcd]), 'ad');
    assert.equal(alpn([0x30, 0xab]), '3b');
    assert.equal(alpn([0x30, 0x31, 0xab, 0xcd]), '3d');
    assert.equal(alpn([0x30, 0xab, 0xcd, 0x31]), '01');
    const none = ja4(parseClientHello(helloBytes({ ciphers: [], extensions: [] })));
    assert.equal(none.ja4, 't12i000000_000000000000_000000000000');
  });

  it('caps the counts at 99', () => {
    const many = Array.from({ length: 120 }, (_, i) => 0x0100 + i);
    assert.equal(ja4(parseClientHello(helloBytes({ ciphers: many, extensions: [] }))).ja4.slice(4, 6), '99');
  });

  it('fingerprints our own encoder\'s hello consistently with its offer', () => {
    const bytes = encodeClientHello({ version: 0x0303, cipherSuites: [0x1301, 0x1302], supportedVersions: [0x0304], serverName: 'a.test', groups: [0x11ec, 0x001d], signatureAlgorithms: [0x0807, 0x0403], alpn: ['h2'] });
    const fp = ja4(parseClientHello(bytes.subarray(5)));
    assert.match(fp.ja4, /^t13d02\d\dh2_[0-9a-f]{12}_[0-9a-f]{12}$/);
    assert.ok(fp.raw.endsWith('_0807,0403'));
  });
});

describe('JA3', () => {
  // A Chrome 143 ClientHello as a public fingerprinting service reported it (GREASE already left out): its JA3 text,
  // MD5 and JA4 are all given, so the hello built from the text must give the same three.
  const CHROME_CIPHERS = [4865, 4866, 4867, 49195, 49199, 49196, 49200, 52393, 52392, 49171, 49172, 156, 157, 47, 53];
  const CHROME_EXTENSIONS = [45, 51, 16, 65037, 23, 17613, 0, 11, 10, 43, 65281, 35, 18, 5, 13, 27];
  const chrome = () =>
    parseClientHello(
      helloBytes({ ciphers: CHROME_CIPHERS, extensions: CHROME_EXTENSIONS, groups: [4588, 29, 23, 24], sigalgs: SPEC_SIGALGS, alpn: [H2], pointFormats: [0] }),
    );

  it('builds the JA3 string in wire order and its MD5', () => {
    const fp = ja3(chrome());
    assert.equal(
      fp.text,
      '771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,45-51-16-65037-23-17613-0-11-10-43-65281-35-18-5-13-27,4588-29-23-24,0',
    );
    assert.equal(fp.hash, '98487aa16281980e7d1120d399efb6a4');
  });

  it('gives the same hello the reported JA4', () => {
    assert.equal(ja4(chrome()).ja4, 't13d1516h2_8daaf6152771_d8a2da3f94cd');
  });

  it('leaves GREASE out of every JA3 field', () => {
    const greased = parseClientHello(
      helloBytes({ ciphers: [0x3a3a, ...CHROME_CIPHERS], extensions: [0xdada, ...CHROME_EXTENSIONS], groups: [0x8a8a, 4588, 29, 23, 24], sigalgs: SPEC_SIGALGS, alpn: [H2] }),
    );
    assert.equal(ja3(greased).hash, '98487aa16281980e7d1120d399efb6a4');
  });

  it('rejects a malformed signature_algorithms or ALPN body with a MitmError', () => {
    const bad = parseClientHello(helloBytes({ ciphers: [0x1301], extensions: [0x000d] }));
    bad.extensions[0]!.data = Uint8Array.from([0x00, 0x05, 0x04]);
    assert.throws(() => ja4(bad), (e) => isMitmError(e));
    const badAlpn = parseClientHello(helloBytes({ ciphers: [0x1301], extensions: [0x0010], alpn: [H2] }));
    badAlpn.extensions[0]!.data = Uint8Array.from([0x00, 0x03, 0x09, 0x68]);
    assert.throws(() => ja4(badAlpn), (e) => isMitmError(e));
  });
});

describe('JA4S (FoxIO JA4S technical details)', () => {
  /** A ServerHello body with these extensions (empty bodies) and no supported_versions: TLS 1.2. */
  function serverHello(suite: number, extensions: number[]): Uint8Array {
    const w = new ByteWriter();
    w.u16(0x0303).bytes(new Uint8Array(32)).vector(1, () => undefined).u16(suite).u8(0);
    w.vector(2, (e) => {
      for (const t of extensions) e.u16(t).vector(2, (d) => (t === 0xff01 ? d.u8(0) : undefined));
    });
    return w.finish();
  }

  it('reproduces the published example t120400_c030_4e8089b08790', () => {
    const fp = ja4s(parseServerHello(serverHello(0xc030, hexList('0005,0017,ff01,0000'))));
    assert.equal(fp.ja4, 't120400_c030_4e8089b08790');
    assert.equal(fp.raw, 't120400_c030_0005,0017,ff01,0000');
  });

  it('keeps the extensions in wire order (not sorted)', () => {
    const a = ja4s(parseServerHello(serverHello(0xc030, hexList('0005,0017,ff01,0000'))));
    const b = ja4s(parseServerHello(serverHello(0xc030, hexList('0000,0005,0017,ff01'))));
    assert.notEqual(a.ja4, b.ja4);
    assert.equal(a.ja4.slice(0, 12), b.ja4.slice(0, 12));
  });
});

describe('fingerprints of mangled hellos', () => {
  it('either fingerprint or throw a MitmError, for a few thousand seeded mutants', () => {
    const base = helloBytes({ ciphers: SPEC_CIPHERS, extensions: SPEC_EXTENSIONS, sigalgs: SPEC_SIGALGS, alpn: [H2], groups: [0x11ec, 0x001d] });
    let seed = 0x5eed;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 0x1000000;
    let fingerprinted = 0;
    for (let i = 0; i < 4000; i++) {
      const m = Uint8Array.from(base);
      for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
      try {
        const h = parseClientHello(m.subarray(0, m.length - Math.floor(rand() * 2) * Math.floor(rand() * 20)));
        assert.match(ja4(h).ja4, /^t..[di]\d{4}.._[0-9a-f]{12}_[0-9a-f]{12}$/);
        assert.match(ja3(h).hash, /^[0-9a-f]{32}$/);
        fingerprinted++;
      } catch (e) {
        assert.ok(isMitmError(e), `not a MitmError: ${String(e)}`);
      }
    }
    assert.ok(fingerprinted > 100, `only ${fingerprinted} mutants parsed`);
  });
});
