import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSanDnsName, dnsNameMatches, matchesIdentity, referenceIdentity } from './hostname.js';
import { formatIp, parseIp, type GeneralName } from './general-name.js';

const dns = (text: string): GeneralName => ({ type: 'dns', text, bytes: new Uint8Array() });
const ip = (text: string): GeneralName => ({ type: 'ip', text, bytes: parseIp(text)! });
const matches = (sans: GeneralName[], host: string) => matchesIdentity(sans, referenceIdentity(host)!);

test('a wildcard matches exactly one whole left-most label, never the apex or two labels', () => {
  assert.equal(dnsNameMatches('*.example.com', 'foo.example.com'), true);
  assert.equal(dnsNameMatches('*.example.com', 'example.com'), false);
  assert.equal(dnsNameMatches('*.example.com', 'a.b.example.com'), false);
  assert.equal(dnsNameMatches('Example.COM', 'example.com'), true);
});

test('wildcards over public suffixes never match (CABF BR §3.2.2.6)', () => {
  assert.equal(matches([dns('*.com')], 'example.com'), false);
  assert.equal(matches([dns('*.co.uk')], 'example.co.uk'), false);
  assert.equal(matches([dns('*.s3.amazonaws.com')], 'bucket.s3.amazonaws.com'), false);
  assert.equal(matches([dns('*')], 'com'), false);
});

test('partial-label and non-left-most wildcards are malformed and never match', () => {
  assert.match(checkSanDnsName('ba*.example.com') ?? '', /wildcard/);
  assert.match(checkSanDnsName('foo.*.example.com') ?? '', /wildcard/);
  assert.match(checkSanDnsName('xn--*-1b3c148a.example.com') ?? '', /wildcard/);
  assert.equal(matches([dns('ba*.example.com')], 'baz.example.com'), false);
  assert.match(checkSanDnsName('foo_bar.example.com') ?? '', /not a valid DNS name/);
});

test('IP references match iPAddress SANs only, never a dNSName holding the address', () => {
  assert.equal(matches([ip('127.0.0.1')], '127.0.0.1'), true);
  assert.equal(matches([dns('8.8.8.8')], '8.8.8.8'), false);
  assert.equal(matches([ip('::1')], '[::1]'), true);
  assert.equal(matches([ip('2001:db8::1')], '2001:0db8:0:0:0:0:0:1'), true);
});

test('there is no Common Name fallback: only SANs are consulted', () => {
  assert.equal(matches([], 'example.com'), false);
});

test('internationalised names are compared in A-label form', () => {
  const ref = referenceIdentity('bücher.example');
  assert.deepEqual(ref, { kind: 'dns', name: 'xn--bcher-kva.example' });
  assert.equal(matches([dns('xn--bcher-kva.example')], 'bücher.example'), true);
});

test('IPv6 text follows RFC 5952 and strict dotted-quad parsing refuses leading zeros', () => {
  assert.equal(formatIp(parseIp('2001:db8:0:0:1:0:0:1')!), '2001:db8::1:0:0:1');
  assert.equal(formatIp(parseIp('::')!), '::');
  assert.equal(parseIp('192.168.001.001'), undefined);
  assert.equal(parseIp('0xC0A80101'), undefined);
});
