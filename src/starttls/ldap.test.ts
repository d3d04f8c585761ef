import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LdapDialogue, encodeStartTlsRequest, parseExtendedResponse } from './ldap.js';
import { replay } from './test-util.js';
import { isMitmError } from '../errors.js';
import { fromHex, toHex } from '../bytes.js';

// Recorded from slapd 2.5.13 (Debian 12): with a certificate, and without TLS configured.
const SUCCESS = '300c02010178070a010004000400';
const UNSUPPORTED = '302a02010178250a01020400041e756e737570706f7274656420657874656e646564206f7065726174696f6e';

test('LDAP StartTLS request is the RFC 4511 extended request with the StartTLS OID', () => {
  assert.equal(toHex(encodeStartTlsRequest()), '301d02010177188016312e332e362e312e342e312e313436362e3230303337');
});

test('LDAP dialogue is ready on resultCode 0, even when the answer arrives byte by byte', () => {
  const d = new LdapDialogue();
  const bytes = fromHex(SUCCESS);
  const r = replay(d, [...bytes].map((b) => Uint8Array.of(b)));
  assert.equal(r.last.ready, true);
  assert.equal(r.last.trailing, 0);
  assert.equal(d.observation().upgradeReply, '0 success');
});

test('LDAP dialogue reports protocolError with the diagnostic message as a refusal', () => {
  assert.throws(() => replay(new LdapDialogue(), [fromHex(UNSUPPORTED)]), (e: unknown) => isMitmError(e, 'MG_ERR_STARTTLS') && /unsupported extended operation/.test(e.message));
});

test('LDAP parser rejects non-LDAP bytes, oversized lengths and a long-form length it cannot hold', () => {
  assert.throws(() => parseExtendedResponse(Buffer.from('220 smtp\r\n')), (e: unknown) => isMitmError(e, 'MG_ERR_PROTOCOL'));
  assert.throws(() => parseExtendedResponse(fromHex('3084ffffffff')), (e: unknown) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
  assert.throws(() => parseExtendedResponse(fromHex('3089')), (e: unknown) => isMitmError(e, 'MG_ERR_MALFORMED'));
  assert.equal(parseExtendedResponse(fromHex('300c0201')), null);
});

test('LDAP dialogue turns a malformed body into MG_ERR_PROTOCOL', () => {
  assert.throws(() => replay(new LdapDialogue(), [fromHex('3003020101')]), (e: unknown) => isMitmError(e, 'MG_ERR_PROTOCOL'));
});
